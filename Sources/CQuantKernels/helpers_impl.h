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

ATTR static inline VF FN(load)(const float *p) { return *(const FN(vfu) *)p; }
ATTR static inline void FN(store)(float *p, VF v) { *(FN(vfu) *)p = v; }
ATTR static inline VF FN(splat)(float x) { return (VF)(x); }
ATTR static inline float FN(hsum)(VF v) {
    float s = 0.0f;
    for (int i = 0; i < QK_W; i++) s += v[i];
    return s;
}
ATTR static inline float FN(hmax)(VF v) {
    float m = v[0];
    for (int i = 1; i < QK_W; i++) m = v[i] > m ? v[i] : m;
    return m;
}
ATTR static inline VF FN(vmax)(VF a, VF b) {
    VI m = a > b;  // all ones where a > b
    return (VF)((m & (VI)a) | (~m & (VI)b));
}

/// e^x for x in about [-87, 88] (clamped), relative error ≈ 2e-7.
ATTR static inline VF FN(vexp)(VF x) {
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

ATTR static inline float FN(sexp)(float x) {
    VF v = FN(splat)(x);
    return FN(vexp)(v)[0];
}

/// Φ-based GELU: 0.5 · x · (1 + erf(x / √2)), erf from Abramowitz & Stegun 7.1.26.
ATTR static inline VF FN(vgelu)(VF x) {
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

/// Scores, softmax and context for `nq` (≤ 4) consecutive queries starting at `i0`, so every
/// pass over the (L2-resident) transposed keys and values serves several queries.
ATTR static inline void FN(attend_queries)(const float *qkv, int ldqkv, int i0, int nq, int n, int npad, int dh,
                                           int h, const float *kt, const float *vt, float *p, float *out, int ldout) {
    const float *q[4];
    for (int r = 0; r < 4; r++) q[r] = qkv + (size_t)(i0 + (r < nq ? r : 0)) * ldqkv + (size_t)h * dh;
    // Scores: p[r][j] = q_r · k_j / √d (kt is pre-scaled).
    for (int j = 0; j < npad; j += QK_W) {
        VF a0 = FN(splat)(0.0f), a1 = a0, a2 = a0, a3 = a0;
        const float *col = kt + j;
        for (int e = 0; e < dh; e++, col += npad) {
            const VF k = FN(load)(col);
            a0 += q[0][e] * k;
            a1 += q[1][e] * k;
            a2 += q[2][e] * k;
            a3 += q[3][e] * k;
        }
        FN(store)(p + j, a0);
        FN(store)(p + npad + j, a1);
        FN(store)(p + 2 * (size_t)npad + j, a2);
        FN(store)(p + 3 * (size_t)npad + j, a3);
    }
    // Softmax of each row over the first n scores; the padding gets probability 0.
    float inv[4];
    for (int r = 0; r < 4; r++) {
        float *pr = p + (size_t)r * npad;
        float m = pr[0];
        int j = 0;
        if (n >= QK_W) {
            VF vm = FN(load)(pr);
            for (j = QK_W; j + QK_W <= n; j += QK_W) vm = FN(vmax)(vm, FN(load)(pr + j));
            m = FN(hmax)(vm);
        }
        for (; j < n; j++) m = pr[j] > m ? pr[j] : m;
        VF vs = FN(splat)(0.0f);
        for (j = 0; j + QK_W <= n; j += QK_W) {
            VF ex = FN(vexp)(FN(load)(pr + j) - m);
            FN(store)(pr + j, ex);
            vs += ex;
        }
        float sum = FN(hsum)(vs);
        for (; j < n; j++) {
            pr[j] = FN(sexp)(pr[j] - m);
            sum += pr[j];
        }
        for (; j < npad; j++) pr[j] = 0.0f;
        inv[r] = 1.0f / sum;
    }
    // Context: out[r][e] = Σ_j p[r][j] · v_j[e], as dot products with the rows of vᵀ.
    for (int e = 0; e + 2 <= dh; e += 2) {
        VF a00 = FN(splat)(0.0f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        const float *v0 = vt + (size_t)e * npad, *v1 = v0 + npad;
        for (int j = 0; j < npad; j += QK_W) {
            const VF x0 = FN(load)(v0 + j), x1 = FN(load)(v1 + j);
            const VF p0 = FN(load)(p + j), p1 = FN(load)(p + npad + j);
            const VF p2 = FN(load)(p + 2 * (size_t)npad + j), p3 = FN(load)(p + 3 * (size_t)npad + j);
            a00 += p0 * x0; a01 += p0 * x1;
            a10 += p1 * x0; a11 += p1 * x1;
            a20 += p2 * x0; a21 += p2 * x1;
            a30 += p3 * x0; a31 += p3 * x1;
        }
        const float r0[2] = {FN(hsum)(a00), FN(hsum)(a01)}, r1[2] = {FN(hsum)(a10), FN(hsum)(a11)};
        const float r2[2] = {FN(hsum)(a20), FN(hsum)(a21)}, r3[2] = {FN(hsum)(a30), FN(hsum)(a31)};
        const float *rows[4] = {r0, r1, r2, r3};
        for (int r = 0; r < nq; r++) {
            float *o = out + (size_t)(i0 + r) * ldout + (size_t)h * dh + e;
            o[0] = rows[r][0] * inv[r];
            o[1] = rows[r][1] * inv[r];
        }
    }
    if (dh % 2) {
        const int e = dh - 1;
        for (int r = 0; r < nq; r++) {
            VF a = FN(splat)(0.0f);
            for (int j = 0; j < npad; j += QK_W) a += FN(load)(p + (size_t)r * npad + j) * FN(load)(vt + (size_t)e * npad + j);
            out[(size_t)(i0 + r) * ldout + (size_t)h * dh + e] = FN(hsum)(a) * inv[r];
        }
    }
}

ATTR void FN(qk_attention)(const float *qkv, int n, int ldqkv, int hidden, int heads, int h0, int h1,
                           float *out, int ldout, float *scratch) {
    const int dh = hidden / heads;
    const int npad = (n + 15) & ~15;
    const float scale = 1.0f / sqrtf((float)dh);
    float *kt = scratch;                          // [dh][npad]: keys of one head, transposed, × 1/√d
    float *vt = scratch + (size_t)npad * dh;      // [dh][npad]: values of one head, transposed
    float *p = scratch + (size_t)2 * npad * dh;   // [4][npad]: scores / probabilities of 4 queries
    for (int h = h0; h < h1; h++) {
        const float *kbase = qkv + hidden + (size_t)h * dh;
        const float *vbase = qkv + 2 * hidden + (size_t)h * dh;
        for (int j = 0; j < n; j++) {
            const float *kj = kbase + (size_t)j * ldqkv;
            const float *vj = vbase + (size_t)j * ldqkv;
            for (int e = 0; e < dh; e++) {
                kt[(size_t)e * npad + j] = kj[e] * scale;
                vt[(size_t)e * npad + j] = vj[e];
            }
        }
        for (int e = 0; e < dh; e++) {
            for (int j = n; j < npad; j++) {
                kt[(size_t)e * npad + j] = 0.0f;
                vt[(size_t)e * npad + j] = 0.0f;
            }
        }
        for (int i = 0; i < n; i += 4)
            FN(attend_queries)(qkv, ldqkv, i, n - i < 4 ? n - i : 4, n, npad, dh, h, kt, vt, p, out, ldout);
    }
}

#undef VF
#undef VI
#undef ATTR
#undef FN
#undef QK_CAT
#undef QK_CAT2
