#!/usr/bin/env python3
"""Query latency of a running `quarry serve`: POST each image of a list to
/v1/collections/C/search/image, one at a time over one keep-alive connection, and time each
request on the client (upload, decode, embed, search, metadata, JSON answer).

    query_http.py --port P --collection C --folder DIR --queries FILE [--top-k K] [--warm-up W]

Waits up to 60 s for GET /ready first. FILE holds one image path per line, relative to DIR; the
first W images are queried once before, untimed. Prints {"queries", "p50_ms", "p95_ms", "mean_ms"}.
"""
import argparse
import http.client
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from timing import time_queries  # noqa: E402


def wait_ready(port, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/ready")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("query_http: quarry serve is not ready on port %d after %d s" % (port, seconds))
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--folder", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--warm-up", type=int, default=5)
    a = ap.parse_args()
    with open(a.queries) as f:
        images = []
        for line in f:
            if line.strip():
                with open(os.path.join(a.folder, line.strip()), "rb") as image:
                    images.append(image.read())

    wait_ready(a.port)
    connection = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
    path = "/v1/collections/%s/search/image?top_k=%d" % (a.collection, a.top_k)

    def search(body):
        connection.request("POST", path, body=body, headers={"Content-Type": "image/png"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit("query_http: HTTP %d: %s" % (response.status, answer[:300]))
        if len(json.loads(answer)["results"]) != a.top_k:
            raise SystemExit("query_http: expected %d results: %s" % (a.top_k, answer[:300]))

    print(json.dumps(time_queries(search, images, a.warm_up)))


if __name__ == "__main__":
    main()
