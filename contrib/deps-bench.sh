#!/usr/bin/env bash
# contrib/deps-bench.sh — install what tests/bench/ needs on Debian 12 (bookworm), as root:
# the build and test dependencies plus crun and runc (the peers it compares ocirun with),
# valgrind and linux-perf (tests/bench/profile.sh) and python3 (the driver).
exec "$(dirname "$0")/deps.sh" --bench
