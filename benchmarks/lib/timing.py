"""Timing helpers shared by the benchmarks' Python scripts."""

import statistics
import time


def parse_time(path):
    """Wall seconds, CPU seconds and peak RSS (MiB) from /usr/bin/time -v output."""
    fields = dict(line.strip().rsplit(": ", 1) for line in open(path) if ": " in line)
    *hm, s = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    wall = float(s) + 60 * int(hm[-1]) + (3600 * int(hm[0]) if len(hm) == 2 else 0)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return {"wall": wall, "cpu": cpu, "rss": int(fields["Maximum resident set size (kbytes)"]) / 1024}


def time_queries(search, queries, warm_up):
    """Runs `search` on the first `warm_up` queries untimed, then on every query timed, one at a
    time; returns the count, p50, p95 and mean latency in milliseconds."""
    for query in queries[:warm_up]:
        search(query)
    times = []
    for query in queries:
        start = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - start) * 1000)
    return {"queries": len(times), "p50_ms": statistics.median(times),
            "p95_ms": statistics.quantiles(times, n=20, method="inclusive")[18], "mean_ms": statistics.fmean(times)}
