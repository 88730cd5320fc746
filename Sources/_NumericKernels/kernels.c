/* See include/_NumericKernels.h. Compiled with -O2 -fno-math-errno -ffp-contract=off (Package.swift).
 *
 * Each loop is written once (a macro) and compiled three times on x86-64: for the baseline (SSE2), with AVX2 and with
 * AVX-512F enabled for that function alone, so the package still builds and runs on any x86-64. The loops use only
 * correctly rounded IEEE operations (add, multiply, divide, square root), no multiply-add is fused, and every lane
 * computes one element, so the three variants give the same bits; the public entry points call the widest one the
 * processor and operating system support. */
#include "_NumericKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NK_X86 1
#include <cpuid.h>
#define NK_AVX2 __attribute__((target("avx2")))
#define NK_AVX512 __attribute__((target("avx512f")))
#endif

/* One Adam step: NAME(T) with T's square root SQRT. */
#define NK_ADAM_STEP(NAME, T, SQRT, TARGET)                                                                          \
    TARGET static void NAME(T *restrict parameters, T *restrict first_moment, T *restrict second_moment,           \
                            const T *restrict gradient, size_t count, T lr, T b1, T c1, T b2, T c2, T eps) {         \
        for (size_t i = 0; i < count; i++) {                                                                         \
            const T g = gradient[i];                                                                                 \
            const T m = b1 * first_moment[i] + c1 * g;                                                               \
            const T v = b2 * second_moment[i] + (c2 * g) * g;                                                        \
            first_moment[i] = m;                                                                                     \
            second_moment[i] = v;                                                                                    \
            parameters[i] = parameters[i] - (lr * m) / (SQRT(v) + eps);                                              \
        }                                                                                                            \
    }

/* tanh in place, the formula of the Swift reference PolicyTanh.value, operation for operation:
 * a = min(|x|, 20), y = 2a = k ln2 + r (Cody–Waite), e^r by a degree-13 Taylor polynomial in Horner form, 2^k from
 * the exponent bits, t = 1 − 2/(e^y + 1), sign(x)·t. */
#define NK_TANH(NAME, TARGET)                                                                                        \
    TARGET static void NAME(double *restrict x, size_t count) {                                                      \
        for (size_t i = 0; i < count; i++) {                                                                         \
            const double value = x[i];                                                                               \
            double a = fabs(value);                                                                                  \
            a = 20.0 < a ? 20.0 : a;                                                                                 \
            const double y = 2 * a;                                                                                  \
            const double shifted = y * 1.4426950408889634 + 6755399441055744.0;                                      \
            const double k = shifted - 6755399441055744.0;                                                           \
            const double r = (y - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;                  \
            double p = 1.0 / 6227020800.0;                                                                           \
            p = p * r + 1.0 / 479001600.0;                                                                           \
            p = p * r + 1.0 / 39916800.0;                                                                            \
            p = p * r + 1.0 / 3628800.0;                                                                             \
            p = p * r + 1.0 / 362880.0;                                                                              \
            p = p * r + 1.0 / 40320.0;                                                                               \
            p = p * r + 1.0 / 5040.0;                                                                                \
            p = p * r + 1.0 / 720.0;                                                                                 \
            p = p * r + 1.0 / 120.0;                                                                                 \
            p = p * r + 1.0 / 24.0;                                                                                  \
            p = p * r + 1.0 / 6.0;                                                                                   \
            p = p * r + 0.5;                                                                                         \
            p = p * r + 1.0;                                                                                         \
            p = p * r + 1.0;                                                                                         \
            uint64_t bits;                                                                                           \
            memcpy(&bits, &shifted, sizeof bits);                                                                    \
            bits = (bits + 1023) << 52;                                                                              \
            double scale;                                                                                            \
            memcpy(&scale, &bits, sizeof scale);                                                                     \
            const double t = 1 - 2 / (p * scale + 1);                                                                \
            x[i] = value < 0 ? -t : t;                                                                               \
        }                                                                                                            \
    }

/* The three variants of every kernel (one on other processors). */
#define NK_VARIANTS(KERNEL, NAME, ...)                                                                               \
    KERNEL(NAME##_base, ##__VA_ARGS__, )                                                                             \
    NK_IF_X86(KERNEL(NAME##_avx2, ##__VA_ARGS__, NK_AVX2) KERNEL(NAME##_avx512, ##__VA_ARGS__, NK_AVX512))

#ifdef NK_X86
#define NK_IF_X86(...) __VA_ARGS__
#else
#define NK_IF_X86(...)
#endif

NK_VARIANTS(NK_ADAM_STEP, adam_f32, float, sqrtf)
NK_VARIANTS(NK_ADAM_STEP, adam_f64, double, sqrt)
NK_VARIANTS(NK_TANH, tanh_f64)

int nk_vector_level(void) {
#ifdef NK_X86
    static int cached = -1;
    int level = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    level = NK_LEVEL_BASELINE;
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27))) { /* OSXSAVE */
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        if ((lo & 0x6u) == 0x6u && __get_cpuid_count(7, 0, &a, &b, &c, &d)) { /* the OS saves SSE and AVX state */
            if (b & (1u << 5)) level = NK_LEVEL_AVX2;
            if ((lo & 0xE6u) == 0xE6u && (b & (1u << 16))) level = NK_LEVEL_AVX512; /* opmask and ZMM state too */
        }
    }
    __atomic_store_n(&cached, level, __ATOMIC_RELAXED);
    return level;
#else
    return NK_LEVEL_BASELINE;
#endif
}

/* The variant for `level` (clamped to what this processor supports), or the widest one for a negative level. */
#define NK_DISPATCH(NAME, level, ...)                                                                                \
    do {                                                                                                             \
        const int supported = nk_vector_level();                                                                     \
        const int chosen = (level) < 0 || (level) > supported ? supported : (level);                                 \
        NK_IF_X86(if (chosen == NK_LEVEL_AVX512) { NAME##_avx512(__VA_ARGS__); return; }                             \
                  if (chosen == NK_LEVEL_AVX2) { NAME##_avx2(__VA_ARGS__); return; })                                \
        (void)chosen;                                                                                                \
        NAME##_base(__VA_ARGS__);                                                                                    \
    } while (0)

void nk_adam_step_f32_at(int level, float *parameters, float *first_moment, float *second_moment,
                         const float *gradient, size_t count, float lr, float b1, float c1, float b2, float c2,
                         float eps) {
    NK_DISPATCH(adam_f32, level, parameters, first_moment, second_moment, gradient, count, lr, b1, c1, b2, c2, eps);
}

void nk_adam_step_f64_at(int level, double *parameters, double *first_moment, double *second_moment,
                         const double *gradient, size_t count, double lr, double b1, double c1, double b2, double c2,
                         double eps) {
    NK_DISPATCH(adam_f64, level, parameters, first_moment, second_moment, gradient, count, lr, b1, c1, b2, c2, eps);
}

void nk_adam_step_f32(float *parameters, float *first_moment, float *second_moment, const float *gradient,
                      size_t count, float lr, float b1, float c1, float b2, float c2, float eps) {
    nk_adam_step_f32_at(-1, parameters, first_moment, second_moment, gradient, count, lr, b1, c1, b2, c2, eps);
}

void nk_adam_step_f64(double *parameters, double *first_moment, double *second_moment, const double *gradient,
                      size_t count, double lr, double b1, double c1, double b2, double c2, double eps) {
    nk_adam_step_f64_at(-1, parameters, first_moment, second_moment, gradient, count, lr, b1, c1, b2, c2, eps);
}

void nk_tanh_f64_at(int level, double *x, size_t count) { NK_DISPATCH(tanh_f64, level, x, count); }

void nk_tanh_f64(double *x, size_t count) { nk_tanh_f64_at(-1, x, count); }
