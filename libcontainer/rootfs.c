/* rootfs.c — see rootfs.h.  Runs in the container's init, inside its new
 * mount namespace.  Everything before pivot_root resolves paths through an
 * O_PATH fd of the rootfs (pathres), and binds come from fds whose type the
 * runtime has verified. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "error.h"
#include "log.h"
#include "mount.h"
#include "pathres.h"
#include "rootfs.h"

static const struct {
  const char *name;
  unsigned long flag;
} propagation_table[] = {
  {"private", MS_PRIVATE},
  {"shared", MS_SHARED},
  {"slave", MS_SLAVE},
  {"unbindable", MS_UNBINDABLE},
};

static unsigned long propagation_flag(const struct lc_spec *spec)
{
  const char *p = spec->linux_ ? spec->linux_->rootfs_propagation : NULL;
  for (size_t i = 0; p && i < LC_ARRAY_SIZE(propagation_table); i++)
    if (strcmp(p, propagation_table[i].name) == 0)
      return propagation_table[i].flag;
  return 0;
}

int lc_open_devnull(lc_error_t *err)
{
  int fd = open("/dev/null", O_PATH | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"/dev/null\"");
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    close(fd);
    return lc_error_set(err, EPERM, "\"/dev/null\" is not the null device");
  }
  return fd;
}

/* Open a masked/read-only path; -ENOENT (err untouched: nothing to do)
 * when it does not exist. */
static int open_optional(int rootfd, const char *what, const char *path, lc_error_t *err)
{
  lc_error_t ignored = {0};
  int fd = lc_open_in_root(rootfd, path, O_PATH, &ignored);
  lc_error_clear(&ignored);
  if (fd < 0 && fd != -ENOENT)
    return lc_error_sys(err, -fd, "%s \"%s\"", what, path);
  return fd;
}

static int mask_path(int rootfd, int devnull, const char *path, lc_error_t *err)
{
  _cleanup_close_ int fd = open_optional(rootfd, "mask", path, err);
  if (fd < 0)
    return fd == -ENOENT ? 0 : fd;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return lc_error_sys(err, errno, "mask \"%s\"", path);
  char p[32], s[32];
  int r =
    S_ISDIR(st.st_mode)
      ? mount("tmpfs", lc_fd_path(fd, p, sizeof p), "tmpfs", MS_RDONLY, "size=0")
      : mount(lc_fd_path(devnull, s, sizeof s), lc_fd_path(fd, p, sizeof p), NULL, MS_BIND, NULL);
  if (r < 0)
    return lc_error_sys(err, errno, "mask \"%s\"", path);
  return 0;
}

static int readonly_path(int rootfd, const char *path, lc_error_t *err)
{
  _cleanup_close_ int fd = open_optional(rootfd, "read-only path", path, err);
  if (fd < 0)
    return fd == -ENOENT ? 0 : fd;
  char p[32];
  if (mount(lc_fd_path(fd, p, sizeof p), p, NULL, MS_BIND | MS_REC, NULL) < 0)
    return lc_error_sys(err, errno, "bind read-only path \"%s\"", path);
  _cleanup_close_ int mnt = lc_open_in_root(rootfd, path, O_PATH, err);
  if (mnt < 0)
    return mnt;
  return lc_mount_remount_ro(mnt, path, err);
}

static int masked_and_readonly(int rootfd, const struct lc_rootfs *r, lc_error_t *err)
{
  const struct lc_linux *l = r->spec->linux_;
  for (size_t i = 0; l && l->readonly_paths && l->readonly_paths[i]; i++) {
    int e = readonly_path(rootfd, l->readonly_paths[i], err);
    if (e < 0)
      return e;
  }
  for (size_t i = 0; l && l->masked_paths && l->masked_paths[i]; i++) {
    int e = mask_path(rootfd, r->devnull, l->masked_paths[i], err);
    if (e < 0)
      return e;
  }
  return 0;
}

int lc_rootfs_prepare(const struct lc_rootfs *r, lc_error_t *err)
{
  unsigned long prop = propagation_flag(r->spec);
  /* Nothing we mount may propagate back to the host: slave by default,
   * and never shared at this point (pivot_root refuses shared parents).
   * Nor unbindable: the rootfs and bind sources below must be bound first;
   * lc_rootfs_finish applies shared/unbindable after pivot_root. */
  unsigned long first = prop == MS_PRIVATE ? MS_PRIVATE : MS_SLAVE;
  if (mount(NULL, "/", NULL, MS_REC | first, NULL) < 0)
    return lc_error_sys(err, errno, "make \"/\" %s", first == MS_PRIVATE ? "private" : "slave");
  if (mount(r->rootfs, r->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return lc_error_sys(err, errno, "bind rootfs \"%s\"", r->rootfs);
  _cleanup_close_ int rootfd = open(r->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return lc_error_sys(err, errno, "open rootfs \"%s\"", r->rootfs);
  const char *label = r->spec->linux_ ? r->spec->linux_->mount_label : NULL;
  bool called = !r->before_cgroup;
  for (size_t i = 0; i < r->spec->n_mounts; i++) {
    const struct lc_mount *m = &r->spec->mounts[i];
    int e = 0;
    if (!called && m->type && strcmp(m->type, "cgroup") == 0) {
      called = true;
      e = r->before_cgroup(r->arg, err);
    }
    if (e == 0)
      e = lc_mount_entry(rootfd, m, r->bundle, label, err);
    if (e < 0)
      return e;
  }
  int e = called ? 0 : r->before_cgroup(r->arg, err);
  if (e == 0)
    e = lc_devices_create(rootfd, r->spec, err);
  if (e == 0)
    e = lc_devices_symlinks(rootfd, err);
  if (e == 0)
    e = masked_and_readonly(rootfd, r, err);
  return e;
}

static int do_pivot(const char *rootfs, lc_error_t *err)
{
  _cleanup_close_ int oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return lc_error_sys(err, errno, "open old root");
  if (chdir(rootfs) < 0)
    return lc_error_sys(err, errno, "chdir \"%s\"", rootfs);
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return lc_error_sys(err, errno, "pivot_root");
  /* The old root is now stacked on top of the new one.  "." from a cwd in
   * the new root names the new root's mount (lookup does not cross into the
   * mount on top), so step into the old root first: making "." rslave from
   * the new root would turn every shared mount of the container into a
   * slave.  Then detach it without letting the unmount reach the host. */
  if (fchdir(oldroot) < 0)
    return lc_error_sys(err, errno, "fchdir old root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return lc_error_sys(err, errno, "make old root slave");
  if (umount2(".", MNT_DETACH) < 0)
    return lc_error_sys(err, errno, "detach old root");
  return 0;
}

static int do_move_chroot(const char *rootfs, lc_error_t *err)
{
  if (chdir(rootfs) < 0)
    return lc_error_sys(err, errno, "chdir \"%s\"", rootfs);
  if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return lc_error_sys(err, errno, "move rootfs to \"/\"");
  if (chroot(".") < 0)
    return lc_error_sys(err, errno, "chroot");
  return 0;
}

int lc_rootfs_finish(const struct lc_rootfs *r, lc_error_t *err)
{
  int e = r->no_pivot ? do_move_chroot(r->rootfs, err) : do_pivot(r->rootfs, err);
  if (e < 0)
    return e;
  if (chdir("/") < 0)
    return lc_error_sys(err, errno, "chdir \"/\"");
  unsigned long prop = propagation_flag(r->spec);
  if (prop && mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0)
    return lc_error_sys(err, errno, "set rootfsPropagation");
  if (r->spec->root->readonly)
    return lc_mount_remount_ro_path("/", err);
  return 0;
}
