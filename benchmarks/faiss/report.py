#!/usr/bin/env python3
"""Join the Quarry and faiss-cpu benchmark results into one Markdown table.

    report.py QUARRY.jsonl FAISS.jsonl

Each input holds one JSON object per line (other lines are skipped with a
warning), with the fields
    impl, index, param, build_s, qps_single, qps_batch, recall10
as printed by `faiss-bench` (Quarry) and bench_faiss.py (faiss-cpu). Rows are
joined on (index, param); a row present on one side only shows "–" for the
other. Every ratio is Quarry ÷ faiss-cpu. Standard library only.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import sys

FIELDS = ("impl", "index", "param", "build_s", "qps_single", "qps_batch", "recall10")
DASH = "–"


def load(path: str) -> tuple[list[str], dict[tuple[str, str], dict]]:
    """Return (impl names seen, rows keyed by (index, param)) in file order."""
    impls: list[str] = []
    rows: dict[tuple[str, str], dict] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not an object")
                missing = [k for k in FIELDS if k not in row]
                if missing:
                    raise ValueError(f"missing {', '.join(missing)}")
            except ValueError as e:
                print(f"report: {path}:{n}: skipped ({e}): {line[:80]}", file=sys.stderr)
                continue
            if row["impl"] not in impls:
                impls.append(row["impl"])
            rows[(str(row["index"]), str(row["param"]))] = row
    return impls, rows


def num(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def fmt_seconds(v) -> str:
    v = num(v)
    if v is None:
        return DASH
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def fmt_qps(v) -> str:
    v = num(v)
    if v is None:
        return DASH
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_recall(v) -> str:
    v = num(v)
    return DASH if v is None else f"{v:.3f}"


def fmt_ratio(q, f) -> str:
    q, f = num(q), num(f)
    if q is None or f is None or f == 0:
        return DASH
    return f"{q / f:.2f}"


def triple(q: dict | None, f: dict | None, key: str, fmt) -> str:
    qv = q.get(key) if q else None
    fv = f.get(key) if f else None
    return f"{fmt(qv)} / {fmt(fv)} / {fmt_ratio(qv, fv)}"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def table(quarry: dict, faiss: dict) -> list[str]:
    keys = list(faiss) + [k for k in quarry if k not in faiss]
    out = [
        "| index | param | build s (Quarry / faiss-cpu / ratio) "
        "| 1-query QPS (Q / F / ratio) | batch QPS (Q / F / ratio) | recall@10 (Q / F) |",
        "|---|---|---|---|---|---|",
    ]
    for key in keys:
        q, f = quarry.get(key), faiss.get(key)
        recall = (f"{fmt_recall(q.get('recall10') if q else None)} / "
                  f"{fmt_recall(f.get('recall10') if f else None)}")
        out.append(
            f"| {key[0]} | {key[1] or DASH} "
            f"| {triple(q, f, 'build_s', fmt_seconds)} "
            f"| {triple(q, f, 'qps_single', fmt_qps)} "
            f"| {triple(q, f, 'qps_batch', fmt_qps)} "
            f"| {recall} |"
        )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    q_impls, quarry = load(argv[0])
    f_impls, faiss = load(argv[1])
    if not quarry and not faiss:
        print("report: no results in either file", file=sys.stderr)
        return 1
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Quarry: {', '.join(q_impls) or DASH}; faiss-cpu: {', '.join(f_impls) or DASH}",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; run {now}",
        "",
        *table(quarry, faiss),
        "",
        "Ratios are Quarry ÷ faiss-cpu: below 1 is better for build seconds, above 1 "
        "is better for QPS. 1-query QPS: 1,000 queries one at a time, 1 FAISS thread; "
        "batch QPS: 1,000 queries in one call, 2 threads; k = 10.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
