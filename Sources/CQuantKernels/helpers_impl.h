// fp32 helpers written once with clang vector extensions and compiled for several vector
// widths. Included by helpers.c with QK_W (lanes), QK_SUF (name suffix) and optionally
// QK_TARGET (a target attribute) defined.
#include <math.h>

#define QK_CAT2(a, b) a##_##b
#define QK_CAT(a, b) QK_CAT2(a, b)
#define FN(name) QK_CAT(name, QK_SUF)
#ifdef QK_TARGET
#define ATTR __attribute__((target(QK_TARGET)))
#else
#define ATTR
#endif

typedef float FN(vf) __attribute__((ext_vector_type(QK_W)));
typedef int32_t FN(vi) __attribute__((ext_vector_type(QK_W)));
/// The same vector type with 4-byte alignment, for unaligned loads and stores (a plain
/// dereference, which stays a single instruction even without optimisation).
typedef float FN(vfu) __attribute__((ext_vector_type(QK_W), aligned(4)));
#define VF FN(vf)
#define VI FN(vi)

ATTR static inline __attribute__((always_inline)) VF FN(load)(const float *p) { return *(const FN(vfu) *)p; }
ATTR static inline __attribute__((always_inline)) void FN(store)(float *p, VF v) { *(FN(vfu) *)p = v; }
ATTR static inline __attribute__((always_inline)) VF FN(splat)(float x) { return (VF)(x); }
ATTR static inline __attribute__((always_inline)) float FN(hsum)(VF v) {
    float s = 0.0f;
    for (int i = 0; i < QK_W; i++) s += v[i];
    return s;
}
ATTR static inline __attribute__((always_inline)) float FN(hmax)(VF v) {
    float m = v[0];
    for (int i = 1; i < QK_W; i++) m = v[i] > m ? v[i] : m;
    return m;
}
ATTR static inline __attribute__((always_inline)) VF FN(vmax)(VF a, VF b) {
    VI m = a > b;  // all ones where a > b
    return (VF)((m & (VI)a) | (~m & (VI)b));
}

/// e^x for x in about [-87, 88] (clamped), relative error ≈ 2e-7.
ATTR static inline __attribute__((always_inline)) VF FN(vexp)(VF x) {
    const VF hi = FN(splat)(88.3762626647949f), lo = FN(splat)(-87.3365478515625f);
    x = FN(vmax)(x, lo);
    x = -FN(vmax)(-x, -hi);
    const VF magic = FN(splat)(12582912.0f);  // 1.5 · 2^23: rounds to an integer
    VF n = (x * 1.44269504088896341f + magic) - magic;
    VF r = x - n * 0.693359375f;  // ln 2, split in two for accuracy
    r = r - n * -2.12194440e-4f;
    VF p = FN(splat)(1.0f / 720.0f);
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    VI e = (__builtin_convertvector(n, VI) + 127) << 23;
    return p * (VF)e;
}

ATTR static inline __attribute__((always_inline)) float FN(sexp)(float x) {
    VF v = FN(splat)(x);
    return FN(vexp)(v)[0];
}

/// Φ-based GELU: 0.5 · x · (1 + erf(x / √2)), erf from Abramowitz & Stegun 7.1.26.
ATTR static inline __attribute__((always_inline)) VF FN(vgelu)(VF x) {
    const VI absmask = (VI)(0x7FFFFFFF);
    VF z = x * 0.70710678118654752f;
    VF az = (VF)((VI)z & absmask);
    VF t = 1.0f / (1.0f + 0.3275911f * az);
    VF poly = FN(splat)(1.061405429f);
    poly = poly * t - 1.453152027f;
    poly = poly * t + 1.421413741f;
    poly = poly * t - 0.284496736f;
    poly = poly * t + 0.254829592f;
    poly = poly * t;
    VF erf_abs = 1.0f - poly * FN(vexp)(-az * az);
    VF erf = (VF)((VI)erf_abs | ((VI)z & ~absmask));
    return 0.5f * x * (1.0f + erf);
}

ATTR void FN(qk_gelu)(float *x, size_t count) {
    size_t i = 0;
    for (; i + QK_W <= count; i += QK_W) FN(store)(x + i, FN(vgelu)(FN(load)(x + i)));
    if (i < count) {
        float tmp[QK_W] = {0};
        memcpy(tmp, x + i, (count - i) * sizeof(float));
        FN(store)(tmp, FN(vgelu)(FN(load)(tmp)));
        memcpy(x + i, tmp, (count - i) * sizeof(float));
    }
}

ATTR void FN(qk_layernorm)(float *x, const float *residual, int rows, int cols, int ld,
                           const float *gamma, const float *beta, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * ld;
        const float *res = residual ? residual + (size_t)r * ld : NULL;
        VF acc = FN(splat)(0.0f);
        float tail = 0.0f;
        int c = 0;
        for (; c + QK_W <= cols; c += QK_W) {
            VF v = FN(load)(row + c);
            if (res) {
                v += FN(load)(res + c);
                FN(store)(row + c, v);
            }
            acc += v;
        }
        for (; c < cols; c++) {
            if (res) row[c] += res[c];
            tail += row[c];
        }
        const float mean = (FN(hsum)(acc) + tail) / (float)cols;
        VF vacc = FN(splat)(0.0f);
        float vtail = 0.0f;
        c = 0;
        for (; c + QK_W <= cols; c += QK_W) {
            VF v = FN(load)(row + c) - mean;
            vacc += v * v;
        }
        for (; c < cols; c++) vtail += (row[c] - mean) * (row[c] - mean);
        const float var = (FN(hsum)(vacc) + vtail) / (float)cols;
        const float inv = 1.0f / sqrtf(var + eps);
        c = 0;
        for (; c + QK_W <= cols; c += QK_W) {
            VF v = (FN(load)(row + c) - mean) * inv;
            FN(store)(row + c, v * FN(load)(gamma + c) + FN(load)(beta + c));
        }
        for (; c < cols; c++) row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
    }
}

ATTR void FN(qk_add_bias)(float *y, int rows, int cols, int ld, const float *bias) {
    for (int r = 0; r < rows; r++) {
        float *row = y + (size_t)r * ld;
        int c = 0;
        for (; c + QK_W <= cols; c += QK_W) FN(store)(row + c, FN(load)(row + c) + FN(load)(bias + c));
        for (; c < cols; c++) row[c] += bias[c];
    }
}

ATTR void FN(qk_sum_rows)(const float *x, int rows, int cols, int ld, float *out) {
    for (int r = 0; r < rows; r++) {
        const float *row = x + (size_t)r * ld;
        int c = 0;
        for (; c + QK_W <= cols; c += QK_W) FN(store)(out + c, FN(load)(out + c) + FN(load)(row + c));
        for (; c < cols; c++) out[c] += row[c];
    }
}

/// Scores, softmax and context for `nq` (≤ QK_QB) consecutive queries starting at `i0`, so
/// every pass over the (cache-resident) keys and values serves several queries.
ATTR static inline __attribute__((always_inline)) void FN(attend_queries)(const float *qkv, int ldqkv, int i0, int nq, int n, int npad, int dh,
                                           int h, const float *kt, const float *vt, float *p, float *out, int ldout) {
    const float *q[QK_QB];
    for (int r = 0; r < QK_QB; r++) q[r] = qkv + (size_t)(i0 + (r < nq ? r : 0)) * ldqkv + (size_t)h * dh;
    // Scores: p[r][j] = q_r · k_j / √d (kt is pre-scaled).
    for (int j = 0; j < npad; j += QK_W) {
        VF acc[QK_QB];
        for (int r = 0; r < QK_QB; r++) acc[r] = FN(splat)(0.0f);
        const float *col = kt + j;
        for (int e = 0; e < dh; e++, col += npad) {
            const VF k = FN(load)(col);
            for (int r = 0; r < QK_QB; r++) acc[r] += q[r][e] * k;
        }
        for (int r = 0; r < QK_QB; r++) FN(store)(p + (size_t)r * npad + j, acc[r]);
    }
    // Softmax of each row over the first n scores; the padding gets probability 0. Rows are
    // padded to whole vectors, so the partial last vector is handled with a lane mask.
    const int full = n / QK_W * QK_W;
    VF tailmask;
    for (int l = 0; l < QK_W; l++) tailmask[l] = full + l < n ? 1.0f : 0.0f;
    float inv[QK_QB];
    for (int r = 0; r < nq; r++) {
        float *pr = p + (size_t)r * npad;
        float m = pr[0];
        int j = 0;
        if (full > 0) {
            VF vm = FN(load)(pr);
            for (j = QK_W; j < full; j += QK_W) vm = FN(vmax)(vm, FN(load)(pr + j));
            m = FN(hmax)(vm);
        }
        for (j = full; j < n; j++) m = pr[j] > m ? pr[j] : m;
        VF vs = FN(splat)(0.0f);
        for (j = 0; j < full; j += QK_W) {
            VF ex = FN(vexp)(FN(load)(pr + j) - m);
            FN(store)(pr + j, ex);
            vs += ex;
        }
        if (full < npad) {
            VF ex = FN(vexp)(FN(load)(pr + full) - m) * tailmask;
            FN(store)(pr + full, ex);
            vs += ex;
            for (j = full + QK_W; j < npad; j += QK_W) FN(store)(pr + j, FN(splat)(0.0f));
        }
        inv[r] = 1.0f / FN(hsum)(vs);
    }
    for (int r = nq; r < QK_QB; r++) inv[r] = 0.0f;
    // Context: out[r][:] = Σ_j p[r][j] · v_j, with v_j the rows of `vt` ([n][dh], contiguous),
    // two vectors of the head at a time.
    int e = 0;
    for (; e + 2 * QK_W <= dh; e += 2 * QK_W) {
        VF a[QK_QB], b[QK_QB];
        for (int r = 0; r < QK_QB; r++) a[r] = b[r] = FN(splat)(0.0f);
        const float *v = vt + e;
        for (int j = 0; j < n; j++, v += dh) {
            const VF x0 = FN(load)(v), x1 = FN(load)(v + QK_W);
            for (int r = 0; r < QK_QB; r++) {
                const float pj = p[(size_t)r * npad + j];
                a[r] += pj * x0;
                b[r] += pj * x1;
            }
        }
        for (int r = 0; r < nq; r++) {
            float *o = out + (size_t)(i0 + r) * ldout + (size_t)h * dh + e;
            FN(store)(o, a[r] * inv[r]);
            FN(store)(o + QK_W, b[r] * inv[r]);
        }
    }
    for (; e < dh; e += QK_W) {
        VF a[QK_QB];
        for (int r = 0; r < QK_QB; r++) a[r] = FN(splat)(0.0f);
        const float *v = vt + e;
        for (int j = 0; j < n; j++, v += dh) {
            const VF x0 = FN(load)(v);
            for (int r = 0; r < QK_QB; r++) a[r] += p[(size_t)r * npad + j] * x0;
        }
        for (int r = 0; r < nq; r++) FN(store)(out + (size_t)(i0 + r) * ldout + (size_t)h * dh + e, a[r] * inv[r]);
    }
}

ATTR void FN(qk_attention)(const float *qkv, int n, int ldqkv, int hidden, int heads, int h0, int h1,
                           float *out, int ldout, float *scratch) {
    const int dh = hidden / heads;
    const int npad = (n + 15) & ~15;
    const float scale = 1.0f / sqrtf((float)dh);
    float *kt = scratch;                          // [dh][npad]: keys of one head, transposed, × 1/√d
    float *vt = scratch + (size_t)npad * dh;      // [n][dh]: values of one head, contiguous
    float *p = scratch + (size_t)2 * npad * dh;   // [QK_QB][npad]: scores / probabilities
    for (int h = h0; h < h1; h++) {
        const float *kbase = qkv + hidden + (size_t)h * dh;
        const float *vbase = qkv + 2 * hidden + (size_t)h * dh;
        for (int j = 0; j < n; j++) {
            const float *kj = kbase + (size_t)j * ldqkv;
            const float *vj = vbase + (size_t)j * ldqkv;
            for (int e = 0; e < dh; e++) kt[(size_t)e * npad + j] = kj[e] * scale;
            memcpy(vt + (size_t)j * dh, vj, sizeof(float) * dh);
        }
        for (int e = 0; e < dh; e++)
            for (int j = n; j < npad; j++) kt[(size_t)e * npad + j] = 0.0f;
        for (int i = 0; i < n; i += QK_QB)
            FN(attend_queries)(qkv, ldqkv, i, n - i < QK_QB ? n - i : QK_QB, n, npad, dh, h, kt, vt, p, out, ldout);
    }
}

/// fp32 product for packed weights (see qk_f32_pack): y[t, g·32 + c] = Σ_k x[t, k] · wp[g][k][c]
/// (+ bias) for tokens [0, rows) and 32-row groups [g0, g1). Tiles of QK_FT tokens; the
/// accumulators of one tile stay in registers over the whole k loop.
ATTR void FN(qk_gemm_f32p)(int rows, int cols, const float *x, int ldx, const float *wp, int g0, int g1,
                           const float *bias, float *y, int ldy) {
    enum { V = 32 / QK_W, CHUNK = 64 };
    // Tokens in chunks (a chunk's activations stay in L2 while the weights stream past).
    for (int c0 = 0; c0 < rows; c0 += CHUNK) {
    const int c1 = c0 + CHUNK < rows ? c0 + CHUNK : rows;
    for (int g = g0; g < g1; g++) {
        const float *wg = wp + (size_t)g * cols * 32;
        for (int t0 = c0; t0 < c1; t0 += QK_FT) {
            const float *xr[QK_FT];
            for (int t = 0; t < QK_FT; t++) xr[t] = x + (size_t)(t0 + t < c1 ? t0 + t : c1 - 1) * ldx;
            VF acc[QK_FT][V];
            for (int t = 0; t < QK_FT; t++)
                for (int v = 0; v < V; v++) acc[t][v] = FN(splat)(0.0f);
            const float *wk = wg;
            for (int k = 0; k < cols; k++, wk += 32) {
                VF w[V];
                for (int v = 0; v < V; v++) w[v] = FN(load)(wk + v * QK_W);
                for (int t = 0; t < QK_FT; t++) {
                    const float xv = xr[t][k];
                    for (int v = 0; v < V; v++) acc[t][v] += xv * w[v];
                }
            }
            const int valid = c1 - t0 < QK_FT ? c1 - t0 : QK_FT;
            for (int t = 0; t < valid; t++) {
                float *yt = y + (size_t)(t0 + t) * ldy + (size_t)g * 32;
                for (int v = 0; v < V; v++) {
                    VF r = acc[t][v];
                    if (bias) r += FN(load)(bias + (size_t)g * 32 + v * QK_W);
                    FN(store)(yt + v * QK_W, r);
                }
            }
        }
    }
    }
}

#undef VF
#undef VI
#undef ATTR
#undef FN
#undef QK_CAT
#undef QK_CAT2
