#!/usr/bin/env bash
# tests/run-tests.sh BUILDDIR [SUITE | --meson-test-option]...
#
# Runs the meson test suites of BUILDDIR (all of them, or the named ones) and
# ends with exactly one line, always the last one printed:
#
#     N passed, N failed, N skipped
#
# counted from the TAP lines every test prints (meson-logs/testlog.json keeps
# each test's stdout):
#   ok ...                      passed      (also "ok ... # TODO")
#   ok ... # SKIP why           skipped     (also "not ok ... # SKIP")
#   not ok ...                  failed
#   not ok ... # TODO why       skipped     (a known, tracked failure)
#   1..0 # SKIP why             one skipped (nothing else printed)
#   Bail out!                   one failed
# A test without TAP lines (exitcode protocol, or a crash before any output)
# counts once from meson's verdict; a test that meson failed (crash, timeout,
# wrong plan, non-zero exit) without any "not ok" line adds one failed.
#
# OCIRUN_TAP_DIR=DIR adds every DIR/*.tap file (TAP from steps outside meson,
# see contrib/test.sh) to the count; a file without TAP lines is one failure.
# OCIRUN_NO_RUN=1 only summarises the existing testlog.json.
# Exit status: 0 when nothing failed, 1 otherwise.
set -uo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILDDIR [SUITE | --meson-test-option]..." >&2
  exit 2
fi
builddir=$1
shift
testlog=$builddir/meson-logs/testlog.json

args=()
for a in "$@"; do
  if [[ $a == -* ]]; then
    args+=("$a")
  else
    args+=(--suite "$a")
  fi
done

rc=0
if [[ -z ${OCIRUN_NO_RUN:-} ]]; then
  rm -f "$testlog"
  meson test -C "$builddir" --print-errorlogs --num-processes 2 "${args[@]}"
  rc=$?
fi

exec python3 - "$testlog" "$rc" "${OCIRUN_TAP_DIR:-}" <<'PY'
import glob, json, os, re, sys

testlog, meson_rc, tapdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TEST = re.compile(r'^(not )?ok\b(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)(.*)$')
DIRECTIVE = re.compile(r'#\s*(skip|todo)', re.IGNORECASE)
totals = {'passed': 0, 'failed': 0, 'skipped': 0}
failures = []


def count_tap(name, text):
    """Count one test's TAP stream; return (lines seen, failures seen)."""
    seen = failed = 0
    plan_skip = False
    for line in text.splitlines():
        line = line.rstrip()
        m = TEST.match(line)
        if m:
            seen += 1
            d = DIRECTIVE.search(m.group(2))
            kind = d.group(1).lower() if d else None
            if kind == 'skip' or (m.group(1) and kind == 'todo'):
                totals['skipped'] += 1
            elif m.group(1):
                totals['failed'] += 1
                failed += 1
                failures.append(f'{name}: {line}')
            else:
                totals['passed'] += 1
            continue
        m = PLAN.match(line)
        if m:
            seen += 1
            plan_skip = plan_skip or (m.group(1) == '0' and DIRECTIVE.search(m.group(2)) is not None)
        elif line.startswith('Bail out!'):
            seen += 1
            totals['failed'] += 1
            failed += 1
            failures.append(f'{name}: {line}')
    if plan_skip and seen == 1:
        totals['skipped'] += 1
    return seen, failed


def count_meson_test(t):
    name, result = t.get('name', '?'), t.get('result', 'ERROR')
    seen, failed = count_tap(name, t.get('stdout') or '')
    good = result in ('OK', 'SKIP', 'EXPECTEDFAIL')
    if seen == 0 and good:
        totals['skipped' if result == 'SKIP' else 'passed'] += 1
    elif not good and failed == 0:
        totals['failed'] += 1
        failures.append(f'{name}: {result} (exit status {t.get("returncode")})')


if os.path.exists(testlog):
    with open(testlog, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.strip():
                count_meson_test(json.loads(line))
    if meson_rc != 0 and totals['failed'] == 0:
        totals['failed'] += 1
        failures.append(f'meson test exited with status {meson_rc}')
else:
    totals['failed'] += 1
    failures.append(f'{testlog} missing: meson test did not run (build failure?)')

for path in sorted(glob.glob(os.path.join(tapdir, '*.tap'))) if tapdir else []:
    name = os.path.basename(path)[:-4]
    with open(path, encoding='utf-8', errors='replace') as f:
        seen, _ = count_tap(name, f.read())
    if seen == 0:
        totals['failed'] += 1
        failures.append(f'{name}: no TAP output')

for line in failures[:50]:
    print(f'# failed: {line}')
if len(failures) > 50:
    print(f'# ... and {len(failures) - 50} more')
print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
sys.exit(1 if totals['failed'] else 0)
PY
