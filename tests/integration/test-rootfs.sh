#!/bin/bash
# test-rootfs.sh — config.md § Root (path relative and absolute, readonly), `--no-pivot`, and
# config-linux.md § Rootfs Mount Propagation.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq

# ---- root.path -------------------------------------------------------------------------------
B=$(new_bundle relpath)
mkdir -p "$B/images"
mv "$B/rootfs" "$B/images/r1"
echo relative-root >"$B/images/r1/marker"
set_args "$B" /probe cat /marker
cfg "$B" '.root.path = "images/r1"'
run_ctr "$B" "$(cid relpath)"
is "config.md § Root: a relative path (images/r1) is relative to the bundle" \
  "$RC:$OUT" "0:relative-root" || diag "$ERR"

B=$(new_bundle abspath)
echo absolute-root >"$B/rootfs/marker"
set_args "$B" /probe cat /marker
cfg "$B" '.root.path = $p' --arg p "$B/rootfs"
# Run from elsewhere so a relative lookup could not find it by accident.
(cd / && run_ctr "$B" "$(cid abspath)" && printf '%s\n' "$RC" "$OUT" "$ERR" >"$TEST_TMP/abs.res")
mapfile -t res <"$TEST_TMP/abs.res"
is "config.md § Root: an absolute path is used as is" "${res[0]}:${res[1]}" "0:absolute-root" ||
  diag "${res[2]}"

B=$(new_bundle nopath)
set_args "$B" /probe echo hi
cfg "$B" '.root.path = "no-such-dir"'
run_ctr "$B" "$(cid nopath)"
is "config.md § Root: a missing root.path fails create (exit 1)" "$RC" 1
like "config.md § Root: the error names the path" "$ERR" 'no-such-dir'

# ---- root.readonly ---------------------------------------------------------------------------
B=$(new_bundle ro)
set_args "$B" /bin/sh -c 'echo "== write"; /probe write /rofile data; echo "== mount"; /probe mount /'
run_ctr "$B" "$(cid ro)"
is "config.md § Root: readonly root runs" "$RC" 0 || diag "$ERR"
is "config.md § Root: readonly true, writing to / fails with EROFS" \
  "$(kv "$(section write)" error)" EROFS
like "config.md § Root: readonly true, the root mount is ro" \
  "$(kv "$(section mount)" options)" '^ro(,|$)'
is "config.md § Root: readonly true, the root mount is the container's /" \
  "$(kv "$(section mount)" mount_point):$(kv "$(section mount)" exact)" "/:1"
check "config.md § Root: readonly true, nothing reached the image" test ! -e "$B/rootfs/rofile"

B=$(new_bundle rw)
set_args "$B" /bin/sh -c 'echo "== write"; /probe write /rwfile data; echo "== mount"; /probe mount /'
cfg "$B" '.root.readonly = false'
run_ctr "$B" "$(cid rw)"
is "config.md § Root: writable root runs" "$RC" 0 || diag "$ERR"
is "config.md § Root: readonly false, writing to / succeeds" \
  "$(kv "$(section write)" written)" 4
like "config.md § Root: readonly false, the root mount is rw" \
  "$(kv "$(section mount)" options)" '^rw(,|$)'
is "config.md § Root: readonly false, the write landed in root.path" \
  "$(cat "$B/rootfs/rwfile" 2>&1)" data

# ---- --no-pivot ------------------------------------------------------------------------------
B=$(new_bundle nopivot)
echo no-pivot-root >"$B/rootfs/marker"
set_args "$B" /bin/sh -c 'echo "== cat"; /probe cat /marker; echo; echo "== host";
  /probe stat "$HOSTDIR"; echo "== write"; /probe write /x y; echo "== ns"; /probe ns; echo "== end"'
add_env "$B" "HOSTDIR=$TEST_TMP/bundles"
run_ctr "$B" "$(cid nopivot)" --no-pivot
is "ocirun run --no-pivot: the container runs" "$RC" 0 || diag "$ERR"
is "config.md § Root: with --no-pivot / is the rootfs" "$(section cat)" no-pivot-root
is "config.md § Root: with --no-pivot the host's directories are out of reach" \
  "$(kv "$(section host)" error)" ENOENT
is "config.md § Root: with --no-pivot readonly still applies" "$(kv "$(section write)" error)" \
  EROFS
is "config-linux.md § Namespaces: with --no-pivot init (the shell) is still pid 1" \
  "$(kv "$(section ns)" getppid)" 1

# ---- rootfsPropagation -----------------------------------------------------------------------
# Make the bundle directory a shared mount on the host so that propagation shows in
# mountinfo: a shared peer gets `shared:N`, a slave `master:N`, private neither.
B=$(new_bundle prop)
set_args "$B" /probe mount /
mount --bind "$B" "$B" && mount --make-shared "$B"
host_mounts_before=$(grep -c . /proc/self/mountinfo)
declare -A want=([shared]='shared:[0-9]+' [slave]='^master:[0-9]+$' [private]='^private$'
  [unbindable]='^unbindable$')
for p in shared slave private unbindable; do
  cfg "$B" '.linux.rootfsPropagation = $p' --arg p "$p"
  run_ctr "$B" "$(cid "prop-$p")"
  is "config-linux.md § Rootfs Mount Propagation: $p runs" "$RC" 0 || diag "$ERR"
  like "config-linux.md § Rootfs Mount Propagation: $p shows in the root mount's propagation" \
    "$(kv "$OUT" propagation)" "${want[$p]}"
done
is "config-linux.md § Rootfs Mount Propagation: no container mount propagated to the host" \
  "$(grep -c . /proc/self/mountinfo)" "$host_mounts_before"
umount "$B"

B=$(new_bundle badprop)
cfg "$B" '.linux.rootfsPropagation = "sideways"'
run_ctr "$B" "$(cid badprop)"
is "config-linux.md § Rootfs Mount Propagation: an unknown value fails (exit 1)" "$RC" 1
like "config-linux.md § Rootfs Mount Propagation: the error names the field" "$ERR" \
  'rootfsPropagation'

assert_clean "rootfs tests leave nothing behind"
done_testing
