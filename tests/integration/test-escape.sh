#!/bin/bash
# test-escape.sh — hostile bundles against DESIGN.md §5 (each rule a peer's CVE): the sealed
# runtime copy (rule 1, CVE-2019-5736), symlinks planted in the rootfs (rule 2, CVE-2019-19921,
# CVE-2021-30465, CVE-2023-27561), /proc is real proc (rule 3), fd hygiene and the cwd (rule 4,
# CVE-2024-21626), non-dumpable runtime processes (rule 5), /dev/null from a verified fd (rule 6)
# and container ids (rule 10).  Every case proves the host unharmed: the victim files and dirs
# keep their content, mode and mtime, and no mount lands outside the container.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq sha256sum

# Host-side victims, outside every rootfs.
VICTIM=$TEST_TMP/victim
mkdir -p "$VICTIM/dir" "$VICTIM/pts" "$VICTIM/fakeproc" "$VICTIM/cwd"
echo "precious" >"$VICTIM/file"
echo "precious too" >"$VICTIM/dir/inside"
touch -d '2001-01-01 00:00:00' "$VICTIM"/* "$VICTIM/dir/inside" "$VICTIM"

# snapshot: every victim path with type, size, mode, mtime and content hash, plus the host's
# mounts on or under the victim dir and the number of host mounts on "/".
snapshot() {
  (cd "$VICTIM" && find . -printf '%p %y %s %m %T@\n' | sort &&
    find . -type f -exec sha256sum {} + | sort)
  grep -F "$VICTIM" /proc/self/mountinfo
  awk '$5 == "/"' /proc/self/mountinfo | wc -l
}
BEFORE=$(snapshot)
host_unharmed() { # NAME
  local now
  now=$(snapshot)
  is "$1: the host is unharmed (victims and mounts unchanged)" "$now" "$BEFORE"
}


# ---- (a) rule 1: the runtime runs from a sealed memfd copy --------------------------------------
COPYDIR=$TEST_TMP/bin
mkdir -p "$COPYDIR"
cp "$OCIRUN" "$COPYDIR/ocirun"
SUM=$(sha256sum <"$COPYDIR/ocirun")
crt() { "$COPYDIR/ocirun" --root "$ROOT" "$@"; }

B=$(new_bundle selfexe)
set_args "$B" /probe wait-signal TERM
capture crt create --bundle "$B" "$(cid selfexe)"
is "rule 1: create with the copied runtime works" "$RC" 0 || diag "$ERR"
PID=$(crt state "$(cid selfexe)" | jq -r .pid)
EXE=$(readlink "/proc/$PID/exe")
like "rule 1: /proc/<init>/exe of a created container is a memfd" "$EXE" '^/memfd:ocirun \(deleted\)$'
isnt "rule 1: /proc/<init>/exe is not the host binary" "$EXE" "$COPYDIR/ocirun"
werr=$( (exec 3>>"/proc/$PID/exe") 2>&1)
wrc=$?
isnt "rule 1: the host cannot open /proc/<init>/exe for writing" "$wrc" 0
like "rule 1: ... refused by the seals or the running text (EPERM/ETXTBSY)" "$werr" \
  '(Operation not permitted|Text file busy)'

# A second container in the first one's pid namespace: the runtime process (the created init)
# must not be readable (non-dumpable, rule 5) nor its exe writable.
B2=$(new_bundle peek)
set_args "$B2" /bin/sh -c 'echo "== environ"; /probe cat /proc/1/environ; echo "== exe";
  /probe open /proc/1/exe wo; echo "== exer"; /probe open /proc/1/exe ro;
  echo "== self"; /probe cat /proc/self/environ | head -c 3; echo'
cfg "$B2" '(.linux.namespaces[] | select(.type == "pid")) += {path: $p}' \
  --arg p "/proc/$PID/ns/pid"
run_ctr "$B2" "$(cid peek)"
is "rule 5: a container in the created container's pid namespace runs" "$RC" 0 || diag "$ERR"
like "rule 5: its /proc/1 is the runtime's init, whose environ it cannot read" \
  "$(section environ)" '^error=EACCES$'
like "rule 5: nor open its exe for writing" "$(kv "$(section exe)" errno)" '^E(ACCES|PERM|TXTBSY)$'
like "rule 5: nor open its exe at all" "$(kv "$(section exer)" errno)" '^EACCES$'
isnt "rule 5: (control) it reads its own environ" "$(section self)" ""

# CVE-2019-5736's trigger: the container's entry point is `#!/proc/self/exe`, so the kernel runs
# whatever binary started it; exec the same into the running container too.
cfg "$B" '.process.args = ["/evil"]'
printf '#!/proc/self/exe\n' >"$B/rootfs/evil"
chmod 755 "$B/rootfs/evil"
capture crt start "$(cid selfexe)"
is "rule 1: start succeeds" "$RC" 0 || diag "$ERR"
capture crt exec "$(cid selfexe)" /evil
diag "exec /evil: exit $RC: $(head -c 200 <<<"$ERR")"
capture crt kill "$(cid selfexe)" TERM
retry 50 0.1 test "$(crt state "$(cid selfexe)" 2>/dev/null | jq -r .status)" = stopped
capture crt delete --force "$(cid selfexe)"
B3=$(new_bundle evil)
printf '#!/proc/self/exe\n' >"$B3/rootfs/evil"
chmod 755 "$B3/rootfs/evil"
set_args "$B3" /evil
capture crt run --bundle "$B3" "$(cid evil)"
diag "run /evil: exit $RC: $(head -c 200 <<<"$ERR")"
is "rule 1: the runtime binary is byte-identical after #!/proc/self/exe containers" \
  "$(sha256sum <"$COPYDIR/ocirun")" "$SUM"

# ---- (b) rule 2: symlinks planted in the rootfs -------------------------------------------------
echo "bind source" >"$TEST_TMP/bindsrc"
# hostile NAME JQ-FILTER SETUP-SHELL [JQ-ARGS...]: a bundle whose rootfs SETUP-SHELL has edited (run in the
# rootfs), config edited by JQ-FILTER, running a script that reports what the container sees.
SEE='s() { echo "== $1"; }; s mounts; cut -d" " -f5,9 /proc/self/mountinfo | grep -F victim
s ls; ls -la /evil /proc /dev/null /dev/pts 2>&1 | head -n 5; s cwd; /probe cwd
s write; /probe write pwned x; s end'
hostile() {
  local name=$1 filter=$2 setup=$3 b
  shift 3
  b=$(new_bundle "$name")
  (cd "$b/rootfs" && eval "$setup")
  set_args "$b" /bin/sh -c "$SEE"
  cfg "$b" "$filter" "$@"
  run_ctr "$b" "$(cid "$name")"
  diag "$name: exit $RC; ${ERR:-no error}"
  [ "$RC" != 0 ] || diag "$name: the container sees:"$'\n'"$OUT"
  if [ "$RC" != 0 ]; then
    is "$name: a refusal is one line" "$(wc -l <"$ERR_FILE")" 1
  fi
  host_unharmed "$name"
}
nodev='del(.mounts[] | select(.destination == "/dev"))'

hostile mount-dest-root '.mounts += [{destination: "/evil", type: "tmpfs", source: "tmpfs"}]' \
  'ln -s / evil'
is "mount destination -> / : refused (the root itself)" "$RC" 1
hostile mount-dest-host '.mounts += [{destination: "/evil", type: "tmpfs", source: "tmpfs"}]' \
  "ln -s '$VICTIM/dir' evil"
is "mount destination -> host dir: the container runs" "$RC" 0
like "mount destination -> host dir: the tmpfs is at the in-root copy of that path" \
  "$(section mounts)" "^$VICTIM/dir tmpfs$"
hostile bind-dest-host '.mounts += [{destination: "/evil", type: "bind", source: $s,
  options: ["bind"]}]' "ln -s '$VICTIM/file' evil" --arg s "$TEST_TMP/bindsrc"
hostile bind-dest-dotdot '.mounts += [{destination: "/evil/x", type: "tmpfs", source: "tmpfs"}]' \
  "ln -s ../../../../../../../../$VICTIM/dir evil"
hostile proc-symlink '.' "rmdir proc && ln -s '$VICTIM/fakeproc' proc"
hostile devnull-symlink "$nodev" "ln -s '$VICTIM/file' dev/null"
hostile devpts-symlink "$nodev" "mkdir -p dev && ln -s '$VICTIM/pts' dev/pts"
hostile dev-symlink '.' "rmdir dev && ln -s '$VICTIM/dir' dev"
hostile cwd-symlink '.process.cwd = "/work" | .root.readonly = false' \
  "ln -s '$VICTIM/cwd' work"
is "cwd -> host dir: the container runs" "$RC" 0
is "cwd -> host dir: the cwd is the in-root copy of the path, writable there" \
  "$(kv "$(section cwd)" cwd) $(kv "$(section write)" written)" "$VICTIM/cwd 1"
hostile cwd-dotdot '.process.cwd = "/work/sub" | .root.readonly = false' \
  "ln -s ../../../../../../$VICTIM/cwd work"
is "cwd -> ../../host dir: the cwd is inside the root" "$(kv "$(section cwd)" cwd)" \
  "$VICTIM/cwd/sub"
hostile masked-symlink '.linux.maskedPaths += ["/evil", "/evil2"]' \
  "ln -s '$VICTIM/file' evil && ln -s '$VICTIM/dir' evil2"
hostile readonly-symlink '.linux.readonlyPaths += ["/evil", "/evil2"]' \
  "ln -s '$VICTIM/dir' evil && ln -s ../../../../../../$VICTIM/file evil2"
hostile device-symlink "$nodev"' | .linux.devices = [{path: "/dev/evil/node", type: "c",
  major: 1, minor: 3}]' "mkdir -p dev && ln -s '$VICTIM/dir' dev/evil"
hostile device-over-symlink "$nodev"' | .linux.devices = [{path: "/dev/evil", type: "c",
  major: 1, minor: 3}]' "mkdir -p dev && ln -s '$VICTIM/file' dev/evil"
hostile devices-default-symlinks "$nodev" "mkdir -p dev && ln -s '$VICTIM/file' dev/zero &&
  ln -s '$VICTIM/dir' dev/shm && ln -s '$VICTIM/file' dev/ptmx && ln -s '$VICTIM/dir' dev/fd"
assert_clean "the hostile symlink bundles leave nothing behind"

# ---- (c) rule 4: fds and cwd; (d) rule 3: /proc is a real proc -------------------------------------
B=$(new_bundle fds)
set_args "$B" /bin/sh -c 'echo "== fds"; /probe fds; echo "== cwd"; /probe cwd;
  echo "== proc"; /probe mount /proc; echo "== root"; /probe stat /proc/self/root'
exec 3<"$VICTIM/file" 4<"$VICTIM/dir" 7<"$VICTIM/dir/inside"
run_ctr "$B" "$(cid fds)" --preserve-fds 1
exec 3<&- 4<&- 7<&-
is "rule 4: run with --preserve-fds 1 and host fds 3, 4 and 7 open" "$RC" 0 || diag "$ERR"
FDS=$(section fds)
is "rule 4: the container sees fds 0, 1, 2 and the preserved 3, nothing else" \
  "$(grep -o '^fd[0-9]*' <<<"$FDS" | sort | tr '\n' ' ')" "fd0 fd1 fd2 fd3 "
is "rule 4: the preserved fd 3 is the file the caller passed" "$(kv "$FDS" fd3)" "$VICTIM/file"
is "rule 4: the cwd is / inside the root" "$(kv "$(section cwd)" cwd)" /
is "rule 3: /proc in the container is a real proc mount" \
  "$(kv "$(section proc)" fstype) $(kv "$(section proc)" exact)" "proc 1"
B=$(new_bundle fds-none)
set_args "$B" /probe fds
exec 3<"$VICTIM/file" 5<"$VICTIM/dir"
run_ctr "$B" "$(cid fds-none)"
exec 3<&- 5<&-
is "rule 4: without --preserve-fds only 0, 1, 2 reach the container" \
  "$(grep -o '^fd[0-9]*' <<<"$OUT" | sort | tr '\n' ' ')" "fd0 fd1 fd2 "
unlike "rule 4: no fd points at a host path" "$OUT" "$VICTIM"

# ---- (e) rule 10: hostile container ids ---------------------------------------------------------
B=$(new_bundle ids)
set_args "$B" /probe echo hi
snap_root() { find "$TEST_TMP" -maxdepth 1 ! -name 'capture-*' | sort; ls -A "$ROOT"; ls -A /run/ocirun 2>/dev/null; }
ROOTSNAP=$(snap_root)
ctl=$'a\x01b'
for id in '../x' '.x' 'a/b' "$ctl" '..' 'a b' "$(printf 'x%.0s' {1..1100})"; do
  shown=$(printf '%q' "$id" | head -c 40)
  for cmd in create start state kill delete run; do
    case $cmd in
      create | run) capture rt "$cmd" --bundle "$B" "$id" ;;
      kill) capture rt kill "$id" KILL ;;
      *) capture rt "$cmd" "$id" ;;
    esac
    is "rule 10: $cmd $shown: exit 1" "$RC" 1
    if [ "$(wc -l <"$ERR_FILE")" = 1 ] && [[ $ERR == "ocirun: "* ]]; then
      ok "rule 10: $cmd $shown: one error line"
    else
      not_ok "rule 10: $cmd $shown: one error line" "$ERR"
    fi
  done
done
is "rule 10: nothing was created by the hostile ids" "$(snap_root)" "$ROOTSNAP"
[ ! -e "$TEST_TMP/x" ] && [ ! -e "$ROOT/a" ] && ok "rule 10: no ../x nor a/b on disk" ||
  not_ok "rule 10: no ../x nor a/b on disk"

host_unharmed "test-escape, at the end"
assert_clean "test-escape leaves nothing behind"
done_testing
