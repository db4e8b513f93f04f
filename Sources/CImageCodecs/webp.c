// WebP decoding through libwebp's simple API (still images; animations are rejected).
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

static const char *status_text(VP8StatusCode s) {
    switch (s) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "truncated WebP data (not enough data)";
    default: return "unknown error";
    }
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/// Walks the RIFF chunks of an extended (VP8X) WebP file for an EXIF chunk.
static int webp_orientation(const uint8_t *d, size_t n) {
    if (n < 12) return 0;
    size_t pos = 12;
    while (pos + 8 <= n) {
        uint32_t size = le32(d + pos + 4);
        if ((uint64_t)pos + 8 + size > n) return 0;
        if (memcmp(d + pos, "EXIF", 4) == 0) return cic_exif_orientation(d + pos + 8, size);
        pos += 8 + (size_t)size + (size & 1);
    }
    return 0;
}

cic_status cic_decode_webp(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                           cic_image *out, char *message) {
    WebPBitstreamFeatures features;
    VP8StatusCode s = WebPGetFeatures(data, length, &features);
    if (s != VP8_STATUS_OK) {
        cic_set_message(message, "corrupt WebP: %s", status_text(s));
        return CIC_ERR_CORRUPT;
    }
    out->width = features.width;
    out->height = features.height;
    out->source_channels = features.has_alpha ? 4 : 3;
    int o = webp_orientation(data, length);
    if (o) out->exif_orientation = o;
    if (features.has_animation) {
        cic_set_message(message, "animated WebP images are not supported");
        return CIC_ERR_UNSUPPORTED;
    }
    if (header_only) return CIC_OK;
    if (cic_over_limit((uint64_t)features.width, (uint64_t)features.height, max_pixels)) {
        cic_set_message(message, "image is %dx%d pixels, over the limit of %llu", features.width, features.height,
                        (unsigned long long)max_pixels);
        return CIC_ERR_TOO_MANY_PIXELS;
    }
    const size_t size = cic_rgb_size((uint64_t)features.width, (uint64_t)features.height);
    if (size == 0) {
        cic_set_message(message, "corrupt WebP: invalid size %dx%d", features.width, features.height);
        return CIC_ERR_CORRUPT;
    }
    uint8_t *pixels = malloc(size);
    if (!pixels) {
        cic_set_message(message, "out of memory decoding a %dx%d WebP", features.width, features.height);
        return CIC_ERR_NO_MEMORY;
    }
    // Full decode with the advanced API, so the failure reason is known.
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        free(pixels);
        cic_set_message(message, "libwebp version mismatch");
        return CIC_ERR_UNSUPPORTED;
    }
    config.output.colorspace = MODE_RGB;  // alpha dropped, colour not premultiplied (as PIL)
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = pixels;
    config.output.u.RGBA.stride = features.width * 3;
    config.output.u.RGBA.size = size;
    s = WebPDecode(data, length, &config);
    WebPFreeDecBuffer(&config.output);
    if (s != VP8_STATUS_OK) {
        free(pixels);
        cic_set_message(message, "corrupt WebP: %s", status_text(s));
        return CIC_ERR_CORRUPT;
    }
    out->pixels = pixels;
    return CIC_OK;
}
