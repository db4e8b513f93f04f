#!/usr/bin/env python3
"""Write N Fashion-MNIST images as PNG files plus a metadata CSV, and Q more as queries, for
benchmarks/images/run.sh.

    make_data.py --images N --queries Q --out DIR [--source /usr/share/datasets/fashion-mnist]

Reads Debian's dataset-fashion-mnist (gzipped IDX files), the 10,000 test images first, then the
training images. Writes the first N as DIR/images/NNNNN.png (28 × 28 greyscale) with DIR/metadata.csv
(columns path, relative to DIR/images, category and a simulated price: seeded, per-category range),
the next Q as DIR/queries/NNNNN.png (pictures no collection holds, as users upload), then
DIR/complete as a marker: a folder that has it is left as it is.
"""
import argparse
import csv
import gzip
import os

import numpy as np
from PIL import Image

CATEGORIES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
              "Ankle boot"]
PRICE_RANGES = [(39, 129), (79, 299), (99, 399), (129, 599), (299, 1299), (59, 299), (69, 259), (199, 899),
                (99, 1999), (249, 1199)]  # yuan, by label (the ranges of `quarry import fashion-mnist`)


def read_idx(path):
    """The items of a gzipped IDX file as a uint8 array (first dimension = items)."""
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, required=True)
    ap.add_argument("--queries", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    a = ap.parse_args()
    if os.path.exists(os.path.join(a.out, "complete")):
        return
    images, labels = [], []
    for split in ("t10k", "train"):
        images.append(read_idx(os.path.join(a.source, split + "-images-idx3-ubyte.gz")))
        labels.append(read_idx(os.path.join(a.source, split + "-labels-idx1-ubyte.gz")))
    images, labels = np.concatenate(images), np.concatenate(labels)
    if len(images) < a.images + a.queries:
        raise SystemExit("make_data: Fashion-MNIST has only %d images" % len(images))

    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "queries"), exist_ok=True)
    for i in range(a.images, a.images + a.queries):
        Image.fromarray(images[i], "L").save(os.path.join(a.out, "queries", "%05d.png" % i))
    rng = np.random.default_rng(7)
    with open(os.path.join(a.out, "metadata.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["path", "category", "price"])
        for i, (pixels, label) in enumerate(zip(images[:a.images], labels[:a.images])):
            name = "%05d.png" % i
            Image.fromarray(pixels, "L").save(os.path.join(a.out, "images", name))
            low, high = PRICE_RANGES[label]
            out.writerow([name, CATEGORIES[label], "%.2f" % (np.floor(rng.uniform(low, high)) + 0.99)])
    open(os.path.join(a.out, "complete"), "w").close()


if __name__ == "__main__":
    main()
