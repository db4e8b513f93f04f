// Decoding and encoding through libvips. Each format goes to its own loader, chosen from the
// magic bytes (never libvips' own guess), and every other loader is blocked, so a crafted
// upload cannot reach PDF, SVG or the other loaders libvips ships. Loaders run lazily: the
// header is read first, limits are checked, and only then are the pixels decoded, in
// sequential (streaming) access, possibly reduced while they are read.
#include "internal.h"
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <vips/vips.h>

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ready = 0;

static void ignore_log(const gchar *domain, GLogLevelFlags level, const gchar *text, gpointer data) {
    (void)domain, (void)level, (void)text, (void)data;
}

static void start_vips(void) {
    if (VIPS_INIT("quarry") != 0) return;
    // Errors come back to callers as messages; libvips' warnings ("error in tile …") would only
    // repeat them on stderr.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, ignore_log, NULL);
    // Callers run many decodes at once on their own threads; one libvips worker each, no
    // operation cache (every upload is new, and cached images would hold memory).
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    static const char *const allowed[] = {
        "VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer", "VipsForeignLoadWebpBuffer",
        "VipsForeignLoadNsgifBuffer", "VipsForeignLoadTiffBuffer", "VipsForeignLoadMagickBuffer",
    };
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) vips_operation_block_set(allowed[i], FALSE);
    vips_ready = 1;
}

/// Starts libvips once; reports failure in `message`.
static int ensure_vips(char *message) {
    pthread_once(&vips_once, start_vips);
    if (!vips_ready) cic_set_message(message, "libvips could not be initialised");
    return vips_ready;
}

/// Moves libvips' error text into `message` (prefixed). libvips keeps one error buffer per
/// process, so under concurrent failures a message may carry another call's text as well.
static void take_vips_error(char *message, const char *prefix) {
    char *text = vips_error_buffer_copy();
    size_t n = text ? strlen(text) : 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = 0;
    cic_set_message(message, "%s%s", prefix, n ? text : "unknown libvips error");
    g_free(text);
}

static const char *format_name(cic_format f) {
    switch (f) {
    case CIC_FORMAT_JPEG: return "JPEG";
    case CIC_FORMAT_PNG: return "PNG";
    case CIC_FORMAT_WEBP: return "WebP";
    case CIC_FORMAT_GIF: return "GIF";
    case CIC_FORMAT_BMP: return "BMP";
    case CIC_FORMAT_TIFF: return "TIFF";
    case CIC_FORMAT_HEIF: return "HEIF/AVIF";
    default: return "unknown";
    }
}

/// Opens the image lazily (header only) with the loader for `format`. `jpeg_shrink` (1, 2, 4
/// or 8) and `webp_scale` (≤ 1) reduce while decoding; other formats ignore them.
static cic_status open_image(const uint8_t *data, size_t length, cic_format format, int jpeg_shrink,
                             double webp_scale, VipsImage **image, char *message) {
    void *buffer = (void *)data;
    int failed;
    switch (format) {
    case CIC_FORMAT_JPEG:
        failed = vips_jpegload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_TRUNCATED, "shrink", jpeg_shrink, NULL);
        break;
    case CIC_FORMAT_PNG:
        failed = vips_pngload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                     VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case CIC_FORMAT_WEBP:
        failed = webp_scale < 1.0
                     ? vips_webpload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                            VIPS_FAIL_ON_TRUNCATED, "scale", webp_scale, NULL)
                     : vips_webpload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                            VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case CIC_FORMAT_GIF:
        failed = vips_gifload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                     VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case CIC_FORMAT_TIFF:
        failed = vips_tiffload_buffer(buffer, length, image, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case CIC_FORMAT_BMP:
        failed = vips_magickload_buffer(buffer, length, image, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
        break;
    case CIC_FORMAT_UNKNOWN:
        cic_set_message(message, "unrecognised image format (supported: " CIC_SUPPORTED_FORMATS ")");
        return CIC_ERR_UNSUPPORTED;
    default:
        cic_set_message(message, "%s images are not supported (supported: " CIC_SUPPORTED_FORMATS ")",
                        format_name(format));
        return CIC_ERR_UNSUPPORTED;
    }
    if (failed) {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "corrupt %s: ", format_name(format));
        take_vips_error(message, prefix);
        return CIC_ERR_CORRUPT;
    }
    return CIC_OK;
}

/// Replaces *image by the result of an operation (which consumed nothing: *image is unref'd).
static int replace(VipsImage **image, int failed, VipsImage *result) {
    g_object_unref(*image);
    *image = failed ? NULL : result;
    return !failed;
}

static void fill_header(VipsImage *image, cic_format format, cic_image *out) {
    out->format = (int32_t)format;
    out->width = vips_image_get_width(image);
    out->height = vips_image_get_height(image);
    out->source_channels = vips_image_get_bands(image);
    int orientation = 1;
    if (vips_image_get_typeof(image, VIPS_META_ORIENTATION) &&
        vips_image_get_int(image, VIPS_META_ORIENTATION, &orientation) == 0 && orientation >= 1 && orientation <= 8)
        out->exif_orientation = orientation;
}

static cic_status start(const uint8_t *data, size_t length, cic_image *out, char *message, cic_format *format) {
    memset(out, 0, sizeof(*out));
    out->exif_orientation = 1;
    out->reduction = 1;
    if (message) message[0] = 0;
    if (data == NULL || length == 0) {
        cic_set_message(message, "empty input");
        return CIC_ERR_EMPTY;
    }
    *format = cic_sniff(data, length);
    out->format = (int32_t)*format;
    return ensure_vips(message) ? CIC_OK : CIC_ERR_NO_MEMORY;
}

/// The size in a PNG's IHDR chunk. libvips refuses to open PNGs above its own size limit, so
/// this lets a bomb be reported as too large rather than as corrupt.
static int png_header_size(const uint8_t *data, size_t length, uint32_t *width, uint32_t *height) {
    if (length < 24 || memcmp(data + 12, "IHDR", 4) != 0) return 0;
    *width = (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 | data[19];
    *height = (uint32_t)data[20] << 24 | (uint32_t)data[21] << 16 | (uint32_t)data[22] << 8 | data[23];
    return 1;
}

cic_status cic_probe(const uint8_t *data, size_t length, cic_image *out, char *message) {
    cic_format format;
    cic_status status = start(data, length, out, message, &format);
    if (status != CIC_OK) return status;
    VipsImage *image = NULL;
    status = open_image(data, length, format, 1, 1.0, &image, message);
    uint32_t png_width, png_height;
    if (status == CIC_ERR_CORRUPT && format == CIC_FORMAT_PNG && png_header_size(data, length, &png_width, &png_height)) {
        // libvips refuses PNGs above its size limit; the header still says how large it claims to be.
        out->width = (int32_t)png_width, out->height = (int32_t)png_height;
        return CIC_OK;
    }
    if (status != CIC_OK) return status;
    fill_header(image, format, out);
    g_object_unref(image);
    return CIC_OK;
}

/// The reduction factor for an image of width × height under the options (1 = full size).
static int reduction_factor(uint64_t width, uint64_t height, cic_format format, const cic_decode_options *options) {
    if (options->max_decoded_pixels > 0 && width * height > options->max_decoded_pixels) {
        int factor = (int)ceil(sqrt((double)(width * height) / (double)options->max_decoded_pixels));
        while ((width / (uint64_t)factor) * (height / (uint64_t)factor) > options->max_decoded_pixels) factor++;
        return factor;
    }
    if (options->min_longest_side > 0 && (format == CIC_FORMAT_JPEG || format == CIC_FORMAT_WEBP)) {
        const uint64_t longest = width > height ? width : height;
        int factor = 8;
        while (factor > 1 && (longest + (uint64_t)factor - 1) / (uint64_t)factor < (uint64_t)options->min_longest_side)
            factor /= 2;
        return factor;
    }
    return 1;
}

/// Reduces the lazily opened image by `factor`: JPEG in the DCT (1/2, 1/4, 1/8), WebP in
/// libwebp's scaler, then a box filter for what is left; all while streaming.
static cic_status reduce(const uint8_t *data, size_t length, cic_format format, int factor, VipsImage **image,
                         char *message) {
    int remaining = factor;
    if (format == CIC_FORMAT_JPEG || format == CIC_FORMAT_WEBP) {
        int jpeg_shrink = 1;
        while (format == CIC_FORMAT_JPEG && jpeg_shrink < 8 && factor % (jpeg_shrink * 2) == 0) jpeg_shrink *= 2;
        const double webp_scale = format == CIC_FORMAT_WEBP ? 1.0 / factor : 1.0;
        g_object_unref(*image);
        *image = NULL;
        cic_status status = open_image(data, length, format, jpeg_shrink, webp_scale, image, message);
        if (status != CIC_OK) return status;
        remaining = format == CIC_FORMAT_WEBP ? 1 : factor / jpeg_shrink;
    }
    if (remaining > 1) {
        VipsImage *shrunk = NULL;
        if (!replace(image, vips_shrink(*image, &shrunk, (double)remaining, (double)remaining, NULL), shrunk)) {
            take_vips_error(message, "cannot reduce image: ");
            return CIC_ERR_CORRUPT;
        }
    }
    return CIC_OK;
}

/// Pillow's CMYK → RGB: channel = (255 - k) - c·(255 - k)/255 with its rounded division.
static inline unsigned cmyk_channel(unsigned c, unsigned k) {
    unsigned nk = 255 - k;
    unsigned t = c * nk + 128;
    unsigned m = ((t >> 8) + t) >> 8;
    int v = (int)nk - (int)m;
    return (unsigned)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/// Pillow's Image.alpha_composite of a pixel over an opaque background (7-bit fixed point,
/// its rounded division by 255).
static inline uint8_t composite(unsigned colour, unsigned alpha, unsigned background) {
    unsigned blend = ((colour * alpha + background * (255 - alpha)) << 7) + (0x80 << 7);
    return (uint8_t)(((((blend >> 8) + blend) >> 8)) >> 7);
}

/// Packs `bands`-channel 8-bit pixels (gray, gray+alpha, RGB, RGBA, CMYK, CMYK+alpha) into RGB
/// with alpha composited onto `background`. RGB and RGBA, the common layouts, have loops of
/// their own.
static void to_rgb(const uint8_t *src, size_t count, int bands, int cmyk, const uint8_t background[3], uint8_t *dst) {
    const int colours = cmyk ? 4 : bands >= 3 ? 3 : 1;
    const int has_alpha = bands > colours;
    if (!cmyk && bands == 3) {
        memcpy(dst, src, count * 3);
        return;
    }
    if (!cmyk && bands == 4) {
        // Most pixels of drawings and cut-outs are opaque or fully transparent.
        for (size_t i = 0; i < count; i++) {
            const unsigned alpha = src[4 * i + 3];
            if (alpha == 255) {
                memcpy(dst + 3 * i, src + 4 * i, 3);
            } else if (alpha == 0) {
                memcpy(dst + 3 * i, background, 3);
            } else {
                for (int c = 0; c < 3; c++) dst[3 * i + c] = composite(src[4 * i + c], alpha, background[c]);
            }
        }
        return;
    }
    for (size_t i = 0; i < count; i++, src += bands, dst += 3) {
        unsigned rgb[3];
        if (cmyk) {
            for (int c = 0; c < 3; c++) rgb[c] = cmyk_channel(src[c], src[3]);
        } else {
            rgb[0] = rgb[1] = rgb[2] = src[0];
        }
        if (has_alpha) {
            const unsigned alpha = src[colours];
            for (int c = 0; c < 3; c++) dst[c] = composite(rgb[c], alpha, background[c]);
        } else {
            for (int c = 0; c < 3; c++) dst[c] = (uint8_t)rgb[c];
        }
    }
}

/// Whether libvips' bands can be read as they are (gray, RGB, CMYK, with or without alpha);
/// other colour spaces (Lab, XYZ, …) are converted to sRGB first.
static int is_direct(VipsInterpretation interpretation) {
    switch (interpretation) {
    case VIPS_INTERPRETATION_B_W:
    case VIPS_INTERPRETATION_GREY16:
    case VIPS_INTERPRETATION_sRGB:
    case VIPS_INTERPRETATION_RGB:
    case VIPS_INTERPRETATION_RGB16:
    case VIPS_INTERPRETATION_CMYK:
    case VIPS_INTERPRETATION_MULTIBAND: return 1;
    default: return 0;
    }
}

/// Refuses, from the header, a size over the pixel limit or a shape over the aspect-ratio limit;
/// out->width/height then hold the size.
static cic_status check_shape(uint64_t width, uint64_t height, const cic_decode_options *options, cic_image *out,
                              char *message) {
    out->width = (int32_t)width, out->height = (int32_t)height;
    const uint64_t longer = width > height ? width : height, shorter = width > height ? height : width;
    if (options->max_aspect_ratio > 0 && (shorter == 0 || longer > shorter * (uint64_t)options->max_aspect_ratio)) {
        cic_set_message(message, "image is %llux%llu, longer side over %d times the shorter", (unsigned long long)width,
                        (unsigned long long)height, options->max_aspect_ratio);
        return CIC_ERR_EXTREME_ASPECT_RATIO;
    }
    if (cic_over_limit(width, height, options->max_pixels)) {
        cic_set_message(message, "image is %llux%llu pixels, over the limit of %llu", (unsigned long long)width,
                        (unsigned long long)height, (unsigned long long)options->max_pixels);
        return CIC_ERR_TOO_MANY_PIXELS;
    }
    return CIC_OK;
}

cic_status cic_decode(const uint8_t *data, size_t length, const cic_decode_options *options, cic_image *out,
                      char *message) {
    cic_format format;
    cic_status status = start(data, length, out, message, &format);
    if (status != CIC_OK) return status;
    // A PNG's size is checked from its IHDR first: libvips refuses to open one above its own limit.
    uint32_t png_width, png_height;
    if (format == CIC_FORMAT_PNG && png_header_size(data, length, &png_width, &png_height)) {
        status = check_shape(png_width, png_height, options, out, message);
        if (status != CIC_OK) return status;
    }
    VipsImage *image = NULL;
    status = open_image(data, length, format, 1, 1.0, &image, message);
    if (status != CIC_OK) return status;
    fill_header(image, format, out);
    const uint64_t width = (uint64_t)out->width, height = (uint64_t)out->height;
    status = check_shape(width, height, options, out, message);
    if (status != CIC_OK) {
        g_object_unref(image);
        return status;
    }
    const int factor = reduction_factor(width, height, format, options);
    if (factor > 1) {
        status = reduce(data, length, format, factor, &image, message);
        if (status != CIC_OK) return status;
        out->reduction = factor;
    }
    VipsImage *converted = NULL;
    if (!is_direct(vips_image_get_interpretation(image)) &&
        !replace(&image, vips_colourspace(image, &converted, VIPS_INTERPRETATION_sRGB, NULL), converted)) {
        take_vips_error(message, "cannot convert colour space: ");
        return CIC_ERR_CORRUPT;
    }
    if (vips_image_get_format(image) != VIPS_FORMAT_UCHAR &&
        !replace(&image, vips_cast_uchar(image, &converted, "shift", TRUE, NULL), converted)) {
        take_vips_error(message, "cannot convert samples to 8 bits: ");
        return CIC_ERR_CORRUPT;
    }
    const int bands = vips_image_get_bands(image);
    const int cmyk = vips_image_get_interpretation(image) == VIPS_INTERPRETATION_CMYK && bands >= 4;
    const size_t w = (size_t)vips_image_get_width(image), h = (size_t)vips_image_get_height(image);
    const size_t rgb_size = cic_rgb_size(w, h);
    uint8_t *rgb = rgb_size ? g_try_malloc(rgb_size) : NULL;
    uint8_t *oriented = NULL;
    const int orientation = options->apply_orientation ? out->exif_orientation : 1;
    if (rgb && orientation >= 2) oriented = g_try_malloc(rgb_size);
    if (!rgb || (orientation >= 2 && !oriented)) {
        g_object_unref(image);
        g_free(rgb);
        g_free(oriented);
        cic_set_message(message, "out of memory decoding a %zux%zu image", w, h);
        return CIC_ERR_NO_MEMORY;
    }
    // The pixels are computed on this thread, a band of rows at a time (no worker threads:
    // callers already decode many images at once), and packed into RGB as they arrive.
    VipsRegion *region = vips_region_new(image);
    const int band_rows = 64;
    int failed = region == NULL;
    for (size_t top = 0; !failed && top < h; top += band_rows) {
        VipsRect rows = {0, (int)top, (int)w, (int)(h - top < band_rows ? h - top : band_rows)};
        failed = vips_region_prepare(region, &rows) != 0;
        for (int y = 0; !failed && y < rows.height; y++) {
            const uint8_t *line = (const uint8_t *)VIPS_REGION_ADDR(region, 0, rows.top + y);
            to_rgb(line, w, bands, cmyk, options->background, rgb + (top + (size_t)y) * w * 3);
        }
    }
    if (region) g_object_unref(region);
    g_object_unref(image);
    if (failed) {
        g_free(rgb);
        g_free(oriented);
        take_vips_error(message, "");
        return CIC_ERR_CORRUPT;
    }
    out->width = (int32_t)w;
    out->height = (int32_t)h;
    if (oriented) {
        cic_orient_rgb(rgb, out->width, out->height, orientation, oriented);
        g_free(rgb);
        rgb = oriented;
        if (orientation >= 5) {
            out->width = (int32_t)h;
            out->height = (int32_t)w;
        }
    }
    out->pixels = rgb;
    return CIC_OK;
}

void cic_free(void *pointer) { g_free(pointer); }

/// Wraps packed RGB as a libvips image (no copy) and runs a saver on it.
static cic_status encode(const uint8_t *rgb, int32_t width, int32_t height, int quality, int jpeg, uint8_t **out,
                         size_t *out_length, char *message) {
    *out = NULL;
    *out_length = 0;
    if (!ensure_vips(message)) return CIC_ERR_NO_MEMORY;
    if (width <= 0 || height <= 0 || (jpeg && (width > 65500 || height > 65500))) {
        cic_set_message(message, "cannot encode a %dx%d image", width, height);
        return CIC_ERR_ARGUMENT;
    }
    VipsImage *image = vips_image_new_from_memory(rgb, (size_t)width * (size_t)height * 3, width, height, 3,
                                                  VIPS_FORMAT_UCHAR);
    if (!image) {
        take_vips_error(message, "encoding failed: ");
        return CIC_ERR_NO_MEMORY;
    }
    void *buffer = NULL;
    size_t length = 0;
    const int failed =
        jpeg ? vips_jpegsave_buffer(image, &buffer, &length, "Q", quality < 1 ? 1 : quality > 100 ? 100 : quality,
                                    "optimize_coding", TRUE, "subsample_mode", VIPS_FOREIGN_SUBSAMPLE_ON, "strip",
                                    TRUE, NULL)
             : vips_pngsave_buffer(image, &buffer, &length, "compression", 6, "strip", TRUE, NULL);
    g_object_unref(image);
    if (failed) {
        take_vips_error(message, "encoding failed: ");
        return CIC_ERR_CORRUPT;
    }
    *out = buffer;
    *out_length = length;
    return CIC_OK;
}

cic_status cic_encode_jpeg(const uint8_t *rgb, int32_t width, int32_t height, int quality, uint8_t **out,
                           size_t *out_length, char *message) {
    return encode(rgb, width, height, quality, 1, out, out_length, message);
}

cic_status cic_encode_png(const uint8_t *rgb, int32_t width, int32_t height, uint8_t **out, size_t *out_length,
                          char *message) {
    return encode(rgb, width, height, 0, 0, out, out_length, message);
}
