#!/bin/bash
# test-cgroup-v1.sh — cgroup v1 and hybrid hosts (config-linux.md § Control groups, § Cgroups
# Path, § Memory, § CPU, § Block IO, § Huge page limits, § PIDs, § Allowed Device list):
# every value written is read back from the container's cgroup files, the limits are
# checked by behaviour where that is cheap (OOM kill, fork limit, denied device), and
# pause/resume, ps, kill --all, update, events --stats and delete are driven on a live
# container.  A pure cgroup v2 host runs test-cgroup-v2.sh instead.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq
[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ] || skip_all "pure cgroup v2 host"
[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/freezer ] || skip_all "no cgroup v1 hierarchies"

# cgdir CONTROLLER PID: the directory of PID's cgroup in that v1 hierarchy.
cgdir() {
  local path
  path=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    "/proc/$2/cgroup")
  printf '/sys/fs/cgroup/%s%s\n' "$1" "$path"
}
# cg CONTROLLER FILE: the first line of FILE in the container $PID's cgroup.
cg() { head -n1 "$(cgdir "$1" "$PID")/$2" 2>&1; }
# pid ID: the container's init pid from `state`.
pid_of() { rt state "$1" | jq -r .pid; }
start_sleeper() { # BUNDLE ID: run `probe sleep 300` detached, set PID
  run_ctr "$1" "$2" -d
  is "$2: run -d" "$RC" 0 || diag "$ERR"
  PID=$(pid_of "$2")
}

blockdev=$(cat /sys/block/vda/dev 2>/dev/null || cat "$(ls -d /sys/block/*/dev | grep -v loop | head -n1)")

# ---- one container, every resource read back ------------------------------------------------
B=$(new_bundle full)
set_args "$B" /probe sleep 300
res='{
  "memory": {"limit": 268435456, "reservation": 134217728, "swap": 536870912, "swappiness": 30,
             "disableOOMKiller": true},
  "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"},
  "pids": {"limit": 123},
  "blockIO": {"weight": 300, "throttleReadBpsDevice": [{"major": MAJ, "minor": MIN, "rate": 1048576}],
              "throttleWriteIOPSDevice": [{"major": MAJ, "minor": MIN, "rate": 77}]},
  "devices": [{"allow": false, "access": "rwm"},
              {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]
}'
res=${res//MAJ/${blockdev%:*}}
res=${res//MIN/${blockdev#*:}}
cfg "$B" '.linux.resources = $r' --argjson r "$res"
hp=""
if [ -e /sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes ]; then
  hp=1
  cfg "$B" '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 8388608}]'
fi
start_sleeper "$B" "$(cid full)"
is "memory.limit_in_bytes (§ Memory limit)" "$(cg memory memory.limit_in_bytes)" 268435456
is "memory.soft_limit_in_bytes (reservation)" "$(cg memory memory.soft_limit_in_bytes)" 134217728
if [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
  is "memory.memsw.limit_in_bytes (swap)" "$(cg memory memory.memsw.limit_in_bytes)" 536870912
else
  skip "memory.memsw.limit_in_bytes" "no swap accounting"
fi
is "memory.swappiness" "$(cg memory memory.swappiness)" 30
is "memory.oom_control oom_kill_disable (disableOOMKiller)" "$(cg memory memory.oom_control)" \
  "oom_kill_disable 1"
is "cpu.shares (§ CPU)" "$(cg cpu cpu.shares)" 512
is "cpu.cfs_quota_us" "$(cg cpu cpu.cfs_quota_us)" 20000
is "cpu.cfs_period_us" "$(cg cpu cpu.cfs_period_us)" 100000
is "cpuset.cpus" "$(cg cpuset cpuset.cpus)" 0
is "cpuset.mems" "$(cg cpuset cpuset.mems)" 0
is "pids.max (§ PIDs)" "$(cg pids pids.max)" 123
wfile=blkio.weight
[ -e "$(cgdir blkio "$PID")/blkio.bfq.weight" ] && wfile=blkio.bfq.weight
like "$wfile (§ Block IO weight)" "$(cg blkio $wfile)" '(^| )300$'
is "blkio.throttle.read_bps_device" "$(cg blkio blkio.throttle.read_bps_device)" "$blockdev 1048576"
is "blkio.throttle.write_iops_device" "$(cg blkio blkio.throttle.write_iops_device)" "$blockdev 77"
if [ -n "$hp" ]; then
  is "hugetlb.2MB.limit_in_bytes (§ Huge page limits)" "$(cg hugetlb hugetlb.2MB.limit_in_bytes)" 8388608
else
  skip "hugetlb.2MB.limit_in_bytes" "no v1 hugetlb hierarchy with 2MB pages"
fi
devs=$(cat "$(cgdir devices "$PID")/devices.list")
like "devices.list has the config's rule (§ Allowed Device list)" "$devs" '^c 10:229 rw$'
like "devices.list has the default /dev/null rule" "$devs" '^c 1:3 rwm$'
unlike "devices.list does not allow everything" "$devs" '^a \*:\* rwm$'
unlike "devices.list does not allow /dev/console" "$devs" '^c 5:1 '

# Every hierarchy holds the init, the unified one too on a hybrid host.
miss=""
for d in $(awk -F: '$2 != "" {print $2}' /proc/$PID/cgroup | tr ',' '\n' | grep -v '^name='); do
  [ -d "/sys/fs/cgroup/$d" ] || continue
  [[ $(awk -F: -v c="$d" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    /proc/$PID/cgroup) == */"$(cid full)" ]] || miss+=" $d"
done
is "the init is in the container's cgroup in every v1 hierarchy" "$miss" ""
if [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
  like "hybrid: the init is in the unified hierarchy too" "$(grep '^0::' /proc/$PID/cgroup)" \
    "^0::/.*$(cid full)\$"
else
  skip "hybrid: the unified hierarchy" "no cgroup2 at /sys/fs/cgroup/unified"
fi

# ---- ps, pause/resume, update, events, kill --all, delete --------------------------------------
capture rt ps -f json "$(cid full)"
is "ps -f json lists the init" "$OUT" "[$PID]" || diag "$ERR"
capture rt ps "$(cid full)"
like "ps table: runc's shape (ps -ef header, the init's line)" "$OUT" "^UID +PID .*CMD"
like "ps table: the init's line" "$OUT" "^root +$PID .*/probe sleep 300"
is "ps table: nothing else" "$(wc -l <<<"$OUT")" 2

capture rt pause "$(cid full)"
is "pause" "$RC" 0 || diag "$ERR"
is "state after pause" "$(rt state "$(cid full)" | jq -r .status)" paused
is "freezer.state FROZEN" "$(cg freezer freezer.state)" FROZEN
like "the init is stopped in the freezer" "$(awk '{print $3}' /proc/$PID/stat)" '^[DST]$'
capture rt pause "$(cid full)"
isnt "pause twice fails" "$RC" 0
capture rt resume "$(cid full)"
is "resume" "$RC" 0 || diag "$ERR"
is "state after resume" "$(rt state "$(cid full)" | jq -r .status)" running
is "freezer.state THAWED" "$(cg freezer freezer.state)" THAWED
capture rt resume "$(cid full)"
is "resume of a running container: runc's error" "$RC/$ERR" "1/ocirun: container not paused"

capture rt update --memory 300m --pids-limit 200 --cpu-quota 30000 "$(cid full)"
is "update with flags" "$RC" 0 || diag "$ERR"
is "update: memory.limit_in_bytes" "$(cg memory memory.limit_in_bytes)" 314572800
is "update: pids.max" "$(cg pids pids.max)" 200
is "update: cpu.cfs_quota_us" "$(cg cpu cpu.cfs_quota_us)" 30000
is "update: untouched cpu.shares kept" "$(cg cpu cpu.shares)" 512
capture rt update --cpu-period 200000 "$(cid full)"
is "update: period alone keeps the quota" \
  "$RC $(cg cpu cpu.cfs_quota_us) $(cg cpu cpu.cfs_period_us)" "0 30000 200000"
printf '{"memory": {"reservation": 67108864}, "cpu": {"shares": 256}}' >"$TEST_TMP/res.json"
capture rt update --resources "$TEST_TMP/res.json" "$(cid full)"
is "update --resources FILE" "$RC $(cg memory memory.soft_limit_in_bytes) $(cg cpu cpu.shares)" \
  "0 67108864 256"
capture bash -c "printf '{\"pids\":{\"limit\":99}}' | $OCIRUN --root $ROOT update -r - $(cid full)"
is "update -r - (stdin)" "$RC $(cg pids pids.max)" "0 99"
is "update keeps the device rules" "$(cat "$(cgdir devices "$PID")/devices.list")" "$devs"
capture bash -c "echo '{\"memory\":{\"limit\":\"x\"}}' | $OCIRUN --root $ROOT update -r - $(cid full)"
like "update with a bad body fails naming the field" "$RC $ERR" '^1 .*memory.limit'

capture rt events --stats "$(cid full)"
is "events --stats" "$RC" 0 || diag "$ERR"
is "events --stats: type and id" "$(jq -r '.type + " " + .id' <<<"$OUT")" "stats $(cid full)"
is "events --stats: runc's data keys" "$(jq -r '.data | keys | join(",")' <<<"$OUT")" \
  "blkio,cpu,cpuset,hugetlb,intel_rdt,memory,network_interfaces,pids"
is "events --stats: memory limit" "$(jq -r .data.memory.usage.limit <<<"$OUT")" 314572800
like "events --stats: memory usage > 0" "$(jq -r .data.memory.usage.usage <<<"$OUT")" '^[1-9][0-9]*$'
is "events --stats: pids" "$(jq -c .data.pids <<<"$OUT")" '{"current":1,"limit":99}'
like "events --stats: cpu usage total" "$(jq -r .data.cpu.usage.total <<<"$OUT")" '^[1-9][0-9]*$'
is "events --stats: cpuset cpus" "$(jq -c .data.cpuset.cpus <<<"$OUT")" "[0]"
capture timeout 5 "$OCIRUN" --root "$ROOT" events --interval 200ms "$(cid full)"
like "events --interval streams stats lines" "$(head -n1 <<<"$OUT" | jq -r .type)" '^stats$'
like "events --interval: several lines in 5 s" "$(wc -l <<<"$OUT")" '^([3-9]|[1-9][0-9]+)$'

capture rt kill --all "$(cid full)" KILL
is "kill --all" "$RC" 0 || diag "$ERR"
retry 50 0.1 test "$(rt state "$(cid full)" | jq -r .status)" = stopped
is "kill --all stopped the container" "$(rt state "$(cid full)" | jq -r .status)" stopped
capture rt pause "$(cid full)"
is "pause a stopped container: runc's error" "$RC/$ERR" "1/ocirun: container not running"
dirs=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid full)" 2>/dev/null | wc -l)
like "the cgroup exists until delete" "$dirs" '^[1-9]'
capture rt delete "$(cid full)"
is "delete" "$RC" 0 || diag "$ERR"
is "delete removed every cgroup directory" \
  "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid full)" 2>/dev/null)" ""

# A paused container can be deleted with --force (SIGKILL only lands once thawed on v1).
B=$(new_bundle pz)
set_args "$B" /probe sleep 300
start_sleeper "$B" "$(cid pz)"
capture rt pause "$(cid pz)"
t0=$(date +%s%N)
capture rt delete --force "$(cid pz)"
t1=$(date +%s%N)
is "delete --force of a paused container" "$RC" 0 || diag "$ERR"
like "... without waiting for a timeout ($(((t1 - t0) / 1000000)) ms)" "$(((t1 - t0) / 1000000))" \
  '^[0-9]{1,4}$'
is "... and its cgroup is gone" "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid pz)")" ""

# Without a pid namespace the init's children outlive it: ps and kill --all find them through
# the cgroup, and delete kills the stragglers before removing it.
B=$(new_bundle linger)
printf '/probe sleep 300 &\n/probe sleep 300 &\nexec /probe sleep 300\n' >"$B/rootfs/bg.sh"
set_args "$B" /bin/sh /bg.sh
cfg "$B" '.linux.namespaces |= map(select(.type != "pid"))'
start_sleeper "$B" "$(cid linger)"
nprocs() { rt ps -f json "$(cid linger)" | jq length; }
retry 50 0.1 test "$(nprocs)" = 3
is "ps -f json: every process of the cgroup" "$(nprocs)" 3
capture rt kill --all "$(cid linger)" STOP
is "kill --all STOP reaches all three" \
  "$RC $(for p in $(rt ps -f json "$(cid linger)" | jq -r '.[]'); do awk '{print $3}' /proc/$p/stat; done | tr -d '\n')" \
  "0 TTT"
rt kill --all "$(cid linger)" CONT
capture rt kill "$(cid linger)" KILL
retry 50 0.1 test "$(rt state "$(cid linger)" | jq -r .status)" = stopped
is "the init is dead, two children linger in the cgroup" "$(nprocs)" 2
capture rt delete "$(cid linger)"
is "delete kills the stragglers and removes the cgroup" \
  "$RC $(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid linger)")" "0 " || diag "$ERR"

# ---- limits by behaviour ---------------------------------------------------------------------
B=$(new_bundle oom)
set_args "$B" /probe alloc 200
cfg "$B" '.linux.resources.memory = {"limit": 33554432}'
[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] &&
  cfg "$B" '.linux.resources.memory.swap = 33554432'
run_ctr "$B" "$(cid oom)"
is "a memory limit OOM-kills probe alloc (137)" "$RC" 137 || diag "$OUT $ERR"
rt delete --force "$(cid oom)" >/dev/null 2>&1

# events without --stats: an "oom" line when the OOM killer strikes inside a live container.
B=$(new_bundle oomev)
printf '/probe sleep 1\n/probe alloc 200\nexec /probe sleep 300\n' >"$B/rootfs/oom.sh"
set_args "$B" /bin/sh /oom.sh
cfg "$B" '.linux.resources.memory = {"limit": 33554432}'
[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] &&
  cfg "$B" '.linux.resources.memory.swap = 33554432'
start_sleeper "$B" "$(cid oomev)"
capture timeout 4 "$OCIRUN" --root "$ROOT" events --interval 1m "$(cid oomev)"
like "events streams {\"type\":\"oom\"} (memory.oom_control oom_kill)" "$OUT" \
  "^\\{\"type\":\"oom\",\"id\":\"$(cid oomev)\"\\}\$" || diag "$ERR"
rt delete --force "$(cid oomev)" >/dev/null 2>&1

B=$(new_bundle pids)
set_args "$B" /probe fork-bomb 40
cfg "$B" '.linux.resources.pids = {"limit": 10}'
run_ctr "$B" "$(cid pids)"
is "pids limit: fork-bomb ran" "$RC" 0 || diag "$ERR"
like "pids limit stops forks below 10" "$(kv "$OUT" forked)" '^[0-9]$'
is "pids limit: fork fails with EAGAIN" "$(kv "$OUT" errno)" EAGAIN
rt delete --force "$(cid pids)" >/dev/null 2>&1

B=$(new_bundle dev)
set_args "$B" /probe open /dev/kmsg wo
cfg "$B" '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
run_ctr "$B" "$(cid dev)"
is "a device outside the allow list cannot be opened (EPERM)" "$(kv "$OUT" errno)" EPERM ||
  diag "$ERR"
rt delete --force "$(cid dev)" >/dev/null 2>&1
B=$(new_bundle devok)
set_args "$B" /probe open /dev/kmsg wo
cfg "$B" '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
cfg "$B" '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
run_ctr "$B" "$(cid devok)"
is "the same device allowed for writing can be opened" "$(kv "$OUT" errno)" 0 || diag "$ERR"
rt delete --force "$(cid devok)" >/dev/null 2>&1

# ---- cgroupsPath, managers, failures -------------------------------------------------------------
B=$(new_bundle abs)
set_args "$B" /probe cgroup
cfg "$B" '.linux.cgroupsPath = $p | .linux.namespaces |= map(select(.type != "cgroup"))' \
  --arg p "/$TEST_UID-abs"
run_ctr "$B" "$(cid abs)"
like "absolute cgroupsPath: below each hierarchy root (§ Cgroups Path)" "$OUT" \
  "^[0-9]+:memory:/$TEST_UID-abs\$"
rt delete --force "$(cid abs)" >/dev/null 2>&1

B=$(new_bundle rel)
set_args "$B" /probe cgroup
cfg "$B" '.linux.namespaces |= map(select(.type != "cgroup"))'
run_ctr "$B" "$(cid rel)"
own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
like "no cgroupsPath: <own cgroup>/<id> like runc's cgroupfs" "$OUT" \
  "^[0-9]+:memory:${own%/}/$(cid rel)\$"
rt delete --force "$(cid rel)" >/dev/null 2>&1

B=$(new_bundle nscg)
set_args "$B" /probe cgroup
cfg "$B" '.linux.namespaces |= map(select(.type != "cgroup")) + [{"type": "cgroup"}]'
run_ctr "$B" "$(cid nscg)"
like "cgroup namespace rooted at the container's cgroup" "$OUT" '^[0-9]+:memory:/$'
rt delete --force "$(cid nscg)" >/dev/null 2>&1

B=$(new_bundle off)
set_args "$B" /probe cgroup
capture "$OCIRUN" --root "$ROOT" --cgroup-manager disabled run --bundle "$B" "$(cid off)"
is "--cgroup-manager disabled: runs" "$RC" 0 || diag "$ERR"
is "--cgroup-manager disabled: no cgroup made" \
  "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid off)" 2>/dev/null)" ""
rt delete --force "$(cid off)" >/dev/null 2>&1

if [ ! -d /run/systemd/system ]; then
  capture "$OCIRUN" --root "$ROOT" --systemd-cgroup run --bundle "$B" "$(cid sd)"
  is "--systemd-cgroup without systemd" "$RC/$ERR" \
    "1/ocirun: systemd cgroup manager: systemd is not running"
else
  skip "--systemd-cgroup without systemd" "systemd runs here"
fi

B=$(new_bundle bad)
set_args "$B" /probe sleep 1
cfg "$B" '.linux.resources.cpu = {"cpus": "9999"}'
run_ctr "$B" "$(cid bad)"
like "a resource the kernel refuses fails create" "$RC $ERR" '^1 .*cpuset'
is "a failed create leaves no cgroup" \
  "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$(cid bad)" 2>/dev/null)" ""

assert_clean "nothing left behind"
done_testing
