# lib.sh — TAP helpers for the CLI tests (sourced, POSIX sh).
#
# t_run CMD...         run CMD; stdout in $OUT, stderr in $ERR, status in $RC,
#                      stderr line count in $ERR_LINES
# t_ok DESC CMD...     one test: passes when CMD succeeds
# t_is DESC GOT WANT   one test: passes when the two strings are equal
# t_done               print the plan; exit status 1 when a test failed
set -u

OCIRUN=${1:?usage: $0 path/to/ocirun}
case "$OCIRUN" in
/*) ;;
*) OCIRUN="$PWD/$OCIRUN" ;; # meson passes it relative to the build dir; tests cd elsewhere
esac
T=$(mktemp -d "${TMPDIR:-/tmp}/ocirun-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT INT TERM
N=0
FAILED=0

t_run() {
  OUT=$("$@" 2>"$T/.stderr")
  RC=$?
  ERR=$(cat "$T/.stderr")
  ERR_LINES=$(wc -l <"$T/.stderr")
}

t_diag() {
  printf '%s\n' "$@" | sed 's/^/# /'
}

t_ok() {
  desc=$1
  shift
  N=$((N + 1))
  if "$@"; then
    echo "ok $N - $desc"
  else
    echo "not ok $N - $desc"
    FAILED=$((FAILED + 1))
    t_diag "command: $*" "last stdout: ${OUT-}" "last stderr: ${ERR-}" "last status: ${RC-}"
  fi
}

t_is() {
  N=$((N + 1))
  if [ "$2" = "$3" ]; then
    echo "ok $N - $1"
  else
    echo "not ok $N - $1"
    FAILED=$((FAILED + 1))
    t_diag "got:      $2" "expected: $3"
  fi
}

# The failure contract (DESIGN.md §6): exit 1, exactly one stderr line,
# equal to $1.
t_fails_with() {
  desc=$1
  want=$2
  t_is "$desc: exit status 1" "$RC" 1
  t_is "$desc: one stderr line" "$ERR_LINES" 1
  t_is "$desc: message" "$ERR" "$want"
}

t_done() {
  echo "1..$N"
  [ "$FAILED" -eq 0 ]
}

# jq -e without the output: `t_ok DESC jqe FILTER FILE`.
jqe() {
  jq -e "$@" >/dev/null
}
