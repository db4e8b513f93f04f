#!/usr/bin/env python3
"""Markdown table of an image search benchmark run (benchmarks/images/run.sh).

    report.py --results DIR --work DIR

Reads DIR/{quarry,reference}-R.time (/usr/bin/time -v output of the import) and
DIR/{quarry,reference}-R-query.json for every round R, and each round's stores under --work
(quarry-R/c/, reference-R/) for the image count and index type. Shows each side's fastest import
round and lowest-p50 query round; ratios are Quarry ÷ reference.
"""
import argparse
import glob
import json
import os
import re
import sqlite3
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from timing import parse_time  # noqa: E402

SIDES = {
    # name: (label, store path in a round's folder)
    "quarry": ("Quarry", "c/store.sqlite"),
    "reference": ("Python reference (PyTorch + faiss-cpu + SQLite)", "store.sqlite"),
}
WARM_UP = 5  # untimed queries before the timed ones (the default of query_http.py and images.py query)


def index_factory(name, results, work, r):
    """The FAISS factory string of round r's index: Quarry's collection.json, the reference's output."""
    path = os.path.join(work, "quarry-%d" % r, "c", "collection.json") if name == "quarry" \
        else os.path.join(results, "reference-%d.log" % r)
    with open(path) as f:
        return json.load(f)["factory"]


def side_summary(name, results, work):
    label, store = SIDES[name]
    rounds = []
    for path in glob.glob(os.path.join(results, name + "-*.time")):
        r = re.search(r"-(\d+)\.time$", path).group(1)
        row = parse_time(path)
        with sqlite3.connect(os.path.join(work, "%s-%s" % (name, r), store)) as db:
            row["images"] = db.execute("SELECT COUNT(*) FROM images").fetchone()[0]
        with open(os.path.join(results, "%s-%s-query.json" % (name, r))) as f:
            row["query"] = json.load(f)
        upload = os.path.join(results, "%s-%s-upload.json" % (name, r))
        if os.path.exists(upload):
            with open(upload) as f:
                row["upload"] = json.load(f)
        row["round"] = int(r)
        rounds.append(row)
    best = min(rounds, key=lambda row: row["wall"])
    query = min((row["query"] for row in rounds), key=lambda q: q["p50_ms"])
    uploads = [row["upload"] for row in rounds if "upload" in row]
    upload = min(uploads, key=lambda u: u["p50_ms"]) if uploads else None
    return dict(best, label=label, rounds=len(rounds), query=query, upload=upload,
                factory=index_factory(name, results, work, best["round"]),
                median_wall=statistics.median(row["wall"] for row in rounds),
                all_walls=[row["wall"] for row in sorted(rounds, key=lambda row: row["round"])],
                images_per_s=best["images"] / best["wall"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    q, p = (side_summary(name, a.results, a.work) for name in SIDES)

    print("| side | images | index | import wall s (best; median) | images/s | CPU s | peak RSS MiB "
          "| query p50 ms | query p95 ms |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for s in (q, p):
        print("| %s | %d | %s | %.2f; %.2f | %.1f | %.1f | %.0f | %.1f | %.1f |" % (
            s["label"], s["images"], s["factory"], s["wall"], s["median_wall"], s["images_per_s"], s["cpu"],
            s["rss"], s["query"]["p50_ms"], s["query"]["p95_ms"]))
    speed = q["images_per_s"] / p["images_per_s"]
    p50 = q["query"]["p50_ms"] / p["query"]["p50_ms"]
    p95 = q["query"]["p95_ms"] / p["query"]["p95_ms"]
    print("| Quarry ÷ reference | | | %.2f; %.2f | **%.2f×** | %.2f | %.2f | **%.2f×** | %.2f× |" % (
        q["wall"] / p["wall"], q["median_wall"] / p["median_wall"], speed, q["cpu"] / p["cpu"],
        q["rss"] / p["rss"], p50, p95))
    print()
    print("Import: each side's fastest of %d rounds (wall s per round: Quarry %s; reference %s), run "
          "alternately, each as a whole process (start-up and model loading included), from the same PNG "
          "files and metadata CSV; CPU s = user + system of that round. Quarry embeds every stored image "
          "twice (the whole image and its 90%% centre crop, averaged) and also copies it into the "
          "collection's media folder and writes a thumbnail; the reference embeds each image once "
          "(batches of 8, one torch thread: its fastest setting here). Queries: %d images one at a time, "
          "top 10, after %d untimed warm-up queries; Quarry over HTTP to `quarry serve` on loopback "
          "(client-side time: upload, decode, embed, search, metadata, JSON), the reference in-process "
          "(decode, embed, search, SQLite metadata); each side's lowest-p50 round." % (
              q["rounds"], ", ".join("%.2f" % w for w in q["all_walls"]),
              ", ".join("%.2f" % w for w in p["all_walls"]), q["query"]["queries"], WARM_UP))
    print()
    print("Goals: Quarry ≥ 1× the reference's images/s: %s (%.2f×); query latency no worse: %s "
          "(p50 %.2f×, p95 %.2f× the reference's)." % (
              "met" if speed >= 1 else "NOT met", speed, "met" if p50 <= 1 and p95 <= 1 else "NOT met", p50, p95))
    if q["upload"] and p["upload"]:
        print()
        print("100 KB PNG uploads (%d openclipart drawings of 90 to 115 KiB, one at a time, each side's "
              "lowest-p50 round; Quarry over HTTP, the reference in-process):" % q["upload"]["queries"])
        print()
        print("| side | p50 ms | p95 ms |")
        print("|---|---:|---:|")
        for s in (q, p):
            print("| %s | %.1f | %.1f |" % (s["label"], s["upload"]["p50_ms"], s["upload"]["p95_ms"]))
        print("| Quarry ÷ reference | **%.2f×** | %.2f× |" % (
            q["upload"]["p50_ms"] / p["upload"]["p50_ms"], q["upload"]["p95_ms"] / p["upload"]["p95_ms"]))
        print()
        print("Goal: a 100 KB PNG upload answered in ≤ 20 ms p50: %s (%.1f ms)." % (
            "met" if q["upload"]["p50_ms"] <= 20 else "NOT met", q["upload"]["p50_ms"]))
    print()
    with open(os.path.join(a.results, "machine.txt")) as f:
        for line in f:
            print("- " + line.strip())


if __name__ == "__main__":
    main()
