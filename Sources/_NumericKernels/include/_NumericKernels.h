/* Element-wise kernels of the learner that Swift cannot compile to vector code on Linux.
 *
 * Swift's square root lowers to libm's sqrtf/sqrt behind a sign test (C's errno rules), one lane at a time, so an
 * Adam step over the ensemble's 5 × 283 000 parameters ran as scalar code (16 % of a profile of a late training
 * iteration; BENCHMARKS.md, "Where the time outside sgemm goes"). Built with -fno-math-errno the same loop becomes
 * packed square roots (sqrtps/sqrtpd, correctly rounded like the scalar instruction), and with -ffp-contract=off no
 * multiply-add is fused, so every value is bit-identical to the Swift expressions it replaces. Outputs first,
 * explicit sizes, no allocation. */
#ifndef MBMPO_NUMERIC_KERNELS_H
#define MBMPO_NUMERIC_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One Adam step over `count` values, in this order of operations for every i:
 *   m[i] = b1·m[i] + c1·g[i];  v[i] = b2·v[i] + (c2·g[i])·g[i];  p[i] = p[i] − (lr·m[i]) / (√v[i] + eps)
 * (c1 = 1 − β₁, c2 = 1 − β₂, lr the bias-corrected rate). p, m, v: updated in place; g: read. No aliasing. */
void nk_adam_step_f32(float *parameters, float *first_moment, float *second_moment, const float *gradient,
                      size_t count, float lr, float b1, float c1, float b2, float c2, float eps);

/* The same in double precision. */
void nk_adam_step_f64(double *parameters, double *first_moment, double *second_moment, const double *gradient,
                      size_t count, double lr, double b1, double c1, double b2, double c2, double eps);

#ifdef __cplusplus
}
#endif

#endif
