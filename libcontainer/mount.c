/* mount.c — see mount.h.
 *
 * Every mount lands on an fd: the destination is resolved (and created)
 * inside the root with pathres, and the mount targets /proc/self/fd/N of
 * that O_PATH fd, so a symlink in the image can never redirect it to the
 * host (DESIGN.md §5 rule 2).  After mount(2) the fd still names the
 * covered directory, so follow-up operations (remount, propagation,
 * mount_setattr) re-resolve the destination to reach the new mount. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "mount.h"
#include "lsm.h"
#include "names.h"
#include "pathres.h"
#include "xalloc.h"

#ifndef MOUNT_ATTR_RDONLY
struct mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* Flags a bind remount must repeat or the kernel refuses it (EPERM in a
 * user namespace) or silently resets them. */
static unsigned long locked_flags(int fd)
{
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0)
    return 0;
  unsigned long f = 0;
  const struct {
    unsigned long st, ms;
  } map[] = {{ST_NOSUID, MS_NOSUID},   {ST_NODEV, MS_NODEV},           {ST_NOEXEC, MS_NOEXEC},
             {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
             {ST_RDONLY, MS_RDONLY}};
  for (size_t i = 0; i < LC_ARRAY_SIZE(map); i++)
    if (sv.f_flag & map[i].st)
      f |= map[i].ms;
  return f;
}

int lc_mount_remount_ro(int fd, const char *what, lc_error_t *err)
{
  char p[32];
  unsigned long f = locked_flags(fd) | MS_RDONLY | MS_REMOUNT | MS_BIND;
  if (mount(NULL, lc_fd_path(fd, p, sizeof p), NULL, f, NULL) < 0)
    return lc_error_sys(err, errno, "remount \"%s\" read-only", what);
  struct statvfs sv;
  if (fstatvfs(fd, &sv) < 0 || !(sv.f_flag & ST_RDONLY))
    return lc_error_set(err, EPERM, "remount \"%s\" read-only: still writable", what);
  return 0;
}

int lc_mount_remount_ro_path(const char *path, lc_error_t *err)
{
  _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", path);
  unsigned long f = locked_flags(fd) | MS_RDONLY | MS_REMOUNT | MS_BIND;
  if (mount(NULL, path, NULL, f, NULL) < 0)
    return lc_error_sys(err, errno, "remount \"%s\" read-only", path);
  struct statvfs sv;
  if (statvfs(path, &sv) < 0 || !(sv.f_flag & ST_RDONLY))
    return lc_error_set(err, EPERM, "remount \"%s\" read-only: still writable", path);
  return 0;
}

static bool is_bind(const struct lc_mount *m, const struct lc_mount_flags *mf)
{
  return (m->type && strcmp(m->type, "bind") == 0) || (mf->flags & MS_BIND);
}

static char *bind_source(const struct lc_mount *m, const char *bundle)
{
  if (!m->source)
    return NULL;
  if (m->source[0] == '/' || !bundle)
    return xstrdup(m->source);
  return xasprintf("%s/%s", bundle, m->source);
}

/* Create the destination (a file when binding a non-directory). */
static int make_destination(int rootfd, const struct lc_mount *m, const char *src, bool bind,
                            lc_error_t *err)
{
  struct stat st;
  bool file = bind && src && stat(src, &st) == 0 && !S_ISDIR(st.st_mode);
  int fd = file ? lc_mkfile_in_root(rootfd, m->destination, 0644, err)
                : lc_mkdir_in_root(rootfd, m->destination, 0755, err);
  if (fd < 0)
    return fd;
  struct stat a, b;
  if (fstat(fd, &a) == 0 && fstat(rootfd, &b) == 0 && a.st_dev == b.st_dev
      && a.st_ino == b.st_ino) {
    close(fd);
    return lc_error_set(err, EINVAL, "destination resolves to the container root");
  }
  return fd;
}

static int do_bind(const char *src, int target, const struct lc_mount_flags *mf, lc_error_t *err)
{
  char p[32], s[32];
  _cleanup_close_ int srcfd = -1;
  if (mf->src_nofollow) {
    srcfd = open(src, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (srcfd < 0)
      return lc_error_sys(err, errno, "open source \"%s\"", src);
    src = lc_fd_path(srcfd, s, sizeof s);
  }
  if (mount(src, lc_fd_path(target, p, sizeof p), NULL, MS_BIND | (mf->flags & MS_REC), NULL) < 0)
    return lc_error_set(err, errno, "%s", strerror(errno));
  return 0;
}

/* A bind mount takes no flags but MS_BIND|MS_REC: ro, nosuid, ... need a
 * remount of the new mount. */
static int bind_remount(int mnt, const struct lc_mount_flags *mf, lc_error_t *err)
{
  unsigned long want = mf->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (!want)
    return 0;
  char p[32];
  unsigned long f = (locked_flags(mnt) & ~mf->clear_flags) | want | MS_REMOUNT | MS_BIND;
  if (mount(NULL, lc_fd_path(mnt, p, sizeof p), NULL, f, NULL) < 0)
    return lc_error_sys(err, errno, "remount");
  return 0;
}

static int apply_after(int mnt, const struct lc_mount_flags *mf, lc_error_t *err)
{
  char p[32];
  for (size_t i = 0; i < mf->n_propagation; i++)
    if (mount(NULL, lc_fd_path(mnt, p, sizeof p), NULL, mf->propagation[i], NULL) < 0)
      return lc_error_sys(err, errno, "set propagation");
  if (mf->attr_set || mf->attr_clr) {
    struct mount_attr attr = {.attr_set = mf->attr_set, .attr_clr = mf->attr_clr};
    if (syscall(SYS_mount_setattr, mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
      return lc_error_sys(err, errno, "mount_setattr");
  }
  return 0;
}

static int mount_fs(const struct lc_mount *m, int target, const struct lc_mount_flags *mf,
                    const char *label, lc_error_t *err)
{
  char p[32];
  const char *type = m->type ? m->type : "none";
  _cleanup_free_ char *data = lc_lsm_mount_data(label, type, mf->data);
  if (mount(m->source ? m->source : type, lc_fd_path(target, p, sizeof p), type,
            mf->flags & ~MS_REMOUNT, data)
      < 0)
    return lc_error_set(err, errno, "%s", strerror(errno));
  return 0;
}

static int mount_one(int rootfd, const struct lc_mount *m, const char *bundle,
                     const struct lc_mount_flags *mf, const char *label, lc_error_t *err)
{
  bool bind = is_bind(m, mf);
  _cleanup_free_ char *src = bind ? bind_source(m, bundle) : NULL;
  if (bind && !src)
    return lc_error_set(err, EINVAL, "bind mount needs a source");
  _cleanup_close_ int target = make_destination(rootfd, m, src, bind, err);
  if (target < 0)
    return target;
  _cleanup_close_ int below = -1;
  if (mf->tmpcopyup) {
    char p[32];
    below = open(lc_fd_path(target, p, sizeof p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (below < 0)
      return lc_error_sys(err, errno, "tmpcopyup: open");
  }
  int r;
  if (bind)
    r = do_bind(src, target, mf, err);
  else if (m->type && strcmp(m->type, "cgroup") == 0)
    r = lc_mount_cgroup(rootfd, m->destination, target, mf, err);
  else
    r = mount_fs(m, target, mf, label, err);
  if (r < 0)
    return r;
  _cleanup_close_ int mnt = lc_open_in_root(rootfd, m->destination, O_PATH, err);
  if (mnt < 0)
    return mnt;
  if (bind && (r = bind_remount(mnt, mf, err)) < 0)
    return r;
  if ((r = apply_after(mnt, mf, err)) < 0)
    return r;
  if (below >= 0) {
    _cleanup_close_ int to = lc_open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY, err);
    if (to < 0)
      return to;
    return lc_copy_tree(below, to, err);
  }
  return 0;
}

int lc_mount_entry(int rootfd, const struct lc_mount *m, const char *bundle,
                   const char *mount_label, lc_error_t *err)
{
  struct lc_mount_flags mf;
  int r = lc_mount_options_parse(m->options, &mf, err);
  if (r == 0) {
    r = mount_one(rootfd, m, bundle, &mf, mount_label, err);
    lc_mount_flags_free(&mf);
  }
  if (r < 0)
    return lc_error_prefix(err, "mount \"%s\" on \"%s\"", m->source ? m->source : "none",
                           m->destination);
  return 0;
}
