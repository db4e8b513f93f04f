// Format sniffing and EXIF orientation.
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
