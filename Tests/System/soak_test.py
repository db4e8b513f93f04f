#!/usr/bin/env python3
"""A mixed read/write soak of a running Quarry server on loopback.

Searchers send unique text searches; a writer adds documents with a unique marker word
each, over a pool of LIVE_SOURCES sources (so it also replaces documents and the collection
stops growing after warm-up, and RSS growth measures leaks, not data), and deletes every
fourth written source again, through the admin token. Every few
seconds it samples the server's resident memory (VmRSS) and open file descriptors. At the
end it checks that every acknowledged document that was not deleted is found by its marker,
filtered to its source, and that no deleted one is.

Reports: RSS after warm-up (the first fifth) and at the end, growth in %; file descriptors
min/max after warm-up; 5xx answers; acknowledged writes lost. Goals (issue #14): growth
< 5 %, 0 5xx, 0 lost, and stable descriptors: back within 16 of the warm-up minimum once the
load stops (a leak would not be), and within 32 of it while it runs (a write opens the keyword
index's Xapian writer, about 8 descriptors, and each concurrent search holds a reader of it).

    soak_test.py --base-url URL --server-pid PID --seconds 120   (make test)
    soak_test.py --base-url URL --server-pid PID --seconds 1800  (make bench-soak)
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


# Sources the writer cycles through: enough to exercise many documents, few enough that the
# collection reaches its full size during warm-up.
LIVE_SOURCES = 300

def call(base_url, method, path, body=None, token=None, timeout=30):
    """(status, JSON answer or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload)
        except ValueError:
            return error.code, None


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Soak:
    def __init__(self, arguments):
        self.base_url = arguments.base_url
        self.collection = arguments.collection
        self.token = os.environ.get("QUARRY_ADMIN_TOKEN")
        self.pid = arguments.server_pid
        self.seconds = arguments.seconds
        self.deadline = time.monotonic() + arguments.seconds
        self.lock = threading.Lock()
        self.statuses = {}
        self.acknowledged = 0
        self.kept = {}       # source -> marker, acknowledged and not deleted
        self.deleted = {}    # source -> marker, acknowledged deletions
        self.samples = []    # (seconds since start, RSS KiB, descriptors)
        self.started = time.monotonic()

    def count(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def searcher(self, number):
        words = ["向量", "索引", "HNSW", "IVF", "nprobe", "乘积量化", "召回率", "Faiss", "相似度", "检索"]
        counter = 0
        while time.monotonic() < self.deadline:
            counter += 1
            query = " ".join(random.sample(words, 3)) + f" {number}-{counter}"
            status, _ = call(self.base_url, "POST", f"/v1/collections/{self.collection}/search", {"query": query, "top_k": 5})
            self.count(status)

    def writer(self):
        number = 0
        while time.monotonic() < self.deadline:
            number += 1
            source = f"soak/{number % LIVE_SOURCES}.md"
            marker = f"soakmarker{number}x{random.randrange(10**9)}"
            text = f"# 浸泡测试 {number}\n\n这一段记录浸泡测试的第 {number} 次写入，标记 {marker}。向量检索要稳定。"
            status, _ = call(self.base_url, "POST", f"/v1/collections/{self.collection}/documents",
                             {"documents": [{"source": source, "text": text}]}, self.token)
            self.count(status)
            if status in (200, 201):
                with self.lock:
                    self.acknowledged += 1
                    self.kept[source] = marker
                    self.deleted.pop(source, None)
            if number % 4 == 0:
                with self.lock:
                    victim = random.choice(sorted(self.kept)) if self.kept else None
                if victim:
                    status, _ = call(self.base_url, "DELETE",
                                     f"/v1/collections/{self.collection}/documents?source={urllib.parse.quote(victim)}",
                                     token=self.token)
                    self.count(status)
                    if status == 200:
                        with self.lock:
                            self.acknowledged += 1
                            self.deleted[victim] = self.kept.pop(victim)
            time.sleep(0.05)

    def sampler(self):
        while time.monotonic() < self.deadline:
            self.samples.append((time.monotonic() - self.started, rss_kib(self.pid), descriptors(self.pid)))
            time.sleep(min(5, self.seconds / 20))

    def found(self, source, marker):
        status, answer = call(self.base_url, "POST", f"/v1/collections/{self.collection}/search",
                              {"query": marker, "top_k": 5, "mode": "keyword", "filter": {"source": source}})
        return status == 200 and any(marker in result.get("text", "") for result in answer.get("results", []))

    def run(self, searchers):
        threads = [threading.Thread(target=self.searcher, args=(n,)) for n in range(searchers)]
        threads += [threading.Thread(target=self.writer), threading.Thread(target=self.sampler)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.samples.append((time.monotonic() - self.started, rss_kib(self.pid), descriptors(self.pid)))

        lost = [source for source, marker in self.kept.items() if not self.found(source, marker)]
        resurrected = [source for source, marker in self.deleted.items() if self.found(source, marker)]
        warm = [sample for sample in self.samples if sample[0] >= self.seconds / 5] or self.samples
        rss_start, rss_end = warm[0][1], self.samples[-1][1]
        growth = 100 * (rss_end - rss_start) / max(rss_start, 1)
        fds = [sample[2] for sample in warm]
        server_errors = sum(count for status, count in self.statuses.items() if status >= 500 and status != 503)
        print(f"| soak | {self.seconds:.0f} s | requests {sum(self.statuses.values())} {dict(sorted(self.statuses.items()))} |")
        print(f"| RSS after warm-up | {rss_start / 1024:.1f} MiB | at end | {rss_end / 1024:.1f} MiB | growth | {growth:+.1f} % |")
        print(f"| file descriptors after warm-up | min {min(fds)} | max {max(fds)} | at end {self.samples[-1][2]} |")
        print(f"| 5xx (not 503) | {server_errors} | writes acknowledged | {self.acknowledged} "
              f"| lost | {len(lost)} | deleted but found | {len(resurrected)} |", flush=True)
        failures = []
        if server_errors:
            failures.append(f"{server_errors} 5xx answers")
        if lost:
            failures.append(f"acknowledged documents not found: {lost[:5]}")
        if resurrected:
            failures.append(f"deleted documents still found: {resurrected[:5]}")
        if self.samples[-1][2] - min(fds) > 16:
            failures.append(f"file descriptors not given back: {min(fds)} after warm-up, {self.samples[-1][2]} at the end")
        if max(fds) - min(fds) > 32:
            failures.append(f"file descriptors drift from {min(fds)} to {max(fds)}")
        if growth > 5 and self.seconds >= 600:
            failures.append(f"RSS grew {growth:.1f} % after warm-up")
        return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--collection", default="course")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--searchers", type=int, default=8)
    arguments = parser.parse_args()
    random.seed(20261205)
    failures = Soak(arguments).run(arguments.searchers)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
