/* See include/_NumericKernels.h, "bfloat16 matrix products". Compiled with -O2 -fno-math-errno -ffp-contract=off
 * (Package.swift); the vector code is enabled per function, so the package builds for any x86-64 and the products
 * run only where nk_bf16_supported() says so. */
#include "_NumericKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#include <immintrin.h>

#define NK_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

int nk_bf16_supported(void) {
    /* AVX-512F with the OS saving opmask and ZMM state (kernels.c), then BW, VL and BF16 */
    if (nk_vector_level() < NK_LEVEL_AVX512) return 0;
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned avx512 = (1u << 30) | (1u << 31); /* BW, VL */
    if ((b & avx512) != avx512) return 0;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return (a >> 5) & 1u; /* AVX512_BF16 */
}

/* Per-thread packing buffers, grown on demand and kept: no allocation once they are large enough. */
static _Thread_local uint16_t *nk_packed_a, *nk_packed_b;
static _Thread_local size_t nk_packed_a_capacity, nk_packed_b_capacity;

static uint16_t *nk_reserve(uint16_t **buffer, size_t *capacity, size_t count) {
    if (count > *capacity) {
        free(*buffer);
        *buffer = aligned_alloc(64, ((count * sizeof(uint16_t) + 63) / 64) * 64);
        if (!*buffer) abort();
        *capacity = count;
    }
    return *buffer;
}

/* The first min(count, 16) lanes. */
static inline __mmask16 nk_mask16(size_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/* A (m × k, not transposed) as bfloat16 rows of kp = k rounded up to even, the pad column zero. */
NK_BF16 static void nk_pack_rows(size_t m, size_t k, size_t kp, const float *a, size_t lda, uint16_t *packed) {
    for (size_t i = 0; i < m; i++) {
        const float *row = a + i * lda;
        uint16_t *out = packed + i * kp;
        for (size_t p = 0; p < kp; p += 16) {
            const __mmask16 in = nk_mask16(p < k ? k - p : 0), store = nk_mask16(kp - p);
            __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(in, row + p));
            _mm256_mask_storeu_epi16(out + p, store, (__m256i)v);
        }
    }
}

/* Transposes a 16 × 16 matrix of 32-bit words held as 16 row vectors. */
NK_BF16 static inline void nk_transpose16(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 8; i++) { /* per 128-bit lane: (r0[0] r1[0] r0[1] r1[1]), (r0[2] r1[2] r0[3] r1[3]) */
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) { /* u[4i + c], lane L: rows 4i … 4i + 3 of column 4L + c */
        u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int c = 0; c < 4; c++) { /* row 4L + c of the result: lane L of u[c], u[4 + c], u[8 + c], u[12 + c] */
        const __m512i even0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x88);
        const __m512i odd0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xDD);
        const __m512i even1 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x88);
        const __m512i odd1 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xDD);
        r[c] = _mm512_shuffle_i32x4(even0, even1, 0x88);
        r[8 + c] = _mm512_shuffle_i32x4(even0, even1, 0xDD);
        r[4 + c] = _mm512_shuffle_i32x4(odd0, odd1, 0x88);
        r[12 + c] = _mm512_shuffle_i32x4(odd0, odd1, 0xDD);
    }
}

/* op(B) (k × n) as pairs along k: packed[(p/2)·np·2 + j·2 + p%2] = op(B)[p, j], np = n rounded up to 32, pads zero. */
NK_BF16 static void nk_pack_b(int transpose, size_t k, size_t n, size_t np, const float *b, size_t ldb,
                              uint16_t *packed) {
    const size_t pairs = (k + 1) / 2;
    if (!transpose) {
        const __m512i low = _mm512_set_epi32(23, 22, 21, 20, 7, 6, 5, 4, 19, 18, 17, 16, 3, 2, 1, 0);
        const __m512i high = _mm512_set_epi32(31, 30, 29, 28, 15, 14, 13, 12, 27, 26, 25, 24, 11, 10, 9, 8);
        for (size_t q = 0; q < pairs; q++) {
            const float *r0 = b + 2 * q * ldb;
            const float *r1 = 2 * q + 1 < k ? r0 + ldb : NULL;
            uint16_t *out = packed + q * np * 2;
            for (size_t j = 0; j < np; j += 16) {
                const __mmask16 in = nk_mask16(j < n ? n - j : 0);
                const __m512 x0 = _mm512_maskz_loadu_ps(in, r0 + j);
                const __m512 x1 = r1 ? _mm512_maskz_loadu_ps(in, r1 + j) : _mm512_setzero_ps();
                /* unpack interleaves within 128-bit lanes; the permutes restore column order */
                const __m512 u = _mm512_unpacklo_ps(x0, x1), v = _mm512_unpackhi_ps(x0, x1);
                const __m512 first = _mm512_permutex2var_ps(u, low, v), second = _mm512_permutex2var_ps(u, high, v);
                _mm512_storeu_si512((void *)(out + 2 * j), (__m512i)_mm512_cvtne2ps_pbh(second, first));
            }
        }
    } else {
        /* element (p, j) is b[j·ldb + p]: row j of B holds column j's pairs contiguously. Tiles of 16 columns ×
         * 16 pairs: each row converts to one vector of 16 pairs, the tile transposes in registers. */
        uint32_t *words = (uint32_t *)packed;
        for (size_t q0 = 0; q0 < pairs; q0 += 16) {
            const size_t p0 = 2 * q0;
            const size_t first = k - p0 < 16 ? k - p0 : 16;
            const size_t second = p0 + 16 < k ? (k - p0 - 16 < 16 ? k - p0 - 16 : 16) : 0;
            for (size_t j0 = 0; j0 < np; j0 += 16) {
                __m512i tile[16];
                for (size_t t = 0; t < 16; t++) {
                    if (j0 + t < n) {
                        const float *row = b + (j0 + t) * ldb + p0;
                        const __m512 x0 = _mm512_maskz_loadu_ps(nk_mask16(first), row);
                        const __m512 x1 = _mm512_maskz_loadu_ps(nk_mask16(second), row + 16);
                        tile[t] = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
                    } else {
                        tile[t] = _mm512_setzero_si512();
                    }
                }
                nk_transpose16(tile);
                for (size_t t = 0; t < 16 && q0 + t < pairs; t++)
                    _mm512_storeu_si512((void *)(words + (q0 + t) * np + j0), tile[t]);
            }
        }
    }
}

/* C[rows × 32 at column n0] = alpha·(A rows · packed B columns) + beta·C, columns beyond n masked off. ROWS is a
 * compile-time constant in every call, so the accumulators stay in registers. */
#define NK_BLOCK(NAME, ROWS)                                                                                         \
    NK_BF16 static void NAME(const uint16_t *pa, size_t row_step, size_t pair_step, const uint16_t *pb, size_t np,  \
                             size_t pairs, size_t n0, size_t n, float alpha, float beta, const float *bias,        \
                             float *c, size_t ldc) {                                                               \
        __m512 acc0[ROWS], acc1[ROWS];                                                                             \
        for (int r = 0; r < (ROWS); r++) acc0[r] = acc1[r] = _mm512_setzero_ps();                                  \
        for (size_t q = 0; q < pairs; q++) {                                                                       \
            const uint16_t *bq = pb + (q * np + n0) * 2;                                                           \
            const __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)bq);                                   \
            const __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(bq + 32));                            \
            _Pragma("GCC unroll 12") for (int r = 0; r < (ROWS); r++) {                                            \
                int32_t pair;                                                                                      \
                memcpy(&pair, pa + r * row_step + q * pair_step, sizeof pair);                                     \
                const __m512bh x = (__m512bh)_mm512_set1_epi32(pair);                                              \
                acc0[r] = _mm512_dpbf16_ps(acc0[r], x, b0);                                                        \
                acc1[r] = _mm512_dpbf16_ps(acc1[r], x, b1);                                                        \
            }                                                                                                      \
        }                                                                                                          \
        nk_store(acc0, acc1, ROWS, n0, n, alpha, beta, bias, c, ldc);                                              \
    }

NK_BF16 static inline void nk_store(const __m512 *acc0, const __m512 *acc1, size_t rows, size_t n0, size_t n,
                                    float alpha, float beta, const float *bias, float *c, size_t ldc) {
    const __mmask16 m0 = nk_mask16(n0 < n ? n - n0 : 0), m1 = nk_mask16(n0 + 16 < n ? n - n0 - 16 : 0);
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (size_t r = 0; r < rows; r++) {
        float *out = c + r * ldc + n0;
        __m512 y0 = _mm512_mul_ps(va, acc0[r]), y1 = _mm512_mul_ps(va, acc1[r]);
        if (beta != 0) {
            y0 = _mm512_add_ps(y0, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m0, out)));
            y1 = _mm512_add_ps(y1, _mm512_mul_ps(vb, _mm512_maskz_loadu_ps(m1, out + 16)));
        }
        if (bias) {
            y0 = _mm512_add_ps(y0, _mm512_maskz_loadu_ps(m0, bias + n0));
            y1 = _mm512_add_ps(y1, _mm512_maskz_loadu_ps(m1, bias + n0 + 16));
        }
        _mm512_mask_storeu_ps(out, m0, y0);
        _mm512_mask_storeu_ps(out + 16, m1, y1);
    }
}

NK_BLOCK(nk_block12, 12)
NK_BLOCK(nk_block8, 8)
NK_BLOCK(nk_block4, 4)
NK_BLOCK(nk_block2, 2)
NK_BLOCK(nk_block1, 1)

NK_BF16 void nk_sgemm_bf16(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, float alpha,
                           const float *a, size_t lda, const float *b, size_t ldb, float beta, const float *bias,
                           float *c, size_t ldc) {
    if (m == 0 || n == 0) return;
    const size_t kp = (k + 1) & ~(size_t)1, np = (n + 31) & ~(size_t)31;
    /* op(A) row r, pair q sits at pa + r·row_step + q·pair_step: rows of kp values when A is not transposed; when
     * it is, A's stored rows are op(A)'s columns and pack like B, as pairs along k (contiguous reads either way) */
    const size_t mp = (m + 31) & ~(size_t)31, pairs = kp / 2;
    uint16_t *pa = nk_reserve(&nk_packed_a, &nk_packed_a_capacity, (transpose_a ? mp : m) * kp + 1);
    uint16_t *pb = nk_reserve(&nk_packed_b, &nk_packed_b_capacity, kp * np + 1);
    const size_t row_step = transpose_a ? 2 : kp, pair_step = transpose_a ? 2 * mp : 2;
    if (k > 0) {
        if (transpose_a) nk_pack_b(0, k, m, mp, a, lda, pa);
        else nk_pack_rows(m, k, kp, a, lda, pa);
        nk_pack_b(transpose_b, k, n, np, b, ldb, pb);
    }
    for (size_t n0 = 0; n0 < n; n0 += 32)
        for (size_t m0 = 0; m0 < m;) {
            /* blocks of 12 rows, the rest in blocks of 8, 4, 2, 1 */
            const size_t left = m - m0;
            const uint16_t *rows = pa + m0 * row_step;
            float *out = c + m0 * ldc;
            if (left >= 12) {
                nk_block12(rows, row_step, pair_step, pb, np, pairs, n0, n, alpha, beta, bias, out, ldc);
                m0 += 12;
            } else if (left >= 8) {
                nk_block8(rows, row_step, pair_step, pb, np, pairs, n0, n, alpha, beta, bias, out, ldc);
                m0 += 8;
            } else if (left >= 4) {
                nk_block4(rows, row_step, pair_step, pb, np, pairs, n0, n, alpha, beta, bias, out, ldc);
                m0 += 4;
            } else if (left >= 2) {
                nk_block2(rows, row_step, pair_step, pb, np, pairs, n0, n, alpha, beta, bias, out, ldc);
                m0 += 2;
            } else {
                nk_block1(rows, row_step, pair_step, pb, np, pairs, n0, n, alpha, beta, bias, out, ldc);
                m0 += 1;
            }
        }
}

float nk_round_bf16(float x) {
    float in[16] = {x}, out[16];
    nk_round_bf16_array(in, 1, out);
    return out[0];
}

NK_BF16 void nk_round_bf16_array(const float *x, size_t count, float *y) {
    for (size_t i = 0; i < count; i += 16) {
        const __mmask16 mask = nk_mask16(count - i);
        const __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + i));
        const __m512i wide = _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)v), 16);
        _mm512_mask_storeu_ps(y + i, mask, _mm512_castsi512_ps(wide));
    }
}

#else

int nk_bf16_supported(void) { return 0; }

void nk_sgemm_bf16(int transpose_a, int transpose_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                   size_t lda, const float *b, size_t ldb, float beta, const float *bias, float *c, size_t ldc) {
    (void)transpose_a; (void)transpose_b; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda; (void)b;
    (void)ldb; (void)beta; (void)bias; (void)c; (void)ldc;
    abort(); /* callers check nk_bf16_supported() first */
}

float nk_round_bf16(float x) { (void)x; abort(); }

void nk_round_bf16_array(const float *x, size_t count, float *y) { (void)x; (void)count; (void)y; abort(); }

#endif
