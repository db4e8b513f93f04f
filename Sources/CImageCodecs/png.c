// PNG decoding and encoding through libpng. libpng errors longjmp to png_jmpbuf; the
// message is captured by our error callback first.
#include "internal.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    const uint8_t *data;
    size_t length;
    size_t position;
    char text[200];
} cic_png_reader;

static void on_png_error(png_structp png, png_const_charp text) {
    cic_png_reader *r = (cic_png_reader *)png_get_error_ptr(png);
    if (r) snprintf(r->text, sizeof(r->text), "%s", text);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void read_bytes(png_structp png, png_bytep dst, png_size_t n) {
    cic_png_reader *r = (cic_png_reader *)png_get_io_ptr(png);
    if (n > r->length - r->position) png_error(png, "truncated PNG data (unexpected end of file)");
    memcpy(dst, r->data + r->position, n);
    r->position += n;
}

static int orientation_of(png_structp png, png_infop info) {
#ifdef PNG_eXIf_SUPPORTED
    png_uint_32 n = 0;
    png_bytep exif = NULL;
    if (png_get_eXIf_1(png, info, &n, &exif) && exif && n > 0) return cic_exif_orientation(exif, n);
#else
    (void)png; (void)info;
#endif
    return 0;
}

cic_status cic_decode_png(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                          cic_image *out, char *message) {
    cic_png_reader reader = {data, length, 0, {0}};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, on_png_error, on_png_warning);
    if (!png) {
        cic_set_message(message, "out of memory creating a PNG reader");
        return CIC_ERR_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        cic_set_message(message, "out of memory creating a PNG reader");
        return CIC_ERR_NO_MEMORY;
    }
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        out->pixels = NULL;
        cic_set_message(message, "corrupt PNG: %s", reader.text);
        return CIC_ERR_CORRUPT;
    }
    png_set_read_fn(png, &reader, read_bytes);
    // Size limits are enforced by the caller's pixel limit below, not by libpng's defaults.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(png, info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    out->width = (int32_t)w;
    out->height = (int32_t)h;
    out->source_channels = png_get_channels(png, info);
    int o = orientation_of(png, info);
    if (o) out->exif_orientation = o;
    if (header_only) {
        png_destroy_read_struct(&png, &info, NULL);
        return CIC_OK;
    }
    if (cic_over_limit(w, h, max_pixels)) {
        png_destroy_read_struct(&png, &info, NULL);
        cic_set_message(message, "image is %ux%u pixels, over the limit of %llu", (unsigned)w, (unsigned)h,
                        (unsigned long long)max_pixels);
        return CIC_ERR_TOO_MANY_PIXELS;
    }
    // Transforms that reproduce PIL's convert('RGB'): keep the high byte of 16-bit samples,
    // expand palettes and low bit depths, drop alpha (a palette's tRNS becomes alpha when the
    // palette is expanded, and is dropped with it), gray → RGB.
    const int palette_alpha = color == PNG_COLOR_TYPE_PALETTE && png_get_valid(png, info, PNG_INFO_tRNS);
    if (depth == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if ((color & PNG_COLOR_MASK_ALPHA) || palette_alpha) png_set_strip_alpha(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const size_t size = cic_rgb_size(w, h);
    if (size == 0 || png_get_rowbytes(png, info) != (size_t)w * 3) {
        png_destroy_read_struct(&png, &info, NULL);
        cic_set_message(message, "corrupt PNG: unexpected row layout");
        return CIC_ERR_CORRUPT;
    }
    pixels = malloc(size);
    rows = malloc(sizeof(png_bytep) * h);
    if (!pixels || !rows) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        cic_set_message(message, "out of memory decoding a %ux%u PNG", (unsigned)w, (unsigned)h);
        return CIC_ERR_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < h; y++) rows[y] = pixels + (size_t)y * w * 3;
    png_read_image(png, rows);
    png_read_end(png, info);  // an eXIf chunk may follow the image data
    if (!o) {
        o = orientation_of(png, info);
        if (o) out->exif_orientation = o;
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->pixels = pixels;
    return CIC_OK;
}

// MARK: Encoding

typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    int failed;
    char text[200];
} cic_png_writer;

static void write_bytes(png_structp png, png_bytep src, png_size_t n) {
    cic_png_writer *w = (cic_png_writer *)png_get_io_ptr(png);
    if (w->length + n > w->capacity) {
        size_t cap = w->capacity ? w->capacity * 2 : 65536;
        while (cap < w->length + n) cap *= 2;
        uint8_t *grown = realloc(w->data, cap);
        if (!grown) png_error(png, "out of memory");
        w->data = grown;
        w->capacity = cap;
    }
    memcpy(w->data + w->length, src, n);
    w->length += n;
}

static void flush_bytes(png_structp png) { (void)png; }

static void on_png_write_error(png_structp png, png_const_charp text) {
    cic_png_writer *w = (cic_png_writer *)png_get_error_ptr(png);
    if (w) snprintf(w->text, sizeof(w->text), "%s", text);
    png_longjmp(png, 1);
}

cic_status cic_encode_png(const uint8_t *rgb, int32_t width, int32_t height, uint8_t **out, size_t *out_length,
                          char *message) {
    *out = NULL;
    *out_length = 0;
    if (width <= 0 || height <= 0) {
        cic_set_message(message, "cannot encode a %dx%d PNG", width, height);
        return CIC_ERR_ARGUMENT;
    }
    cic_png_writer writer = {NULL, 0, 0, 0, {0}};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, on_png_write_error, on_png_warning);
    if (!png) return CIC_ERR_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return CIC_ERR_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(writer.data);
        cic_set_message(message, "PNG encoding failed: %s", writer.text);
        return CIC_ERR_CORRUPT;
    }
    png_set_write_fn(png, &writer, write_bytes, flush_bytes);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    for (int32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * (size_t)width * 3));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = writer.data;
    *out_length = writer.length;
    return CIC_OK;
}
