/* cgroup.c — the cgroupfs manager: layout detection, the container's
 * directory in every hierarchy, create/set/attach, the record text, and
 * the process-level operations (pids, freeze, signal, destroy).  See
 * cgroup.h.  The contents of the resource files come from the writers.
 *
 * The kernel forces some orders here: a v1 cpuset cgroup accepts no task
 * until cpuset.cpus and cpuset.mems are set, so they are copied down from
 * the parent right after mkdir; a v2 controller can only be used in a
 * directory whose parent lists it in cgroup.subtree_control, so every
 * ancestor enables it, top down, before the files are written. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-bpf.h"
#include "cgroup-writers.h"
#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "xalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* ---- layout and mounts --------------------------------------------------- */

static bool is_fs(const char *path, long magic)
{
  struct statfs s;
  return statfs(path, &s) == 0 && (long) s.f_type == magic;
}

enum lc_cg_layout lc_cg_layout_detect(void)
{
  if (is_fs(LC_CGROUP_ROOT, CGROUP2_SUPER_MAGIC))
    return LC_CG_LAYOUT_V2;
  if (is_fs(LC_CGROUP_ROOT "/unified", CGROUP2_SUPER_MAGIC))
    return LC_CG_LAYOUT_HYBRID;
  struct stat st;
  return stat(LC_CGROUP_ROOT, &st) == 0 ? LC_CG_LAYOUT_V1 : LC_CG_LAYOUT_NONE;
}

static const char *const v1_names[] = {
  "cpuset",  "cpu",        "cpuacct",  "blkio",   "io",   "memory", "devices", "freezer",
  "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma",   "misc",    "debug",
};

static bool is_v1_controller(const char *tok)
{
  if (strncmp(tok, "name=", 5) == 0)
    return tok[5] != '\0';
  for (size_t i = 0; i < LC_ARRAY_SIZE(v1_names); i++)
    if (strcmp(tok, v1_names[i]) == 0)
      return true;
  return false;
}

/* "rw,nosuid,cpu,cpuacct" -> "cpu,cpuacct" (NULL when none). */
static char *v1_controllers_of(const char *superopts)
{
  _cleanup_free_ char *copy = xstrdup(superopts);
  char *save = NULL, *out = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (!is_v1_controller(t))
      continue;
    char *n = out ? xasprintf("%s,%s", out, t) : xstrdup(t);
    free(out);
    out = n;
  }
  return out;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0'
        && r[3] <= '7') {
      *w++ = (char) ((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

struct mi_line {
  char *root, *mnt, *fstype, *superopts;
};

/* Split one mountinfo line in place; false if malformed. */
static bool mi_split(char *line, struct mi_line *m)
{
  char *f[64];
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " ", &save); t && n < LC_ARRAY_SIZE(f);
       t = strtok_r(NULL, " ", &save))
    f[n++] = t;
  size_t dash = 6;
  while (dash < n && strcmp(f[dash], "-") != 0)
    dash++;
  if (n < 5 || dash + 3 >= n + 1 || dash + 3 > n)
    return false;
  m->root = f[3];
  m->mnt = f[4];
  m->fstype = f[dash + 1];
  m->superopts = f[dash + 3];
  unescape(m->root);
  unescape(m->mnt);
  return true;
}

static bool has_hier(const struct lc_cgroup *cg, const char *controllers)
{
  for (size_t i = 0; i < cg->n; i++)
    if (strcmp(cg->h[i].controllers, controllers) == 0)
      return true;
  return false;
}

static void add_hier(struct lc_cgroup *cg, const char *controllers, const char *mnt,
                     const char *root)
{
  cg->h = xrealloc(cg->h, (cg->n + 1) * sizeof *cg->h);
  cg->h[cg->n++] = (struct lc_cg_hier){
    .controllers = xstrdup(controllers),
    .mount = xstrdup(mnt),
    .mount_root = xstrdup(root),
    .dirfd = -1,
  };
}

/* Which hierarchy a mountinfo line is for the layout, if any. */
static char *mi_hierarchy(const struct mi_line *m, enum lc_cg_layout layout)
{
  if (strcmp(m->fstype, "cgroup2") == 0) {
    bool want = layout == LC_CG_LAYOUT_V2       ? strcmp(m->mnt, LC_CGROUP_ROOT) == 0
                : layout == LC_CG_LAYOUT_HYBRID ? strcmp(m->mnt, LC_CGROUP_ROOT "/unified") == 0
                                                : false;
    return want ? xstrdup("") : NULL;
  }
  if (strcmp(m->fstype, "cgroup") != 0 || layout == LC_CG_LAYOUT_V2
      || strncmp(m->mnt, LC_CGROUP_ROOT "/", sizeof LC_CGROUP_ROOT) != 0)
    return NULL;
  return v1_controllers_of(m->superopts);
}

int lc_cg_parse_mountinfo(const char *text, enum lc_cg_layout layout, struct lc_cgroup *out,
                          lc_error_t *err)
{
  _cleanup_free_ char *copy = xstrdup(text);
  char *save = NULL;
  out->layout = layout;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    struct mi_line m;
    if (!mi_split(line, &m))
      continue;
    _cleanup_free_ char *ctl = mi_hierarchy(&m, layout);
    if (ctl && !has_hier(out, ctl))
      add_hier(out, ctl, m.mnt, m.root);
  }
  if (out->n == 0)
    return lc_error_set(err, ENOENT, "no cgroup file system mounted under \"%s\"", LC_CGROUP_ROOT);
  return 0;
}

/* ---- paths ------------------------------------------------------------ */

/* Whether `tok` is one of the comma-separated words of `list`. */
static bool in_commas(const char *list, const char *tok)
{
  size_t l = strlen(tok);
  for (const char *p = list; (p = strstr(p, tok)); p += l)
    if ((p == list || p[-1] == ',') && (p[l] == ',' || p[l] == '\0'))
      return true;
  return false;
}

static size_t count_commas(const char *list)
{
  size_t n = 0;
  for (const char *p = list; *p; p++)
    n += (p == list || p[-1] == ',') && *p != ',';
  return n;
}

static bool same_set(const char *a, const char *b)
{
  if (count_commas(a) != count_commas(b))
    return false;
  _cleanup_free_ char *ca = xstrdup(a);
  char *save = NULL;
  for (char *t = strtok_r(ca, ",", &save); t; t = strtok_r(NULL, ",", &save))
    if (!in_commas(b, t))
      return false;
  return true;
}

char *lc_cg_own_path(const char *proc_cgroup, const char *controllers)
{
  _cleanup_free_ char *copy = xstrdup(proc_cgroup);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c2 = '\0';
    const char *ctl = c1 + 1;
    bool match = controllers[0] ? ctl[0] && same_set(ctl, controllers)
                                : ctl[0] == '\0' && strncmp(line, "0:", 2) == 0;
    if (match)
      return xstrdup(c2 + 1);
  }
  return NULL;
}

char *lc_cg_inner_path(const char *cgroups_path, const char *id)
{
  const char *src = cgroups_path && cgroups_path[0] ? cgroups_path : id;
  bool abs = src[0] == '/';
  _cleanup_free_ char *copy = xstrdup(src);
  char *out = xzalloc(strlen(src) + 2), *save = NULL;
  size_t len = 0;
  for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
    if (strcmp(t, ".") == 0)
      continue;
    if (strcmp(t, "..") == 0) {
      while (len > 0 && out[len - 1] != '/')
        len--;
      if (len > 0)
        len--;
      out[len] = '\0';
      continue;
    }
    len += (size_t) sprintf(out + len, "%s%s", len ? "/" : "", t);
  }
  if (!abs)
    return out;
  char *a = xasprintf("/%s", out);
  free(out);
  return a;
}

static char *path_join3(const char *a, const char *b, const char *c)
{
  char *s = xasprintf("%s/%s/%s", a, b, c), *w = s;
  for (const char *r = s; *r; r++)
    if (!(r[0] == '/' && (r[1] == '/' || r[1] == '\0')) || w == s)
      *w++ = *r;
  *w = '\0';
  return s;
}

char *lc_cg_dir(const struct lc_cg_hier *h, enum lc_cg_layout layout, const char *inner,
                const char *own)
{
  if (inner[0] == '/')
    return path_join3(h->mount, "", inner);
  const char *rel = own ? own : "/";
  size_t rl = strlen(h->mount_root);
  if (strcmp(h->mount_root, "/") != 0 && strncmp(rel, h->mount_root, rl) == 0
      && (rel[rl] == '/' || rel[rl] == '\0'))
    rel += rl;
  _cleanup_free_ char *parent = xstrdup(rel);
  if (layout == LC_CG_LAYOUT_V2) { /* runc: the runtime's own cgroup has tasks */
    char *slash = strrchr(parent, '/');
    if (slash)
      *slash = '\0';
  }
  return path_join3(h->mount, parent, inner);
}

int lc_cgroup_plan(const struct lc_spec *spec, const char *id, struct lc_cgroup **out,
                   lc_error_t *err)
{
  enum lc_cg_layout layout = lc_cg_layout_detect();
  if (layout == LC_CG_LAYOUT_NONE)
    return lc_error_set(err, ENOENT, "no cgroup file system mounted under \"%s\"", LC_CGROUP_ROOT);
  _cleanup_free_ char *mi = NULL, *self = NULL;
  int r = lc_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi, NULL, err);
  if (r == 0)
    r = lc_read_file_at(AT_FDCWD, "/proc/self/cgroup", &self, NULL, err);
  if (r < 0)
    return r;
  struct lc_cgroup *cg = xzalloc(sizeof *cg);
  if ((r = lc_cg_parse_mountinfo(mi, layout, cg, err)) < 0) {
    lc_cgroup_free(cg);
    return r;
  }
  const char *cp = spec && spec->linux_ ? spec->linux_->cgroups_path : NULL;
  _cleanup_free_ char *inner = lc_cg_inner_path(cp, id);
  if (inner[0] == '\0' || strcmp(inner, "/") == 0) {
    lc_cgroup_free(cg);
    return lc_error_set(err, EINVAL, "linux.cgroupsPath: \"%s\" is a cgroup root", cp);
  }
  for (size_t i = 0; i < cg->n; i++) {
    _cleanup_free_ char *own = lc_cg_own_path(self, cg->h[i].controllers);
    cg->h[i].path = lc_cg_dir(&cg->h[i], layout, inner, own);
  }
  *out = cg;
  return 0;
}

/* ---- create ------------------------------------------------------------ */

/* mkdir every component of h->path below the mount; remember the first
 * one we made (EEXIST: it was there, not ours). */
static int mkdir_tracked(struct lc_cg_hier *h, lc_error_t *err)
{
  size_t ml = strlen(h->mount);
  _cleanup_free_ char *p = xstrdup(h->path);
  for (char *s = p + ml + 1; s <= p + strlen(h->path); s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0755) == 0) {
      if (!h->created)
        h->created = xstrdup(p);
    } else if (errno != EEXIST) {
      return lc_error_sys(err, errno, "mkdir cgroup \"%s\"", p);
    }
    *s = c;
    if (c == '\0')
      break;
  }
  return 0;
}

/* Every level below the mount, top down: lc_cg1_cpuset_init copies the
 * parent's cpus/mems into a directory that has none. */
static int cpuset_init(const struct lc_cg_hier *h, lc_error_t *err)
{
  size_t ml = strlen(h->mount);
  _cleanup_close_ int parent = open(h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return lc_error_sys(err, errno, "open \"%s\"", h->mount);
  for (const char *s = h->path + ml + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    _cleanup_free_ char *dir = xstrndup(h->path, (size_t) (s - h->path));
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      return lc_error_sys(err, errno, "open \"%s\"", dir);
    int r = lc_cg1_cpuset_init(parent, fd, err);
    close(parent);
    parent = fd;
    if (r < 0)
      return lc_error_prefix(err, "\"%s\"", dir);
    if (*s == '\0')
      return 0;
  }
}

static bool word_in(const char *list, const char *word)
{
  size_t l = strlen(word);
  for (const char *p = list; (p = strstr(p, word)); p += l)
    if ((p == list || p[-1] == ' ' || p[-1] == '+')
        && (p[l] == ' ' || p[l] == '\0' || p[l] == '\n'))
      return true;
  return false;
}

/* Enable, in `dir`'s cgroup.subtree_control, every controller it has
 * (like runc: a later `update` may need any of them).  Failing to enable
 * one that `needed` names is an error; others are skipped. */
static int enable_in(const char *dir, const char *needed, lc_error_t *err)
{
  _cleanup_free_ char *avail = NULL, *ctl = xasprintf("%s/cgroup.controllers", dir);
  _cleanup_free_ char *sub = xasprintf("%s/cgroup.subtree_control", dir);
  int r = lc_read_file_at(AT_FDCWD, ctl, &avail, NULL, err);
  if (r < 0)
    return r;
  char *save = NULL;
  for (char *t = strtok_r(avail, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
    _cleanup_free_ char *plus = xasprintf("+%s", t);
    lc_error_t e = {0};
    r = lc_write_file_at(AT_FDCWD, sub, plus, &e);
    if (r < 0 && needed && word_in(needed, t)) {
      lc_error_move(err, &e);
      return r;
    }
    if (r < 0)
      lc_debug("cgroup: %s", e.msg);
    lc_error_clear(&e);
  }
  return 0;
}

static int enable_controllers(const struct lc_cg_hier *h, const struct lc_resources *r,
                              lc_error_t *err)
{
  _cleanup_free_ char *needed = NULL;
  if (r && lc_cg2_needed_controllers(r, &needed) < 0)
    needed = NULL;
  size_t ml = strlen(h->mount);
  for (const char *s = h->path + ml;; s++) {
    if (*s != '/')
      continue;
    _cleanup_free_ char *dir = xstrndup(h->path, (size_t) (s - h->path));
    int e = enable_in(dir[0] ? dir : "/", needed, err);
    if (e < 0)
      return e;
    if (!strchr(s + 1, '/'))
      return 0;
  }
}

static int open_dir(struct lc_cg_hier *h, lc_error_t *err)
{
  if (h->dirfd >= 0)
    return 0;
  h->dirfd = open(h->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (h->dirfd < 0)
    return lc_error_sys(err, errno, "open cgroup \"%s\"", h->path);
  return 0;
}

static bool has_controller(const struct lc_cg_hier *h, const char *name)
{
  return h->controllers[0] && in_commas(h->controllers, name);
}

const struct lc_cg_hier *lc_cgroup_v1(const struct lc_cgroup *cg, const char *controller)
{
  for (size_t i = 0; cg && i < cg->n; i++)
    if (has_controller(&cg->h[i], controller))
      return &cg->h[i];
  return NULL;
}

static const struct lc_cg_hier *unified(const struct lc_cgroup *cg)
{
  for (size_t i = 0; cg && i < cg->n; i++)
    if (cg->h[i].controllers[0] == '\0')
      return &cg->h[i];
  return NULL;
}

/* The writers in the table's order; the devices writer (always "needed":
 * the default rules) only when `devices`. */
static int set_v1(struct lc_cgroup *cg, const struct lc_resources *r, bool devices, lc_error_t *err)
{
  size_t n = 0;
  const struct lc_cg1_controller *t = lc_cg1_controllers(&n);
  int e = lc_cg1_check(r, err);
  for (size_t i = 0; e >= 0 && i < n; i++) {
    const struct lc_cg_hier *h = lc_cgroup_v1(cg, t[i].name);
    if (!h || h->dirfd < 0 || !t[i].write || (t[i].needed && !t[i].needed(r)))
      continue;
    if (!devices && strcmp(t[i].name, "devices") == 0)
      continue;
    e = t[i].write(h->dirfd, r, err);
  }
  return e < 0 ? e : 0;
}

static int set_v2(const struct lc_cg_hier *h, const struct lc_resources *r, bool devices,
                  lc_error_t *err)
{
  int e = lc_cg2_write_resources(h->dirfd, r, err);
  if (e < 0 || !devices)
    return e;
  return lc_cg2_devices_apply(h->dirfd, r, err);
}

int lc_cgroup_set(struct lc_cgroup *cg, const struct lc_resources *r, bool devices, lc_error_t *err)
{
  static const struct lc_resources none;
  if (!r)
    r = &none;
  int e = 0;
  if (cg->layout == LC_CG_LAYOUT_V2) {
    const struct lc_cg_hier *h = unified(cg);
    if (h && h->dirfd >= 0)
      e = set_v2(h, r, devices, err);
  } else {
    e = set_v1(cg, r, devices, err);
  }
  return e < 0 ? lc_error_prefix(err, "cgroup") : 0;
}

static int create_one(struct lc_cgroup *cg, struct lc_cg_hier *h, const struct lc_resources *r,
                      lc_error_t *err)
{
  int e = mkdir_tracked(h, err);
  if (e == 0 && has_controller(h, "cpuset"))
    e = cpuset_init(h, err);
  if (e == 0 && cg->layout == LC_CG_LAYOUT_V2)
    e = enable_controllers(h, r, err);
  if (e == 0)
    e = open_dir(h, err);
  return e;
}

int lc_cgroup_create(struct lc_cgroup *cg, const struct lc_resources *r, lc_error_t *err)
{
  int e = 0;
  for (size_t i = 0; e == 0 && i < cg->n; i++)
    e = create_one(cg, &cg->h[i], r, err);
  if (e < 0)
    lc_error_prefix(err, "cgroup");
  else
    e = lc_cgroup_set(cg, r, true, err);
  if (e < 0)
    lc_cgroup_remove_created(cg);
  return e;
}

int lc_cgroup_clone_fd(const struct lc_cgroup *cg)
{
  const struct lc_cg_hier *h = cg && cg->layout == LC_CG_LAYOUT_V2 ? unified(cg) : NULL;
  return h ? h->dirfd : -1;
}

int lc_cgroup_attach(const struct lc_cgroup *cg, pid_t pid, lc_error_t *err)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < cg->n; i++) {
    const struct lc_cg_hier *h = &cg->h[i];
    if (h->dirfd < 0)
      continue;
    int e = lc_write_file_at(h->dirfd, "cgroup.procs", buf, err);
    if (e < 0)
      return lc_error_prefix(err, "join cgroup \"%s\"", h->path);
  }
  return 0;
}

/* ---- the record text ------------------------------------------------------ */

char *lc_cgroup_serialize(const struct lc_cgroup *cg)
{
  char *out = xstrdup("");
  for (size_t i = 0; i < cg->n; i++) {
    char *n = xasprintf("%s%s:%s\n", out, cg->h[i].controllers, cg->h[i].path);
    free(out);
    out = n;
  }
  return out;
}

int lc_cgroup_load(const char *recorded, struct lc_cgroup **out, lc_error_t *err)
{
  struct lc_cgroup *cg = xzalloc(sizeof *cg);
  _cleanup_free_ char *copy = xstrdup(recorded);
  char *save = NULL;
  bool v1 = false;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *colon = strchr(line, ':');
    if (!colon || colon[1] != '/') {
      lc_cgroup_free(cg);
      return lc_error_set(err, EINVAL, "invalid cgroup record \"%s\"", line);
    }
    *colon = '\0';
    add_hier(cg, line, "", "/");
    struct lc_cg_hier *h = &cg->h[cg->n - 1];
    h->path = xstrdup(colon + 1);
    h->dirfd = open(h->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    v1 |= line[0] != '\0';
  }
  bool v2 = unified(cg) != NULL;
  cg->layout = v1 && v2 ? LC_CG_LAYOUT_HYBRID : v1 ? LC_CG_LAYOUT_V1 : LC_CG_LAYOUT_V2;
  *out = cg;
  return 0;
}

void lc_cgroup_free(struct lc_cgroup *cg)
{
  if (!cg)
    return;
  for (size_t i = 0; i < cg->n; i++) {
    struct lc_cg_hier *h = &cg->h[i];
    lc_closep(&h->dirfd);
    free(h->controllers);
    free(h->mount);
    free(h->mount_root);
    free(h->path);
    free(h->created);
  }
  free(cg->h);
  free(cg);
}

const struct lc_cg_hier *lc_cgroup_main(const struct lc_cgroup *cg)
{
  static const char *const prefer[] = {"freezer", "pids", "devices", "memory"};
  const struct lc_cg_hier *u = unified(cg);
  if (u && u->dirfd >= 0)
    return u;
  for (size_t i = 0; i < LC_ARRAY_SIZE(prefer); i++) {
    const struct lc_cg_hier *h = lc_cgroup_v1(cg, prefer[i]);
    if (h && h->dirfd >= 0)
      return h;
  }
  for (size_t i = 0; cg && i < cg->n; i++)
    if (cg->h[i].dirfd >= 0)
      return &cg->h[i];
  return NULL;
}

/* ---- processes ------------------------------------------------------------ */

#define CG_MAX_DEPTH 32

static void add_pids(const char *text, pid_t **v, size_t *n)
{
  for (const char *p = text; *p;) {
    char *end;
    long pid = strtol(p, &end, 10);
    if (end == p) {
      p++;
      continue;
    }
    if (pid > 0) {
      *v = xrealloc(*v, (*n + 1) * sizeof **v);
      (*v)[(*n)++] = (pid_t) pid;
    }
    p = end;
  }
}

/* cgroup.procs of `dfd` and of every sub-cgroup below it. */
static int collect_pids(int dfd, int depth, pid_t **v, size_t *n, lc_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  int r = lc_read_file_at(dfd, "cgroup.procs", &text, NULL, err);
  if (r == -ENOENT || r == -ENODEV) { /* removed meanwhile */
    lc_error_clear(err);
    return 0;
  }
  if (r < 0)
    return r;
  add_pids(text, v, n);
  int dup_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  if (!d) {
    if (dup_fd >= 0)
      close(dup_fd);
    return depth ? 0 : lc_error_sys(err, errno, "open cgroup directory");
  }
  struct dirent *de;
  while (r == 0 && depth < CG_MAX_DEPTH && (de = readdir(d))) {
    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    _cleanup_close_ int sub =
      openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (sub >= 0)
      r = collect_pids(sub, depth + 1, v, n, err);
  }
  closedir(d);
  return r;
}

static int cmp_pid(const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

int lc_cgroup_pids(const struct lc_cgroup *cg, pid_t **pids, size_t *n, lc_error_t *err)
{
  const struct lc_cg_hier *h = lc_cgroup_main(cg);
  pid_t *v = NULL;
  size_t k = 0;
  int r = h ? collect_pids(h->dirfd, 0, &v, &k, err) : 0;
  if (r < 0) {
    free(v);
    return lc_error_prefix(err, "cgroup \"%s\"", h->path);
  }
  if (k)
    qsort(v, k, sizeof *v, cmp_pid);
  size_t w = 0;
  for (size_t i = 0; i < k; i++)
    if (w == 0 || v[w - 1] != v[i])
      v[w++] = v[i];
  *pids = v;
  *n = w;
  return 0;
}

/* ---- freezer ---------------------------------------------------------------- */

#define FREEZE_TIMEOUT_MS 10000

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* The freezer file: v2 cgroup.freeze in the cgroup2 directory (pure v2
 * only: on hybrid the v1 freezer owns freezing), else v1 freezer.state. */
static const struct lc_cg_hier *freezer(const struct lc_cgroup *cg, bool *v2)
{
  const struct lc_cg_hier *h = cg->layout == LC_CG_LAYOUT_V2 ? unified(cg) : NULL;
  *v2 = h != NULL;
  if (!h)
    h = lc_cgroup_v1(cg, "freezer");
  return h && h->dirfd >= 0 ? h : NULL;
}

static bool read_frozen(const struct lc_cg_hier *h, bool v2, bool *frozen)
{
  _cleanup_free_ char *text = NULL;
  lc_error_t e = {0};
  int r = lc_read_file_at(h->dirfd, v2 ? "cgroup.events" : "freezer.state", &text, NULL, &e);
  lc_error_clear(&e);
  if (r < 0)
    return false;
  if (!v2) {
    *frozen = strncmp(text, "FROZEN", 6) == 0;
    return *frozen || strncmp(text, "THAWED", 6) == 0; /* FREEZING: not settled */
  }
  const char *f = strstr(text, "frozen ");
  if (!f)
    return false;
  *frozen = f[7] == '1';
  return true;
}

bool lc_cgroup_is_frozen(const struct lc_cgroup *cg)
{
  bool v2, frozen = false;
  const struct lc_cg_hier *h = cg ? freezer(cg, &v2) : NULL;
  return h && read_frozen(h, v2, &frozen) && frozen;
}

int lc_cgroup_freeze(const struct lc_cgroup *cg, bool frozen, lc_error_t *err)
{
  bool v2;
  const struct lc_cg_hier *h = freezer(cg, &v2);
  if (!h)
    return lc_error_set(err, ENOTSUP, "cgroup: no freezer available");
  const char *file = v2 ? "cgroup.freeze" : "freezer.state";
  const char *val = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
  for (long waited = 0, step = 1; waited < FREEZE_TIMEOUT_MS;
       waited += step, step = step < 64 ? step * 2 : step) {
    /* v1 may stay FREEZING while a task is in an uninterruptible sleep:
     * writing FROZEN again retries. */
    if (waited == 0 || (!v2 && step >= 64)) {
      int r = lc_write_file_at(h->dirfd, file, val, err);
      if (r < 0)
        return lc_error_prefix(err, "cgroup \"%s\"", h->path);
    }
    bool now;
    if (read_frozen(h, v2, &now) && now == frozen)
      return 0;
    sleep_ms(step);
  }
  if (frozen) { /* do not leave it half frozen */
    lc_error_t e = {0};
    (void) lc_write_file_at(h->dirfd, file, v2 ? "0" : "THAWED", &e);
    lc_error_clear(&e);
  }
  return lc_error_set(err, ETIMEDOUT, "cgroup \"%s\": timed out waiting to %s", h->path,
                      frozen ? "freeze" : "thaw");
}

/* ---- signal and destroy ------------------------------------------------- */

static int signal_pids(const struct lc_cgroup *cg, int signo, lc_error_t *err)
{
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  int r = lc_cgroup_pids(cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (kill(pids[i], signo) < 0 && errno != ESRCH)
      r = lc_error_sys(err, errno, "kill %d", (int) pids[i]);
  return r;
}

int lc_cgroup_signal(const struct lc_cgroup *cg, int signo, lc_error_t *err)
{
  /* Frozen, nothing can fork between listing and signalling.  A cgroup
   * that was frozen already stays so, except for SIGKILL: a task frozen by
   * the v1 freezer only dies once thawed. */
  bool v2, was = lc_cgroup_is_frozen(cg);
  bool froze = false;
  lc_error_t e = {0};
  const struct lc_cg_hier *u = unified(cg);
  if (signo == SIGKILL && u && u->dirfd >= 0
      && lc_write_file_at(u->dirfd, "cgroup.kill", "1", &e) == 0) { /* Linux >= 5.14 */
    return was ? lc_cgroup_freeze(cg, false, err) : 0;
  }
  lc_error_clear(&e);
  if (!was && freezer(cg, &v2)) {
    froze = lc_cgroup_freeze(cg, true, &e) == 0;
    if (!froze)
      lc_debug("%s", e.msg); /* signal them unfrozen then */
    lc_error_clear(&e);
  }
  int r = signal_pids(cg, signo, err);
  if ((froze || (was && signo == SIGKILL)) && lc_cgroup_freeze(cg, false, r < 0 ? &e : err) < 0
      && r == 0)
    r = -err->errnum;
  lc_error_clear(&e);
  return r;
}

/* Wait until the cgroup holds no process, at most `ms`. */
static bool wait_empty(const struct lc_cgroup *cg, long ms)
{
  for (long waited = 0, step = 1; waited <= ms;
       waited += step, step = step < 50 ? step * 2 : step) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    lc_error_t e = {0};
    int r = lc_cgroup_pids(cg, &pids, &n, &e);
    lc_error_clear(&e);
    if (r < 0 || n == 0)
      return true;
    sleep_ms(step);
  }
  return false;
}

/* rmdir `name` under `dfd` with its sub-cgroups, deepest first. */
static int rmdir_tree(int dfd, const char *name, int depth)
{
  _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 0 : -errno;
  int dup_fd = depth < CG_MAX_DEPTH ? dup(fd) : -1;
  DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
  struct dirent *de;
  while (d && (de = readdir(d)))
    if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      (void) rmdir_tree(fd, de->d_name, depth + 1);
  if (d)
    closedir(d);
  else if (dup_fd >= 0)
    close(dup_fd);
  return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

static int remove_dir(const char *path)
{
  _cleanup_free_ char *parent = xstrdup(path);
  char *slash = strrchr(parent, '/');
  if (!slash || slash == parent)
    return -EINVAL;
  *slash = '\0';
  _cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return errno == ENOENT ? 0 : -errno;
  int r = 0;
  /* A task that just exited leaves the cgroup only once reaped: retry EBUSY. */
  for (long waited = 0, step = 1; waited < 2000;
       waited += step, step = step < 50 ? step * 2 : step) {
    if ((r = rmdir_tree(pfd, slash + 1, 0)) != -EBUSY)
      break;
    sleep_ms(step);
  }
  return r;
}

int lc_cgroup_destroy(struct lc_cgroup *cg, lc_error_t *err)
{
  if (!wait_empty(cg, 100)) {
    lc_error_t e = {0};
    if (lc_cgroup_signal(cg, SIGKILL, &e) < 0)
      lc_debug("%s", e.msg);
    lc_error_clear(&e);
    if (!wait_empty(cg, 5000))
      lc_warn("cgroup: processes are still running after SIGKILL");
  }
  int first = 0;
  for (size_t i = 0; i < cg->n; i++) {
    struct lc_cg_hier *h = &cg->h[i];
    lc_closep(&h->dirfd);
    h->dirfd = -1;
    int r = remove_dir(h->path);
    if (r < 0 && !first) {
      first = r;
      lc_error_sys(err, -r, "remove cgroup \"%s\"", h->path);
    }
  }
  return first;
}

/* Only what create made: processes left in a leaf we made are killed
 * (a failed create's stragglers), a pre-existing cgroup is left alone. */
void lc_cgroup_remove_created(struct lc_cgroup *cg)
{
  bool ours = false;
  for (size_t i = 0; cg && i < cg->n; i++)
    ours |= cg->h[i].created && strcmp(cg->h[i].created, cg->h[i].path) == 0;
  if (ours && !wait_empty(cg, 0)) {
    lc_error_t e = {0};
    (void) lc_cgroup_signal(cg, SIGKILL, &e);
    lc_error_clear(&e);
    (void) wait_empty(cg, 5000);
  }
  for (size_t i = 0; cg && i < cg->n; i++) {
    struct lc_cg_hier *h = &cg->h[i];
    if (!h->created)
      continue;
    lc_closep(&h->dirfd);
    h->dirfd = -1;
    _cleanup_free_ char *p = xstrdup(h->path);
    (void) remove_dir(p); /* the leaf with any sub-cgroups */
    size_t stop = strlen(h->created);
    while (strlen(p) > stop) {
      *strrchr(p, '/') = '\0';
      if (rmdir(p) < 0 && errno != ENOENT)
        lc_debug("cgroup: rmdir \"%s\": %s", p, strerror(errno));
    }
    free(h->created);
    h->created = NULL;
  }
}
