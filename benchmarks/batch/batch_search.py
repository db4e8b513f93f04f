#!/usr/bin/env python3
"""Batch text search against single searches, on a running `quarry serve` started with
--cache-size 0: for each round, 32 questions never asked before are sent once as one
POST …/search/batch, then one by one as POST …/search over one keep-alive connection (the
batch does not fill the server's question-embedding cache, so the singles embed too).

    batch_search.py --port P --collection C --questions FILE.jsonl [--batch 32] [--rounds 5] [--top-k 5]

Every answer must hold top_k results and not be degraded, else the run fails. Prints one JSON
object: the per-round milliseconds of each side, their medians and the ratio batch ÷ singles.
"""
import argparse
import http.client
import json
import statistics
import sys
import time


def post(connection, path, body):
    connection.request("POST", path, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    if response.status != 200:
        raise SystemExit("batch_search: %s answered %d: %s" % (path, response.status, answer))
    return answer


def checked(answer, top_k):
    if answer.get("degraded") or len(answer["results"]) != top_k:
        raise SystemExit("batch_search: degraded or short answer for %r" % answer.get("query"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--collection", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top-k", type=int, default=5)
    arguments = parser.parse_args()
    with open(arguments.questions, encoding="utf-8") as file:
        questions = list(dict.fromkeys(json.loads(line)["question"] for line in file if line.strip()))
    if len(questions) < arguments.batch * arguments.rounds:
        raise SystemExit("batch_search: %d distinct questions, %d needed" % (len(questions), arguments.batch * arguments.rounds))
    connection = http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=120)
    base = "/v1/collections/%s" % arguments.collection
    batch_ms, singles_ms = [], []
    for round_index in range(arguments.rounds):
        chunk = questions[round_index * arguments.batch:(round_index + 1) * arguments.batch]
        bodies = [{"query": question, "top_k": arguments.top_k} for question in chunk]
        start = time.perf_counter()
        answer = post(connection, base + "/search/batch", {"queries": bodies})
        batch_ms.append((time.perf_counter() - start) * 1e3)
        if answer["degraded"]:
            raise SystemExit("batch_search: degraded batch")
        for search in answer["searches"]:
            checked(dict(search, degraded=False), arguments.top_k)
        start = time.perf_counter()
        for body in bodies:
            checked(post(connection, base + "/search", body), arguments.top_k)
        singles_ms.append((time.perf_counter() - start) * 1e3)
    batch, singles = statistics.median(batch_ms), statistics.median(singles_ms)
    json.dump({"queries_per_round": arguments.batch, "rounds": arguments.rounds,
               "batch_ms": [round(v, 1) for v in batch_ms], "singles_ms": [round(v, 1) for v in singles_ms],
               "batch_median_ms": round(batch, 1), "singles_median_ms": round(singles, 1),
               "batch_over_singles": round(batch / singles, 3)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
