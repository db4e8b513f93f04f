// bf16 matrix products (AVX-512 BF16 `vdpbf16ps`: two bf16 products per fp32 lane), for the
// fp32 encoders when their weights and activations may be rounded to bf16.
#include "internal.h"
#include <math.h>
#include <stdatomic.h>

/// Round-to-nearest-even fp32 → bf16 (NaN stays NaN).
static inline uint16_t to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline float from_bf16(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

void qk_bf16_pack(const float *w, int rows, int cols, uint16_t *packed) {
    const int pairs = cols / 2;
    for (int g = 0; g < rows / 32; g++)
        for (int kp = 0; kp < pairs; kp++)
            for (int r = 0; r < 32; r++)
                for (int j = 0; j < 2; j++)
                    packed[(((size_t)g * pairs + kp) * 32 + r) * 2 + j] = to_bf16(w[(size_t)(g * 32 + r) * cols + 2 * kp + j]);
}

void qk_bf16_convert(const float *x, int rows, int cols, int ldx, uint16_t *out) {
    const int pairs = cols / 2;
    const int padded = qk_q8_padded_rows(rows);
    for (int r = 0; r < padded; r++) {
        const int tile = r / QK_TILE, t = r % QK_TILE;
        for (int p = 0; p < pairs; p++) {
            uint16_t *o = out + (((size_t)tile * pairs + p) * QK_TILE + t) * 2;
            if (r < rows) {
                o[0] = to_bf16(x[(size_t)r * ldx + 2 * p]);
                o[1] = to_bf16(x[(size_t)r * ldx + 2 * p + 1]);
            } else {
                o[0] = o[1] = 0;
            }
        }
    }
}

static void gemm_bf16_scalar(int rows, int cols, const uint16_t *x, const uint16_t *packed, int g0, int g1,
                             const float *bias, float *y, int ldy) {
    const int pairs = cols / 2;
    for (int g = g0; g < g1; g++) {
        const uint16_t *wg = packed + (size_t)g * pairs * 64;
        for (int t = 0; t < rows; t++) {
            float acc[32] = {0};
            const uint16_t *xt = x + (size_t)(t / QK_TILE) * pairs * QK_TILE * 2 + (size_t)(t % QK_TILE) * 2;
            for (int kp = 0; kp < pairs; kp++) {
                const float x0 = from_bf16(xt[kp * QK_TILE * 2]), x1 = from_bf16(xt[kp * QK_TILE * 2 + 1]);
                const uint16_t *wk = wg + (size_t)kp * 64;
                for (int r = 0; r < 32; r++) acc[r] += from_bf16(wk[2 * r]) * x0 + from_bf16(wk[2 * r + 1]) * x1;
            }
            float *yt = y + (size_t)t * ldy + (size_t)g * 32;
            for (int r = 0; r < 32; r++) yt[r] = acc[r] + (bias ? bias[g * 32 + r] : 0.0f);
        }
    }
}

#if QK_X86
#include <immintrin.h>
#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))

#define QK_BF(t, acc0, acc1)                                                    \
    "vdpbf16ps " #t "*4(%[xp])%{1to16%}, %%zmm0, %%zmm" #acc0 "\n\t"           \
    "vdpbf16ps " #t "*4(%[xp])%{1to16%}, %%zmm1, %%zmm" #acc1 "\n\t"

/// 8 tokens (one tile of the converted activations) × 32 output rows over `pairs` column
/// pairs; writes 8 × 32 sums to `out`. Inline assembly, so it runs at full speed in
/// unoptimised builds too.
BF16_TARGET static void bf16_tile8(const uint16_t *wk, const uint16_t *xp, long pairs, float *out) {
    __asm__ volatile(
        "vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
        "vmovaps %%zmm16, %%zmm17\n\t" "vmovaps %%zmm16, %%zmm18\n\t" "vmovaps %%zmm16, %%zmm19\n\t"
        "vmovaps %%zmm16, %%zmm20\n\t" "vmovaps %%zmm16, %%zmm21\n\t" "vmovaps %%zmm16, %%zmm22\n\t"
        "vmovaps %%zmm16, %%zmm23\n\t" "vmovaps %%zmm16, %%zmm24\n\t" "vmovaps %%zmm16, %%zmm25\n\t"
        "vmovaps %%zmm16, %%zmm26\n\t" "vmovaps %%zmm16, %%zmm27\n\t" "vmovaps %%zmm16, %%zmm28\n\t"
        "vmovaps %%zmm16, %%zmm29\n\t" "vmovaps %%zmm16, %%zmm30\n\t" "vmovaps %%zmm16, %%zmm31\n\t"
        "1:\n\t"
        "vmovdqu64 0(%[wk]), %%zmm0\n\t"
        "vmovdqu64 64(%[wk]), %%zmm1\n\t"
        QK_BF(0, 16, 17) QK_BF(1, 18, 19) QK_BF(2, 20, 21) QK_BF(3, 22, 23)
        QK_BF(4, 24, 25) QK_BF(5, 26, 27) QK_BF(6, 28, 29) QK_BF(7, 30, 31)
        "add $128, %[wk]\n\t"
        "add $32, %[xp]\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        "vmovups %%zmm16, 0(%[out])\n\t" "vmovups %%zmm17, 64(%[out])\n\t"
        "vmovups %%zmm18, 128(%[out])\n\t" "vmovups %%zmm19, 192(%[out])\n\t"
        "vmovups %%zmm20, 256(%[out])\n\t" "vmovups %%zmm21, 320(%[out])\n\t"
        "vmovups %%zmm22, 384(%[out])\n\t" "vmovups %%zmm23, 448(%[out])\n\t"
        "vmovups %%zmm24, 512(%[out])\n\t" "vmovups %%zmm25, 576(%[out])\n\t"
        "vmovups %%zmm26, 640(%[out])\n\t" "vmovups %%zmm27, 704(%[out])\n\t"
        "vmovups %%zmm28, 768(%[out])\n\t" "vmovups %%zmm29, 832(%[out])\n\t"
        "vmovups %%zmm30, 896(%[out])\n\t" "vmovups %%zmm31, 960(%[out])\n\t"
        "vzeroupper\n\t"
        : [wk] "+r"(wk), [xp] "+r"(xp), [n] "+r"(pairs)
        : [out] "r"(out)
        : "xmm0", "xmm1", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24",
          "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "memory", "cc");
}

BF16_TARGET static void gemm_bf16_avx512(int rows, int cols, const uint16_t *x, const uint16_t *packed, int g0,
                                         int g1, const float *bias, float *y, int ldy) {
    enum { CHUNK = 64 };
    const int pairs = cols / 2;
    float tile[QK_TILE * 32] __attribute__((aligned(64)));
    for (int c0 = 0; c0 < rows; c0 += CHUNK) {
        const int c1 = c0 + CHUNK < rows ? c0 + CHUNK : rows;
        for (int g = g0; g < g1; g++) {
            const uint16_t *wg = packed + (size_t)g * pairs * 64;
            const float *bg = bias ? bias + (size_t)g * 32 : NULL;
            for (int t0 = c0; t0 < c1; t0 += QK_TILE) {
                bf16_tile8(wg, x + (size_t)(t0 / QK_TILE) * pairs * QK_TILE * 2, pairs, tile);
                const int valid = c1 - t0 < QK_TILE ? c1 - t0 : QK_TILE;
                for (int t = 0; t < valid; t++) {
                    float *yt = y + (size_t)(t0 + t) * ldy + (size_t)g * 32;
                    const float *src = tile + t * 32;
                    for (int r = 0; r < 32; r++) yt[r] = src[r] + (bg ? bg[r] : 0.0f);
                }
            }
        }
    }
}

static int bf16_hardware(void) {
    static _Atomic int cached = -1;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512bf16") ? 1 : 0;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v;
}
#endif

int qk_bf16_fast(void) {
#if QK_X86
    return qk_cpu_level() >= QK_LEVEL_AVX512 && bf16_hardware();
#else
    return 0;
#endif
}

void qk_gemm_bf16(int rows, int cols, const uint16_t *x, const uint16_t *packed, int group_begin, int group_end,
                  const float *bias, float *y, int ldy) {
    if (rows <= 0 || group_end <= group_begin) return;
#if QK_X86
    if (qk_bf16_fast()) {
        gemm_bf16_avx512(rows, cols, x, packed, group_begin, group_end, bias, y, ldy);
        return;
    }
#endif
    gemm_bf16_scalar(rows, cols, x, packed, group_begin, group_end, bias, y, ldy);
}
