// Shared helpers of the CImageCodecs implementation files (not part of the public header).
#ifndef CIC_INTERNAL_H
#define CIC_INTERNAL_H
#include "CImageCodecs.h"
#include <stdarg.h>
#include <stdio.h>

/// Writes a printf-style message into a CIC_MESSAGE_LENGTH buffer (ignored when NULL).
static inline void cic_set_message(char *message, const char *format, ...) {
    if (!message) return;
    va_list args;
    va_start(args, format);
    vsnprintf(message, CIC_MESSAGE_LENGTH, format, args);
    va_end(args);
}

/// width × height × 3 without overflow; 0 when it would not fit a size_t/ptrdiff.
static inline size_t cic_rgb_size(uint64_t width, uint64_t height) {
    if (width == 0 || height == 0) return 0;
    if (width > (uint64_t)1 << 31 || height > (uint64_t)1 << 31) return 0;
    uint64_t n = width * height;
    if (n > ((uint64_t)1 << 40)) return 0;
    return (size_t)(n * 3);
}

/// Checks a pixel limit; fills out->width/height and the message on failure.
static inline int cic_over_limit(uint64_t width, uint64_t height, uint64_t max_pixels) {
    return max_pixels != 0 && width * height > max_pixels;
}

/// min_longest_side > 0 lets JPEG decoding use DCT scaling (1/2, 1/4, 1/8) as long as the
/// longest side stays at least that long.
cic_status cic_decode_jpeg(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                           int32_t min_longest_side, cic_image *out, char *message);
cic_status cic_decode_png(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                          cic_image *out, char *message);
cic_status cic_decode_webp(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                           cic_image *out, char *message);
#endif
