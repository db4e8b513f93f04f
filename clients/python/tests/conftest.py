"""A live `quarry serve` for the client tests: the sample course as `course`, and six photographs
in two categories as `photos`. The binary comes from $QUARRY_BIN; it runs from the repository root
(where models/ is)."""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PHOTOS = ROOT / "Tests/EmbeddingsTests/Fixtures/images"
CATEGORIES = {"space": ["astronaut.jpg", "hubble.webp", "rocket.jpg"],
              "earth": ["chelsea.jpg", "coffee-small.png", "motorcycle-alpha.png"]}


class Server:
    def __init__(self, base_url, token, data):
        self.base_url, self.token, self.data = base_url, token, data


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    quarry = os.environ.get("QUARRY_BIN")
    if not quarry:
        pytest.fail("set QUARRY_BIN to a quarry binary")
    data = Path(tempfile.mkdtemp(prefix="quarry-client-test-"))
    subprocess.run([quarry, "ingest", "--data", str(data), "--collection", "course", str(ROOT / "courses/sample/markdown")],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    photos = data / "photo-source"
    for category, names in CATEGORIES.items():
        (photos / category).mkdir(parents=True)
        for name in names:
            shutil.copy(PHOTOS / name, photos / category / name)
    subprocess.run([quarry, "ingest-images", "--data", str(data), "--collection", "photos", str(photos)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    token = secrets.token_urlsafe(24)
    token_file = data / "admin-token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    port = free_port()
    log = open(data / "serve.log", "ab")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QUARRY_ADMIN_TOKEN")}
    process = subprocess.Popen([quarry, "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port),
                                "--admin-token-file", str(token_file)], cwd=ROOT, stdout=log, stderr=log, env=environment)
    base_url = "http://127.0.0.1:%d" % port
    deadline = time.time() + 120
    while True:
        if process.poll() is not None:
            pytest.fail("quarry serve exited with status %s; log in %s" % (process.returncode, data))
        try:
            urllib.request.urlopen(base_url + "/ready", timeout=2)
            break
        except OSError:
            if time.time() > deadline:
                pytest.fail("quarry serve not ready within 120 s")
            time.sleep(0.2)
    yield Server(base_url, token, data)
    process.send_signal(signal.SIGTERM)
    status = process.wait(timeout=60)
    log.close()
    assert status == 0, "quarry serve exited with status %s; log in %s" % (status, data)
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def client(server):
    from quarry_client import QuarryClient
    with QuarryClient(server.base_url, token=server.token) as quarry:
        yield quarry
