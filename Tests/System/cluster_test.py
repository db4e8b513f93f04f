"""Cluster loopback test: PostgreSQL 15 primary and synchronous standby in throwaway folders,
nginx with deploy/cluster/nginx.conf, and three `quarry serve --cluster-url` nodes, all on
127.0.0.1. Checks, each reported on its own line:

  1. writes through random nodes are visible on every node: p99 of acknowledgement to
     visible-everywhere <= 1 s; every node then holds the same documents with the same ids;
  2. SIGKILL of a node during writes loses no acknowledged write, and the node catches up
     after its restart;
  3. SIGKILL of the PostgreSQL primary during writes, then `pg_ctl promote` of the standby:
     writes resume within 10 s and no acknowledged write is lost;
  4. the log is pruned of entries every node has applied, and a node started on an empty
     data folder bootstraps from the rows and converges with the others (aliases included);
  5. reads through nginx keep working while one node is down;
  6. `quarry ingest --cluster-url` commits documents that every node applies, and an alias set
     through one node names the collection on every node;
  7. with the database stopped for longer than a write's 20 s patience, searches keep working on
     every node, /health reports the outage, the write answers 503 `cluster_unavailable`, and
     writes resume once the database is back;
  8. a collection created with 2 shards x 2 replicas answers vector queries on every node and
     through nginx exactly as one Flat index holding every document does, also while the node
     holding both shards is down;
  9. images uploaded through different nodes are on every node (item, file, search by the same
     picture), a node bootstrapped from the rows has them too, and deleting one item through
     another node removes it everywhere; `quarry ingest-images --cluster-url` reaches every node.

The cluster is started by cluster_harness.py.

    python3 Tests/System/cluster_test.py --quarry .build/release/quarry [--report out.json]

Prints one line per check and a closing "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from forms import multipart
from cluster_harness import (PG_BIN, Node, as_postgres, call, cluster_url, free_port, make_folder, percentile, psql,
                             start_and_catch_up, start_nginx, start_postgres_pair, stop_all)

COLLECTION = "notes"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def document_text(number, version):
    return f"# 笔记 {number}\n\n第 {number} 号笔记的第 {version} 版，标记 N{number:05d}V{version:03d}X，讨论向量检索与复制。"


def source(number):
    return f"notes/{number:05d}.md"


class Writer:
    """Writes documents through the given nodes (or nginx) and keeps a model of what was acknowledged.
    A write that got no answer (its node died, the database failed over) may or may not have been
    committed: `settle` looks it up in PostgreSQL and adds it to the model when it was."""

    def __init__(self, seed, first_number=0):
        self.random = random.Random(seed)
        self.acknowledged = {}      # number -> version
        self.acks = []              # (time acknowledged, seq)
        self.failures = []          # (time, status, answer) of writes not acknowledged
        self.unsettled = []         # (number, version) of writes not acknowledged
        self.first_number = self.next_number = first_number

    def write(self, base, headers=None):
        numbers = list(self.acknowledged)
        number = self.next_number if not numbers or self.random.random() < 0.8 else self.random.choice(numbers)
        if number == self.next_number:
            self.next_number += 1
        version = self.acknowledged.get(number, 0) + 1
        status, answer = call(base, "POST", f"/v1/collections/{COLLECTION}/documents",
                              {"documents": [{"source": source(number), "text": document_text(number, version)}]}, headers=headers)
        if status == 201:
            self.acknowledged[number] = version
            if answer["seq"] is not None:
                self.acks.append((time.time(), answer["seq"]))
            return True
        self.failures.append((time.time(), status, answer))
        self.unsettled.append((number, version))
        return False

    def settle(self, postgres_port):
        """Adds to the model each unanswered write that PostgreSQL committed; returns how many had."""
        landed = 0
        for number, version in self.unsettled:
            marker = f"N{number:05d}V{version:03d}X"
            found = psql(postgres_port, f"SELECT count(*) FROM quarry_passages WHERE collection = '{COLLECTION}' "
                                        f"AND source = '{source(number)}' AND text LIKE '%{marker}%'")
            if int(found) > 0 and self.acknowledged.get(number, 0) < version:
                self.acknowledged[number] = version
                landed += 1
        self.unsettled = []
        return landed


def model(*writers):
    """Every writer's acknowledged documents: number -> version."""
    return {number: version for writer in writers for number, version in writer.acknowledged.items()}


class Visibility:
    """Polls every node's applied sequence number and answers when each one first reached a value."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.samples = []           # (time, min applied over live nodes)
        self.running = True
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        while self.running:
            values = [node.applied() for node in self.nodes]
            if all(value is not None for value in values):
                self.samples.append((time.time(), min(values)))
            time.sleep(0.01)

    def stop(self):
        self.running = False
        self.thread.join()

    def lag(self, acknowledged_at, seq):
        for at, applied in self.samples:
            if at >= acknowledged_at and applied >= seq:
                return at - acknowledged_at
        return None


def node_documents(node):
    """(documents, passages) of the collection on `node`."""
    status, summary = call(node.base, "GET", f"/v1/collections/{COLLECTION}")
    if status != 200:
        return None, None
    return summary["documents"], summary["passages"]


def check_model(node, expected, sample):
    """Problems with `node` against the acknowledged writes (number -> version): the document
    count, and each sampled document searched by its source."""
    problems = []
    documents, _ = node_documents(node)
    if documents != len(expected):
        problems.append(f"{node.name}: {documents} documents, {len(expected)} acknowledged")
    for number in sample:
        version = expected[number]
        status, answer = call(node.base, "POST", f"/v1/collections/{COLLECTION}/search",
                              {"query": f"N{number:05d} 笔记", "top_k": 3, "mode": "hybrid", "filter": {"source": source(number)}})
        texts = [result["text"] for result in answer.get("results", [])] if status == 200 else []
        marker = f"N{number:05d}V{version:03d}X"
        if not any(marker in text for text in texts):
            problems.append(f"{node.name}: {source(number)} lacks acknowledged version {version} (HTTP {status}: {texts[:1]})")
    return problems


def wait_until_applied(nodes, sequence, timeout):
    """Seconds until every node has applied the change log up to `sequence` (or `timeout` passed)."""
    started = time.time()
    while any((node.applied() or 0) < sequence for node in nodes) and time.time() - started < timeout:
        time.sleep(0.05)
    return time.time() - started


def ids_by_source(node, numbers):
    found = {}
    for number in numbers:
        status, answer = call(node.base, "POST", f"/v1/collections/{COLLECTION}/search",
                              {"query": f"N{number:05d}", "top_k": 1, "mode": "vector", "filter": {"source": source(number)}})
        found[number] = [result["id"] for result in answer["results"]] if status == 200 else None
    return found


IMAGE_FIXTURES = os.path.join(ROOT, "Tests/EmbeddingsTests/Fixtures/images")


def call_raw(base, method, path, body=None, content_type=None, headers=None, timeout=30):
    """(status, bytes) of a request with a raw body (a form, or none)."""
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={**({"Content-Type": content_type} if content_type else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return None, str(error).encode()


def check_images(nodes):
    """Uploads three images through different nodes into a new image collection, then checks
    on every node the item, its file and a search by the same picture; deletes one through
    another node and checks it is gone everywhere."""
    problems, uploaded = [], {}
    status, created = call(nodes[1].base, "PUT", "/v1/collections/shop", {"kind": "image", "model": "efficientnet-lite0"})
    if status != 201:
        return {"problems": [f"PUT shop: HTTP {status} {created}"], "images": {}}
    last_seq = created["seq"]
    for index, name in enumerate(["rocket.jpg", "astronaut.jpg", "coffee-small.png"]):
        data = open(os.path.join(IMAGE_FIXTURES, name), "rb").read()
        body, content_type = multipart([("image", name, None, data), ("category", None, None, b"demo"), ("price", None, None, b"12.5")])
        # The collection was created through node2: another node knows it once it has applied that change.
        status, answer = call_raw(nodes[index % len(nodes)].base, "POST", "/v1/collections/shop/images", body, content_type,
                                  {"Quarry-Min-Seq": str(created["seq"])})
        answer = json.loads(answer) if status == 201 else answer
        if status != 201 or answer["images"][0]["status"] != "stored":
            problems.append(f"uploading {name} through {nodes[index % len(nodes)].name}: HTTP {status} {str(answer)[:200]}")
            continue
        uploaded[name] = (answer["images"][0]["id"], data)
        last_seq = max(last_seq, answer["seq"])
    caught_up = {"Quarry-Min-Seq": str(last_seq)}
    for node in nodes:
        for name, (image_id, data) in uploaded.items():
            status, item = call(node.base, "GET", f"/v1/collections/shop/items/{image_id}", headers=caught_up)
            if status != 200 or item.get("category") != "demo" or item.get("price") != 12.5:
                problems.append(f"{node.name}: item {image_id} ({name}) answers HTTP {status} {str(item)[:200]}")
            status, file = call_raw(node.base, "GET", f"/v1/collections/shop/items/{image_id}/image", headers=caught_up)
            if status != 200 or file != data:
                problems.append(f"{node.name}: the file of item {image_id} ({name}) differs from the upload (HTTP {status})")
            body, content_type = multipart([("image", name, None, data)])
            status, found = call_raw(node.base, "POST", "/v1/collections/shop/search/image?top_k=1", body, content_type, caught_up)
            first = json.loads(found)["results"][0]["id"] if status == 200 and json.loads(found)["results"] else None
            if first != image_id:
                problems.append(f"{node.name}: searching with {name} finds {first}, not {image_id} (HTTP {status})")
    if not uploaded:
        return {"problems": problems or ["no image stored"], "images": {}}
    name, (gone, _) = next(iter(uploaded.items()))
    status, deleted = call(nodes[2].base, "DELETE", f"/v1/collections/shop/items/{gone}")
    if status != 200:
        problems.append(f"deleting item {gone} through {nodes[2].name}: HTTP {status} {deleted}")
    else:
        for node in nodes:
            status, _ = call(node.base, "GET", f"/v1/collections/shop/items/{gone}", headers={"Quarry-Min-Seq": str(deleted["seq"])})
            if status != 404:
                problems.append(f"{node.name}: deleted item {gone} still answers HTTP {status}")
        del uploaded[name]
    return {"problems": problems, "images": {name: image_id for name, (image_id, _) in uploaded.items()}}


SHARD_QUERIES = ["向量数据库为什么需要索引", "Annoy 如何构建树", "Milvus Lite 怎么部署", "K-means 聚类的步骤", "数据切分的方法",
                 "存储优化有哪些手段", "学习路径推荐", "MinerU 部署", "余弦相似度与内积", "近似最近邻搜索的召回率",
                 "how to install annoy", "分区与分片的区别"]


def shard_documents():
    """Small Markdown files of the easy-vecdb course, each one document."""
    course = os.path.join(ROOT, "courses/easy-vecdb")
    paths = sorted(os.path.join(folder, name) for folder, _, names in os.walk(course) for name in names if name.endswith(".md"))
    return [{"source": os.path.relpath(path, course), "text": open(path, encoding="utf-8").read()}
            for path in paths if os.path.getsize(path) < 16000]


def answers(base, collection, query, mode):
    status, body = call(base, "POST", f"/v1/collections/{collection}/search", {"query": query, "top_k": 10, "mode": mode})
    if status != 200:
        return None, f"HTTP {status} {str(body)[:200]}"
    return [(hit["source"], hit["text"], hit["score"]) for hit in body["results"]], body.get("degraded")


def same_answers(whole, sharded):
    return (len(whole) == len(sharded) == 10
            and all(a[:2] == b[:2] and abs(a[2] - b[2]) < 1e-4 for a, b in zip(whole, sharded)))


def check_sharding(nodes, through_nginx):
    """Creates `sharded` (2 shards x 2 replicas) and `whole` (one Flat index) with the same
    documents, written through random nodes, and compares vector answers on every node and through
    nginx, then again with the node holding both shards killed (its replicas answer instead)."""
    problems, report = [], {}
    for name, extra in (("sharded", {"shards": 2, "replicas": 2}), ("whole", {})):
        status, body = call(nodes[0].base, "PUT", f"/v1/collections/{name}", {"kind": "text", "model": "e5-small", "factory": "Flat", **extra})
        if status != 201:
            return {"problems": [f"PUT {name}: HTTP {status} {body}"], "report": report}
    pick = random.Random(3)
    last_seq = 0
    documents = shard_documents()
    for document in documents:
        for name in ("sharded", "whole"):
            status, body = call(pick.choice(nodes).base, "POST", f"/v1/collections/{name}/documents", {"documents": [document]})
            if status != 201:
                problems.append(f"storing {document['source']} in {name}: HTTP {status} {str(body)[:200]}")
            else:
                last_seq = max(last_seq, body.get("seq") or 0)
    held = {}
    for node in nodes:
        summary = call(node.base, "GET", "/v1/collections/sharded", headers={"Quarry-Min-Seq": str(last_seq)})[1]
        held[node.name] = summary.get("sharding", {}).get("held_shards") if isinstance(summary, dict) else summary
    report["held_shards"] = held
    whole = {query: answers(nodes[0].base, "whole", query, "vector")[0] for query in SHARD_QUERIES}
    if any(answer is None for answer in whole.values()):
        problems.append("the whole collection did not answer every query")
        return {"problems": problems, "report": report}

    def compare(targets, label):
        timings = []
        for base, target in targets:
            for query in SHARD_QUERIES:
                started = time.time()
                sharded, degraded = answers(base, "sharded", query, "vector")
                timings.append(time.time() - started)
                if sharded is None:
                    problems.append(f"{label}, {target}, {query}: {degraded}")
                elif degraded or not same_answers(whole[query], sharded):
                    first = next((index for index, (a, b) in enumerate(zip(whole[query], sharded)) if a[:2] != b[:2]
                                  or abs(a[2] - b[2]) >= 1e-4), min(len(whole[query]), len(sharded)))
                    problems.append(f"{label}, {target}, {query}: sharded answer differs from the whole index's at rank "
                                    f"{first + 1}: {[(a[0], a[1][:30], round(a[2], 5)) for a in whole[query][first:first + 2]]} "
                                    f"against {[(b[0], b[1][:30], round(b[2], 5)) for b in sharded[first:first + 2]]}"
                                    f"{' (degraded)' if degraded else ''}")
        return timings

    targets = [(node.base, node.name) for node in nodes] + [(through_nginx, "nginx")]
    timings = compare(targets, "all nodes up")
    report["search_ms_p50"] = round(percentile(timings, 0.5) * 1000, 1)
    whole_timings = []
    for node in nodes:
        for query in SHARD_QUERIES:
            started = time.time()
            answers(node.base, "whole", query, "vector")
            whole_timings.append(time.time() - started)
    report["whole_search_ms_p50"] = round(percentile(whole_timings, 0.5) * 1000, 1)
    # The node holding both shards dies; the others find each shard on its other replica.
    both = [node for node in nodes if isinstance(held.get(node.name), list) and len(held[node.name]) == 2]
    if len(both) != 1 or sorted(len(shards) for shards in held.values() if isinstance(shards, list)) != [1, 1, 2]:
        problems.append(f"shard map {held}: expected one node with both shards and two with one each")
        return {"problems": problems, "report": report}
    victim = both[0]
    victim.kill()
    survivors = [node for node in nodes if node is not victim]
    timings = compare([(node.base, node.name) for node in survivors] + [(through_nginx, "nginx")], f"{victim.name} down")
    report["search_ms_p50_one_node_down"] = round(percentile(timings, 0.5) * 1000, 1)
    start_and_catch_up(victim, survivors, timeout=60)
    passages = [call(node.base, "GET", "/v1/collections/sharded")[1] for node in nodes]
    report["passages_per_node"] = {node.name: summary.get("vectors") if isinstance(summary, dict) else summary
                                  for node, summary in zip(nodes, passages)}
    detail = (f"{len(documents)} documents; shards held {held}; {len(SHARD_QUERIES)} vector queries top 10 on 3 nodes and nginx "
              f"equal the whole Flat index's (same passages, same order, scores within 1e-4), p50 {report['search_ms_p50']} ms "
              f"against {report['whole_search_ms_p50']} ms unsharded; with {victim.name} (both shards) killed, the same on "
              f"the other two and nginx, p50 {report['search_ms_p50_one_node_down']} ms")
    return {"problems": problems, "report": report, "detail": detail}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True)
    parser.add_argument("--models", default=os.path.join(ROOT, "models"))
    parser.add_argument("--seconds", type=float, default=12, help="length of each write phase")
    parser.add_argument("--rate", type=float, default=10, help="writes per second in each phase")
    parser.add_argument("--report", help="write the measured figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs) afterwards")
    args = parser.parse_args()

    folder = make_folder("quarry-cluster-")
    primary = standby = nginx = None
    nodes = []
    results, report = [], {}

    def check(name, ok, detail):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)

    try:
        primary, standby = start_postgres_pair(folder)
        print(f"== PostgreSQL primary :{primary.port}, synchronous standby :{standby.port}", flush=True)
        url = cluster_url(primary, standby)
        ports = [free_port() for _ in range(3)]
        nodes = [Node(args.quarry, f"node{index + 1}", os.path.join(folder, f"node{index + 1}"), port, url, args.models)
                 for index, port in enumerate(ports)]
        for node in nodes:
            node.start()
        nginx, through_nginx = start_nginx(folder, ports, ROOT)
        print(f"== nodes on {ports}, nginx on {through_nginx}", flush=True)

        status, created = call(nodes[0].base, "PUT", f"/v1/collections/{COLLECTION}", {"kind": "text", "model": "e5-small"})
        if status != 201:
            raise RuntimeError(f"creating the collection: HTTP {status} {created}")
        created_seq = {"Quarry-Min-Seq": str(created["seq"])}
        status, again = call(nodes[1].base, "PUT", f"/v1/collections/{COLLECTION}", {"kind": "text", "model": "e5-small"}, headers=created_seq)
        check("create is idempotent across nodes", status == 200 and again["seq"] is None, f"second PUT on node2: HTTP {status}, seq {again.get('seq')}")

        writer, second = Writer(seed=17), Writer(seed=18, first_number=50_000)

        def write_phase(seconds, plan, event=None):
            """Runs each (writer, targets) of `plan` in its own thread for `seconds`, each at
            --rate / len(plan) writes per second to a random target of `targets()`; `event` runs in
            a thread of its own a third of the way in, so that writes are in flight when it strikes."""
            interval = len(plan) / args.rate
            started = time.time()

            def run(writer, targets):
                next_at = time.time()
                while time.time() - started < seconds:
                    live = targets()
                    if live:
                        writer.write(random.choice(live).base, headers=created_seq)
                    next_at += interval
                    time.sleep(max(0, next_at - time.time()))

            threads = [threading.Thread(target=run, args=step) for step in plan]
            if event:
                threads.append(threading.Thread(target=lambda: (time.sleep(seconds / 3), event())))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        def live(*chosen):
            return lambda: [node for node in (chosen or nodes) if node.process.poll() is None]

        # 1. Writes through random nodes, visible everywhere.
        visibility = Visibility(nodes)
        write_phase(args.seconds, [(writer, live())])
        time.sleep(1.5)
        visibility.stop()
        lags = [visibility.lag(at, seq) for at, seq in writer.acks]
        missing = sum(lag is None for lag in lags)
        lags = [lag for lag in lags if lag is not None]
        p50, p99 = percentile(lags, 0.5), percentile(lags, 0.99)
        report["replication_lag_ms"] = {"writes": len(writer.acks), "p50": round(p50 * 1000, 1), "p99": round(p99 * 1000, 1),
                                        "max": round(max(lags) * 1000, 1), "rate_per_s": args.rate}
        check("writes through random nodes visible on every node", missing == 0 and p99 <= 1.0 and not writer.failures,
              f"{len(writer.acks)} writes, acknowledged->visible everywhere p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
              f"max {max(lags) * 1000:.0f} ms; {missing} never visible; {len(writer.failures)} refused")
        sample = random.Random(1).sample(sorted(writer.acknowledged), min(30, len(writer.acknowledged)))
        problems = [problem for node in nodes for problem in check_model(node, model(writer), sample)]
        ids = [ids_by_source(node, sample[:15]) for node in nodes]
        check("every node holds the acknowledged documents with the same ids", not problems and ids[0] == ids[1] == ids[2],
              "; ".join(problems[:5]) or f"{len(writer.acknowledged)} documents on 3 nodes, passage ids agree on {len(sample[:15])} sampled")

        # The CLI commits to the cluster too: every node applies what it ingested.
        cli = subprocess.run([args.quarry, "ingest", "--cluster-url", url, "--models", args.models, "--collection", "cli",
                              os.path.join(ROOT, "courses/sample/markdown")], capture_output=True, text=True)
        files = len([name for name in os.listdir(os.path.join(ROOT, "courses/sample/markdown")) if name.endswith(".md")])
        last_seq = cli.stdout.rsplit("last seq ", 1)[-1].split(",")[0] if cli.returncode == 0 else "0"
        counts = [call(node.base, "GET", "/v1/collections/cli", headers={"Quarry-Min-Seq": last_seq})[1] for node in nodes]
        agreed = all(isinstance(count, dict) and count.get("documents") == files for count in counts)
        check("quarry ingest --cluster-url reaches every node", cli.returncode == 0 and agreed,
              f"{cli.stdout.strip() or cli.stderr.strip()[-300:]}; documents per node: "
              f"{[count.get('documents') if isinstance(count, dict) else count for count in counts]}")

        # Aliases: set through one node, they name the collection on every node.
        status, alias = call(nodes[0].base, "PUT", "/v1/aliases/current", {"collection": COLLECTION})
        alias_seq = {"Quarry-Min-Seq": str(alias.get("seq") if isinstance(alias, dict) else 0)}
        views = [call(node.base, "GET", "/v1/aliases", headers=alias_seq)[1] for node in nodes]
        named = [call(node.base, "GET", "/v1/collections/current", headers=alias_seq)[1] for node in nodes]
        agreed = all(isinstance(view, dict) and {"alias": "current", "collection": COLLECTION} in view.get("aliases", [])
                     for view in views) and all(isinstance(summary, dict) and summary.get("name") == COLLECTION for summary in named)
        check("an alias set through one node names the collection on every node", status == 201 and agreed,
              f"PUT /v1/aliases/current on node1: HTTP {status}, seq {alias_seq['Quarry-Min-Seq']}; "
              f"GET /v1/collections/current names {[summary.get('name') if isinstance(summary, dict) else summary for summary in named]}")

        # 9. Images uploaded through any node reach every node (file, metadata, vector, id), and
        #    so does deleting one item.
        images = check_images(nodes)
        check("images uploaded through any node are on every node; deleting one reaches every node", not images["problems"],
              "; ".join(images["problems"][:5]) or f"3 images uploaded through node1, node2 and node3: on every node the item, "
              f"the file (byte for byte) and a search with the same picture (first result) agree; item deleted through node3 "
              f"is 404 on every node")
        cli = subprocess.run([args.quarry, "ingest-images", "--cluster-url", url, "--models", args.models, "--collection", "fixtures",
                              "--allow-failures", IMAGE_FIXTURES], capture_output=True, text=True)
        committed = int(cli.stdout.split(" committed")[0].rsplit("(", 1)[-1]) if cli.returncode == 0 else -1
        last_seq = cli.stdout.rsplit("last seq ", 1)[-1].split(",")[0] if cli.returncode == 0 else "0"
        counts = [call(node.base, "GET", "/v1/collections/fixtures", headers={"Quarry-Min-Seq": last_seq})[1] for node in nodes]
        counts = [count.get("images") if isinstance(count, dict) else count for count in counts]
        check("quarry ingest-images --cluster-url reaches every node", committed > 0 and counts == [committed] * len(nodes),
              f"{cli.stdout.strip() or cli.stderr.strip()[-300:]}; images per node: {counts}")

        # 8. A sharded collection (2 shards x 2 replicas over the three nodes) answers every query on
        #    every node exactly as one Flat index holding everything does, also with a node down.
        sharding = check_sharding(nodes, through_nginx)
        report["sharding"] = sharding["report"]
        check("a sharded collection (2 shards x 2 replicas) answers what one Flat index answers", not sharding["problems"],
              "; ".join(sharding["problems"][:5]) or sharding["detail"])

        # 2. SIGKILL of a node while a second client writes through it; it catches up after restart.
        victim = nodes[1]
        write_phase(args.seconds, [(writer, live(nodes[0], nodes[2])), (second, live(victim))], event=victim.kill)
        unanswered = len(second.unsettled)
        landed = second.settle(primary.port)
        caught_up, _ = start_and_catch_up(victim, [nodes[0], nodes[2]], timeout=30)
        problems = [problem for node in nodes for problem in check_model(node, model(writer, second), sample)]
        report["node_kill"] = {"catch_up_s": round(caught_up, 2), "documents": len(model(writer, second)),
                               "unanswered_writes": unanswered, "unanswered_but_committed": landed}
        check("SIGKILL of a node loses no acknowledged write; it catches up", not problems and not writer.failures,
              "; ".join(problems[:5]) or f"{unanswered} write(s) in flight on node2 at the kill ({landed} committed before it); "
              f"node2 restarted and caught up in {caught_up:.1f} s (including start-up); "
              f"{len(model(writer, second))} documents agree on all nodes")

        # 5. Reads through nginx while a node is down.
        nodes[2].kill()
        answered = [call(through_nginx, "POST", f"/v1/collections/{COLLECTION}/search", {"query": "向量检索", "top_k": 5})[0]
                    for _ in range(30)]
        check("reads through nginx skip a dead node", answered.count(200) == 30,
              f"{answered.count(200)}/30 searches answered 200 with node3 down")
        nodes[2].start()

        # 3. Failover: SIGKILL the primary while two clients write, then promote the standby.
        failover = {}

        def kill_primary():
            primary.kill()
            failover["killed_at"] = time.time()
            time.sleep(1)
            as_postgres([f"{PG_BIN}/pg_ctl", "-D", standby.folder, "-w", "promote"])
            failover["promoted_at"] = time.time()

        acknowledged_before = len(writer.acks) + len(second.acks)
        write_phase(args.seconds * 1.5, [(writer, live()), (second, live())], event=kill_primary)
        unanswered = len(writer.unsettled) + len(second.unsettled)
        landed = writer.settle(standby.port) + second.settle(standby.port)
        after_kill = sorted(at for at, _ in writer.acks + second.acks if at > failover["killed_at"])
        resume_s = (after_kill[0] - failover["killed_at"]) if after_kill else None
        last_seq = int(psql(standby.port, "SELECT last_seq FROM quarry_log_head"))
        catch_up_limit_s = 30
        caught_up_s = wait_until_applied(nodes, last_seq, timeout=catch_up_limit_s)
        expected = model(writer, second)
        problems = [f"{node.name} had applied only up to {node.applied()} of {last_seq} after {catch_up_limit_s} s"
                    for node in nodes if (node.applied() or 0) < last_seq]
        problems += [problem for node in nodes for problem in check_model(node, expected, sample)]
        rows = int(psql(standby.port, f"SELECT count(*) FROM quarry_documents WHERE collection = '{COLLECTION}'"))
        if rows != len(expected):
            problems.append(f"the promoted standby holds {rows} documents, {len(expected)} acknowledged")
        report["failover"] = {"writes_resumed_s": round(resume_s, 2) if resume_s is not None else None,
                              "unanswered_writes": unanswered, "unanswered_but_committed": landed,
                              "acknowledged_in_phase": len(writer.acks) + len(second.acks) - acknowledged_before,
                              "every_node_applied_s": round(caught_up_s, 2),
                              "promote_after_kill_s": round(failover["promoted_at"] - failover["killed_at"], 2)}
        check("primary killed and standby promoted: writes resume within 10 s, none acknowledged lost",
              resume_s is not None and resume_s <= 10 and not problems,
              "; ".join(problems[:5]) or f"first acknowledged write {resume_s:.1f} s after the kill (promotion 1 s after it); "
              f"{unanswered} writes unanswered meanwhile ({landed} of them committed), no acknowledged write lost; "
              f"every node had applied the last one (seq {last_seq}) {caught_up_s:.1f} s after the writes ended; "
              f"{len(expected)} documents on the promoted standby and every node")

        # 4. A node bootstrapped from nothing converges, from the rows once the log is pruned.
        deadline = time.time() + 45
        while int(psql(standby.port, "SELECT coalesce(min(seq), 0) FROM quarry_changes")) <= 1 and time.time() < deadline:
            time.sleep(1)
        oldest, latest_seq = psql(standby.port, "SELECT coalesce(min(seq), 0), (SELECT last_seq FROM quarry_log_head) "
                                                "FROM quarry_changes").split("|")
        check("the log is pruned to what some node still needs", int(oldest) > 1,
              f"oldest entry kept {oldest} of {latest_seq} (every node had applied the ones before)")
        fresh = Node(args.quarry, "node4", os.path.join(folder, "node4"), free_port(), url, args.models)
        converged, latest = start_and_catch_up(fresh, nodes, timeout=60)
        nodes.append(fresh)
        problems = check_model(fresh, model(writer, second), sample)
        fresh_ids = ids_by_source(fresh, sample[:15])
        if fresh_ids != ids_by_source(nodes[0], sample[:15]):
            problems.append("node4's passage ids differ from node1's")
        for name, image_id in images["images"].items():
            if call(fresh.base, "GET", f"/v1/collections/shop/items/{image_id}")[0] != 200:
                problems.append(f"node4 lacks image {image_id} ({name})")
        fresh_aliases = call(fresh.base, "GET", "/v1/aliases")[1]
        if not isinstance(fresh_aliases, dict) or fresh_aliases.get("aliases") != [{"alias": "current", "collection": COLLECTION}]:
            problems.append(f"node4's aliases are {fresh_aliases}")
        report["bootstrap"] = {"converged_s": round(converged, 2), "log_entries": latest}
        check("a node started on an empty folder converges", not problems,
              "; ".join(problems[:5]) or f"node4 bootstrapped from the rows to seq {latest} in {converged:.1f} s (including "
              f"start-up); documents, versions, passage ids, images and aliases agree")

        # 6. The database away for longer than a write's patience (20 s): searches go on from each
        #    node's local view, /health reports the outage, the write answers 503
        #    cluster_unavailable, and writes resume once the database is back.
        standby.stop()
        outage_started = time.time()
        waiting = Writer(seed=19, first_number=90_000)
        waited = threading.Thread(target=lambda: waiting.write(nodes[0].base))
        waited.start()
        searched, health = [], {}
        while waited.is_alive() and time.time() - outage_started < 60:
            for node in nodes:
                searched.append(call(node.base, "POST", f"/v1/collections/{COLLECTION}/search", {"query": "向量检索", "top_k": 5})[0])
            if not health and time.time() - outage_started > 5:
                health = call(nodes[0].base, "GET", "/health")[1]
            time.sleep(0.5)
        waited.join()
        write_seconds = time.time() - outage_started
        refused = waiting.failures[0] if waiting.failures else (None, None, None)
        refusal_code = refused[2].get("error", {}).get("code") if isinstance(refused[2], dict) else refused[2]
        standby.start()
        back = time.time()
        resumed = None
        while resumed is None and time.time() - back < 30:
            if waiting.write(nodes[0].base):
                resumed = time.time() - back
            else:
                time.sleep(0.5)
        health_after = call(nodes[0].base, "GET", "/health")[1]
        cluster_health = health.get("cluster", {}) if isinstance(health, dict) else {}
        report["outage"] = {"write_answered_s": round(write_seconds, 1), "write_status": refused[1],
                            "searches": len(searched), "searches_ok": searched.count(200),
                            "writes_resumed_s": round(resumed, 1) if resumed is not None else None}
        check("database away for 20 s: searches go on, /health degraded, the write answers 503, writes resume",
              refused[1] == 503 and refusal_code == "cluster_unavailable" and 18 <= write_seconds <= 45
              and searched and searched.count(200) == len(searched)
              and health.get("status") == "degraded" and cluster_health.get("database_reachable") is False
              and resumed is not None and isinstance(health_after, dict) and health_after.get("status") == "ok",
              f"write answered {refused[1]} {refusal_code} after {write_seconds:.1f} s; {searched.count(200)}/{len(searched)} "
              f"searches answered 200 on 4 nodes meanwhile; /health {health.get('status') if isinstance(health, dict) else health}, "
              f"database_reachable {cluster_health.get('database_reachable')}; after restart a write succeeded in "
              f"{resumed if resumed is None else round(resumed, 1)} s and /health is "
              f"{health_after.get('status') if isinstance(health_after, dict) else health_after}")
    except Exception as error:  # a setup failure is a failed check with its reason
        check("cluster set-up", False, f"{type(error).__name__}: {error}")
    finally:
        stop_all(nodes, nginx, (primary, standby))
        if args.report:
            with open(args.report, "w") as file:
                json.dump(report, file, indent=2)
        if args.keep or not all(results):
            print(f"== logs kept in {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed", flush=True)
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
