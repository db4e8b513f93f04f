#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
/// Image decoding (JPEG, PNG, WebP, GIF, BMP, TIFF) into 8-bit RGB and encoding (JPEG, PNG)
/// through libvips, EXIF orientation, Pillow-compatible resampling, and a convolution kernel.
///
/// Every function is re-entrant and may be called from many threads at once; libvips is
/// started on first use. Errors come back as a status plus a message.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Container formats recognised by their magic bytes.
typedef enum {
    CIC_FORMAT_UNKNOWN = 0,
    CIC_FORMAT_JPEG = 1,
    CIC_FORMAT_PNG = 2,
    CIC_FORMAT_WEBP = 3,
    CIC_FORMAT_GIF = 4,
    CIC_FORMAT_BMP = 5,
    CIC_FORMAT_TIFF = 6,
    CIC_FORMAT_HEIF = 7,
} cic_format;

/// Result of a call.
typedef enum {
    CIC_OK = 0,
    /// Not one of the decoded formats (e.g. HEIF, or no image at all).
    CIC_ERR_UNSUPPORTED = 1,
    /// Truncated or corrupt data; the message says what the codec reported.
    CIC_ERR_CORRUPT = 2,
    /// width × height exceeds the caller's limit; width and height are filled in.
    CIC_ERR_TOO_MANY_PIXELS = 3,
    /// Zero-length input.
    CIC_ERR_EMPTY = 4,
    /// Memory allocation failed.
    CIC_ERR_NO_MEMORY = 5,
    /// Invalid argument (e.g. zero size).
    CIC_ERR_ARGUMENT = 6,
    /// The longer side is more than the caller's ratio times the shorter (or a side is 0);
    /// width and height are filled in.
    CIC_ERR_EXTREME_ASPECT_RATIO = 7,
} cic_status;

/// Length of the message buffers passed to these functions.
#define CIC_MESSAGE_LENGTH 256

/// Detects the container format from the first bytes.
cic_format cic_sniff(const uint8_t *data, size_t length);

/// A decoded image: tightly packed 8-bit RGB rows, top to bottom.
typedef struct {
    /// Pixels (width × height × 3 bytes); release with cic_free.
    uint8_t *pixels;
    int32_t width;
    int32_t height;
    /// The format that was decoded.
    int32_t format;
    /// EXIF orientation found in the file (1…8; 1 when absent or invalid).
    int32_t exif_orientation;
    /// Bands in the source as libvips reads it (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA or CMYK).
    int32_t source_channels;
    /// The image was decoded at 1/reduction of its size on each side (1: full size).
    int32_t reduction;
} cic_image;

/// How cic_decode treats an image.
typedef struct {
    /// Largest accepted width × height (0: no limit), checked from the header before decoding.
    uint64_t max_pixels;
    /// Largest accepted ratio of the longer side to the shorter (0: no limit), checked from the header.
    int32_t max_aspect_ratio;
    /// Images with more pixels are decoded reduced, by the smallest whole factor that brings
    /// them under it (0: always full size): in the DCT for JPEG, by libwebp for WebP, by a
    /// box filter while streaming for the rest, so memory stays bounded.
    uint64_t max_decoded_pixels;
    /// When > 0, JPEG and WebP may be decoded at 1/2, 1/4 or 1/8 of their size as long as the
    /// longest side stays at least this long (fast thumbnails).
    int32_t min_longest_side;
    /// Non-zero: the EXIF orientation is applied, so width and height are the displayed ones.
    int32_t apply_orientation;
    /// Transparent pixels are composited onto this RGB colour, as Pillow's
    /// Image.alpha_composite onto an opaque background does.
    uint8_t background[3];
} cic_decode_options;

/// Decodes a JPEG, PNG, WebP (first frame), GIF (first frame), BMP or TIFF (first page)
/// memory buffer into 8-bit RGB through libvips, like Pillow's
/// exif_transpose(img) composited onto the background and converted to RGB: grayscale is
/// replicated, palettes expanded, 16-bit samples keep their high byte, CMYK is converted with
/// Pillow's formula and other colour spaces go through libvips' sRGB conversion.
///
/// Truncated data is an error. On success out->pixels must be released with cic_free. On
/// failure out->pixels is NULL and message (CIC_MESSAGE_LENGTH bytes) holds a NUL-terminated
/// explanation; for CIC_ERR_TOO_MANY_PIXELS out->width/height hold the stored size.
cic_status cic_decode(const uint8_t *data, size_t length, const cic_decode_options *options, cic_image *out,
                      char *message);

/// Reads only the header: format, stored width/height (before orientation), EXIF orientation.
cic_status cic_probe(const uint8_t *data, size_t length, cic_image *out, char *message);

/// Releases memory returned by this library.
void cic_free(void *pointer);

/// Applies an EXIF orientation (1…8) to packed RGB: dst must hold width × height × 3 bytes;
/// for orientations 5…8 the result is height wide and width tall.
void cic_orient_rgb(const uint8_t *src, int32_t width, int32_t height, int orientation, uint8_t *dst);

/// Order of the two separable passes when both dimensions change. Each pass rounds to
/// 8 bits, so the order changes results by ±1 here and there.
typedef enum {
    /// Pillow ≥ 13: vertical first when the height loses more than twice as many rows
    /// as the width loses columns, otherwise horizontal first.
    CIC_PASS_ORDER_PILLOW = 0,
    /// Pillow < 13: always horizontal first.
    CIC_PASS_ORDER_HORIZONTAL_FIRST = 1,
    CIC_PASS_ORDER_VERTICAL_FIRST = 2,
} cic_pass_order;

/// Resamples packed RGB like Pillow's Image.resize(size, BILINEAR) with antialiasing:
/// separable passes with a triangle filter whose support is scaled by the downscale
/// factor, normalised coefficients in fixed point (22 fractional bits), and
/// rounding/clamping to 8 bits after each pass. Bit-exact with Pillow 13 for
/// CIC_PASS_ORDER_PILLOW.
/// Returns CIC_OK, CIC_ERR_ARGUMENT (bad size) or CIC_ERR_NO_MEMORY.
cic_status cic_resize_bilinear_rgb(const uint8_t *src, int32_t src_width, int32_t src_height,
                                   uint8_t *dst, int32_t dst_width, int32_t dst_height, cic_pass_order order);

/// The `width` × `height` window at (`left`, `top`) of what cic_resize_bilinear_rgb makes at
/// `dst_width` × `dst_height`, pixel for pixel, computing only what the window needs; windows
/// of one resize may be computed on different threads.
/// Returns CIC_OK, CIC_ERR_ARGUMENT (bad size, or a window outside the image) or CIC_ERR_NO_MEMORY.
cic_status cic_resize_bilinear_rgb_window(const uint8_t *src, int32_t src_width, int32_t src_height, int32_t dst_width,
                                          int32_t dst_height, int32_t left, int32_t top, int32_t width, int32_t height,
                                          uint8_t *dst, cic_pass_order order);

/// Encodes packed RGB as baseline JPEG (quality 1…100, 4:2:0) into a buffer released with cic_free.
cic_status cic_encode_jpeg(const uint8_t *rgb, int32_t width, int32_t height, int quality,
                           uint8_t **out, size_t *out_length, char *message);

/// Encodes packed RGB as an 8-bit PNG (zlib level 6) into a buffer released with cic_free.
cic_status cic_encode_png(const uint8_t *rgb, int32_t width, int32_t height,
                          uint8_t **out, size_t *out_length, char *message);

// MARK: Convolution kernel for image networks

/// Depthwise k×k convolution over an NHWC feature map (height × width × channels, channels
/// contiguous) with per-channel weights laid out k × k × channels, a per-channel bias added
/// first and, when relu6 is non-zero, the result clamped to [0, 6]. Padding is given
/// explicitly (taps outside the input count as zero); the output is
/// out_height × out_width × channels, of which only rows [row_begin, row_end) are computed
/// (so that callers can split the work between threads; pass 0, out_height for all).
/// Uses AVX-512F, AVX2+FMA or portable C, chosen at run time. Reentrant.
void cic_depthwise_conv_nhwc(const float *input, int32_t height, int32_t width, int32_t channels,
                             const float *weight, const float *bias, int32_t kernel, int32_t stride,
                             int32_t pad_top, int32_t pad_left, float *output, int32_t out_height,
                             int32_t out_width, int relu6, int32_t row_begin, int32_t row_end);

/// The instruction set cic_depthwise_conv_nhwc uses on this CPU ("avx512f", "avx2+fma", "scalar").
const char *cic_depthwise_isa(void);

#ifdef __cplusplus
}
#endif
#endif
