# Sourced by scripts/test.sh and scripts/system-test.sh.
# stage TITLE: prints a heading with the UTC time, the seconds the previous stage took and how
# busy the machine's CPUs were meanwhile (all of them together, from /proc/stat; whatever else
# runs on the machine counts too), so that a log shows where the time goes.

# cpu_ticks: "busy total" clock ticks of all CPUs since boot (idle and iowait are not busy).
cpu_ticks() {
    awk '/^cpu / { total = 0; for (i = 2; i <= NF; i++) total += $i; print total - $5 - $6, total; exit }' /proc/stat
}

stage_started=$SECONDS
read -r stage_busy stage_total < <(cpu_ticks)
stage() {
    local busy total
    read -r busy total < <(cpu_ticks)
    local elapsed=$((total - stage_total))
    local percent=$((elapsed > 0 ? (busy - stage_busy) * 100 / elapsed : 0))
    echo "== [$(date -u +%H:%M:%S), +$((SECONDS - stage_started)) s, CPU ${percent} % busy] $*"
    stage_started=$SECONDS stage_busy=$busy stage_total=$total
}
