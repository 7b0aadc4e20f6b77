#!/bin/bash
# test-exec-stress.sh — many concurrent `exec`s into one container (DESIGN.md §6: commands on
# one container take its lock shared for exec, so they run in parallel; ENGINES.md: conmon
# and the containerd shim run health checks and `kubectl exec`s side by side): 50 at once,
# every exit status relayed to its own caller, every output its own, a `state` and a
# `kill` to the container still answered meanwhile, and nothing left behind.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq timeout
N=${EXEC_STRESS_N:-50}

xrt() { timeout -k 5 "$IT_TIMEOUT" "$OCIRUN" --root "$ROOT" "$@"; }
nprocs_at_least() { [ "$(xrt ps --format json "$ID" | jq length)" -ge "$1" ]; }
is_stopped() { [ "$(xrt state "$ID" | jq -r .status)" = stopped ]; }

ID=$(cid target)
B=$(new_bundle target)
set_args "$B" /probe sleep 600
run_ctr "$B" "$ID" -d
is "runtime.md § Start: the target container runs (run -d)" "$RC" 0 || { diag "$ERR"; skip_all "no target"; }
INIT=$(xrt state "$ID" | jq -r .pid)

# ---- N concurrent execs, exit i % 7 each ---------------------------------------------------------
D=$TEST_TMP/stress
mkdir -p "$D"
start=$(date +%s.%N)
pids=()
for i in $(seq "$N"); do
  (xrt exec "$ID" /bin/sh -c "echo out-$i; exit $((i % 7))" >"$D/$i.out" 2>"$D/$i.err"
    echo $? >"$D/$i.rc") &
  pids+=($!)
done
wait "${pids[@]}"
end=$(date +%s.%N)
diag "$N concurrent execs took $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}') s"

bad_rc='' bad_out=''
for i in $(seq "$N"); do
  [ "$(cat "$D/$i.rc" 2>/dev/null)" = $((i % 7)) ] ||
    bad_rc+="exec $i: status '$(cat "$D/$i.rc" 2>/dev/null)' (want $((i % 7))): $(head -c 200 "$D/$i.err")"$'\n'
  [ "$(cat "$D/$i.out" 2>/dev/null)" = "out-$i" ] ||
    bad_out+="exec $i: output '$(head -c 100 "$D/$i.out")'"$'\n'
done
is "$N concurrent execs: every exit status is relayed to its caller" "$bad_rc" ''
is "$N concurrent execs: every output reaches its own caller" "$bad_out" ''
is "$N concurrent execs: the container still runs" "$(xrt state "$ID" | jq -r .status)" running
is "$N concurrent execs: only the init is left in the container" \
  "$(xrt ps --format json "$ID" | jq -c .)" "[$INIT]"

# ---- execs do not block each other nor other commands ----------------------------------------------
# Ten long execs stay in flight; a further exec, `state` and `ps` must still answer at once.
long=()
for i in $(seq 10); do
  "$OCIRUN" --root "$ROOT" exec "$ID" /probe sleep 3 >/dev/null 2>&1 </dev/null &
  long+=($!)
done
retry 100 0.05 nprocs_at_least 11
capture timeout 2.5 "$OCIRUN" --root "$ROOT" exec "$ID" /probe exit 5
is "an exec alongside 10 running execs is not serialised behind them" "$RC" 5 || diag "$ERR"
capture timeout 2 "$OCIRUN" --root "$ROOT" state "$ID"
is "state answers while execs run" "$RC" 0 || diag "$ERR"
is "ps lists the init and the 10 execs" "$(xrt ps --format json "$ID" | jq length)" 11
for p in "${long[@]}"; do wait "$p" || diag "long exec $p: exit $?"; done

# ---- kill --all reaches exec'd processes (they are in the container's cgroup) ---------------------
for i in $(seq 5); do
  xrt exec -d "$ID" /probe sleep 600 || diag "exec -d $i failed"
done
is "5 detached execs run in the container" "$(xrt ps --format json "$ID" | jq length)" 6
capture xrt kill --all "$ID" KILL
is "kill --all" "$RC" 0 || diag "$ERR"
retry 100 0.1 is_stopped
is "kill --all stops the init and the exec'd processes" "$(xrt state "$ID" | jq -r .status)" stopped
capture xrt delete "$ID"
is "delete" "$RC" 0 || diag "$ERR"
assert_clean "$N concurrent execs leave nothing behind"
done_testing
