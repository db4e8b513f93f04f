#!/usr/bin/env python3
"""faiss-cpu side of the FAISS benchmark (the Swift side is `faiss-bench`).

Reads the data written by make_data.py and prints one JSON object per line on
stdout, one line per (index, param):

  {"impl": "faiss-cpu 1.15.1", "index": "HNSW32,Flat", "param": "efSearch=64",
   "build_s": 12.3, "qps_single": 4567.8, "qps_batch": 12345.6, "recall10": 0.957}

What is measured (the Swift benchmark does the same operations):
  index     for each FAISS factory string F in Flat, HNSW32,Flat, IVF1024,Flat:
            index_factory(d, "IDMap2," + F, METRIC_INNER_PRODUCT), ids 0..N-1.
  build_s   seconds for train + add_with_ids of the 100,000 base vectors, with
            FAISS/OpenMP threads = 2 (all cores). Measured once per index (an
            HNSW build is too slow to repeat); repeated on each of its lines.
  param     "efSearch=V" (HNSW: 16, 32, 64, 128), "nprobe=V" (IVF: 8, 16, 32,
            64), "" for Flat. Set on the inner index (hnsw.efSearch / nprobe)
            before searching, as Quarry's shim does for IndexIDMap2.
  qps_single  the 1,000 queries one at a time (k = 10), FAISS threads = 1:
            1000 / seconds of the pass.
  qps_batch   the 1,000 queries in one search call (k = 10), FAISS threads = 2.
  recall10  mean over the queries of |returned top-10 ∩ true top-10| / 10,
            from the batched search (the single-query results are checked to
            give the same recall up to ties).

Timing: time.perf_counter around the search calls only (queries are prepared
beforehand), after one short untimed warm-up. Each QPS figure is the BEST of
--repeats passes (default 3, as faiss-bench does): on a shared 2-core machine,
interference only ever slows a pass down, so the fastest pass is the most
reproducible estimate. --budget S stops repeating a measurement once its passes
have taken S seconds (default: no limit). Diagnostics go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep benchmarks/faiss/ free of __pycache__
sys.path.insert(0, HERE)
from make_data import read_matrix  # noqa: E402  (same directory)

import faiss  # noqa: E402

K = 10
BUILD_THREADS = 2
BATCH_THREADS = 2
SINGLE_THREADS = 1

# (factory string, parameter name, values); the order is the output order.
CONFIGS = [
    ("Flat", None, [None]),
    ("HNSW32,Flat", "efSearch", [16, 32, 64, 128]),
    ("IVF1024,Flat", "nprobe", [8, 16, 32, 64]),
]


def log(*a) -> None:
    print("bench_faiss:", *a, file=sys.stderr, flush=True)


def recall_at_k(ids: np.ndarray, gt: np.ndarray, k: int = K) -> float:
    hits = 0
    for got, want in zip(ids[:, :k], gt[:, :k]):
        hits += len(set(got.tolist()) & set(want.tolist()))
    return hits / (len(gt) * k)


def best_of(fn, repeats: int, budget_s: float) -> float:
    """Run fn() (which returns its own elapsed seconds) `repeats` times, or
    fewer once `budget_s` seconds have been spent (at least once); return the
    fastest pass's seconds."""
    times = []
    while len(times) < repeats:
        times.append(fn())
        if sum(times) >= budget_s:
            break
    return min(times)


def set_param(index, name, value) -> None:
    """Set efSearch / nprobe on the index inside the IDMap2 wrapper."""
    inner = faiss.downcast_index(index.index)
    if name == "efSearch":
        inner.hnsw.efSearch = value
    elif name == "nprobe":
        inner.nprobe = value


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datadir", nargs="?", default=os.path.join(HERE, "data"))
    ap.add_argument("--repeats", type=int, default=3,
                    help="passes per QPS measurement, the best is kept (default 3)")
    ap.add_argument("--budget", type=float, default=float("inf"),
                    help="stop repeating a measurement after this many seconds (default: no limit)")
    ap.add_argument("--index", action="append", metavar="FACTORY",
                    help="run only this factory string (repeatable), e.g. --index HNSW32,Flat")
    args = ap.parse_args(argv)

    xb = np.ascontiguousarray(read_matrix(os.path.join(args.datadir, "base.f32"), "f4"),
                              dtype=np.float32)
    xq = np.ascontiguousarray(read_matrix(os.path.join(args.datadir, "queries.f32"), "f4"),
                              dtype=np.float32)
    gt = read_matrix(os.path.join(args.datadir, "groundtruth.i64"), "i8")
    n, d = xb.shape
    if xq.shape[1] != d or len(gt) != len(xq) or gt.shape[1] < K:
        raise SystemExit("bench_faiss: data files do not match each other")
    ids = np.arange(n, dtype=np.int64)
    singles = [np.ascontiguousarray(xq[i:i + 1]) for i in range(len(xq))]
    impl = f"faiss-cpu {faiss.__version__}"
    log(f"{impl} ({faiss.get_compile_options().strip()}), numpy {np.__version__}, "
        f"{n} x {d} base, {len(xq)} queries, load avg {os.getloadavg()[0]:.2f}")
    t_all = time.perf_counter()

    configs = [c for c in CONFIGS if not args.index or c[0] in args.index]
    unknown = set(args.index or []) - {c[0] for c in CONFIGS}
    if unknown:
        raise SystemExit(f"bench_faiss: unknown --index {sorted(unknown)}")

    for factory, pname, values in configs:
        faiss.omp_set_num_threads(BUILD_THREADS)
        index = faiss.index_factory(d, "IDMap2," + factory, faiss.METRIC_INNER_PRODUCT)
        t0 = time.perf_counter()
        index.train(xb)
        index.add_with_ids(xb, ids)
        build_s = time.perf_counter() - t0
        log(f"{factory}: built in {build_s:.2f} s")

        for value in values:
            param = "" if pname is None else f"{pname}={value}"
            if pname is not None:
                set_param(index, pname, value)

            # Single queries, 1 thread.
            faiss.omp_set_num_threads(SINGLE_THREADS)
            single_ids = np.empty((len(xq), K), dtype=np.int64)
            for q in singles[:20]:  # warm-up
                index.search(q, K)

            def single_pass() -> float:
                search = index.search
                out = single_ids
                t = time.perf_counter()
                for i, q in enumerate(singles):
                    out[i] = search(q, K)[1][0]
                return time.perf_counter() - t

            t_single = best_of(single_pass, args.repeats, args.budget)

            # All queries in one call, 2 threads.
            faiss.omp_set_num_threads(BATCH_THREADS)
            index.search(xq[:100], K)  # warm-up
            batch_ids = None

            def batch_pass() -> float:
                nonlocal batch_ids
                t = time.perf_counter()
                _, batch_ids = index.search(xq, K)
                return time.perf_counter() - t

            t_batch = best_of(batch_pass, args.repeats, args.budget)

            recall = recall_at_k(batch_ids, gt)
            recall_single = recall_at_k(single_ids, gt)
            if abs(recall - recall_single) > 0.002:
                log(f"WARNING {factory} {param}: single-query recall {recall_single:.4f} "
                    f"differs from batched {recall:.4f}")
            row = {
                "impl": impl,
                "index": factory,
                "param": param,
                "build_s": round(build_s, 3),
                "qps_single": round(len(xq) / t_single, 1),
                "qps_batch": round(len(xq) / t_batch, 1),
                "recall10": round(recall, 4),
            }
            print(json.dumps(row), flush=True)
        del index

    log(f"done in {time.perf_counter() - t_all:.1f} s, load avg {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
