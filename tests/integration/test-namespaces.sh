#!/bin/bash
# test-namespaces.sh — config-linux.md § Namespaces and § Offset for Time Namespace: which
# namespaces a container gets (new, shared with the host, joined by path), the pid namespace
# joined from another container, time offsets, and the duplicate-type config error.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq unshare

# host_ns NAME: the host's namespace link (`net:[4026531833]`).
host_ns() { readlink "/proc/self/ns/$1"; }

# ---- every namespace type new ----------------------------------------------------------------
B=$(new_bundle all)
set_args "$B" /probe ns
cfg "$B" '.linux.namespaces += [{"type": "time"}]'
run_ctr "$B" "$(cid all)"
is "config-linux.md § Namespaces: a container with all seven namespace types runs" "$RC" 0 ||
  diag "$ERR"
for pair in pid:pid network:net mount:mnt ipc:ipc uts:uts cgroup:cgroup time:time; do
  t=${pair%%:*} n=${pair#*:}
  got=$(kv "$OUT" "$n")
  like "config-linux.md § Namespaces: $t namespace is a $n namespace" "$got" "^$n:\[[0-9]+\]$"
  isnt "config-linux.md § Namespaces: $t namespace is new (inode differs from the host's)" \
    "$got" "$(host_ns "$n")"
done
is "config-linux.md § Namespaces: new pid namespace, init is pid 1" "$(kv "$OUT" getpid)" 1
is "config-linux.md § Namespaces: the user namespace is not new unless asked" \
  "$(kv "$OUT" user)" "$(host_ns user)"

# ---- absent namespaces are the runtime's ------------------------------------------------------
B=$(new_bundle few)
set_args "$B" /probe ns
cfg "$B" 'del(.hostname) | .linux.namespaces = [{"type": "pid"}, {"type": "mount"}]'
run_ctr "$B" "$(cid few)"
is "config-linux.md § Namespaces: pid+mount only runs" "$RC" 0 || diag "$ERR"
for n in net ipc uts cgroup time; do
  is "config-linux.md § Namespaces: absent $n namespace is inherited from the runtime" \
    "$(kv "$OUT" "$n")" "$(host_ns "$n")"
done
isnt "config-linux.md § Namespaces: the listed mount namespace is still new" \
  "$(kv "$OUT" mnt)" "$(host_ns mnt)"

# ---- joining namespaces by path --------------------------------------------------------------
# A host process in its own net/ipc/uts namespaces; OCIRUN_TEST_ID marks it for the leak check.
OCIRUN_TEST_ID=$TEST_UID unshare --net --ipc --uts sleep 60 &
holder=$!
_it_bg_pids+=("$holder")
retry 100 0.02 test "$(readlink /proc/$holder/ns/net)" != "$(host_ns net)"
B=$(new_bundle join)
set_args "$B" /probe ns
cfg "$B" 'del(.hostname) | .linux.namespaces = [{"type": "pid"}, {"type": "mount"},
  {"type": "network", "path": ($p + "/net")}, {"type": "ipc", "path": ($p + "/ipc")},
  {"type": "uts", "path": ($p + "/uts")}]' --arg p "/proc/$holder/ns"
run_ctr "$B" "$(cid join)"
is "config-linux.md § Namespaces: joining namespaces by path runs" "$RC" 0 || diag "$ERR"
for n in net ipc uts; do
  want=$(readlink "/proc/$holder/ns/$n")
  isnt "config-linux.md § Namespaces: the $n namespace to join is not the host's" \
    "$want" "$(host_ns "$n")"
  is "config-linux.md § Namespaces: path joins the process's $n namespace" \
    "$(kv "$OUT" "$n")" "$want"
done
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

B=$(new_bundle badpath)
set_args "$B" /probe ns
cfg "$B" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
  --arg p "$TEST_TMP/no-such-ns"
run_ctr "$B" "$(cid badpath)"
is "config-linux.md § Namespaces: a missing namespace path fails create" "$RC" 1
like "config-linux.md § Namespaces: the error names the path" "$ERR" "no-such-ns"

# ---- joining another container's pid namespace -----------------------------------------------
B1=$(new_bundle pid1)
set_args "$B1" /probe wait-signal
capture rt run -d --bundle "$B1" "$(cid pid1)"
is "config-linux.md § Namespaces: first container runs detached" "$RC" 0 || diag "$ERR"
first_out=$OUT_FILE
retry 100 0.05 grep -q '^ready=1$' "$first_out"
capture rt state "$(cid pid1)"
pid1=$(jq -r .pid <<<"$OUT")
like "first container has a pid" "$pid1" '^[0-9]+$'
B2=$(new_bundle pid2)
set_args "$B2" /bin/sh -c '/probe ns; echo "cmdline1=$(tr "\0" " " </proc/1/cmdline)"'
cfg "$B2" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
  --arg p "/proc/$pid1/ns/pid"
run_ctr "$B2" "$(cid pid2)"
is "config-linux.md § Namespaces: joining a pid namespace by path runs" "$RC" 0 || diag "$ERR"
is "config-linux.md § Namespaces: joined pid namespace is the first container's" \
  "$(kv "$OUT" pid)" "$(readlink "/proc/$pid1/ns/pid")"
isnt "config-linux.md § Namespaces: in a joined pid namespace init is not pid 1" \
  "$(kv "$OUT" getpid)" 1
like "config-linux.md § Namespaces: the joiner sees the other container's init as pid 1" \
  "$(kv "$OUT" cmdline1)" '^/probe wait-signal $'
capture rt kill "$(cid pid1)" USR1
retry 100 0.05 grep -q '^signal=SIGUSR1$' "$first_out"
capture rt delete --force "$(cid pid1)"
is "first container deleted" "$RC" 0 || diag "$ERR"

# ---- time namespace offsets ------------------------------------------------------------------
if [ -e /proc/self/ns/time ]; then
  B=$(new_bundle time)
  set_args "$B" /bin/sh -c '/probe ns; /probe time'
  cfg "$B" '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"monotonic": {"secs": 100000, "nanosecs": 0},
                            "boottime": {"secs": 200000, "nanosecs": 500000000}}'
  before=$("$PROBE" time)
  run_ctr "$B" "$(cid time)"
  after=$("$PROBE" time)
  is "config-linux.md § Offset for Time Namespace: container with timeOffsets runs" "$RC" 0 ||
    diag "$ERR"
  isnt "config-linux.md § Offset for Time Namespace: the time namespace is new" \
    "$(kv "$OUT" time)" "$(host_ns time)"
  # in_range CLOCK OFFSET: host before + offset <= container <= host after + offset.
  in_range() {
    awk -v lo="$(kv "$before" "$1")" -v hi="$(kv "$after" "$1")" -v c="$(kv "$OUT" "$1")" \
      -v off="$2" 'BEGIN { exit !(c != "" && c >= lo + off && c <= hi + off) }'
  }
  check "config-linux.md § Offset for Time Namespace: monotonic shifted by 100000 s" \
    in_range monotonic 100000
  check "config-linux.md § Offset for Time Namespace: boottime shifted by 200000.5 s" \
    in_range boottime 200000.5
  diag "host monotonic $(kv "$before" monotonic), container $(kv "$OUT" monotonic)"
else
  skip "config-linux.md § Offset for Time Namespace" "kernel without time namespaces"
fi

# ---- config errors ---------------------------------------------------------------------------
B=$(new_bundle dup)
set_args "$B" /probe ns
cfg "$B" '.linux.namespaces += [{"type": "pid"}]'
run_ctr "$B" "$(cid dup)"
is "config-linux.md § Namespaces: duplicate namespace type is a config error (exit 1)" "$RC" 1
like "config-linux.md § Namespaces: the error names the duplicate" "$ERR" \
  'linux\.namespaces\[[0-9]+\]\.type: duplicate namespace "pid"'
is "config-linux.md § Namespaces: the error is one line" "$(wc -l <<<"$ERR")" 1
capture rt state "$(cid dup)"
isnt "config-linux.md § Namespaces: the rejected container does not exist" "$RC" 0

# The spec makes the mount namespace optional; a runtime that set the rootfs up (propagation,
# bind, pivot_root) in the host's would wreck the host, so ocirun refuses like runc.
B=$(new_bundle nomnt)
set_args "$B" /probe ns
cfg "$B" '.linux.namespaces |= map(select(.type != "mount"))'
HOST_PROP=$(awk '$5 == "/" {print $7}' /proc/self/mountinfo)
run_ctr "$B" "$(cid nomnt)"
is "config-linux.md § Namespaces: no mount namespace is refused (exit 1)" "$RC" 1
is "config-linux.md § Namespaces: ... with one line naming it" "$ERR" \
  "ocirun: config.json: linux.namespaces: a mount namespace is required"
is "config-linux.md § Namespaces: ... and the host's / propagation is untouched" \
  "$(awk '$5 == "/" {print $7}' /proc/self/mountinfo)" "$HOST_PROP"

assert_clean "namespace tests leave nothing behind"
done_testing
