/* state.c — the state store: <root>/<id>/ directories and their lock, the
 * atomic state.json record (yajl_gen out, yajl_tree in), exec.fifo, the live
 * status, and the public lc_state_get / lc_list / lc_state_to_json
 * (runtime.md § State; shapes in ENGINES.md).  See state.h for the locking
 * rules.
 *
 * It must not follow a symlink below <root>, print, take a lock in
 * lc_state_get/lc_list, or scan <root> anywhere but lc_list (lc_state_get is
 * one open and one read whatever the number of containers). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "state.h"
#include "xalloc.h"

#define STATE_FILE "state.json"
#define LOCK_FILE "lock"
#define FIFO_FILE "exec.fifo"
#define DIR_OPEN_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* ---- status names -------------------------------------------------------- */

static const char *const status_names[] = {
  [LC_STATUS_CREATING] = "creating", [LC_STATUS_CREATED] = "created",
  [LC_STATUS_RUNNING] = "running",   [LC_STATUS_PAUSED] = "paused",
  [LC_STATUS_STOPPED] = "stopped",
};

const char *lc_status_name(enum lc_status st)
{
  if ((unsigned) st >= LC_ARRAY_SIZE(status_names))
    return "unknown";
  return status_names[st];
}

int lc_status_parse(const char *name, enum lc_status *out)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(status_names); i++)
    if (strcmp(name, status_names[i]) == 0) {
      *out = (enum lc_status) i;
      return 0;
    }
  return -EINVAL;
}

/* ---- default root -------------------------------------------------------- */

char *lc_default_root(void)
{
  if (geteuid() == 0)
    return xstrdup("/run/ocirun");
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && xdg[0] != '\0')
    return xasprintf("%s/ocirun", xdg);
  return xasprintf("/run/user/%u/ocirun", (unsigned) getuid());
}

/* ---- /proc/<pid>/stat ------------------------------------------------------ */

/* The comm field (2) is "(...)" and may itself contain spaces and ')', so
 * the fields after it are found from the LAST ')'. */
int lc_proc_stat(pid_t pid, uint64_t *start, char *state)
{
  char path[64], buf[4096];
  if (pid <= 0)
    return -ESRCH;
  snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return errno == ENOENT ? -ESRCH : -errno;
  ssize_t n;
  do
    n = read(fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == ESRCH ? -ESRCH : -errno;
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ' || p[2] == '\0')
    return -EINVAL;
  p += 2; /* field 3 */
  char st = *p;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p)
      return -EINVAL;
    p++;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (errno || end == p || (*end != ' ' && *end != '\n' && *end != '\0'))
    return -EINVAL;
  if (start)
    *start = v;
  if (state)
    *state = st;
  return 0;
}

int lc_proc_start_time(pid_t pid, uint64_t *out)
{
  return lc_proc_stat(pid, out, NULL);
}

/* Alive (not a zombie) and still the process that was recorded. */
static bool proc_matches(pid_t pid, uint64_t start)
{
  uint64_t now;
  char st;
  if (lc_proc_stat(pid, &now, &st) < 0)
    return false;
  return st != 'Z' && st != 'X' && st != 'x' && now == start;
}

/* ---- state directories ------------------------------------------------- */

static int not_exist(lc_error_t *err, const char *id)
{
  return lc_error_set(err, ENOENT, "container \"%s\" does not exist", id);
}

static bool is_absent(int e)
{
  return e == ENOENT || e == ENOTDIR || e == ELOOP;
}

static int lock_fd(int fd, int op)
{
  while (flock(fd, op) < 0)
    if (errno != EINTR)
      return -errno;
  return 0;
}

/* Builds <root>/.new-<pid>-<n>/lock, locks it and renames the directory to
 * <id>; on success *dirfd and *lockfd own the published directory. */
static int dir_build(int rootfd, const char *root, const char *id, int *dirfd, int *lockfd,
                     lc_error_t *err)
{
  static unsigned counter;
  struct timespec ts;
  char tmp[64];
  clock_gettime(CLOCK_MONOTONIC, &ts);
  snprintf(tmp, sizeof tmp, ".new-%d-%u-%ld", (int) getpid(),
           __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED), (long) ts.tv_nsec);
  if (mkdirat(rootfd, tmp, 0700) < 0)
    return lc_error_sys(err, errno, "mkdir \"%s/%s\"", root, tmp);
  _cleanup_close_ int dfd = openat(rootfd, tmp, DIR_OPEN_FLAGS);
  _cleanup_close_ int lfd = -1;
  int r = dfd < 0 ? -errno : 0;
  if (r == 0) {
    lfd = openat(dfd, LOCK_FILE, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    r = lfd < 0 ? -errno : lock_fd(lfd, LOCK_EX);
  }
  if (r < 0) {
    lc_rm_rf_at(rootfd, tmp, NULL);
    return lc_error_sys(err, -r, "prepare \"%s/%s\"", root, tmp);
  }
  /* RENAME_NOREPLACE needs Linux 3.15 (tmpfs 3.17); without it a plain rename
   * still refuses a non-empty target, and every published dir holds `lock`. */
  if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0
      && (errno != EINVAL || renameat(rootfd, tmp, rootfd, id) < 0)) {
    int e = errno;
    lc_rm_rf_at(rootfd, tmp, NULL);
    if (e == EEXIST || e == ENOTEMPTY || e == ENOTDIR || e == EISDIR)
      return lc_error_set(err, EEXIST, "container \"%s\" already exists", id);
    return lc_error_sys(err, e, "rename \"%s/%s\" to \"%s\"", root, tmp, id);
  }
  *dirfd = TAKE_FD(dfd);
  *lockfd = TAKE_FD(lfd);
  return 0;
}

int lc_state_dir_create(const char *root, const char *id, struct lc_state_dir *out, lc_error_t *err)
{
  int r = lc_id_validate(id, err);
  if (r < 0)
    return r;
  r = lc_mkdir_p(root, 0700, err);
  if (r < 0)
    return r;
  _cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", root);
  int dirfd = -1, lockfd = -1;
  r = dir_build(rootfd, root, id, &dirfd, &lockfd, err);
  if (r < 0)
    return r;
  *out = (struct lc_state_dir){TAKE_FD(rootfd), dirfd, lockfd, xstrdup(id)};
  return 0;
}

/* Opens <root> and <root>/<id> without locking. */
static int dir_open_nolock(const char *root, const char *id, int *rootfd, int *dirfd,
                           lc_error_t *err)
{
  int r = lc_id_validate(id, err);
  if (r < 0)
    return r;
  _cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0)
    return errno == ENOENT ? not_exist(err, id) : lc_error_sys(err, errno, "open \"%s\"", root);
  int dfd = openat(rfd, id, DIR_OPEN_FLAGS);
  if (dfd < 0)
    return is_absent(errno) ? not_exist(err, id)
                            : lc_error_sys(err, errno, "open \"%s/%s\"", root, id);
  *rootfd = TAKE_FD(rfd);
  *dirfd = dfd;
  return 0;
}

/* After waiting for the lock: is <root>/<id> still the directory we hold? */
static bool still_linked(int rootfd, const char *id, int dirfd)
{
  struct stat a, b;
  if (fstatat(rootfd, id, &a, AT_SYMLINK_NOFOLLOW) < 0 || fstat(dirfd, &b) < 0)
    return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int lc_state_dir_open(const char *root, const char *id, bool shared, struct lc_state_dir *out,
                      lc_error_t *err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  int r = dir_open_nolock(root, id, &rootfd, &dirfd, err);
  if (r < 0)
    return r;
  /* No O_CREAT: a published directory always has its lock file, so a missing
   * one means a destroy is under way (and creating it would make the
   * destroyer's rmdir fail). */
  _cleanup_close_ int lockfd = openat(dirfd, LOCK_FILE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (lockfd < 0)
    return is_absent(errno) ? not_exist(err, id)
                            : lc_error_sys(err, errno, "open \"%s/%s/%s\"", root, id, LOCK_FILE);
  r = lock_fd(lockfd, shared ? LOCK_SH : LOCK_EX);
  if (r < 0)
    return lc_error_sys(err, -r, "lock container \"%s\"", id);
  if (!still_linked(rootfd, id, dirfd))
    return not_exist(err, id);
  *out = (struct lc_state_dir){TAKE_FD(rootfd), TAKE_FD(dirfd), TAKE_FD(lockfd), xstrdup(id)};
  return 0;
}

void lc_state_dir_close(struct lc_state_dir *d)
{
  if (!d || !d->id)
    return;
  /* No flock(LOCK_UN): in a forked child this must only drop the child's
   * references, never the parent's lock. */
  if (d->lockfd >= 0)
    close(d->lockfd);
  if (d->dirfd >= 0)
    close(d->dirfd);
  if (d->rootfd >= 0)
    close(d->rootfd);
  free(d->id);
  *d = (struct lc_state_dir) LC_STATE_DIR_INIT;
}

int lc_state_dir_destroy(struct lc_state_dir *d, lc_error_t *err)
{
  if (!d || !d->id)
    return lc_error_set(err, EBADF, "destroy: state directory not open");
  int r = lc_rm_rf_at(d->rootfd, d->id, err);
  if (r < 0)
    lc_error_prefix(err, "remove state of container \"%s\"", d->id);
  lc_state_dir_close(d);
  return r;
}

/* ---- exec.fifo ------------------------------------------------------------ */

/* Mode 0622: the init reopens it for writing through /proc/self/fd after
 * switching to the container's user, which needs write permission on the
 * inode.  The directory stays 0700, so nobody else can reach it by path. */
int lc_state_fifo_create(const struct lc_state_dir *d, lc_error_t *err)
{
  if (mkfifoat(d->dirfd, FIFO_FILE, 0600) < 0)
    return lc_error_sys(err, errno, "mkfifo \"%s\"", FIFO_FILE);
  if (fchmodat(d->dirfd, FIFO_FILE, 0622, 0) < 0)
    return lc_error_sys(err, errno, "chmod \"%s\"", FIFO_FILE);
  return 0;
}

int lc_state_fifo_remove(const struct lc_state_dir *d, lc_error_t *err)
{
  if (unlinkat(d->dirfd, FIFO_FILE, 0) < 0 && errno != ENOENT)
    return lc_error_sys(err, errno, "remove \"%s\"", FIFO_FILE);
  return 0;
}

static bool fifo_present(int dirfd)
{
  struct stat st;
  return fstatat(dirfd, FIFO_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode);
}

/* ---- live status ---------------------------------------------------------- */

enum lc_status lc_state_status(const struct lc_state_dir *d, const struct lc_state_record *rec)
{
  if (rec->pub.status == LC_STATUS_CREATING)
    return proc_matches(rec->creator_pid, rec->creator_start) ? LC_STATUS_CREATING
                                                              : LC_STATUS_STOPPED;
  if (rec->pub.status == LC_STATUS_STOPPED || !proc_matches(rec->pub.pid, rec->pid_start))
    return LC_STATUS_STOPPED;
  if (rec->paused || rec->pub.status == LC_STATUS_PAUSED)
    return LC_STATUS_PAUSED;
  if (fifo_present(d->dirfd))
    return LC_STATUS_CREATED;
  return LC_STATUS_RUNNING;
}

/* ---- state.json: writing ---------------------------------------------------- */

static int gen_str(yajl_gen g, const char *s)
{
  if (!s)
    return yajl_gen_null(g);
  return yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static int gen_kv_str(yajl_gen g, const char *key, const char *val)
{
  return gen_str(g, key) | gen_str(g, val);
}

static int gen_kv_u64(yajl_gen g, const char *key, uint64_t v)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  return gen_str(g, key) | yajl_gen_number(g, buf, (size_t) n);
}

static int gen_kv_bool(yajl_gen g, const char *key, bool v)
{
  return gen_str(g, key) | yajl_gen_bool(g, v);
}

static int gen_annotations(yajl_gen g, char *const *kv)
{
  int s = gen_str(g, "annotations");
  if (!kv)
    return s | yajl_gen_null(g);
  s |= yajl_gen_map_open(g);
  for (size_t i = 0; kv[i] && kv[i + 1]; i += 2)
    s |= gen_kv_str(g, kv[i], kv[i + 1]);
  return s | yajl_gen_map_close(g);
}

/* Public keys first (runc's names), then ours. */
static int gen_record(yajl_gen g, const struct lc_state_record *rec)
{
  const struct lc_state *p = &rec->pub;
  int s = yajl_gen_map_open(g);
  s |= gen_kv_str(g, "ociVersion", p->oci_version);
  s |= gen_kv_str(g, "id", p->id);
  s |= gen_kv_u64(g, "pid", (uint64_t) (p->pid > 0 ? p->pid : 0));
  s |= gen_kv_str(g, "status", lc_status_name(p->status));
  s |= gen_kv_str(g, "bundle", p->bundle);
  s |= gen_kv_str(g, "rootfs", p->rootfs);
  s |= gen_kv_str(g, "created", p->created);
  s |= gen_kv_str(g, "owner", p->owner);
  s |= gen_annotations(g, p->annotations);
  s |= gen_kv_u64(g, "pidStart", rec->pid_start);
  s |= gen_kv_u64(g, "creatorPid", (uint64_t) (rec->creator_pid > 0 ? rec->creator_pid : 0));
  s |= gen_kv_u64(g, "creatorStart", rec->creator_start);
  s |= gen_kv_str(g, "cgroupPath", rec->cgroup_path);
  s |= gen_kv_bool(g, "paused", rec->paused);
  s |= gen_kv_bool(g, "systemdCgroup", rec->systemd_cgroup);
  s |= gen_kv_str(g, "configPath", rec->config_path);
  return s | yajl_gen_map_close(g);
}

char *lc_state_record_json(const struct lc_state_record *rec, lc_error_t *err)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    abort();
  yajl_gen_config(g, yajl_gen_validate_utf8, 1);
  char *out = NULL;
  if (gen_record(g, rec) != yajl_gen_status_ok) {
    lc_error_set(err, EINVAL, "container \"%s\": %s: a string is not valid UTF-8",
                 rec->pub.id ? rec->pub.id : "", STATE_FILE);
  } else {
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    out = xstrndup((const char *) buf, len);
  }
  yajl_gen_free(g);
  return out;
}

int lc_state_record_write(const struct lc_state_dir *d, const struct lc_state_record *rec,
                          lc_error_t *err)
{
  _cleanup_free_ char *json = lc_state_record_json(rec, err);
  if (!json)
    return -EINVAL;
  int r = lc_write_file_atomic_at(d->dirfd, STATE_FILE, json, strlen(json), 0600, err);
  if (r < 0)
    return lc_error_prefix(err, "container \"%s\"", d->id);
  return 0;
}

/* ---- state.json: reading ---------------------------------------------------- */

static yajl_val obj_get(yajl_val obj, const char *key)
{
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

/* Missing or null -> NULL. */
static int get_str(yajl_val obj, const char *key, char **out, lc_error_t *err)
{
  yajl_val v = obj_get(obj, key);
  if (!v || YAJL_IS_NULL(v))
    return 0;
  if (!YAJL_IS_STRING(v))
    return lc_error_set(err, EINVAL, "\"%s\": expected a string", key);
  *out = xstrdup(v->u.string);
  return 0;
}

/* Missing -> 0; the text form is parsed so that all of uint64 fits. */
static int get_u64(yajl_val obj, const char *key, uint64_t max, uint64_t *out, lc_error_t *err)
{
  yajl_val v = obj_get(obj, key);
  if (!v)
    return 0;
  const char *s = YAJL_IS_NUMBER(v) ? YAJL_GET_NUMBER(v) : NULL;
  char *end = NULL;
  errno = 0;
  unsigned long long n = s && s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
  if (!end || *end != '\0' || errno || n > max)
    return lc_error_set(err, EINVAL, "\"%s\": expected an integer in 0..%" PRIu64, key, max);
  *out = n;
  return 0;
}

static int get_pid(yajl_val obj, const char *key, pid_t *out, lc_error_t *err)
{
  uint64_t v = 0;
  int r = get_u64(obj, key, INT_MAX, &v, err);
  if (r == 0)
    *out = (pid_t) v;
  return r;
}

static int get_bool(yajl_val obj, const char *key, bool *out, lc_error_t *err)
{
  yajl_val v = obj_get(obj, key);
  if (!v)
    return 0;
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    return lc_error_set(err, EINVAL, "\"%s\": expected a boolean", key);
  *out = YAJL_IS_TRUE(v);
  return 0;
}

static int get_status(yajl_val obj, enum lc_status *out, lc_error_t *err)
{
  yajl_val v = obj_get(obj, "status");
  if (!YAJL_IS_STRING(v))
    return lc_error_set(err, EINVAL, "\"status\": expected a string");
  if (lc_status_parse(v->u.string, out) < 0)
    return lc_error_set(err, EINVAL, "\"status\": unknown status \"%s\"", v->u.string);
  return 0;
}

/* Missing or null -> NULL; an object keeps its key order. */
static int get_annotations(yajl_val obj, char ***out, lc_error_t *err)
{
  yajl_val v = obj_get(obj, "annotations");
  if (!v || YAJL_IS_NULL(v))
    return 0;
  if (!YAJL_IS_OBJECT(v))
    return lc_error_set(err, EINVAL, "\"annotations\": expected an object");
  size_t n = v->u.object.len;
  char **kv = xzalloc((2 * n + 1) * sizeof *kv);
  for (size_t i = 0; i < n; i++) {
    const char *val = YAJL_GET_STRING(v->u.object.values[i]);
    if (!val) {
      strv_free(kv);
      return lc_error_set(err, EINVAL, "\"annotations.%s\": expected a string",
                          v->u.object.keys[i]);
    }
    kv[2 * i] = xstrdup(v->u.object.keys[i]);
    kv[2 * i + 1] = xstrdup(val);
  }
  *out = kv;
  return 0;
}

static int record_from_tree(yajl_val t, struct lc_state_record *rec, lc_error_t *err)
{
  struct lc_state *p = &rec->pub;
  if (!YAJL_IS_OBJECT(t))
    return lc_error_set(err, EINVAL, "expected an object");
  int r = get_str(t, "id", &p->id, err);
  if (r == 0 && !p->id)
    r = lc_error_set(err, EINVAL, "\"id\": missing");
  if (r == 0)
    r = get_status(t, &p->status, err);
  if (r == 0)
    r = get_str(t, "ociVersion", &p->oci_version, err);
  if (r == 0)
    r = get_pid(t, "pid", &p->pid, err);
  if (r == 0)
    r = get_str(t, "bundle", &p->bundle, err);
  if (r == 0)
    r = get_str(t, "rootfs", &p->rootfs, err);
  if (r == 0)
    r = get_str(t, "created", &p->created, err);
  if (r == 0)
    r = get_str(t, "owner", &p->owner, err);
  if (r == 0)
    r = get_annotations(t, &p->annotations, err);
  if (r == 0)
    r = get_u64(t, "pidStart", UINT64_MAX, &rec->pid_start, err);
  if (r == 0)
    r = get_pid(t, "creatorPid", &rec->creator_pid, err);
  if (r == 0)
    r = get_u64(t, "creatorStart", UINT64_MAX, &rec->creator_start, err);
  if (r == 0)
    r = get_str(t, "cgroupPath", &rec->cgroup_path, err);
  if (r == 0)
    r = get_bool(t, "paused", &rec->paused, err);
  if (r == 0)
    r = get_bool(t, "systemdCgroup", &rec->systemd_cgroup, err);
  if (r == 0)
    r = get_str(t, "configPath", &rec->config_path, err);
  return r;
}

/* yajl's message spans several lines (text excerpt, caret); keep the first. */
static void first_line(char *s)
{
  s[strcspn(s, "\r\n")] = '\0';
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    s[--n] = '\0';
}

int lc_state_record_parse(const char *id, const char *json, struct lc_state_record **out,
                          lc_error_t *err)
{
  char ebuf[256] = "";
  yajl_val t = yajl_tree_parse(json, ebuf, sizeof ebuf);
  if (!t) {
    first_line(ebuf);
    return lc_error_set(err, EINVAL, "container \"%s\": %s: invalid JSON: %s", id, STATE_FILE,
                        ebuf[0] ? ebuf : "parse error");
  }
  struct lc_state_record *rec = xzalloc(sizeof *rec);
  int r = record_from_tree(t, rec, err);
  yajl_tree_free(t);
  if (r == 0 && strcmp(rec->pub.id, id) != 0)
    r = lc_error_set(err, EINVAL, "\"id\": \"%s\" does not match the directory", rec->pub.id);
  if (r < 0) {
    lc_state_record_free(rec);
    return lc_error_prefix(err, "container \"%s\": %s", id, STATE_FILE);
  }
  *out = rec;
  return 0;
}

int lc_state_record_read(const struct lc_state_dir *d, struct lc_state_record **out,
                         lc_error_t *err)
{
  _cleanup_free_ char *json = NULL;
  int r = lc_read_file_at(d->dirfd, STATE_FILE, &json, NULL, err);
  if (r < 0)
    return lc_error_prefix(err, "container \"%s\"", d->id);
  return lc_state_record_parse(d->id, json, out, err);
}

static void state_fields_free(struct lc_state *st)
{
  free(st->oci_version);
  free(st->id);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->owner);
  strv_free(st->annotations);
}

void lc_state_record_free(struct lc_state_record *rec)
{
  if (!rec)
    return;
  state_fields_free(&rec->pub);
  free(rec->cgroup_path);
  free(rec->config_path);
  free(rec);
}

void lc_state_free(struct lc_state *st)
{
  if (!st)
    return;
  state_fields_free(st);
  free(st);
}

/* ---- public views: lc_state_get, lc_list ---------------------------------- */

static char *dup_or_empty(char *s)
{
  return s ? s : xstrdup("");
}

/* Moves the record's public fields into a new lc_state with the live status;
 * every string is non-NULL, pid is 0 unless the init is alive. */
static struct lc_state *public_view(struct lc_state_record *rec, enum lc_status status,
                                    const char *owner)
{
  struct lc_state *st = xzalloc(sizeof *st);
  *st = rec->pub;
  memset(&rec->pub, 0, sizeof rec->pub);
  st->status = status;
  if (status == LC_STATUS_STOPPED)
    st->pid = 0;
  st->oci_version = dup_or_empty(st->oci_version);
  st->bundle = dup_or_empty(st->bundle);
  st->rootfs = dup_or_empty(st->rootfs);
  st->created = dup_or_empty(st->created);
  free(st->owner);
  st->owner = xstrdup(owner);
  return st;
}

/* A directory without state.json: a create is between publishing the
 * directory and writing its record (lock held) or crashed there. */
static struct lc_state *placeholder(int dirfd, const char *id, const char *owner)
{
  struct lc_state_record rec = {0};
  enum lc_status status = LC_STATUS_STOPPED;
  _cleanup_close_ int lfd = openat(dirfd, LOCK_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (lfd >= 0 && flock(lfd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
    status = LC_STATUS_CREATING;
  rec.pub.id = xstrdup(id);
  return public_view(&rec, status, owner);
}

/* Reads <dir>/state.json and derives the view; `lenient` turns a corrupt or
 * unreadable record into a stopped placeholder (lc_list). */
static int load_view(int rootfd, int dirfd, const char *id, const char *owner, bool lenient,
                     struct lc_state **out, lc_error_t *err)
{
  struct lc_state_dir d = {rootfd, dirfd, -1, (char *) id};
  struct lc_state_record *rec = NULL;
  lc_error_t lerr = {0};
  int r = lc_state_record_read(&d, &rec, &lerr);
  if (r == -ENOENT || (r < 0 && lenient)) {
    lc_error_clear(&lerr);
    *out = placeholder(dirfd, id, owner);
    return 0;
  }
  if (r < 0) {
    lc_error_move(err, &lerr);
    return r;
  }
  *out = public_view(rec, lc_state_status(&d, rec), owner);
  lc_state_record_free(rec);
  return 0;
}

int lc_state_get(const char *root, const char *id, struct lc_state **out, lc_error_t *err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  int r = dir_open_nolock(root, id, &rootfd, &dirfd, err);
  if (r < 0)
    return r;
  return load_view(rootfd, dirfd, id, "", false, out, err);
}

/* getpwuid_r of `uid`, or the number; one lookup per distinct uid in a row. */
static const char *owner_name(uid_t uid, uid_t *cached_uid, char **cached)
{
  if (*cached && *cached_uid == uid)
    return *cached;
  free(*cached);
  char buf[4096];
  struct passwd pw, *res = NULL;
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
    *cached = xstrdup(res->pw_name);
  else
    *cached = xasprintf("%u", (unsigned) uid);
  *cached_uid = uid;
  return *cached;
}

struct list_acc {
  struct lc_state **v;
  size_t n, cap;
  uid_t owner_uid;
  char *owner;
};

/* One directory entry: skipped unless a valid id naming a real directory. */
static int list_entry(int rootfd, const struct dirent *de, struct list_acc *acc, lc_error_t *err)
{
  if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
    return 0;
  lc_error_t ierr = {0};
  if (lc_id_validate(de->d_name, &ierr) < 0) {
    lc_error_clear(&ierr);
    return 0;
  }
  _cleanup_close_ int dirfd = openat(rootfd, de->d_name, DIR_OPEN_FLAGS);
  struct stat st;
  if (dirfd < 0 || fstat(dirfd, &st) < 0)
    return is_absent(errno) ? 0 : lc_error_sys(err, errno, "open \"%s\"", de->d_name);
  const char *owner = owner_name(st.st_uid, &acc->owner_uid, &acc->owner);
  struct lc_state *s = NULL;
  int r = load_view(rootfd, dirfd, de->d_name, owner, true, &s, err);
  if (r < 0)
    return r;
  if (acc->n == acc->cap) {
    acc->cap = acc->cap ? 2 * acc->cap : 16;
    acc->v = xrealloc(acc->v, acc->cap * sizeof *acc->v);
  }
  acc->v[acc->n++] = s;
  return 0;
}

static int cmp_by_id(const void *a, const void *b)
{
  return strcmp((*(struct lc_state *const *) a)->id, (*(struct lc_state *const *) b)->id);
}

int lc_list(const char *root, struct lc_state ***out, size_t *n, lc_error_t *err)
{
  _cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 && errno == ENOENT) {
    *out = NULL;
    *n = 0;
    return 0;
  }
  if (rootfd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", root);
  int scanfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_closedir_ DIR *dir = scanfd >= 0 ? fdopendir(scanfd) : NULL;
  if (!dir) {
    int e = errno;
    if (scanfd >= 0)
      close(scanfd);
    return lc_error_sys(err, e, "open \"%s\"", root);
  }
  struct list_acc acc = {0};
  int r = 0;
  struct dirent *de;
  while (r == 0 && (errno = 0, de = readdir(dir)))
    r = list_entry(rootfd, de, &acc, err);
  if (r == 0 && errno != 0)
    r = lc_error_sys(err, errno, "read \"%s\"", root);
  free(acc.owner);
  if (r < 0) {
    lc_state_list_free(acc.v, acc.n);
    return lc_error_prefix(err, "list \"%s\"", root);
  }
  if (acc.n > 1)
    qsort(acc.v, acc.n, sizeof *acc.v, cmp_by_id);
  *out = acc.v;
  *n = acc.n;
  return 0;
}

void lc_state_list_free(struct lc_state **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    lc_state_free(v[i]);
  free(v);
}

/* ---- lc_state_to_json: runc's bytes -------------------------------------- */

/* runc prints with Go's encoding/json: keys ociVersion, id, pid, status,
 * bundle, rootfs, created, annotations (omitted when empty; a Go map, so
 * sorted by key, last duplicate wins), owner.  Strings use Go's escaping:
 * HTML-safe \u003c \u003e \u0026, \u2028 \u2029, other controls as \u00xx,
 * invalid UTF-8 bytes as \ufffd. */
struct sbuf {
  char *p;
  size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t len)
{
  if (b->n + len + 1 > b->cap) {
    b->cap = (b->n + len + 1) * 2;
    b->p = xrealloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
  b->p[b->n] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
  sb_add(b, s, strlen(s));
}

static void sb_uescape(struct sbuf *b, unsigned c)
{
  char tmp[8];
  snprintf(tmp, sizeof tmp, "\\u%04x", c);
  sb_add(b, tmp, 6);
}

/* Length of the valid UTF-8 sequence at p (2..4), 0 if invalid. */
static size_t utf8_len(const unsigned char *p)
{
  unsigned c = p[0];
  size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
  unsigned lo = 0x80, hi = 0xbf;
  if (c < 0xc2 || c > 0xf4)
    return 0;
  if (c == 0xe0)
    lo = 0xa0;
  else if (c == 0xed)
    hi = 0x9f;
  else if (c == 0xf0)
    lo = 0x90;
  else if (c == 0xf4)
    hi = 0x8f;
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;
  return n;
}

static void sb_json_str(struct sbuf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *) (s ? s : "");
  sb_add(b, "\"", 1);
  while (*p) {
    unsigned c = *p;
    size_t n = 1;
    if (c == '"' || c == '\\')
      sb_add(b, c == '"' ? "\\\"" : "\\\\", 2);
    else if (c == '\n' || c == '\r' || c == '\t')
      sb_add(b, c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t", 2);
    else if (c < 0x20 || c == '<' || c == '>' || c == '&')
      sb_uescape(b, c);
    else if (c < 0x80)
      sb_add(b, (const char *) p, 1);
    else if ((n = utf8_len(p)) == 0) {
      sb_puts(b, "\\ufffd");
      n = 1;
    } else if (n == 3 && c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
      sb_uescape(b, 0x2000u + p[2] - 0x80u);
    else
      sb_add(b, (const char *) p, n);
    p += n;
  }
  sb_add(b, "\"", 1);
}

/* Key with its separator and indentation (depth 1 or 2). */
static void sb_key(struct sbuf *b, bool pretty, int depth, bool first, const char *key)
{
  if (!first)
    sb_add(b, ",", 1);
  if (pretty)
    sb_puts(b, depth == 1 ? "\n  " : "\n    ");
  sb_json_str(b, key);
  sb_puts(b, pretty ? ": " : ":");
}

static int cmp_ann(const void *a, const void *b, void *kv)
{
  size_t i = *(const size_t *) a, j = *(const size_t *) b;
  const char *const *base = kv;
  int c = strcmp(base[i], base[j]);
  return c ? c : (i > j) - (i < j);
}

static void sb_annotations(struct sbuf *b, bool pretty, char *const *kv)
{
  size_t n = 0;
  while (kv[2 * n] && kv[2 * n + 1])
    n++;
  _cleanup_free_ size_t *idx = xmalloc(n * sizeof *idx);
  for (size_t i = 0; i < n; i++)
    idx[i] = 2 * i;
  qsort_r(idx, n, sizeof *idx, cmp_ann, (void *) kv);
  sb_key(b, pretty, 1, false, "annotations");
  sb_add(b, "{", 1);
  bool first = true;
  for (size_t i = 0; i < n; i++) {
    if (i + 1 < n && strcmp(kv[idx[i]], kv[idx[i + 1]]) == 0)
      continue; /* a later duplicate wins, as in a Go map */
    sb_key(b, pretty, 2, first, kv[idx[i]]);
    sb_json_str(b, kv[idx[i] + 1]);
    first = false;
  }
  sb_puts(b, pretty ? "\n  }" : "}");
}

char *lc_state_to_json(const struct lc_state *st, bool pretty)
{
  struct sbuf b = {0};
  char num[32];
  sb_add(&b, "{", 1);
  sb_key(&b, pretty, 1, true, "ociVersion");
  sb_json_str(&b, st->oci_version);
  sb_key(&b, pretty, 1, false, "id");
  sb_json_str(&b, st->id);
  sb_key(&b, pretty, 1, false, "pid");
  snprintf(num, sizeof num, "%d", st->status == LC_STATUS_STOPPED ? 0 : (int) st->pid);
  sb_puts(&b, num);
  sb_key(&b, pretty, 1, false, "status");
  sb_json_str(&b, lc_status_name(st->status));
  sb_key(&b, pretty, 1, false, "bundle");
  sb_json_str(&b, st->bundle);
  sb_key(&b, pretty, 1, false, "rootfs");
  sb_json_str(&b, st->rootfs);
  sb_key(&b, pretty, 1, false, "created");
  sb_json_str(&b, st->created);
  if (st->annotations && st->annotations[0] && st->annotations[1])
    sb_annotations(&b, pretty, st->annotations);
  sb_key(&b, pretty, 1, false, "owner");
  sb_json_str(&b, st->owner);
  sb_puts(&b, pretty ? "\n}" : "}");
  return b.p;
}
