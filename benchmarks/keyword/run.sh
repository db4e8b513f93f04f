#!/usr/bin/env bash
# run.sh — keyword engines side by side (benchmarks/keyword/keyword_engines.py): SQLite FTS5 as
# Quarry used it until 2026-12-07, FTS5 asked only with a question's rarer terms, and Xapian (what
# Quarry's KeywordIndex uses), on the same terms: quality on the course questions, latency on the
# course and on a larger corpus of its sentences recombined.
#
#   benchmarks/keyword/run.sh [--passages N] [--passes P]
#
#   --passages N   passages of the recombined corpus (default 200000; 0 = course only)
#   --passes P     timed passes over the 205 questions (default 3)
#
# Environment: QUARRY_BIN (a built quarry binary for the one-time ingest; default: a release
# build here).
#
# Steps (each cached): Debian's python3-xapian; `quarry ingest` of
# courses/easy-vecdb into data/collection (the terms come from its store); the engines' indexes
# under data/engines (kept: delete the folder to build them again); the tables into
# results/<UTC time>/table.md, with the machine and the load average in run-info.txt.
set -euo pipefail

passages=200000
passes=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --passages) passages="$2"; shift 2 ;;
        --passes) passes="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source benchmarks/lib/servers.sh
data="$here/data"

quarry="$(quarry_binary)"
step "python3-xapian"
install_debian_packages python3-xapian
if [[ ! -f $data/collection/easy-vecdb/store.sqlite ]]; then
    step "quarry ingest courses/easy-vecdb"
    "$quarry" ingest --data "$data/collection" --models models --collection easy-vecdb courses/easy-vecdb >&2
fi

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
record_run "$out" \
    "engines: SQLite $(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'), Xapian $(/usr/bin/python3 -c 'import xapian; print(xapian.version_string())')"
trap 'kill "$load_sampler" 2>/dev/null || true' EXIT

step "engines ($passages recombined passages)"
/usr/bin/python3 "$here/keyword_engines.py" --store "$data/collection/easy-vecdb/store.sqlite" \
    --corpus courses/easy-vecdb --questions eval/easy-vecdb-questions.jsonl --dev eval/course-qa-dev.jsonl \
    --work "$data/engines" --passages "$passages" --passes "$passes" | tee "$out/table.md"
ln -sfn "$(basename "$out")" "$here/results/latest"
