#!/usr/bin/env python3
"""Write the image conformance corpus under Tests/EmbeddingsTests/Fixtures/conformance/ (run in .venv-golden).

For every format and variant Quarry accepts, a small file made from a scikit-image sample
photo (see make_images.py for their licences), plus the RGB pixels Pillow gives for it:
ImageOps.exif_transpose, then Image.alpha_composite onto white when the image has
transparency, then convert("RGB") — the same pipeline as Quarry's decoder. A few broken or
refused files come with the error they must produce instead. manifest.json lists them all:

  {"file", "format", "variant", "width", "height", "pixels": "<file>.rgb"}   accepted
  {"file", "format", "variant", "error": "corrupt|unsupported|too_many_pixels|empty"}  refused

One documented difference: Pillow reads 16-bit grayscale PNGs as mode I;16 and clips them to
white in convert("RGB"); Quarry keeps the high byte, so the expected pixels here are the
high byte ("note" says so).
"""
import io
import json
import os
import struct
import zlib

import numpy as np
import png  # pypng: the only writer here for interlaced and 16-bit RGB PNGs
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures", "conformance")
WHITE = (255, 255, 255, 255)


def sample(name):
    import skimage
    return Image.open(os.path.join(os.path.dirname(skimage.__file__), "data", name))


def reference_rgb(data):
    """Pillow's pixels for an encoded image, as Quarry must decode it."""
    im = Image.open(io.BytesIO(data))
    im.seek(0)
    im = ImageOps.exif_transpose(im)
    if im.mode == "I;16" or im.mode == "I;16B":
        return Image.fromarray((np.asarray(im).astype(np.uint16) >> 8).astype(np.uint8), "L").convert("RGB")
    transparent = im.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in im.info
    if transparent:
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", im.size, WHITE), rgba).convert("RGB")
    return im.convert("RGB")


def png_bytes(rows, width, height, **kw):
    buffer = io.BytesIO()
    png.Writer(width, height, **kw).write(buffer, rows)
    return buffer.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    entries = []

    def accept(file, fmt, variant, data, note=None):
        with open(os.path.join(OUT, file), "wb") as f:
            f.write(data)
        rgb = reference_rgb(data)
        pixels = file + ".rgb"
        with open(os.path.join(OUT, pixels), "wb") as f:
            f.write(rgb.tobytes())
        entry = {"file": file, "format": fmt, "variant": variant, "width": rgb.width, "height": rgb.height,
                 "pixels": pixels}
        if note:
            entry["note"] = note
        entries.append(entry)

    def refuse(file, fmt, variant, data, error):
        with open(os.path.join(OUT, file), "wb") as f:
            f.write(data)
        entries.append({"file": file, "format": fmt, "variant": variant, "error": error})

    def encoded(im, fmt, **kw):
        buffer = io.BytesIO()
        im.save(buffer, fmt, **kw)
        return buffer.getvalue()

    cat = sample("chelsea.png").convert("RGB").resize((48, 32), Image.LANCZOS)
    coffee = sample("coffee.png").convert("RGB").resize((40, 28), Image.LANCZOS)
    gray = cat.convert("L")
    yy, xx = np.mgrid[0:32, 0:48]
    ramp = np.clip(255 * (1.2 - np.hypot((xx - 24) / 24.0, (yy - 16) / 16.0)), 0, 255).astype(np.uint8)
    alpha = Image.fromarray(ramp, "L")
    rgba = cat.copy()
    rgba.putalpha(alpha)
    palette = cat.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)

    # PNG: every colour type and bit depth, tRNS, 16-bit, interlaced, eXIf orientation.
    accept("png-rgb8.png", "png", "RGB 8-bit", encoded(cat, "PNG"))
    accept("png-rgba8.png", "png", "RGBA 8-bit", encoded(rgba, "PNG"))
    accept("png-gray8.png", "png", "gray 8-bit", encoded(gray, "PNG"))
    la = gray.copy()
    la.putalpha(alpha)
    accept("png-gray-alpha8.png", "png", "gray + alpha 8-bit", encoded(la.convert("LA"), "PNG"))
    accept("png-gray1.png", "png", "gray 1-bit", encoded(gray.convert("1"), "PNG"))
    g2 = (np.asarray(gray) >> 6).astype(np.uint8)
    accept("png-gray2.png", "png", "gray 2-bit", png_bytes(g2.tolist(), 48, 32, greyscale=True, bitdepth=2))
    g4 = (np.asarray(gray) >> 4).astype(np.uint8)
    accept("png-gray4.png", "png", "gray 4-bit", png_bytes(g4.tolist(), 48, 32, greyscale=True, bitdepth=4))
    accept("png-palette8.png", "png", "palette 8-bit", encoded(palette, "PNG"))
    for bits, colors in ((1, 2), (2, 4), (4, 16)):
        small = cat.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        accept(f"png-palette{bits}.png", "png", f"palette {bits}-bit", encoded(small, "PNG", bits=bits))
    accept("png-palette8-trns-one.png", "png", "palette 8-bit, one transparent entry",
           encoded(palette, "PNG", transparency=3))
    accept("png-palette8-trns-graded.png", "png", "palette 8-bit, graded tRNS",
           encoded(palette, "PNG", transparency=bytes(range(0, 256, 4))))
    accept("png-rgb8-trns.png", "png", "RGB 8-bit with a tRNS colour",
           encoded(cat, "PNG", transparency=cat.getpixel((0, 0))))
    rgb16 = (np.asarray(cat).astype(np.uint16) * 257 + np.arange(48)[None, :, None].astype(np.uint16))
    accept("png-rgb16.png", "png", "RGB 16-bit", png_bytes(rgb16.reshape(32, -1).tolist(), 48, 32, greyscale=False, bitdepth=16))
    rgba16 = np.concatenate([rgb16, (np.asarray(alpha).astype(np.uint16) * 257)[:, :, None]], axis=2)
    accept("png-rgba16.png", "png", "RGBA 16-bit",
           png_bytes(rgba16.reshape(32, -1).tolist(), 48, 32, greyscale=False, bitdepth=16, alpha=True))
    gray16 = np.asarray(gray).astype(np.uint16) * 257
    accept("png-gray16.png", "png", "gray 16-bit",
           png_bytes(gray16.tolist(), 48, 32, greyscale=True, bitdepth=16),
           note="Pillow clips 16-bit gray to white in convert('RGB'); the expected pixels are the high byte")
    accept("png-interlaced.png", "png", "RGB 8-bit, Adam7 interlaced",
           png_bytes(np.asarray(cat).reshape(32, -1).tolist(), 48, 32, greyscale=False, interlace=True))
    accept("png-rgba-interlaced.png", "png", "RGBA 8-bit, Adam7 interlaced",
           png_bytes(np.asarray(rgba).reshape(32, -1).tolist(), 48, 32, greyscale=False, alpha=True, interlace=True))
    exif = Image.Exif()
    exif[0x0112] = 6
    accept("png-exif6.png", "png", "eXIf orientation 6", encoded(cat.transpose(Image.Transpose.ROTATE_90), "PNG",
                                                                   exif=exif.tobytes()))

    # JPEG: baseline, progressive, gray, CMYK (Adobe), 4:4:4, every EXIF orientation.
    accept("jpeg-baseline.jpg", "jpeg", "baseline 4:2:0", encoded(cat, "JPEG", quality=90))
    accept("jpeg-progressive.jpg", "jpeg", "progressive", encoded(cat, "JPEG", quality=90, progressive=True))
    accept("jpeg-444.jpg", "jpeg", "baseline 4:4:4", encoded(cat, "JPEG", quality=90, subsampling=0))
    accept("jpeg-gray.jpg", "jpeg", "grayscale", encoded(gray, "JPEG", quality=90))
    accept("jpeg-cmyk.jpg", "jpeg", "CMYK (Adobe, inverted)", encoded(cat.convert("CMYK"), "JPEG", quality=90))
    for orientation in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        accept(f"jpeg-exif{orientation}.jpg", "jpeg", f"EXIF orientation {orientation}",
               encoded(coffee, "JPEG", quality=90, exif=exif.tobytes()))

    # WebP: lossy, lossless, alpha, animated (first frame).
    accept("webp-lossy.webp", "webp", "lossy", encoded(cat, "WEBP", quality=80))
    accept("webp-lossless.webp", "webp", "lossless", encoded(cat, "WEBP", lossless=True))
    accept("webp-lossless-alpha.webp", "webp", "lossless with alpha", encoded(rgba, "WEBP", lossless=True))
    accept("webp-lossy-alpha.webp", "webp", "lossy with alpha", encoded(rgba, "WEBP", quality=80))
    accept("webp-animated.webp", "webp", "animated, 3 frames (first frame)",
           encoded(cat, "WEBP", lossless=True, save_all=True, duration=100,
                   append_images=[cat.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gray.convert("RGB")]))

    # GIF: static, transparent, interlaced, animated (first frame).
    accept("gif-static.gif", "gif", "static", encoded(palette, "GIF", interlace=False))
    accept("gif-interlaced.gif", "gif", "interlaced", encoded(palette, "GIF", interlace=True))
    accept("gif-transparent.gif", "gif", "transparent index", encoded(palette, "GIF", transparency=3))
    accept("gif-animated.gif", "gif", "animated, 3 frames (first frame)",
           encoded(palette, "GIF", save_all=True, duration=100,
                   append_images=[palette.transpose(Image.Transpose.FLIP_LEFT_RIGHT), palette.rotate(180)]))

    # BMP: 24-bit, 8-bit palette, 1-bit.
    accept("bmp-rgb24.bmp", "bmp", "24-bit", encoded(cat, "BMP"))
    accept("bmp-palette8.bmp", "bmp", "8-bit palette", encoded(palette, "BMP"))
    accept("bmp-1bit.bmp", "bmp", "1-bit", encoded(gray.convert("1"), "BMP"))

    # TIFF: uncompressed, LZW, Deflate, JPEG-in-TIFF, RGBA, gray, 16-bit gray, CMYK, palette, multi-page.
    accept("tiff-rgb.tif", "tiff", "RGB, uncompressed", encoded(cat, "TIFF"))
    accept("tiff-lzw.tif", "tiff", "RGB, LZW", encoded(cat, "TIFF", compression="tiff_lzw"))
    accept("tiff-deflate.tif", "tiff", "RGB, Deflate", encoded(cat, "TIFF", compression="tiff_adobe_deflate"))
    accept("tiff-rgba.tif", "tiff", "RGBA (associated alpha: no; unassociated)", encoded(rgba, "TIFF"))
    accept("tiff-gray.tif", "tiff", "gray 8-bit", encoded(gray, "TIFF"))
    accept("tiff-cmyk.tif", "tiff", "CMYK", encoded(cat.convert("CMYK"), "TIFF"))
    accept("tiff-palette.tif", "tiff", "palette", encoded(palette, "TIFF"))
    accept("tiff-multipage.tif", "tiff", "3 pages (first page)",
           encoded(cat.copy(), "TIFF", save_all=True, append_images=[coffee.copy(), cat.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]))

    # Broken and refused inputs.
    jpeg = encoded(cat, "JPEG", quality=90)
    refuse("broken-truncated.jpg", "jpeg", "truncated at half", jpeg[: len(jpeg) // 2], "corrupt")
    png_data = encoded(cat, "PNG")
    refuse("broken-truncated.png", "png", "truncated at half", png_data[: len(png_data) // 2], "corrupt")
    refuse("broken-header-only.png", "png", "signature and IHDR only", png_data[:33], "corrupt")
    gif = encoded(palette, "GIF")
    refuse("broken-truncated.gif", "gif", "truncated after the header", gif[:40], "corrupt")
    refuse("broken-text.png", "unknown", "plain text", b"this is not an image\n", "unsupported")
    refuse("broken-empty.jpg", "unknown", "zero bytes", b"", "empty")
    refuse("broken-heif.heic", "heif", "HEIF brand only", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "unsupported")
    # A 100,000 × 100,000 PNG: a valid header, then nothing — refused from the header.
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    refuse("bomb-header.png", "png", "100,000 x 100,000 header", b"\x89PNG\r\n\x1a\n" + chunk, "too_many_pixels")

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "scripts/golden/make_conformance.py", "pillow": Image.__version__,
                   "background": "#ffffff", "entries": entries}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"conformance: {len(entries)} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
