// bf16 matrix products (AVX-512 BF16 `vdpbf16ps`: two bf16 products per fp32 lane), for the
// fp32 encoders when their weights and activations may be rounded to bf16.
#include "internal.h"
#include <math.h>

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
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < cols; k++) out[(size_t)r * cols + k] = to_bf16(x[(size_t)r * ldx + k]);
}

static void gemm_bf16_scalar(int rows, int cols, const uint16_t *x, const uint16_t *packed, int g0, int g1,
                             const float *bias, float *y, int ldy) {
    const int pairs = cols / 2;
    for (int g = g0; g < g1; g++) {
        const uint16_t *wg = packed + (size_t)g * pairs * 64;
        for (int t = 0; t < rows; t++) {
            float acc[32] = {0};
            const uint16_t *xt = x + (size_t)t * cols;
            for (int kp = 0; kp < pairs; kp++) {
                const float x0 = from_bf16(xt[2 * kp]), x1 = from_bf16(xt[2 * kp + 1]);
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

BF16_TARGET static void gemm_bf16_avx512(int rows, int cols, const uint16_t *x, const uint16_t *packed, int g0,
                                         int g1, const float *bias, float *y, int ldy) {
    enum { T = 8, CHUNK = 64 };
    const int pairs = cols / 2;
    for (int c0 = 0; c0 < rows; c0 += CHUNK) {
        const int c1 = c0 + CHUNK < rows ? c0 + CHUNK : rows;
        for (int g = g0; g < g1; g++) {
            const uint16_t *wg = packed + (size_t)g * pairs * 64;
            for (int t0 = c0; t0 < c1; t0 += T) {
                const uint16_t *xr[T];
                for (int t = 0; t < T; t++) xr[t] = x + (size_t)(t0 + t < c1 ? t0 + t : c1 - 1) * cols;
                __m512 a[T][2];
                _Pragma("clang loop unroll(full)") for (int t = 0; t < T; t++) a[t][0] = a[t][1] = _mm512_setzero_ps();
                const uint16_t *wk = wg;
                for (int kp = 0; kp < pairs; kp++, wk += 64) {
                    const __m512bh w0 = (__m512bh)_mm512_loadu_si512((const void *)wk);
                    const __m512bh w1 = (__m512bh)_mm512_loadu_si512((const void *)(wk + 32));
                    _Pragma("clang loop unroll(full)") for (int t = 0; t < T; t++) {
                        const __m512bh xv = (__m512bh)_mm512_set1_epi32(qk_load_i32(xr[t] + 2 * kp));
                        a[t][0] = _mm512_dpbf16_ps(a[t][0], w0, xv);
                        a[t][1] = _mm512_dpbf16_ps(a[t][1], w1, xv);
                    }
                }
                const int valid = c1 - t0 < T ? c1 - t0 : T;
                const __m512 b0 = bias ? _mm512_loadu_ps(bias + (size_t)g * 32) : _mm512_setzero_ps();
                const __m512 b1 = bias ? _mm512_loadu_ps(bias + (size_t)g * 32 + 16) : _mm512_setzero_ps();
                for (int t = 0; t < valid; t++) {
                    float *yt = y + (size_t)(t0 + t) * ldy + (size_t)g * 32;
                    _mm512_storeu_ps(yt, _mm512_add_ps(a[t][0], b0));
                    _mm512_storeu_ps(yt + 16, _mm512_add_ps(a[t][1], b1));
                }
            }
        }
    }
}

static int bf16_hardware(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512bf16") ? 1 : 0;
    }
    return cached;
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
