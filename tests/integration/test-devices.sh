#!/bin/bash
# test-devices.sh — config-linux.md § Default Devices, § Devices, config.md § Default
# Filesystems' /dev symlinks, § Masked Paths and § Readonly Paths, and a /dev/null in the image
# that is a symlink to a host file (DESIGN.md §5 rule 6).
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq


B=$(new_bundle devices)
R=$B/rootfs
# Masked and read-only paths in the image.
echo topsecret >"$R/etc/secret"
mkdir -p "$R/secretdir" && echo hidden >"$R/secretdir/file"
mkdir -p "$R/rodir" && echo ro >"$R/rodir/file"
mkdir -p "$R/rwdir"
# JSON numbers are decimal: fileMode 0606 = 390, 0640 = 416, 0620 = 400, 0660 = 432.
cfg "$B" '.root.readonly = false
  | .linux.devices = [
      {"path": "/dev/mychr", "type": "c", "major": 1, "minor": 3, "fileMode": 390,
       "uid": 1234, "gid": 5678},
      {"path": "/dev/myblk", "type": "b", "major": 7, "minor": 200, "fileMode": 416,
       "uid": 0, "gid": 6},
      {"path": "/dev/myfifo", "type": "p", "fileMode": 400, "uid": 33, "gid": 44},
      {"path": "/dev/foo/bar", "type": "c", "major": 1, "minor": 5, "fileMode": 432}]
  | .linux.maskedPaths += ["/etc/secret", "/secretdir", "/no/such/masked"]
  | .linux.readonlyPaths += ["/rodir", "/no/such/readonly"]'

script='
s() { echo "== $1"; }
for d in null zero full random urandom tty; do s "$d"; /probe stat /dev/$d; done
for l in fd stdin stdout stderr ptmx; do s "l-$l"; /probe lstat /dev/$l; s "t-$l"; readlink /dev/$l; done
s nullio; /probe write /dev/null x
s zeroread; head -c 4 /dev/zero | od -An -tx1 | tr -d " "
s mychr; /probe stat /dev/mychr
s myblk; /probe stat /dev/myblk
s myfifo; /probe stat /dev/myfifo
s foobar; /probe stat /dev/foo/bar
s secret; /probe cat /etc/secret
s secretstat; /probe stat /etc/secret
s secretdir; ls -A /secretdir
s secretdirmount; /probe mount /secretdir
s secretdirwrite; /probe write /secretdir/x y
s rodirwrite; /probe write /rodir/x y
s rodircat; /probe cat /rodir/file
s rodirmount; /probe mount /rodir
s rwdirwrite; /probe write /rwdir/x y
s procsys; /probe write /proc/sys/kernel/hostname evil
s keys; /probe cat /proc/keys
s end
'
set_args "$B" /bin/sh -c "$script"
run_ctr "$B" "$(cid devices)"
is "config-linux.md § Devices: a container with linux.devices, masked and readonly paths runs" \
  "$RC" 0 || diag "$ERR"

# ---- default devices --------------------------------------------------------------------------
declare -A rdev=([null]=1:3 [zero]=1:5 [full]=1:7 [random]=1:8 [urandom]=1:9 [tty]=5:0)
for d in null zero full random urandom tty; do
  is "config-linux.md § Default Devices: /dev/$d is a character device $(printf %s "${rdev[$d]}")" \
    "$(sect_kv "$d" type) $(sect_kv "$d" rdev)" "chr ${rdev[$d]}"
  is "config-linux.md § Default Devices: /dev/$d has mode 0666" "$(sect_kv "$d" mode)" 0666
  is "config-linux.md § Default Devices: /dev/$d is owned by root" \
    "$(sect_kv "$d" uid):$(sect_kv "$d" gid)" 0:0
done
is "config-linux.md § Default Devices: /dev/null takes writes" "$(sect_kv nullio written)" 1
is "config-linux.md § Default Devices: /dev/zero reads zeros" "$(section zeroread)" 00000000
declare -A target=([fd]=/proc/self/fd [stdin]=/proc/self/fd/0 [stdout]=/proc/self/fd/1
  [stderr]=/proc/self/fd/2 [ptmx]=pts/ptmx)
for l in fd stdin stdout stderr ptmx; do
  is "config.md § Default Filesystems (dev symlinks): /dev/$l is a symlink to ${target[$l]}" \
    "$(sect_kv "l-$l" type) $(section "t-$l")" "lnk ${target[$l]}"
done

# ---- linux.devices ----------------------------------------------------------------------------
is "config-linux.md § Devices: char device type and major:minor" \
  "$(sect_kv mychr type) $(sect_kv mychr rdev)" "chr 1:3"
is "config-linux.md § Devices: fileMode is exact (0606, not masked by the umask)" \
  "$(sect_kv mychr mode)" 0606
is "config-linux.md § Devices: uid and gid" "$(sect_kv mychr uid):$(sect_kv mychr gid)" 1234:5678
is "config-linux.md § Devices: block device type and major:minor" \
  "$(sect_kv myblk type) $(sect_kv myblk rdev) $(sect_kv myblk mode)" "blk 7:200 0640"
is "config-linux.md § Devices: block device uid and gid" \
  "$(sect_kv myblk uid):$(sect_kv myblk gid)" 0:6
is "config-linux.md § Devices: fifo (type p) is a fifo" "$(sect_kv myfifo type)" fifo
is "config-linux.md § Devices: fifo fileMode is exact (0620)" "$(sect_kv myfifo mode)" 0620
is "config-linux.md § Devices: fifo uid and gid" "$(sect_kv myfifo uid):$(sect_kv myfifo gid)" \
  33:44
is "config-linux.md § Devices: a device in a nested directory (/dev/foo/bar)" \
  "$(sect_kv foobar type) $(sect_kv foobar rdev) $(sect_kv foobar mode)" "chr 1:5 0660"
is "config-linux.md § Devices: uid and gid default to 0" \
  "$(sect_kv foobar uid):$(sect_kv foobar gid)" 0:0

# ---- masked and read-only paths ---------------------------------------------------------------
is "config-linux.md § Masked Paths: a masked file reads empty" "$(section secret)" ""
is "config-linux.md § Masked Paths: a masked file is the null device" \
  "$(sect_kv secretstat type) $(sect_kv secretstat rdev)" "chr 1:3"
is "config-linux.md § Masked Paths: a masked directory looks empty" "$(section secretdir)" ""
is "config-linux.md § Masked Paths: a masked directory is a tmpfs" \
  "$(sect_kv secretdirmount fstype):$(sect_kv secretdirmount exact)" "tmpfs:1"
like "config-linux.md § Masked Paths: a masked directory is read-only" \
  "$(sect_kv secretdirmount options)" '^ro(,|$)'
is "config-linux.md § Masked Paths: a masked directory refuses writes" \
  "$(sect_kv secretdirwrite error)" EROFS
is "config-linux.md § Masked Paths: the image's files are intact" \
  "$(cat "$R/etc/secret" "$R/secretdir/file")" $'topsecret\nhidden'
if [ -e /proc/keys ]; then
  is "config-linux.md § Masked Paths: the default /proc/keys is masked" "$(section keys)" ""
fi
is "config-linux.md § Readonly Paths: a read-only path refuses writes with EROFS" \
  "$(sect_kv rodirwrite error)" EROFS
is "config-linux.md § Readonly Paths: a read-only path is still readable" "$(section rodircat)" ro
like "config-linux.md § Readonly Paths: a read-only path is an ro bind mount" \
  "$(sect_kv rodirmount options):$(sect_kv rodirmount exact)" '^ro.*:1$'
is "config-linux.md § Readonly Paths: its neighbour stays writable" "$(sect_kv rwdirwrite written)" 1
is "config-linux.md § Readonly Paths: the default /proc/sys is read-only" \
  "$(sect_kv procsys error)" EROFS
check "config-linux.md § Masked Paths, § Readonly Paths: missing paths are ignored" \
  test ! -e "$R/no/such"

# ---- devices in the image that must not be trusted --------------------------------------------
# Without a /dev mount the image's /dev is used; its /dev/null is a symlink to a host file.
echo victim >"$TEST_TMP/hostfile"
B2=$(new_bundle devnull)
ln -sf "$TEST_TMP/hostfile" "$B2/rootfs/dev/null"
cfg "$B2" '.root.readonly = false
  | .mounts |= map(select(.destination | startswith("/dev") | not))'
set_args "$B2" /bin/sh -c 'echo pwned >/dev/null; /probe lstat /dev/null'
run_ctr "$B2" "$(cid devnull)"
is "config-linux.md § Default Devices: a /dev/null symlink to a host file is not written through" \
  "$(cat "$TEST_TMP/hostfile")" victim
if [ "$RC" = 0 ]; then
  is "config-linux.md § Default Devices: the container's /dev/null is the null device" \
    "$(kv "$OUT" type) $(kv "$OUT" rdev)" "chr 1:3"
else
  like "config-linux.md § Default Devices: or create refuses the symlinked /dev/null" "$ERR" \
    '^ocirun: .*"/dev/null".*symlink'
  diag "create refused: $ERR"
fi
check "config-linux.md § Default Devices: the host file is still a regular file" \
  test -f "$TEST_TMP/hostfile" -a ! -L "$TEST_TMP/hostfile"

# A masked path that is a symlink to a host file must not mask (or touch) the host file.
B3=$(new_bundle masklink)
echo keep >"$TEST_TMP/hostfile2"
ln -s "$TEST_TMP/hostfile2" "$B3/rootfs/etc/linkmask"
cfg "$B3" '.linux.maskedPaths += ["/etc/linkmask"] | .linux.readonlyPaths += ["/etc/linkmask"]'
set_args "$B3" /probe echo ran
run_ctr "$B3" "$(cid masklink)"
is "config-linux.md § Masked Paths: a masked symlink to a host path does not stop the container" \
  "$RC:$OUT" "0:ran" || diag "$ERR"
is "config-linux.md § Masked Paths: the host file is untouched" "$(cat "$TEST_TMP/hostfile2")" keep

assert_clean "device tests leave nothing behind"
done_testing
