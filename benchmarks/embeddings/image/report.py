#!/usr/bin/env python3
"""Join Quarry and PyTorch results (JSON lines from run.sh) into a Markdown table with ratios.

    report.py --quarry Q1.jsonl [Q2.jsonl ...] --pytorch P1.jsonl [P2.jsonl ...]

With several files per side (rounds run alternately), each case keeps its best round
(highest images/s): on a shared machine the best round is the least disturbed one.
"""
import json
import sys


def load(paths):
    rows = {}
    for path in paths:
        try:
            with open(path) as f:
                for line in f:
                    line = line.strip()
                    if line.startswith("{"):
                        r = json.loads(line)
                        key = (r["case"], r["batch"], r["threads"])
                        if key not in rows or r["images_per_s"] > rows[key]["images_per_s"]:
                            rows[key] = r
        except FileNotFoundError:
            pass
    return rows


def main():
    args = sys.argv[1:]
    if "--quarry" not in args or "--pytorch" not in args:
        sys.exit(__doc__)
    qi, pi = args.index("--quarry"), args.index("--pytorch")
    quarry = load(args[qi + 1:pi] if qi < pi else args[qi + 1:])
    torch = load(args[pi + 1:qi] if pi < qi else args[pi + 1:])
    keys = list(quarry) + [k for k in torch if k not in quarry]
    print("| case | batch | threads | Quarry images/s | PyTorch images/s | ratio | Quarry ms (median / p95) | PyTorch ms (median / p95) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in keys:
        q, t = quarry.get(k), torch.get(k)
        qi = "%.1f" % q["images_per_s"] if q else "–"
        ti = "%.1f" % t["images_per_s"] if t else "–"
        ratio = "%.2f×" % (q["images_per_s"] / t["images_per_s"]) if q and t else "–"
        qm = "%.1f / %.1f" % (q["ms_median"], q["ms_p95"]) if q else "–"
        tm = "%.1f / %.1f" % (t["ms_median"], t["ms_p95"]) if t else "–"
        print("| %s | %d | %d | %s | %s | %s | %s | %s |" % (k[0], k[1], k[2], qi, ti, ratio, qm, tm))


if __name__ == "__main__":
    main()
