#!/bin/bash
# test-process.sh — the container process's attributes (config.md § Process, § Hostname,
# § Domainname; config-linux.md § Sysctl, § Personality; runtime.md § Create for
# --preserve-fds / LISTEN_FDS): args, env, cwd, user, umask, rlimits, oomScoreAdj,
# noNewPrivileges, scheduler, ioPriority, execCPUAffinity, hostname, domainname, sysctl,
# personality and the fds the container inherits.  Most checks share one container that runs
# several probe commands through the busybox shell.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq timeout


# run_sh BUNDLE NAME SCRIPT: run SCRIPT with the container's /bin/sh.
run_sh() {
  set_args "$1" /bin/sh -c "$3"
  run_ctr "$1" "$(cid "$2")"
}

# ---- one container, many attributes ---------------------------------------------------------
B=$(new_bundle attrs)
cfg "$B" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 1002], "umask": 23}
  | .process.cwd = "/tmp/made/here"
  | .process.env += ["FOO=bar baz", "EMPTY="]
  | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
                        {"type": "RLIMIT_CORE", "soft": 0, "hard": 1048576},
                        {"type": "RLIMIT_NPROC", "soft": 300, "hard": 300}]
  | .process.oomScoreAdj = 300
  | .process.noNewPrivileges = true
  | .root.readonly = false
  | .hostname = "proc-host" | .domainname = "proc.example"'
run_sh "$B" attrs 'echo [id]; /probe id; echo [env]; /probe env; echo [cwd]; /probe cwd;
  echo [rlimits]; /probe rlimits; echo [oom]; /probe oom; echo [caps]; /probe caps;
  echo [uts]; /probe hostname; /probe domainname; echo [args]; /probe args one "two words" ""'
is "config.md § Process: the container ran" "$RC" 0 || diag "$ERR"
section() { awk -v s="[$1]" '$0 == s {p = 1; next} /^\[/ {p = 0} p' <<<"$OUT"; }
id=$(section id)
is "config.md § User: uid" "$(kv "$id" uid):$(kv "$id" euid)" 1000:1000
is "config.md § User: gid" "$(kv "$id" gid):$(kv "$id" egid)" 1001:1001
is "config.md § User: additionalGids (and nothing else)" "$(kv "$id" groups)" 5,1002
is "config.md § User: umask" "$(kv "$id" umask)" 0027
env=$(section env)
like "config.md § Process: env with spaces kept" "$env" '^FOO=bar baz$'
like "config.md § Process: empty env value kept" "$env" '^EMPTY=$'
like "config.md § Process: PATH from the config" "$env" '^PATH=/usr/local/sbin:'
unlike "config.md § Process: no host environment leaks" "$env" '^(LISTEN_FDS|NOTIFY_SOCKET|IT_TIMEOUT)='
# runc and crun add HOME (from the rootfs's /etc/passwd, else "/") when the config has none.
check "config.md § Process: HOME=/ added for a user without a passwd entry (runc compat)" \
  grep -qx 'HOME=/' <<<"$env"
is "config.md § Process: cwd that did not exist is created" "$(kv "$(section cwd)" cwd)" /tmp/made/here
rl=$(section rlimits)
is "config.md § POSIX process: RLIMIT_NOFILE soft/hard" "$(kv "$rl" RLIMIT_NOFILE)" "123 456"
is "config.md § POSIX process: RLIMIT_CORE soft/hard" "$(kv "$rl" RLIMIT_CORE)" "0 1048576"
is "config.md § POSIX process: RLIMIT_NPROC" "$(kv "$rl" RLIMIT_NPROC)" "300 300"
is "config.md § POSIX process: oomScoreAdj 300" "$(kv "$(section oom)" oom_score_adj)" 300
caps=$(section caps)
is "config.md § Linux process: noNewPrivileges" "$(kv "$caps" NoNewPrivs)" 1
is "config.md § Linux process: non-root user has no effective caps" "$(kv "$caps" CapEff)" 0000000000000000
uts=$(section uts)
is "config.md § Hostname" "$(kv "$uts" hostname)" proc-host
is "config.md § Domainname" "$(kv "$uts" domainname)" proc.example
args=$(section args)
is "config.md § Process: args: argc (probe, args, 3 more)" "$(kv "$args" argc)" 5
is "config.md § Process: args: argv[0] is args[0]" "$(kv "$args" arg0)" /probe
is "config.md § Process: args: spaces kept" "$(kv "$args" arg3)" "two words"
is "config.md § Process: args: empty argument kept" "$(kv "$args" arg4)" ""
check "config.md § Process: the created cwd is in the rootfs" test -d "$B/rootfs/tmp/made/here"
isnt "config.md § Hostname: the host's hostname is untouched" "$(hostname)" proc-host

# An existing cwd, root user, noNewPrivileges false.
cfg "$B" '.process.user = {"uid": 0, "gid": 0} | .process.cwd = "/etc"
  | .process.noNewPrivileges = false | del(.process.oomScoreAdj) | del(.domainname)'
run_sh "$B" root 'cd .; /probe cwd; /probe caps; /probe oom; /probe domainname'
is "config.md § Process: existing cwd" "$(kv "$OUT" cwd)" /etc
is "config.md § Linux process: noNewPrivileges false" "$(kv "$OUT" NoNewPrivs)" 0
is "config.md § POSIX process: no oomScoreAdj inherits ours" "$(kv "$OUT" oom_score_adj)" \
  "$(</proc/self/oom_score_adj)"
is "config.md § Domainname: unset stays (none)" "$(kv "$OUT" domainname)" "(none)"

# A negative oomScoreAdj: we are root with CAP_SYS_RESOURCE here, so it must apply.
cfg "$B" '.process.oomScoreAdj = -500'
set_args "$B" /probe oom
run_ctr "$B" "$(cid oomneg)"
# Lowering it needs CAP_SYS_RESOURCE (bit 24); without it the create must fail, clearly.
if (( 0x$(awk '/^CapEff:/ {print $2}' /proc/self/status) >> 24 & 1 )); then
  is "config.md § POSIX process: negative oomScoreAdj with CAP_SYS_RESOURCE" \
    "$RC:$(kv "$OUT" oom_score_adj)" "0:-500" || diag "$ERR"
else
  like "config.md § POSIX process: negative oomScoreAdj without CAP_SYS_RESOURCE fails" \
    "$RC:$ERR" '^1:.*oomScoreAdj'
fi
cfg "$B" '.process.oomScoreAdj = 5000'
run_ctr "$B" "$(cid oombad)"
is "config.md § POSIX process: an out-of-range oomScoreAdj fails" "$RC" 1
like "config.md § POSIX process: ... naming the field" "$ERR" 'oomScoreAdj'
cfg "$B" 'del(.process.oomScoreAdj)'

# A hostname without a uts namespace is an error (config.md § Hostname).
cfg "$B" '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
set_args "$B" /probe hostname
run_ctr "$B" "$(cid nouts)"
is "config.md § Hostname: hostname without a uts namespace fails" "$RC" 1
like "config.md § Hostname: ... and says why" "$ERR" 'uts|UTS'
check "config.md § Hostname: the host's hostname is untouched" test "$(hostname)" != nope
cfg "$B" '.linux.namespaces += [{"type": "uts"}] | .hostname = "runc"'

# An rlimit above the hard limit we can grant, an unknown rlimit type.
cfg "$B" '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
run_ctr "$B" "$(cid rlbad)"
is "config.md § POSIX process: unknown rlimit type fails" "$RC" 1
like "config.md § POSIX process: ... naming it" "$ERR" 'RLIMIT_BOGUS'
cfg "$B" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 20, "hard": 10}]'
run_ctr "$B" "$(cid rlsoft)"
is "config.md § POSIX process: soft above hard fails" "$RC" 1
cfg "$B" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}]'
assert_clean "failed process attributes leave nothing behind"

# ---- sysctl (config-linux.md § Sysctl) ------------------------------------------------------
host_fwd=$(</proc/sys/net/ipv4/ip_forward)
want_fwd=$((1 - host_fwd))
cfg "$B" '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shmmax": "12345678",
  "kernel.msgmax": "4321"}' --arg f "$want_fwd"
run_sh "$B" sysctl '/probe sysctl net.ipv4.ip_forward; /probe sysctl kernel.shmmax;
  /probe sysctl kernel/msgmax'
is "config-linux.md § Sysctl: the container ran" "$RC" 0 || diag "$ERR"
is "config-linux.md § Sysctl: net.ipv4.ip_forward in the netns" "$(kv "$OUT" net.ipv4.ip_forward)" "$want_fwd"
is "config-linux.md § Sysctl: kernel.shmmax in the ipc ns" "$(kv "$OUT" kernel.shmmax)" 12345678
is "config-linux.md § Sysctl: kernel.msgmax in the ipc ns" "$(kv "$OUT" kernel/msgmax)" 4321
is "config-linux.md § Sysctl: the host's ip_forward is untouched" "$(</proc/sys/net/ipv4/ip_forward)" "$host_fwd"
isnt "config-linux.md § Sysctl: the host's shmmax is untouched" "$(</proc/sys/kernel/shmmax)" 12345678
cfg "$B" '.linux.sysctl = {"kernel.no_such_sysctl": "1"}'
run_ctr "$B" "$(cid sysbad)"
is "config-linux.md § Sysctl: an unknown sysctl fails" "$RC" 1
like "config-linux.md § Sysctl: ... naming it" "$ERR" 'no_such_sysctl'
cfg "$B" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
run_ctr "$B" "$(cid sysnonet)"
is "config-linux.md § Sysctl: a net sysctl without a netns is refused" "$RC" 1
is "config-linux.md § Sysctl: ... and the host's stays" "$(</proc/sys/net/ipv4/ip_forward)" "$host_fwd"
cfg "$B" 'del(.linux.sysctl) | .linux.namespaces += [{"type": "network"}]'
assert_clean "sysctl containers leave nothing behind"

# ---- personality, scheduler, ioPriority, execCPUAffinity ------------------------------------
cfg "$B" '.linux.personality = {"domain": "LINUX32"}
  | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
  | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}
  | .process.execCPUAffinity = {"final": "0"}'
run_sh "$B" attrs2 '/probe personality; /bin/uname -m; /probe sched; /probe ioprio; /probe affinity'
is "config.md § Linux process: the container ran" "$RC" 0 || diag "$ERR"
is "config-linux.md § Personality: LINUX32" "$(kv "$OUT" domain)" LINUX32
like "config-linux.md § Personality: uname -m is i686" "$OUT" '^i686$'
is "config.md § Scheduler: SCHED_BATCH" "$(kv "$OUT" policy)" SCHED_BATCH
is "config.md § Scheduler: nice" "$(kv "$OUT" nice)" 7
is "config.md § IO Priority: class" "$(kv "$OUT" class)" IOPRIO_CLASS_BE
is "config.md § IO Priority: priority (raw value BE<<13 | 3)" "$(kv "$OUT" ioprio)" $((2 << 13 | 3))
is "config.md § Exec CPU affinity: final = cpu 0 only" "$(kv "$OUT" cpus)" 0
cfg "$B" '.process.scheduler = {"policy": "SCHED_IDLE", "nice": 19}
  | .process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}
  | .linux.personality = {"domain": "LINUX"} | del(.process.execCPUAffinity)'
run_sh "$B" attrs3 '/probe sched; /probe ioprio; /probe personality; /probe affinity'
is "config.md § Scheduler: SCHED_IDLE" "$(kv "$OUT" policy)" SCHED_IDLE
is "config.md § IO Priority: IOPRIO_CLASS_IDLE" "$(kv "$OUT" class)" IOPRIO_CLASS_IDLE
is "config-linux.md § Personality: LINUX" "$(kv "$OUT" domain)" LINUX
is "config.md § Exec CPU affinity: none keeps ours" "$(kv "$OUT" cpus)" "$("$PROBE" affinity | sed -n 's/^cpus=//p')"
cfg "$B" 'del(.process.execCPUAffinity) | del(.process.scheduler) | del(.process.ioPriority)
  | del(.linux.personality)'
assert_clean "attribute containers leave nothing behind"

# ---- fds: --preserve-fds, LISTEN_FDS, no leaks ----------------------------------------------
echo preserved >"$TEST_TMP/fd3"
echo listened >"$TEST_TMP/fd4"
set_args "$B" /probe fds
capture rt run --bundle "$B" "$(cid fds0)" 5<"$TEST_TMP/fd3" 7<"$TEST_TMP/fd4"
is "runtime.md § Create: the fd probe ran" "$RC" 0 || diag "$ERR"
is "runtime.md § Create: only stdio reaches the container" \
  "$(grep -o '^fd[0-9]*' <<<"$OUT" | tr '\n' ' ')" "fd0 fd1 fd2 "
capture rt run --preserve-fds 1 --bundle "$B" "$(cid fds1)" 3<"$TEST_TMP/fd3" 4<"$TEST_TMP/fd4"
is "runtime.md § Create: --preserve-fds 1 passes fd 3 and only it" \
  "$(grep -o '^fd[0-9]*' <<<"$OUT" | tr '\n' ' ')" "fd0 fd1 fd2 fd3 "
like "runtime.md § Create: fd 3 is the file we passed" "$(kv "$OUT" fd3)" "/fd3$"
set_args "$B" /bin/sh -c '/probe fds; /probe cat /proc/self/fd/3; /probe env'
capture env LISTEN_FDS=2 LISTEN_PID=$$ "$OCIRUN" --root "$ROOT" run --bundle "$B" "$(cid listen)" \
  3<"$TEST_TMP/fd3" 4<"$TEST_TMP/fd4" 5<"$TEST_TMP/fd4"
unlike "runtime.md § Create: LISTEN_PID of another process passes no fds" "$OUT" '^fd3='
# LISTEN_PID must be ocirun's own pid: exec it from a shell that sets it to itself.
capture bash -c 'export LISTEN_FDS=2 LISTEN_PID=$$; exec "$0" --root "$1" run --bundle "$2" "$3"' \
  "$OCIRUN" "$ROOT" "$B" "$(cid listen2)" 3<"$TEST_TMP/fd3" 4<"$TEST_TMP/fd4" 5<"$TEST_TMP/fd4"
is "runtime.md § Create: LISTEN_FDS=2: the container ran" "$RC" 0 || diag "$ERR"
is "runtime.md § Create: LISTEN_FDS=2 passes fds 3 and 4 only" \
  "$(grep -o '^fd[0-9]*=' <<<"$OUT" | tr '\n' ' ')" "fd0= fd1= fd2= fd3= fd4= "
like "runtime.md § Create: the listen fd content" "$OUT" '^preserved$'
like "runtime.md § Create: LISTEN_FDS set in the container" "$OUT" '^LISTEN_FDS=2$'
like "runtime.md § Create: LISTEN_PID is the container's pid 1" "$OUT" '^LISTEN_PID=1$'
capture bash -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --root "$1" run --preserve-fds 1 --bundle "$2" "$3"' \
  "$OCIRUN" "$ROOT" "$B" "$(cid listen3)" 3<"$TEST_TMP/fd3" 4<"$TEST_TMP/fd4" 5<"$TEST_TMP/fd4"
is "runtime.md § Create: LISTEN_FDS=1 plus --preserve-fds 1: fds 3 and 4" \
  "$(grep -o '^fd[0-9]*=' <<<"$OUT" | tr '\n' ' ')" "fd0= fd1= fd2= fd3= fd4= "

# With create/start, the fds are passed at create.
set_args "$B" /probe fds
capture rt create --preserve-fds 2 --bundle "$B" "$(cid fdcreate)" 3<"$TEST_TMP/fd3" 4<"$TEST_TMP/fd4" 9</dev/null
out=$OUT_FILE
capture rt start "$(cid fdcreate)"
retry 100 0.05 grep -q '^count=' "$out"
is "runtime.md § Create: create --preserve-fds 2: fds 3 and 4 only" \
  "$(grep -o '^fd[0-9]*=' "$out" | tr '\n' ' ')" "fd0= fd1= fd2= fd3= fd4= "
unlike "runtime.md § Create: no state dir or bundle fd leaks" "$(<"$out")" "$ROOT|/bundles/|exec\\.fifo|pipe:|socket:"
rt delete --force "$(cid fdcreate)" >/dev/null 2>&1

# The container's cwd and root are not host directories.
cfg "$B" '.process.cwd = "/"'
set_args "$B" /bin/sh -c '/probe cwd; ls /; /probe stat /proc/1/cwd'
run_ctr "$B" "$(cid cwd)"
is "config.md § Process: cwd / is the container's root" "$(kv "$OUT" cwd)" /
like "config.md § Root: the container sees its rootfs" "$OUT" '^probe$'
check "config.md § Root: (the host has /work)" test -d /work
unlike "config.md § Root: no host directory is visible" "$OUT" "^work$"
cfg "$B" '.process.args = ["/probe", "wait-signal"]'
capture rt run -d --bundle "$B" "$(cid cwdhost)"
pid=$(rt state "$(cid cwdhost)" | jq -r .pid)
# Another mount namespace: compare inodes, readlink cannot name the path from here.
rootfs_ino=$(stat -c %d:%i "$B/rootfs")
is "config.md § Process: the init's cwd is the rootfs" "$(stat -Lc %d:%i "/proc/$pid/cwd")" "$rootfs_ino"
is "config.md § Root: the init's root is the rootfs" "$(stat -Lc %d:%i "/proc/$pid/root")" "$rootfs_ino"
isnt "config.md § Process: the init's cwd is not ours" "$(stat -Lc %d:%i "/proc/$pid/cwd")" "$(stat -c %d:%i .)"
rt delete --force "$(cid cwdhost)" >/dev/null 2>&1

assert_clean "process tests leave nothing behind"
done_testing
