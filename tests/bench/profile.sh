#!/usr/bin/env bash
# tests/bench/profile.sh — where one `ocirun run` of /bin/true spends its instructions.
#
#   tests/bench/profile.sh [--build DIR | --ocirun PATH] [--top N] [--keep] [--no-perf]
#
# The work dir is a tmpfs (left on disk, unmounted, with --keep).
#
# Runs the commands of one `ocirun run` of /bin/true under `valgrind --tool=callgrind`
# (instruction counts are stable on a noisy machine): create (the parent and the container child
# until its execve) and delete; `start` runs natively because valgrind 3.19 lacks pidfd_open.
# Prints the instructions of each process and the top N (default 15) functions by self
# instructions over all of them.  Then, when perf is installed, `perf stat` of 20 runs of
# ocirun and of the floor (tests/bench/floor.c) for the wall and CPU time of the whole tree.
#
# How it works around valgrind: ocirun re-executes itself from a sealed memfd before entering
# namespaces, and valgrind cannot follow that exec; so the profiled binary IS a sealed memfd
# copy (ocirun then sees it is sealed and does not re-exec).  valgrind refuses setrlimit of
# RLIMIT_NOFILE, so the profiled bundle has no process.rlimits, and its root is writable so
# that the child can write its profile at the same absolute path inside the container.
# valgrind 3.19 does not know openat2 (ENOSYS), so ocirun's fallback path resolution is what
# gets profiled.  Needs root, valgrind, python3, jq, busybox-static.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
die() { echo "profile: $*" >&2; exit 1; }

build=$top/build-bench ocirun='' ntop=15 keep=0 perf=1
while [ $# -gt 0 ]; do
  case $1 in
    --build) [ $# -ge 2 ] || die "--build needs a value"; build=$(realpath "$2"); shift 2 ;;
    --ocirun) [ $# -ge 2 ] || die "--ocirun needs a value"; ocirun=$(realpath "$2"); shift 2 ;;
    --top) [ $# -ge 2 ] || die "--top needs a value"; ntop=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-perf) perf=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument \"$1\"" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "must run as root"
command -v valgrind >/dev/null || die "valgrind not found (contrib/deps-bench.sh)"
command -v callgrind_annotate >/dev/null || die "callgrind_annotate not found"

source "$here/common.sh"
ocirun_binary

# A tmpfs like /run, as in run.sh (a state dir on ext4 costs inode allocation and fsync).
work=$(mktemp -d /tmp/ocirun-prof.XXXXXX)
[ "$keep" = 1 ] || mount -t tmpfs -o mode=0700,size=256m ocirun-prof "$work"
cleanup() {
  "$ocirun" --root "$work/root" delete --force prof >/dev/null 2>&1 || true
  if [ "$keep" = 1 ]; then
    echo "kept $work" >&2
  else
    umount "$work" 2>/dev/null || umount -l "$work"
    rmdir "$work"
  fi
}
trap cleanup EXIT
${CC:-cc} -O2 -Wall -o "$work/ocirun-floor" "$here/floor.c"

"$top/contrib/mkbundle.sh" "$work/bundle" --ocirun "$ocirun" >/dev/null
jq '.process.args = ["/bin/true"] | .process.terminal = false | del(.process.rlimits)
    | .root.readonly = false' "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
mkdir -p "$work/cg" "$work/bundle/rootfs$work/cg"

# valgrind on a sealed memfd copy of ocirun (see the header), once per command.
vg() {
  python3 - "$ocirun" "$work" "$@" <<'EOF' >>"$work/valgrind.log" 2>&1
import fcntl, os, sys
ocirun, work, args = sys.argv[1], sys.argv[2], sys.argv[3:]
fd = os.memfd_create("ocirun", os.MFD_ALLOW_SEALING)
with open(ocirun, "rb") as f:
    os.write(fd, f.read())
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW
            | fcntl.F_SEAL_WRITE)
os.execvp("valgrind", ["valgrind", "--tool=callgrind", "--dump-before=execve*",
                       "--dump-before=__execve*", "--callgrind-out-file=%s/cg/cg.%%p" % work,
                       "/proc/self/fd/%d" % fd, "--root", work + "/root"] + args)
EOF
}
# `run` = create + start + wait + delete.  valgrind 3.19 has no pidfd_open, which `start` needs,
# so start runs natively: the profile covers create (parent and child) and delete.
vg create --bundle "$work/bundle" prof \
  || die "create failed under valgrind (log: $work/valgrind.log, use --keep)"
"$ocirun" --root "$work/root" start prof || die "start failed"
for _ in $(seq 100); do
  [ "$("$ocirun" --root "$work/root" state prof | jq -r .status)" = stopped ] && break
  sleep 0.05
done
vg delete prof || die "delete failed under valgrind (log: $work/valgrind.log, use --keep)"

python3 - "$ntop" "$work/cg"/cg.* "$work/bundle/rootfs$work/cg"/cg.* <<'EOF'
import os, re, subprocess, sys
ntop, files = int(sys.argv[1]), sys.argv[2:]
line_re = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)(?:\s+\[(.*)\])?$")
total, funcs = 0, {}
print("callgrind: `ocirun create` + `ocirun delete` of a /bin/true container, Ir per process")
for path in files:
    if os.path.getsize(path) == 0:  # a child's final dump, never written: it exec'd
        continue
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    proc_total = 0
    for ln in out.splitlines():
        m = line_re.match(ln)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        if m.group(2).endswith("PROGRAM TOTALS"):
            proc_total = n
            continue
        fn = m.group(2).split(":", 1)[-1]
        obj = (m.group(3) or "?").rsplit("/", 1)[-1]
        if obj.startswith("fd") or obj == "3":
            obj = "ocirun"
        funcs[(fn, obj)] = funcs.get((fn, obj), 0) + n
    head = open(path).read(4096)
    cmd = "delete" if " delete " in head else "create"
    role = "create: container child (to execve)" if "/rootfs/" in path else "ocirun " + cmd
    print("  %-34s %12s Ir" % (role, format(proc_total, ",")))
    total += proc_total
print("  %-34s %12s Ir" % ("total", format(total, ",")))
print("\ntop %d functions by self instructions (all processes):" % ntop)
print("%14s %6s  %s" % ("Ir", "%", "function [object]"))
for (fn, obj), n in sorted(funcs.items(), key=lambda kv: -kv[1])[:ntop]:
    print("%14s %5.1f%%  %s [%s]" % (format(n, ","), 100.0 * n / total, fn, obj))
EOF

if [ "$perf" = 1 ] && command -v perf >/dev/null; then
  echo
  echo "perf stat, 20 runs each (whole process tree; task-clock is CPU time):"
  perf stat -r 20 -e task-clock,context-switches,cpu-migrations,page-faults \
    "$ocirun" --root "$work/root" run --bundle "$work/bundle" prof 2>&1 >/dev/null \
    | grep -E 'task-clock|context|migrations|faults|elapsed' | sed 's/^/  ocirun run: /'
  perf stat -r 20 -e task-clock,context-switches,cpu-migrations,page-faults \
    "$work/ocirun-floor" "$work/bundle/rootfs" 2>&1 >/dev/null \
    | grep -E 'task-clock|context|migrations|faults|elapsed' | sed 's/^/  floor:      /'
fi
