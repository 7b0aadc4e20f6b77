/* test-pathres.c — in-root path resolution (DESIGN.md §5 rule 2; pathres.h):
 * lc_open_in_root, lc_mkdir_in_root and lc_mkfile_in_root on a temp root
 * full of hostile symlinks (absolute ones to "/" and to host paths, ".."
 * chains, loops, a file used as a directory).  Every case runs twice, with
 * openat2(RESOLVE_IN_ROOT) and with the user-space walker forced
 * (lc_pathres_force_fallback): both must give the same answer, and every
 * object they return must be the expected one inside the root (same st_dev
 * and st_ino), never one outside it.  Nothing outside the root may be
 * created: the "outside" sibling directory is checked after every case. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "pathres.h"
#include "tap.h"
#include "xalloc.h"

static char top[] = "/tmp/ocirun-pathres-XXXXXX";
static char *root_dir, *outside_dir;

static void must(int r, const char *what)
{
  if (r < 0) {
    printf("Bail out! setup: %s: %s\n", what, strerror(errno));
    exit(1);
  }
}

static void put(const char *rel, const char *text)
{
  _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  must(fd, p);
  must((int) write(fd, text, strlen(text)), p);
  close(fd);
}

static void link_(const char *target, const char *rel)
{
  _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);
  must(symlink(target, p), p);
}

static void dir_(const char *rel)
{
  _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);
  must(mkdir(p, 0755), p);
}

/* A fresh root:
 *   top/outside/{etc/,secret}          the "host" the root must not reach
 *   top/root/{etc/,dir/file,...}        the container root
 * with symlinks: abs -> /, abs_etc -> /etc, host_abs -> <top>/outside (a
 * real host path), dotdot -> ../../../../.., dir/up -> ../../../../etc,
 * loop1 <-> loop2, self -> self, filelink -> dir/file, dangling ->
 * /ocirun-pt-made/by/link, danglingfile -> ../../../outside/created. */
static void make_root(void)
{
  _cleanup_free_ char *cmd = xasprintf("rm -rf '%s/root' '%s/outside'", top, top);
  must(system(cmd) == 0 ? 0 : -1, "rm -rf");
  must(mkdir(outside_dir, 0755), outside_dir);
  _cleanup_free_ char *oe = xasprintf("%s/etc", outside_dir);
  must(mkdir(oe, 0755), oe);
  must(mkdir(root_dir, 0755), root_dir);
  dir_("etc");
  dir_("dir");
  put("dir/file", "in-root\n");
  put("etc/marker", "root-etc\n");
  link_("/", "abs");
  link_("/etc", "abs_etc");
  link_(outside_dir, "host_abs");
  link_("../../../../..", "dotdot");
  link_("../../../../etc", "dir/up");
  link_("loop2", "loop1");
  link_("loop1", "loop2");
  link_("self", "self");
  link_("dir/file", "filelink");
  link_("/ocirun-pt-made/by/link", "dangling");
  link_("../../../outside/created", "danglingfile");
}

/* What the cases create, were they to escape to the real "/" (removed if so). */
static const char *const host_victims[] = {"/ocirun-pt-escaped/deeper",
                                           "/ocirun-pt-escaped",
                                           "/ocirun-pt-up2",
                                           "/ocirun-pt-f",
                                           "/etc/ocirun-pt-newfile",
                                           "/etc/ocirun-pt-newdir",
                                           "/ocirun-pt-made/by/link/sub",
                                           "/ocirun-pt-made/by/link",
                                           "/ocirun-pt-made/by",
                                           "/ocirun-pt-made"};

/* Entries of top/outside other than etc, and host_victims: anything there escaped. */
static int outside_entries(void)
{
  int n = 0;
  for (size_t i = 0; i < LC_ARRAY_SIZE(host_victims); i++)
    if (access(host_victims[i], F_OK) == 0) {
      printf("# escaped to the host: %s (removed)\n", host_victims[i]);
      n++;
      if (remove(host_victims[i]) < 0)
        printf("# could not remove %s\n", host_victims[i]);
    }
  DIR *d = opendir(outside_dir);
  if (!d)
    return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "etc"))
      n++;
  closedir(d);
  _cleanup_free_ char *oe = xasprintf("%s/etc", outside_dir);
  d = opendir(oe);
  if (!d)
    return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

enum op { OPEN, MKDIR, MKFILE };

struct tcase {
  enum op op;
  const char *path;
  int flags;          /* OPEN only */
  int want_errno;     /* 0: success */
  const char *expect; /* on success: the in-root object (relative to root, lstat'ed) */
  mode_t want_type;   /* S_IFDIR, S_IFREG, S_IFLNK */
};

static const struct tcase cases[] = {
  {OPEN, "/", O_PATH, 0, ".", S_IFDIR},
  {OPEN, "", O_PATH, ENOENT, NULL, 0},
  {OPEN, "/abs", O_PATH, 0, ".", S_IFDIR},
  {OPEN, "/abs/etc", O_PATH | O_DIRECTORY, 0, "etc", S_IFDIR},
  {OPEN, "/abs_etc", O_PATH, 0, "etc", S_IFDIR},
  {OPEN, "/abs_etc/marker", O_RDONLY, 0, "etc/marker", S_IFREG},
  {OPEN, "../../..", O_PATH, 0, ".", S_IFDIR},
  {OPEN, "/dotdot", O_PATH, 0, ".", S_IFDIR},
  {OPEN, "/dotdot/etc/marker", O_PATH, 0, "etc/marker", S_IFREG},
  {OPEN, "/dir/up", O_RDONLY | O_DIRECTORY, 0, "etc", S_IFDIR},
  {OPEN, "/dir/../../outside", O_PATH, ENOENT, NULL, 0},
  {OPEN, "/host_abs", O_PATH, ENOENT, NULL, 0},
  {OPEN, "/loop1", O_PATH, ELOOP, NULL, 0},
  {OPEN, "/self/x", O_PATH, ELOOP, NULL, 0},
  {OPEN, "/filelink/x", O_PATH, ENOTDIR, NULL, 0},
  {OPEN, "/filelink", O_RDONLY, 0, "dir/file", S_IFREG},
  {OPEN, "/filelink", O_PATH | O_NOFOLLOW, 0, "filelink", S_IFLNK},
  {OPEN, "/dir/file", O_PATH | O_DIRECTORY, ENOTDIR, NULL, 0},
  {MKDIR, "/abs_etc/ocirun-pt-newdir", 0, 0, "etc/ocirun-pt-newdir", S_IFDIR},
  {MKDIR, "/dotdot/ocirun-pt-escaped/deeper", 0, 0, "ocirun-pt-escaped/deeper", S_IFDIR},
  {MKDIR, "/dir/up/../../ocirun-pt-up2", 0, 0, "ocirun-pt-up2", S_IFDIR},
  {MKDIR, "/abs", 0, 0, ".", S_IFDIR},
  {MKDIR, "/dangling/sub", 0, 0, "ocirun-pt-made/by/link/sub", S_IFDIR},
  {MKDIR, "/loop1/x", 0, ELOOP, NULL, 0},
  {MKDIR, "/filelink/x", 0, ENOTDIR, NULL, 0},
  {MKDIR, "/dir/file/sub", 0, ENOTDIR, NULL, 0},
  {MKFILE, "/dir/up/ocirun-pt-newfile", 0, 0, "etc/ocirun-pt-newfile", S_IFREG},
  {MKFILE, "/dotdot/ocirun-pt-f", 0, 0, "ocirun-pt-f", S_IFREG},
  {MKFILE, "/danglingfile", 0, 0, "outside/created", S_IFREG},
  {MKFILE, "/filelink", 0, 0, "dir/file", S_IFREG},
  {MKFILE, "/abs_etc/marker", 0, 0, "etc/marker", S_IFREG},
  {MKFILE, "/self", 0, ELOOP, NULL, 0},
};

static int run_case(int rootfd, const struct tcase *c, lc_error_t *err)
{
  switch (c->op) {
  case OPEN:
    return lc_open_in_root(rootfd, c->path, c->flags, err);
  case MKDIR:
    return lc_mkdir_in_root(rootfd, c->path, 0755, err);
  case MKFILE:
    return lc_mkfile_in_root(rootfd, c->path, 0644, err);
  }
  return -EINVAL;
}

static const char *const op_names[] = {"open", "mkdir", "mkfile"};

/* One case on a fresh root: its outcome as a string ("errno N", "the
 * expected object" or "another object"), for the comparison between the two
 * resolvers. */
static char *check_case(const struct tcase *c, const char *mode)
{
  make_root();
  _cleanup_close_ int rootfd = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  must(rootfd, root_dir);
  lc_error_t err = {0};
  int fd = run_case(rootfd, c, &err);
  const char *op = op_names[c->op];
  char *outcome;
  if (c->want_errno) {
    ok(fd == -c->want_errno && err.msg && *err.msg, "%s: %s \"%s\" fails with %s (%s)", mode, op,
       c->path, strerror(c->want_errno), err.msg ? err.msg : "no message");
    if (fd >= 0)
      close(fd);
    outcome = xasprintf("errno %d", fd < 0 ? -fd : 0);
  } else {
    struct stat got, want;
    _cleanup_free_ char *exp = xasprintf("%s/%s", root_dir, c->expect);
    bool same = fd >= 0 && fstat(fd, &got) == 0 && lstat(exp, &want) == 0
                && got.st_dev == want.st_dev && got.st_ino == want.st_ino
                && (got.st_mode & S_IFMT) == c->want_type;
    ok(same, "%s: %s \"%s\" gives the in-root \"%s\"%s%s", mode, op, c->path, c->expect,
       fd < 0 ? ": " : "", fd < 0 ? err.msg : "");
    outcome = fd < 0 ? xasprintf("errno %d", -fd)
                     : xstrdup(same ? "the expected object" : "another object");
    if (fd >= 0)
      close(fd);
  }
  lc_error_clear(&err);
  is_int(outside_entries(), 0, "  ... and nothing appeared outside the root");
  return outcome;
}

int main(void)
{
  if (!mkdtemp(top))
    skip_all("mkdtemp failed");
  root_dir = xasprintf("%s/root", top);
  outside_dir = xasprintf("%s/outside", top);
  size_t n = LC_ARRAY_SIZE(cases);
  char **kernel = xzalloc(n * sizeof *kernel);
  struct open_how how = {.flags = O_PATH, .resolve = RESOLVE_IN_ROOT};
  bool have_openat2 = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how) >= 0 || errno != ENOSYS;
  for (size_t i = 0; i < n; i++)
    kernel[i] = check_case(&cases[i], have_openat2 ? "openat2" : "walker (no openat2)");
  lc_pathres_force_fallback(true);
  for (size_t i = 0; i < n; i++) {
    char *w = check_case(&cases[i], "walker");
    is_str(w, kernel[i], "  ... the walker and openat2 agree");
    free(w);
    free(kernel[i]);
  }
  lc_pathres_force_fallback(false);
  free(kernel);
  _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", top);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", top);
  free(root_dir);
  free(outside_dir);
  return tap_done();
}
