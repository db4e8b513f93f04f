// AVX2 kernel for int8 × int4 products (maddubs), used without AVX-512 VNNI.
#include "internal.h"
#if QK_X86
#include <immintrin.h>

#define AVX2_TARGET __attribute__((target("avx2,fma")))

/// T tokens (≤ 4) × 16 output rows, processed as two halves of 8 rows.
AVX2_TARGET static inline __attribute__((always_inline)) void
avx2_tile(const int T, int cols, const int8_t *q, const float *d, const int32_t *s, const uint8_t *pg,
          const float *sg, const float *bias16, float *y, int ldy) {
    const int nb = cols / QK_BLOCK;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i ones = _mm256_set1_epi16(1);
    for (int h = 0; h < 2; h++) {
        __m256 accf[4];
        for (int t = 0; t < T; t++) accf[t] = _mm256_setzero_ps();
        for (int b = 0; b < nb; b++) {
            const uint8_t *pb = pg + (size_t)b * 256 + h * 32;
            const __m256i p0 = _mm256_loadu_si256((const __m256i *)(pb + 0));
            const __m256i p1 = _mm256_loadu_si256((const __m256i *)(pb + 64));
            const __m256i p2 = _mm256_loadu_si256((const __m256i *)(pb + 128));
            const __m256i p3 = _mm256_loadu_si256((const __m256i *)(pb + 192));
            const __m256i l0 = _mm256_and_si256(p0, m4), h0 = _mm256_and_si256(_mm256_srli_epi16(p0, 4), m4);
            const __m256i l1 = _mm256_and_si256(p1, m4), h1 = _mm256_and_si256(_mm256_srli_epi16(p1, 4), m4);
            const __m256i l2 = _mm256_and_si256(p2, m4), h2 = _mm256_and_si256(_mm256_srli_epi16(p2, 4), m4);
            const __m256i l3 = _mm256_and_si256(p3, m4), h3 = _mm256_and_si256(_mm256_srli_epi16(p3, 4), m4);
            const __m256 dw = _mm256_loadu_ps(sg + (size_t)b * QK_ROW_GROUP + h * 8);
            for (int t = 0; t < T; t++) {
                const int8_t *xb = q + ((size_t)b * QK_TILE + t) * QK_BLOCK;
                // Each maddubs lane pair is at most 2·15·127 = 3810; eight of them fit in int16.
                __m256i s16 = _mm256_maddubs_epi16(l0, _mm256_set1_epi32(qk_load_i32(xb + 0)));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(l1, _mm256_set1_epi32(qk_load_i32(xb + 4))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(l2, _mm256_set1_epi32(qk_load_i32(xb + 8))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(l3, _mm256_set1_epi32(qk_load_i32(xb + 12))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(h0, _mm256_set1_epi32(qk_load_i32(xb + 16))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(h1, _mm256_set1_epi32(qk_load_i32(xb + 20))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(h2, _mm256_set1_epi32(qk_load_i32(xb + 24))));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(h3, _mm256_set1_epi32(qk_load_i32(xb + 28))));
                __m256i acc = _mm256_add_epi32(_mm256_madd_epi16(s16, ones), _mm256_set1_epi32(s[(size_t)b * QK_TILE + t]));
                const __m256 scale = _mm256_mul_ps(dw, _mm256_set1_ps(d[(size_t)b * QK_TILE + t]));
                accf[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc), scale, accf[t]);
            }
        }
        const __m256 bv = bias16 ? _mm256_loadu_ps(bias16 + h * 8) : _mm256_setzero_ps();
        for (int t = 0; t < T; t++) _mm256_storeu_ps(y + (size_t)t * ldy + h * 8, _mm256_add_ps(accf[t], bv));
    }
}

#define QK_TOKEN_CHUNK 128

AVX2_TARGET void qk_gemm_q4q8_avx2(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                                   const uint8_t *packed, const float *scales, int group_begin,
                                   int group_end, const float *bias, float *y, int ldy) {
    const int nb = cols / QK_BLOCK;
    for (int t0 = 0; t0 < rows; t0 += QK_TOKEN_CHUNK) {
        const int t1 = t0 + QK_TOKEN_CHUNK < rows ? t0 + QK_TOKEN_CHUNK : rows;
        for (int g = group_begin; g < group_end; g++) {
            const uint8_t *pg = packed + (size_t)g * nb * 256;
            const float *sg = scales + (size_t)g * nb * QK_ROW_GROUP;
            const float *bg = bias ? bias + (size_t)g * QK_ROW_GROUP : NULL;
            for (int t = t0; t < t1; t += 4) {
                // Token t is in tile t / 8 at position t % 8 (0 or 4 here).
                const size_t slot = (size_t)(t / QK_TILE) * nb * QK_TILE + (size_t)(t % QK_TILE);
                const int8_t *qt = q + slot * QK_BLOCK;
                const float *dt = d + slot;
                const int32_t *st = s + slot;
                float *yt = y + (size_t)t * ldy + (size_t)g * QK_ROW_GROUP;
                switch (t1 - t < 4 ? t1 - t : 4) {
                case 4: avx2_tile(4, cols, qt, dt, st, pg, sg, bg, yt, ldy); break;
                case 3: avx2_tile(3, cols, qt, dt, st, pg, sg, bg, yt, ldy); break;
                case 2: avx2_tile(2, cols, qt, dt, st, pg, sg, bg, yt, ldy); break;
                case 1: avx2_tile(1, cols, qt, dt, st, pg, sg, bg, yt, ldy); break;
                default: break;
                }
            }
        }
    }
}
#endif
