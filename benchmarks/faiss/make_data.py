#!/usr/bin/env python3
"""Deterministic synthetic benchmark data for benchmarks/faiss (numpy only).

Writes, into the output directory (default: benchmarks/faiss/data/):

  base.f32          100,000 x 384 float32 unit vectors
  queries.f32         1,000 x 384 float32 unit vectors (drawn like the base,
                                  never copies of base vectors)
  groundtruth.i64     1,000 x 10  int64 exact top-10 ids by inner product
                                  (best first; id = row number in base.f32)
  meta.json           how the files were made (seed, parameters, checksums)

File format (shared with the Swift benchmark; all little-endian):
  *.f32: uint32 count, uint32 dimension, then count*dimension float32, row-major
  *.i64: uint32 count, uint32 k,         then count*k         int64,   row-major

How the vectors are made ("clustered like real embeddings"): 25 random topic
directions; 40 cluster centres around each topic (1,000 in all), close enough
that a topic's clusters overlap into one continuous region that IVF's k-means
has to cut into many cells; Zipf-like cluster sizes; each topic has its own
16-dimensional subspace along which its points vary most (anisotropic, low
intrinsic dimension), plus isotropic noise in all 384 dimensions. Every vector
is L2-normalised. The knobs were tuned (with faiss-cpu 1.15.1, defaults of
index_factory) so that the benchmark's parameters span the useful range:
HNSW32 efSearch 64 and IVF1024 nprobe 16-32 reach recall@10 of about 0.95.

Determinism: numpy's Generator(PCG64) with a fixed seed, one child stream per
purpose (SeedSequence.spawn). The brute-force ground truth is computed in
float64 on the float32 vectors written to disk.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

SEED = 20241125
N_BASE = 100_000
N_QUERIES = 1_000
DIM = 384
K = 10

# Shape of the distribution (tuned; see the module docstring).
N_TOPICS = 25
CLUSTERS_PER_TOPIC = 40    # 1,000 cluster centres in all
CLUSTER_SPREAD = 0.3       # distance of a cluster centre from its topic
ZIPF_EXPONENT = 0.5        # cluster weight ~ 1 / rank**s  (0 = equal sizes)
SUBSPACE_RANK = 16         # per-topic low-rank directions
SUBSPACE_SCALE = 0.5       # norm of the low-rank part (expected)
ISO_SCALE = 1.0            # norm of the isotropic noise (expected)


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


class Model:
    """Topics -> clusters -> points.

    n_topics random topic directions; each topic has clusters_per_topic
    cluster centres scattered around it (cluster_spread), so clusters of one
    topic overlap into a continuum that k-means must cut; each topic has its own
    low-rank subspace along which its points vary most (anisotropic, low
    intrinsic dimension), plus isotropic noise in all dimensions.
    """

    def __init__(self, rng: np.random.Generator, p: dict):
        self.p = p
        d, t, r = p["dim"], p["n_topics"], p["subspace_rank"]
        c = t * p["clusters_per_topic"]
        topics = _unit(rng.standard_normal((t, d)))
        self.topic_of = np.repeat(np.arange(t), p["clusters_per_topic"])
        own = _unit(rng.standard_normal((c, d)))
        self.centres = _unit(topics[self.topic_of] + p["cluster_spread"] * own)
        # Orthonormal basis (d x r) per topic, stored as (t, r, d).
        self.bases = np.empty((t, r, d), dtype=np.float64)
        for i in range(t):
            q, _ = np.linalg.qr(rng.standard_normal((d, r)))
            self.bases[i] = q.T
        # Spread along the subspace's axes decays like 1/sqrt(i), total norm 1.
        self.axis_scale = 1.0 / np.sqrt(np.arange(1, r + 1))
        self.axis_scale /= np.linalg.norm(self.axis_scale)
        w = 1.0 / np.arange(1, c + 1) ** p["zipf_exponent"]
        self.weights = rng.permutation(w / w.sum())

    def sample(self, rng: np.random.Generator, n: int, chunk: int = 10_000) -> np.ndarray:
        p = self.p
        d, r = p["dim"], p["subspace_rank"]
        out = np.empty((n, d), dtype=np.float32)
        labels = rng.choice(len(self.weights), size=n, p=self.weights)
        for s in range(0, n, chunk):
            lab = labels[s:s + chunk]
            m = len(lab)
            coef = rng.standard_normal((m, r)) * (self.axis_scale * p["subspace_scale"])
            low = np.einsum("mr,mrd->md", coef, self.bases[self.topic_of[lab]])
            iso = rng.standard_normal((m, d)) * (p["iso_scale"] / np.sqrt(d))
            out[s:s + m] = _unit(self.centres[lab] + low + iso).astype(np.float32)
        return out


def exact_topk(base: np.ndarray, queries: np.ndarray, k: int, chunk: int = 20_000) -> np.ndarray:
    """Exact top-k by inner product (float64), ties broken by lower id."""
    nq = len(queries)
    q64 = queries.astype(np.float64)
    best_s = np.full((nq, 0), -np.inf)
    best_i = np.zeros((nq, 0), dtype=np.int64)
    for s in range(0, len(base), chunk):
        scores = q64 @ base[s:s + chunk].astype(np.float64).T
        kk = min(k, scores.shape[1])
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        best_s = np.concatenate([best_s, np.take_along_axis(scores, part, 1)], axis=1)
        best_i = np.concatenate([best_i, part + s], axis=1)
        order = np.lexsort((best_i, -best_s), axis=1)[:, :k]
        best_s = np.take_along_axis(best_s, order, 1)
        best_i = np.take_along_axis(best_i, order, 1)
    return best_i


def write_matrix(path: str, a: np.ndarray, dtype: str) -> None:
    """Atomically write uint32 rows, uint32 cols, then little-endian data."""
    a = np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<"))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(np.array(a.shape, dtype="<u4").tobytes())
        f.write(a.tobytes())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_matrix(path: str, dtype: str) -> np.ndarray:
    with open(path, "rb") as f:
        n, d = np.frombuffer(f.read(8), dtype="<u4")
        a = np.frombuffer(f.read(), dtype=np.dtype(dtype).newbyteorder("<"))
    if a.size != int(n) * int(d):
        raise ValueError(f"{path}: header says {n}x{d}, file has {a.size} values")
    return a.reshape(int(n), int(d))


def params(args) -> dict:
    return {
        "seed": args.seed, "n_base": args.n_base, "n_queries": args.n_queries,
        "dim": args.dim, "k": K, "n_topics": args.n_topics,
        "clusters_per_topic": args.clusters_per_topic, "cluster_spread": args.spread,
        "zipf_exponent": args.zipf, "subspace_rank": args.rank,
        "subspace_scale": args.sub, "iso_scale": args.iso,
    }


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=os.path.join(here, "data"))
    ap.add_argument("--force", action="store_true", help="rewrite even if the files exist")
    # Knobs for experiments; the defaults are the benchmark's data set.
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--n-base", type=int, default=N_BASE)
    ap.add_argument("--n-queries", type=int, default=N_QUERIES)
    ap.add_argument("--dim", type=int, default=DIM)
    ap.add_argument("--n-topics", type=int, default=N_TOPICS)
    ap.add_argument("--clusters-per-topic", type=int, default=CLUSTERS_PER_TOPIC)
    ap.add_argument("--spread", type=float, default=CLUSTER_SPREAD)
    ap.add_argument("--zipf", type=float, default=ZIPF_EXPONENT)
    ap.add_argument("--rank", type=int, default=SUBSPACE_RANK)
    ap.add_argument("--sub", type=float, default=SUBSPACE_SCALE)
    ap.add_argument("--iso", type=float, default=ISO_SCALE)
    args = ap.parse_args(argv)

    p = params(args)
    files = {n: os.path.join(args.outdir, n)
             for n in ("base.f32", "queries.f32", "groundtruth.i64", "meta.json")}
    if not args.force and os.path.exists(files["meta.json"]):
        with open(files["meta.json"]) as f:
            if json.load(f).get("params") == p and all(os.path.exists(v) for v in files.values()):
                print(f"make_data: {args.outdir} is up to date", file=sys.stderr)
                return 0
    os.makedirs(args.outdir, exist_ok=True)

    t0 = time.perf_counter()
    ss_model, ss_base, ss_queries = np.random.SeedSequence(args.seed).spawn(3)
    model = Model(np.random.Generator(np.random.PCG64(ss_model)), p)
    base = model.sample(np.random.Generator(np.random.PCG64(ss_base)), args.n_base)
    queries = model.sample(np.random.Generator(np.random.PCG64(ss_queries)), args.n_queries)
    gt = exact_topk(base, queries, K)
    # meta.json goes last: its presence marks a complete data set.
    if os.path.exists(files["meta.json"]):
        os.remove(files["meta.json"])
    write_matrix(files["base.f32"], base, "f4")
    write_matrix(files["queries.f32"], queries, "f4")
    write_matrix(files["groundtruth.i64"], gt, "i8")
    sha = {}
    for n in ("base.f32", "queries.f32", "groundtruth.i64"):
        with open(files[n], "rb") as f:
            sha[n] = hashlib.sha256(f.read()).hexdigest()
    q64 = queries.astype(np.float64)
    top1 = np.einsum("qd,qd->q", q64, base[gt[:, 0]].astype(np.float64))
    if top1.max() > 1.0 - 1e-6:
        raise SystemExit("make_data: a query coincides with a base vector")
    top10 = np.einsum("qd,qd->q", q64, base[gt[:, -1]].astype(np.float64))
    stats = {"mean_top1_ip": float(top1.mean()), "mean_top10_ip": float(top10.mean()),
             "seconds": round(time.perf_counter() - t0, 2)}
    meta = {"params": p, "sha256": sha, "stats": stats, "numpy": np.__version__}
    tmp = files["meta.json"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    os.replace(tmp, files["meta.json"])
    print(f"make_data: wrote {args.outdir} in {stats['seconds']} s "
          f"(mean IP top-1 {stats['mean_top1_ip']:.3f}, top-10 {stats['mean_top10_ip']:.3f})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
