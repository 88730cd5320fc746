/* See include/_NumericKernels.h. Compiled with -O2 -fno-math-errno -ffp-contract=off (Package.swift). */
#include "_NumericKernels.h"

#include <math.h>

void nk_adam_step_f32(float *restrict parameters, float *restrict first_moment, float *restrict second_moment,
                      const float *restrict gradient, size_t count, float lr, float b1, float c1, float b2, float c2,
                      float eps) {
    for (size_t i = 0; i < count; i++) {
        const float g = gradient[i];
        const float m = b1 * first_moment[i] + c1 * g;
        const float v = b2 * second_moment[i] + (c2 * g) * g;
        first_moment[i] = m;
        second_moment[i] = v;
        parameters[i] = parameters[i] - (lr * m) / (sqrtf(v) + eps);
    }
}

void nk_adam_step_f64(double *restrict parameters, double *restrict first_moment, double *restrict second_moment,
                      const double *restrict gradient, size_t count, double lr, double b1, double c1, double b2,
                      double c2, double eps) {
    for (size_t i = 0; i < count; i++) {
        const double g = gradient[i];
        const double m = b1 * first_moment[i] + c1 * g;
        const double v = b2 * second_moment[i] + (c2 * g) * g;
        first_moment[i] = m;
        second_moment[i] = v;
        parameters[i] = parameters[i] - (lr * m) / (sqrt(v) + eps);
    }
}
