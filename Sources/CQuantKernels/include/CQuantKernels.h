#ifndef CQUANTKERNELS_H
#define CQUANTKERNELS_H
/// SIMD kernels for the text encoders (BERT family) of Quarry's Embeddings module.
///
/// * 4-bit weights × 8-bit activations matrix products (Q4_0 weights as stored in the
///   E5S1 model file, activations quantised per block of 32 on the fly);
/// * fp32 helpers used by every encoder layer: LayerNorm with residual, exact GELU,
///   multi-head self-attention for one sequence, bias addition.
///
/// Every entry point dispatches at run time on the CPU's features (checked once):
/// AVX-512 VNNI, AVX-512 (F/BW/VL), AVX2 + FMA, or portable C. No function keeps
/// state between calls; all are safe to call from many threads at once as long as
/// the output buffers differ.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Code paths, from slowest to fastest.
enum {
    QK_LEVEL_SCALAR = 0,       ///< portable C
    QK_LEVEL_AVX2 = 1,         ///< AVX2 + FMA (x86-64-v3)
    QK_LEVEL_AVX512 = 2,       ///< AVX-512 F/BW/VL/DQ
    QK_LEVEL_AVX512_VNNI = 3,  ///< AVX-512 with VNNI (vpdpbusd)
};

/// The code path in use: the best the CPU supports, capped by `qk_set_max_level`.
int qk_cpu_level(void);
/// The best code path this CPU supports (ignores the cap).
int qk_cpu_detected_level(void);
/// Caps the code path (for tests and comparisons). Pass a negative value to remove the cap.
void qk_set_max_level(int level);

// MARK: - Q4_0 weights

/// Bytes of one Q4_0 block: fp16 scale + 16 bytes of nibbles (32 weights).
#define QK_Q4_BLOCK_BYTES 18
/// Weights per quantisation block.
#define QK_BLOCK 32
/// Output rows handled together by the packed layout (one 512-bit vector of int32).
#define QK_ROW_GROUP 16

/// Converts IEEE binary16 to binary32.
float qk_fp16_to_fp32(uint16_t h);

/// Dequantises `n_blocks` consecutive Q4_0 blocks into `n_blocks * 32` floats.
void qk_q4_dequantize(const uint8_t *blocks, size_t n_blocks, float *out);

/// Repacks a row-major Q4_0 matrix (`rows` × `cols`, each row `cols / 32` blocks) into the
/// layout the matrix kernels read. `rows` must be a multiple of 16, `cols` of 32.
///
/// `packed` receives `rows * cols / 2` bytes: for each group of 16 rows and each block,
/// four 64-byte vectors; byte `4*r + k` of vector `j` is byte `4*j + k` of row `r`'s block
/// (low nibble: weight `4j+k`, high nibble: weight `16+4j+k`). `scales` receives
/// `rows * cols / 32` floats ordered [group][block][row in group].
void qk_q4_repack(const uint8_t *blocks, int rows, int cols, uint8_t *packed, float *scales);

// MARK: - Activations

/// Tokens per activation tile: quantised activations are stored in tiles of 8 tokens so
/// the matrix kernels read one contiguous stream.
#define QK_TILE 8

/// Rows of the quantised-activation buffers for `rows` tokens (rounded up to whole tiles).
static inline int qk_q8_padded_rows(int rows) { return (rows + QK_TILE - 1) / QK_TILE * QK_TILE; }

/// Quantises `rows` rows of `cols` floats (row stride `ldx`) to int8 per block of 32, in the
/// tiled layout the matrix kernels read. With `nb = cols / 32`, token `r = 8·T + t`, block
/// `b`: values at `q[((T·nb + b)·8 + t)·32 + i]`, scale at `d[(T·nb + b)·8 + t]`
/// (value ≈ d × q), and `s[(T·nb + b)·8 + t]` = −8 × Σ q over the block (the correction
/// for the unsigned nibbles). Padding tokens of the last tile are zeroed. Buffers must hold
/// `qk_q8_padded_rows(rows)` rows. `cols` must be a multiple of 32.
void qk_quantize_q8(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s);

/// y[t, o] = Σ_i x[t, i] · W[o, i] (+ bias[o]) for tokens t in [0, rows) and the output
/// rows of the 16-row groups [group_begin, group_end), with x given quantised by
/// `qk_quantize_q8` and W repacked by `qk_q4_repack`. `y` has row stride `ldy`.
/// `bias` may be NULL.
void qk_gemm_q4q8(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                  const uint8_t *packed, const float *scales, int group_begin, int group_end,
                  const float *bias, float *y, int ldy);

// MARK: - fp32 weights

/// Repacks a row-major fp32 matrix W (`rows` × `cols`, `rows` a multiple of 32) for
/// `qk_gemm_f32p`: `packed[(g·cols + k)·32 + c] = W[g·32 + c, k]` (`rows · cols` floats).
void qk_f32_pack(const float *w, int rows, int cols, float *packed);

/// y[t, o] = Σ_k x[t, k] · W[o, k] (+ bias[o]) for tokens t in [0, rows) (row stride `ldx`)
/// and the outputs of the 32-row groups [group_begin, group_end), W packed by `qk_f32_pack`.
/// `y` has row stride `ldy`; `bias` may be NULL. Meant for few tokens (a single query),
/// where a BLAS library's thread pool costs more than it saves.
void qk_gemm_f32p(int rows, int cols, const float *x, int ldx, const float *packed, int group_begin,
                  int group_end, const float *bias, float *y, int ldy);

// MARK: - bf16 products

/// Whether `qk_gemm_bf16` runs on hardware bf16 dot products (AVX-512 BF16) at the current
/// code path; otherwise it falls back to slow portable code.
int qk_bf16_fast(void);

/// Packs a row-major fp32 matrix W (`rows` a multiple of 32, `cols` even) as bf16 (round to
/// nearest even) in 32-row panels of column pairs:
/// `packed[((g·cols/2 + p)·32 + r)·2 + j] = bf16(W[g·32 + r, 2p + j])` (`rows · cols` values).
void qk_bf16_pack(const float *w, int rows, int cols, uint16_t *packed);

/// Rounds `rows` rows of `cols` floats (stride `ldx`) to bf16, in tiles of 8 tokens: token
/// `r = 8·T + t`, column pair `p`: `out[((T·cols/2 + p)·8 + t)·2 + j]` = bf16(x[r, 2p + j]).
/// Padding tokens of the last tile are zeroed; `out` must hold `qk_q8_padded_rows(rows)`
/// rows.
void qk_bf16_convert(const float *x, int rows, int cols, int ldx, uint16_t *out);

/// y[t, o] = Σ_k x[t, k] · W[o, k] (+ bias[o]) with bf16 inputs (from `qk_bf16_convert` and
/// `qk_bf16_pack`) and fp32 accumulation, for tokens [0, rows) and the 32-row groups
/// [group_begin, group_end). `y` has row stride `ldy`; `bias` may be NULL.
void qk_gemm_bf16(int rows, int cols, const uint16_t *x, const uint16_t *packed, int group_begin, int group_end,
                  const float *bias, float *y, int ldy);

// MARK: - fp32 helpers

/// x[r, :] = LayerNorm(x[r, :] + residual[r, :]) · gamma + beta, in place, for `rows` rows of
/// `cols` floats with stride `ld` (both matrices). `residual` may be NULL.
void qk_layernorm(float *x, const float *residual, int rows, int cols, int ld,
                  const float *gamma, const float *beta, float eps);

/// x = x · Φ(x) (exact GELU, erf-based; max abs error of erf ≈ 1.5e-7) over `count` floats.
void qk_gelu(float *x, size_t count);

/// y[r, c] += bias[c] for `rows` rows of `cols` floats with stride `ld`.
void qk_add_bias(float *y, int rows, int cols, int ld, const float *bias);

/// Floats of scratch space `qk_attention` needs for a sequence of `n_tokens`.
size_t qk_attention_scratch_count(int n_tokens, int head_dim);

/// Multi-head self-attention for one sequence without padding. Row t of `qkv` (stride
/// `ldqkv`) holds the query, key and value projections [q | k | v], each `hidden` floats
/// split into `heads` heads. Writes softmax(q kᵀ / √d) v for the heads [head_begin, head_end)
/// into `out` (stride `ldout`). `scratch` must hold `qk_attention_scratch_count` floats.
void qk_attention(const float *qkv, int n_tokens, int ldqkv, int hidden, int heads,
                  int head_begin, int head_end, float *out, int ldout, float *scratch);

/// out[c] = Σ_r x[r, c] over `rows` rows of `cols` floats (stride `ld`), accumulated into `out`.
void qk_sum_rows(const float *x, int rows, int cols, int ld, float *out);

#ifdef __cplusplus
}
#endif
#endif
