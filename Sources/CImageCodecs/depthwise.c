// Depthwise convolution over NHWC image feature maps (the spatial filtering step of
// EfficientNet/MobileNet blocks), with runtime CPU dispatch: AVX-512F, AVX2+FMA or
// portable C. The vector paths are compiled through function target attributes, so the
// package needs no special compiler flags.
#include "internal.h"
#include <immintrin.h>

typedef void (*depthwise_fn)(const float *, int, int, int, const float *, const float *, int, int, int, int,
                             float *, int, int, int, int, int);

static inline float clamp6(float v, int relu6) {
    if (!relu6) return v;
    return v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
}

static void depthwise_scalar(const float *in, int h, int w, int c, const float *wt, const float *bias, int k,
                             int stride, int pad_top, int pad_left, float *out, int oh, int ow, int relu6,
                             int row0, int row1) {
    (void)oh;
    for (int oy = row0; oy < row1; oy++) {
        const int iy0 = oy * stride - pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = (h - iy0) < k ? (h - iy0) : k;
        for (int ox = 0; ox < ow; ox++) {
            const int ix0 = ox * stride - pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = (w - ix0) < k ? (w - ix0) : k;
            float *o = out + ((size_t)oy * ow + ox) * c;
            for (int ch = 0; ch < c; ch++) o[ch] = bias[ch];
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    const float *p = in + ((size_t)(iy0 + ky) * w + (ix0 + kx)) * c;
                    const float *q = wt + (size_t)(ky * k + kx) * c;
                    for (int ch = 0; ch < c; ch++) o[ch] += p[ch] * q[ch];
                }
            }
            for (int ch = 0; ch < c; ch++) o[ch] = clamp6(o[ch], relu6);
        }
    }
}

__attribute__((target("avx2,fma"))) static void depthwise_avx2(const float *in, int h, int w, int c, const float *wt,
                                                                const float *bias, int k, int stride, int pad_top,
                                                                int pad_left, float *out, int oh, int ow, int relu6,
                                                                int row0, int row1) {
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
    (void)oh;
    for (int oy = row0; oy < row1; oy++) {
        const int iy0 = oy * stride - pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = (h - iy0) < k ? (h - iy0) : k;
        for (int ox = 0; ox < ow; ox++) {
            const int ix0 = ox * stride - pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = (w - ix0) < k ? (w - ix0) : k;
            float *o = out + ((size_t)oy * ow + ox) * c;
            int ch = 0;
            for (; ch + 32 <= c; ch += 32) {
                __m256 a0 = _mm256_loadu_ps(bias + ch), a1 = _mm256_loadu_ps(bias + ch + 8);
                __m256 a2 = _mm256_loadu_ps(bias + ch + 16), a3 = _mm256_loadu_ps(bias + ch + 24);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *p = in + ((size_t)(iy0 + ky) * w + ix0) * c + ch;
                    const float *q = wt + (size_t)(ky * k) * c + ch;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *pp = p + (size_t)kx * c, *qq = q + (size_t)kx * c;
                        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(pp), _mm256_loadu_ps(qq), a0);
                        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(pp + 8), _mm256_loadu_ps(qq + 8), a1);
                        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(pp + 16), _mm256_loadu_ps(qq + 16), a2);
                        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(pp + 24), _mm256_loadu_ps(qq + 24), a3);
                    }
                }
                if (relu6) {
                    a0 = _mm256_min_ps(_mm256_max_ps(a0, zero), six);
                    a1 = _mm256_min_ps(_mm256_max_ps(a1, zero), six);
                    a2 = _mm256_min_ps(_mm256_max_ps(a2, zero), six);
                    a3 = _mm256_min_ps(_mm256_max_ps(a3, zero), six);
                }
                _mm256_storeu_ps(o + ch, a0);
                _mm256_storeu_ps(o + ch + 8, a1);
                _mm256_storeu_ps(o + ch + 16, a2);
                _mm256_storeu_ps(o + ch + 24, a3);
            }
            for (; ch + 8 <= c; ch += 8) {
                __m256 a = _mm256_loadu_ps(bias + ch);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *p = in + ((size_t)(iy0 + ky) * w + ix0) * c + ch;
                    const float *q = wt + (size_t)(ky * k) * c + ch;
                    for (int kx = kx0; kx < kx1; kx++)
                        a = _mm256_fmadd_ps(_mm256_loadu_ps(p + (size_t)kx * c), _mm256_loadu_ps(q + (size_t)kx * c), a);
                }
                if (relu6) a = _mm256_min_ps(_mm256_max_ps(a, zero), six);
                _mm256_storeu_ps(o + ch, a);
            }
            for (; ch < c; ch++) {
                float a = bias[ch];
                for (int ky = ky0; ky < ky1; ky++)
                    for (int kx = kx0; kx < kx1; kx++)
                        a += in[((size_t)(iy0 + ky) * w + ix0 + kx) * c + ch] * wt[(size_t)(ky * k + kx) * c + ch];
                o[ch] = clamp6(a, relu6);
            }
        }
    }
}

__attribute__((target("avx512f"))) static void depthwise_avx512(const float *in, int h, int w, int c, const float *wt,
                                                                 const float *bias, int k, int stride, int pad_top,
                                                                 int pad_left, float *out, int oh, int ow, int relu6,
                                                                int row0, int row1) {
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
    (void)oh;
    for (int oy = row0; oy < row1; oy++) {
        const int iy0 = oy * stride - pad_top;
        const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = (h - iy0) < k ? (h - iy0) : k;
        for (int ox = 0; ox < ow; ox++) {
            const int ix0 = ox * stride - pad_left;
            const int kx0 = ix0 < 0 ? -ix0 : 0, kx1 = (w - ix0) < k ? (w - ix0) : k;
            float *o = out + ((size_t)oy * ow + ox) * c;
            int ch = 0;
            for (; ch + 64 <= c; ch += 64) {
                __m512 a0 = _mm512_loadu_ps(bias + ch), a1 = _mm512_loadu_ps(bias + ch + 16);
                __m512 a2 = _mm512_loadu_ps(bias + ch + 32), a3 = _mm512_loadu_ps(bias + ch + 48);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *p = in + ((size_t)(iy0 + ky) * w + ix0) * c + ch;
                    const float *q = wt + (size_t)(ky * k) * c + ch;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *pp = p + (size_t)kx * c, *qq = q + (size_t)kx * c;
                        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(pp), _mm512_loadu_ps(qq), a0);
                        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(pp + 16), _mm512_loadu_ps(qq + 16), a1);
                        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(pp + 32), _mm512_loadu_ps(qq + 32), a2);
                        a3 = _mm512_fmadd_ps(_mm512_loadu_ps(pp + 48), _mm512_loadu_ps(qq + 48), a3);
                    }
                }
                if (relu6) {
                    a0 = _mm512_min_ps(_mm512_max_ps(a0, zero), six);
                    a1 = _mm512_min_ps(_mm512_max_ps(a1, zero), six);
                    a2 = _mm512_min_ps(_mm512_max_ps(a2, zero), six);
                    a3 = _mm512_min_ps(_mm512_max_ps(a3, zero), six);
                }
                _mm512_storeu_ps(o + ch, a0);
                _mm512_storeu_ps(o + ch + 16, a1);
                _mm512_storeu_ps(o + ch + 32, a2);
                _mm512_storeu_ps(o + ch + 48, a3);
            }
            for (; ch < c; ch += 16) {
                // Masked tail: the last chunk may hold fewer than 16 channels.
                const int left = c - ch;
                const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
                __m512 a = _mm512_maskz_loadu_ps(m, bias + ch);
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *p = in + ((size_t)(iy0 + ky) * w + ix0) * c + ch;
                    const float *q = wt + (size_t)(ky * k) * c + ch;
                    for (int kx = kx0; kx < kx1; kx++)
                        a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, p + (size_t)kx * c),
                                            _mm512_maskz_loadu_ps(m, q + (size_t)kx * c), a);
                }
                if (relu6) a = _mm512_min_ps(_mm512_max_ps(a, zero), six);
                _mm512_mask_storeu_ps(o + ch, m, a);
            }
        }
    }
}

static depthwise_fn select_depthwise(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return depthwise_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return depthwise_avx2;
    return depthwise_scalar;
}

const char *cic_depthwise_isa(void) {
    depthwise_fn f = select_depthwise();
    return f == depthwise_avx512 ? "avx512f" : f == depthwise_avx2 ? "avx2+fma" : "scalar";
}

void cic_depthwise_conv_nhwc(const float *input, int32_t height, int32_t width, int32_t channels,
                             const float *weight, const float *bias, int32_t kernel, int32_t stride,
                             int32_t pad_top, int32_t pad_left, float *output, int32_t out_height,
                             int32_t out_width, int relu6, int32_t row_begin, int32_t row_end) {
    if (row_begin < 0) row_begin = 0;
    if (row_end > out_height) row_end = out_height;
    if (row_begin >= row_end) return;
    static depthwise_fn chosen = NULL;  // benign race: every thread computes the same value
    depthwise_fn f = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (!f) {
        f = select_depthwise();
        __atomic_store_n(&chosen, f, __ATOMIC_RELAXED);
    }
    f(input, height, width, channels, weight, bias, kernel, stride, pad_top, pad_left, output, out_height, out_width,
      relu6, row_begin, row_end);
}
