#!/usr/bin/env bash
# contrib/deps-bench.sh — install what tests/bench/ needs on Debian 12 (bookworm), as root:
# the peers it compares ocirun with (crun, runc), valgrind for tests/bench/profile.sh, perf
# (linux-perf, optional: profile.sh skips it when absent), python3 for the driver, and the
# bundle tools (busybox-static, jq).  The build dependencies come from contrib/deps.sh.
# Idempotent: dpkg-query decides, and `apt-get update` runs only when a package is missing.
set -euo pipefail

packages=(crun runc valgrind linux-perf python3 busybox-static jq)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps-bench.sh: not a Debian system (no dpkg-query); install the equivalents of:" >&2
  echo "  ${packages[*]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps-bench.sh: all ${#packages[@]} packages already installed"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "deps-bench.sh: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "deps-bench.sh: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps-bench.sh: installed: ${missing[*]}"
