#!/usr/bin/env python3
"""Write the test images under Tests/EmbeddingsTests/Fixtures/images/ (run in .venv-golden).

All sources are sample photos bundled inside the scikit-image wheel (no
network): chelsea (CC0, Stefan van der Walt), coffee (CC0, Rachel Michetti),
astronaut (NASA, public domain), rocket (SpaceX, public domain), camera (CC0,
Lav Varshney), motorcycle_left (Middlebury stereo data set, bundled with
scikit-image), hubble_deep_field (NASA, public domain). Each output is < 100 KB.
Deterministic for a given Pillow version; generate.sh only runs this when an
image is missing (or with --images), so the committed files stay stable.
"""
import io
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures", "images")


def sample(name):
    import skimage
    return Image.open(os.path.join(os.path.dirname(skimage.__file__), "data", name))


def fit(im, w, h):
    return im.resize((w, h), Image.LANCZOS)


def main():
    os.makedirs(OUT, exist_ok=True)
    made = []

    def save(im, name, **kw):
        path = os.path.join(OUT, name)
        im.save(path, **kw)
        size = os.path.getsize(path)
        assert size < 100_000, (name, size)
        made.append((name, im.size, im.mode, size))

    chelsea = sample("chelsea.png").convert("RGB")            # 451x300, a tabby cat
    coffee = sample("coffee.png").convert("RGB")              # 600x400
    astronaut = sample("astronaut.png").convert("RGB")        # 512x512
    rocket = sample("rocket.jpg").convert("RGB")              # 640x427
    camera = sample("camera.png").convert("L")                # 512x512 grayscale
    moto = sample("motorcycle_left.png").convert("RGB")       # 741x500
    hubble = sample("hubble_deep_field.jpg").convert("RGB")   # 1000x872

    # 1. plain landscape JPEG (non-square), the cat sanity image
    save(chelsea, "chelsea.jpg", quality=90)
    # 2. square JPEG
    save(fit(astronaut, 384, 384), "astronaut.jpg", quality=85)
    # 3. EXIF orientation 6: pixels stored rotated 90 deg counter-clockwise; a viewer
    #    (and exif_transpose) rotates them 90 deg clockwise back to the upright 480x320 photo
    ex = Image.Exif()
    ex[0x0112] = 6
    save(fit(coffee, 480, 320).transpose(Image.Transpose.ROTATE_90), "coffee-exif6.jpg", quality=88, exif=ex.tobytes())
    # 4. landscape JPEG
    save(fit(rocket, 480, 320), "rocket.jpg", quality=85)
    # 5. grayscale (1-channel) JPEG
    save(fit(camera, 384, 384), "camera-gray.jpg", quality=85)
    # 6. RGBA PNG: a radial alpha ramp (fully transparent corners) over intact RGB
    m = fit(moto, 222, 150)
    yy, xx = np.mgrid[0:150, 0:222]
    r = np.hypot((xx - 111) / 111.0, (yy - 75) / 75.0)
    alpha = np.clip(255 * (1.3 - r), 0, 255).astype(np.uint8)
    rgba = m.copy()
    rgba.putalpha(Image.fromarray(alpha, "L"))
    save(rgba, "motorcycle-alpha.png", optimize=True)
    # 7. lossy WebP
    save(fit(hubble, 400, 349), "hubble.webp", quality=80, method=6)
    # 8. small image (both sides < 224: upscaled by the pipeline)
    save(fit(coffee, 150, 100), "coffee-small.png", optimize=True)
    # 9. portrait (tall, non-square) JPEG: centre strip of the rocket photo
    save(fit(rocket.crop((200, 0, 456, 427)), 192, 320), "rocket-tall.jpg", quality=85)
    # 10. palette (mode P) PNG
    save(fit(chelsea, 300, 200).quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
         "chelsea-palette.png", optimize=True)
    # 11. palette PNGs with a tRNS chunk (what pngquant and GIF converters write), derived
    #     from the palette cat: 2-bit with one transparent entry, 8-bit with graded alpha
    small = Image.open(os.path.join(OUT, "chelsea-palette.png")).convert("RGB").resize((61, 41), Image.LANCZOS)
    save(small.quantize(colors=4, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
         "chelsea-palette2-trns.png", bits=2, transparency=1)
    save(small.quantize(colors=200, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE),
         "chelsea-palette8-trns.png", transparency=bytes(range(0, 250, 5)) + bytes(150))

    for name, size, mode, nbytes in made:
        print("  %-22s %4dx%-4d %-4s %6d bytes" % (name, size[0], size[1], mode, nbytes))
    print("images: %d files, %d bytes" % (len(made), sum(x[3] for x in made)))


if __name__ == "__main__":
    main()
