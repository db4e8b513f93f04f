# Sourced by scripts/test.sh and scripts/system-test.sh.
# stage TITLE: prints a heading with the UTC time and the seconds the previous stage took.
stage_started=$SECONDS
stage() {
    echo "== [$(date -u +%H:%M:%S), +$((SECONDS - stage_started)) s] $*"
    stage_started=$SECONDS
}
