#!/usr/bin/env python3
"""Hostile-client suite: the attacks of issue #15 against a real `quarry serve`.

Builds its own small data folder (the sample course as `course`, 500 Fashion-MNIST
test images as `fashion`), starts a server with an admin token file, short
connection timeouts and small load limits, and runs every attack as a named
check while a separate process polls GET /health every 50 ms:

  1  multipart part header ending in a bare LF (issue #15's body)   → 400
  2  PNGs of 1,000,000×1, 1×1,000,000, 20,000×1 and 10,000×8,000   → 422 fast
  3  multipart body of `--B` repeated, 120 KB / 480 KB, no newline → 400 < 1 s
  4  one character with 200,000 combining marks as a query          → 400 fast
  5  12 concurrent 1,000-character /text-search queries             → 200, /health fast
  6  reindex with FAISS factories that crash FAISS                  → 400 JSON error
  7  `…/search/` (trailing slash) is load-shed like `…/search`
  8  sockets: oversized headers (no FIN-WAIT-2 left), slow header / body drip,
     idle keep-alive, huge Content-Length (413 at once), HTTP/1.0 close,
     Expect: 100-continue, bad chunk size, HEAD /health and HEAD /
  9  writes need the token: wrong/no token → 401, right token → success;
     a server without a token refuses every write (401) unless started with
     --insecure-open-writes

A server that dies or stops answering during a check is noted against that check
and restarted, so the remaining checks still run. At the end it prints a table
(check, expected, got, worst /health latency during the check, pass) and the
/health max and p99 over the whole attack period, and exits 1 when any check
failed, the server crashed or exited, its log shows a crash, or /health ever took
more than 100 ms.

    python3 Tests/System/hostile_client_test.py --quarry .build/release/quarry

Standard library only. Takes about two minutes (most of it building the data).
"""

import argparse
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import secrets
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from forms import multipart

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
HEALTH_LIMIT_MS = 100.0
# Short connection timeouts for the suite's server (seconds): header, body, idle.
TIMEOUT_FLAGS = {"--header-timeout": 2.0, "--body-timeout": 3.0, "--idle-timeout": 3.0}
# Small explicit load limits, so that load shedding shows at 45 concurrent searches on any machine.
# The default latency objective; at most 16 searches in flight, so that bursts of a few dozen
# searches are shed on 2 cores while single searches are answered.
LATENCY_OBJECTIVE_MS, HARD_LIMIT = 500, 16
# Lines of a server log that mean a crash (Swift runtime traps, the backtracer, signals).
CRASH_PATTERN = re.compile(
    r"Fatal error|Program crashed|crashed:|Segmentation fault|SIGSEGV|SIGFPE|SIGILL|SIGBUS|SIGABRT|SIGTRAP|"
    r"Illegal instruction|Floating point exception|Current stack trace|terminate called|Aborted \(core"
)


# MARK: - small helpers

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def png(width, height, seed=None):
    """A grayscale 8-bit PNG, written by hand (IHDR, IDAT, IEND). Black unless `seed` asks for noise."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    parts = []
    if seed is None:
        row = b"\x00" + bytes(width)
        batch = max(1, (4 << 20) // len(row))
        left = height
        while left:
            n = min(batch, left)
            parts.append(compressor.compress(row * n))
            left -= n
    else:
        rng = random.Random(seed)
        for _ in range(height):
            parts.append(compressor.compress(b"\x00" + bytes(rng.randrange(256) for _ in range(width))))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


class Reply:
    def __init__(self, status=None, headers=None, body=b"", elapsed=0.0, error=None):
        self.status, self.headers, self.body, self.elapsed, self.error = status, headers or {}, body, elapsed, error

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def is_json_error(self):
        body = self.json()
        detail = body.get("error") if isinstance(body, dict) else None
        return isinstance(detail, dict) and isinstance(detail.get("code"), str) and isinstance(detail.get("message"), str)

    def code(self):
        body = self.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return body["error"].get("code")
        return None

    def degraded(self):
        """Whether the answer says it ran degraded: JSON `"degraded": true` or a header saying so."""
        body = self.json()
        if isinstance(body, dict) and body.get("degraded") is True:
            return True
        return any("degrad" in name and value.strip().lower() not in ("0", "false", "no")
                   for name, value in self.headers.items())

    def describe(self):
        if self.status is None:
            return f"no answer ({self.error}) after {self.elapsed:.2f} s"
        code = self.code()
        return f"{self.status}{' ' + code if code else ''} in {self.elapsed:.2f} s"


def http_request(port, method, path, body=None, headers=None, timeout=10.0):
    """One request on a fresh connection; never raises."""
    start = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.monotonic() - start)
    except (OSError, http.client.HTTPException) as error:
        return Reply(elapsed=time.monotonic() - start, error=type(error).__name__)
    finally:
        connection.close()


def json_request(port, method, path, payload, headers=None, timeout=10.0):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return http_request(port, method, path, body, {"Content-Type": "application/json", **(headers or {})}, timeout)


class RawResponse:
    def __init__(self):
        self.status = None
        self.interim = []      # 1xx status codes seen before the final answer
        self.headers = {}
        self.body = b""
        self.closed = False    # the server closed (EOF or reset) while or after answering
        self.error = None


def read_response(sock, timeout, head_only=False):
    """Reads one HTTP response (skipping 1xx) from a raw socket within `timeout` seconds."""
    result = RawResponse()
    deadline = time.monotonic() + timeout
    buffer = b""

    def fill():
        nonlocal buffer
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        data = sock.recv(65536)
        if not data:
            raise EOFError
        buffer += data

    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                fill()
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            if 100 <= status < 200:
                result.interim.append(status)
                continue
            result.status, result.headers = status, headers
            break
        if head_only:
            result.body = buffer
            return result
        if "content-length" in result.headers:
            length = int(result.headers["content-length"])
            while len(buffer) < length:
                fill()
            result.body = buffer[:length]
        elif "chunked" in result.headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                while b"\r\n" not in buffer:
                    fill()
                size_line, buffer = buffer.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    break
                while len(buffer) < size + 2:
                    fill()
                body += buffer[:size]
                buffer = buffer[size + 2:]
            result.body = body
        else:
            try:
                while True:
                    fill()
            except EOFError:
                result.closed = True
            result.body = buffer
    except EOFError:
        result.closed = True
    except (ConnectionResetError, BrokenPipeError):
        result.closed = True
        result.error = "reset"
    except (TimeoutError, socket.timeout):
        result.error = "timeout"
    except (ValueError, IndexError) as error:
        result.error = f"unparsable answer: {error}"
    return result


def peer_closed(sock):
    """Reads and drops what a readable `sock` holds; True when the server has closed it (EOF or reset)."""
    try:
        return not sock.recv(65536)
    except OSError:
        return True


def wait_closed(sock, timeout):
    """Seconds until the server closes `sock` (EOF or reset), reading and dropping what it sends; None if it stays open."""
    start = time.monotonic()
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            return None
        readable, _, _ = select.select([sock], [], [], left)
        if readable and peer_closed(sock):
            return time.monotonic() - start


def fin_wait2_peer_ports(port):
    """Peer ports of the sockets on local port `port` in FIN-WAIT-2 (what `ss -tan state fin-wait-2 '( sport = :PORT )'` lists)."""
    peers = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "05" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                peers.add(int(fields[2].rsplit(":", 1)[1], 16))
    return peers


# MARK: - /health poller (a separate process, so the client's own threads cannot delay it)

def poll_health(port, interval, stop, connection):
    samples = []  # (monotonic start, latency in seconds or None, status or error name)
    while not stop.is_set():
        start = time.monotonic()
        client = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            client.request("GET", "/health")
            response = client.getresponse()
            response.read()
            samples.append((start, time.monotonic() - start, response.status))
        except socket.timeout:
            samples.append((start, time.monotonic() - start, "timeout"))
        except (OSError, http.client.HTTPException) as error:
            samples.append((start, None, type(error).__name__))
        finally:
            client.close()
        if len(samples) == 1:
            connection.send("ready")
        time.sleep(max(0.0, start + interval - time.monotonic()))
    connection.send(samples)
    connection.close()


class HealthPoller:
    def __init__(self, port, interval=0.05):
        context = multiprocessing.get_context("spawn")
        self.stop_event = context.Event()
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=poll_health, args=(port, interval, self.stop_event, sender), daemon=True)
        self.process.start()
        sender.close()
        self.samples = []
        if not self.receiver.poll(30) or self.receiver.recv() != "ready":
            raise RuntimeError("the /health poller did not start")

    def stop(self):
        self.stop_event.set()
        if self.receiver.poll(30):
            self.samples = self.receiver.recv()
        self.process.join(10)
        return self.samples


# MARK: - the server under test

class Server:
    def __init__(self, quarry, data, logs, name, port, extra):
        self.quarry, self.data, self.logs, self.name, self.port, self.extra = quarry, data, logs, name, port, extra
        self.process = None
        self.starts = 0
        self.incidents = []   # (check, what happened)
        self.log_paths = []

    def start(self):
        self.starts += 1
        log_path = self.logs / f"{self.name}-{self.starts}.log"
        self.log_paths.append(log_path)
        self.log_offset = 0
        environment = {k: v for k, v in os.environ.items() if not k.startswith("QUARRY_")}
        command = [self.quarry, "serve", "--data", str(self.data), "--host", HOST, "--port", str(self.port),
                   "--default-collection", "course"] + self.extra
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment, cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-800:]
                raise RuntimeError(f"{self.name}: quarry serve exited with status {self.process.returncode}: {tail}")
            if http_request(self.port, "GET", "/ready", timeout=2).status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: not ready within 120 s")

    def new_crash_lines(self):
        """Crash lines the current log gained since the last call."""
        path = self.log_paths[-1]
        with open(path, "rb") as log:
            log.seek(self.log_offset)
            text = log.read().decode(errors="replace")
            self.log_offset = log.tell()
        return [line for line in text.splitlines() if CRASH_PATTERN.search(line)]

    def ensure_healthy(self, check):
        """After a check: notes a crash (in the log or by the exit), death or hang against `check`
        and restarts the server. Returns the note, or None when all is well."""
        crashed = self.new_crash_lines()
        if crashed and self.process.poll() is None:
            try:
                self.process.wait(timeout=15)   # the backtracer may still be writing
            except subprocess.TimeoutExpired:
                pass
        status = self.process.poll()
        if status is not None:
            how = f"killed by {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
            note = f"SERVER DIED ({how})"
        elif crashed:
            note = "SERVER CRASH IN LOG"
        else:
            for _ in range(2):
                if http_request(self.port, "GET", "/health", timeout=5).status == 200:
                    crashed = self.new_crash_lines()   # written while the probe waited?
                    if not crashed:
                        return None
                    break
            note = "SERVER CRASH IN LOG" if crashed else "SERVER UNRESPONSIVE (/health, 2 × 5 s)"
        if crashed:
            note += ": " + crashed[0].strip()[:120]
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
            note += ", killed"
        self.incidents.append((check, note))
        self.start()
        return note

    def stop(self, timeout=60):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def crash_lines(self):
        lines = []
        for path in self.log_paths:
            if path.exists():
                for line in path.read_text(errors="replace").splitlines():
                    if CRASH_PATTERN.search(line):
                        lines.append(f"{path.name}: {line[:300]}")
        return lines


# MARK: - the suite

class Result:
    def __init__(self, name, expected, got, passed, start, end):
        self.name, self.expected, self.got, self.passed, self.start, self.end = name, expected, got, passed, start, end
        self.health_ms = None


class Suite:
    def __init__(self, arguments, work):
        self.arguments = arguments
        self.quarry = arguments.quarry
        self.work = work
        self.results = []
        self.token = secrets.token_urlsafe(24)
        self.token_file = work / "admin-token"
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(self.token + "\n")
        self.logs = work / "logs"
        self.logs.mkdir()
        self.help = subprocess.run([self.quarry, "serve", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
        self.server = None
        self.servers = []
        self.nonce = secrets.token_hex(4)

    def supports(self, flag):
        return re.search(re.escape(flag) + r"\b", self.help) is not None

    @property
    def port(self):
        return self.server.port

    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}

    # -- bookkeeping

    def record(self, name, expected, got, passed, start, end):
        self.results.append(Result(name, expected, got, passed, start, end))
        print(f"{'PASS' if passed else 'FAIL'} {name}: expected {expected}; got {got}", flush=True)

    def check(self, name, expected, function):
        """Runs `function() -> (got, passed)` as one check, then makes sure the server survived it."""
        start = time.monotonic()
        try:
            got, passed = function()
        except Exception as error:  # noqa: BLE001 — a broken check fails, the suite goes on
            got, passed = f"test error: {error!r}", False
        end = time.monotonic()
        note = self.server.ensure_healthy(name) if self.server else None
        if note:
            got, passed = f"{got}; {note}", False
        self.record(name, expected, got, passed, start, end)

    def parallel_checks(self, checks):
        """Runs several (name, expected, function) checks at once (the slow ones that mostly wait)."""
        outcomes = {}

        def run(name, function):
            start = time.monotonic()
            try:
                outcomes[name] = (*function(), start, time.monotonic())
            except Exception as error:  # noqa: BLE001
                outcomes[name] = (f"test error: {error!r}", False, start, time.monotonic())

        threads = [threading.Thread(target=run, args=(name, function)) for name, _, function in checks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        note = self.server.ensure_healthy(" + ".join(name for name, _, _ in checks))
        for name, expected, _ in checks:
            got, passed, start, end = outcomes[name]
            if note:
                got, passed = f"{got}; {note}", False
            self.record(name, expected, got, passed, start, end)

    # -- set-up

    def build_data(self):
        data = self.work / "data"
        if self.arguments.prepared_data:
            shutil.copytree(self.arguments.prepared_data, data)
            return data
        quiet = {"stdout": subprocess.DEVNULL, "cwd": ROOT, "check": True}
        subprocess.run([self.quarry, "ingest", "--data", str(data), "--collection", "course", "courses/sample/markdown"], **quiet)
        subprocess.run([self.quarry, "import", "fashion-mnist", "--data", str(data), "--collection", "fashion",
                        "--split", "test", "--limit", str(self.arguments.images)], **quiet)
        return data

    # MARK: attack 1 — bare LF in a multipart part header

    BARE_LF = b"--B\r\nContent-Type: x\n\r\n\x89PNG\r\n--B--\r\n"

    def attack_bare_lf(self):
        routes = [
            ("search/image", "/v1/collections/fashion/search/image", {}),
            ("POST images", "/v1/collections/fashion/images", self.auth()),
            ("POST documents", "/v1/collections/course/documents", self.auth()),
        ]
        for label, path, headers in routes:
            def send(path=path, headers=headers):
                reply = http_request(self.port, "POST", path, self.BARE_LF,
                                     {"Content-Type": "multipart/form-data; boundary=B", **headers}, timeout=10)
                return reply.describe(), reply.status == 400
            self.check(f"1 bare-LF part header → {label}", "400", send)
        # The same flaw further in: a bare LF between two part headers of a real upload.
        body = (b'--B\r\nContent-Disposition: form-data; name="image"; filename="a.png"\n'
                b"Content-Type: image/png\r\n\r\n" + png(8, 8, seed=1) + b"\r\n--B--\r\n")

        def send_inner():
            reply = http_request(self.port, "POST", "/v1/collections/fashion/search/image", body,
                                 {"Content-Type": "multipart/form-data; boundary=B"})
            return reply.describe(), reply.status is not None and (reply.status == 200 or 400 <= reply.status < 500)
        self.check("1 bare LF between part headers → search/image", "4xx (or 200)", send_inner)

    # MARK: attack 2 — extreme PNG dimensions

    def attack_png_dimensions(self):
        cases = [
            ("1,000,000×1", 1_000_000, 1),
            ("1×1,000,000", 1, 1_000_000),
            ("20,000×1", 20_000, 1),
            ("15,000×15,000 (225 MP > 200 MP limit)", 15_000, 15_000),
        ]
        for label, width, height in cases:
            image = png(width, height)
            body, content_type = multipart([("image", "tall.png", "image/png", image)])

            def send(body=body, content_type=content_type, size=len(image)):
                reply = http_request(self.port, "POST", "/v1/collections/fashion/search/image?top_k=3", body,
                                     {"Content-Type": content_type}, timeout=30)
                return f"{reply.describe()} ({size} B PNG)", reply.status == 422 and reply.elapsed < 2
            self.check(f"2 PNG {label} → search/image", "422 < 2 s", send)
        # Under the limit but over 40 MP: decoded reduced while it is read, and answered.
        large = png(10_000, 8_000)
        body, content_type = multipart([("image", "large.png", "image/png", large)])

        def send_large():
            reply = http_request(self.port, "POST", "/v1/collections/fashion/search/image?top_k=3", body,
                                 {"Content-Type": content_type}, timeout=30)
            return f"{reply.describe()} ({len(large)} B PNG)", reply.status == 200 and reply.elapsed < 10
        self.check("2 PNG 10,000×8,000 (80 MP) → search/image", "200 < 10 s", send_large)
        image = png(1_000_000, 1)

        def raw_body():
            reply = http_request(self.port, "POST", "/v1/collections/fashion/search/image", image, {"Content-Type": "image/png"}, 30)
            return reply.describe(), reply.status == 422 and reply.elapsed < 2
        self.check("2 PNG 1,000,000×1 raw image/png body → search/image", "422 < 2 s", raw_body)
        upload, content_type = multipart([("file", "wide.png", "image/png", image), ("category", None, None, b"Hostile")])

        def admin_upload():
            reply = http_request(self.port, "POST", "/v1/collections/fashion/images", upload,
                                 {"Content-Type": content_type, **self.auth()}, timeout=30)
            return reply.describe(), reply.status == 422 and reply.elapsed < 2
        self.check("2 PNG 1,000,000×1 → POST images (token)", "422 < 2 s", admin_upload)

    # MARK: attack 3 — quadratic multipart guard

    def attack_boundary_repeats(self):
        cases = [
            ("120 KB", "/v1/collections/fashion/search/image", {}, 40_000),
            ("480 KB", "/v1/collections/fashion/search/image", {}, 160_000),
            ("480 KB", "/v1/collections/course/documents", self.auth(), 160_000),
            ("480 KB", "/v1/collections/fashion/images", self.auth(), 160_000),
        ]
        for size, path, headers, repeats in cases:
            route = path.split("/", 4)[-1]

            def send(path=path, headers=headers, repeats=repeats):
                reply = http_request(self.port, "POST", path, b"--B" * repeats,
                                     {"Content-Type": "multipart/form-data; boundary=B", **headers}, timeout=8)
                return reply.describe(), reply.status == 400 and reply.elapsed < 1
            self.check(f"3 '--B'×{repeats:,} ({size}) → {route}", "400 < 1 s", send)

    # MARK: attack 4 — combining marks in queries

    def attack_combining_marks(self):
        queries = [
            ("a + 200,000 × U+0301", "a" + "\u0301" * 200_000),
            ("900 × (e + 150 × U+0301)", ("e" + "\u0301" * 150) * 900),
        ]
        for label, query in queries:
            for route, path in (("course/search", "/v1/collections/course/search"), ("text-search", "/text-search")):
                def send(path=path, query=query):
                    reply = json_request(self.port, "POST", path, {"query": query, "top_k": 5}, timeout=8)
                    return reply.describe(), reply.status == 400 and reply.elapsed < 2
                self.check(f"4 query {label} → {route}", "400 < 2 s", send)

    # MARK: attack 5 — /text-search must not block the server

    def attack_concurrent_text_search(self):
        words = ("espresso grind extraction water temperature bloom pour over ratio roast crema channeling "
                 "burr tamping dose yield acidity bitterness sweetness filter kettle brew").split()

        def query(number):
            rng = random.Random(number)
            text = f"question {number} {self.nonce}:"
            while len(text) < 1_000:
                text += " " + rng.choice(words)
            return text[:1_000]

        def run():
            replies = [None] * 12
            barrier = threading.Barrier(12)

            def one(number):
                barrier.wait()
                replies[number] = json_request(self.port, "POST", "/text-search", {"query": query(number), "top_k": 5}, timeout=30)
            threads = [threading.Thread(target=one, args=(n,)) for n in range(12)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            statuses = [r.status for r in replies]
            slowest = max(r.elapsed for r in replies)
            ok = all(s == 200 or (s == 503 and r.code() == "overloaded") for s, r in zip(statuses, replies))
            return f"statuses {histogram(statuses)}, slowest {slowest:.2f} s (health checked below)", ok
        self.check("5 12 concurrent 1,000-char /text-search", "200s, /health < 100 ms", run)

    # MARK: attack 6 — reindex factories

    def attack_reindex_factories(self):
        factories = ["IVF0,Flat", "HNSW0,Flat", "PQ0", "OPQ0,Flat", "NSG32,Flat", "IVF-1,Flat", "HNSW99999", "PQ7",
                     "Flat,Flat", "", "A" * 10_240]
        for factory in factories:
            label = factory if len(factory) <= 20 else f"{factory[:4]}…({len(factory):,} chars)"

            def send(factory=factory):
                reply = json_request(self.port, "POST", "/v1/collections/course/reindex", {"factory": factory},
                                     headers=self.auth(), timeout=20)
                return reply.describe(), reply.status == 400 and reply.is_json_error()
            self.check(f"6 reindex factory {label!r}", "400 JSON error", send)

        def still_searches():
            reply = json_request(self.port, "POST", "/v1/collections/course/search", {"query": "espresso grind", "top_k": 3})
            results = (reply.json() or {}).get("results") if reply.status == 200 else None
            return f"{reply.describe()}, {len(results or [])} results", reply.status == 200 and bool(results)
        self.check("6 course still searchable after the reindex attempts", "200 with results", still_searches)

    # MARK: attack 7 — trailing slash and load shedding

    def attack_trailing_slash(self):
        concurrency = 45
        counts = {}

        def burst(path, round_number):
            replies = [None] * concurrency
            barrier = threading.Barrier(concurrency)

            def one(number):
                body = {"query": f"how fine should espresso be ground {round_number} {number} {self.nonce}", "top_k": 5}
                barrier.wait()
                replies[number] = json_request(self.port, "POST", path, body, timeout=30)
            threads = [threading.Thread(target=one, args=(n,)) for n in range(concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            refused = sum(1 for r in replies if r.status == 503)
            degraded = sum(1 for r in replies if r.status == 200 and r.degraded())
            statuses = histogram([r.status for r in replies])
            return refused, degraded, statuses

        def run():
            for label, path in (("plain", "/v1/collections/course/search"), ("slash", "/v1/collections/course/search/")):
                counts[label] = burst(path, label)
                time.sleep(0.5)
            (p503, pdeg, pstat), (s503, sdeg, sstat) = counts["plain"], counts["slash"]
            plain, slash = p503 + pdeg, s503 + sdeg
            got = f"/search: {p503}×503 + {pdeg} degraded {pstat}; /search/: {s503}×503 + {sdeg} degraded {sstat}"
            slash_unrouted = set(sstat) <= {404, 405}
            if plain == 0:
                return got + " (no shedding on the plain form: inconclusive)", False
            return got, slash_unrouted or slash >= plain / 2
        self.check(f"7 trailing slash shed like /search ({concurrency} concurrent)", "comparable 503+degraded", run)

    # MARK: attack 8 — sockets and timeouts

    def raw_connect(self):
        sock = socket.create_connection((HOST, self.port), timeout=5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def attack_oversized_headers(self):
        def run():
            ports, statuses = [], []
            for kilobytes in (90, 300, 1_024):
                sock = self.raw_connect()
                ports.append(sock.getsockname()[1])
                head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                head += b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1_000) for i in range(kilobytes)) + b"\r\n"
                try:
                    sock.settimeout(3)
                    sock.sendall(head)
                except (socket.timeout, OSError):
                    pass  # the server stopped reading: fine, its answer should be waiting
                answer = read_response(sock, 3)
                # A server that answers early and closes with our bytes unread resets the connection,
                # which may discard its answer here: that is no fault of the server.
                statuses.append(answer.status or ("reset" if answer.error == "reset" else answer.error))
                sock.close()
            deadline = time.monotonic() + 5
            lingering = set(ports)
            while time.monotonic() < deadline:
                lingering = fin_wait2_peer_ports(self.port) & set(ports)
                if not lingering:
                    break
                time.sleep(0.25)
            ok = all(s in (400, 413, 431, "reset") for s in statuses) and not lingering
            return (f"statuses {statuses}; {len(lingering)} server socket(s) still in FIN-WAIT-2 after 5 s"
                    if lingering else f"statuses {statuses}; no FIN-WAIT-2 left"), ok
        self.check("8a >80 KB of headers (90 KB, 300 KB, 1 MB), then close", "400/431, no FIN-WAIT-2 after 5 s", run)

    def attack_slow_clients(self):
        header_timeout, body_timeout, idle_timeout = (TIMEOUT_FLAGS[f] for f in ("--header-timeout", "--body-timeout", "--idle-timeout"))
        slack = 2.0

        def drip(sock, payload, limit):
            """Sends `payload` one byte a second until the server closes; seconds until then, or None."""
            start = time.monotonic()
            position = 0
            while time.monotonic() - start < limit:
                readable, _, _ = select.select([sock], [], [], 1.0)
                if readable:
                    if peer_closed(sock):
                        return time.monotonic() - start
                    continue
                try:
                    sock.send(payload[position:position + 1] or b"a")
                    position += 1
                except OSError:
                    return time.monotonic() - start
            return None

        def verdict(closed_after, timeout):
            if closed_after is None:
                return f"still open after {timeout + slack + 4:.0f} s", False
            return f"closed after {closed_after:.1f} s", closed_after <= timeout + slack

        def header_drip():
            sock = self.raw_connect()
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            closed = drip(sock, b"X-Drip: " + b"a" * 100, header_timeout + slack + 4)
            sock.close()
            return verdict(closed, header_timeout)

        def body_drip():
            sock = self.raw_connect()
            sock.sendall(b"POST /v1/collections/course/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 200\r\n\r\n")
            closed = drip(sock, b'{"query": "' + b"a" * 300, body_timeout + slack + 4)
            sock.close()
            return verdict(closed, body_timeout)

        def idle_keep_alive():
            sock = self.raw_connect()
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = read_response(sock, 5)
            if answer.status != 200:
                return f"GET /health answered {answer.status} ({answer.error})", False
            if answer.closed:
                return "closed right after the answer (no keep-alive)", True
            closed = wait_closed(sock, idle_timeout + slack + 4)
            sock.close()
            return verdict(closed, idle_timeout)

        def silent():
            sock = self.raw_connect()
            closed = wait_closed(sock, max(header_timeout, idle_timeout) + slack + 4)
            sock.close()
            return verdict(closed, max(header_timeout, idle_timeout))

        self.parallel_checks([
            ("8b header dripped 1 byte/s", f"closed within {header_timeout:g} s (+{slack:g})", header_drip),
            ("8b body dripped 1 byte/s", f"closed within {body_timeout:g} s (+{slack:g})", body_drip),
            ("8b idle keep-alive connection", f"closed within {idle_timeout:g} s (+{slack:g})", idle_keep_alive),
            ("8b connection that sends nothing", f"closed within {max(header_timeout, idle_timeout):g} s (+{slack:g})", silent),
        ])

    def attack_huge_content_length(self):
        cases = [
            ("search", "/v1/collections/course/search", "application/json", {}),
            ("documents (token)", "/v1/collections/course/documents", "application/json", self.auth()),
            ("search/image", "/v1/collections/fashion/search/image", "image/png", {}),
        ]
        for label, path, content_type, headers in cases:
            def run(path=path, content_type=content_type, headers=headers):
                sock = self.raw_connect()
                extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                start = time.monotonic()
                sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{extra}"
                              f"Content-Length: 9223372036854775807\r\n\r\n").encode() + b"{")
                answer = read_response(sock, 3)
                elapsed = time.monotonic() - start
                sock.close()
                got = f"{answer.status if answer.status else 'no answer (' + str(answer.error) + ')'} in {elapsed:.2f} s"
                return got, answer.status == 413 and elapsed < 1
            self.check(f"8c Content-Length 2^63-1 → {label}", "413 < 1 s", run)

        def overflow():
            sock = self.raw_connect()
            start = time.monotonic()
            sock.sendall(b"POST /v1/collections/course/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{")
            answer = read_response(sock, 3)
            elapsed = time.monotonic() - start
            sock.close()
            ok = (answer.status in (400, 413) or (answer.status is None and answer.closed)) and elapsed < 1
            return f"{answer.status or ('closed' if answer.closed else answer.error)} in {elapsed:.2f} s", ok
        self.check("8c Content-Length 10^23 (overflows) → search", "400/413 (or close) < 1 s", overflow)

    def attack_http10(self):
        def run():
            sock = self.raw_connect()
            start = time.monotonic()
            sock.sendall(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            answer = read_response(sock, 3)
            closed = answer.closed or wait_closed(sock, 2) is not None
            elapsed = time.monotonic() - start
            sock.close()
            return (f"{answer.status}, connection {'closed' if closed else 'left open'} after {elapsed:.2f} s",
                    answer.status == 200 and closed and elapsed < 1.5)
        self.check("8d HTTP/1.0 without keep-alive", "200, then closed", run)

    def attack_expect_continue(self):
        body = json.dumps({"query": "espresso crema", "top_k": 3}).encode()

        def run():
            sock = self.raw_connect()
            start = time.monotonic()
            sock.sendall(b"POST /v1/collections/course/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body))
            interim, waited = b"", None
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable:
                interim = sock.recv(4096)
                waited = time.monotonic() - start
            sock.sendall(body)
            answer = read_response(sock, 10)
            sock.close()
            continued = interim.startswith(b"HTTP/1.1 100")
            if interim and not continued:
                status = interim.split(b"\r\n", 1)[0].decode("latin-1")
                return f"answered {status!r} before the body", False
            got = (f"100 Continue after {waited:.2f} s" if continued else "no 100 Continue within 0.5 s") + f", then {answer.status}"
            return got, continued and answer.status == 200
        self.check("8e Expect: 100-continue → search", "100 Continue < 0.5 s, then 200", run)

    def attack_bad_chunks(self):
        cases = [
            ("zz", b"zz\r\n{}\r\n0\r\n\r\n", (400,)),
            ("-1", b"-1\r\n{}\r\n0\r\n\r\n", (400,)),
            ("2^64 overflow", b"1" + b"0" * 20 + b"\r\n{}\r\n0\r\n\r\n", (400, 413)),
        ]
        for label, chunks, accepted in cases:
            def run(chunks=chunks, accepted=accepted):
                sock = self.raw_connect()
                start = time.monotonic()
                sock.sendall(b"POST /v1/collections/course/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
                answer = read_response(sock, 5)
                sock.close()
                got = f"{answer.status or answer.error} in {time.monotonic() - start:.2f} s"
                return got, answer.status in accepted
            self.check(f"8f chunk size {label!r} → search", "/".join(map(str, accepted)), run)

    def attack_head(self):
        for path in ("/health", "/"):
            def run(path=path):
                sock = self.raw_connect()
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                get = read_response(sock, 5)
                sock.close()
                sock = self.raw_connect()
                sock.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                head = read_response(sock, 5, head_only=True)
                extra = head.body
                if head.status is not None:
                    sock.settimeout(0.5)
                    try:
                        extra += sock.recv(65536)
                    except (socket.timeout, OSError):
                        pass
                sock.close()
                problems = []
                if head.status != 200:
                    problems.append(f"HEAD answered {head.status}")
                if extra:
                    problems.append(f"{len(extra)} body bytes after HEAD")
                for name in ("content-type", "content-length"):
                    if name in head.headers and head.headers[name] != get.headers.get(name):
                        problems.append(f"{name} {head.headers[name]!r} ≠ GET's {get.headers.get(name)!r}")
                if "content-type" not in head.headers:
                    problems.append("no content-type")
                return "; ".join(problems) or f"200, no body, headers as GET ({get.status})", not problems
            self.check(f"8g HEAD {path}", "200, no body, GET's headers", run)

    # MARK: attack 9 — writes need the token

    def write_requests(self, headers, item_id=1, source="courses/none.md"):
        """(label, thunk) for each write route, sending `headers`."""
        image, content_type = multipart([("image", f"w{secrets.token_hex(3)}.png", "image/png", png(16, 16, seed=secrets.randbits(32)))])
        document = {"documents": [{"source": f"hostile/{secrets.token_hex(3)}.md", "text": "# Hostile\n\nA note on burr grinders."}]}
        return [
            ("POST documents", lambda: json_request(self.port, "POST", "/v1/collections/course/documents", document, headers)),
            ("POST images", lambda: http_request(self.port, "POST", "/v1/collections/fashion/images", image,
                                                 {"Content-Type": content_type, **headers}, 30)),
            ("DELETE items/{id}", lambda: http_request(self.port, "DELETE", f"/v1/collections/fashion/items/{item_id}", None, headers)),
            ("DELETE documents?source", lambda: http_request(
                self.port, "DELETE", "/v1/collections/course/documents?source=" + source.replace("/", "%2F"), None, headers)),
            ("POST reindex", lambda: http_request(self.port, "POST", "/v1/collections/fashion/reindex", None, headers, 60)),
        ]

    def a_course_source(self):
        reply = json_request(self.port, "POST", "/v1/collections/course/search", {"query": "espresso", "top_k": 1})
        results = (reply.json() or {}).get("results") or [{}]
        return results[0].get("source", "courses/none.md")

    def refused_writes(self, prefix, headers):
        source = self.a_course_source()
        for label, send in self.write_requests(headers, item_id=2, source=source):
            def run(send=send):
                reply = send()
                return reply.describe(), reply.status == 401 and reply.is_json_error()
            self.check(f"{prefix} → {label}", "401", run)

    def attack_tokens(self):
        self.refused_writes("9 no token", {})
        self.refused_writes("9 wrong token", {"Authorization": "Bearer " + "x" * len(self.token)})
        self.refused_writes("9 token of another case", {"Authorization": "Bearer " + self.token.swapcase()})
        # The right token: every write succeeds, on items it creates itself.
        source = f"hostile/{self.nonce}.md"
        steps = {}

        def add_document():
            reply = json_request(self.port, "POST", "/v1/collections/course/documents",
                                 {"documents": [{"source": source, "text": "# Grinders\n\nBurr grinders give even particles."}]},
                                 self.auth())
            return reply.describe(), reply.status == 201

        def add_image():
            body, content_type = multipart([("image", f"{self.nonce}.png", "image/png", png(16, 16, seed=int(self.nonce, 16))),
                                            ("category", None, None, b"Hostile")])
            reply = http_request(self.port, "POST", "/v1/collections/fashion/images", body, {"Content-Type": content_type, **self.auth()}, 30)
            images = (reply.json() or {}).get("images") or [{}]
            steps["image"] = images[0].get("id")
            return f"{reply.describe()}, id {steps['image']}", reply.status == 201 and steps["image"] is not None

        def delete_image():
            if steps.get("image") is None:
                return "no image to delete (upload failed)", False
            reply = http_request(self.port, "DELETE", f"/v1/collections/fashion/items/{steps['image']}", None, self.auth())
            return reply.describe(), reply.status == 200

        def delete_document():
            reply = http_request(self.port, "DELETE", "/v1/collections/course/documents?source=" + source.replace("/", "%2F"), None, self.auth())
            return reply.describe(), reply.status == 200

        def reindex():
            reply = http_request(self.port, "POST", "/v1/collections/fashion/reindex", None, self.auth(), 60)
            return reply.describe(), reply.status == 200

        for label, function in (("POST documents", add_document), ("POST images", add_image), ("DELETE items/{id}", delete_image),
                                ("DELETE documents?source", delete_document), ("POST reindex", reindex)):
            self.check(f"9 right token → {label}", "2xx", function)

    def tokenless_servers(self, data):
        """Item 9 on servers without a token: writes refused by default, open with --insecure-open-writes."""
        self.server = self.new_server(data, "no-token", [])
        self.refused_writes("9 server without token", {})
        self.finish_server("9 server without token: SIGTERM")
        if not self.supports("--insecure-open-writes"):
            now = time.monotonic()
            self.record("9 --insecure-open-writes → writes", "2xx", "flag not in `quarry serve --help`", False, now, now)
            return
        self.server = self.new_server(data, "open-writes", ["--insecure-open-writes"])
        source = self.a_course_source()
        for label, send in self.write_requests({}, item_id=3, source=source):
            def run(send=send):
                reply = send()
                return reply.describe(), reply.status is not None and 200 <= reply.status < 300
            self.check(f"9 --insecure-open-writes → {label}", "2xx", run)
        self.finish_server("9 --insecure-open-writes: SIGTERM")

    def new_server(self, data, name, extra):
        server = Server(self.quarry, data, self.logs, name, free_port(), extra)
        self.servers.append(server)
        server.start()
        return server

    def finish_server(self, name):
        """Stops the current server with SIGTERM as a check of its own: it must exit 0."""
        start = time.monotonic()
        status = self.server.stop()
        self.record(name, "exit 0", f"exit status {status}", status == 0, start, time.monotonic())
        self.server = None

    # MARK: run

    def run(self):
        print(f"== data in {self.work}", flush=True)
        started = time.monotonic()
        data = self.build_data()
        open_data = self.work / "data-open"
        shutil.copytree(data, open_data)
        print(f"== data ready in {time.monotonic() - started:.0f} s", flush=True)
        missing = [flag for flag in list(TIMEOUT_FLAGS) + ["--insecure-open-writes"] if not self.supports(flag)]
        extra = ["--admin-token-file", str(self.token_file), "--latency-objective-ms", str(LATENCY_OBJECTIVE_MS), "--hard-limit", str(HARD_LIMIT)]
        for flag, value in TIMEOUT_FLAGS.items():
            if self.supports(flag):
                extra += [flag, f"{value:g}"]
        self.server = self.new_server(data, "main", extra)
        now = time.monotonic()
        self.record("server flags", "--header/--body/--idle-timeout, --insecure-open-writes",
                    "missing: " + ", ".join(missing) if missing else "all present", not missing, now, now)
        poller = HealthPoller(self.server.port)
        attacks_start = time.monotonic()
        try:
            self.attacks()
        except RuntimeError as error:   # the server could not be restarted
            now = time.monotonic()
            self.record("suite aborted", "-", str(error)[:300], False, now, now)
        finally:
            attacks_end = time.monotonic()
            samples = poller.stop()
        alive = self.server.process.poll() is None
        self.finish_server("main server: SIGTERM after the attacks")
        try:
            self.tokenless_servers(open_data)
        except RuntimeError as error:
            now = time.monotonic()
            self.record("servers without a token", "start", str(error)[:300], False, now, now)
        return self.report(samples, attacks_start, attacks_end, alive, time.monotonic() - started)

    def attacks(self):
        self.attack_bare_lf()
        self.attack_png_dimensions()
        self.attack_boundary_repeats()
        self.attack_combining_marks()
        self.attack_concurrent_text_search()
        self.attack_reindex_factories()
        self.attack_trailing_slash()
        self.attack_oversized_headers()
        self.attack_slow_clients()
        self.attack_huge_content_length()
        self.attack_http10()
        self.attack_expect_continue()
        self.attack_bad_chunks()
        self.attack_head()
        self.attack_tokens()

    def report(self, samples, attacks_start, attacks_end, alive, seconds):
        answered = [(t, latency, status) for t, latency, status in samples if latency is not None]
        failures = [(t, status) for t, latency, status in samples if latency is None or status != 200]
        for result in self.results:
            window = [latency for t, latency, _ in answered if result.start - 0.05 <= t <= result.end]
            result.health_ms = max(window) * 1000 if window else None
            if result.name.startswith("5 ") and result.health_ms is not None and result.health_ms > HEALTH_LIMIT_MS:
                result.passed = False
        latencies = sorted(latency for t, latency, _ in answered if attacks_start <= t <= attacks_end)
        health_max = latencies[-1] * 1000 if latencies else float("inf")
        health_p99 = latencies[max(0, math.ceil(0.99 * len(latencies)) - 1)] * 1000 if latencies else float("inf")

        width = max(len(r.name) for r in self.results)
        expected_width = min(34, max(len(r.expected) for r in self.results))
        print()
        print(f"{'check':<{width}}  {'expected':<{expected_width}}  {'health':>8}  pass  got")
        for r in self.results:
            health = f"{r.health_ms:.0f} ms" if r.health_ms is not None else "-"
            print(f"{r.name:<{width}}  {r.expected[:expected_width]:<{expected_width}}  {health:>8}  {'yes ' if r.passed else 'NO  '}  {r.got}")
        incidents = [(server.name, check, note) for server in self.servers for check, note in server.incidents]
        crash_lines = [line for server in self.servers for line in server.crash_lines()]
        print()
        print(f"/health during the attacks: {len(latencies)} answers, max {health_max:.1f} ms, p99 {health_p99:.1f} ms, "
              f"{len(failures)} failed or non-200 polls (limit {HEALTH_LIMIT_MS:.0f} ms)")
        slow = [(t - attacks_start, latency) for t, latency, _ in answered if latency * 1000 > HEALTH_LIMIT_MS]
        if slow:
            print("  slow /health polls (s into the attacks, ms): "
                  + ", ".join(f"{t:.1f}:{latency * 1000:.0f}" for t, latency in slow[:20]) + (" …" if len(slow) > 20 else ""))
        for name, check, note in incidents:
            print(f"server {name}: {note} during {check!r}")
        for line in crash_lines[:20]:
            print(f"crash in log: {line}")
        failed_checks = [r for r in self.results if not r.passed]
        problems = []
        if failed_checks:
            problems.append(f"{len(failed_checks)} of {len(self.results)} checks failed")
        if incidents:
            problems.append(f"{len(incidents)} server crash(es) or hang(s)")
        if not alive:
            problems.append("the main server was not running at the end")
        if crash_lines:
            problems.append(f"{len(crash_lines)} crash line(s) in the server logs")
        if health_max > HEALTH_LIMIT_MS:
            problems.append(f"/health took up to {health_max:.0f} ms")
        if failures:
            problems.append(f"{len(failures)} /health polls failed")
        print(f"{len(self.results) - len(failed_checks)} passed, {len(failed_checks)} failed in {seconds:.0f} s")
        if problems:
            print("hostile_client_test: FAILED: " + "; ".join(problems))
            return 1
        return 0


def histogram(statuses):
    counts = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: str(item[0])))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True, help="the quarry binary")
    parser.add_argument("--images", type=int, default=500, help="Fashion-MNIST test images to import")
    parser.add_argument("--prepared-data", help="copy this data folder (collections course and fashion) instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (data, logs) even when every check passed")
    arguments = parser.parse_args()
    arguments.quarry = str(Path(arguments.quarry).resolve())
    if not os.access(arguments.quarry, os.X_OK):
        parser.error(f"{arguments.quarry} is not an executable")

    work = Path(tempfile.mkdtemp(prefix="quarry-hostile-"))
    suite = Suite(arguments, work)
    status = 1
    try:
        status = suite.run()
    finally:
        for server in suite.servers:
            if server.process is not None and server.process.poll() is None:
                server.process.kill()
                server.process.wait()
        if status == 0 and not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"data and server logs kept in {work}")
    return status


if __name__ == "__main__":
    sys.exit(main())
