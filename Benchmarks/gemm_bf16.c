/* The bfloat16 product kernel (Sources/_NumericKernels/gemm_bf16.c) against OpenBLAS sgemm, one thread, on the
 * dynamics models' hidden-layer shapes: forward (250 × 512 × 512, A·B), weight gradient (512 × 512 × 250, Aᵀ·B),
 * input gradient (250 × 512 × 512, A·Bᵀ) and an imagined-step block (200 × 512 × 512, A·B). Best of 5 timings of
 * 100 calls each, alternating the two, so that both see the same machine.
 *
 *   cc -O2 -fno-math-errno -ffp-contract=off -ISources/_NumericKernels/include Benchmarks/gemm_bf16.c \
 *      Sources/_NumericKernels/gemm_bf16.c -lopenblas -o /tmp/gemm_bf16 && OPENBLAS_NUM_THREADS=1 /tmp/gemm_bf16
 *
 * (leave OPENBLAS_CORETYPE unset on an AVX-512 machine, so that sgemm uses its AVX-512 kernels) */
#include "_NumericKernels.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void) {
    if (!nk_bf16_supported()) {
        fprintf(stderr, "this CPU has no AVX512-BF16\n");
        return 1;
    }
    const struct { int m, n, k, ta, tb; const char *name; } shapes[] = {
        {250, 512, 512, 0, 0, "forward      A·B "}, {512, 512, 250, 1, 0, "weight grad  Aᵀ·B"},
        {250, 512, 512, 0, 1, "input grad   A·Bᵀ"}, {200, 512, 512, 0, 0, "imagined     A·B "},
    };
    float *a = malloc(sizeof(float) * 512 * 512), *b = malloc(sizeof(float) * 512 * 512);
    float *c = malloc(sizeof(float) * 512 * 512);
    srand(1);
    for (int i = 0; i < 512 * 512; i++) {
        a[i] = (float)rand() / (float)RAND_MAX - 0.5f;
        b[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    }
    const int calls = 100;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s].m, n = shapes[s].n, k = shapes[s].k, ta = shapes[s].ta, tb = shapes[s].tb;
        const int lda = ta ? m : k, ldb = tb ? k : n;
        double best_s = 1e30, best_b = 1e30;
        for (int round = 0; round < 5; round++) {
            double t = now();
            for (int i = 0; i < calls; i++)
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
                            1, a, lda, b, ldb, 0, c, n);
            t = (now() - t) / calls;
            if (t < best_s) best_s = t;
            t = now();
            for (int i = 0; i < calls; i++) nk_sgemm_bf16(ta, tb, m, n, k, 1, a, lda, b, ldb, 0, NULL, c, n);
            t = (now() - t) / calls;
            if (t < best_b) best_b = t;
        }
        const double flop = 2.0 * m * n * k;
        printf("%s %4d × %3d × %3d: sgemm %5.0f GFLOP/s, bfloat16 %5.0f GFLOP/s, ratio %.2f\n", shapes[s].name, m,
               n, k, flop / best_s * 1e-9, flop / best_b * 1e-9, best_s / best_b);
    }
    free(a);
    free(b);
    free(c);
    return 0;
}
