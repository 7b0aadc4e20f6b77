#!/bin/bash
# test-security.sh — config.md § Linux Process (capabilities, noNewPrivileges, apparmorProfile,
# selinuxLabel), config-linux.md § Masked Paths, § Readonly Paths, § Mount Label, and the
# per-container session keyring (runc's `_ses.<id>`, --no-new-keyring); DESIGN.md §5 rules 7
# and 8 and "fail closed" (rule 12).
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq


# capmask CAP...: the 16-hex-digit mask /proc/self/status shows for these capabilities.
declare -A capnr=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_FOWNER]=3 [CAP_KILL]=5 [CAP_SETGID]=6
  [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_RAW]=13 [CAP_SYS_CHROOT]=18
  [CAP_SYS_ADMIN]=21 [CAP_MKNOD]=27 [CAP_AUDIT_WRITE]=29 [CAP_SETFCAP]=31)
capmask() {
  local m=0 c
  for c in "$@"; do m=$((m | (1 << ${capnr[$c]}))); done
  printf '%016x\n' "$m"
}
caps_json() { jq -cn '$ARGS.positional' --args "$@"; }

# run_caps NAME JQ-FILTER [JQ-ARGS...]: run `probe caps` in a fresh bundle edited by the filter.
run_caps() {
  local b n=$1 f=$2
  shift 2
  b=$(new_bundle "$n") || return 1
  set_args "$b" /probe caps
  cfg "$b" "$f" "$@" || return 1
  run_ctr "$b" "$(cid "$n")"
}

# ---- capabilities: root -----------------------------------------------------------------------
BND=(CAP_KILL CAP_NET_BIND_SERVICE CAP_CHOWN CAP_SETUID CAP_AUDIT_WRITE)
PRM=(CAP_KILL CAP_CHOWN CAP_NET_BIND_SERVICE)
INH=(CAP_KILL CAP_NET_BIND_SERVICE)
AMB=(CAP_KILL)
capsfilter='.process.capabilities = {bounding: $b, effective: $p, permitted: $p,
  inheritable: $i, ambient: $a}'
capsargs=(--argjson b "$(caps_json "${BND[@]}")" --argjson p "$(caps_json "${PRM[@]}")"
  --argjson i "$(caps_json "${INH[@]}")" --argjson a "$(caps_json "${AMB[@]}")")

B=$(new_bundle caps-root)
set_args "$B" /probe caps
cfg "$B" "$capsfilter" "${capsargs[@]}"
run_ctr "$B" "$(cid caps-root)"
is "config.md § Linux Process (capabilities): a root container with five sets runs" "$RC" 0 ||
  diag "$ERR"
is "capabilities, root: CapBnd is the bounding set" "$(kv "$OUT" CapBnd)" "$(capmask "${BND[@]}")"
is "capabilities, root: CapPrm is the permitted set" "$(kv "$OUT" CapPrm)" "$(capmask "${PRM[@]}")"
is "capabilities, root: CapEff is the effective set" "$(kv "$OUT" CapEff)" "$(capmask "${PRM[@]}")"
is "capabilities, root: CapInh is the inheritable set" "$(kv "$OUT" CapInh)" \
  "$(capmask "${INH[@]}")"
is "capabilities, root: CapAmb is the ambient set" "$(kv "$OUT" CapAmb)" "$(capmask "${AMB[@]}")"

# ---- capabilities: non-root (only the ambient set survives execve: Linux semantics) ------------
B=$(new_bundle caps-user)
set_args "$B" /probe caps
cfg "$B" "$capsfilter | .process.user = {uid: 1000, gid: 1000}" "${capsargs[@]}"
run_ctr "$B" "$(cid caps-user)"
is "capabilities: a container as uid 1000 with five sets runs" "$RC" 0 || diag "$ERR"
is "capabilities, uid 1000: CapBnd is the bounding set" "$(kv "$OUT" CapBnd)" \
  "$(capmask "${BND[@]}")"
is "capabilities, uid 1000: CapInh is the inheritable set" "$(kv "$OUT" CapInh)" \
  "$(capmask "${INH[@]}")"
is "capabilities, uid 1000: CapAmb is the ambient set" "$(kv "$OUT" CapAmb)" \
  "$(capmask "${AMB[@]}")"
is "capabilities, uid 1000: CapPrm after execve is the ambient set" "$(kv "$OUT" CapPrm)" \
  "$(capmask "${AMB[@]}")"
is "capabilities, uid 1000: CapEff after execve is the ambient set" "$(kv "$OUT" CapEff)" \
  "$(capmask "${AMB[@]}")"

# ---- nothing implicit (DESIGN.md §5 rule 8) ---------------------------------------------------
run_caps caps-noamb '.process.capabilities = {bounding: $p, effective: $p, permitted: $p}
  | .process.user = {uid: 1000, gid: 1000}' --argjson p "$(caps_json "${PRM[@]}")"
is "capabilities without inheritable/ambient, uid 1000: runs" "$RC" 0 || diag "$ERR"
is "DESIGN.md §5 rule 8: no inheritable capability added implicitly" "$(kv "$OUT" CapInh)" \
  0000000000000000
is "DESIGN.md §5 rule 8: no ambient capability added implicitly" "$(kv "$OUT" CapAmb)" \
  0000000000000000
is "capabilities, uid 1000 without ambient: nothing effective after execve" \
  "$(kv "$OUT" CapEff)" 0000000000000000

# ---- no capabilities object: runc 1.1 and crun run it with no capabilities at all --------------
run_caps caps-none 'del(.process.capabilities)'
is "no process.capabilities: the container runs" "$RC" 0 || diag "$ERR"
if command -v runc >/dev/null; then
  RB=$(new_bundle caps-none-runc)
  set_args "$RB" /probe caps
  cfg "$RB" 'del(.process.capabilities)'
  RUNC_OUT=$(cd "$RB" && timeout 30 runc --root "$TEST_TMP/runc-root" run "$(cid runc-caps)" 2>&1)
  for k in CapBnd CapPrm CapEff CapInh CapAmb; do
    is "no process.capabilities: $k as runc has it on this host" "$(kv "$OUT" $k)" \
      "$(kv "$RUNC_OUT" $k)"
  done
else
  skip "no process.capabilities: compared with runc" "runc not installed"
fi
for k in CapBnd CapPrm CapEff; do
  is "no process.capabilities: $k is empty (runc 1.1, crun)" "$(kv "$OUT" $k)" 0000000000000000
done

# A set left out is empty: an unbounded root would regain everything at execve without NNP.
run_caps caps-nobnd '.process.capabilities = {effective: $p, permitted: $p}
  | .process.noNewPrivileges = false' --argjson p "$(caps_json CAP_KILL)"
is "capabilities without bounding, noNewPrivileges false: runs" "$RC" 0 || diag "$ERR"
is "capabilities without bounding: the bounding set is empty" "$(kv "$OUT" CapBnd)" \
  0000000000000000
is "capabilities without bounding, root, no NNP: nothing regained at execve" \
  "$(kv "$OUT" CapEff)" 0000000000000000

# ---- unknown capability: a config error, before any side effect -------------------------------
B=$(new_bundle caps-bogus)
cfg "$B" '.process.capabilities.bounding += ["CAP_BOGUS"]'
capture rt create --bundle "$B" "$(cid caps-bogus)"
is "config.md § Linux Process: an unknown capability name fails create (exit 1)" "$RC" 1
like "an unknown capability: one error line naming the JSON path and the name" "$ERR" \
  '^ocirun: .*process\.capabilities\.bounding\[[0-9]+\].*CAP_BOGUS'
is "an unknown capability: exactly one line on stderr" "$(wc -l <"$ERR_FILE")" 1
assert_clean "an unknown capability leaves nothing behind"

# ---- noNewPrivileges --------------------------------------------------------------------------
run_caps nnp-on '.process.noNewPrivileges = true'
is "config.md § Linux Process: noNewPrivileges true -> NoNewPrivs 1" "$(kv "$OUT" NoNewPrivs)" 1
run_caps nnp-off '.process.noNewPrivileges = false'
is "config.md § Linux Process: noNewPrivileges false -> NoNewPrivs 0" "$(kv "$OUT" NoNewPrivs)" 0
assert_clean "the capability containers leave nothing behind"

# ---- LSM labels on a host without that LSM: fail closed ----------------------------------------
lsm_refused() { # NAME JQ-FILTER WHAT-REGEX
  local b
  b=$(new_bundle "$1")
  cfg "$b" "$2"
  capture rt create --bundle "$b" "$(cid "$1")"
  is "$1: create fails (exit 1)" "$RC" 1
  like "$1: one clear error line" "$ERR" "$3"
  is "$1: exactly one line on stderr" "$(wc -l <"$ERR_FILE")" 1
  assert_clean "$1: nothing left behind"
}
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
  skip "config.md § Linux Process (apparmorProfile): refused without AppArmor" "AppArmor is on"
else
  lsm_refused apparmor '.process.apparmorProfile = "ocirun-test-profile"' \
    '^ocirun: .*apparmor profile "ocirun-test-profile".*AppArmor is not enabled'
fi
if command -v selinuxenabled >/dev/null && selinuxenabled; then
  skip "config.md § Linux Process (selinuxLabel): refused without SELinux" "SELinux is on"
else
  lsm_refused selinux '.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
    '^ocirun: .*SELinux label requested but SELinux is not enabled'
  lsm_refused mountlabel '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
    '^ocirun: .*SELinux label requested but SELinux is not enabled'
fi
# An empty label asks for nothing.
run_caps lsm-empty '.process.apparmorProfile = "" | .process.selinuxLabel = ""'
is "empty apparmorProfile and selinuxLabel: the container runs" "$RC" 0 || diag "$ERR"

# ---- session keyring ------------------------------------------------------------------------------
B=$(new_bundle keyring)
set_args "$B" /probe cat /proc/keys
cfg "$B" '.linux.maskedPaths -= ["/proc/keys"]'
run_ctr "$B" "$(cid keyring)"
is "keyring: a container with /proc/keys unmasked runs" "$RC" 0 || diag "$ERR"
like "keyring: the container's session keyring is _ses.<id> (runc's name)" "$OUT" \
  " keyring +_ses\.$(cid keyring): "
run_ctr "$B" "$(cid nokeyring)" --no-new-keyring
is "keyring: --no-new-keyring runs" "$RC" 0 || diag "$ERR"
unlike "keyring: --no-new-keyring makes no _ses.<id> keyring" "$OUT" "_ses\.$(cid nokeyring)"
like "keyring: --no-new-keyring still shows the host's keys (sanity)" "$OUT" " keyring "

# ---- default masked and read-only paths (config-linux.md § Masked Paths, § Readonly Paths) -------
SPEC=$TEST_TMP/ocirun-spec
mkdir -p "$SPEC"
rt spec --bundle "$SPEC"
mapfile -t MASKED < <(jq -r '.linux.maskedPaths[]' "$SPEC/config.json")
mapfile -t RDONLY < <(jq -r '.linux.readonlyPaths[]' "$SPEC/config.json")
if command -v runc >/dev/null; then
  mkdir -p "$TEST_TMP/runc-spec" && (cd "$TEST_TMP/runc-spec" && runc spec)
  is "DESIGN.md §5 rule 7: ocirun spec's maskedPaths are runc's" \
    "$(jq -c '.linux.maskedPaths | sort' "$SPEC/config.json")" \
    "$(jq -c '.linux.maskedPaths | sort' "$TEST_TMP/runc-spec/config.json")"
  is "DESIGN.md §5 rule 7: ocirun spec's readonlyPaths are runc's" \
    "$(jq -c '.linux.readonlyPaths | sort' "$SPEC/config.json")" \
    "$(jq -c '.linux.readonlyPaths | sort' "$TEST_TMP/runc-spec/config.json")"
fi
B=$(new_bundle masked)
cfg "$B" '.linux.maskedPaths = $m | .linux.readonlyPaths = $r' \
  --argjson m "$(jq -c .linux.maskedPaths "$SPEC/config.json")" \
  --argjson r "$(jq -c .linux.readonlyPaths "$SPEC/config.json")"
script='s() { echo "== $1"; }'
for p in "${MASKED[@]}" "${RDONLY[@]}"; do
  script+="
s 'stat $p'; /probe stat '$p'
s 'cat $p'; [ -f '$p' ] || [ -c '$p' ] && /probe cat '$p' | wc -c
s 'ls $p'; [ -d '$p' ] && ls -A '$p' | wc -l
s 'mount $p'; /probe mount '$p'"
done
script+="
s sysw; /probe write /proc/sys/kernel/domainname evil
s trig; /probe open /proc/sysrq-trigger wo
s end"
set_args "$B" /bin/sh -c "$script"
run_ctr "$B" "$(cid masked)"
is "config-linux.md § Masked Paths: a container with ocirun spec's masked paths runs" "$RC" 0 ||
  diag "$ERR"
n_checked=0
for p in "${MASKED[@]}"; do
  if [ -d "$p" ] && [ ! -L "$p" ]; then
    n_checked=$((n_checked + 1))
    is "§ Masked Paths: directory $p is empty in the container" "$(section "ls $p")" 0
    is "§ Masked Paths: directory $p is a read-only tmpfs" \
      "$(sect_kv "mount $p" fstype) $(sect_kv "mount $p" exact) $(sect_kv "mount $p" options | cut -d, -f1)" \
      "tmpfs 1 ro"
  elif [ -e "$p" ]; then
    n_checked=$((n_checked + 1))
    is "§ Masked Paths: file $p is the null device in the container" \
      "$(sect_kv "stat $p" type) $(sect_kv "stat $p" rdev)" "chr 1:3"
    is "§ Masked Paths: file $p reads empty" "$(section "cat $p" | tr -d ' ')" 0
  fi
done
isnt "§ Masked Paths: at least one default masked path exists on this host" "$n_checked" 0
for p in "${RDONLY[@]}"; do
  [ -e "$p" ] || continue
  is "§ Readonly Paths: $p is its own read-only mount" \
    "$(sect_kv "mount $p" exact) $(sect_kv "mount $p" options | cut -d, -f1)" "1 ro"
done
like "§ Readonly Paths: writing /proc/sys fails with EROFS" "$(section sysw)" '^error=EROFS$'
if [ -e /proc/sysrq-trigger ]; then
  is "§ Readonly Paths: /proc/sysrq-trigger cannot be opened for writing" \
    "$(sect_kv trig errno)" EROFS
else
  skip "§ Readonly Paths: /proc/sysrq-trigger cannot be opened for writing" "no sysrq here"
fi
isnt "§ Readonly Paths: the host's domainname is untouched" "$(cat /proc/sys/kernel/domainname)" \
  evil

assert_clean "test-security leaves nothing behind"
done_testing
