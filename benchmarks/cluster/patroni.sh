#!/usr/bin/env bash
# patroni.sh — the documented Patroni deployment run for real on loopback (patroni_trial.py): one
# etcd, three Patroni members from deploy/cluster/patroni.yml, a Quarry node writing through them,
# the leader killed. Reports how long writes were refused and checks that Patroni promoted the
# synchronous standby and that no acknowledged write was lost. About 80 s; needs root.
#
#   benchmarks/cluster/patroni.sh
#
# QUARRY_BIN selects the quarry binary, else a release build. Results:
# benchmarks/cluster/results/patroni-<UTC timestamp>.json (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source benchmarks/lib/servers.sh
[[ -f models/e5-small/e5-small-q4.bin ]] || scripts/fetch-models.sh
install_debian_packages postgresql-15 patroni etcd-server
quarry="$(quarry_binary)"
mkdir -p "$here/results"
python3 "$here/patroni_trial.py" --quarry "$quarry" --report "$here/results/patroni-$(date -u +%Y%m%dT%H%M%SZ).json"
