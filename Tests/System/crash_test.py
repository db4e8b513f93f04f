"""Crash test, model-based: a live `quarry serve` is killed with SIGKILL at random
moments while a client runs a seeded random sequence of writes against a text and
an image collection, and every write the server acknowledged is kept in a plain
model. The operations:

  - add new documents, some sharing an identical section with others;
  - replace documents (same source, new text) and delete them;
  - reindex the text collection to Flat, HNSW or IVF (422 when IVF cannot train);
  - add images (with category and price) and delete them.

After each restart the write that was in flight when the server died is settled
(it happened wholly or not at all; anything else is a failure), and the server
must agree with the model:

  - the text index holds as many vectors as the store holds passages, and the
    document and image counts are the model's;
  - every document touched this round, and a sample of the others, is found by
    a search filtered to its source, with its current version's text and its
    shared section, and with no text of an earlier version;
  - deleted documents and images are gone (no result, 404);
  - a "more like this" search lists exactly the model's other images, and one
    filtered to a category exactly those of that category; each image touched
    this round, and a sample of the others, has the model's category and is
    listed by a search with its picture.

(That each item is found first by its own stored vector is checked in process by
CollectionModelTests: the HTTP API has no search by a stored vector that keeps
the item itself.)

Finally the server is stopped with SIGTERM: it must exit 0 having checkpointed,
so that the next start finds its index complete; and 20 more times while it backs
up every 50 ms: each stop must exit 0 without a crash.

The servers get an admin token file (writes need the token): --token, else
QUARRY_ADMIN_TOKEN, else a random token.

Prints one line per round and a closing "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import http.client
import io
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
import urllib.parse
import urllib.request

from PIL import Image

from forms import multipart

# The admin token the servers are started with and the writer sends; set by main().
TOKEN = None
TEXT, IMAGES = "notes", "pictures"
CATEGORIES = ["红", "绿", "蓝"]
# All images stay below the API's top_k limit, so one "more like this" search lists them all.
MAX_IMAGES_PER_CATEGORY = 15
SHARED_SECTIONS = 5
TEXT_FACTORIES = ["Flat", "HNSW16,Flat", "IVF4,Flat"]


class Request:
    """One HTTP call with the admin token; returns (status, decoded JSON or None)."""

    def __init__(self, base_url):
        self.base_url = base_url

    def __call__(self, method, path, body=None, content_type="application/json", timeout=30):
        headers = {"Authorization": f"Bearer {TOKEN}"}
        if body is not None:
            headers["Content-Type"] = content_type
            if content_type == "application/json":
                body = json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw) if raw else None
            except ValueError:
                return error.code, None


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


def start_server(quarry, data, port, log, options=()):
    # The token comes from the file alone: no QUARRY_ADMIN_TOKEN* of the caller's environment.
    environment = {k: v for k, v in os.environ.items() if k not in ("QUARRY_ADMIN_TOKEN", "QUARRY_ADMIN_TOKEN_FILE")}
    process = subprocess.Popen(
        [quarry, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(port),
         "--admin-token-file", os.path.join(data, "admin-token"), *options],
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


# MARK: - Content

def source(number):
    return f"notes/{number:05d}.md"


def code(number, version):
    """A code word only this version of this document contains."""
    return f"Q{number:05d}V{version}X"


def shared_code(number):
    return f"S{number % SHARED_SECTIONS}Z"


def document_text(number, version):
    # Its own section, then a section that other documents repeat word for word.
    return (f"# 笔记 {number}\n\n## 记录\n\n第 {number} 号记录的第 {version} 版：代号 {code(number, version)} 的样品"
            f"在 {(number * 7 + version) % 97} 摄氏度下完成测试。\n\n"
            f"## 共享须知\n\n所有样品运输前都要登记共享编号 {shared_code(number)}，并在入库时核对。\n")


def image_png(seed):
    """A 64 × 64 PNG of an 8 × 8 grid of random colours; distinct seeds give distinct pictures."""
    rng = random.Random(seed)
    small = Image.new("RGB", (8, 8))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(64)])
    buffer = io.BytesIO()
    small.resize((64, 64), Image.NEAREST).save(buffer, format="PNG")
    return buffer.getvalue()


# MARK: - Model and operations

class Model:
    """What the server acknowledged: document versions and images with their categories."""

    def __init__(self):
        self.documents = {}       # number → version
        self.images = {}          # id → (category, seed)
        self.next_number = 0
        self.next_image_seed = 0


class Writer:
    """Runs seeded random writes until the server dies; `in_flight` is the unsettled one,
    `error` an answer the live server should not have given."""

    def __init__(self, call, model, rng):
        self.call, self.model, self.rng = call, model, rng
        self.in_flight = None
        self.error = None
        self.acknowledged = 0
        self.touched_documents, self.touched_images = set(), set()

    def run(self, stop):
        while not stop.is_set():
            operation = self.choose()
            self.in_flight = operation
            try:
                self.perform(operation)
            except (OSError, http.client.HTTPException, ValueError):
                return  # the server was killed; `in_flight` may or may not have happened
            except AssertionError as error:
                self.error = str(error)
                return
            self.in_flight = None
            self.acknowledged += 1

    def choose(self):
        model, rng = self.model, self.rng
        roll = rng.random()
        if roll < 0.30 or not model.documents:
            model.next_number += 1
            return ("put_document", model.next_number, None, 1)
        if roll < 0.42:
            number = rng.choice(sorted(model.documents))
            return ("put_document", number, model.documents[number], model.documents[number] + 1)
        if roll < 0.50:
            number = rng.choice(sorted(model.documents))
            return ("delete_document", number, model.documents[number])
        if roll < 0.53:
            return ("reindex", rng.choice(TEXT_FACTORIES))
        full = [c for c in CATEGORIES if sum(1 for v in model.images.values() if v[0] == c) >= MAX_IMAGES_PER_CATEGORY]
        if roll < 0.82 and len(full) < len(CATEGORIES) or not model.images:
            model.next_image_seed += 1
            category = rng.choice([c for c in CATEGORIES if c not in full] or CATEGORIES)
            return ("add_image", model.next_image_seed, category)
        return ("delete_image", rng.choice(sorted(model.images)))

    def perform(self, operation):
        call, model = self.call, self.model
        kind = operation[0]
        if kind == "put_document":
            _, number, _, version = operation
            status, answer = call("POST", f"/v1/collections/{TEXT}/documents",
                                  {"documents": [{"source": source(number), "text": document_text(number, version)}]}, timeout=15)
            expect(status, 201, operation, answer)
            model.documents[number] = version
            self.touched_documents.add(number)
        elif kind == "delete_document":
            number = operation[1]
            self.delete(f"/v1/collections/{TEXT}/documents?source={urllib.parse.quote(source(number))}", operation)
            del model.documents[number]
            self.touched_documents.add(number)
        elif kind == "reindex":
            status, answer = call("POST", f"/v1/collections/{TEXT}/reindex", {"factory": operation[1]}, timeout=60)
            if status != 422:
                expect(status, 200, operation, answer)
        elif kind == "add_image":
            _, seed, category = operation
            body, content_type = multipart([("image", f"{seed}.png", None, image_png(seed)), ("category", None, None, category.encode()),
                                            ("price", None, None, str(seed % 100 + 0.5).encode())])
            status, answer = call("POST", f"/v1/collections/{IMAGES}/images", body, content_type, timeout=15)
            expect(status, 201, operation, answer)
            stored = answer["images"][0]
            if stored["status"] != "stored":
                raise AssertionError(f"{operation}: image {stored}")
            model.images[stored["id"]] = (category, seed)
            self.touched_images.add(stored["id"])
        elif kind == "delete_image":
            image_id = operation[1]
            self.delete(f"/v1/collections/{IMAGES}/items/{image_id}", operation)
            del model.images[image_id]
            self.touched_images.add(image_id)

    def delete(self, path, operation):
        status, answer = self.call("DELETE", path, timeout=15)
        expect(status, 200, operation, answer)


def expect(status, wanted, operation, answer):
    if status != wanted:
        raise AssertionError(f"{operation}: HTTP {status} {answer}")


# MARK: - Checks against the model

class Checker:
    def __init__(self, call, model):
        self.call, self.model = call, model
        self.problems = []

    def versions_found(self, number):
        """The versions of a document whose text a search filtered to its source finds, and whether its shared section is there."""
        status, answer = self.call("POST", f"/v1/collections/{TEXT}/search",
                                   {"query": f"代号 Q{number:05d} 样品 共享编号", "top_k": 10, "mode": "hybrid",
                                    "filter": {"source": source(number)}})
        if status != 200:
            self.problems.append(f"search for document {number}: HTTP {status} {answer}")
            return set(), False
        texts = [result["text"] for result in answer["results"]]
        if any(result["source"] != source(number) for result in answer["results"]):
            self.problems.append(f"search filtered to {source(number)} returned other sources")
        versions = {int(text.split(f"Q{number:05d}V")[1].split("X")[0]) for text in texts if f"Q{number:05d}V" in text}
        return versions, any(shared_code(number) in text for text in texts)

    def settle(self, operation):
        """Decides whether the write in flight at the kill happened, wholly or not at all, and updates the model."""
        model = self.model
        if operation is None or operation[0] == "reindex":
            return
        kind = operation[0]
        if kind == "put_document":
            _, number, old, new = operation
            versions, _ = self.versions_found(number)
            if versions == {new}:
                model.documents[number] = new
            elif versions != ({old} if old else set()):
                self.problems.append(f"in-flight write of document {number} v{new} left versions {sorted(versions)}")
        elif kind == "delete_document":
            _, number, version = operation
            versions, _ = self.versions_found(number)
            if not versions:
                model.documents.pop(number, None)
            elif versions != {version}:
                self.problems.append(f"in-flight delete of document {number} left versions {sorted(versions)}")
        elif kind == "add_image":
            _, seed, category = operation
            image_id = self.stored_image(seed)
            if image_id is not None and image_id not in model.images:
                model.images[image_id] = (category, seed)
        elif kind == "delete_image":
            image_id = operation[1]
            status, _ = self.call("GET", f"/v1/collections/{IMAGES}/items/{image_id}")
            if status == 404:
                model.images.pop(image_id, None)

    def stored_image(self, seed):
        """The id of the stored copy of image `seed`, known by its title: its file name (an upload's)
        or the file's stem (the seed image's). The search lists every stored image, as the random
        mosaics look so alike to the network that a copy need not rank among the first few."""
        status, answer = self.call("POST", f"/v1/collections/{IMAGES}/search/image?top_k=50", image_png(seed), "image/png")
        if status != 200:
            self.problems.append(f"search by image {seed}: HTTP {status}")
            return None
        return next((r["id"] for r in answer["results"] if r["title"] in (f"{seed}.png", str(seed))), None)

    def check(self, documents, images):
        model, call = self.model, self.call
        _, text = call("GET", f"/v1/collections/{TEXT}")
        if text["vectors"] != text["passages"]:
            self.problems.append(f"text index holds {text['vectors']} vectors, store {text['passages']} passages")
        if text["documents"] != len(model.documents):
            self.problems.append(f"{text['documents']} documents stored, {len(model.documents)} acknowledged")
        for number in documents:
            versions, shared = self.versions_found(number)
            wanted = {model.documents[number]} if number in model.documents else set()
            if versions != wanted:
                self.problems.append(f"document {number}: versions {sorted(versions)} found, model has {sorted(wanted)}")
            if wanted and not shared:
                self.problems.append(f"document {number}: its shared section is missing")

        _, pictures = call("GET", f"/v1/collections/{IMAGES}")
        if pictures["images"] != len(model.images) or pictures["vectors"] != len(model.images):
            self.problems.append(f"{pictures['images']} images, {pictures['vectors']} vectors stored, {len(model.images)} acknowledged")
        for image_id in images:
            status, answer = call("GET", f"/v1/collections/{IMAGES}/items/{image_id}")
            wanted = model.images[image_id][0] if image_id in model.images else None
            found = answer["category"] if status == 200 else None
            if found != wanted:
                self.problems.append(f"image {image_id}: HTTP {status}, category {found}, model has {wanted}")
            # The lookup that settles an image upload in flight must find every acknowledged one.
            if image_id in model.images and self.stored_image(model.images[image_id][1]) != image_id:
                self.problems.append(f"image {image_id}: a search with its picture does not list it")
        anchor = min(model.images, default=None)
        for category in [None] + CATEGORIES if anchor else []:
            query = "" if category is None else f"&category={urllib.parse.quote(category)}"
            status, answer = call("GET", f"/v1/collections/{IMAGES}/items/{anchor}/similar?top_k=50{query}")
            found = {r["id"] for r in answer["results"]} if status == 200 else set()
            wanted = {i for i, (c, _) in model.images.items() if category in (None, c)} - {anchor}
            if found != wanted:
                self.problems.append(f"more like image {anchor}, category {category}: {len(found)} images found, model has"
                                     f" {len(wanted)} (missing {sorted(wanted - found)[:5]}, extra {sorted(found - wanted)[:5]})")


# MARK: - Main

MAINTENANCE_STOPS = 20


def stops_during_maintenance(quarry, data, port, log, rng):
    """Starts the server MAINTENANCE_STOPS times with checkpoints every 50 ms and a backup due at
    each, and stops it with SIGTERM a random moment later, most often while it backs up: each stop
    must exit 0 without a crash (the process once exited beneath a backup and crashed about one
    time in eight). Returns (ok, detail)."""
    options = ("--checkpoint-interval", "0.05", "--backup-interval-hours", "0.00001", "--keep-backups", "2")
    statuses, crashes = [], 0
    for _ in range(MAINTENANCE_STOPS):
        log.flush()
        mark = os.path.getsize(os.path.join(data, "serve.log"))
        server = start_server(quarry, data, port, log, options)
        time.sleep(rng.uniform(0.3, 1.2))
        server.send_signal(signal.SIGTERM)
        statuses.append(server.wait(timeout=60))
        log.flush()
        with open(os.path.join(data, "serve.log"), "rb") as file:
            file.seek(mark)
            crashes += b"Program crashed" in file.read()
    ok = all(status == 0 for status in statuses) and crashes == 0
    return ok, f"{MAINTENANCE_STOPS} stops, exit statuses {sorted(set(statuses))}, {crashes} crashes"

def seed_collections(quarry, data):
    """Creates both collections with `quarry ingest` and `quarry ingest-images`."""
    documents, images = os.path.join(data, "seed-documents"), os.path.join(data, "seed-images", CATEGORIES[0])
    os.makedirs(os.path.dirname(os.path.join(documents, source(0))))
    os.makedirs(images)
    with open(os.path.join(documents, source(0)), "w") as file:
        file.write(document_text(0, 1))
    with open(os.path.join(images, "0.png"), "wb") as file:
        file.write(image_png(0))
    subprocess.run([quarry, "ingest", "--data", data, "--collection", TEXT, documents], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([quarry, "ingest-images", "--data", data, "--collection", IMAGES, os.path.dirname(images)],
                   check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--token", default=os.environ.get("QUARRY_ADMIN_TOKEN"),
                        help="admin token for the servers (default: $QUARRY_ADMIN_TOKEN, else a random one)")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    global TOKEN
    TOKEN = arguments.token or secrets.token_urlsafe(24)

    data = tempfile.mkdtemp(prefix="quarry-crash-test-")
    write_token_file(data)
    log = open(os.path.join(data, "serve.log"), "ab")
    port = free_port()
    call = Request(f"http://127.0.0.1:{port}")
    seed_collections(arguments.quarry, data)
    server = start_server(arguments.quarry, data, port, log)
    model = Model()
    model.documents[0] = 1
    seed_image = Checker(call, model).stored_image(0)
    if seed_image is None:
        raise RuntimeError("the seed image is not found by its own picture")
    model.images[seed_image] = (CATEGORIES[0], 0)
    passed = failed = operations = 0
    try:
        for kill in range(1, arguments.kills + 1):
            writer = Writer(call, model, rng)
            stop = threading.Event()
            thread = threading.Thread(target=writer.run, args=(stop,))
            thread.start()
            time.sleep(rng.uniform(0.5, 2.5))
            server.send_signal(signal.SIGKILL)
            server.wait()
            stop.set()
            thread.join()
            server = start_server(arguments.quarry, data, port, log)
            checker = Checker(call, model)
            if writer.error:
                checker.problems.append(f"the live server answered wrongly: {writer.error}")
            checker.settle(writer.in_flight)
            operation = writer.in_flight
            if operation and operation[0] in ("put_document", "delete_document"):
                writer.touched_documents.add(operation[1])
            documents = writer.touched_documents | set(rng.sample(sorted(model.documents), min(20, len(model.documents))))
            images = writer.touched_images | set(rng.sample(sorted(model.images), min(20, len(model.images))))
            checker.check(sorted(documents), sorted(images))
            operations += writer.acknowledged
            ok = not checker.problems
            passed += ok
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'} kill {kill}: in flight {operation}; {len(model.documents)} documents, "
                  f"{len(model.images)} images acknowledged")
            for problem in checker.problems[:8]:
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
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        ok, detail = stops_during_maintenance(arguments.quarry, data, port, log, rng)
        passed += ok
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} SIGTERM during backups: {detail}")
        server = start_server(arguments.quarry, data, port, log)
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
    print(f"{operations} acknowledged writes over {arguments.kills} kills; {passed} passed, {failed} failed")
    sys.exit(1 if failed or passed < arguments.kills + 2 else 0)


if __name__ == "__main__":
    main()
