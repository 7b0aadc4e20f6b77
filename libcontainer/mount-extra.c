/* mount-extra.c — the mount kinds that are more than one mount(2):
 * tmpcopyup (copy the shadowed directory into the new tmpfs) and the
 * "cgroup" mount type, which means cgroup2 on a unified host and a tmpfs of
 * per-hierarchy v1 mounts on a v1 or hybrid host. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "mount.h"
#include "names.h"
#include "pathres.h"
#include "xalloc.h"

static int copy_file(int from, int to, const char *name, const struct stat *st, lc_error_t *err)
{
  _cleanup_close_ int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return lc_error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
  _cleanup_close_ int out =
    openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return lc_error_sys(err, errno, "tmpcopyup: create \"%s\"", name);
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t) n) != n)
      return lc_error_sys(err, errno, "tmpcopyup: write \"%s\"", name);
  if (n < 0)
    return lc_error_sys(err, errno, "tmpcopyup: read \"%s\"", name);
  return 0;
}

static int copy_entry(int from, int to, const char *name, lc_error_t *err)
{
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return lc_error_sys(err, errno, "tmpcopyup: stat \"%s\"", name);
  int r = 0;
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(to, name, st.st_mode & 07777) < 0)
      return lc_error_sys(err, errno, "tmpcopyup: mkdir \"%s\"", name);
    _cleanup_close_ int a = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int b = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (a < 0 || b < 0)
      return lc_error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
    r = lc_copy_tree(a, b, err);
  } else if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(from, name, target, sizeof target - 1);
    if (n < 0)
      return lc_error_sys(err, errno, "tmpcopyup: readlink \"%s\"", name);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0)
      return lc_error_sys(err, errno, "tmpcopyup: symlink \"%s\"", name);
  } else if (S_ISREG(st.st_mode)) {
    r = copy_file(from, to, name, &st, err);
  } else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
    return lc_error_sys(err, errno, "tmpcopyup: mknod \"%s\"", name);
  }
  if (r == 0 && fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return lc_error_sys(err, errno, "tmpcopyup: chown \"%s\"", name);
  return r;
}

int lc_copy_tree(int from, int to, lc_error_t *err)
{
  int dfd = dup(from);
  if (dfd < 0)
    return lc_error_sys(err, errno, "tmpcopyup: dup");
  _cleanup_closedir_ DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return lc_error_sys(err, errno, "tmpcopyup: fdopendir");
  }
  rewinddir(d);
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    int r = copy_entry(from, to, de->d_name, err);
    if (r < 0)
      return r;
  }
  struct stat st;
  if (fstat(from, &st) == 0 && fchmod(to, st.st_mode & 07777) == 0)
    (void) fchown(to, st.st_uid, st.st_gid);
  return 0;
}

/* One v1 hierarchy from /proc/self/mountinfo: its directory name under
 * /sys/fs/cgroup and its controller options ("cpu", "name=systemd"). */
static int mount_v1_hierarchies(int dir, unsigned long flags, lc_error_t *err)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f)
    return lc_error_sys(err, errno, "open \"/proc/self/mountinfo\"");
  char *line = NULL;
  size_t cap = 0;
  int r = 0;
  while (r == 0 && getline(&line, &cap, f) > 0) {
    char mp[4096], fstype[64], super[1024];
    char *sep = strstr(line, " - ");
    if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1
        || sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
      continue;
    if (strncmp(mp, "/sys/fs/cgroup/", 15) != 0 || strchr(mp + 15, '/'))
      continue;
    const char *name = mp + 15;
    bool v2 = strcmp(fstype, "cgroup2") == 0;
    if (!v2 && strcmp(fstype, "cgroup") != 0)
      continue;
    /* Keep only the controller names from the super options. */
    _cleanup_free_ char *opts = xstrdup("");
    for (char *save, *o = strtok_r(super, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
      if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strncmp(o, "release_agent", 13))
        continue;
      char *n = xasprintf("%s%s%s", opts, *opts ? "," : "", o);
      free(opts);
      opts = n;
    }
    if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) {
      r = lc_error_sys(err, errno, "mkdir \"%s\"", name);
      break;
    }
    _cleanup_close_ int sub = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    char p[32];
    if (sub < 0
        || mount(v2 ? "cgroup2" : "cgroup", lc_fd_path(sub, p, sizeof p), v2 ? "cgroup2" : "cgroup",
                 flags, v2 ? NULL : opts)
             < 0)
      r = lc_error_sys(err, errno, "mount cgroup \"%s\"", name);
  }
  free(line);
  return r;
}

int lc_mount_cgroup(int rootfd, const char *dest, int target, const struct lc_mount_flags *mf,
                    lc_error_t *err)
{
  char p[32];
  unsigned long flags = mf->flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
    if (mount("cgroup2", lc_fd_path(target, p, sizeof p), "cgroup2", flags, NULL) < 0)
      return lc_error_sys(err, errno, "mount cgroup2");
    return 0;
  }
  /* v1 or hybrid: a tmpfs holding one mount per hierarchy, read-only at the
   * end if asked (the tmpfs itself is made read-only last). */
  if (mount("tmpfs", lc_fd_path(target, p, sizeof p), "tmpfs",
            (flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755")
      < 0)
    return lc_error_sys(err, errno, "mount tmpfs for cgroups");
  _cleanup_close_ int dir = lc_open_in_root(rootfd, dest, O_RDONLY | O_DIRECTORY, err);
  if (dir < 0)
    return dir;
  int r = mount_v1_hierarchies(dir, flags, err);
  if (r == 0 && (flags & MS_RDONLY)
      && mount(NULL, lc_fd_path(dir, p, sizeof p), NULL,
               MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755")
           < 0)
    r = lc_error_sys(err, errno, "remount cgroup tmpfs read-only");
  return r;
}
