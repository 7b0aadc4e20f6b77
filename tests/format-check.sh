#!/usr/bin/env bash
# tests/format-check.sh — check the C sources against .clang-format.
# Prints TAP, one line per file under src/, libcontainer/ and tests/; a file
# that clang-format would change is "not ok" with the number of differing
# lines and the command that fixes it.  Exit status 1 when any file differs.
# CLANG_FORMAT names the binary (default: clang-format).
set -uo pipefail
cd "$(dirname "$0")/.."

cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
  echo "1..0 # SKIP $cf not installed"
  exit 0
fi

mapfile -t files < <(find src libcontainer tests -type f \( -name '*.c' -o -name '*.h' \) \
                       2>/dev/null | LC_ALL=C sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "1..0 # SKIP no C sources found"
  exit 0
fi

n=0 bad=0
for f in "${files[@]}"; do
  n=$((n + 1))
  if "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "ok $n - format $f"
  else
    bad=$((bad + 1))
    lines=$("$cf" "$f" | diff "$f" - | grep -c '^>')
    echo "not ok $n - format $f"
    echo "#   $lines line(s) differ; fix with: $cf -i $f"
  fi
done
echo "1..$n"
[[ $bad -eq 0 ]]
