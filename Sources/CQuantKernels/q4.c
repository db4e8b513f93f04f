// Q4_0 weights: conversion, repacking, and the portable matrix kernel.
#include "internal.h"
#include <math.h>

float qk_fp16_to_fp32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1Fu;
    uint32_t mantissa = h & 0x3FFu;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: mantissa × 2^-24
            float v = (float)mantissa * 5.9604644775390625e-8f;
            return sign ? -v : v;
        }
    } else if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float block_scale(const uint8_t *block) {
    uint16_t h = (uint16_t)(block[0] | (block[1] << 8));
    return qk_fp16_to_fp32(h);
}

void qk_q4_dequantize(const uint8_t *blocks, size_t n_blocks, float *out) {
    for (size_t b = 0; b < n_blocks; b++) {
        const uint8_t *blk = blocks + b * QK_Q4_BLOCK_BYTES;
        float scale = block_scale(blk);
        const uint8_t *nib = blk + 2;
        float *o = out + b * QK_BLOCK;
        for (int j = 0; j < 16; j++) {
            o[j] = scale * (float)((int)(nib[j] & 0x0F) - 8);
            o[j + 16] = scale * (float)((int)(nib[j] >> 4) - 8);
        }
    }
}

void qk_q4_repack(const uint8_t *blocks, int rows, int cols, uint8_t *packed, float *scales) {
    const int nb = cols / QK_BLOCK;
    const int groups = rows / QK_ROW_GROUP;
    for (int g = 0; g < groups; g++) {
        for (int b = 0; b < nb; b++) {
            uint8_t *dst = packed + ((size_t)g * nb + b) * 256;
            float *sc = scales + ((size_t)g * nb + b) * QK_ROW_GROUP;
            for (int r = 0; r < QK_ROW_GROUP; r++) {
                const uint8_t *blk = blocks + ((size_t)(g * QK_ROW_GROUP + r) * nb + b) * QK_Q4_BLOCK_BYTES;
                sc[r] = block_scale(blk);
                for (int j = 0; j < 4; j++) memcpy(dst + j * 64 + r * 4, blk + 2 + j * 4, 4);
            }
        }
    }
}

void qk_quantize_q8_scalar(const float *x, int rows, int cols, int ldx, int8_t *q, float *d, int32_t *s) {
    const int nb = cols / QK_BLOCK;
    const int padded = qk_q8_padded_rows(rows);
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
            const float *xb = xr + b * QK_BLOCK;
            float amax = 0.0f;
            for (int i = 0; i < QK_BLOCK; i++) {
                float a = fabsf(xb[i]);
                if (a > amax) amax = a;
            }
            float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
            int32_t sum = 0;
            for (int i = 0; i < QK_BLOCK; i++) {
                int v = (int)nearbyintf(xb[i] * inv);
                if (v > 127) v = 127;
                if (v < -127) v = -127;
                qb[i] = (int8_t)v;
                sum += v;
            }
            d[slot] = amax / 127.0f;
            s[slot] = -8 * sum;
        }
    }
}

void qk_gemm_q4q8_scalar(int rows, int cols, const int8_t *q, const float *d, const int32_t *s,
                         const uint8_t *packed, const float *scales, int group_begin, int group_end,
                         const float *bias, float *y, int ldy) {
    const int nb = cols / QK_BLOCK;
    for (int g = group_begin; g < group_end; g++) {
        const uint8_t *pg = packed + (size_t)g * nb * 256;
        const float *sg = scales + (size_t)g * nb * QK_ROW_GROUP;
        for (int r = 0; r < rows; r++) {
            const int tile = r / QK_TILE, t = r % QK_TILE;
            float acc[QK_ROW_GROUP] = {0};
            for (int b = 0; b < nb; b++) {
                const size_t slot = ((size_t)tile * nb + b) * QK_TILE + t;
                const uint8_t *pb = pg + (size_t)b * 256;
                const int8_t *xb = q + slot * QK_BLOCK;
                const float dx = d[slot];
                const int32_t base = s[slot];
                for (int o = 0; o < QK_ROW_GROUP; o++) {
                    int32_t sum = base;
                    for (int j = 0; j < 4; j++) {
                        for (int k = 0; k < 4; k++) {
                            int byte = pb[j * 64 + o * 4 + k];
                            sum += (byte & 0x0F) * xb[4 * j + k] + (byte >> 4) * xb[16 + 4 * j + k];
                        }
                    }
                    acc[o] += (float)sum * (sg[b * QK_ROW_GROUP + o] * dx);
                }
            }
            float *yt = y + (size_t)r * ldy + (size_t)g * QK_ROW_GROUP;
            for (int o = 0; o < QK_ROW_GROUP; o++) yt[o] = acc[o] + (bias ? bias[g * QK_ROW_GROUP + o] : 0.0f);
        }
    }
}
