#!/usr/bin/env python3
"""A three-member Patroni cluster on loopback, from the shipped deploy/cluster/patroni.yml, with a
Quarry node writing through it while its leader dies: the documented deployment, run for real.

    python3 benchmarks/cluster/patroni_trial.py --quarry .build/release/quarry [--report out.json]

It starts one etcd, three Patroni members (PostgreSQL 15) whose configuration is the shipped file
with only names, loopback addresses, ports, folders and passwords changed (ttl 30 s, loop_wait
10 s, synchronous_mode as shipped), creates Quarry's role and database on the leader, and starts
a `quarry serve --cluster-url` node whose URL lists the three members with
target_session_attrs=read-write. Then:

  1. documents are written through the node at 10 per second;
  2. the leader's Patroni and PostgreSQL are killed (SIGKILL), as if its machine died, while the
     writes go on; a refused or unanswered write is looked up in PostgreSQL afterwards;
  3. it reports how long writes were refused, which member Patroni promoted (the synchronous
     standby), and checks that every acknowledged document is on the node and on the new leader.

Needs Debian's patroni, etcd-server and postgresql-15 (benchmarks/cluster/patroni.sh installs
them) and python3-yaml (a dependency of patroni). Runs as root: PostgreSQL
and Patroni run as the postgres user. Prints one line per check; exits 1 on a failure.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "System"))
from cluster_harness import Node, call, free_port, make_folder  # noqa: E402
from cluster_test import COLLECTION, Writer, check_model, model  # noqa: E402

PASSWORD = "patroni-trial"


def as_postgres(command, log):
    return subprocess.Popen(["runuser", "-u", "postgres", "--"] + command, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def member_config(shipped, name, rest_port, pg_port, etcd_port, folder):
    """The shipped patroni.yml for one loopback member: names, addresses, folders and passwords changed."""
    config = json.loads(json.dumps(shipped))
    config["name"] = name
    config["restapi"] = {"listen": f"127.0.0.1:{rest_port}", "connect_address": f"127.0.0.1:{rest_port}"}
    config["etcd3"] = {"hosts": f"127.0.0.1:{etcd_port}"}
    postgresql = config["postgresql"]
    postgresql["listen"] = postgresql["connect_address"] = f"127.0.0.1:{pg_port}"
    postgresql["data_dir"] = os.path.join(folder, name)
    postgresql["parameters"] = {"unix_socket_directories": folder}
    for role in postgresql["authentication"].values():
        role["password"] = PASSWORD
    postgresql["pg_hba"] = [line.replace("10.0.0.0/24", "127.0.0.1/32") for line in postgresql["pg_hba"]]
    return config


def cluster_state(rest_port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{rest_port}/cluster", timeout=2) as response:
            return json.load(response)
    except OSError:
        return None


def roles(rest_ports):
    """{member name: (role, state)} from the first member that answers."""
    for port in rest_ports:
        state = cluster_state(port)
        if state:
            return {member["name"]: (member["role"], member["state"]) for member in state.get("members", [])}
    return {}


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError(f"{what} within {seconds} s")


def psql(port, sql, database="postgres", user="postgres"):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database, "-Atc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarry", required=True)
    parser.add_argument("--models", default=os.path.join(ROOT, "models"))
    parser.add_argument("--rate", type=float, default=10, help="writes per second")
    parser.add_argument("--report", help="write the measured figures to this JSON file")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("patroni_trial: run as root (PostgreSQL and Patroni run as the postgres user)")
    if not shutil.which("patroni") or not shutil.which("etcd"):
        sys.exit("patroni_trial: needs Debian's patroni and etcd-server (benchmarks/cluster/patroni.sh installs them)")

    os.environ["PGPASSWORD"] = PASSWORD  # for every psql, this script's and the writer's
    folder = make_folder("quarry-patroni-")
    log = open(os.path.join(folder, "trial.log"), "a")
    results, report, processes, node = [], {}, [], None

    def check(name, ok, detail):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)

    try:
        etcd_port, etcd_peer = free_port(), free_port()
        processes.append(as_postgres(
            ["etcd", "--name", "etcd1", "--data-dir", os.path.join(folder, "etcd"),
             "--listen-client-urls", f"http://127.0.0.1:{etcd_port}", "--advertise-client-urls", f"http://127.0.0.1:{etcd_port}",
             "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
             "--initial-cluster", f"etcd1=http://127.0.0.1:{etcd_peer}"], log))
        with open(os.path.join(ROOT, "deploy/cluster/patroni.yml")) as file:
            shipped = yaml.safe_load(file)
        members = {}
        for number in (1, 2, 3):
            name = f"pg{number}"
            rest_port, pg_port = free_port(), free_port()
            path = os.path.join(folder, f"{name}.yml")
            with open(path, "w") as file:
                yaml.safe_dump(member_config(shipped, name, rest_port, pg_port, etcd_port, folder), file)
            shutil.chown(path, "postgres", "postgres")
            os.chmod(path, 0o600)
            members[name] = {"rest": rest_port, "pg": pg_port,
                             "process": as_postgres(["patroni", path], open(os.path.join(folder, f"{name}.log"), "a"))}
        rest_ports = [member["rest"] for member in members.values()]
        started = time.time()
        wait_for(lambda: sorted(role for role, state in roles(rest_ports).values() if state in ("running", "streaming"))
                 == ["leader", "replica", "sync_standby"], 180, "three running members, one a synchronous standby")
        before = roles(rest_ports)
        leader = next(name for name, (role, _) in before.items() if role == "leader")
        standby = next(name for name, (role, _) in before.items() if role == "sync_standby")
        report["members_ready_s"] = round(time.time() - started, 1)
        psql(members[leader]["pg"], f"CREATE ROLE quarry LOGIN PASSWORD '{PASSWORD}'")
        psql(members[leader]["pg"], "CREATE DATABASE quarry OWNER quarry")
        check("three Patroni members from the shipped patroni.yml", True,
              f"ready in {report['members_ready_s']} s: {', '.join(f'{name} {role}' for name, (role, _) in sorted(before.items()))}")

        hosts = ",".join(f"127.0.0.1:{members[name]['pg']}" for name in sorted(members))
        url = f"postgresql://quarry:{PASSWORD}@{hosts}/quarry?target_session_attrs=read-write"
        node = Node(args.quarry, "node1", os.path.join(folder, "node1"), free_port(), url, args.models)
        node.start()
        status, _ = call(node.base, "PUT", f"/v1/collections/{COLLECTION}", {"kind": "text", "model": "e5-small"})
        if status != 201:
            raise RuntimeError(f"creating the collection: HTTP {status}")

        writer = Writer(seed=23)
        stop = threading.Event()
        killed = {}

        def write():
            interval = 1 / args.rate
            while not stop.is_set():
                began = time.time()
                writer.write(node.base)
                time.sleep(max(0, interval - (time.time() - began)))

        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(10)
        acknowledged_before = len(writer.acks)
        # Patroni and the PostgreSQL it started, as if the machine died.
        with open(os.path.join(folder, leader, "postmaster.pid")) as file:
            postmaster = int(file.readline())
        os.killpg(members[leader]["process"].pid, signal.SIGKILL)
        os.kill(postmaster, signal.SIGKILL)
        killed["at"] = time.time()
        wait_for(lambda: any(at > killed["at"] for at, _ in writer.acks), 120, "an acknowledged write after the kill")
        resumed = min(at for at, _ in writer.acks if at > killed["at"]) - killed["at"]
        time.sleep(5)
        stop.set()
        thread.join()
        after = roles([members[name]["rest"] for name in members if name != leader])
        promoted = next((name for name, (role, _) in after.items() if role == "leader"), None)
        refused = [failure for failure in writer.failures if failure[0] > killed["at"]]
        landed = writer.settle(members[promoted]["pg"]) if promoted else 0
        expected = model(writer)
        sample = sorted(expected)
        problems = check_model(node, expected, sample)
        rows = int(psql(members[promoted]["pg"], f"SELECT count(*) FROM quarry_documents WHERE collection = '{COLLECTION}'",
                        database="quarry", user="quarry")) if promoted else -1
        if rows != len(expected):
            problems.append(f"the new leader holds {rows} documents, {len(expected)} acknowledged")
        report.update({"killed": leader, "synchronous_standby": standby, "promoted": promoted,
                       "writes_resumed_s": round(resumed, 1), "refused_writes": len(refused), "refused_but_committed": landed,
                       "acknowledged": len(writer.acks), "acknowledged_before_kill": acknowledged_before})
        check("the leader killed: Patroni promotes the synchronous standby, writes resume, none acknowledged lost",
              promoted == standby and not problems,
              "; ".join(problems[:5]) or f"{leader} killed; {promoted} promoted (the synchronous standby was {standby}); "
              f"first acknowledged write {resumed:.1f} s after the kill; {len(refused)} writes refused meanwhile "
              f"({landed} of them had committed); {len(expected)} documents on the node and the new leader")
    except Exception as error:  # a setup failure is a failed check with its reason
        check("Patroni trial set-up", False, f"{type(error).__name__}: {error}")
    finally:
        if node:
            node.stop()
        for process in processes + [member["process"] for member in locals().get("members", {}).values()]:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if args.report:
            with open(args.report, "w") as file:
                json.dump(report, file, indent=2)
        print(f"== logs in {folder}", flush=True)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed", flush=True)
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
