#!/usr/bin/env bash
# contrib/deps.sh — install what ocirun needs to build and to run its tests on
# Debian 12 (bookworm), as root.  Idempotent and quick when everything is
# already there: dpkg-query decides, and `apt-get update` runs only when a
# package is missing.  `--bench` adds what tests/bench/ needs: the peers it
# compares with (crun, runc), valgrind and perf for profile.sh, python3 for
# the driver (contrib/deps-bench.sh is that).
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev clang-format
  libyajl-dev libseccomp-dev libcap-dev libselinux1-dev
  # tests: bundles, JSON, namespaces and process tools
  busybox-static jq iproute2 procps util-linux
)
if [[ ${1:-} == --bench ]]; then
  packages+=(crun runc valgrind linux-perf python3)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: not a Debian system (no dpkg-query); install the equivalents of:" >&2
  echo "  ${packages[*]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps.sh: all ${#packages[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi

echo "deps.sh: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps.sh: installed: ${missing[*]}"
