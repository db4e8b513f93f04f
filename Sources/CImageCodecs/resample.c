// Separable antialiased bilinear resampling, bit-compatible with Pillow's
// Image.resize(size, Image.BILINEAR) on 8-bit images.
//
// For each output coordinate the filter window is centred on the output pixel's centre
// mapped into the input ((i + 0.5) · scale); when downscaling, the triangle filter's
// support is widened by the scale factor so every input pixel contributes (antialiasing).
// Weights are normalised to sum to one, converted to fixed point with 22 fractional bits
// (rounded half away from zero), applied with a rounding bias of 2^21, and each pass is
// clamped to 0…255. The horizontal pass runs first, then the vertical pass on its result.
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { FRACTION_BITS = 22 };

typedef struct {
    int taps;        // coefficients stored per output position
    int *first;      // first input index per output position
    int *count;      // number of input pixels per output position
    int32_t *weight; // taps × output positions, fixed point
} cic_kernel;

static double triangle(double x) {
    if (x < 0) x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

static void kernel_free(cic_kernel *k) {
    free(k->first);
    free(k->count);
    free(k->weight);
}

static int kernel_make(int in_size, int out_size, cic_kernel *k) {
    const double scale = (double)in_size / (double)out_size;
    const double widen = scale > 1.0 ? scale : 1.0;
    const double support = 1.0 * widen;  // the triangle filter's radius is 1
    const int taps = (int)ceil(support) * 2 + 1;
    k->taps = taps;
    k->first = malloc(sizeof(int) * (size_t)out_size);
    k->count = malloc(sizeof(int) * (size_t)out_size);
    k->weight = calloc((size_t)out_size * (size_t)taps, sizeof(int32_t));
    const double inverse = 1.0 / widen;
    double *w = malloc(sizeof(double) * (size_t)taps);
    if (!k->first || !k->count || !k->weight || !w) {
        free(w);
        kernel_free(k);
        return 0;
    }
    for (int i = 0; i < out_size; i++) {
        const double centre = ((double)i + 0.5) * scale;
        int lo = (int)(centre - support + 0.5);
        if (lo < 0) lo = 0;
        int hi = (int)(centre + support + 0.5);
        if (hi > in_size) hi = in_size;
        int n = hi - lo;
        if (n > taps) n = taps;  // cannot happen; guards the buffer
        double sum = 0;
        for (int j = 0; j < n; j++) {
            w[j] = triangle(((double)(j + lo) - centre + 0.5) * inverse);
            sum += w[j];
        }
        int32_t *fixed = k->weight + (size_t)i * (size_t)taps;
        for (int j = 0; j < n; j++) {
            double v = sum != 0.0 ? w[j] / sum : w[j];
            double s = v * (double)(1 << FRACTION_BITS);
            fixed[j] = (int32_t)(v < 0 ? s - 0.5 : s + 0.5);
        }
        k->first[i] = lo;
        k->count[i] = n;
    }
    free(w);
    return 1;
}

static inline uint8_t clamp8(int32_t v) {
    v >>= FRACTION_BITS;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/// Horizontal pass: `rows` rows of src (`sw` pixels wide, its first column being input column
/// `col0`), from src row `row0`, into `count` output columns from output column `x0`.
static void pass_horizontal(const uint8_t *src, int sw, int col0, int row0, int rows, uint8_t *dst, int x0, int count,
                            const cic_kernel *k) {
    for (int y = 0; y < rows; y++) {
        const uint8_t *s = src + ((size_t)(row0 + y) * (size_t)sw) * 3;
        uint8_t *d = dst + (size_t)y * (size_t)count * 3;
        for (int x = 0; x < count; x++) {
            const int32_t *w = k->weight + (size_t)(x0 + x) * (size_t)k->taps;
            const uint8_t *p = s + (size_t)(k->first[x0 + x] - col0) * 3;
            int32_t r = 1 << (FRACTION_BITS - 1), g = r, b = r;
            const int n = k->count[x0 + x];
            for (int j = 0; j < n; j++) {
                r += p[3 * j] * w[j];
                g += p[3 * j + 1] * w[j];
                b += p[3 * j + 2] * w[j];
            }
            d[3 * x] = clamp8(r);
            d[3 * x + 1] = clamp8(g);
            d[3 * x + 2] = clamp8(b);
        }
    }
}

/// Vertical pass: src rows are `src_stride` bytes apart, the first being input row `row0`, and
/// hold `w` pixels from the first read; dst gets `count` rows of w pixels, from output row `y0`.
static void pass_vertical(const uint8_t *src, size_t src_stride, int w, int row0, uint8_t *dst, int y0, int count,
                          const cic_kernel *k) {
    const size_t stride = (size_t)w * 3;
    int32_t *acc = malloc(sizeof(int32_t) * stride);
    for (int y = 0; y < count; y++) {
        const int32_t *wt = k->weight + (size_t)(y0 + y) * (size_t)k->taps;
        const uint8_t *s = src + (size_t)(k->first[y0 + y] - row0) * src_stride;
        uint8_t *d = dst + (size_t)y * stride;
        const int n = k->count[y0 + y];
        if (acc) {
            // Row-wise accumulation: contiguous, vectorisable inner loops.
            for (size_t i = 0; i < stride; i++) acc[i] = 1 << (FRACTION_BITS - 1);
            for (int j = 0; j < n; j++) {
                const uint8_t *r = s + (size_t)j * src_stride;
                const int32_t c = wt[j];
                for (size_t i = 0; i < stride; i++) acc[i] += r[i] * c;
            }
            for (size_t i = 0; i < stride; i++) d[i] = clamp8(acc[i]);
        } else {
            for (size_t i = 0; i < stride; i++) {
                int32_t v = 1 << (FRACTION_BITS - 1);
                for (int j = 0; j < n; j++) v += s[(size_t)j * src_stride + i] * wt[j];
                d[i] = clamp8(v);
            }
        }
    }
    free(acc);
}

cic_status cic_resize_bilinear_rgb(const uint8_t *src, int32_t sw, int32_t sh, uint8_t *dst, int32_t dw,
                                   int32_t dh, cic_pass_order order) {
    return cic_resize_bilinear_rgb_window(src, sw, sh, dw, dh, 0, 0, dw, dh, dst, order);
}

cic_status cic_resize_bilinear_rgb_window(const uint8_t *src, int32_t sw, int32_t sh, int32_t dw, int32_t dh,
                                          int32_t left, int32_t top, int32_t width, int32_t height, uint8_t *dst,
                                          cic_pass_order order) {
    if (!src || !dst || sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0) return CIC_ERR_ARGUMENT;
    if (left < 0 || top < 0 || width <= 0 || height <= 0 || left > dw - width || top > dh - height) return CIC_ERR_ARGUMENT;
    const int horizontal = sw != dw, vertical = sh != dh;
    const size_t src_stride = (size_t)sw * 3;
    if (!horizontal && !vertical) {
        for (int y = 0; y < height; y++)
            memcpy(dst + (size_t)y * (size_t)width * 3, src + (size_t)(top + y) * src_stride + (size_t)left * 3,
                   (size_t)width * 3);
        return CIC_OK;
    }
    cic_kernel kh = {0}, kv = {0};
    if (horizontal && !kernel_make(sw, dw, &kh)) return CIC_ERR_NO_MEMORY;
    if (vertical && !kernel_make(sh, dh, &kv)) {
        if (horizontal) kernel_free(&kh);
        return CIC_ERR_NO_MEMORY;
    }
    cic_status status = CIC_OK;
    if (horizontal && vertical) {
        int vertical_first;
        switch (order) {
        case CIC_PASS_ORDER_HORIZONTAL_FIRST: vertical_first = 0; break;
        case CIC_PASS_ORDER_VERTICAL_FIRST: vertical_first = 1; break;
        default:
            // Pillow 13 shrinks the height first when it loses more than twice as many
            // rows as the width loses columns.
            vertical_first = sh > dh && (int64_t)(sh - dh) > 2 * (int64_t)(sw - dw);
            break;
        }
        if (vertical_first) {
            // Only the input columns that the window's horizontal pass reads need the vertical pass.
            const int col0 = kh.first[left];
            const int col1 = kh.first[left + width - 1] + kh.count[left + width - 1];
            uint8_t *tmp = malloc((size_t)(col1 - col0) * (size_t)height * 3);
            if (!tmp) {
                status = CIC_ERR_NO_MEMORY;
            } else {
                pass_vertical(src + (size_t)col0 * 3, src_stride, col1 - col0, 0, tmp, top, height, &kv);
                pass_horizontal(tmp, col1 - col0, col0, 0, height, dst, left, width, &kh);
                free(tmp);
            }
        } else {
            // Only the input rows that the window's vertical pass reads need the horizontal pass.
            const int row0 = kv.first[top];
            const int row1 = kv.first[top + height - 1] + kv.count[top + height - 1];
            uint8_t *tmp = malloc((size_t)(row1 - row0) * (size_t)width * 3);
            if (!tmp) {
                status = CIC_ERR_NO_MEMORY;
            } else {
                pass_horizontal(src, sw, 0, row0, row1 - row0, tmp, left, width, &kh);
                pass_vertical(tmp, (size_t)width * 3, width, row0, dst, top, height, &kv);
                free(tmp);
            }
        }
    } else if (horizontal) {
        pass_horizontal(src, sw, 0, top, height, dst, left, width, &kh);
    } else {
        pass_vertical(src + (size_t)left * 3, src_stride, width, 0, dst, top, height, &kv);
    }
    if (horizontal) kernel_free(&kh);
    if (vertical) kernel_free(&kv);
    return status;
}
