// JPEG decoding and encoding through libjpeg(-turbo). libjpeg reports fatal errors by calling
// error_exit, which must not return: we longjmp back into the calling function, which then
// releases everything it allocated. A premature end of data is only a warning in libjpeg
// (it pads with an EOI marker); we treat it as an error, like PIL does without
// LOAD_TRUNCATED_IMAGES.
#include "internal.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
} cic_jpeg_error;

static void on_error(j_common_ptr cinfo) {
    cic_jpeg_error *e = (cic_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->text);
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    // level -1: warning. Premature end of data is fatal for us; other warnings
    // (e.g. extraneous bytes before a marker) are tolerated, as PIL tolerates them.
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        cic_jpeg_error *e = (cic_jpeg_error *)cinfo->err;
        snprintf(e->text, sizeof(e->text), "truncated JPEG data (premature end of file)");
        longjmp(e->jump, 1);
    }
}

static void on_output(j_common_ptr cinfo) { (void)cinfo; }

/// Pillow's CMYK → RGB: channel = (255 - k) - c·(255 - k)/255 with its rounded division.
static inline uint8_t cmyk_channel(unsigned c, unsigned k) {
    unsigned nk = 255 - k;
    unsigned t = c * nk + 128;
    unsigned m = ((t >> 8) + t) >> 8;
    int v = (int)nk - (int)m;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

cic_status cic_decode_jpeg(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                           int32_t min_longest_side, cic_image *out, char *message) {
    struct jpeg_decompress_struct cinfo;
    cic_jpeg_error err;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;
    volatile int created = 0;

    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    err.pub.output_message = on_output;
    err.text[0] = 0;
    if (setjmp(err.jump)) {
        if (created) jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        out->pixels = NULL;
        cic_set_message(message, "corrupt JPEG: %s", err.text);
        return CIC_ERR_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    created = 1;
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
        jpeg_destroy_decompress(&cinfo);
        cic_set_message(message, "corrupt JPEG: no image in the data stream");
        return CIC_ERR_CORRUPT;
    }
    out->width = (int32_t)cinfo.image_width;
    out->height = (int32_t)cinfo.image_height;
    out->source_channels = cinfo.num_components;
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            int o = cic_exif_orientation(m->data, m->data_length);
            out->exif_orientation = o ? o : 1;
            break;  // the first Exif segment counts
        }
    }
    if (header_only) {
        jpeg_destroy_decompress(&cinfo);
        return CIC_OK;
    }
    if (cic_over_limit(cinfo.image_width, cinfo.image_height, max_pixels)) {
        jpeg_destroy_decompress(&cinfo);
        cic_set_message(message, "image is %ux%u pixels, over the limit of %llu", cinfo.image_width,
                        cinfo.image_height, (unsigned long long)max_pixels);
        return CIC_ERR_TOO_MANY_PIXELS;
    }
    const int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    const int adobe_inverted = cmyk && cinfo.saw_Adobe_marker;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // libjpeg-turbo expands grayscale to RGB
    if (min_longest_side > 0) {
        // DCT-domain downscaling: much faster for thumbnails of large photos.
        const unsigned longest = cinfo.image_width > cinfo.image_height ? cinfo.image_width : cinfo.image_height;
        unsigned denom = 8;
        while (denom > 1 && (longest + denom - 1) / denom < (unsigned)min_longest_side) denom /= 2;
        cinfo.scale_num = 1;
        cinfo.scale_denom = denom;
    }
    jpeg_start_decompress(&cinfo);
    const size_t w = cinfo.output_width, h = cinfo.output_height;
    const size_t size = cic_rgb_size(w, h);
    if (size == 0 || cinfo.output_components != (cmyk ? 4 : 3)) {
        jpeg_destroy_decompress(&cinfo);
        cic_set_message(message, "corrupt JPEG: unexpected output geometry %zux%zu", w, h);
        return CIC_ERR_CORRUPT;
    }
    pixels = malloc(size);
    if (cmyk) row = malloc(w * 4);
    if (!pixels || (cmyk && !row)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        cic_set_message(message, "out of memory decoding a %zux%zu JPEG", w, h);
        return CIC_ERR_NO_MEMORY;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        size_t y = cinfo.output_scanline;
        uint8_t *dst = pixels + y * w * 3;
        JSAMPROW target = cmyk ? row : dst;
        if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) break;
        if (cmyk) {
            for (size_t x = 0; x < w; x++) {
                unsigned c = row[4 * x], m = row[4 * x + 1], yv = row[4 * x + 2], k = row[4 * x + 3];
                if (adobe_inverted) { c = 255 - c; m = 255 - m; yv = 255 - yv; k = 255 - k; }
                dst[3 * x] = cmyk_channel(c, k);
                dst[3 * x + 1] = cmyk_channel(m, k);
                dst[3 * x + 2] = cmyk_channel(yv, k);
            }
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    out->pixels = pixels;
    out->width = (int32_t)w;
    out->height = (int32_t)h;
    return CIC_OK;
}

cic_status cic_encode_jpeg(const uint8_t *rgb, int32_t width, int32_t height, int quality,
                           uint8_t **out, size_t *out_length, char *message) {
    struct jpeg_compress_struct cinfo;
    cic_jpeg_error err;
    // Written by jpeg_mem_dest through its address (so it lives in memory across longjmp).
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_length = 0;
    if (width <= 0 || height <= 0 || width > 65500 || height > 65500) {
        cic_set_message(message, "cannot encode a %dx%d JPEG", width, height);
        return CIC_ERR_ARGUMENT;
    }
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.output_message = on_output;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        cic_set_message(message, "JPEG encoding failed: %s", err.text);
        return CIC_ERR_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW r = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_length = buffer_size;
    return CIC_OK;
}
