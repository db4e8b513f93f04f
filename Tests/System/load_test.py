#!/usr/bin/env python3
"""Load shedding by time, measured: closed-loop clients send unique searches (no cache helps)
to a running Quarry server for a while at each concurrency, on keep-alive connections.

For each concurrency it reports QPS, p50/p95/p99 latency over every answer (503s included),
the share of degraded answers, of 503 `overloaded` answers and of any other error (another
status, a broken connection, or a 200 with fewer results than asked). Checks, as issue #14
asks: no error at any concurrency; at 16 clients at most 5 % of the answers degraded or refused
and p95 within 1.2 × the objective (margins for a slower machine than the one measured, where
none were); at 256 clients p95 within the objective.

    load_test.py --base-url http://127.0.0.1:8080 [--seconds 20] [--clients 16,256]
"""
import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def questions():
    with open(ROOT / "eval" / "course-qa-dev.jsonl", encoding="utf-8") as file:
        return [json.loads(line)["question"] for line in file if line.strip()]


async def read_response(reader):
    """Status, body of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def client(host, port, collection, top_k, deadline, asked, results, number):
    reader = writer = None
    counter = 0
    while time.monotonic() < deadline:
        question = asked[(number + counter) % len(asked)]
        counter += 1
        body = json.dumps({"query": f"{question} ({number}-{counter})", "top_k": top_k}).encode()
        request = (f"POST /v1/collections/{collection}/search HTTP/1.1\r\nHost: {host}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status, payload = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            results.append((time.monotonic() - started, "error", repr(error)))
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        elapsed = time.monotonic() - started
        if status == 200:
            answer = json.loads(payload)
            if answer.get("degraded"):
                results.append((elapsed, "degraded", None))
            elif len(answer.get("results", [])) < top_k:
                results.append((elapsed, "error", f"{len(answer.get('results', []))} results"))
            else:
                results.append((elapsed, "ok", None))
        elif status == 503 and json.loads(payload).get("error", {}).get("code") == "overloaded":
            results.append((elapsed, "refused", None))
            # As a well-behaved client would after Retry-After, but shorter: keep the load on.
            await asyncio.sleep(0.05)
        else:
            results.append((elapsed, "error", f"HTTP {status}"))
    if writer is not None:
        writer.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def run(base_url, collection, clients, seconds, top_k):
    url = urlparse(base_url)
    results = []
    deadline = time.monotonic() + seconds
    asked = questions()
    await asyncio.gather(*(client(url.hostname, url.port, collection, top_k, deadline, asked, results, n)
                           for n in range(clients)))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--collection", default="course")
    parser.add_argument("--clients", default="16,256")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--objective-ms", type=float, default=500)
    arguments = parser.parse_args()

    failures = []
    print("| clients | answers | QPS | p50 ms | p95 ms | p99 ms | degraded | 503 | other errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for clients in [int(value) for value in arguments.clients.split(",")]:
        results = asyncio.run(run(arguments.base_url, arguments.collection, clients, arguments.seconds, arguments.top_k))
        latencies = [elapsed * 1000 for elapsed, _, _ in results]
        count = {kind: sum(1 for _, outcome, _ in results if outcome == kind) for kind in ("ok", "degraded", "refused", "error")}
        total = max(len(results), 1)
        p95 = percentile(latencies, 0.95)
        print(f"| {clients} | {len(results)} | {len(results) / arguments.seconds:.0f} | {percentile(latencies, 0.5):.1f} | "
              f"{p95:.1f} | {percentile(latencies, 0.99):.1f} | {100 * count['degraded'] / total:.1f} % | "
              f"{100 * count['refused'] / total:.1f} % | {count['error']} |", flush=True)
        errors = [detail for _, outcome, detail in results if outcome == "error"]
        if errors:
            failures.append(f"{clients} clients: {len(errors)} errors, e.g. {errors[:3]}")
        # 16 clients fit within the objective on 2 cores (about 420 ms a search here): shedding
        # there is a defect. The margins absorb a slower or busier machine than the one measured.
        shed = count["degraded"] + count["refused"]
        if clients <= 16 and shed > 0.05 * total:
            failures.append(f"{clients} clients: {count['degraded']} degraded and {count['refused']} refused answers")
        allowed = arguments.objective_ms * (1.2 if clients <= 16 else 1.0)
        if p95 > allowed:
            failures.append(f"{clients} clients: p95 {p95:.0f} ms over {allowed:.0f} ms (objective {arguments.objective_ms:.0f} ms)")
        time.sleep(2)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
