#!/usr/bin/env bash
# tests/bench/run.sh — benchmark ocirun against crun and runc, side by side.
#
#   tests/bench/run.sh [--quick] [--runtimes ocirun,crun,runc] [--leak-check [N]] [-n N]
#                      [--sections lifecycle,exec,memlimit,statelist,parallel] [--levels 1,100]
#                      [--build DIR | --ocirun PATH] [--no-floor]
#
# Builds ocirun in build-bench (release; --build DIR to use another build dir, --ocirun PATH to
# take a binary as it is), compiles the floor (floor.c) and the stopwatch (spawn.c), makes one busybox bundle (contrib/mkbundle.sh, process /bin/true), and runs
# tests/bench/bench.py, which interleaves the runtimes round-robin and prints a markdown table of
# medians and ratios to crun; the JSON lands in tests/bench/results/ (gitignored), the table in
# tests/bench/results/latest.md.  A full run takes a few minutes, --quick about one.
# --leak-check N (default 1000) runs only the leak check: N lifecycles per runtime, then counts
# what they left (mounts, cgroups, state dirs, fds, processes).
#
# Needs root, python3, busybox-static, jq, and crun/runc when they are benchmarked
# (contrib/deps-bench.sh).  It runs in its own mount namespace (unshare -m, private).  crun 1.8
# refuses a cgroup v1 hybrid layout without a v1 hugetlb hierarchy: when crun is benchmarked and
# hugetlb is not mounted, this script mounts it in its work dir, in that namespace only (every
# runtime of the run sees it; nothing changes under /sys/fs/cgroup) and unmounts it at the end.  Everything else stays in a
# temporary tmpfs that is removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "bench: $*" >&2; exit 1; }

# Run in a private mount namespace: the tmpfs work dir and the hugetlb hierarchy crun needs are
# then seen by the benchmark only, never by other users of the machine, and vanish with it.
if [ -z "${OCIRUN_BENCH_NS:-}" ] && [ "$(id -u)" = 0 ]; then
  command -v unshare >/dev/null || die "unshare not found (util-linux)"
  OCIRUN_BENCH_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

build=$top/build-bench ocirun='' runtimes=ocirun,crun,runc floor=1 leak='' pass=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) pass+=(--quick); shift ;;
    --runtimes) [ $# -ge 2 ] || die "--runtimes needs a value"; runtimes=$2; shift 2 ;;
    --runtimes=*) runtimes=${1#*=}; shift ;;
    --build) [ $# -ge 2 ] || die "--build needs a value"; build=$(realpath "$2"); shift 2 ;;
    --ocirun) [ $# -ge 2 ] || die "--ocirun needs a value"; ocirun=$(realpath "$2"); shift 2 ;;
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

# Build: ocirun in release mode; the two helpers are single files, compiled here.
source "$here/common.sh"
ocirun_binary

# The work dir (state roots, bundles) is a private tmpfs, like /run where runtimes keep their
# state on a normal system; on this machine /tmp and /run are on disk, and a state dir on ext4
# costs every runtime inode allocation and fsync time that no engine host pays.
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
mount -t tmpfs -o mode=0700,size=512m ocirun-bench "$work"
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
  if [ "$hugetlb_mounted" = 1 ]; then
    umount "$work/hugetlb" 2>/dev/null || umount -l "$work/hugetlb"
  fi
  umount "$work" 2>/dev/null || umount -l "$work"
  rmdir "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cc=${CC:-cc}
$cc -O2 -Wall -o "$work/ocirun-floor" "$here/floor.c"
$cc -O2 -Wall -o "$work/ocirun-bench-spawn" "$here/spawn.c"

if [[ ,$runtimes, == *,crun,* ]] && [ -d /sys/fs/cgroup/unified ] \
   && ! grep -qE ' - cgroup [^ ]+ [^ ]*hugetlb' /proc/self/mountinfo; then
  mkdir "$work/hugetlb"
  mount -t cgroup -o hugetlb cgroup "$work/hugetlb"
  hugetlb_mounted=1
fi

# One bundle for every runtime: busybox, /bin/true, no terminal.  ociVersion 1.0.2 because
# crun 1.8 rejects any other major.minor ("unknown version specified").
"$top/contrib/mkbundle.sh" "$work/bundle" --ocirun "$ocirun" >/dev/null
jq '.process.args = ["/bin/true"] | .process.terminal = false | .ociVersion = "1.0.2"' \
  "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

args=(--bundle "$work/bundle" --workdir "$work" --ocirun "$ocirun" --runtimes "$runtimes"
      --spawn "$work/ocirun-bench-spawn" --results "$here/results")
[ "$floor" = 1 ] && args+=(--floor "$work/ocirun-floor")
[ -n "$leak" ] && args+=(--leak-check "$leak")
python3 "$here/bench.py" "${args[@]}" "${pass[@]}"
