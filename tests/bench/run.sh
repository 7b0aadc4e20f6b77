#!/usr/bin/env bash
# tests/bench/run.sh — benchmark ocirun against crun and runc, side by side.
#
#   tests/bench/run.sh [--quick] [--runtimes ocirun,crun,runc] [--leak-check [N]] [-n N]
#                      [--sections lifecycle,exec,memlimit,statelist,parallel] [--levels 1,100]
#                      [--build DIR] [--no-floor]
#
# Builds ocirun and the floor (tests/bench/floor.c) in build-bench (release; --build DIR to use
# another build), makes one busybox bundle (contrib/mkbundle.sh, process /bin/true), and runs
# tests/bench/bench.py, which interleaves the runtimes round-robin and prints a markdown table of
# medians and ratios to crun; the JSON lands in tests/bench/results/ (gitignored), the table in
# tests/bench/results/latest.md.  A full run takes a few minutes, --quick about one.
# --leak-check N (default 1000) runs only the leak check: N lifecycles per runtime, then counts
# what they left (mounts, cgroups, state dirs, fds, processes).
#
# Needs root, python3, busybox-static, jq, and crun/runc when they are benchmarked
# (contrib/deps-bench.sh).  crun 1.8 refuses a cgroup v1 hybrid layout without a v1 hugetlb
# hierarchy: when crun is benchmarked and hugetlb is not mounted, this script mounts it on
# /sys/fs/cgroup/hugetlb for the run and unmounts it at the end.  Everything else stays in a
# temporary directory that is removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "bench: $*" >&2; exit 1; }

build=$top/build-bench runtimes=ocirun,crun,runc floor=1 leak='' pass=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) pass+=(--quick); shift ;;
    --runtimes) [ $# -ge 2 ] || die "--runtimes needs a value"; runtimes=$2; shift 2 ;;
    --runtimes=*) runtimes=${1#*=}; shift ;;
    --build) [ $# -ge 2 ] || die "--build needs a value"; build=$(realpath "$2"); shift 2 ;;
    --no-floor) floor=0; shift ;;
    --leak-check)
      if [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]]; then leak=$2; shift 2; else leak=1000; shift; fi ;;
    -n|--sections|--levels) [ $# -ge 2 ] || die "$1 needs a value"; pass+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument \"$1\" (see --help)" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root (it creates containers)"
command -v python3 >/dev/null || die "python3 not found"
command -v jq >/dev/null || die "jq not found (contrib/deps-bench.sh)"

# Build: release, only the two targets we run.
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top" --buildtype=release >/dev/null
fi
ninja -C "$build" -j2 src/ocirun tests/bench/ocirun-floor tests/bench/ocirun-bench-spawn >/dev/null
ocirun=$build/src/ocirun
[ -x "$ocirun" ] || die "no ocirun in \"$build\""

work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
hugetlb_mounted=0
cleanup() {
  local rt
  # Containers left by an interrupted run: delete them with their own runtime.
  for rt in ${runtimes//,/ }; do
    local bin=$rt root=$work/root-$rt
    [ "$rt" = ocirun ] && bin=$ocirun
    [ -d "$root" ] || continue
    for id in $("$bin" --root "$root" list -q 2>/dev/null); do
      "$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf "$work"
  if [ "$hugetlb_mounted" = 1 ]; then
    umount /sys/fs/cgroup/hugetlb && rmdir /sys/fs/cgroup/hugetlb 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ,$runtimes, == *,crun,* ]] && [ -d /sys/fs/cgroup/unified ] \
   && ! grep -q ' /sys/fs/cgroup/hugetlb ' /proc/self/mountinfo \
; then
  mkdir -p /sys/fs/cgroup/hugetlb
  mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
  hugetlb_mounted=1
fi

# One bundle for every runtime: busybox, /bin/true, no terminal.  ociVersion 1.0.2 because
# crun 1.8 rejects any other major.minor ("unknown version specified").
"$top/contrib/mkbundle.sh" "$work/bundle" --ocirun "$ocirun" >/dev/null
jq '.process.args = ["/bin/true"] | .process.terminal = false | .ociVersion = "1.0.2"' \
  "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

args=(--bundle "$work/bundle" --workdir "$work" --ocirun "$ocirun" --runtimes "$runtimes"
      --spawn "$build/tests/bench/ocirun-bench-spawn" --results "$here/results")
[ "$floor" = 1 ] && args+=(--floor "$build/tests/bench/ocirun-floor")
[ -n "$leak" ] && args+=(--leak-check "$leak")
python3 "$here/bench.py" "${args[@]}" "${pass[@]}"
