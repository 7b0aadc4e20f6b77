#!/usr/bin/env bash
# contrib/test.sh [SUITE | --meson-test-option]... — everything CI checks, in
# one go, on a Debian 12 machine as root:
#
#   deps      contrib/deps.sh
#   gcc       build `build` with gcc, warnings as errors
#   clang     build `build-clang` with clang, warnings as errors (compile only)
#   asan      build `build-asan` with ASan+UBSan and run the `unit` suite there
#   format    tests/format-check.sh (one TAP line per source file)
#   summary   contrib/selftest-summary.sh: the TAP counting itself
#   fuzz      tests/fuzz/run.sh build-fuzz SECONDS (per target), when it exists
#   suite     tests/run-tests.sh build [ARGS]: every meson suite (or ARGS)
#
# Every step leaves TAP lines in a scratch directory; run-tests.sh adds them
# to the meson suites' own TAP lines, so the last line printed is exactly
# `N passed, N failed, N skipped` over all of it.  Exit status 0 only when
# nothing failed.
#
# Environment: OCIRUN_TEST_SKIP="clang asan format fuzz" leaves steps out
# (each counts as one skipped); OCIRUN_FUZZ_SECONDS (default 10) is the fuzz
# budget; NINJA_JOBS (default 2) the build parallelism; CC the compiler of
# the main build (default gcc).
set -uo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds=${OCIRUN_FUZZ_SECONDS:-10}
steps_dir=$(mktemp -d /tmp/ocirun-test.XXXXXX)
trap 'rm -rf "$steps_dir"' EXIT
timings=()

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
skipped() { [[ " ${OCIRUN_TEST_SKIP:-} " == *" $1 "* ]]; }

# step NAME DESCRIPTION COMMAND...: run COMMAND with its output kept in a log,
# and record one TAP line in NAME.tap.  The log's tail is shown on failure.
# A COMMAND may write its own, finer TAP to "$tap" (one line per test); then
# the step adds a line only if COMMAND failed without reporting a "not ok".
step() {
  local name=$1 desc=$2 start rc
  local log=$steps_dir/$name.log
  tap=$steps_dir/$name.tap
  shift 2
  echo "== $name: $desc"
  if skipped "$name"; then
    echo "ok - $desc # SKIP in OCIRUN_TEST_SKIP" >"$tap"
    timings+=("$(printf '%-8s skipped' "$name")")
    return 0
  fi
  start=$(now)
  : >"$tap"
  "$@" >"$log" 2>&1
  rc=$?
  if [[ ! -s $tap ]]; then
    if [[ $rc -eq 0 ]]; then echo "ok - $desc"; else echo "not ok - $desc (exit status $rc)"; fi >"$tap"
  elif [[ $rc -ne 0 ]] && ! grep -q '^not ok' "$tap"; then
    echo "not ok - $desc (exit status $rc)" >>"$tap"
  fi
  if [[ $rc -ne 0 ]]; then
    echo "-- $name failed (exit status $rc); its output ends with:"
    tail -n 60 "$log"
  fi
  timings+=("$(printf '%-8s %s' "$name" "$(elapsed "$start")")")
  return $rc
}

# The ninja targets (paths relative to BUILDDIR) that the tests of SUITE need.
suite_targets() {
  local b=$1 suite=$2
  jq -r --arg suite "$suite" --arg top "$PWD/$b/" --slurpfile targets <(meson introspect "$b" --targets) \
    '[.[] | select(.suite | any(. == $suite or endswith(":" + $suite))) | .depends[]] as $ids
     | $targets[0][] | select(.id as $id | $ids | index($id)) | .filename[] | ltrimstr($top)' \
    <(meson introspect "$b" --tests) | sort -u
}

# Only the unit tests are built under the sanitizers: static helpers (the
# in-container probe) cannot link with -fsanitize=address.
asan() {
  local b=build-asan testlog=build-asan/meson-logs/testlog.json rc
  local opts=(-Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false)
  if [[ -f $b/meson-private/coredata.dat ]]; then
    meson setup --reconfigure "${opts[@]}" "$b" || return
  else
    meson setup "${opts[@]}" "$b" || return
  fi
  mapfile -t targets < <(suite_targets "$b" unit)
  [[ ${#targets[@]} -gt 0 ]] || { echo "no unit test targets found in $b"; return 1; }
  ninja -C "$b" -j "${NINJA_JOBS:-2}" "${targets[@]}" || return
  rm -f "$testlog"
  ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1} \
    meson test -C "$b" --no-rebuild --suite unit --print-errorlogs --num-processes 2
  rc=$?
  [[ -f $testlog ]] || return 1
  # One TAP line per unit test program.
  jq -r 'if .result == "OK" then "ok - asan+ubsan \(.name)"
         elif .result == "SKIP" then "ok - asan+ubsan \(.name) # SKIP"
         else "not ok - asan+ubsan \(.name): \(.result)" end' "$testlog" >"$tap"
  return $rc
}

format() {
  tests/format-check.sh >"$tap"
  local rc=$?
  grep -A1 '^not ok' "$tap"
  return $rc
}

summary() {
  contrib/selftest-summary.sh >"$tap"
  local rc=$?
  grep -A1 '^not ok' "$tap"
  return $rc
}

# The fuzz targets; when run.sh speaks TAP, its lines are the step's results.
fuzz() {
  local b=build-fuzz opts=(-Dwerror=true -Dfuzz=true -Db_lundef=false)
  if [[ -f $b/meson-private/coredata.dat ]]; then
    meson setup --reconfigure "${opts[@]}" "$b" || return
  else
    CC=clang meson setup "${opts[@]}" "$b" || return
  fi
  # Only the fuzzers: the rest of the tree is already built by the clang step.
  mapfile -t targets < <(meson introspect "$b" --targets \
    | jq -r '.[] | select(.defined_in | endswith("/tests/fuzz/meson.build")) | .filename[]' \
    | sed "s|^$PWD/$b/||")
  ninja -C "$b" -j "${NINJA_JOBS:-2}" "${targets[@]}" || return
  tests/fuzz/run.sh build-fuzz "$fuzz_seconds" | tee "$tap.out"
  local rc=${PIPESTATUS[0]}
  grep -E '^(not )?ok\b|^1\.\.' "$tap.out" >"$tap"
  rm -f "$tap.out"
  return "$rc"
}

start_all=$(now)
step deps "dependencies installed (contrib/deps.sh)" contrib/deps.sh
CC=${CC:-gcc} step gcc "gcc build, -Dwerror=true (build)" contrib/build.sh build
CC=clang step clang "clang build, -Dwerror=true (build-clang)" contrib/build.sh build-clang
step asan "unit suite under asan+ubsan (build-asan)" asan
step format "clang-format check (tests/format-check.sh)" format
step summary "TAP summariser self-test (contrib/selftest-summary.sh)" summary
if [[ -x tests/fuzz/run.sh ]]; then
  step fuzz "fuzz targets, ${fuzz_seconds}s (build-fuzz)" fuzz
else
  echo "== fuzz: skipped, tests/fuzz/run.sh not present"
  echo "ok - fuzz # SKIP tests/fuzz/run.sh not present" >"$steps_dir/fuzz.tap"
fi

echo "== suite: tests/run-tests.sh build $*"
start=$(now)
# Hold back run-tests.sh's final line so the timings can go before it.
OCIRUN_TAP_DIR=$steps_dir tests/run-tests.sh build "$@" 2>&1 \
  | tee "$steps_dir/suite.log" | sed -u '$d'
rc=${PIPESTATUS[0]}
timings+=("$(printf '%-8s %s' suite "$(elapsed "$start")")")
echo "== timings"
printf '   %s\n' "${timings[@]}" "$(printf '%-8s %s' total "$(elapsed "$start_all")")"
tail -n 1 "$steps_dir/suite.log"
exit "$rc"
