"""Cluster benchmark (make bench-cluster): search speed of one node in cluster mode against the
same binary serving the same course alone, search QPS through nginx over 1, 2 and 3 nodes, write
throughput, and replication lag under a steady write load. Run by benchmarks/cluster/run.sh.

The single server and the cluster node run side by side on core 1 and are measured in turns.
Every server is pinned to cores with taskset, so that the 2-core development machine shows what
separate machines would as far as it can: one node per core, the third sharing one. wrk, nginx
and PostgreSQL run on the same two cores, so the 3-node figure understates a real cluster.

    python3 benchmarks/cluster/bench.py --quarry BIN --out DIR [--duration S]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "System"))

from cluster_harness import (Node, call, cluster_url, free_port, make_folder, percentile,  # noqa: E402
                             start_nginx, start_postgres_pair, stop_all)

COLLECTION = "course"
# Neither degrade nor shed load, log little, no background work: the figures are the searches'.
QUIET = ["--latency-objective-ms", "600000", "--hard-limit", "100000", "--log-level", "warning",
         "--drift-check-interval", "0", "--backup-interval-hours", "0"]


def course_documents(corpus):
    documents = []
    for folder, _, files in os.walk(corpus):
        for name in sorted(files):
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as file:
                    documents.append({"source": os.path.relpath(path, corpus), "text": file.read()})
    return sorted(documents, key=lambda document: document["source"])


def wrk(base, connections, seconds, queries_file, salt):
    """QPS and latency of unique searches from `connections` clients (benchmarks/http/search.lua)."""
    environment = dict(os.environ, BENCH_QUERIES=queries_file, BENCH_COLLECTION=COLLECTION, BENCH_VARIANT="unique",
                       BENCH_SALT=salt)
    output = subprocess.run(["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                             "-s", os.path.join(ROOT, "benchmarks/http/search.lua"), base],
                            env=environment, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line[len("BENCH_JSON "):])
    errors = sum(result[key] for key in result if key.startswith("errors_"))
    return {"qps": round(result["requests"] / (result["duration_us"] / 1e6), 1),
            "p50_ms": result["latency_us"]["p50"] / 1000, "p99_ms": result["latency_us"]["p99"] / 1000,
            "requests": result["requests"], "errors": errors}


def write_load(base, threads, seconds, rate, first_number, nodes):
    """`threads` clients writing short documents through `base` for `seconds` (at `rate` in all,
    or as fast as they can when None); returns (acknowledged, errors, lags of ack -> every node)."""
    acks, errors, lock = [], [], threading.Lock()
    started = time.time()

    def client(index):
        number, next_at = first_number + index * 1_000_000, time.time()
        while time.time() - started < seconds:
            text = f"# 记录 {number}\n\n第 {number} 条写入记录，向量数据库复制测试，编号 W{number}。"
            status, answer = call(base, "POST", f"/v1/collections/{COLLECTION}/documents",
                                  {"documents": [{"source": f"writes/{number}.md", "text": text}]})
            with lock:
                if status == 201 and answer["seq"] is not None:
                    acks.append((time.time(), answer["seq"]))
                else:
                    errors.append(status)
            number += 1
            if rate:
                next_at += threads / rate
                time.sleep(max(0, next_at - time.time()))

    samples, polling = [], [True]

    def poll():
        while polling[0]:
            values = [node.applied() for node in nodes]
            if all(value is not None for value in values):
                samples.append((time.time(), min(values)))
            time.sleep(0.005)

    poller = threading.Thread(target=poll)
    poller.start()
    workers = [threading.Thread(target=client, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    time.sleep(2)
    polling[0] = False
    poller.join()
    lags = []
    for acknowledged_at, seq in acks:
        lags.append(next((at - acknowledged_at for at, applied in samples if at >= acknowledged_at and applied >= seq), None))
    return acks, errors, lags


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", default=os.path.join(ROOT, "models"))
    parser.add_argument("--corpus", default=os.path.join(ROOT, "courses/easy-vecdb"))
    parser.add_argument("--questions", default=os.path.join(ROOT, "eval/course-qa-dev.jsonl"))
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    queries_file = os.path.join(args.out, "queries.txt")
    with open(args.questions) as source, open(queries_file, "w") as target:
        for line in source:
            if line.strip():
                target.write(json.dumps(json.loads(line)["question"], ensure_ascii=False) + "\n")

    folder = make_folder("quarry-bench-cluster-")
    results = {"machine": os.uname().nodename, "cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    primary = standby = nginx = None
    nodes, single = [], None
    try:
        # Single-machine mode: the course ingested by the CLI, served alone on core 1.
        single_data = os.path.join(folder, "single")
        subprocess.run([args.quarry, "ingest", "--data", single_data, "--models", args.models, "--collection", COLLECTION,
                        args.corpus], check=True, capture_output=True)
        single = Node(args.quarry, "single", single_data, free_port(), None, args.models, cpus="1")
        single.start(*QUIET)
        status, summary = call(single.base, "GET", f"/v1/collections/{COLLECTION}")
        results["passages_single"] = summary["passages"]

        # The cluster: the same course written through node1's API.
        primary, standby = start_postgres_pair(folder)
        url = cluster_url(primary, standby)
        nodes = [Node(args.quarry, f"node{index + 1}", os.path.join(folder, f"node{index + 1}"), free_port(), url, args.models,
                      cpus=cpus) for index, cpus in enumerate(["1", "0", "0,1"])]
        for node in nodes:
            node.start(*QUIET)
        status, created = call(nodes[0].base, "PUT", f"/v1/collections/{COLLECTION}", {"kind": "text", "model": "e5-small"})
        assert status == 201, created
        started = time.time()
        for document in course_documents(args.corpus):
            status, answer = call(nodes[0].base, "POST", f"/v1/collections/{COLLECTION}/documents", {"documents": [document]},
                                  timeout=300)
            assert status == 201, answer
        results["course_ingest_s"] = round(time.time() - started, 1)
        latest = nodes[0].applied()
        while min(node.applied() or 0 for node in nodes) < latest:
            time.sleep(0.1)
        status, summary = call(nodes[0].base, "GET", f"/v1/collections/{COLLECTION}")
        results["passages_cluster"] = summary["passages"]

        # One node in cluster mode against the single server: same core, both running throughout,
        # measured in turns (two rounds each); the better round of each counts.
        for clients, label in ((1, "1_client"), (4, "4_clients")):
            rounds = {"single": [], "cluster_node": []}
            for round_number in range(2):
                for side, server in (("single", single), ("cluster_node", nodes[0])):
                    rounds[side].append(wrk(server.base, clients, args.duration, queries_file, f"{side}{clients}.{round_number}"))
            for side, runs in rounds.items():
                results[f"{side}_{label}"] = max(runs, key=lambda run: run["qps"])
                results[f"{side}_{label}"]["rounds_qps"] = [run["qps"] for run in runs]
        single.stop()
        single = None

        # Through nginx: 1, 2 and 3 nodes.
        for count in (1, 2, 3):
            if nginx:
                nginx.terminate()
                nginx.wait()
            nginx, through = start_nginx(folder, [node.port for node in nodes[:count]], ROOT)
            results[f"nginx_{count}_nodes_8_clients"] = wrk(through, 8, args.duration, queries_file, f"n{count}")

        # Writes through nginx: as fast as 4 clients go, then a steady 50 documents/s.
        acks, errors, _ = write_load(through, 4, args.duration, None, 1, nodes)
        results["write_throughput"] = {"documents_per_s": round(len(acks) / args.duration, 1), "errors": len(errors)}
        acks, errors, lags = write_load(through, 4, 20, 50, 10_000_000, nodes)
        measured = [lag for lag in lags if lag is not None]
        results["replication_lag_at_50_per_s"] = {
            "writes": len(acks), "achieved_per_s": round(len(acks) / 20, 1), "errors": len(errors),
            "never_visible": len(lags) - len(measured),
            "p50_ms": round(percentile(measured, 0.5) * 1000, 1), "p95_ms": round(percentile(measured, 0.95) * 1000, 1),
            "p99_ms": round(percentile(measured, 0.99) * 1000, 1), "max_ms": round(max(measured) * 1000, 1)}
    finally:
        stop_all(nodes + [single], nginx, (primary, standby))
        results["load_after"] = os.getloadavg()[0]
        with open(os.path.join(args.out, "results.json"), "w") as file:
            json.dump(results, file, indent=2)

    single_qps, node_qps = results["single_1_client"]["qps"], results["cluster_node_1_client"]["qps"]
    lines = [
        "| measurement | QPS (better round) | rounds | p50 ms | p99 ms | errors |", "|---|---:|---|---:|---:|---:|",
    ]
    for key in ("single_1_client", "cluster_node_1_client", "single_4_clients", "cluster_node_4_clients",
                "nginx_1_nodes_8_clients", "nginx_2_nodes_8_clients", "nginx_3_nodes_8_clients"):
        row = results[key]
        rounds = ", ".join(str(qps) for qps in row.get("rounds_qps", []))
        lines.append(f"| {key.replace('_', ' ')} | {row['qps']} | {rounds} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |")
    lag = results["replication_lag_at_50_per_s"]
    lines += [
        "",
        f"cluster node / single server, 1 client: {node_qps / single_qps:.2f}x; 4 clients: "
        f"{results['cluster_node_4_clients']['qps'] / results['single_4_clients']['qps']:.2f}x",
        f"nginx 2 nodes / 1 node: {results['nginx_2_nodes_8_clients']['qps'] / results['nginx_1_nodes_8_clients']['qps']:.2f}x; "
        f"3 nodes / 1 node: {results['nginx_3_nodes_8_clients']['qps'] / results['nginx_1_nodes_8_clients']['qps']:.2f}x",
        f"writes, 4 clients through nginx: {results['write_throughput']['documents_per_s']} documents/s "
        f"({results['write_throughput']['errors']} errors)",
        f"replication lag at {lag['achieved_per_s']} documents/s ({lag['writes']} writes, {lag['errors']} errors): "
        f"p50 {lag['p50_ms']} ms, p95 {lag['p95_ms']} ms, p99 {lag['p99_ms']} ms, max {lag['max_ms']} ms",
        f"passages: single {results['passages_single']}, cluster {results['passages_cluster']}; "
        f"course written through the API in {results['course_ingest_s']} s; load average {results['load_before']:.1f} before",
    ]
    table = "\n".join(lines)
    with open(os.path.join(args.out, "table.md"), "w") as file:
        file.write(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
