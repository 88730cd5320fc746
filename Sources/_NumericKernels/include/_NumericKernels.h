/* Element-wise kernels of the learner that Swift cannot compile to (wide) vector code on Linux.
 *
 * Swift's square root lowers to libm's sqrtf/sqrt behind a sign test (C's errno rules), one lane at a time, so an
 * Adam step over the ensemble's 5 × 283 000 parameters ran as scalar code (16 % of a profile of a late training
 * iteration; BENCHMARKS.md, "Where the time outside sgemm goes"). Built with -fno-math-errno the same loop becomes
 * packed square roots (sqrtps/sqrtpd, correctly rounded like the scalar instruction), and with -ffp-contract=off no
 * multiply-add is fused, so every value is bit-identical to the Swift expressions it replaces. Swift code is also
 * compiled for baseline x86-64 (SSE2, two doubles per instruction); these kernels carry AVX2 and AVX-512 variants of
 * the same loops, chosen at run time. Outputs first, explicit sizes, no allocation. */
#ifndef MBMPO_NUMERIC_KERNELS_H
#define MBMPO_NUMERIC_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Vector widths of the element-wise kernels: every kernel below has a baseline (SSE2), an AVX2 and an AVX-512F
 * variant, all giving the same bits. nk_vector_level() is the widest one this processor and operating system
 * support (NK_LEVEL_BASELINE elsewhere than on x86-64). The plain entry points use it; the _at forms take a level
 * (clamped to the supported one; negative: the widest), so tests can compare the variants. */
enum { NK_LEVEL_BASELINE = 0, NK_LEVEL_AVX2 = 1, NK_LEVEL_AVX512 = 2 };
int nk_vector_level(void);

/* One Adam step over `count` values, in this order of operations for every i:
 *   m[i] = b1·m[i] + c1·g[i];  v[i] = b2·v[i] + (c2·g[i])·g[i];  p[i] = p[i] − (lr·m[i]) / (√v[i] + eps)
 * (c1 = 1 − β₁, c2 = 1 − β₂, lr the bias-corrected rate). p, m, v: updated in place; g: read. No aliasing. */
void nk_adam_step_f32(float *parameters, float *first_moment, float *second_moment, const float *gradient,
                      size_t count, float lr, float b1, float c1, float b2, float c2, float eps);
void nk_adam_step_f32_at(int level, float *parameters, float *first_moment, float *second_moment,
                         const float *gradient, size_t count, float lr, float b1, float c1, float b2, float c2,
                         float eps);

/* The same in double precision. */
void nk_adam_step_f64(double *parameters, double *first_moment, double *second_moment, const double *gradient,
                      size_t count, double lr, double b1, double c1, double b2, double c2, double eps);
void nk_adam_step_f64_at(int level, double *parameters, double *first_moment, double *second_moment,
                         const double *gradient, size_t count, double lr, double b1, double c1, double b2, double c2,
                         double eps);

/* x[i] = tanh(x[i]) in place by the policy's formula (Learner's PolicyTanh.value, the same operations in the same
 * order, so bit for bit its result): sign(x)·(1 − 2/(e^{2a} + 1)), a = min(|x|, 20). */
void nk_tanh_f64(double *x, size_t count);
void nk_tanh_f64_at(int level, double *x, size_t count);

/* bfloat16 matrix products (AVX512-BF16).
 *
 * C = alpha·op(A)·op(B) + beta·C on row-major float storage, like cblas_sgemm, plus bias[j] in every column j when
 * bias is not NULL (added last; n values), with every element of op(A) and op(B) rounded to bfloat16 (round to
 * nearest even, as VCVTNEPS2BF16 does) and the products summed in float32 by VDPBF16PS, two k-terms per
 * instruction: about twice sgemm's throughput on such a CPU, at bfloat16's 8-bit significand for the operands.
 * op(A): (m × k), op(B): (k × n), C: (m × n); lda, ldb, ldc are row strides; with beta = 0 C is not read.
 * Single-threaded and deterministic: the result depends only on the inputs. Packing buffers are per thread and
 * kept, so calls after the first of a given size allocate nothing. Call only where
 * nk_bf16_supported() returns 1. */
int nk_bf16_supported(void);
void nk_sgemm_bf16(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                   size_t lda, const float *b, size_t ldb, float beta, const float *bias, float *c, size_t ldc);

/* x rounded to bfloat16 and widened back (the rounding nk_sgemm_bf16 applies to its operands); y may equal x. */
float nk_round_bf16(float x);
void nk_round_bf16_array(const float *x, size_t count, float *y);

#ifdef __cplusplus
}
#endif

#endif
