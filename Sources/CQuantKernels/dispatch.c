// Run-time selection of the code path.
#include "internal.h"
#include <stdatomic.h>

static _Atomic int detected_level = -1;
static _Atomic int max_level = -1;

int qk_cpu_detected_level(void) {
    int level = atomic_load_explicit(&detected_level, memory_order_relaxed);
    if (level >= 0) return level;
    level = QK_LEVEL_SCALAR;
#if QK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = QK_LEVEL_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
            level = QK_LEVEL_AVX512;
            if (__builtin_cpu_supports("avx512vnni")) level = QK_LEVEL_AVX512_VNNI;
        }
    }
#endif
    atomic_store_explicit(&detected_level, level, memory_order_relaxed);
    return level;
}

int qk_cpu_level(void) {
    int level = qk_cpu_detected_level();
    int cap = atomic_load_explicit(&max_level, memory_order_relaxed);
    return (cap >= 0 && cap < level) ? cap : level;
}

void qk_set_max_level(int level) { atomic_store_explicit(&max_level, level < 0 ? -1 : level, memory_order_relaxed); }

void qk_gemm_q4q8(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                  const uint8_t *packed, const float *scales, int group_begin, int group_end,
                  const float *bias, float *y, int ldy) {
    if (rows <= 0 || group_end <= group_begin) return;
    switch (qk_cpu_level()) {
#if QK_X86
    case QK_LEVEL_AVX512_VNNI:
        qk_gemm_q4q8_vnni(rows, cols, q, d, s, packed, scales, group_begin, group_end, bias, y, ldy);
        return;
    case QK_LEVEL_AVX512:
    case QK_LEVEL_AVX2:
        qk_gemm_q4q8_avx2(rows, cols, q, d, s, packed, scales, group_begin, group_end, bias, y, ldy);
        return;
#endif
    default:
        qk_gemm_q4q8_scalar(rows, cols, q, d, s, packed, scales, group_begin, group_end, bias, y, ldy);
    }
}

void qk_quantize_q8(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s) {
#if QK_X86
    if (qk_cpu_level() >= QK_LEVEL_AVX512) {
        qk_quantize_q8_avx512(x, rows, cols, ldx, q, d, s);
        return;
    }
#endif
    qk_quantize_q8_scalar(x, rows, cols, ldx, q, d, s);
}

#if QK_X86
#define QK_PICK(call_w16, call_w8, call_w4)                  \
    do {                                                     \
        int level_ = qk_cpu_level();                         \
        if (level_ >= QK_LEVEL_AVX512) { call_w16; }         \
        else if (level_ >= QK_LEVEL_AVX2) { call_w8; }       \
        else { call_w4; }                                    \
    } while (0)
#else
#define QK_PICK(call_w16, call_w8, call_w4) do { call_w4; } while (0)
#endif

void qk_layernorm(float *x, const float *residual, int rows, int cols, int ld,
                  const float *gamma, const float *beta, float eps) {
    QK_PICK(qk_layernorm_w16(x, residual, rows, cols, ld, gamma, beta, eps),
            qk_layernorm_w8(x, residual, rows, cols, ld, gamma, beta, eps),
            qk_layernorm_w4(x, residual, rows, cols, ld, gamma, beta, eps));
}

void qk_gelu(float *x, size_t count) {
    QK_PICK(qk_gelu_w16(x, count), qk_gelu_w8(x, count), qk_gelu_w4(x, count));
}

void qk_add_bias(float *y, int rows, int cols, int ld, const float *bias) {
    QK_PICK(qk_add_bias_w16(y, rows, cols, ld, bias), qk_add_bias_w8(y, rows, cols, ld, bias),
            qk_add_bias_w4(y, rows, cols, ld, bias));
}

void qk_sum_rows(const float *x, int rows, int cols, int ld, float *out) {
    QK_PICK(qk_sum_rows_w16(x, rows, cols, ld, out), qk_sum_rows_w8(x, rows, cols, ld, out),
            qk_sum_rows_w4(x, rows, cols, ld, out));
}

size_t qk_attention_scratch_count(int n_tokens, int head_dim) {
    size_t npad = ((size_t)(n_tokens > 0 ? n_tokens : 1) + 15) & ~(size_t)15;
    return 2 * npad * (size_t)head_dim + 8 * npad + 64;
}

void qk_attention(const float *qkv, int n_tokens, int ldqkv, int hidden, int heads,
                  int head_begin, int head_end, float *out, int ldout, float *scratch) {
    if (n_tokens <= 0) return;
    QK_PICK(qk_attention_w16(qkv, n_tokens, ldqkv, hidden, heads, head_begin, head_end, out, ldout, scratch),
            qk_attention_w8(qkv, n_tokens, ldqkv, hidden, heads, head_begin, head_end, out, ldout, scratch),
            qk_attention_w4(qkv, n_tokens, ldqkv, hidden, heads, head_begin, head_end, out, ldout, scratch));
}

void qk_f32_pack(const float *w, int rows, int cols, float *packed) {
    for (int g = 0; g < rows / 32; g++)
        for (int k = 0; k < cols; k++)
            for (int c = 0; c < 32; c++)
                packed[((size_t)g * cols + k) * 32 + c] = w[(size_t)(g * 32 + c) * cols + k];
}

void qk_gemm_f32p(int rows, int cols, const float *x, int ldx, const float *packed, int group_begin,
                  int group_end, const float *bias, float *y, int ldy) {
    if (rows <= 0 || group_end <= group_begin) return;
    QK_PICK(qk_gemm_f32p_w16(rows, cols, x, ldx, packed, group_begin, group_end, bias, y, ldy),
            qk_gemm_f32p_w8(rows, cols, x, ldx, packed, group_begin, group_end, bias, y, ldy),
            qk_gemm_f32p_w4(rows, cols, x, ldx, packed, group_begin, group_end, bias, y, ldy));
}
