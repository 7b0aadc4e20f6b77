/* fsutil.c — see fsutil.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "xalloc.h"

ssize_t lc_write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += w;
    left -= (size_t) w;
  }
  return (ssize_t) len;
}

int lc_read_all(int fd, char **out, size_t *len, lc_error_t *err)
{
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) {
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return lc_error_sys(err, errno, "read");
    }
    if (r == 0)
      break;
    n += (size_t) r;
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  *out = TAKE_PTR(buf);
  return 0;
}

int lc_read_file_at(int dirfd, const char *path, char **out, size_t *len, lc_error_t *err)
{
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", path);
  int r = lc_read_all(fd, out, len, err);
  if (r < 0)
    return lc_error_prefix(err, "\"%s\"", path);
  return 0;
}

int lc_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                            lc_error_t *err)
{
  char tmp[NAME_MAX + 1];
  const char *base = strrchr(name, '/');
  base = base ? base + 1 : name;
  size_t dirlen = (size_t) (base - name);
  if (snprintf(tmp, sizeof tmp, "%.*s.%s.tmp%d", (int) dirlen, name, base, getpid())
      >= (int) sizeof tmp)
    return lc_error_set(err, ENAMETOOLONG, "write \"%s\": name too long", name);
  _cleanup_close_ int fd =
    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    return lc_error_sys(err, errno, "create \"%s\"", tmp);
  ssize_t w = lc_write_all(fd, data, len);
  int r = w < 0 ? (int) w : 0;
  if (r == 0 && fchmod(fd, mode) < 0)
    r = -errno;
  if (r == 0 && fsync(fd) < 0)
    r = -errno;
  if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
    r = -errno;
  if (r < 0) {
    unlinkat(dirfd, tmp, 0);
    return lc_error_sys(err, -r, "write \"%s\"", name);
  }
  return 0;
}

int lc_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                         lc_error_t *err)
{
  return lc_write_file_atomic_at(AT_FDCWD, path, data, len, mode, err);
}

int lc_write_file_at(int dirfd, const char *name, const char *data, lc_error_t *err)
{
  _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", name);
  ssize_t w = lc_write_all(fd, data, strlen(data));
  if (w < 0)
    return lc_error_sys(err, (int) -w, "write \"%s\" to \"%s\"", data, name);
  return 0;
}

int lc_mkdir_p(const char *path, mode_t mode, lc_error_t *err)
{
  _cleanup_free_ char *p = xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST)
      return lc_error_sys(err, errno, "mkdir \"%s\"", p);
    *s = '/';
  }
  if (mkdir(p, mode) < 0 && errno != EEXIST)
    return lc_error_sys(err, errno, "mkdir \"%s\"", p);
  return 0;
}

static int rm_children(int dfd, lc_error_t *err)
{
  _cleanup_closedir_ DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return lc_error_sys(err, errno, "fdopendir");
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    int r = lc_rm_rf_at(dirfd(d), de->d_name, err);
    if (r < 0)
      return r;
  }
  return 0;
}

int lc_rm_rf_at(int dirfd, const char *name, lc_error_t *err)
{
  if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return lc_error_sys(err, errno, "unlink \"%s\"", name);
  int dfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? 0 : lc_error_sys(err, errno, "open \"%s\"", name);
  int r = rm_children(dfd, err);
  if (r < 0)
    return r;
  if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return lc_error_sys(err, errno, "rmdir \"%s\"", name);
  return 0;
}

static int cmp_int(const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

int lc_close_fds_except(int from, int *keep, size_t n)
{
  qsort(keep, n, sizeof(int), cmp_int);
  int lo = from;
  for (size_t i = 0; i <= n; i++) {
    int hi = i < n ? keep[i] - 1 : INT_MAX;
    if (i < n && keep[i] < from)
      continue;
    if (hi >= lo && syscall(SYS_close_range, (unsigned) lo, (unsigned) hi, 0) < 0)
      return -errno;
    if (i < n)
      lo = keep[i] + 1;
  }
  return 0;
}
