#!/usr/bin/env python3
"""Reference image search for benchmarks/images: what a Python developer would write with PyTorch
EfficientNet-Lite0, faiss-cpu and SQLite. Run in the image venv (setup-venv.sh image).

    images.py import --folder DIR --metadata CSV --out DIR [--batch B] [--threads T]
    images.py query --folder DIR --out DIR --queries FILE [--top-k K] [--warm-up W] [--threads T]

import: every image named in the metadata CSV (columns path, category, price; path relative to
  DIR) is decoded and preprocessed with Pillow, embedded in batches of B by the PyTorch forward
  pass of scripts/golden/golden_efficientnet.py (the weights Quarry converts, from
  models/efficientnet-lite0), L2-normalised and indexed as Quarry would for that many images:
  IndexFlatIP below 10,000 images, else an IndexIVFFlat with Quarry's nlist rule (about 4·√N,
  at least 39 training vectors per list), trained on all of them. Writes
  OUT/index.faiss and OUT/store.sqlite (id = FAISS id, path, category, price).
  Prints {"images": N, "factory": "..."}.
query: for each image named in FILE (one path per line, relative to DIR): decode, preprocess,
  embed, search the top K (an IVF index with nprobe nlist / 8, Quarry's default before
  `quarry tune`), read the hits' metadata from SQLite, timed together, one at a time;
  the first W queries run once before, untimed. Prints {"queries", "p50_ms", "p95_ms", "mean_ms"}.

The preprocessing is the reference's (shorter side to 256 with Pillow's bilinear resize, centre
crop 224, (x - 127) / 128), imported from benchmarks/embeddings/image/bench_torch.py. Unlike
Quarry, each stored image is embedded once (Quarry averages the whole image and a 90% centre crop).
"""
import argparse
import csv
import json
import math
import os
import sqlite3
import sys

import faiss
import numpy as np
import torch
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "embeddings", "image"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "lib"))

from bench_torch import preprocess  # noqa: E402  (it also puts scripts/golden on sys.path)
import golden_efficientnet as ref  # noqa: E402
from timing import time_queries  # noqa: E402

FLAT_LIMIT = 10_000  # Quarry's ImageCollection.flatLimit
MIN_TRAINING_PER_LIST = 39  # Quarry's ImageCollection.minimumTrainingPerList


def nlist_for(count):
    """Quarry's ImageCollection.nlist(forCount:)."""
    return max(1, min(round(4 * math.sqrt(count)), count // MIN_TRAINING_PER_LIST, 65_536))


def embed(net, paths):
    """L2-normalised features of the images at `paths`, one row each (float32)."""
    x = torch.stack([torch.from_numpy(preprocess(p)).permute(2, 0, 1) for p in paths])
    with torch.no_grad():
        features = net.features(x).numpy()
    return features / np.linalg.norm(features, axis=1, keepdims=True)


def import_images(a, net):
    with open(a.metadata, newline="") as f:
        rows = list(csv.DictReader(f))
    vectors = np.concatenate([
        embed(net, [os.path.join(a.folder, row["path"]) for row in rows[start:start + a.batch]])
        for start in range(0, len(rows), a.batch)])
    if len(rows) < FLAT_LIMIT:
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:
        nlist = nlist_for(len(rows))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], nlist,
                                   faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    index.add(vectors)

    os.makedirs(a.out, exist_ok=True)
    faiss.write_index(index, os.path.join(a.out, "index.faiss"))
    with sqlite3.connect(os.path.join(a.out, "store.sqlite")) as db:
        db.execute("CREATE TABLE images (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
                   " category TEXT NOT NULL, price REAL)")
        db.executemany("INSERT INTO images VALUES (?, ?, ?, ?)",
                       [(i, row["path"], row["category"], float(row["price"])) for i, row in enumerate(rows)])
    factory = "Flat" if len(rows) < FLAT_LIMIT else "IVF%d,Flat" % index.nlist
    print(json.dumps({"images": len(rows), "factory": factory}))


def query_images(a, net):
    index = faiss.read_index(os.path.join(a.out, "index.faiss"))
    if isinstance(index, faiss.IndexIVF):
        index.nprobe = max(1, index.nlist // 8)  # Quarry's fallbackNprobe (not stored in the file)
    db = sqlite3.connect(os.path.join(a.out, "store.sqlite"))
    with open(a.queries) as f:
        paths = [os.path.join(a.folder, line.strip()) for line in f if line.strip()]

    def search(path):
        scores, ids = index.search(embed(net, [path]), a.top_k)
        hits = [int(i) for i in ids[0] if i >= 0]
        marks = ",".join("?" * len(hits))
        return db.execute("SELECT id, path, category, price FROM images WHERE id IN (%s)" % marks, hits).fetchall()

    print(json.dumps(time_queries(search, paths, a.warm_up)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--metadata", required=True)
    imp.add_argument("--batch", type=int, default=32)
    qry = sub.add_parser("query")
    qry.add_argument("--queries", required=True)
    qry.add_argument("--top-k", type=int, default=10)
    qry.add_argument("--warm-up", type=int, default=5)
    for p in (imp, qry):
        p.add_argument("--folder", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's, one per core)")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    net = ref.Lite0(load_file(ref.WEIGHTS))
    (import_images if a.command == "import" else query_images)(a, net)


if __name__ == "__main__":
    main()
