/* pathres.c — see pathres.h.  Kernel fast path first; the walker is the
 * fallback for kernels before 5.6 (and is tested by forcing it). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "pathres.h"
#include "xalloc.h"

#define MAX_SYMLINKS 40

static bool force_fallback;

void lc_pathres_force_fallback(bool on)
{
  force_fallback = on;
}

const char *lc_fd_path(int fd, char *buf, size_t len)
{
  snprintf(buf, len, "/proc/self/fd/%d", fd);
  return buf;
}

static int kernel_open(int rootfd, const char *path, int flags)
{
  if (force_fallback)
    return -ENOSYS;
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  if (fd < 0 && errno == EAGAIN) /* a concurrent rename: retry once */
    fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  return fd < 0 ? -errno : fd;
}

/* One step of the walker: `cur` is an O_PATH dir fd inside the root; open
 * `name` below it without following; on a symlink, splice its target into
 * the remaining path and restart from the root (absolute) or cur. */
struct walk {
  int rootfd;
  int cur;
  char *rest; /* remaining path, owned */
  int links;
};

static int walk_symlink(struct walk *w, int parent, const char *name)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
  if (n < 0)
    return -errno;
  target[n] = '\0';
  if (++w->links > MAX_SYMLINKS)
    return -ELOOP;
  char *joined = xasprintf("%s/%s", target, w->rest ? w->rest : "");
  free(w->rest);
  w->rest = joined;
  if (target[0] == '/') {
    int fd = openat(w->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      return -errno;
    close(w->cur);
    w->cur = fd;
  }
  return 0;
}

/* Split the first component off w->rest into `name`; false when none left. */
static bool next_component(struct walk *w, char *name, size_t len, bool *last)
{
  const char *p = w->rest;
  while (*p == '/')
    p++;
  if (!*p)
    return false;
  size_t n = strcspn(p, "/");
  if (n >= len)
    n = len - 1;
  memcpy(name, p, n);
  name[n] = '\0';
  p += strcspn(p, "/");
  const char *q = p;
  while (*q == '/')
    q++;
  *last = *q == '\0';
  memmove(w->rest, p, strlen(p) + 1);
  return true;
}

static int walk_step(struct walk *w, const char *name, bool last, int flags)
{
  if (strcmp(name, ".") == 0)
    return 0;
  if (strcmp(name, "..") == 0) {
    struct stat a, b;
    if (fstat(w->cur, &a) == 0 && fstat(w->rootfd, &b) == 0 && a.st_dev == b.st_dev
        && a.st_ino == b.st_ino)
      return 0; /* clamp at the root */
  }
  int fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && last && (flags & O_DIRECTORY)) {
    struct stat ds;
    if (fstat(fd, &ds) == 0 && !S_ISDIR(ds.st_mode) && !S_ISLNK(ds.st_mode)) {
      close(fd);
      return -ENOTDIR;
    }
  }
  if (fd < 0)
    return -errno;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    close(fd);
    return -errno;
  }
  if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
    close(fd);
    return walk_symlink(w, w->cur, name);
  }
  close(w->cur);
  w->cur = fd;
  return 0;
}

static int walker_open(int rootfd, const char *path, int flags)
{
  if (!*path)
    return -ENOENT; /* as openat2 and open(2) */
  struct walk w = {rootfd, openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC), NULL, 0};
  if (w.cur < 0)
    return -errno;
  w.rest = xstrdup(path);
  char name[NAME_MAX + 1];
  bool last;
  int r = 0;
  while (r == 0 && next_component(&w, name, sizeof name, &last))
    r = walk_step(&w, name, last, flags);
  free(w.rest);
  if (r < 0) {
    close(w.cur);
    return r;
  }
  /* Re-open the final O_PATH fd with the requested flags. */
  if ((flags & ~(O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY)) == O_PATH)
    return w.cur;
  char p[32];
  int fd = open(lc_fd_path(w.cur, p, sizeof p), (flags & ~O_NOFOLLOW) | O_CLOEXEC);
  r = fd < 0 ? -errno : fd;
  close(w.cur);
  return r;
}

int lc_open_in_root(int rootfd, const char *path, int flags, lc_error_t *err)
{
  if (flags & O_CREAT)
    return lc_error_set(err, EINVAL, "open \"%s\" in root: O_CREAT not allowed", path);
  int fd = kernel_open(rootfd, path, flags);
  if (fd == -ENOSYS)
    fd = walker_open(rootfd, path, flags);
  if (fd < 0)
    return lc_error_sys(err, -fd, "open \"%s\" in root", path);
  return fd;
}

/* Resolve the first `n` bytes of path inside the root. */
static int open_prefix(int rootfd, const char *path, size_t n, int flags)
{
  _cleanup_free_ char *p = xstrndup(path, n);
  int fd = kernel_open(rootfd, *p ? p : ".", flags);
  if (fd == -ENOSYS)
    fd = walker_open(rootfd, *p ? p : ".", flags);
  return fd;
}

static int mk_in_root(int rootfd, const char *path, mode_t mode, bool file, int depth,
                      lc_error_t *err);

/* `name` in `parent` (reached by path[0..i)) exists but does not resolve:
 * a dangling symlink.  Create what it points to, inside the root, as a
 * chrooted `mkdir -p` would (an absolute target is relative to the root,
 * never the host's), so that the walk can go on through it. */
static int mk_link_target(int rootfd, int parent, const char *path, size_t i, const char *name,
                          mode_t mode, bool file, int depth, lc_error_t *err)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
  if (n < 0)
    return lc_error_sys(err, errno == EINVAL ? ENOENT : errno, "open \"%.*s/%s\" in root", (int) i,
                        path, name);
  target[n] = '\0';
  if (depth >= MAX_SYMLINKS)
    return lc_error_sys(err, ELOOP, "open \"%.*s/%s\" in root", (int) i, path, name);
  _cleanup_free_ char *full =
    target[0] == '/' ? xstrdup(target) : xasprintf("%.*s/%s", (int) i, path, target);
  int fd = mk_in_root(rootfd, full, mode, file, depth + 1, err);
  if (fd >= 0)
    close(fd);
  return fd < 0 ? fd : 0;
}

/* Walk path's components, creating missing ones (the last one a file when
 * `file`), and through dangling symlinks their targets.  Returns an O_PATH
 * fd. */
static int mk_in_root(int rootfd, const char *path, mode_t mode, bool file, int depth,
                      lc_error_t *err)
{
  size_t len = strlen(path), i = 0;
  int parent = open_prefix(rootfd, "", 0, O_PATH | O_DIRECTORY);
  if (parent < 0)
    return lc_error_sys(err, -parent, "open root");
  while (i < len) {
    while (i < len && path[i] == '/')
      i++;
    size_t j = i;
    while (j < len && path[j] != '/')
      j++;
    if (j == i)
      break;
    bool last = true;
    for (size_t k = j; k < len; k++)
      if (path[k] != '/')
        last = false;
    _cleanup_free_ char *name = xstrndup(path + i, j - i);
    int fd = open_prefix(rootfd, path, j, O_PATH | (last && file ? 0 : O_DIRECTORY));
    if (fd == -ENOENT && strcmp(name, "..") != 0 && strcmp(name, ".") != 0) {
      int r;
      if (last && file)
        r = openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
      else
        r = mkdirat(parent, name, mode);
      if (r < 0 && errno != EEXIST) {
        close(parent);
        return lc_error_sys(err, errno, "create \"%.*s\" in root", (int) j, path);
      }
      if (r >= 0 && last && file)
        close(r);
      fd = open_prefix(rootfd, path, j, O_PATH | (last && file ? 0 : O_DIRECTORY));
      if (fd == -ENOENT && r < 0) {
        r = mk_link_target(rootfd, parent, path, i, name, mode, file && last, depth, err);
        if (r < 0) {
          close(parent);
          return r;
        }
        fd = open_prefix(rootfd, path, j, O_PATH | (last && file ? 0 : O_DIRECTORY));
      }
    }
    close(parent);
    if (fd < 0)
      return lc_error_sys(err, -fd, "open \"%.*s\" in root", (int) j, path);
    parent = fd;
    i = j;
  }
  return parent;
}

int lc_mkdir_in_root(int rootfd, const char *path, mode_t mode, lc_error_t *err)
{
  return mk_in_root(rootfd, path, mode, false, 0, err);
}

int lc_mkfile_in_root(int rootfd, const char *path, mode_t mode, lc_error_t *err)
{
  return mk_in_root(rootfd, path, mode, true, 0, err);
}
