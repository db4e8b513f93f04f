#!/usr/bin/env bash
# fuzz.sh [SECONDS_PER_TARGET] — builds the libFuzzer targets in fuzz/ (release, with
# AddressSanitizer) and runs each, one after another, for SECONDS_PER_TARGET seconds
# (default 600) on a copy of its committed seed corpus, fuzz/corpus/<target>/. Prints the
# executions and crashes of every target; exits non-zero if any target crashed, naming the
# input that did it (under fuzz/artifacts/<target>/, or $FUZZ_ARTIFACTS/<target>/) and the
# command that replays it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
duration="${1:-600}"

# Each target with the longest input libFuzzer may make for it, in bytes, and any other options.
# Office documents leak in ZIPFoundation and FoundationXML on every input (see fuzz/lsan.supp):
# checking for leaks after each of them would make FuzzDocumentReaders five times slower, so its
# leaks are only checked when the run ends.
targets=(
    "FuzzImageDecoder 32768"
    "FuzzMultipart 16384"
    "FuzzJSONRequest 8192"
    "FuzzWordPiece 4096"
    "FuzzSentencePiece 4096"
    "FuzzDocumentReaders 32768 -detect_leaks=0"
)

source scripts/faiss-env.sh
# libFuzzer instruments and links the Swift code; C targets get coverage instrumentation too.
build=(swift build -c release --package-path fuzz --scratch-path fuzz/.build --sanitize=address
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -enable-testing
    -Xcc -fsanitize=fuzzer-no-link)
echo "== fuzz: building fuzz/ (release, libFuzzer and AddressSanitizer)"
build_start=$(date +%s)
# One product at a time: a plain `swift build` would also build Quarry's own executable.
for entry in "${targets[@]}"; do
    "${build[@]}" --product "${entry%% *}"
done
echo "fuzz: built in $(($(date +%s) - build_start)) s"
bin="$("${build[@]}" --show-bin-path)"

export QUARRY_MODELS="$ROOT/models"
export LSAN_OPTIONS="suppressions=$ROOT/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Swift's own crash backtracer would take the signals that libFuzzer and AddressSanitizer report.
export SWIFT_BACKTRACE=enable=no
corpora="$(mktemp -d)"
trap 'rm -rf "$corpora"' EXIT

summary=()
crashed=()
for entry in "${targets[@]}"; do
    read -r target max_len options <<<"$entry"
    artifacts="${FUZZ_ARTIFACTS:-fuzz/artifacts}/$target"
    log="$artifacts/last-run.log"
    mkdir -p "$artifacts" "$corpora/$target"
    cp fuzz/corpus/"$target"/* "$corpora/$target/"
    echo "== fuzz: $target for $duration s"
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2086 # $options is a list of options
    "$bin/$target" -max_total_time="$duration" -timeout=5 -rss_limit_mb=2048 -max_len="$max_len" $options \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpora/$target" >"$log" 2>&1 || status=$?
    seconds=$(($(date +%s) - start))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    coverage=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    result=0
    if [[ $status -ne 0 ]]; then
        result=1
        crashed+=("$target|${artifact:-none (see $log)}")
        echo "fuzz: $target failed (exit status $status); the end of $log:"
        tail -n 60 "$log" | swift demangle --simplified || true
    fi
    summary+=("$(printf '%-20s %7s %12s %9s %7s %7s' "$target" "$seconds" "${executions:-?}" "${rate:-?}" "${coverage:-?}" "$result")")
done

echo
echo "== fuzz summary ($duration s per target; logs in fuzz/artifacts/<target>/last-run.log)"
printf '%-20s %7s %12s %9s %7s %7s\n' target seconds executions exec/s cov crashes
printf '%s\n' "${summary[@]}"
if [[ ${#crashed[@]} -gt 0 ]]; then
    echo
    for failure in "${crashed[@]}"; do
        target="${failure%%|*}"
        artifact="${failure#*|}"
        echo "fuzz: $target crashed on $artifact"
        [[ -f $artifact ]] && echo "  replay: SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=fuzz/lsan.supp QUARRY_MODELS=models $bin/$target $artifact"
    done
    exit 1
fi
