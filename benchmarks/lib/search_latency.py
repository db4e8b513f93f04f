#!/usr/bin/env python3
"""Hybrid against vector search latency through the HTTP API.

Asks a running `quarry serve` each question of the given sets `--rounds` times, with a
unique suffix every time (so no cache answers), vector and hybrid modes interleaved, one
request at a time, top_k 5. An answer with fewer results than asked, or marked degraded,
counts as an error. Prints per mode the client and server (`took_ms`) p50, p95 and p99.

    python3 benchmarks/lib/search_latency.py --url http://127.0.0.1:8080 --collection easy-vecdb \
        eval/easy-vecdb-questions.jsonl eval/course-qa-dev.jsonl
"""
import argparse
import json
import secrets
import statistics
import time
import urllib.request

MODES = ("vector", "hybrid")


def ask(url: str, collection: str, query: str, mode: str, top_k: int) -> tuple[float, dict]:
    body = json.dumps({"query": query, "top_k": top_k, "mode": mode}).encode()
    request = urllib.request.Request(f"{url}/v1/collections/{collection}/search", body, {"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        answer = json.load(response)
    return (time.perf_counter() - start) * 1000, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="+", help="JSONL files with a `question` field")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--collection", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--top-k", type=int, default=5)
    arguments = parser.parse_args()
    questions = [json.loads(line)["question"] for path in arguments.questions for line in open(path, encoding="utf-8") if line.strip()]

    client = {mode: [] for mode in MODES}
    server = {mode: [] for mode in MODES}
    errors = {mode: 0 for mode in MODES}
    salt = secrets.token_hex(3)  # a new one every run: no answer of an earlier run is cached
    for round_number in range(arguments.rounds):
        for number, question in enumerate(questions):
            for mode in (MODES if number % 2 == 0 else reversed(MODES)):
                elapsed, answer = ask(arguments.url, arguments.collection, f"{question} ({salt}-{round_number}-{number}-{mode})", mode,
                                      arguments.top_k)
                client[mode].append(elapsed)
                server[mode].append(answer["took_ms"])
                errors[mode] += len(answer["results"]) < arguments.top_k or bool(answer.get("degraded"))

    def p(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1]

    print(f"{len(questions)} questions × {arguments.rounds} rounds, top_k {arguments.top_k}, one request at a time\n")
    print("| mode | requests | errors | client p50 / p95 / p99 ms | server p50 / p95 / p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for mode in MODES:
        print(f"| {mode} | {len(client[mode])} | {errors[mode]} | "
              + " / ".join(f"{p(client[mode], q):.2f}" for q in (50, 95, 99)) + " | "
              + " / ".join(f"{p(server[mode], q):.2f}" for q in (50, 95, 99)) + " |")
    print(f"\nhybrid − vector, client p50: {p(client['hybrid'], 50) - p(client['vector'], 50):+.2f} ms; "
          f"server p50: {p(server['hybrid'], 50) - p(server['vector'], 50):+.2f} ms")


if __name__ == "__main__":
    main()
