#!/bin/bash
# test-hooks.sh — config.md § POSIX-platform Hooks and runtime.md § Lifecycle: the six hooks
# run in order at their lifecycle steps, in the right namespace, with the state on stdin and
# exactly their args/env; timeouts; a failing prestart/createRuntime/createContainer hook
# fails create and leaves nothing behind; a failing startContainer hook keeps the user program
# from running; poststop failures only warn.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq timeout


HOST_MNT=$(readlink /proc/self/ns/mnt)
HOST_NET=$(readlink /proc/self/ns/net)

# The host-side hook: `hook.sh NAME LOG [EXIT]` appends one tab-separated line: NAME, then
# the stdin state plus what the hook saw (mount/net namespace, whether the container's /dev
# mount is visible, HOOKVAR, its argv, whether PATH was set) as one JSON object.
HOOK=$TEST_TMP/hook.sh
cat >"$HOOK" <<'EOF'
#!/bin/bash
state=$(cat)
rootfs=$(/usr/bin/jq -r .bundle <<<"$state")/rootfs
devmnt=0
while read -r _ _ _ _ mp _; do [ "$mp" = "$rootfs/dev" ] && devmnt=1; done </proc/self/mountinfo
# bash opens these itself, so /proc/self is this bash (in the container's pid namespace, $$
# would not name it in the host's /proc).  The environment bash started with, not its own.
mapfile -d '' env </proc/self/environ
/usr/bin/jq -c --arg mnt "$(readlink /proc/self/ns/mnt)" --arg net "$(readlink /proc/self/ns/net)" \
  --arg devmnt "$devmnt" --arg env "${env[*]}" --arg args "$*" \
  '. + {mnt: $mnt, net: $net, devmnt: $devmnt, env: $env, args: $args}' <<<"$state" |
  { printf '%s\t' "$1"; /usr/bin/cat; } >>"$2"
exit "${3:-0}"
EOF
chmod +x "$HOOK"

B=$(new_bundle hooks)
LOG=$B/rootfs/hooks.log
# hook_json NAME [EXIT]: a hook entry running hook.sh.
hook_json() {
  jq -nc --arg p "$HOOK" --arg n "$1" --arg log "$LOG" --arg x "${2:-0}" \
    '{path: $p, args: [$p, $n, $log, $x], env: ["HOOKVAR=\($n)-var"]}'
}
# The startContainer hook runs in the container: the rootfs's busybox sh writes /hooks.log.
start_hook='{"path": "/bin/sh", "args": ["sh", "-c",
  "s=$(cat | tr -d \"\\n\"); printf \"startContainer\\t%s\\n\" \"$s\" >> /hooks.log"]}'
cfg "$B" '.root.readonly = false | .hooks = {
    prestart: [$pre], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc],
    poststart: [$ps], poststop: [$pst]}' \
  --argjson pre "$(hook_json prestart)" --argjson cr "$(hook_json createRuntime)" \
  --argjson cc "$(hook_json createContainer)" --argjson sc "$start_hook" \
  --argjson ps "$(hook_json poststart)" --argjson pst "$(hook_json poststop)"
set_args "$B" /bin/sh -c 'echo user-process >> /hooks.log; exec /probe wait-signal'

# names: the hook names in the log, in order (user-process lines left out).
names() { awk -F'\t' '$1 != "user-process" {print $1}' "$LOG" 2>/dev/null | tr '\n' ' '; }
# field NAME JQ: JQ applied to NAME's JSON.
field() { awk -F'\t' -v n="$1" '$1 == n {print $2; exit}' "$LOG" | jq -r "$2"; }

# ---- the full lifecycle ------------------------------------------------------------------------
ID=$(cid all)
capture rt create --bundle "$B" --pid-file "$TEST_TMP/all.pid" "$ID"
is "runtime.md § Lifecycle: create with all six hooks" "$RC" 0 || diag "$ERR"
pid=$(<"$TEST_TMP/all.pid")
is "runtime.md § Lifecycle: steps 3-5: create ran prestart, createRuntime, createContainer" \
  "$(names)" "prestart createRuntime createContainer "
for h in prestart createRuntime createContainer; do
  is "config.md § Hooks: $h: state on stdin: id" "$(field $h .id)" "$ID"
  is "config.md § Hooks: $h: state on stdin: pid is the container's" "$(field $h .pid)" "$pid"
  is "config.md § Hooks: $h: state on stdin: bundle" "$(field $h .bundle)" "$B"
  is "config.md § Hooks: $h: status creating" "$(field $h .status)" creating
  is "config.md § Hooks: $h: env is exactly the hook's env" "$(field $h .env)" "HOOKVAR=$h-var"
  is "config.md § Hooks: $h: args as given" "$(field $h .args)" "$h $LOG 0"
done
is "config.md § Prestart: runs in the runtime mount namespace" "$(field prestart .mnt)" "$HOST_MNT"
is "config.md § CreateRuntime: runs in the runtime mount namespace" "$(field createRuntime .mnt)" "$HOST_MNT"
is "config.md § CreateRuntime: runs in the runtime network namespace" "$(field createRuntime .net)" "$HOST_NET"
isnt "config.md § CreateContainer: runs in the container mount namespace" "$(field createContainer .mnt)" "$HOST_MNT"
is "config.md § CreateContainer: runs in the container mount namespace (= the init's)" \
  "$(field createContainer .mnt)" "$(readlink "/proc/$pid/ns/mnt")"
is "config.md § CreateContainer: runs in the container network namespace" \
  "$(field createContainer .net)" "$(readlink "/proc/$pid/ns/net")"
is "config.md § CreateContainer: the container's mounts are set up (rootfs/dev)" "$(field createContainer .devmnt)" 1
check "config.md § CreateContainer: its path resolved in the runtime namespace (hook.sh is not in the rootfs)" \
  test ! -e "$B/rootfs$HOOK"
unlike "runtime.md § Lifecycle: step 2: the user program has not run at create" "$(<"$LOG")" '^user-process$'

capture rt start "$ID"
is "runtime.md § Lifecycle: start" "$RC" 0 || diag "$ERR"
is "runtime.md § Lifecycle: steps 7-9: startContainer, then poststart before start returns" \
  "$(names)" "prestart createRuntime createContainer startContainer poststart "
check "runtime.md § Lifecycle: step 8: the user program ran" retry 100 0.05 grep -qx user-process "$LOG"
is "config.md § StartContainer: runs before the user program" \
  "$(awk -F'\t' '$1 == "startContainer" || $1 == "user-process" {print $1}' "$LOG" | tr '\n' ' ')" \
  "startContainer user-process "
is "config.md § StartContainer: state on stdin: id" "$(field startContainer .id)" "$ID"
is "config.md § StartContainer: status created (runc)" "$(field startContainer .status)" created
is "config.md § Poststart: status running" "$(field poststart .status)" running
is "config.md § Poststart: pid" "$(field poststart .pid)" "$pid"
is "config.md § Poststart: runs in the runtime mount namespace" "$(field poststart .mnt)" "$HOST_MNT"
capture rt kill "$ID" TERM
retry 100 0.05 eval '[ "$(rt state "$ID" 2>/dev/null | jq -r .status)" = stopped ]'
unlike "runtime.md § Lifecycle: no poststop before delete" "$(names)" poststop
capture rt delete "$ID"
is "runtime.md § Lifecycle: delete" "$RC" 0 || diag "$ERR"
is "runtime.md § Lifecycle: step 13: poststop before delete returns" \
  "$(names)" "prestart createRuntime createContainer startContainer poststart poststop "
is "config.md § Poststop: status stopped" "$(field poststop .status)" stopped
is "config.md § Poststop: id" "$(field poststop .id)" "$ID"
is "config.md § Poststop: runs in the runtime mount namespace" "$(field poststop .mnt)" "$HOST_MNT"
assert_clean "a hooked lifecycle leaves nothing behind"

# run: the same order in one command.
rm -f "$LOG"
set_args "$B" /bin/sh -c 'echo user-process >> /hooks.log'
run_ctr "$B" "$(cid run)"
is "runtime.md § Lifecycle: run with all hooks" "$RC" 0 || diag "$ERR"
is "runtime.md § Lifecycle: run runs all six in order" \
  "$(names)" "prestart createRuntime createContainer startContainer poststart poststop "

# Several hooks of one kind run in their listed order; stdout of a hook is not the container's.
rm -f "$LOG"
cfg "$B" '.hooks = {prestart: [$a, $b, $c]}' --argjson a "$(hook_json pre1)" \
  --argjson b "$(hook_json pre2)" --argjson c "$(hook_json pre3)"
set_args "$B" /probe echo container-output
run_ctr "$B" "$(cid order)"
is "config.md § Hooks: hooks of one kind run in the listed order" "$(names)" "pre1 pre2 pre3 "
is "config.md § Hooks: the run's stdout is the container's only" "$OUT" container-output

# argv[0] is args[0], not the path (a shebang script cannot show it: use sh itself).
rm -f "$LOG"
cfg "$B" '.hooks = {prestart: [{path: "/bin/sh", args: ["my-argv0", "-c",
  "/usr/bin/tr \"\\0\" \" \" </proc/self/cmdline >>\"$0\"", $log]}]}' --arg log "$LOG"
set_args "$B" /probe exit 0
run_ctr "$B" "$(cid argv0)"
is "config.md § Hooks: args[0] is the hook's argv[0]" "$RC:$(cut -d' ' -f1 "$LOG" 2>/dev/null)" 0:my-argv0 \
  || diag "$ERR"

# ---- failures ----------------------------------------------------------------------------------
for h in prestart createRuntime createContainer; do
  rm -f "$LOG"
  cfg "$B" '.hooks = {($h): [$bad], poststop: [$ps]}' --arg h "$h" \
    --argjson bad "$(hook_json "$h" 3)" --argjson ps "$(hook_json poststop)"
  set_args "$B" /bin/sh -c 'echo user-process >> /hooks.log'
  capture rt create --bundle "$B" "$(cid "fail$h")"
  is "runtime.md § Lifecycle: a failing $h hook fails create" "$RC" 1
  is "runtime.md § Errors: $h failure: one error line" "$(printf '%s' "$ERR" | awk 'END {print NR}')" 1
  like "runtime.md § Errors: $h failure: the line names the hook and its status" "$ERR" "$h.*(status 3|exit)"
  unlike "runtime.md § Lifecycle: $h failure: the user program never ran" "$(cat "$LOG" 2>/dev/null)" user-process
  check "runtime.md § Lifecycle: $h failure continues at step 12-13: poststop runs" \
    grep -q '^poststop' "$LOG"
  assert_clean "runtime.md § Lifecycle: a failing $h hook leaves nothing behind"
done

# A hook that never exits is killed at its timeout and fails create.
cfg "$B" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
t0=$(date +%s)
capture rt create --bundle "$B" "$(cid timeout)"
t1=$(date +%s)
is "config.md § Hooks: a hook past its timeout fails create" "$RC" 1
like "config.md § Hooks: ... saying it timed out" "$ERR" 'createRuntime.*timed out'
check "config.md § Hooks: ... after about 1 s (under 10)" test $((t1 - t0)) -lt 10
assert_clean "a timed-out hook leaves nothing behind (and no sleep)"
check "config.md § Hooks: the timed-out hook was killed" bash -c "! pgrep -f '^sleep 30$' -P 1 >/dev/null"

# A relative or missing hook path is an error.
cfg "$B" '.hooks = {prestart: [{path: "/nonexistent/hook"}]}'
capture rt create --bundle "$B" "$(cid missing)"
like "config.md § Hooks: a missing hook binary fails create" "$RC:$ERR" '^1:.*prestart.*/nonexistent/hook'
assert_clean "a missing hook binary leaves nothing behind"

# startContainer failing: the user program must not run.
rm -f "$LOG"
cfg "$B" '.hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c", "exit 4"]}]}'
set_args "$B" /bin/sh -c 'echo user-process >> /hooks.log'
ID=$(cid failstart)
capture rt create --bundle "$B" "$ID"
is "config.md § StartContainer: create with a failing startContainer hook" "$RC" 0 || diag "$ERR"
capture rt start "$ID"
isnt "runtime.md § Lifecycle: step 7: a failing startContainer hook fails start" "$RC" 0
like "runtime.md § Errors: ... naming the hook" "$ERR" 'startContainer'
check "runtime.md § Lifecycle: ... the container stops" retry 100 0.05 \
  eval "[ \"\$(rt state '$ID' 2>/dev/null | jq -r .status)\" = stopped ]"
sleep 0.2
unlike "runtime.md § Lifecycle: ... and the user program never ran" "$(cat "$LOG" 2>/dev/null)" user-process
rt delete --force "$ID" >/dev/null 2>&1

# poststart failing: runtime.md § Lifecycle step 9 (v1.3) says error and stop the container.
cfg "$B" '.hooks = {poststart: [{path: "/bin/false"}]}'
set_args "$B" /probe wait-signal
ID=$(cid failpoststart)
capture rt create --bundle "$B" "$ID"
capture rt start "$ID"
isnt "runtime.md § Lifecycle: step 9: a failing poststart hook fails start" "$RC" 0
like "runtime.md § Errors: the poststart failure is reported" "$ERR" 'poststart'
check "runtime.md § Lifecycle: step 9: ... and the container is stopped" retry 100 0.05 \
  eval "[ \"\$(rt state '$ID' 2>/dev/null | jq -r .status)\" = stopped ]"
rt delete --force "$ID" >/dev/null 2>&1

# poststop failing: a warning; the next poststop hooks still run and delete succeeds.
rm -f "$LOG"
cfg "$B" '.hooks = {poststop: [$a, $b]}' --argjson a "$(hook_json poststop1 5)" \
  --argjson b "$(hook_json poststop2)"
set_args "$B" /probe exit 0
ID=$(cid failpoststop)
run_ctr "$B" "$ID" --keep
capture rt delete "$ID"
is "runtime.md § Lifecycle: step 13: a failing poststop hook does not fail delete" "$RC" 0 || diag "$ERR"
like "runtime.md § Warnings: ... it is logged as a warning" "$ERR" 'poststop.*(status 5|exit)'
is "runtime.md § Lifecycle: step 13: the remaining poststop hooks run" "$(names)" "poststop1 poststop2 "
check "runtime.md § Delete: the state is gone" test ! -e "$ROOT/$ID"

assert_clean "hook tests leave nothing behind"
done_testing
