#!/bin/bash
# test-seccomp.sh — config-linux.md § Seccomp (defaultAction, defaultErrnoRet, architectures,
# flags, listenerPath, listenerMetadata, syscalls: names, action, errnoRet, args) and § The
# Container Process State; DESIGN.md §5 rule 9 (seccomp last; ENOSYS, not the default errno, for
# syscalls newer than the profile).  The payload is `probe syscall-errno NAME|NR`, which makes the
# raw syscall with harmless arguments and prints `ret=R errno=ENAME`.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq
SECCOMP_AGENT=${SECCOMP_AGENT:-}
[ "$("$OCIRUN" features 2>/dev/null | jq -r '.linux.seccomp.enabled')" = true ] ||
  skip_all "ocirun is built without seccomp"

# seccomp_ctr NAME SECCOMP-JSON [RUN-OPTIONS...] -- ARGS...: run ARGS with linux.seccomp set.
seccomp_ctr() {
  local name=$1 sc=$2 opts=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  local b
  b=$(new_bundle "$name") || return 1
  set_args "$b" "$@"
  cfg "$b" '.linux.seccomp = $s' --argjson s "$sc" || return 1
  run_ctr "$b" "$(cid "$name")" "${opts[@]}"
}
# allow_default RULES-JSON: a profile that allows everything but RULES.
allow_default() { jq -cn --argjson r "$1" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}'; }

# ---- default ERRNO with an allow list -----------------------------------------------------------
# The allow list: every x86_64 syscall up to rseq (334) but mkdir/mkdirat/chmod/fchmodat, plus a
# name no kernel has.  Syscalls above 334 (pidfd_open, clone3, ...) are newer than the profile.
HDR=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
if [ "$(uname -m)" = x86_64 ] && [ -r "$HDR" ]; then
  mapfile -t ALLOW < <(awk '$1 == "#define" && $2 ~ /^__NR_/ && $3 <= 334 {
      n = substr($2, 6); if (n !~ /^(mkdir|mkdirat|chmod|fchmodat)$/) print n }' "$HDR")
  ALLOW+=(ocirun_no_such_syscall)
  profile=$(jq -cn --argjson n "$(jq -cn '$ARGS.positional' --args "${ALLOW[@]}")" '{
    defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 13,
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}')
  script='for s in getpid mkdirat fchmodat 434 999999; do echo "== $s"; /probe syscall-errno $s; done
echo "== caps"; /probe caps'
  # The shell itself needs nothing outside the list (busybox is static).
  seccomp_ctr allowlist "$profile" -- /bin/sh -c "$script"
  is "config-linux.md § Seccomp: an allow-list profile (default ERRNO) runs" "$RC" 0 || diag "$ERR"
  section() { awk -v s="== $1" '$0 == s {on = 1; next} /^== / {on = 0} on' <<<"$OUT"; }
  is "§ Seccomp: a listed syscall (getpid) works" "$(kv "$(section getpid)" errno)" 0
  is "§ Seccomp: an unlisted syscall (mkdirat) gets defaultErrnoRet (13, EACCES)" \
    "$(kv "$(section mkdirat)" errno)" EACCES
  is "§ Seccomp: an unlisted syscall (fchmodat) gets defaultErrnoRet (13, EACCES)" \
    "$(kv "$(section fchmodat)" errno)" EACCES
  is "DESIGN.md §5 rule 9: a syscall newer than the profile (pidfd_open, 434) gets ENOSYS" \
    "$(kv "$(section 434)" errno)" ENOSYS
  is "DESIGN.md §5 rule 9: an unknown syscall number gets ENOSYS" \
    "$(kv "$(section 999999)" errno)" ENOSYS
  is "§ Seccomp: unknown syscall names in the profile are ignored; Seccomp: 2" \
    "$(kv "$(section caps)" Seccomp)" 2
  # Without defaultErrnoRet the default errno is EPERM.
  seccomp_ctr allowlist-eperm "$(jq -c 'del(.defaultErrnoRet)' <<<"$profile")" -- \
    /probe syscall-errno mkdirat
  is "§ Seccomp: defaultAction SCMP_ACT_ERRNO without defaultErrnoRet -> EPERM" \
    "$(kv "$OUT" errno)" EPERM || diag "$ERR"
else
  skip "§ Seccomp: allow-list profile" "needs x86_64 and $HDR"
fi

# ---- actions ------------------------------------------------------------------------------------
seccomp_ctr errno-rule "$(allow_default '[
  {"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
  {"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_ERRNO"}]')" -- \
  /bin/sh -c '/probe syscall-errno mkdirat; /probe syscall-errno fchmodat; /probe caps'
is "§ Seccomp: SCMP_ACT_ERRNO rules run" "$RC" 0 || diag "$ERR"
is "§ Seccomp: SCMP_ACT_ERRNO with errnoRet 18 -> EXDEV" "$(kv "$OUT" errno)" EXDEV
like "§ Seccomp: SCMP_ACT_ERRNO without errnoRet -> EPERM" "$OUT" '^errno=EPERM$'
is "§ Seccomp: the filter is on (Seccomp: 2)" "$(kv "$OUT" Seccomp)" 2

seccomp_ctr kill-process "$(allow_default '[{"names": ["mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]')" \
  -- /probe syscall-errno mkdirat
is "§ Seccomp: SCMP_ACT_KILL_PROCESS kills the container with SIGSYS (run exits 159)" "$RC" 159
is "§ Seccomp: SCMP_ACT_KILL_PROCESS: the syscall never returned" "$(kv "$OUT" ret)" ""

seccomp_ctr trap "$(allow_default '[{"names": ["mkdirat"], "action": "SCMP_ACT_TRAP"}]')" \
  -- /probe syscall-errno mkdirat
is "§ Seccomp: SCMP_ACT_TRAP raises SIGSYS (unhandled: run exits 159)" "$RC" 159

seccomp_ctr log "$(allow_default '[{"names": ["mkdirat"], "action": "SCMP_ACT_LOG"}]')" \
  -- /probe syscall-errno mkdirat
is "§ Seccomp: SCMP_ACT_LOG allows the syscall (the kernel's own ENOENT)" \
  "$RC $(kv "$OUT" errno)" "0 ENOENT" || diag "$ERR"

# ---- argument comparisons (personality(0xffffffff) is the probe's query call) -------------------
pers_rule() { # ARGS-JSON: personality gets EXDEV when ARGS match
  allow_default "$(jq -cn --argjson a "$1" \
    '[{names: ["personality"], action: "SCMP_ACT_ERRNO", errnoRet: 18, args: $a}]')"
}
pers_case() { # NAME ARGS-JSON WANT-ERRNO
  seccomp_ctr "$1" "$(pers_rule "$2")" -- /probe syscall-errno personality
  is "§ Seccomp args: $1 -> $3" "$(kv "$OUT" errno)" "$3" || diag "$ERR"
}
pers_case eq-match '[{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]' EXDEV
pers_case eq-nomatch '[{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]' 0
pers_case ne-match '[{"index": 0, "value": 1, "op": "SCMP_CMP_NE"}]' EXDEV
pers_case ne-nomatch '[{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]' 0
pers_case masked-eq-match \
  '[{"index": 0, "value": 255, "valueTwo": 255, "op": "SCMP_CMP_MASKED_EQ"}]' EXDEV
pers_case masked-eq-nomatch \
  '[{"index": 0, "value": 255, "valueTwo": 15, "op": "SCMP_CMP_MASKED_EQ"}]' 0
pers_case gt-match '[{"index": 0, "value": 4096, "op": "SCMP_CMP_GT"}]' EXDEV
# runc's rule: comparisons on the same index are ORed (each its own rule).
pers_case same-index-or '[{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
  {"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]' EXDEV

# ---- flags and architectures ---------------------------------------------------------------------
prof=$(allow_default '[{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]')
seccomp_ctr flag-log "$(jq -c '.flags = ["SECCOMP_FILTER_FLAG_LOG"]' <<<"$prof")" -- \
  /probe syscall-errno mkdirat
is "§ Seccomp: flags [SECCOMP_FILTER_FLAG_LOG] accepted, filter applied" \
  "$RC $(kv "$OUT" errno)" "0 EXDEV" || diag "$ERR"
if "$OCIRUN" features | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_SPEC_ALLOW")' \
  >/dev/null; then
  seccomp_ctr flag-spec "$(jq -c '.flags = ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]' <<<"$prof")" -- \
    /probe syscall-errno mkdirat
  is "§ Seccomp: flags [SECCOMP_FILTER_FLAG_SPEC_ALLOW] accepted" "$RC $(kv "$OUT" errno)" \
    "0 EXDEV" || diag "$ERR"
fi
seccomp_ctr archs "$(jq -c '.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]' <<<"$prof")" -- /probe syscall-errno mkdirat
is "§ Seccomp: an architectures list (native and others) is accepted, filter applied" \
  "$RC $(kv "$OUT" errno)" "0 EXDEV" || diag "$ERR"

# ---- noNewPrivileges false, non-root: the filter still loads (before the capabilities go) --------
B=$(new_bundle nnp-off-user)
set_args "$B" /bin/sh -c '/probe syscall-errno mkdirat; /probe caps; /probe id'
cfg "$B" '.linux.seccomp = $s | .process.noNewPrivileges = false
  | .process.user = {uid: 1000, gid: 1000}' --argjson s "$prof"
run_ctr "$B" "$(cid nnp-off-user)"
is "§ Seccomp with noNewPrivileges false and uid 1000: runs" "$RC" 0 || diag "$ERR"
is "§ Seccomp with noNewPrivileges false and uid 1000: the rule applies" "$(kv "$OUT" errno)" \
  EXDEV
is "§ Seccomp with noNewPrivileges false and uid 1000: Seccomp 2, NoNewPrivs 0, uid 1000" \
  "$(kv "$OUT" Seccomp) $(kv "$OUT" NoNewPrivs) $(kv "$OUT" uid)" "2 0 1000"

# ---- bad profiles: config errors, nothing left behind -----------------------------------------------
B=$(new_bundle bad-action)
cfg "$B" '.linux.seccomp = {defaultAction: "SCMP_ACT_BOGUS"}'
capture rt create --bundle "$B" "$(cid bad-action)"
is "§ Seccomp: an unknown defaultAction fails create (exit 1)" "$RC" 1
like "§ Seccomp: an unknown defaultAction: one line naming it" "$ERR" \
  '^ocirun: .*defaultAction.*SCMP_ACT_BOGUS'
assert_clean "bad seccomp profiles leave nothing behind"

# ---- SCMP_ACT_NOTIFY with listenerPath (§ The Container Process State) ------------------------------
if [ -x "$SECCOMP_AGENT" ]; then
  SOCK=$TEST_TMP/agent.sock
  "$SECCOMP_AGENT" "$SOCK" 0 >"$TEST_TMP/agent.out" 2>"$TEST_TMP/agent.err" &
  AGENT_PID=$!
  _it_bg_pids+=("$AGENT_PID")
  retry 100 0.02 test -S "$SOCK"
  notify=$(jq -cn --arg p "$SOCK" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
    listenerMetadata: "MKDIR=fake;ocirun-test",
    syscalls: [{names: ["mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')
  seccomp_ctr notify "$notify" -- /bin/sh -c '/probe syscall-errno mkdirat; /probe caps'
  is "§ Seccomp: a SCMP_ACT_NOTIFY profile with listenerPath runs" "$RC" 0 || diag "$ERR"
  is "§ Seccomp: the notified mkdirat gets the agent's answer (0, not ENOENT)" \
    "$(kv "$OUT" ret) $(kv "$OUT" errno)" "0 0"
  is "§ Seccomp with notify: Seccomp 2" "$(kv "$OUT" Seccomp)" 2
  retry 100 0.05 grep -q '^done=1' "$TEST_TMP/agent.out"
  AOUT=$(<"$TEST_TMP/agent.out")
  STATE=$(kv "$AOUT" state)
  check "§ The Container Process State: valid JSON" jq -e . <<<"$STATE"
  is "§ The Container Process State: ociVersion is set" \
    "$(jq -r '.ociVersion | type' <<<"$STATE")" string
  is "§ The Container Process State: fds is [\"seccompFd\"]" "$(jq -c .fds <<<"$STATE")" \
    '["seccompFd"]'
  is "§ The Container Process State: metadata is listenerMetadata" \
    "$(jq -r .metadata <<<"$STATE")" "MKDIR=fake;ocirun-test"
  like "§ The Container Process State: pid is a positive integer" "$(jq -r .pid <<<"$STATE")" \
    '^[1-9][0-9]*$'
  is "§ The Container Process State: state.id is the container id" \
    "$(jq -r .state.id <<<"$STATE")" "$(cid notify)"
  like "§ The Container Process State: state.status is creating or created" \
    "$(jq -r .state.status <<<"$STATE")" '^(creating|created)$'
  is "§ The Container Process State: state.pid is the same pid" "$(jq -r .state.pid <<<"$STATE")" \
    "$(jq -r .pid <<<"$STATE")"
  is "§ The Container Process State: state.bundle is the bundle" \
    "$(jq -r .state.bundle <<<"$STATE")" "$TEST_TMP/bundles/notify"
  is "§ The Container Process State: exactly one fd came by SCM_RIGHTS" \
    "$(kv "$AOUT" fds_received)" 1
  is "§ Seccomp: the fd is a seccomp listener" "$(kv "$AOUT" fd_type)" \
    "anon_inode:seccomp notify"
  like "§ Seccomp: the agent was notified of mkdirat (258 on x86_64)" "$AOUT" '^notif=[0-9]+ pid='
  [ "$(uname -m)" = x86_64 ] && like "§ Seccomp: the notification is for syscall 258" "$AOUT" \
    '^notif=258 '

  # An unreachable listenerPath fails create with one line.
  seccomp_ctr notify-nolistener "$(jq -c --arg p "$TEST_TMP/nobody.sock" '.listenerPath = $p' \
    <<<"$notify")" -- /probe syscall-errno mkdirat
  is "§ Seccomp: an unreachable listenerPath fails run (exit 1)" "$RC" 1
  like "§ Seccomp: an unreachable listenerPath: the error names it" "$ERR" 'nobody\.sock'
else
  skip "§ Seccomp: SCMP_ACT_NOTIFY" "no seccomp-agent (SECCOMP_AGENT)"
fi

assert_clean "test-seccomp leaves nothing behind"
done_testing
