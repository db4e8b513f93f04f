// Format sniffing, decoding dispatch, EXIF orientation parsing and application.
#include "internal.h"
#include <stdlib.h>
#include <string.h>

cic_format cic_sniff(const uint8_t *d, size_t n) {
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return CIC_FORMAT_JPEG;
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return CIC_FORMAT_PNG;
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return CIC_FORMAT_WEBP;
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return CIC_FORMAT_GIF;
    if (n >= 2 && d[0] == 'B' && d[1] == 'M') return CIC_FORMAT_BMP;
    if (n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)) return CIC_FORMAT_TIFF;
    if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0) {
        static const char *brands[] = {"heic", "heix", "hevc", "hevx", "mif1", "msf1", "avif", "avis"};
        for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
            if (memcmp(d + 8, brands[i], 4) == 0) return CIC_FORMAT_HEIF;
    }
    return CIC_FORMAT_UNKNOWN;
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

static cic_status dispatch(const uint8_t *data, size_t length, uint64_t max_pixels, int header_only,
                           int32_t min_longest_side, cic_image *out, char *message) {
    memset(out, 0, sizeof(*out));
    out->exif_orientation = 1;
    if (message) message[0] = 0;
    if (data == NULL || length == 0) {
        cic_set_message(message, "empty input");
        return CIC_ERR_EMPTY;
    }
    cic_format f = cic_sniff(data, length);
    out->format = (int32_t)f;
    switch (f) {
    case CIC_FORMAT_JPEG:
        return cic_decode_jpeg(data, length, max_pixels, header_only, min_longest_side, out, message);
    case CIC_FORMAT_PNG: return cic_decode_png(data, length, max_pixels, header_only, out, message);
    case CIC_FORMAT_WEBP: return cic_decode_webp(data, length, max_pixels, header_only, out, message);
    case CIC_FORMAT_UNKNOWN:
        cic_set_message(message, "unrecognised image format (supported: JPEG, PNG, WebP)");
        return CIC_ERR_UNSUPPORTED;
    default:
        cic_set_message(message, "%s images are not supported (supported: JPEG, PNG, WebP)", format_name(f));
        return CIC_ERR_UNSUPPORTED;
    }
}

cic_status cic_probe(const uint8_t *data, size_t length, cic_image *out, char *message) {
    return dispatch(data, length, 0, 1, 0, out, message);
}

cic_status cic_decode(const uint8_t *data, size_t length, uint64_t max_pixels, int apply_orientation,
                      cic_image *out, char *message) {
    return cic_decode_reduced(data, length, max_pixels, apply_orientation, 0, out, message);
}

cic_status cic_decode_reduced(const uint8_t *data, size_t length, uint64_t max_pixels, int apply_orientation,
                              int32_t min_longest_side, cic_image *out, char *message) {
    cic_status status = dispatch(data, length, max_pixels, 0, min_longest_side, out, message);
    if (status != CIC_OK) return status;
    int o = out->exif_orientation;
    if (apply_orientation && o >= 2 && o <= 8) {
        size_t size = cic_rgb_size((uint64_t)out->width, (uint64_t)out->height);
        uint8_t *rotated = malloc(size);
        if (!rotated) {
            free(out->pixels);
            out->pixels = NULL;
            cic_set_message(message, "out of memory applying EXIF orientation");
            return CIC_ERR_NO_MEMORY;
        }
        cic_orient_rgb(out->pixels, out->width, out->height, o, rotated);
        free(out->pixels);
        out->pixels = rotated;
        if (o >= 5) {
            int32_t t = out->width;
            out->width = out->height;
            out->height = t;
        }
    }
    return CIC_OK;
}

void cic_free(void *pointer) { free(pointer); }

// MARK: EXIF

static uint32_t rd16(const uint8_t *p, int big) { return big ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]); }
static uint32_t rd32(const uint8_t *p, int big) {
    return big ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
               : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

int cic_exif_orientation(const uint8_t *exif, size_t n) {
    if (!exif) return 0;
    if (n >= 6 && memcmp(exif, "Exif\0\0", 6) == 0) {
        exif += 6;
        n -= 6;
    }
    if (n < 8) return 0;
    int big;
    if (exif[0] == 'I' && exif[1] == 'I') big = 0;
    else if (exif[0] == 'M' && exif[1] == 'M') big = 1;
    else return 0;
    if (rd16(exif + 2, big) != 42) return 0;
    uint32_t ifd = rd32(exif + 4, big);
    if (ifd < 8 || (uint64_t)ifd + 2 > n) return 0;
    uint32_t count = rd16(exif + ifd, big);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t entry = (uint64_t)ifd + 2 + (uint64_t)i * 12;
        if (entry + 12 > n) return 0;
        const uint8_t *e = exif + entry;
        if (rd16(e, big) != 0x0112) continue;
        uint32_t type = rd16(e + 2, big);
        uint32_t value;
        if (type == 3) value = rd16(e + 8, big);          // SHORT (the standard type)
        else if (type == 4) value = rd32(e + 8, big);     // LONG (seen in the wild)
        else if (type == 1) value = e[8];                 // BYTE
        else return 0;
        return (value >= 1 && value <= 8) ? (int)value : 0;
    }
    return 0;
}

void cic_orient_rgb(const uint8_t *src, int32_t w, int32_t h, int orientation, uint8_t *dst) {
    const size_t W = (size_t)w, H = (size_t)h;
    if (orientation < 2 || orientation > 8) {
        memcpy(dst, src, W * H * 3);
        return;
    }
    const size_t ow = orientation >= 5 ? H : W;  // output width
    const size_t oh = orientation >= 5 ? W : H;
    for (size_t y = 0; y < oh; y++) {
        uint8_t *row = dst + y * ow * 3;
        for (size_t x = 0; x < ow; x++) {
            size_t sx, sy;
            switch (orientation) {
            case 2: sx = W - 1 - x; sy = y; break;            // mirror left-right
            case 3: sx = W - 1 - x; sy = H - 1 - y; break;    // rotate 180
            case 4: sx = x; sy = H - 1 - y; break;            // mirror top-bottom
            case 5: sx = y; sy = x; break;                    // transpose
            case 6: sx = y; sy = H - 1 - x; break;            // rotate 90° clockwise
            case 7: sx = W - 1 - y; sy = H - 1 - x; break;    // transverse
            default: sx = W - 1 - y; sy = x; break;           // 8: rotate 90° counter-clockwise
            }
            const uint8_t *p = src + (sy * W + sx) * 3;
            row[x * 3 + 0] = p[0];
            row[x * 3 + 1] = p[1];
            row[x * 3 + 2] = p[2];
        }
    }
}
