#!/bin/bash
# cgroup2-vm.sh OCIRUN PROBE — run test-cgroup-v2.sh on a pure cgroup v2 system and relay
# its TAP.  On a pure v2 host it runs the test directly; elsewhere it boots the throwaway
# guest of ../shared/vm/run-in-cgroup2-vm.sh (cgroup2 only, the host's file system
# read-only, the source tree shared read-write), moves out of the guest's root cgroup (the
# runtime must not run in the root, whose "no internal processes" exemption would hide
# bugs) and runs the test there.  Without that script: `1..0 # SKIP no cgroup v2 VM`.
# CGROUP2_VM_TIMEOUT bounds the guest (seconds, default 270: under meson's 300).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${OCIRUN_SRCDIR:-$(cd "$here/../.." && pwd)}
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
ocirun=$(abs "${1:-}")
probe=$(abs "${2:-}")

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
  exec bash "$here/test-cgroup-v2.sh" "$ocirun" "$probe"
fi
vm=$src/../shared/vm/run-in-cgroup2-vm.sh
if [ ! -x "$vm" ]; then
  echo "1..0 # SKIP no cgroup v2 VM"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP needs root"
  exit 0
fi

# Share the source tree and, when they lie outside it, the directories of the binaries.
shares=(--share "$src")
for d in "$(dirname "$ocirun")" "$(dirname "$probe")" "$(dirname "${RECVTTY:-$ocirun}")"; do
  case $d/ in "$src"/*) ;; *) shares+=(--share "$d") ;; esac
done
inner='mkdir -p /sys/fs/cgroup/t && echo $$ >/sys/fs/cgroup/t/cgroup.procs &&
exec bash tests/integration/test-cgroup-v2.sh "$0" "$1"'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$vm" "${shares[@]}" --timeout "${CGROUP2_VM_TIMEOUT:-270}" --env "OCIRUN_SRCDIR=$src" \
  --env "RECVTTY=${RECVTTY:-}" -- bash -c "$inner" "$ocirun" "$probe" | tee "$out"
rc=${PIPESTATUS[0]}
if [ "$rc" = 125 ] && ! grep -q '^1\.\.' "$out"; then
  echo "not ok 1 - the cgroup v2 VM failed to start (run-in-cgroup2-vm.sh exit 125)"
  echo "1..1"
fi
exit "$rc"
