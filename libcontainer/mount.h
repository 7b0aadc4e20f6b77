/* mount.h — one config.json mount entry applied inside the container root
 * (config.md § Mounts, config-linux.md § Default Filesystems). */
#ifndef LC_MOUNT_H
#define LC_MOUNT_H

#include "libcontainer.h"
#include "spec.h"

/* Mount `m` under rootfd (an O_PATH fd of the rootfs, before pivot_root).
 * `bundle` resolves relative bind sources; `mount_label` (linux.mountLabel,
 * may be NULL) becomes context= on filesystems that take one. */
int lc_mount_entry(int rootfd, const struct lc_mount *m, const char *bundle,
                   const char *mount_label, lc_error_t *err);

/* Remount the mount at fd `fd` read-only (bind remount), keeping the flags
 * the kernel locks (nosuid, nodev, noexec, atime). */
int lc_mount_remount_ro(int fd, const char *what, lc_error_t *err);

/* The same for a path (after pivot_root, when /proc may be absent). */
int lc_mount_remount_ro_path(const char *path, lc_error_t *err);

/* The "cgroup" mount type at `dest` (target: its O_PATH fd). */
struct lc_mount_flags;
int lc_mount_cgroup(int rootfd, const char *dest, int target, const struct lc_mount_flags *mf,
                    lc_error_t *err);

/* Copy the tree at fd `from` (a directory) into `to` (tmpcopyup). */
int lc_copy_tree(int from, int to, lc_error_t *err);

#endif
