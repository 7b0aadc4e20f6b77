#!/bin/bash
# test-exec.sh — `ocirun exec` into a running container (runtime.md § Operations has no exec:
# the behaviour is runc's and crun's, ENGINES.md lines 30/47/59 and § The contract 4, 7, 10):
# the argv form and every flag, the --process form (config.md § Process), the namespaces,
# cgroup, seccomp profile and rlimits of the container, exit status and signal relay, stdin
# EOF, --detach with --pid-file, and the errors (missing, stopped and paused container,
# missing or non-executable binary, bad --user, LSM labels on a host without the LSM), each
# leaving nothing behind.  Terminals: test-exec-tty.sh; parallel execs: test-exec-stress.sh.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq timeout


# xrt ARGS...: ocirun with this test's root, bounded in time (capture's timeout skips functions).
xrt() { timeout -k 5 "$IT_TIMEOUT" "$OCIRUN" --root "$ROOT" "$@"; }
is_stopped() { [ "$(xrt state "$ID" | jq -r .status)" = stopped ]; }

# only_init: the container's processes are its init alone (a failed exec left nothing running).
only_init() { [ "$(xrt ps --format json "$ID" | jq -c .)" = "[$INIT]" ]; }

# ---- the target: a running container with env, rlimits and a seccomp profile ----------------
ID=$(cid target)
B=$(new_bundle target)
set_args "$B" /probe sleep 600
add_env "$B" FROM_CONFIG=yes
cfg "$B" '.process.noNewPrivileges = false
  | .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 777, hard: 888}]
  | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
run_ctr "$B" "$ID" -d
is "runtime.md § Start: the target container runs (run -d)" "$RC" 0 || { diag "$ERR"; skip_all "no target"; }
INIT=$(xrt state "$ID" | jq -r .pid)

# ---- argv form ---------------------------------------------------------------------------------
capture xrt exec "$ID" /probe args one "two words" ''
is "exec: argv form runs" "$RC" 0 || diag "$ERR"
is "exec: argv is passed as given" "$(kv "$OUT" argc),$(kv "$OUT" arg2),$(kv "$OUT" arg3),$(kv "$OUT" arg4)" \
  "5,one,two words,"

capture xrt exec "$ID" echo via-path
is "exec: the command is looked up in the container's PATH" "$RC:$OUT" "0:via-path" || diag "$ERR"

capture xrt exec "$ID" /probe env
like "exec: the container's env is inherited" "$OUT" '^FROM_CONFIG=yes$'
capture xrt exec -e ADDED=1 --env FROM_CONFIG=replaced "$ID" /probe env
like "exec --env: a new variable is added" "$OUT" '^ADDED=1$'
like "exec --env: a variable of the container is replaced" "$OUT" '^FROM_CONFIG=replaced$'
unlike "exec --env: ... and not kept twice" "$OUT" '^FROM_CONFIG=yes$'
like "exec --env: the rest of the container's env stays" "$OUT" '^PATH=/'

capture xrt exec "$ID" /probe cwd
is "exec: cwd defaults to process.cwd" "$(kv "$OUT" cwd)" /
capture xrt exec --cwd /tmp "$ID" /probe cwd
is "exec --cwd: the working directory" "$(kv "$OUT" cwd)" /tmp

capture xrt exec --user 1000:1000 --additional-gids 10 -g 20 "$ID" /probe id
is "exec --user 1000:1000: uid" "$(kv "$OUT" uid)/$(kv "$OUT" euid)" 1000/1000 || diag "$ERR"
is "exec --user 1000:1000: gid" "$(kv "$OUT" gid)/$(kv "$OUT" egid)" 1000/1000
is "exec --additional-gids: supplementary groups" "$(kv "$OUT" groups)" 10,20
capture xrt exec -u 1000 "$ID" /probe id
is "exec --user 1000: gid 0 like runc" "$(kv "$OUT" uid):$(kv "$OUT" gid)" 1000:0

capture xrt exec "$ID" /probe caps
BASE_BND=$(kv "$OUT" CapBnd)
is "exec: no_new_privs follows the container (false)" "$(kv "$OUT" NoNewPrivs)" 0
is "exec: the container's seccomp profile applies (Seccomp: 2)" "$(kv "$OUT" Seccomp)" 2
capture xrt exec --cap CAP_NET_RAW "$ID" /probe caps
is "exec --cap CAP_NET_RAW: runs (root)" "$RC" 0 || diag "$ERR"
NETRAW=$((1 << 13))
is "exec --cap: added to CapBnd" "$(kv "$OUT" CapBnd)" "$(printf '%016x' $((0x$BASE_BND | NETRAW)))"
is "exec --cap: added to CapEff" "$(( (0x$(kv "$OUT" CapEff) & NETRAW) != 0 ))" 1
is "exec --cap: never ambient or inheritable (DESIGN.md §5 rule 8, runc 1.1.5)" \
  "$(kv "$OUT" CapAmb)/$(kv "$OUT" CapInh)" 0000000000000000/0000000000000000
capture xrt exec --no-new-privs "$ID" /probe caps
is "exec --no-new-privs: NoNewPrivs 1" "$(kv "$OUT" NoNewPrivs)" 1

capture xrt exec "$ID" /probe syscall-errno mkdir
is "exec: the container's seccomp rule answers mkdir with EACCES" "$(kv "$OUT" errno)" EACCES
capture xrt exec "$ID" /probe rlimits
is "exec: the container's rlimits apply" "$(kv "$OUT" RLIMIT_NOFILE)" "777 888"

# --preserve-fds: fd 3 reaches the process only when asked for.
echo preserved >"$TEST_TMP/fd3"
capture xrt exec --preserve-fds 1 "$ID" /probe fds 3<"$TEST_TMP/fd3"
is "exec --preserve-fds 1: fd 3 is passed" "$(kv "$OUT" fd3)" "$TEST_TMP/fd3"
is "exec --preserve-fds 1: and nothing else" "$(kv "$OUT" count)" 4
capture xrt exec "$ID" /probe fds 3<"$TEST_TMP/fd3"
is "exec: without --preserve-fds only stdio reaches the process" "$(kv "$OUT" count)" 3

# ---- the container's namespaces and cgroup -----------------------------------------------------
capture xrt exec "$ID" /probe ns
for ns in cgroup ipc mnt net pid user uts time; do
  want=$(readlink "/proc/$INIT/ns/$ns" 2>/dev/null) || continue
  is "exec joins the init's $ns namespace" "$(kv "$OUT" "$ns")" "$want"
done
isnt "exec: a pid of the container's pid namespace (not 1)" "$(kv "$OUT" getpid)" 1
capture xrt exec "$ID" /probe cgroup
unlike "exec: /proc/self/cgroup is inside the cgroup namespace (no /..)" "$OUT" ':/\.\.'

# ---- exit status, signals, stdin ---------------------------------------------------------------
capture xrt exec "$ID" /probe exit 3
is "exec: the exit status is relayed (3)" "$RC" 3
capture xrt exec "$ID" /probe signal TERM
is "exec: a signal death is relayed as 128+N (SIGTERM: 143)" "$RC" 143

OF=$TEST_TMP/wait-signal.out
"$OCIRUN" --root "$ROOT" exec "$ID" /probe wait-signal USR1 >"$OF" 2>&1 </dev/null &
EP=$!
if retry 100 0.05 grep -q ready=1 "$OF"; then
  kill -USR1 "$EP"
  retry 100 0.05 _it_gone "$EP"
  wait "$EP"
  is "exec: SIGUSR1 to a foreground exec is forwarded (exit 128+10)" "$?" 138
  is "exec: ... the process got SIGUSR1" "$(kv "$(<"$OF")" signal)" SIGUSR1
else
  kill -9 "$EP"
  not_ok "exec: wait-signal got ready" "$(<"$OF")"
fi

OUT=$(printf 'line1\nline2\n' | timeout 20 "$OCIRUN" --root "$ROOT" exec "$ID" /probe cat -)
is "exec: stdin EOF is passed on (cat - ends)" "$?" 0
is "exec: stdin reaches the process" "$OUT" $'line1\nline2'

# ---- --detach --pid-file -----------------------------------------------------------------------
PIDF=$TEST_TMP/exec.pid
capture xrt exec --detach --pid-file "$PIDF" "$ID" /probe sleep 600
is "exec --detach: returns at once, status 0" "$RC" 0 || diag "$ERR"
EPID=$(cat "$PIDF" 2>/dev/null)
like "exec --pid-file: the pid is written (ENGINES.md contract 4)" "$EPID" '^[0-9]+$'
if [[ $EPID =~ ^[0-9]+$ ]]; then
  is "exec --detach: the process keeps running" "$(tr '\0' ' ' <"/proc/$EPID/cmdline")" "/probe sleep 600 "
  is "exec --detach: it is in the container's cgroups" "$(cat "/proc/$EPID/cgroup")" \
    "$(cat "/proc/$INIT/cgroup")"
  like "ps: lists the exec'd process" "$(xrt ps --format json "$ID")" "(\\[|,)$EPID(,|\\])"
  kill -9 "$EPID"
  retry 50 0.1 only_init
fi

# ---- --process (podman, containerd: a process.json) ------------------------------------------
PJ=$TEST_TMP/process.json
jq -n '{args: ["/bin/sh", "-c", "/probe id; /probe cwd; /probe env; /probe caps; /probe rlimits"],
  env: ["PATH=/bin", "ONLY=process-json"], cwd: "/etc", terminal: false,
  user: {uid: 0, gid: 0, additionalGids: [5, 6]},
  capabilities: {bounding: ["CAP_KILL", "CAP_NET_RAW"], effective: ["CAP_KILL"],
    permitted: ["CAP_KILL"]},
  noNewPrivileges: true,
  rlimits: [{type: "RLIMIT_NOFILE", soft: 512, hard: 512}]}' >"$PJ"
capture xrt exec --process "$PJ" "$ID"
is "exec --process (config.md § Process): runs" "$RC" 0 || diag "$ERR"
is "exec --process: env replaces the container's" "$(kv "$OUT" ONLY),$(kv "$OUT" FROM_CONFIG)" \
  process-json,
is "exec --process: cwd" "$(kv "$OUT" cwd)" /etc
is "exec --process: user.additionalGids" "$(kv "$OUT" groups)" 5,6
is "exec --process: capabilities.bounding" "$(kv "$OUT" CapBnd)" "$(printf '%016x' $(((1 << 5) | NETRAW)))"
is "exec --process: capabilities.effective" "$(kv "$OUT" CapEff)" "$(printf '%016x' $((1 << 5)))"
is "exec --process: noNewPrivileges" "$(kv "$OUT" NoNewPrivs)" 1
is "exec --process: rlimits" "$(kv "$OUT" RLIMIT_NOFILE)" "512 512"
is "exec --process: the container's seccomp profile still applies" "$(kv "$OUT" Seccomp)" 2

jq '.args = ["/probe", "id"] | .user = {uid: 1000, gid: 1000} | .cwd = "/"' "$PJ" >"$PJ.2"
capture xrt exec --process "$PJ.2" "$ID"
is "exec --process: user.uid/gid" "$(kv "$OUT" uid):$(kv "$OUT" gid)" 1000:1000 || diag "$ERR"

jq '.args = []' "$PJ" >"$PJ.3"
capture xrt exec --process "$PJ.3" "$ID"
isnt "exec --process with empty args fails" "$RC" 0
like "exec --process with empty args: names the field" "$ERR" 'args'
capture xrt exec --process "$TEST_TMP/nosuch.json" "$ID"
like "exec --process with a missing file: names it" "$ERR" 'nosuch\.json'

# ---- errors: wording like runc's; nothing left behind --------------------------------------------
capture xrt exec "$ID" nosuch
isnt "exec of a missing binary fails" "$RC" 0
like "exec of a missing binary: runc's wording (ENGINES.md contract 7 -> 127)" "$ERR" \
  '^ocirun: .*exec: "nosuch": executable file not found in \$PATH$'
is "exec of a missing binary: exit 255 like runc 1.1.5 and crun 1.8.1" "$RC" 255
capture xrt exec "$ID" /nosuchdir/x
like "exec of a missing path: 'no such file or directory'" "$ERR" '[Nn]o such file or directory'
capture xrt exec "$ID" /etc/passwd
isnt "exec of a non-executable file fails" "$RC" 0
like "exec of a non-executable file: runc's wording (-> 126)" "$ERR" \
  '^ocirun: .*exec: "/etc/passwd": permission denied$'
is "exec of a non-executable file: exit 255 like runc 1.1.5 and crun 1.8.1" "$RC" 255
check "failed execs leave no process in the container" only_init

capture xrt exec -u foo "$ID" /probe id
isnt "exec --user foo fails" "$RC" 0
like "exec --user foo: one error line naming the value" "$ERR" '^ocirun: .*"foo"'
capture xrt exec -u 1000:x "$ID" /probe id
isnt "exec --user 1000:x fails" "$RC" 0

if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
  skip "exec --apparmor is refused without AppArmor" "AppArmor is on"
else
  capture xrt exec --apparmor ocirun-test "$ID" /probe id
  isnt "exec --apparmor without AppArmor fails (fail closed)" "$RC" 0
  like "exec --apparmor: a clear error" "$ERR" '^ocirun: .*apparmor profile "ocirun-test".*AppArmor is not enabled$'
fi
if command -v selinuxenabled >/dev/null && selinuxenabled; then
  skip "exec --process-label is refused without SELinux" "SELinux is on"
else
  capture xrt exec --process-label system_u:system_r:container_t:s0 "$ID" /probe id
  isnt "exec --process-label without SELinux fails (fail closed)" "$RC" 0
  like "exec --process-label: a clear error" "$ERR" '^ocirun: .*SELinux.*not enabled'
fi
check "refused labels leave no process in the container" only_init

capture xrt exec "$(cid nosuch)" /probe id
isnt "exec into a missing container fails" "$RC" 0
like "exec into a missing container: 'does not exist' (ENGINES.md contract 7)" "$ERR" \
  '^ocirun: .*does not exist$'
is "exec into a missing container creates no state" "$(ls -A "$ROOT" | grep -c nosuch)" 0

# Paused: refused without --ignore-paused; with it the process runs once resumed.
capture xrt pause "$ID"
is "pause the target" "$RC" 0 || diag "$ERR"
capture xrt exec "$ID" /probe id
isnt "exec into a paused container fails" "$RC" 0
like "exec into a paused container: runc's wording" "$ERR" 'cannot exec in a paused container'
PF=$TEST_TMP/paused.out
"$OCIRUN" --root "$ROOT" exec --ignore-paused "$ID" /probe echo thawed >"$PF" 2>&1 </dev/null &
EP=$!
sleep 0.5
is "exec --ignore-paused: the process does not run while the container is frozen" \
  "$(<"$PF")" ""
xrt resume "$ID"
retry 100 0.1 _it_gone "$EP"
wait "$EP"
is "exec --ignore-paused: runs once the container is resumed" "$?:$(<"$PF")" "0:thawed"
check "exec into a paused container leaves no process" only_init

# Stopped: the init is gone, the state stays.
xrt kill "$ID" KILL
retry 100 0.1 is_stopped
capture xrt exec "$ID" /probe id
isnt "exec into a stopped container fails" "$RC" 0
like "exec into a stopped container: runc's wording" "$ERR" \
  '^ocirun: .*cannot exec in a stopped container$'
is "exec into a stopped container: the state stays 'stopped'" \
  "$(xrt state "$ID" | jq -r .status)" stopped
capture xrt delete "$ID"
is "delete the stopped target" "$RC" 0 || diag "$ERR"
assert_clean "exec tests leave nothing behind"
done_testing
