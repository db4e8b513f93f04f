"""Crash test: a live `quarry serve` is killed with SIGKILL at random moments
while a client adds documents through the API; after each restart, every
document whose write was acknowledged (201) must be searchable and the index
must hold exactly as many vectors as the store holds passages.

Finally the server is stopped with SIGTERM: it must exit 0 having checkpointed,
so that the next start finds its index complete.

The servers get an admin token file (writes need the token): --token, else
QUARRY_ADMIN_TOKEN, else a random token.

Prints one line per round and a closing "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

# The admin token the servers are started with and the writer sends; set by main().
TOKEN = None


def request(base_url, method, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status, json.load(response)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_token_file(data):
    """The admin token in a file only this user can read, for --admin-token-file."""
    path = os.path.join(data, "admin-token")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(TOKEN + "\n")
    return path


def start_server(quarry, data, port, log):
    # The token comes from the file alone: no QUARRY_ADMIN_TOKEN* of the caller's environment.
    environment = {k: v for k, v in os.environ.items() if k not in ("QUARRY_ADMIN_TOKEN", "QUARRY_ADMIN_TOKEN_FILE")}
    process = subprocess.Popen(
        [quarry, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(port),
         "--admin-token-file", os.path.join(data, "admin-token")],
        stdout=log, stderr=log, env=environment,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"quarry serve exited with status {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server not ready within 120 s")


def document(number):
    # Distinct content per document: a numbered sentence with a unique code word.
    return {
        "source": f"notes/{number:05d}.md",
        "text": f"# 笔记 {number}\n\n第 {number} 号记录：代号 Q{number:05d}X 的样品在 {number % 97} 摄氏度下完成测试。",
    }


def writer(base_url, start, stop, acknowledged):
    number = start
    while not stop.is_set():
        try:
            status, _ = request(base_url, "POST", "/v1/collections/notes/documents", {"documents": [document(number)]}, timeout=10)
            if status == 201:
                acknowledged.append(number)
        except (OSError, urllib.error.URLError, ValueError):
            return  # the server was killed; anything not acknowledged may be lost
        number += 1


def check(base_url, acknowledged):
    _, details = request(base_url, "GET", "/v1/collections/notes")
    problems = []
    if details["vectors"] != details["passages"]:
        problems.append(f"index holds {details['vectors']} vectors, store {details['passages']} passages")
    for number in acknowledged:
        _, answer = request(base_url, "POST", "/v1/collections/notes/search",
                            {"query": f"代号 Q{number:05d}X 的样品", "top_k": 3, "mode": "hybrid"})
        sources = [result["source"] for result in answer["results"]]
        if f"notes/{number:05d}.md" not in sources:
            problems.append(f"acknowledged document {number} not found (got {sources})")
    return details, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--token", default=os.environ.get("QUARRY_ADMIN_TOKEN"),
                        help="admin token for the servers (default: $QUARRY_ADMIN_TOKEN, else a random one)")
    arguments = parser.parse_args()
    random.seed(arguments.seed)
    global TOKEN
    TOKEN = arguments.token or secrets.token_urlsafe(24)

    data = tempfile.mkdtemp(prefix="quarry-crash-test-")
    write_token_file(data)
    log = open(os.path.join(data, "serve.log"), "ab")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    seed = os.path.join(data, "seed")
    os.makedirs(seed)
    with open(os.path.join(seed, "00000.md"), "w") as file:
        file.write(document(0)["text"])
    subprocess.run([arguments.quarry, "ingest", "--data", data, "--collection", "notes", seed], check=True, stdout=subprocess.DEVNULL)
    server = start_server(arguments.quarry, data, port, log)
    passed = failed = 0
    acknowledged = []
    next_number = 1
    try:
        for kill in range(1, arguments.kills + 1):
            stop = threading.Event()
            round_acknowledged = []
            thread = threading.Thread(target=writer, args=(base_url, next_number, stop, round_acknowledged))
            thread.start()
            time.sleep(random.uniform(0.2, 1.5))
            server.send_signal(signal.SIGKILL)
            server.wait()
            stop.set()
            thread.join()
            acknowledged += round_acknowledged
            next_number += 1_000
            server = start_server(arguments.quarry, data, port, log)
            # Every document of this round, and a sample of the earlier ones.
            earlier = acknowledged[:-len(round_acknowledged)] if round_acknowledged else acknowledged
            details, problems = check(base_url, round_acknowledged + random.sample(earlier, min(40, len(earlier))))
            ok = not problems
            passed += ok
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'} kill {kill}: {len(round_acknowledged)} acknowledged this round, "
                  f"{len(acknowledged)} in all, {details['passages']} passages, {details['vectors']} vectors")
            for problem in problems[:5]:
                print("    " + problem)
        # A graceful stop: SIGTERM drains requests, checkpoints every index and exits 0;
        # the next start then needs no repair.
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=60)
        log.flush()
        mark = os.path.getsize(os.path.join(data, "serve.log"))
        server = start_server(arguments.quarry, data, port, log)
        time.sleep(0.5)
        with open(os.path.join(data, "serve.log"), "rb") as file:
            file.seek(mark)
            repaired = b"index repaired" in file.read()
        ok = status == 0 and not repaired
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} SIGTERM: exit status {status}, next start {'repaired the index' if repaired else 'found the index complete'}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    log.close()
    if not failed:
        shutil.rmtree(data, ignore_errors=True)
    else:
        print(f"data and server log kept in {data}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed < arguments.kills + 1 else 0)


if __name__ == "__main__":
    main()
