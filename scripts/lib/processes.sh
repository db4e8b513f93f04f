# Sourced by scripts/test.sh and scripts/system-test.sh.
# stop_tree PID: sends SIGTERM to PID and every process below it, children first.
stop_tree() {
    local child
    for child in $(pgrep -P "$1" || true); do stop_tree "$child"; done
    kill "$1" 2>/dev/null || true
}
