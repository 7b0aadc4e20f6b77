# lib.sh — the sourced bash TAP library of the integration tests (DESIGN.md §7).
#
#   #!/bin/bash
#   source "$(dirname "$0")/lib.sh" "$@"      # $1 = ocirun binary, $2 = probe binary
#   require_root
#   B=$(new_bundle hello); set_args "$B" /probe hostname
#   run_ctr "$B" "$(cid hello)"
#   is "exit status" "$RC" 0
#   is "hostname" "$(kv "$OUT" hostname)" runc
#   assert_clean "hello leaves nothing behind"
#   done_testing
#
# TAP without a plan: every assertion prints one `ok N - name` / `not ok N - name` line (with
# `# ` diagnostics) and returns 0/1, so `is "run" "$RC" 0 || diag "$ERR"` shows the error on
# failure; done_testing prints `1..N` and exits 1 if any failed.  skip_all (before
# the first assertion) prints `1..0 # SKIP why` and exits 0.
#
# Globals: OCIRUN, PROBE, RECVTTY (console-socket receiver, from the environment), OCIRUN_SRCDIR,
# TEST_UID (unique per test file, safe in container ids), TEST_TMP (removed at exit), ROOT (the
# ocirun state root, $TEST_TMP/root), OUT/ERR/RC and OUT_FILE/ERR_FILE (set by capture and
# run_ctr), IT_TIMEOUT (seconds one ocirun command may take, default 60).  IT_KEEP=1 keeps
# TEST_TMP.
#
# Leak detection: every bundle's process.env carries OCIRUN_TEST_ID=$TEST_UID and every path
# (ROOT, bundles) lies under TEST_TMP, whose name contains TEST_UID; so a process whose cmdline
# or environment contains TEST_UID, a mount that mentions TEST_TMP, or a cgroup whose name
# contains TEST_UID belongs to this test.

OCIRUN=${1:-${OCIRUN:-}}
PROBE=${2:-${PROBE:-}}
RECVTTY=${RECVTTY:-}
OCIRUN_SRCDIR=${OCIRUN_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IT_TIMEOUT=${IT_TIMEOUT:-60}
MKBUNDLE=$OCIRUN_SRCDIR/contrib/mkbundle.sh

_it_abs() { case $1 in /*|'') printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
OCIRUN=$(_it_abs "$OCIRUN")
PROBE=$(_it_abs "$PROBE")
RECVTTY=$(_it_abs "$RECVTTY")

TEST_UID=it$$r$RANDOM
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ocirun-$TEST_UID.XXXXXX") || exit 1
ROOT=$TEST_TMP/root
mkdir -p "$ROOT"
OUT='' ERR='' RC=''
_tap_n=0
_tap_failed=0
_it_bg_pids=()

# ---- TAP --------------------------------------------------------------------------------------

# diag TEXT...: each line of TEXT as a `# ` comment.
diag() {
  local line
  while IFS= read -r line; do printf '# %s\n' "$line"; done <<<"$*"
}

ok() {
  _tap_n=$((_tap_n + 1))
  printf 'ok %d - %s\n' "$_tap_n" "$1"
}

# not_ok NAME [DIAG]
not_ok() {
  _tap_n=$((_tap_n + 1))
  _tap_failed=$((_tap_failed + 1))
  printf 'not ok %d - %s\n' "$_tap_n" "$1"
  [ -z "${2:-}" ] || diag "$2"
  _it_where
  return 1
}

# _it_where: `# at test-x.sh:LINE`, the innermost caller outside lib.sh.
_it_where() {
  local i
  for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
    if [ "${BASH_SOURCE[i]}" != "${BASH_SOURCE[0]}" ]; then
      diag "at ${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
      return
    fi
  done
}

# skip NAME WHY
skip() {
  _tap_n=$((_tap_n + 1))
  printf 'ok %d - %s # SKIP %s\n' "$_tap_n" "$1" "${2:-}"
}

# check NAME CMD...: ok iff CMD exits 0 (its output becomes the diagnostic otherwise).
check() {
  local name=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" = 0 ]; then ok "$name"; else not_ok "$name" "command: $*"$'\n'"exit $rc: $out"; fi
}

# is NAME GOT WANT: string equality.
is() {
  if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'"$'\n'"want: '$3'"; fi
}

# isnt NAME GOT UNWANTED
isnt() {
  if [ "$2" != "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', wanted anything else"; fi
}

# _it_match TEXT REGEX: the extended regex matches the whole text or any one line of it, so
# `^uid=0$` works on multi-line probe output.
_it_match() {
  local line
  [[ $1 =~ $2 ]] && return 0
  while IFS= read -r line; do [[ $line =~ $2 ]] && return 0; done <<<"$1"
  return 1
}

# like NAME GOT REGEX / unlike NAME GOT REGEX
like() {
  if _it_match "$2" "$3"; then ok "$1"; else not_ok "$1" "got:  '$2'"$'\n'"not matching: $3"; fi
}
unlike() {
  if _it_match "$2" "$3"; then not_ok "$1" "got:  '$2'"$'\n'"matching: $3"; else ok "$1"; fi
}

# done_testing: print the plan, exit 1 if anything failed.
done_testing() {
  printf '1..%d\n' "$_tap_n"
  [ "$_tap_failed" = 0 ] || diag "$_tap_failed of $_tap_n failed"
  [ "$_tap_failed" = 0 ] && exit 0
  exit 1
}

# skip_all WHY: before any assertion, skip the whole file; afterwards, stop here.
skip_all() {
  if [ "$_tap_n" = 0 ]; then
    printf '1..0 # SKIP %s\n' "$1"
    exit 0
  fi
  diag "stopping: $1"
  done_testing
}

require_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
require_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"; done
}
require_ocirun() { [ -x "$OCIRUN" ] || skip_all "no ocirun binary given (\$1 or OCIRUN)"; }
require_probe() { [ -x "$PROBE" ] || skip_all "no probe binary given (\$2 or PROBE)"; }
require_recvtty() { [ -x "$RECVTTY" ] || skip_all "no recvtty binary (RECVTTY)"; }

# ---- probe output -----------------------------------------------------------------------------

# kv TEXT KEY: print the value of the first `KEY=value` line of TEXT; status 1 if none.
kv() {
  local line
  while IFS= read -r line; do
    if [[ $line == "$2="* ]]; then
      printf '%s\n' "${line#"$2="}"
      return 0
    fi
  done <<<"$1"
  return 1
}

# ---- bundles ----------------------------------------------------------------------------------

# cid NAME: a container id unique to this test file (`NAME-$TEST_UID`).
cid() { printf '%s-%s\n' "$1" "$TEST_UID"; }

# The template bundle, made once per test file: mkbundle with the probe and the built-in
# (runc-like) config, plus OCIRUN_TEST_ID in the environment.  IT_SPEC_FROM_OCIRUN=1 takes the
# config from `$OCIRUN spec` instead.
_it_template() {
  local t=$TEST_TMP/template
  [ -d "$t" ] && return 0
  local spec=(--builtin-spec)
  [ "${IT_SPEC_FROM_OCIRUN:-0}" = 1 ] && spec=(--ocirun "$OCIRUN")
  local probe=()
  [ -x "$PROBE" ] && probe=(--probe "$PROBE")
  "$MKBUNDLE" "$t.tmp" "${spec[@]}" "${probe[@]}" >&2 || return 1
  cfg "$t.tmp" '.process.env += ["OCIRUN_TEST_ID=" + $id]' --arg id "$TEST_UID" || return 1
  mv "$t.tmp" "$t"
}

# new_bundle NAME: print the path of a fresh bundle (a copy of the template).
new_bundle() {
  local b=$TEST_TMP/bundles/${1:?usage: new_bundle NAME}
  _it_template || { echo "new_bundle: could not make the template bundle" >&2; return 1; }
  [ ! -e "$b" ] || { echo "new_bundle: \"$b\" already exists" >&2; return 1; }
  mkdir -p "$TEST_TMP/bundles" && cp -a "$TEST_TMP/template" "$b" || return 1
  printf '%s\n' "$b"
}

# cfg BUNDLE FILTER [JQ-OPTIONS...]: edit BUNDLE/config.json in place with jq.
#   cfg "$B" '.process.env += [$e]' --arg e FOO=bar
cfg() {
  local b=$1 filter=$2
  shift 2
  if jq "$@" "$filter" "$b/config.json" >"$b/config.json.new"; then
    mv "$b/config.json.new" "$b/config.json"
  else
    rm -f "$b/config.json.new"
    echo "cfg: jq '$filter' failed on \"$b/config.json\"" >&2
    return 1
  fi
}

# _it_json_array ARGS...: a JSON array of strings, safe for any argument (pure bash: jq 1.6
# mangles NUL-split input and takes `-x` after --args for an option).
_it_ctl=() _it_ctl_esc=()
for ((_i = 1; _i < 32; _i++)); do
  printf -v _it_ctl[_i] '\\%03o' "$_i"
  printf -v _it_ctl[_i] '%b' "${_it_ctl[_i]}"
  printf -v _it_ctl_esc[_i] '\\u%04x' "$_i"
done
_it_json_array() {
  local a s i out=
  for a in "$@"; do
    s=${a//\\/\\\\}
    s=${s//\"/\\\"}
    for ((i = 1; i < 32; i++)); do
      [[ $s == *"${_it_ctl[i]}"* ]] && s=${s//"${_it_ctl[i]}"/${_it_ctl_esc[i]}}
    done
    out+=${out:+,}\"$s\"
  done
  printf '[%s]\n' "$out"
}

# set_args BUNDLE ARG...: process.args = [ARG...].
set_args() {
  local b=$1
  shift
  cfg "$b" '.process.args = $a' --argjson a "$(_it_json_array "$@")"
}

# add_env BUNDLE K=V...: append to process.env.
add_env() {
  local b=$1
  shift
  cfg "$b" '.process.env += $a' --argjson a "$(_it_json_array "$@")"
}

# ---- running ocirun ---------------------------------------------------------------------------

# rt ARGS...: ocirun with this test's state root.
rt() { "$OCIRUN" --root "$ROOT" "$@"; }

# capture CMD...: run CMD (stdin /dev/null, at most IT_TIMEOUT s) into OUT, ERR and RC.
# CMD may be a shell function (e.g. rt); then the timeout does not apply.  Each call gets new
# files, OUT_FILE and ERR_FILE: a detached container keeps writing its stdio there
# (`capture rt run -d ...; retry 50 0.1 grep -q ready "$OUT_FILE"`).
_it_capture_n=0
capture() {
  _it_capture_n=$((_it_capture_n + 1))
  OUT_FILE=$TEST_TMP/capture-$_it_capture_n.out
  ERR_FILE=$TEST_TMP/capture-$_it_capture_n.err
  local o=$OUT_FILE e=$ERR_FILE
  if [ "$(type -t "$1")" = function ]; then
    "$@" >"$o" 2>"$e" </dev/null
  else
    timeout -k 5 "$IT_TIMEOUT" "$@" >"$o" 2>"$e" </dev/null
  fi
  RC=$?
  OUT=$(<"$o")
  ERR=$(<"$e")
  [ "$RC" != 124 ] || ERR+=$'\n'"(capture: timed out after ${IT_TIMEOUT}s)"
  return 0
}

# run_ctr BUNDLE ID [RUN-OPTIONS...]: `ocirun --root $ROOT run [OPTIONS] --bundle BUNDLE ID`
# into OUT, ERR and RC (RC 124: it took longer than IT_TIMEOUT).
run_ctr() {
  local b=$1 id=$2
  shift 2
  capture "$OCIRUN" --root "$ROOT" run "$@" --bundle "$b" "$id"
}

# retry TRIES DELAY CMD...: run CMD until it succeeds, at most TRIES times.
retry() {
  local n=$1 d=$2 i
  shift 2
  for ((i = 0; i < n; i++)); do
    "$@" && return 0
    sleep "$d"
  done
  return 1
}

# start_recvtty [RECVTTY-OPTIONS...]: start the console-socket receiver in the background on
# $TEST_TMP/console-N.sock; sets RECVTTY_SOCK, RECVTTY_PID and RECVTTY_OUT (its stdout file).
_it_recvtty_n=0
start_recvtty() {
  _it_recvtty_n=$((_it_recvtty_n + 1))
  RECVTTY_SOCK=$TEST_TMP/console-$_it_recvtty_n.sock
  RECVTTY_OUT=$TEST_TMP/console-$_it_recvtty_n.out
  "$RECVTTY" "$RECVTTY_SOCK" "$@" >"$RECVTTY_OUT" 2>"$RECVTTY_OUT.err" &
  RECVTTY_PID=$!
  _it_bg_pids+=("$RECVTTY_PID")
  retry 100 0.02 test -S "$RECVTTY_SOCK"
}

# wait_recvtty [SECONDS]: wait for the receiver to finish; OUT/ERR = its stdout/stderr and RC
# its status (124 if it had to be killed).
wait_recvtty() {
  local t=${1:-10}
  if retry $((t * 20)) 0.05 _it_gone "$RECVTTY_PID"; then
    wait "$RECVTTY_PID"
    RC=$?
  else
    kill -9 "$RECVTTY_PID" 2>/dev/null
    wait "$RECVTTY_PID" 2>/dev/null
    RC=124
  fi
  OUT=$(<"$RECVTTY_OUT")
  ERR=$(<"$RECVTTY_OUT.err")
}
_it_gone() { ! kill -0 "$1" 2>/dev/null || [[ $(<"/proc/$1/stat") == *") Z "* ]]; }

# ---- leaks and cleanup ------------------------------------------------------------------------

# _it_leaked_pids: pids (other than ours and our background helpers) whose cmdline or
# environment mentions TEST_UID.
_it_leaked_pids() {
  local p pid args env mine=" $$ $BASHPID ${_it_bg_pids[*]} "
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ $mine == *" $pid "* ]] && continue
    mapfile -d '' -t args 2>/dev/null <"$p/cmdline" || continue
    env=()
    mapfile -d '' -t env 2>/dev/null <"$p/environ"
    [[ "${args[*]} ${env[*]}" == *"$TEST_UID"* ]] && printf '%s\n' "$pid"
  done
}

# _it_leaked_mounts: host mountinfo lines that mention TEST_TMP.
_it_leaked_mounts() {
  local line
  while IFS= read -r line; do
    [[ $line == *"$TEST_TMP"* ]] && printf '%s\n' "$line"
  done </proc/self/mountinfo
}

# _it_leaked_cgroups: cgroup directories whose name contains TEST_UID (container ids made
# with cid, and any linux.cgroupsPath a test sets should contain it).
_it_leaked_cgroups() {
  find /sys/fs/cgroup -maxdepth 6 -type d -name "*$TEST_UID*" 2>/dev/null
}

# assert_clean [NAME]: one assertion that nothing leaked: ROOT is empty, no process carries
# TEST_UID, no mount mentions TEST_TMP (so no bundle rootfs), no cgroup is named after
# TEST_UID.  Waits up to 2 s for stragglers.
assert_clean() {
  local name=${1:-nothing leaked} state procs mounts cgroups i p
  for ((i = 0; i < 20; i++)); do
    state=$(ls -A "$ROOT" 2>/dev/null)
    procs=$(_it_leaked_pids)
    mounts=$(_it_leaked_mounts)
    cgroups=$(_it_leaked_cgroups)
    [ -z "$state$procs$mounts$cgroups" ] && break
    sleep 0.1
  done
  if [ -z "$state$procs$mounts$cgroups" ]; then
    ok "$name"
    return 0
  fi
  local d=""
  [ -z "$state" ] || d+="state root $ROOT holds: ${state//$'\n'/ }"$'\n'
  for p in $procs; do
    d+="process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"$'\n'
  done
  [ -z "$mounts" ] || d+="mounts:"$'\n'"$mounts"$'\n'
  [ -z "$cgroups" ] || d+="cgroups:"$'\n'"$cgroups"
  not_ok "$name" "$d"
  return 1
}

# The EXIT trap.  Only the test's own shell cleans up: bash also runs the EXIT trap in a forked
# child (`cmd &`, `$(...)`) that a fatal signal such as SIGUSR1 hits before it execs, and that
# child must not delete TEST_TMP under the test.
_it_main_pid=$BASHPID
_it_cleanup() {
  local rc=$? e p m
  [ "$BASHPID" = "$_it_main_pid" ] || return "$rc"
  set +e
  trap - EXIT INT TERM
  for p in "${_it_bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  if [ -x "$OCIRUN" ] && [ -d "$ROOT" ]; then
    for e in "$ROOT"/* "$ROOT"/.[!.]*; do
      [ -e "$e" ] || continue
      timeout -k 5 30 "$OCIRUN" --root "$ROOT" delete --force "${e##*/}" >/dev/null 2>&1
    done
  fi
  for p in $(_it_leaked_pids); do kill -9 "$p" 2>/dev/null; done
  # Deepest first; lazily, so a busy mount cannot keep us from removing TEST_TMP.
  _it_leaked_mounts | awk '{print $5}' | sort -r | while read -r m; do
    umount -l "$(printf '%b' "$m")" 2>/dev/null
  done
  # Cgroups named after the test: deepest first; rmdir only succeeds once they are empty.
  _it_leaked_cgroups | sort -r | while read -r m; do rmdir "$m" 2>/dev/null; done
  if [ "${IT_KEEP:-0}" = 1 ]; then
    echo "# kept $TEST_TMP" >&2
  else
    rm -rf --one-file-system "$TEST_TMP"
  fi
  exit "$rc"
}
trap _it_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# section NAME: the lines of OUT after `== NAME` up to the next `== ` marker (tests that
# print several probe outputs from one container mark each with `echo == NAME`).
section() { awk -v s="== $1" '$0 == s {on = 1; next} /^== / {on = 0} on' <<<"$OUT"; }
# sect_kv NAME KEY: KEY's value in section NAME.
sect_kv() { kv "$(section "$1")" "$2"; }
