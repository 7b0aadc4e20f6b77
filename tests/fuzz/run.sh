#!/bin/sh
# run.sh BUILD_DIR SECONDS — run every fuzzer in BUILD_DIR/tests/fuzz for
# SECONDS each, seeded with the config fixtures (copied to a scratch corpus
# so the fixtures are never touched).  Exits non-zero on any crash, leak or
# sanitizer report; crash inputs are left in BUILD_DIR/tests/fuzz/artifacts/.
set -eu
build=${1:?usage: run.sh BUILD_DIR SECONDS}
secs=${2:?usage: run.sh BUILD_DIR SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
fuzzdir="$build/tests/fuzz"
mkdir -p "$fuzzdir/artifacts"
corpus=$(mktemp -d "${TMPDIR:-/tmp}/ocirun-fuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT INT TERM
cp "$here"/../fixtures/valid/*.json "$here"/../fixtures/invalid/*.json "$corpus"/
status=0
for fuzzer in "$fuzzdir"/fuzz-*; do
  [ -x "$fuzzer" ] && [ -f "$fuzzer" ] || continue
  echo "== $(basename "$fuzzer") for ${secs}s"
  if ! "$fuzzer" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$fuzzdir/artifacts/" "$corpus"; then
    echo "FAILED: $(basename "$fuzzer")" >&2
    status=1
  fi
done
exit $status
