#!/usr/bin/env bash
# replica-sync.sh — refresh a read replica from a snapshot of the primary.
#
#   deploy/replica-sync.sh PRIMARY_DATA REPLICA_DATA [SNAPSHOTS]
#
# 1. `quarry backup` copies every collection of the primary into SNAPSHOTS
#    (default PRIMARY_DATA/.backups); this is safe while the primary serves.
# 2. `quarry restore --force` replaces each collection of the replica with the
#    newest snapshot that verifies (sizes and SHA-256 of every file).
# Run it with the replica stopped (restore replaces its files), e.g.
#   systemctl stop quarry-replica && deploy/replica-sync.sh /srv/quarry /srv/quarry-replica \
#     && systemctl start quarry-replica
# Behind deploy/nginx/quarry-replicas.conf, reads go to the other replicas meanwhile.
# On another machine, copy SNAPSHOTS over (rsync) between steps 1 and 2.
# QUARRY (default: quarry on PATH) is the binary; QUARRY_MODELS its models folder.
set -euo pipefail

primary="${1:?usage: replica-sync.sh PRIMARY_DATA REPLICA_DATA [SNAPSHOTS]}"
replica="${2:?usage: replica-sync.sh PRIMARY_DATA REPLICA_DATA [SNAPSHOTS]}"
snapshots="${3:-$primary/.backups}"
quarry="${QUARRY:-quarry}"
models=(--models "${QUARRY_MODELS:-models}")

"$quarry" backup --data "$primary" "${models[@]}" --to "$snapshots"
mkdir -p "$replica"
for collection in "$snapshots"/*/; do
    name="$(basename "$collection")"
    "$quarry" restore --data "$replica" "${models[@]}" --backups "$snapshots" --collection "$name" --force
done
