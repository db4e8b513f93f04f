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

/// The formats named in "unsupported" messages.
#define CIC_SUPPORTED_FORMATS "JPEG, PNG, WebP, GIF, BMP, TIFF"

#endif
