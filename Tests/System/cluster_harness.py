"""Runs a Quarry cluster on loopback for the cluster test and `make bench-cluster`: PostgreSQL 15
primary and synchronous standby in throwaway folders, `quarry serve --cluster-url` nodes, and
nginx with deploy/cluster/nginx.conf.

PostgreSQL refuses to run as root: its folders belong to the `postgres` user that Debian's
package creates, and its programs run through `runuser -u postgres` when this runs as root.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

PG_BIN = "/usr/lib/postgresql/15/bin"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command, **kwargs):
    """Runs a PostgreSQL program as the postgres user (as root), or as this user otherwise."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def psql(port, sql, database="quarry"):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "quarry", "-d", database, "-Atc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def call(base, method, path, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return None, str(error)


class PostgresServer:
    """One PostgreSQL server in a folder of its own."""

    def __init__(self, folder, port):
        self.folder, self.port = folder, port

    def start(self):
        as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.folder, "-l", self.folder + ".log", "-w", "-t", "60", "start"])

    def kill(self):
        with open(os.path.join(self.folder, "postmaster.pid")) as file:
            pid = int(file.readline())
        os.kill(pid, signal.SIGKILL)

    def stop(self):
        if os.path.exists(os.path.join(self.folder, "postmaster.pid")):
            subprocess.run((["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) +
                           [f"{PG_BIN}/pg_ctl", "-D", self.folder, "-m", "immediate", "stop"], capture_output=True)


class Node:
    """One `quarry serve` process: a cluster node, or with no cluster URL a single server."""

    def __init__(self, quarry, name, folder, port, cluster_url, models, cpus=None):
        self.quarry, self.name, self.folder, self.port = quarry, name, folder, port
        self.cluster_url, self.models, self.cpus = cluster_url, models, cpus
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self, *extra):
        log = open(os.path.join(os.path.dirname(self.folder), f"{self.name}.log"), "a")
        pinned = ["taskset", "-c", self.cpus] if self.cpus else []
        self.process = subprocess.Popen(
            pinned + [self.quarry, "serve", "--data", self.folder, "--models", self.models, "--host", "127.0.0.1",
             "--port", str(self.port), "--insecure-open-writes", "--log-format", "json", "--checkpoint-interval", "5",
             *(["--cluster-url", self.cluster_url, "--node-name", self.name] if self.cluster_url else []), *extra],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            status, _ = call(self.base, "GET", "/health", timeout=2)
            if status == 200:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within 60 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def applied(self):
        status, health = call(self.base, "GET", "/health", timeout=2)
        return health["cluster"]["applied_seq"] if status == 200 else None



def make_folder(prefix):
    """A throwaway folder that the postgres user may write in."""
    folder = tempfile.mkdtemp(prefix=prefix)
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    return folder


def start_postgres_pair(folder):
    """A primary whose commits wait for one synchronous standby; returns (primary, standby)."""
    primary = PostgresServer(os.path.join(folder, "primary"), free_port())
    standby = PostgresServer(os.path.join(folder, "standby"), free_port())
    as_postgres([f"{PG_BIN}/initdb", "-D", primary.folder, "-U", "quarry", "--auth=trust", "--no-sync"])
    with open(os.path.join(primary.folder, "postgresql.conf"), "a") as conf:
        conf.write(f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
                   "wal_level = replica\nmax_wal_senders = 5\nsynchronous_commit = on\nwal_keep_size = 256MB\n")
    primary.start()
    psql(primary.port, "CREATE DATABASE quarry", database="postgres")
    as_postgres([f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "quarry",
                 "-D", standby.folder, "-R", "-X", "stream", "--no-sync"])
    with open(os.path.join(standby.folder, "postgresql.auto.conf"), "a") as conf:
        # Once promoted, the standby has no standby of its own: it must not wait for one.
        conf.write(f"port = {standby.port}\nsynchronous_standby_names = ''\n")
    standby.start()
    # Commits wait for the standby from now on (set earlier, creating the database would wait for it forever).
    psql(primary.port, "ALTER SYSTEM SET synchronous_standby_names = '*'", database="postgres")
    psql(primary.port, "SELECT pg_reload_conf()", database="postgres")
    deadline = time.time() + 30
    while psql(primary.port, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication") != "sync":
        if time.time() > deadline:
            raise RuntimeError("the standby did not become synchronous")
        time.sleep(0.2)
    return primary, standby


def cluster_url(*servers):
    hosts = ",".join(f"127.0.0.1:{server.port}" for server in servers)
    return f"postgresql://quarry@{hosts}/quarry?target_session_attrs=read-write"


def start_nginx(folder, node_ports, root):
    """nginx with the shipped configuration, its ports replaced by these; returns (process, base URL)."""
    port = free_port()
    with open(os.path.join(root, "deploy/cluster/nginx.conf")) as file:
        conf = file.read()
    servers = "".join(f"        server 127.0.0.1:{node_port} max_fails=1 fail_timeout=5s;\n" for node_port in node_ports)
    conf = re.sub(r"(        server 127\.0\.0\.1:808[1-3][^\n]*\n)+", servers, conf)
    conf = conf.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("pid /run/quarry-nginx.pid;", f"pid {folder}/nginx.pid;")
    conf = conf.replace("http {", f"http {{\n    client_body_temp_path {folder}/nginx-body;\n    proxy_temp_path {folder}/nginx-proxy;")
    with open(os.path.join(folder, "nginx.conf"), "w") as file:
        file.write("daemon off;\n" + conf)
    process = subprocess.Popen(["nginx", "-c", os.path.join(folder, "nginx.conf"), "-p", folder, "-e", "stderr"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "nginx.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(50):
        if call(base, "GET", "/health", timeout=1)[0] == 200:
            break
        time.sleep(0.1)
    return process, base


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def start_and_catch_up(node, others, timeout):
    """Starts `node` and returns the seconds (start-up included) until it has applied what the
    most advanced of `others` had applied once it answered."""
    started = time.time()
    node.start()
    latest = max(other.applied() or 0 for other in others)
    while (node.applied() or 0) < latest and time.time() - started < timeout:
        time.sleep(0.05)
    return time.time() - started, latest


def stop_all(nodes, nginx, servers):
    """Stops the nodes (SIGTERM), nginx and the PostgreSQL servers that were started."""
    for node in nodes:
        if node:
            node.stop()
    if nginx:
        nginx.terminate()
        nginx.wait()
    for server in servers:
        if server:
            server.stop()
