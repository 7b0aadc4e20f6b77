#!/usr/bin/env bash
# contrib/build.sh [BUILDDIR [MESON-OPTION...]] — configure (or reconfigure)
# and build ocirun with warnings as errors.  BUILDDIR defaults to `build`;
# extra arguments go to `meson setup`, e.g. `-Dseccomp=disabled`.  CC is
# honoured on the first setup of a directory.  At most 2 parallel jobs
# unless NINJA_JOBS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

builddir=${1:-build}
shift || true

if [[ -f $builddir/meson-private/coredata.dat ]]; then
  meson setup --reconfigure -Dwerror=true "$@" "$builddir"
else
  meson setup -Dwerror=true "$@" "$builddir"
fi
ninja -C "$builddir" -j "${NINJA_JOBS:-2}"
