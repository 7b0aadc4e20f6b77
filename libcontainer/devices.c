/* devices.c — see devices.h.  Device nodes are created with mknodat on a
 * parent fd resolved inside the root, never through a path string, so a
 * symlink planted in the image cannot redirect them (DESIGN.md §5 rule 2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "error.h"
#include "log.h"
#include "pathres.h"
#include "xalloc.h"

struct default_dev {
  const char *path;
  unsigned major, minor;
};

static const struct default_dev default_devices[] = {
  {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
  {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const char *const dev_symlinks[][2] = {
  {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
  {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

bool lc_devices_dev_is_mounted(const struct lc_spec *spec)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (strcmp(spec->mounts[i].destination, "/dev") == 0)
      return true;
  return false;
}

static mode_t type_bits(char type)
{
  switch (type) {
  case 'b':
    return S_IFBLK;
  case 'p':
    return S_IFIFO;
  default:
    return S_IFCHR; /* 'c' and 'u' */
  }
}

/* mknod failed with EPERM (no CAP_MKNOD in this user namespace): bind the
 * host's node, which is a trusted path in the runtime's mount namespace. */
static int bind_host_node(int parent, const char *name, const char *path, lc_error_t *err)
{
  _cleanup_close_ int fd =
    openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    return lc_error_sys(err, errno, "create \"%s\"", path);
  _cleanup_close_ int target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return lc_error_sys(err, errno, "open \"%s\"", path);
  char p[32];
  if (mount(path, lc_fd_path(target, p, sizeof p), NULL, MS_BIND, NULL) < 0)
    return lc_error_sys(err, errno, "bind host device \"%s\"", path);
  return 0;
}

static int make_node(int rootfd, const char *path, char type, int64_t major, int64_t minor,
                     mode_t perm, uid_t uid, gid_t gid, lc_error_t *err)
{
  _cleanup_free_ char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  const char *name = path + (slash - dir) + 1;
  *slash = '\0';
  _cleanup_close_ int parent = lc_mkdir_in_root(rootfd, *dir ? dir : "/", 0755, err);
  if (parent < 0)
    return parent;
  struct stat st;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
      return lc_error_set(err, EEXIST, "device \"%s\": a %s is in the way", path,
                          S_ISLNK(st.st_mode) ? "symlink" : "directory");
    if ((st.st_mode & S_IFMT) == type_bits(type)
        && st.st_rdev == makedev((unsigned) major, (unsigned) minor))
      return 0; /* already there (e.g. a bind-mounted /dev) */
    if (unlinkat(parent, name, 0) < 0)
      return lc_error_sys(err, errno, "replace \"%s\"", path);
  }
  dev_t dev = type == 'p' ? 0 : makedev((unsigned) major, (unsigned) minor);
  if (mknodat(parent, name, type_bits(type) | (perm & 07777), dev) < 0) {
    if (errno == EPERM)
      return bind_host_node(parent, name, path, err);
    return lc_error_sys(err, errno, "mknod \"%s\"", path);
  }
  if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return lc_error_sys(err, errno, "chown \"%s\"", path);
  /* mknod is subject to the umask: set the exact mode. */
  _cleanup_close_ int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  char p[32];
  if (fd < 0 || chmod(lc_fd_path(fd, p, sizeof p), perm & 07777) < 0)
    return lc_error_sys(err, errno, "chmod \"%s\"", path);
  return 0;
}

static bool spec_has_device(const struct lc_spec *spec, const char *path)
{
  const struct lc_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++)
    if (strcmp(l->devices[i].path, path) == 0)
      return true;
  return false;
}

int lc_devices_create(int rootfd, const struct lc_spec *spec, lc_error_t *err)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(default_devices); i++) {
    const struct default_dev *d = &default_devices[i];
    if (spec_has_device(spec, d->path))
      continue;
    int r = make_node(rootfd, d->path, 'c', d->major, d->minor, 0666, 0, 0, err);
    if (r < 0)
      return r;
  }
  const struct lc_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++) {
    const struct lc_device *d = &l->devices[i];
    mode_t perm = d->has_file_mode ? d->file_mode : 0666;
    int r = make_node(rootfd, d->path, d->type, d->major, d->minor, perm, d->has_uid ? d->uid : 0,
                      d->has_gid ? d->gid : 0, err);
    if (r < 0)
      return lc_error_prefix(err, "linux.devices[%zu]", i);
  }
  return 0;
}

int lc_devices_symlinks(int rootfd, lc_error_t *err)
{
  _cleanup_close_ int dev = lc_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, err);
  if (dev < 0)
    return dev;
  for (size_t i = 0; i < LC_ARRAY_SIZE(dev_symlinks); i++) {
    if (symlinkat(dev_symlinks[i][0], dev, dev_symlinks[i][1]) < 0 && errno != EEXIST)
      return lc_error_sys(err, errno, "symlink \"/dev/%s\"", dev_symlinks[i][1]);
  }
  if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0
      && errno != EEXIST)
    return lc_error_sys(err, errno, "symlink \"/dev/core\"");
  return 0;
}
