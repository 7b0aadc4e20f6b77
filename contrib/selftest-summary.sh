#!/usr/bin/env bash
# contrib/selftest-summary.sh — checks that tests/run-tests.sh counts TAP the
# way its header says, on a hand-made meson testlog.json and step files.
# Prints TAP; exit status 1 when a check fails.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/ocirun-summary.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/build/meson-logs" "$dir/steps"
n=0 bad=0

# record NAME RESULT RETURNCODE STDOUT: one line of meson's testlog.json.
record() {
  jq -cn --arg name "$1" --arg result "$2" --argjson rc "$3" --arg out "$4" \
    '{name: $name, result: $result, returncode: $rc, stdout: $out}' \
    >>"$dir/build/meson-logs/testlog.json"
}

# check DESCRIPTION WANT-LINE WANT-STATUS: summarise and compare.
check() {
  local out rc last
  out=$(OCIRUN_NO_RUN=1 OCIRUN_TAP_DIR=$dir/steps tests/run-tests.sh "$dir/build" 2>&1)
  rc=$?
  last=$(tail -n 1 <<<"$out")
  n=$((n + 1))
  if [[ $last == "$2" && $rc -eq $3 ]]; then
    echo "ok $n - $1"
  else
    bad=$((bad + 1))
    echo "not ok $n - $1"
    echo "#   got \"$last\" (exit status $rc), want \"$2\" (exit status $3)"
  fi
}

record "all ok" OK 0 $'ok 1 - a\nok 2 - b\n1..2\n'
record "skips" OK 0 $'ok 1 - a # SKIP no root\nok 2 - b # skip lower case\n1..2\n'
record "skip all" SKIP 0 $'1..0 # SKIP needs cgroup v2\n'
record "exitcode ok" OK 0 ''
record "exitcode skip" SKIP 77 ''
check "passes and skips only" "3 passed, 0 failed, 4 skipped" 0

record "one failure" FAIL 1 $'ok 1 - a\nnot ok 2 - b\nnot ok 3 - c # TODO known\n1..3\n'
check "a not ok line fails, a TODO one is skipped" "4 passed, 1 failed, 5 skipped" 1

record "crash" ERROR -11 ''
record "timeout" TIMEOUT -15 $'ok 1 - before the hang\n'
record "bail" ERROR 1 $'ok 1 - a\nBail out! no bundle\n'
check "crash, timeout after a pass, bail out" "6 passed, 4 failed, 5 skipped" 1

printf 'ok - clang build\nok - fuzz # SKIP no script\n' >"$dir/steps/a.tap"
: >"$dir/steps/empty.tap"
check "step files count; an empty one fails" "7 passed, 5 failed, 6 skipped" 1

rm -f "$dir/build/meson-logs/testlog.json" "$dir/steps/empty.tap"
check "a missing testlog.json is one failure" "1 passed, 1 failed, 1 skipped" 1

echo "1..$n"
[[ $bad -eq 0 ]]
