#!/bin/bash
# test-cgroup-v2.sh — a pure cgroup v2 host (config-linux.md § Control groups, § Cgroups Path,
# § Unified, § Allowed Device list, and the v1 -> v2 conversions runc/crun use).  Kept
# compact because it normally runs inside the emulated VM of cgroup2-vm.sh, where every
# exec costs ~45 ms: one long-lived container carries most of the checks, three short ones
# check the limits by behaviour.  Run it from a non-root cgroup (cgroup2-vm.sh moves there).
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq
[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] || skip_all "not a pure cgroup v2 host"

# The container's directory: the runtime's own cgroup is /t, so the default
# cgroupsPath (the id, relative) lands beside it, like runc: /sys/fs/cgroup/<id>.
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
parent=${own%/*}
D=/sys/fs/cgroup${parent}/$(cid main)
cgf() { head -n1 "$D/$1" 2>&1; }

B=$(new_bundle main)
set_args "$B" /probe sleep 300
cfg "$B" '.linux.resources = {
  "memory": {"limit": 268435456, "reservation": 134217728, "swap": 536870912},
  "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"},
  "pids": {"limit": 123},
  "devices": [{"allow": false, "access": "rwm"},
              {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}],
  "unified": {"memory.high": "314572800"}
}'
hp=""
if [ -e /sys/fs/cgroup/t/hugetlb.2MB.max ] || grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers; then
  hp=1
  cfg "$B" '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 8388608}]'
fi
run_ctr "$B" "$(cid main)" -d
is "run -d" "$RC" 0 || diag "$ERR"
PID=$(rt state "$(cid main)" | jq -r .pid)

is "the init starts in the container's cgroup (CLONE_INTO_CGROUP)" \
  "$(sed -n 's/^0:://p' /proc/$PID/cgroup)" "${parent}/$(cid main)"
is "memory.max" "$(cgf memory.max)" 268435456
is "memory.low (reservation)" "$(cgf memory.low)" 134217728
if [ -e "$D/memory.swap.max" ]; then
  is "memory.swap.max = swap - limit" "$(cgf memory.swap.max)" 268435456
else
  skip "memory.swap.max" "no swap controller files"
fi
is "memory.high from unified (§ Unified)" "$(cgf memory.high)" 314572800
is "cpu.weight from shares 512 (runc's conversion)" "$(cgf cpu.weight)" 20
is "cpu.max" "$(cgf cpu.max)" "20000 100000"
is "cpuset.cpus" "$(cgf cpuset.cpus)" 0
is "cpuset.mems" "$(cgf cpuset.mems)" 0
is "pids.max" "$(cgf pids.max)" 123
if [ -n "$hp" ]; then
  is "hugetlb.2MB.max" "$(cgf hugetlb.2MB.max)" 8388608
else
  skip "hugetlb.2MB.max" "no hugetlb controller"
fi
like "the parent enables the controllers (subtree_control)" \
  "$(cat /sys/fs/cgroup${parent}/cgroup.subtree_control)" 'cpu.*memory.*pids|memory.*pids'
if command -v bpftool >/dev/null 2>&1; then
  like "a device eBPF program is attached" "$(bpftool cgroup list "$D" 2>&1)" 'cgroup_device|device'
else
  skip "device eBPF program attached" "no bpftool"
fi

capture rt ps -f json "$(cid main)"
is "ps -f json" "$OUT" "[$PID]" || diag "$ERR"
capture rt pause "$(cid main)"
is "pause: cgroup.freeze, cgroup.events frozen 1, state paused" \
  "$RC $(cgf cgroup.freeze) $(grep frozen "$D/cgroup.events") $(rt state "$(cid main)" | jq -r .status)" \
  "0 1 frozen 1 paused" || diag "$ERR"
capture rt resume "$(cid main)"
is "resume: thawed, state running" \
  "$RC $(cgf cgroup.freeze) $(grep frozen "$D/cgroup.events") $(rt state "$(cid main)" | jq -r .status)" \
  "0 0 frozen 0 running" || diag "$ERR"
capture rt update --memory 300m --pids-limit 99 --cpu-period 200000 "$(cid main)"
is "update: memory.max, pids.max, cpu.max keeps the quota" \
  "$RC $(cgf memory.max) $(cgf pids.max) $(cgf cpu.max)" "0 314572800 99 20000 200000" || diag "$ERR"
capture rt events --stats "$(cid main)"
is "events --stats: runc's keys" "$(jq -r '.type + " " + (.data | keys | join(","))' <<<"$OUT")" \
  "stats blkio,cpu,cpuset,hugetlb,intel_rdt,memory,network_interfaces,pids" || diag "$ERR"
is "events --stats: memory limit and pids" \
  "$(jq -r '"\(.data.memory.usage.limit) \(.data.pids.current) \(.data.pids.limit)"' <<<"$OUT")" \
  "314572800 1 99"
capture rt kill --all "$(cid main)" KILL
retry 50 0.1 test "$(rt state "$(cid main)" | jq -r .status)" = stopped
is "kill --all (cgroup.kill)" "$RC $(rt state "$(cid main)" | jq -r .status)" "0 stopped"
capture rt delete "$(cid main)"
is "delete removes the cgroup" "$RC $(test -d "$D" && echo left)" "0 " || diag "$ERR"

# ---- behaviour: device filter and cgroup namespace, OOM, pids -------------------------------
B=$(new_bundle dev)
cat >"$B/rootfs/check.sh" <<'EOF'
/probe open /dev/kmsg wo; /probe open /dev/null rw; /probe cgroup
EOF
set_args "$B" /bin/sh /check.sh
cfg "$B" '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
run_ctr "$B" "$(cid dev)"
is "device filter: /dev/kmsg denied, /dev/null allowed" "$(grep errno <<<"$OUT" | tr '\n' ' ')" \
  "errno=EPERM errno=0 " || diag "$ERR"
like "cgroup namespace rooted at the container's cgroup" "$OUT" '^0::/$'

B=$(new_bundle oom)
printf '/probe sleep 1\n/probe alloc 200\necho alloc=$?\nexec /probe sleep 300\n' >"$B/rootfs/oom.sh"
set_args "$B" /bin/sh /oom.sh
cfg "$B" '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
run_ctr "$B" "$(cid oom)" -d
ctr_out=$OUT_FILE
capture timeout 8 "$OCIRUN" --root "$ROOT" events --interval 1m "$(cid oom)"
like "memory limit: events streams {\"type\":\"oom\"} (memory.events oom_kill)" "$OUT" \
  "^\\{\"type\":\"oom\",\"id\":\"$(cid oom)\"\\}\$" || diag "$ERR"
is "memory limit OOM-kills probe alloc (137)" "$(kv "$(cat "$ctr_out")" alloc)" 137

B=$(new_bundle pids)
set_args "$B" /probe fork-bomb 40
cfg "$B" '.linux.resources.pids = {"limit": 10}'
run_ctr "$B" "$(cid pids)"
like "pids limit stops the fork bomb (EAGAIN)" "$(kv "$OUT" forked) $(kv "$OUT" errno)" \
  '^[0-9] EAGAIN$' || diag "$ERR"
cfg "$B" '.linux.resources.cpu = {"cpus": "9999"} | .process.args = ["/probe", "exit", "0"]'
run_ctr "$B" "$(cid bad)"
like "a bad resource fails create and leaves no cgroup" \
  "$RC $(test -d "/sys/fs/cgroup${parent}/$(cid bad)" && echo left)" '^1 $' || diag "$ERR"
for c in dev oom pids bad; do rt delete --force "$(cid $c)" >/dev/null 2>&1; done

assert_clean "nothing left behind"
done_testing
