#!/bin/bash
# test-mounts.sh — config.md § Mounts and config-linux.md § Default Filesystems: tmpfs options,
# bind mounts (file, directory, relative and absolute sources, ro, rbind, rro), mount flags,
# propagation options, tmpcopyup, created destinations, symlinked destinations that must stay
# inside the rootfs (DESIGN.md §5 rule 2), and a failing mount.
#
# One container mounts everything and prints one `== NAME` section per probe.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq


B=$(new_bundle mounts)
R=$B/rootfs
H=$TEST_TMP/host
mkdir -p "$H"

# Sources on the host.
mkdir -p "$B/reldir" && echo rel-dir-data >"$B/reldir/f"           # relative to the bundle
echo rel-file-data >"$B/relfile"
mkdir -p "$H/absdir" && echo abs-dir-data >"$H/absdir/f"
echo abs-file-data >"$H/absfile"
mkdir -p "$H/rodir" && echo ro-data >"$H/rodir/f"
mkdir -p "$H/tree/sub"
mount -t tmpfs -o size=1m tmpfs "$H/tree/sub"                     # a submount for rbind/rro
echo sub-data >"$H/tree/sub/f"
mkdir -p "$H/shared"
mount --bind "$H/shared" "$H/shared" && mount --make-shared "$H/shared"
# tmpcopyup: a directory with files in the image.
mkdir -p "$R/data/nested" && echo image-a >"$R/data/a" && echo image-c >"$R/data/nested/c"
chmod 0751 "$R/data"
# A symlink in the image to an absolute host path (which also exists on the host).
mkdir -p "$H/victim"
ln -s "$H/victim" "$R/evil"
ln -s "$H/victim" "$R/evilfile"

cfg "$B" '.mounts += [
  {"destination": "/t/tmp", "type": "tmpfs", "source": "tmpfs",
   "options": ["size=2m", "mode=1750", "nosuid", "nodev", "noexec"]},
  {"destination": "/b/reldir", "type": "bind", "source": "reldir", "options": ["bind"]},
  {"destination": "/b/relfile", "type": "bind", "source": "relfile", "options": ["bind"]},
  {"destination": "/b/absdir", "type": "bind", "source": ($h + "/absdir"), "options": ["rbind"]},
  {"destination": "/b/absfile", "type": "none", "source": ($h + "/absfile"), "options": ["bind"]},
  {"destination": "/b/ro", "type": "bind", "source": ($h + "/rodir"), "options": ["bind", "ro"]},
  {"destination": "/b/flags", "type": "bind", "source": ($h + "/absdir"),
   "options": ["bind", "nosuid", "nodev", "noexec"]},
  {"destination": "/b/rbind", "type": "bind", "source": ($h + "/tree"), "options": ["rbind"]},
  {"destination": "/b/nobind", "type": "bind", "source": ($h + "/tree"), "options": ["bind"]},
  {"destination": "/b/rro", "type": "bind", "source": ($h + "/tree"), "options": ["rbind", "rro"]},
  {"destination": "/b/ronly", "type": "bind", "source": ($h + "/tree"), "options": ["rbind", "ro"]},
  {"destination": "/p/shared", "type": "bind", "source": ($h + "/shared"),
   "options": ["rbind", "rshared"]},
  {"destination": "/p/slave", "type": "bind", "source": ($h + "/shared"),
   "options": ["rbind", "rslave"]},
  {"destination": "/p/private", "type": "bind", "source": ($h + "/shared"),
   "options": ["rbind", "rprivate"]},
  {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]},
  {"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"},
  {"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"},
  {"destination": "/evilfile/bound", "type": "bind", "source": "relfile", "options": ["bind"]}
]' --arg h "$H"

script='
s() { echo "== $1"; }
s tmp; /probe mount /t/tmp
s tmpstat; /probe stat /t/tmp
s reldir; /probe cat /b/reldir/f
s relfile; /probe cat /b/relfile
s relfilestat; /probe stat /b/relfile
s absdir; /probe cat /b/absdir/f
s absfile; /probe cat /b/absfile
s ro; /probe mount /b/ro
s rowrite; /probe write /b/ro/new x
s rocat; /probe cat /b/ro/f
s flags; /probe mount /b/flags
s rbindsub; /probe mount /b/rbind/sub
s rbindcat; /probe cat /b/rbind/sub/f
s nobindsub; /probe mount /b/nobind/sub
s rrosub; /probe write /b/rro/sub/x x
s rro; /probe write /b/rro/x x
s rrosubmount; /probe mount /b/rro/sub
s ronlysub; /probe write /b/ronly/sub/y y
s pshared; /probe mount /p/shared
s pslave; /probe mount /p/slave
s pprivate; /probe mount /p/private
s data; /probe mount /data
s dataa; /probe cat /data/a
s datac; /probe cat /data/nested/c
s datastat; /probe stat /data
s deep; /probe mount /new/deep/dir
s evil; /probe mount "$VICTIM/sub"
s evilfile; /probe cat "$VICTIM/bound"
s proc; /probe mount /proc
s sys; /probe mount /sys
s cgroup; /probe mount /sys/fs/cgroup
s mqueue; /probe mount /dev/mqueue
s pts; /probe mount /dev/pts
s shm; /probe mount /dev/shm
s dev; /probe mount /dev
s end
'
set_args "$B" /bin/sh -c "$script"
add_env "$B" "VICTIM=$H/victim"
run_ctr "$B" "$(cid mounts)"
is "config.md § Mounts: a container with every kind of mount runs" "$RC" 0 || diag "$ERR"

# ---- tmpfs -----------------------------------------------------------------------------------
is "config.md § Mounts: tmpfs is mounted at its destination" \
  "$(sect_kv tmp fstype):$(sect_kv tmp exact)" "tmpfs:1"
like "config.md § Mounts: tmpfs size= option reaches the kernel" "$(sect_kv tmp super_options)" \
  '(^|,)size=2048k(,|$)'
like "config.md § Mounts: tmpfs mode= option reaches the kernel" "$(sect_kv tmp super_options)" \
  '(^|,)mode=1750(,|$)'
is "config.md § Mounts: tmpfs mode= sets the directory mode" "$(sect_kv tmpstat mode)" 1750
like "config.md § Mounts: nosuid,nodev,noexec show in a tmpfs's options" \
  "$(sect_kv tmp options)" '^rw,nosuid,nodev,noexec(,|$)'

# ---- binds -----------------------------------------------------------------------------------
is "config.md § Mounts: bind with a relative source (directory) is relative to the bundle" \
  "$(section reldir)" rel-dir-data
is "config.md § Mounts: bind with a relative source (file)" "$(section relfile)" rel-file-data
is "config.md § Mounts: a file bind's destination is created as a file" \
  "$(sect_kv relfilestat type)" reg
is "config.md § Mounts: bind with an absolute source (directory)" "$(section absdir)" abs-dir-data
is "config.md § Mounts: type none with option bind (file)" "$(section absfile)" abs-file-data
like "config.md § Mounts: ro bind is read-only in mountinfo" "$(sect_kv ro options)" '^ro(,|$)'
is "config.md § Mounts: ro bind refuses writes with EROFS" "$(sect_kv rowrite error)" EROFS
is "config.md § Mounts: ro bind is still readable" "$(section rocat)" ro-data
check "config.md § Mounts: the ro bind's host directory is untouched" test ! -e "$H/rodir/new"
like "config.md § Mounts: nosuid,nodev,noexec on a bind show in its options" \
  "$(sect_kv flags options)" '^rw,nosuid,nodev,noexec(,|$)'
is "config.md § Mounts: rbind brings the source's submounts" \
  "$(sect_kv rbindsub fstype):$(sect_kv rbindsub exact)" "tmpfs:1"
is "config.md § Mounts: rbind's submount has the host's content" "$(section rbindcat)" sub-data
is "config.md § Mounts: a plain bind does not bring submounts" "$(sect_kv nobindsub exact)" 0
is "config.md § Mounts: rro makes the rbind read-only" "$(sect_kv rro error)" EROFS
is "config.md § Mounts: rro makes the submount read-only too" "$(sect_kv rrosub error)" EROFS
like "config.md § Mounts: rro submount shows ro in mountinfo" "$(sect_kv rrosubmount options)" \
  '^ro(,|$)'
# Without rro, ro applies to the top mount only (runc behaves the same).
check "config.md § Mounts: without rro the rbind's submount stays writable" \
  test "$(sect_kv ronlysub written)" = 1
check "config.md § Mounts: writes to submounts reached the host's tmpfs only where allowed" \
  test -e "$H/tree/sub/y" -a ! -e "$H/tree/sub/x"

# ---- propagation options ---------------------------------------------------------------------
like "config.md § Mounts: rshared makes the bind a shared mount" "$(sect_kv pshared propagation)" \
  '(^| )shared:[0-9]+'
like "config.md § Mounts: rslave makes the bind a slave of the host's mount" \
  "$(sect_kv pslave propagation)" '^master:[0-9]+$'
is "config.md § Mounts: rprivate makes the bind private" "$(sect_kv pprivate propagation)" private

# ---- tmpcopyup, created destinations ---------------------------------------------------------
is "config.md § Mounts: tmpcopyup mounts a tmpfs" "$(sect_kv data fstype)" tmpfs
is "config.md § Mounts: tmpcopyup copies the image's files" "$(section dataa)" image-a
is "config.md § Mounts: tmpcopyup copies nested directories" "$(section datac)" image-c
is "config.md § Mounts: tmpcopyup keeps the directory's mode" "$(sect_kv datastat mode)" 0751
is "config.md § Mounts: a missing destination is created (nested directories)" \
  "$(sect_kv deep fstype):$(sect_kv deep exact)" "tmpfs:1"
check "config.md § Mounts: the created destination is in the rootfs" test -d "$R/new/deep/dir"

# ---- symlinks in the image stay inside the rootfs (DESIGN.md §5 rule 2) -----------------------
is "config.md § Mounts: a destination through an absolute symlink lands inside the rootfs" \
  "$(sect_kv evil fstype):$(sect_kv evil exact)" "tmpfs:1"
check "config.md § Mounts: the symlinked destination was created inside the rootfs" \
  test -d "$R$H/victim/sub"
check "config.md § Mounts: the host directory the symlink names is untouched" \
  test -z "$(ls -A "$H/victim")"
is "config.md § Mounts: a file bind through a symlink lands inside the rootfs" \
  "$(section evilfile)" rel-file-data

# ---- default filesystems ---------------------------------------------------------------------
is "config-linux.md § Default Filesystems: /proc is proc" \
  "$(sect_kv proc fstype):$(sect_kv proc exact)" "proc:1"
is "config-linux.md § Default Filesystems: /sys is sysfs" \
  "$(sect_kv sys fstype):$(sect_kv sys exact)" "sysfs:1"
like "config-linux.md § Default Filesystems: /sys is read-only as configured" \
  "$(sect_kv sys options)" '^ro,'
is "config-linux.md § Default Filesystems: /sys/fs/cgroup is a mount" "$(sect_kv cgroup exact)" 1
like "config-linux.md § Default Filesystems: /sys/fs/cgroup is a cgroup filesystem (or its tmpfs)" \
  "$(sect_kv cgroup fstype)" '^(cgroup2?|tmpfs)$'
is "config-linux.md § Default Filesystems: /dev/mqueue is mqueue" \
  "$(sect_kv mqueue fstype):$(sect_kv mqueue exact)" "mqueue:1"
is "config-linux.md § Default Filesystems: /dev/pts is devpts" \
  "$(sect_kv pts fstype):$(sect_kv pts exact)" "devpts:1"
like "config-linux.md § Default Filesystems: devpts options reach the kernel" \
  "$(sect_kv pts super_options)" 'ptmxmode=0?666'
is "config-linux.md § Default Filesystems: /dev/shm is tmpfs" \
  "$(sect_kv shm fstype):$(sect_kv shm exact)" "tmpfs:1"
is "config-linux.md § Default Filesystems: /dev is tmpfs" \
  "$(sect_kv dev fstype):$(sect_kv dev exact)" "tmpfs:1"

# ---- a failing mount --------------------------------------------------------------------------
B2=$(new_bundle fail)
set_args "$B2" /probe echo never
cfg "$B2" '.mounts += [{"destination": "/y", "type": "nosuchfs", "source": "x"}]'
run_ctr "$B2" "$(cid fail)"
is "config.md § Mounts: an unknown filesystem type fails create with exit 1" "$RC" 1
is "config.md § Mounts: the error is one line naming source, destination and errno" "$ERR" \
  'ocirun: rootfs: mount "x" on "/y": No such device'
is "config.md § Mounts: the failed container printed nothing" "$OUT" ""
capture rt state "$(cid fail)"
isnt "config.md § Mounts: the failed container does not exist" "$RC" 0

B3=$(new_bundle relfail)
set_args "$B3" /probe echo never
cfg "$B3" '.mounts += [{"destination": "/y", "type": "bind", "source": "missing",
  "options": ["bind"]}]'
run_ctr "$B3" "$(cid relfail)"
is "config.md § Mounts: a missing bind source fails create with exit 1" "$RC" 1
like "config.md § Mounts: the error names the missing source" "$ERR" \
  '^ocirun: .*mount "missing" on "/y": .*No such file or directory$'

# Host mounts we made for the sources, then the leak check.
umount "$H/tree/sub" "$H/shared"
assert_clean "mount tests leave nothing behind"
done_testing
