#!/usr/bin/env python3
"""EfficientNet-Lite0 images/s of the PyTorch reference (run in .venv-golden).

The network and the preprocessing are the reference's own, imported from
scripts/golden/golden_efficientnet.py (the forward pass that produced the golden
fixtures): F.conv2d / F.batch_norm in eval mode, NCHW float32, torch.no_grad().
Cases and output format (JSON lines) match image-bench (Sources/main.swift).

    bench_torch.py [--quick]
"""
import json
import os
import sys
import threading
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "golden"))

import golden_efficientnet as ref  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

QUICK = "--quick" in sys.argv
SECONDS = 0.5 if QUICK else 3.0
RUNS = 3 if QUICK else 10


def measure(body):
    body()
    times = []
    start = time.perf_counter()
    while len(times) < RUNS or time.perf_counter() - start < SECONDS:
        t = time.perf_counter()
        body()
        times.append(time.perf_counter() - t)
    return times


def report(case, batch, threads, times, **extra):
    s = sorted(times)
    median = s[len(s) // 2]
    p95 = s[min(len(s) - 1, int(len(s) * 0.95))]
    row = {"impl": "pytorch", "case": case, "batch": batch, "threads": threads, "runs": len(times),
           "ms_median": round(median * 1000, 3), "ms_p95": round(p95 * 1000, 3),
           "images_per_s": round(batch / median, 2)}
    row.update(extra)
    print(json.dumps(row), flush=True)


def preprocess(path):
    """The reference preprocessing (ref.preprocess) without its self-check against the
    pure-Python resampler, which would dominate the timing."""
    im = ref.load_rgb(path)
    nw, nh = ref.resized_size(*im.size)
    r = np.asarray(im.resize((nw, nh), ref.Image.BILINEAR))
    left, top = (nw - ref.CROP) // 2, (nh - ref.CROP) // 2
    crop = r[top:top + ref.CROP, left:left + ref.CROP, :]
    return (crop.astype(np.float32) - np.float32(127.0)) / np.float32(128.0)


def main():
    net = ref.Lite0(load_file(ref.WEIGHTS))
    names = sorted(f for f in os.listdir(ref.IMAGES) if not f.startswith("."))
    paths = [os.path.join(ref.IMAGES, n) for n in names]
    tensors = [torch.from_numpy(preprocess(p)).permute(2, 0, 1).contiguous() for p in paths]
    assert all(np.array_equal(preprocess(p), ref.preprocess(p)[0]) for p in paths)

    def inputs(n):
        return torch.stack([tensors[i % len(tensors)] for i in range(n)])

    version = {"torch": torch.__version__}
    with torch.no_grad():
        for batch, threads in [(1, 1), (1, 2), (8, 1), (8, 2), (32, 1), (32, 2)]:
            torch.set_num_threads(threads)
            x = inputs(batch)
            report("network", batch, threads, measure(lambda: net.features(x)), **version)

        # Two concurrent single-image streams with one intra-op thread each.
        torch.set_num_threads(1)
        x = inputs(1)
        per_stream = 8 if QUICK else 40

        def stream():
            for _ in range(per_stream):
                net.features(x)

        def two_streams():
            ts = [threading.Thread(target=stream) for _ in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        report("network 2 streams", 2 * per_stream, 2, measure(two_streams), **version)

        for threads in (1, 2):
            torch.set_num_threads(threads)
            i = [0]

            def end_to_end():
                x = preprocess(paths[i[0] % len(paths)])
                net.features(torch.from_numpy(x).permute(2, 0, 1).unsqueeze(0).contiguous())
                i[0] += 1

            report("end-to-end", 1, threads, measure(end_to_end), **version)

    j = [0]

    def prep():
        preprocess(paths[j[0] % len(paths)])
        j[0] += 1

    report("decode+preprocess", 1, 1, measure(prep), **version)


if __name__ == "__main__":
    main()
