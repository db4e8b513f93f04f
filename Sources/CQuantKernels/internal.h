// Internal declarations shared by the kernel translation units (not part of the module).
#ifndef CQUANTKERNELS_INTERNAL_H
#define CQUANTKERNELS_INTERNAL_H
#include "CQuantKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define QK_X86 1
#else
#define QK_X86 0
#endif

typedef void (*qk_gemm_fn)(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                           const uint8_t *packed, const float *scales, int group_begin, int group_end,
                           const float *bias, float *y, int ldy);

void qk_gemm_q4q8_scalar(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                         const uint8_t *packed, const float *scales, int group_begin, int group_end,
                         const float *bias, float *y, int ldy);
#if QK_X86
void qk_gemm_q4q8_avx2(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                       const uint8_t *packed, const float *scales, int group_begin, int group_end,
                       const float *bias, float *y, int ldy);
void qk_gemm_q4q8_vnni(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                       const uint8_t *packed, const float *scales, int group_begin, int group_end,
                       const float *bias, float *y, int ldy);
void qk_quantize_q8_avx512(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s);
#endif
void qk_quantize_q8_scalar(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s);

// fp32 helpers, one set per vector width (see helpers_impl.h).
#define QK_DECLARE_HELPERS(SUF)                                                                   \
    void qk_layernorm_##SUF(float *x, const float *residual, int rows, int cols, int ld,         \
                            const float *gamma, const float *beta, float eps);                   \
    void qk_gelu_##SUF(float *x, size_t count);                                                   \
    void qk_add_bias_##SUF(float *y, int rows, int cols, int ld, const float *bias);              \
    void qk_attention_##SUF(const float *qkv, int n, int ldqkv, int hidden, int heads, int h0,    \
                            int h1, float *out, int ldout, float *scratch);                       \
    void qk_sum_rows_##SUF(const float *x, int rows, int cols, int ld, float *out);                \
    void qk_gemm_f32p_##SUF(int rows, int cols, const float *x, int ldx, const float *wp, int g0, int g1, \
                            const float *bias, float *y, int ldy);
QK_DECLARE_HELPERS(w4)
#if QK_X86
QK_DECLARE_HELPERS(w8)
QK_DECLARE_HELPERS(w16)
#endif

/// Loads 4 bytes as an int32 (unaligned).
static inline int32_t qk_load_i32(const void *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

#endif
