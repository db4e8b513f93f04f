"""Markdown table of text-bench (Quarry) against bench_reference.py, best round per case.

    python3 report.py --quarry quarry-*.jsonl --reference reference-*.jsonl
"""
import argparse
import json


def load(paths):
    best = {}
    for path in paths:
        for line in open(path):
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("case") == "load":
                continue
            key = (r["model"], r["case"], r["threads"])
            # best round = lowest median time
            if key not in best or r["ms_median"] < best[key]["ms_median"]:
                best[key] = r
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quarry", nargs="+", required=True)
    ap.add_argument("--reference", nargs="*", default=[])
    a = ap.parse_args()
    q, ref = load(a.quarry), load(a.reference)
    print("| model | case | threads | tokens | Quarry | reference | reference impl | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(q):
        model, case, threads = key
        r = q[key]
        if case == "query":
            mine = "%.2f ms (p95 %.2f)" % (r["ms_median"], r["ms_p95"])
        else:
            mine = "%.1f passages/s" % r["items_per_s"]
        other, impl, ratio = "–", "–", "–"
        o = ref.get(key) or (ref.get((model, case, 2)) if case == "query" else None)
        if o:
            impl = o["impl"] + ("" if o["threads"] == threads else " (%d threads)" % o["threads"])
            if case == "query":
                other = "%.2f ms (p95 %.2f)" % (o["ms_median"], o["ms_p95"])
                ratio = "%.2f× the latency" % (r["ms_median"] / o["ms_median"])
            else:
                other = "%.1f passages/s" % o["items_per_s"]
                ratio = "%.2f× the throughput" % (r["items_per_s"] / o["items_per_s"])
        print("| %s | %s | %d | %.0f | %s | %s | %s | %s |" % (model, case, threads, r["tokens"], mine, other, impl, ratio))


if __name__ == "__main__":
    main()
