/* See include/_NumericKernels.h. Compiled with -O2 -fno-math-errno -ffp-contract=off (Package.swift). */
#include "_NumericKernels.h"

#include <math.h>

/* One definition for both precisions: NAME(T) with T's square root SQRT. */
#define NK_ADAM_STEP(NAME, T, SQRT)                                                                                  \
    void NAME(T *restrict parameters, T *restrict first_moment, T *restrict second_moment,                         \
              const T *restrict gradient, size_t count, T lr, T b1, T c1, T b2, T c2, T eps) {                       \
        for (size_t i = 0; i < count; i++) {                                                                         \
            const T g = gradient[i];                                                                                 \
            const T m = b1 * first_moment[i] + c1 * g;                                                               \
            const T v = b2 * second_moment[i] + (c2 * g) * g;                                                        \
            first_moment[i] = m;                                                                                     \
            second_moment[i] = v;                                                                                    \
            parameters[i] = parameters[i] - (lr * m) / (SQRT(v) + eps);                                              \
        }                                                                                                            \
    }

NK_ADAM_STEP(nk_adam_step_f32, float, sqrtf)
NK_ADAM_STEP(nk_adam_step_f64, double, sqrt)
