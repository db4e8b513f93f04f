// AVX-512 kernels: int8 × int4 products with VNNI, activation quantisation.
//
// The VNNI inner loop is written as inline assembly so that it runs at full speed in every
// build configuration (SwiftPM compiles C targets at -O0 in debug builds, which makes
// intrinsics code tens of times slower); the surrounding C only walks tiles and groups.
#include "internal.h"
#if QK_X86
#include <immintrin.h>

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

// Four tokens of the tile (t0..t3): int32 lane sums of the 16 rows × 32 weights of block b,
// converted to float and accumulated with scale d_w · d_x into A0..A3. Each token has two
// independent chains of four vpdpbusd (low and high nibbles), and the four tokens are
// interleaved, so eight chains are in flight.
#define QK_DP(t, off, w, acc) "vpdpbusd " #t "*32+" #off "(%[qp])%{1to16%}, %%zmm" #w ", %%zmm" #acc "\n\t"
#define QK_DP8(t0, t1, t2, t3, off, w, offhi, whi)                               \
    QK_DP(t0, off, w, 9) QK_DP(t1, off, w, 11) QK_DP(t2, off, w, 12) QK_DP(t3, off, w, 13) \
    QK_DP(t0, offhi, whi, 25) QK_DP(t1, offhi, whi, 26) QK_DP(t2, offhi, whi, 27) QK_DP(t3, offhi, whi, 28)
#define QK_VNNI_QUAD(t0, t1, t2, t3, A0, A1, A2, A3)                            \
    "vpbroadcastd " #t0 "*4(%[sp]), %%zmm9\n\t"                               \
    "vpbroadcastd " #t1 "*4(%[sp]), %%zmm11\n\t"                              \
    "vpbroadcastd " #t2 "*4(%[sp]), %%zmm12\n\t"                              \
    "vpbroadcastd " #t3 "*4(%[sp]), %%zmm13\n\t"                              \
    "vpxord %%zmm25, %%zmm25, %%zmm25\n\t"                                     \
    "vpxord %%zmm26, %%zmm26, %%zmm26\n\t"                                     \
    "vpxord %%zmm27, %%zmm27, %%zmm27\n\t"                                     \
    "vpxord %%zmm28, %%zmm28, %%zmm28\n\t"                                     \
    QK_DP8(t0, t1, t2, t3, 0, 0, 16, 4) QK_DP8(t0, t1, t2, t3, 4, 1, 20, 5)     \
    QK_DP8(t0, t1, t2, t3, 8, 2, 24, 6) QK_DP8(t0, t1, t2, t3, 12, 3, 28, 7)    \
    "vpaddd %%zmm25, %%zmm9, %%zmm9\n\t"                                       \
    "vpaddd %%zmm26, %%zmm11, %%zmm11\n\t"                                     \
    "vpaddd %%zmm27, %%zmm12, %%zmm12\n\t"                                     \
    "vpaddd %%zmm28, %%zmm13, %%zmm13\n\t"                                     \
    "vcvtdq2ps %%zmm9, %%zmm9\n\t"                                             \
    "vcvtdq2ps %%zmm11, %%zmm11\n\t"                                           \
    "vcvtdq2ps %%zmm12, %%zmm12\n\t"                                           \
    "vcvtdq2ps %%zmm13, %%zmm13\n\t"                                           \
    "vmulps " #t0 "*4(%[dp])%{1to16%}, %%zmm8, %%zmm10\n\t"                    \
    "vmulps " #t1 "*4(%[dp])%{1to16%}, %%zmm8, %%zmm14\n\t"                    \
    "vmulps " #t2 "*4(%[dp])%{1to16%}, %%zmm8, %%zmm15\n\t"                    \
    "vmulps " #t3 "*4(%[dp])%{1to16%}, %%zmm8, %%zmm24\n\t"                    \
    "vfmadd231ps %%zmm10, %%zmm9, %%" A0 "\n\t"                                \
    "vfmadd231ps %%zmm14, %%zmm11, %%" A1 "\n\t"                               \
    "vfmadd231ps %%zmm15, %%zmm12, %%" A2 "\n\t"                               \
    "vfmadd231ps %%zmm24, %%zmm13, %%" A3 "\n\t"

/// 8 tokens (one activation tile) × 16 output rows over `nb` blocks; writes the 8 × 16
/// float sums to `out`.
VNNI_TARGET static void vnni_tile8(const uint8_t *pb, const float *sg, const int8_t *qp, const float *dp,
                                   const int32_t *sp, long nb, float *out) {
    static const uint32_t low_nibbles = 0x0F0F0F0Fu;
    __asm__ volatile(
        "vpbroadcastd %[mask], %%zmm31\n\t"
        "vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
        "vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
        "vpxord %%zmm18, %%zmm18, %%zmm18\n\t"
        "vpxord %%zmm19, %%zmm19, %%zmm19\n\t"
        "vpxord %%zmm20, %%zmm20, %%zmm20\n\t"
        "vpxord %%zmm21, %%zmm21, %%zmm21\n\t"
        "vpxord %%zmm22, %%zmm22, %%zmm22\n\t"
        "vpxord %%zmm23, %%zmm23, %%zmm23\n\t"
        "1:\n\t"
        "vmovdqu64 0(%[pb]), %%zmm0\n\t"
        "vmovdqu64 64(%[pb]), %%zmm1\n\t"
        "vmovdqu64 128(%[pb]), %%zmm2\n\t"
        "vmovdqu64 192(%[pb]), %%zmm3\n\t"
        "vpsrlw $4, %%zmm0, %%zmm4\n\t"
        "vpsrlw $4, %%zmm1, %%zmm5\n\t"
        "vpsrlw $4, %%zmm2, %%zmm6\n\t"
        "vpsrlw $4, %%zmm3, %%zmm7\n\t"
        "vpandq %%zmm31, %%zmm0, %%zmm0\n\t"
        "vpandq %%zmm31, %%zmm1, %%zmm1\n\t"
        "vpandq %%zmm31, %%zmm2, %%zmm2\n\t"
        "vpandq %%zmm31, %%zmm3, %%zmm3\n\t"
        "vpandq %%zmm31, %%zmm4, %%zmm4\n\t"
        "vpandq %%zmm31, %%zmm5, %%zmm5\n\t"
        "vpandq %%zmm31, %%zmm6, %%zmm6\n\t"
        "vpandq %%zmm31, %%zmm7, %%zmm7\n\t"
        "vmovups (%[sg]), %%zmm8\n\t"
        QK_VNNI_QUAD(0, 1, 2, 3, "zmm16", "zmm17", "zmm18", "zmm19")
        QK_VNNI_QUAD(4, 5, 6, 7, "zmm20", "zmm21", "zmm22", "zmm23")
        "add $256, %[pb]\n\t"
        "add $64, %[sg]\n\t"
        "add $256, %[qp]\n\t"
        "add $32, %[dp]\n\t"
        "add $32, %[sp]\n\t"
        "dec %[nb]\n\t"
        "jnz 1b\n\t"
        "vmovups %%zmm16, 0(%[out])\n\t"
        "vmovups %%zmm17, 64(%[out])\n\t"
        "vmovups %%zmm18, 128(%[out])\n\t"
        "vmovups %%zmm19, 192(%[out])\n\t"
        "vmovups %%zmm20, 256(%[out])\n\t"
        "vmovups %%zmm21, 320(%[out])\n\t"
        "vmovups %%zmm22, 384(%[out])\n\t"
        "vmovups %%zmm23, 448(%[out])\n\t"
        "vzeroupper\n\t"
        : [pb] "+r"(pb), [sg] "+r"(sg), [qp] "+r"(qp), [dp] "+r"(dp), [sp] "+r"(sp), [nb] "+r"(nb)
        : [out] "r"(out), [mask] "m"(low_nibbles)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm31", "memory", "cc");
}

/// The first 4 tokens of a tile × 16 output rows (for a last tile with at most 4 tokens);
/// writes 4 × 16 float sums to `out`.
VNNI_TARGET static void vnni_tile4(const uint8_t *pb, const float *sg, const int8_t *qp, const float *dp,
                                   const int32_t *sp, long nb, float *out) {
    static const uint32_t low_nibbles = 0x0F0F0F0Fu;
    __asm__ volatile(
        "vpbroadcastd %[mask], %%zmm31\n\t"
        "vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
        "vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
        "vpxord %%zmm18, %%zmm18, %%zmm18\n\t"
        "vpxord %%zmm19, %%zmm19, %%zmm19\n\t"
        "1:\n\t"
        "vmovdqu64 0(%[pb]), %%zmm0\n\t"
        "vmovdqu64 64(%[pb]), %%zmm1\n\t"
        "vmovdqu64 128(%[pb]), %%zmm2\n\t"
        "vmovdqu64 192(%[pb]), %%zmm3\n\t"
        "vpsrlw $4, %%zmm0, %%zmm4\n\t"
        "vpsrlw $4, %%zmm1, %%zmm5\n\t"
        "vpsrlw $4, %%zmm2, %%zmm6\n\t"
        "vpsrlw $4, %%zmm3, %%zmm7\n\t"
        "vpandq %%zmm31, %%zmm0, %%zmm0\n\t"
        "vpandq %%zmm31, %%zmm1, %%zmm1\n\t"
        "vpandq %%zmm31, %%zmm2, %%zmm2\n\t"
        "vpandq %%zmm31, %%zmm3, %%zmm3\n\t"
        "vpandq %%zmm31, %%zmm4, %%zmm4\n\t"
        "vpandq %%zmm31, %%zmm5, %%zmm5\n\t"
        "vpandq %%zmm31, %%zmm6, %%zmm6\n\t"
        "vpandq %%zmm31, %%zmm7, %%zmm7\n\t"
        "vmovups (%[sg]), %%zmm8\n\t"
        QK_VNNI_QUAD(0, 1, 2, 3, "zmm16", "zmm17", "zmm18", "zmm19")
        "add $256, %[pb]\n\t"
        "add $64, %[sg]\n\t"
        "add $256, %[qp]\n\t"
        "add $32, %[dp]\n\t"
        "add $32, %[sp]\n\t"
        "dec %[nb]\n\t"
        "jnz 1b\n\t"
        "vmovups %%zmm16, 0(%[out])\n\t"
        "vmovups %%zmm17, 64(%[out])\n\t"
        "vmovups %%zmm18, 128(%[out])\n\t"
        "vmovups %%zmm19, 192(%[out])\n\t"
        "vzeroupper\n\t"
        : [pb] "+r"(pb), [sg] "+r"(sg), [qp] "+r"(qp), [dp] "+r"(dp), [sp] "+r"(sp), [nb] "+r"(nb)
        : [out] "r"(out), [mask] "m"(low_nibbles)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm16", "xmm17", "xmm18", "xmm19", "xmm31", "memory", "cc");
}

/// Tokens are walked in chunks so a chunk's activations stay in L2 while every row group
/// of the weights streams past them.
#define QK_TOKEN_CHUNK 128

VNNI_TARGET void qk_gemm_q4q8_vnni(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                                   const uint8_t *packed, const float *scales, int group_begin,
                                   int group_end, const float *bias, float *y, int ldy) {
    const int nb = cols / QK_BLOCK;
    float tile[QK_TILE * QK_ROW_GROUP] __attribute__((aligned(64)));
    for (int t0 = 0; t0 < rows; t0 += QK_TOKEN_CHUNK) {
        const int t1 = t0 + QK_TOKEN_CHUNK < rows ? t0 + QK_TOKEN_CHUNK : rows;
        for (int g = group_begin; g < group_end; g++) {
            const uint8_t *pg = packed + (size_t)g * nb * 256;
            const float *sg = scales + (size_t)g * nb * QK_ROW_GROUP;
            for (int t = t0; t < t1; t += QK_TILE) {
                const size_t slot = (size_t)(t / QK_TILE) * nb * QK_TILE;
                const int valid = t1 - t < QK_TILE ? t1 - t : QK_TILE;
                if (valid <= 4)
                    vnni_tile4(pg, sg, q + slot * QK_BLOCK, d + slot, s + slot, nb, tile);
                else
                    vnni_tile8(pg, sg, q + slot * QK_BLOCK, d + slot, s + slot, nb, tile);
                for (int k = 0; k < valid; k++) {
                    float *yt = y + (size_t)(t + k) * ldy + (size_t)g * QK_ROW_GROUP;
                    const float *src = tile + k * QK_ROW_GROUP;
                    if (bias) {
                        const float *bg = bias + (size_t)g * QK_ROW_GROUP;
                        for (int o = 0; o < QK_ROW_GROUP; o++) yt[o] = src[o] + bg[o];
                    } else {
                        memcpy(yt, src, sizeof(float) * QK_ROW_GROUP);
                    }
                }
            }
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))
void qk_quantize_q8_avx512(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s) {
    const int nb = cols / QK_BLOCK;
    const int padded = qk_q8_padded_rows(rows);
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    const __m512i lim = _mm512_set1_epi32(127), nlim = _mm512_set1_epi32(-127);
    for (int r = 0; r < padded; r++) {
        const int tile = r / QK_TILE, t = r % QK_TILE;
        const float *xr = x + (size_t)r * ldx;
        for (int b = 0; b < nb; b++) {
            const size_t slot = ((size_t)tile * nb + b) * QK_TILE + t;
            int8_t *qb = q + slot * QK_BLOCK;
            if (r >= rows) {
                memset(qb, 0, QK_BLOCK);
                d[slot] = 0.0f;
                s[slot] = 0;
                continue;
            }
            const __m512 a = _mm512_loadu_ps(xr + b * QK_BLOCK);
            const __m512 c = _mm512_loadu_ps(xr + b * QK_BLOCK + 16);
            const __m512 m = _mm512_max_ps(_mm512_and_ps(a, absmask), _mm512_and_ps(c, absmask));
            const float amax = _mm512_reduce_max_ps(m);
            const __m512 vinv = _mm512_set1_ps(amax > 0.0f ? 127.0f / amax : 0.0f);
            // Round to nearest even (the default MXCSR mode), like nearbyintf in the scalar path.
            __m512i ia = _mm512_cvtps_epi32(_mm512_mul_ps(a, vinv));
            __m512i ic = _mm512_cvtps_epi32(_mm512_mul_ps(c, vinv));
            ia = _mm512_max_epi32(_mm512_min_epi32(ia, lim), nlim);
            ic = _mm512_max_epi32(_mm512_min_epi32(ic, lim), nlim);
            _mm_storeu_si128((__m128i *)qb, _mm512_cvtepi32_epi8(ia));
            _mm_storeu_si128((__m128i *)(qb + 16), _mm512_cvtepi32_epi8(ic));
            d[slot] = amax / 127.0f;
            s[slot] = -8 * _mm512_reduce_add_epi32(_mm512_add_epi32(ia, ic));
        }
    }
}
#endif
