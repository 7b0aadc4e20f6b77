/* container-cgroup.c — the lifecycle operations that act on a container's
 * cgroup (runc's pause, resume, ps, update, events) and the cgroup glue of
 * create and delete.  Orchestration only: the manager (cgroup.c) does the
 * file system work.
 *
 * `update` keeps the container's effective linux.resources in
 * <state dir>/resources.json (written by create from config.json): a new
 * body or set of flags is merged over it (objects key by key, anything else
 * replaced) and the whole result is written again, so a partial update
 * (only --cpu-period, only --memory-swap) keeps the values it depends on,
 * as runc does with its saved config.  Device rules are only rewritten (the
 * v2 filter replaced) when the body itself has "devices". */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "xalloc.h"

#define RESOURCES_FILE "resources.json"

/* ---- JSON trees: regenerate and merge ------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void gen_tree(yajl_gen g, yajl_val v);

/* `base` with `over` merged in: objects key by key, anything else replaced. */
static void gen_merged(yajl_gen g, yajl_val base, yajl_val over)
{
  if (!over || !base || !YAJL_IS_OBJECT(over) || !YAJL_IS_OBJECT(base)) {
    gen_tree(g, over ? over : base);
    return;
  }
  yajl_gen_map_open(g);
  for (size_t i = 0; i < base->u.object.len; i++) {
    const char *k = base->u.object.keys[i];
    const char *path[] = {k, NULL};
    gen_str(g, k);
    gen_merged(g, base->u.object.values[i], yajl_tree_get(over, path, yajl_t_any));
  }
  for (size_t i = 0; i < over->u.object.len; i++) {
    const char *path[] = {over->u.object.keys[i], NULL};
    if (yajl_tree_get(base, path, yajl_t_any))
      continue;
    gen_str(g, over->u.object.keys[i]);
    gen_tree(g, over->u.object.values[i]);
  }
  yajl_gen_map_close(g);
}

static void gen_tree(yajl_gen g, yajl_val v)
{
  if (!v || YAJL_IS_NULL(v)) {
    yajl_gen_null(g);
  } else if (YAJL_IS_STRING(v)) {
    gen_str(g, v->u.string);
  } else if (YAJL_IS_NUMBER(v)) {
    yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
  } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
    yajl_gen_bool(g, YAJL_IS_TRUE(v));
  } else if (YAJL_IS_ARRAY(v)) {
    yajl_gen_array_open(g);
    for (size_t i = 0; i < v->u.array.len; i++)
      gen_tree(g, v->u.array.values[i]);
    yajl_gen_array_close(g);
  } else {
    yajl_gen_map_open(g);
    for (size_t i = 0; i < v->u.object.len; i++) {
      gen_str(g, v->u.object.keys[i]);
      gen_tree(g, v->u.object.values[i]);
    }
    yajl_gen_map_close(g);
  }
}

static char *tree_text(yajl_val base, yajl_val over)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    abort();
  gen_merged(g, base, over);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  char *out = xstrndup((const char *) buf, len);
  yajl_gen_free(g);
  return out;
}

static int parse_tree(const char *text, const char *what, yajl_val *out, lc_error_t *err)
{
  char msg[256] = "";
  *out = yajl_tree_parse(text, msg, sizeof msg);
  if (!*out)
    return lc_error_set(err, EINVAL, "%s: invalid JSON: %s", what, msg[0] ? msg : "?");
  if (!YAJL_IS_OBJECT(*out) && !YAJL_IS_NULL(*out)) {
    yajl_tree_free(*out);
    return lc_error_set(err, EINVAL, "%s: expected an object", what);
  }
  return 0;
}

/* Save config.json's linux.resources ("{}" when absent) for update. */
static int save_config_resources(int statedirfd, const char *bundle, lc_error_t *err)
{
  _cleanup_free_ char *path = xasprintf("%s/config.json", bundle), *text = NULL;
  int r = lc_read_file_at(AT_FDCWD, path, &text, NULL, err);
  yajl_val root = NULL;
  if (r == 0)
    r = parse_tree(text, "config.json", &root, err);
  if (r < 0)
    return r;
  const char *p[] = {"linux", "resources", NULL};
  yajl_val res = yajl_tree_get(root, p, yajl_t_object);
  _cleanup_free_ char *out = res ? tree_text(res, NULL) : xstrdup("{}");
  yajl_tree_free(root);
  return lc_write_file_atomic_at(statedirfd, RESOURCES_FILE, out, strlen(out), 0600, err);
}

/* ---- create and delete glue ------------------------------------------------- */

int lc_cgroup_check_manager(enum lc_cgroup_manager m, lc_error_t *err)
{
  struct stat st;
  if (m == LC_CGROUP_SYSTEMD && stat("/run/systemd/system", &st) < 0)
    return lc_error_set(err, ENOTSUP, "systemd cgroup manager: systemd is not running");
  if (m == LC_CGROUP_SYSTEMD)
    return lc_error_set(err, ENOTSUP, "systemd cgroup manager: not supported, use cgroupfs");
  return 0;
}

int lc_cgroup_prepare(const struct lc_context *ctx, const struct lc_spec *spec,
                      struct lc_cgroup **out, lc_error_t *err)
{
  *out = NULL;
  int r = lc_cgroup_check_manager(ctx->cgroup_manager, err);
  if (r < 0 || ctx->cgroup_manager == LC_CGROUP_DISABLED)
    return r;
  return lc_cgroup_plan(spec, ctx->id, out, err);
}

int lc_cgroup_setup(struct lc_cgroup *cg, const struct lc_spec *spec, const char *bundle,
                    int statedirfd, lc_error_t *err)
{
  if (!cg)
    return 0;
  int r = save_config_resources(statedirfd, bundle, err);
  if (r < 0)
    return r;
  return lc_cgroup_create(cg, spec->linux_ ? spec->linux_->resources : NULL, err);
}

int lc_cgroup_record_remove(const struct lc_state_record *rec, lc_error_t *err)
{
  if (!rec || !rec->cgroup_path)
    return 0;
  struct lc_cgroup *cg = NULL;
  int r = lc_cgroup_load(rec->cgroup_path, &cg, err);
  if (r == 0)
    r = lc_cgroup_destroy(cg, err);
  lc_cgroup_free(cg);
  return r;
}

int lc_cgroup_record_signal(const struct lc_state_record *rec, int signo, lc_error_t *err)
{
  struct lc_cgroup *cg = NULL;
  int r = lc_cgroup_load(rec->cgroup_path, &cg, err);
  if (r == 0)
    r = lc_cgroup_signal(cg, signo, err);
  lc_cgroup_free(cg);
  return r;
}

/* ---- opening a container ---------------------------------------------------- */

struct ctr {
  struct lc_state_dir dir;
  struct lc_state_record *rec;
  struct lc_cgroup *cg;
  enum lc_status st;
};

static void ctr_close(struct ctr *c)
{
  lc_cgroup_free(c->cg);
  lc_state_record_free(c->rec);
  lc_state_dir_close(&c->dir);
}

/* Open and lock the container; load its cgroup (ENODEV when it has none). */
static int ctr_open(const struct lc_context *ctx, bool shared, bool need_cgroup, struct ctr *c,
                    lc_error_t *err)
{
  *c = (struct ctr){.dir = LC_STATE_DIR_INIT};
  int r = lc_id_validate(ctx->id, err);
  if (r == 0)
    r = lc_state_dir_open(ctx->root, ctx->id, shared, &c->dir, err);
  if (r == 0)
    r = lc_state_record_read(&c->dir, &c->rec, err);
  if (r < 0)
    return r;
  c->st = lc_state_status(&c->dir, c->rec);
  if (c->rec->cgroup_path)
    r = lc_cgroup_load(c->rec->cgroup_path, &c->cg, err);
  else if (need_cgroup)
    r = lc_error_set(err, ENODEV, "container \"%s\" has no cgroup (cgroup manager disabled)",
                     ctx->id);
  return r;
}

static bool alive(enum lc_status st)
{
  return st == LC_STATUS_CREATED || st == LC_STATUS_RUNNING || st == LC_STATUS_PAUSED;
}

/* ---- pause, resume -------------------------------------------------------- */

static int set_paused(const struct lc_context *ctx, bool pause, lc_error_t *err)
{
  struct ctr c;
  int r = ctr_open(ctx, false, true, &c, err);
  if (r == 0 && pause && c.st != LC_STATUS_RUNNING && c.st != LC_STATUS_CREATED)
    r = lc_error_set(
      err, EINVAL, c.st == LC_STATUS_PAUSED ? "container already paused" : "container not running");
  if (r == 0 && !pause && c.st != LC_STATUS_PAUSED)
    r = lc_error_set(err, EINVAL, "container not paused");
  if (r == 0)
    r = lc_cgroup_freeze(c.cg, pause, err);
  if (r == 0) {
    c.rec->paused = pause;
    r = lc_state_record_write(&c.dir, c.rec, err);
    if (r < 0) /* keep the cgroup and the record in agreement */
      (void) lc_cgroup_freeze(c.cg, !pause, &(lc_error_t){0});
  }
  ctr_close(&c);
  return r;
}

int lc_pause(const struct lc_context *ctx, lc_error_t *err)
{
  return set_paused(ctx, true, err);
}

int lc_resume(const struct lc_context *ctx, lc_error_t *err)
{
  return set_paused(ctx, false, err);
}

/* ---- ps ------------------------------------------------------------------ */

int lc_ps(const struct lc_context *ctx, pid_t **pids, size_t *n, lc_error_t *err)
{
  struct ctr c;
  int r = ctr_open(ctx, true, false, &c, err);
  if (r == 0 && c.cg) {
    r = lc_cgroup_pids(c.cg, pids, n, err);
  } else if (r == 0) { /* no cgroup: the init is all we know */
    *n = alive(c.st) ? 1 : 0;
    *pids = xzalloc(sizeof **pids);
    (*pids)[0] = c.rec->pub.pid;
  }
  ctr_close(&c);
  return r;
}

/* ---- update ---------------------------------------------------------------- */

static int merged_resources(int dirfd, const char *body, char **merged, bool *devices,
                            lc_error_t *err)
{
  _cleanup_free_ char *saved = NULL;
  lc_error_t e = {0};
  if (lc_read_file_at(dirfd, RESOURCES_FILE, &saved, NULL, &e) < 0)
    saved = xstrdup("{}"); /* created by an older ocirun: start from nothing */
  lc_error_clear(&e);
  yajl_val base = NULL, over = NULL;
  int r = parse_tree(saved, RESOURCES_FILE, &base, err);
  if (r == 0)
    r = parse_tree(body, "resources", &over, err);
  if (r == 0) {
    const char *p[] = {"devices", NULL};
    *devices = yajl_tree_get(over, p, yajl_t_any) != NULL;
    *merged = tree_text(base, over);
  }
  yajl_tree_free(base);
  yajl_tree_free(over);
  return r;
}

int lc_update(const struct lc_context *ctx, const char *json, size_t len, lc_error_t *err)
{
  struct lc_resources *check = NULL, *eff = NULL;
  struct ctr c;
  _cleanup_free_ char *body = xstrndup(json, len), *merged = NULL;
  bool devices = false;
  /* runc's order: the container first, then the body. */
  int r = ctr_open(ctx, false, true, &c, err);
  if (r == 0 && !alive(c.st))
    r = lc_error_set(err, EINVAL, "container not running");
  if (r == 0 && (r = lc_resources_parse(json, len, &check, err)) < 0) /* the body alone */
    lc_error_prefix(err, "resources");
  if (r == 0)
    r = merged_resources(c.dir.dirfd, body, &merged, &devices, err);
  if (r == 0)
    r = lc_resources_parse(merged, strlen(merged), &eff, err);
  if (r == 0)
    r = lc_cgroup_set(c.cg, eff, devices, err);
  if (r == 0)
    r = lc_write_file_atomic_at(c.dir.dirfd, RESOURCES_FILE, merged, strlen(merged), 0600, err);
  lc_resources_free(check);
  lc_resources_free(eff);
  ctr_close(&c);
  return r;
}

/* ---- events ---------------------------------------------------------------- */

static int emit_stats(const struct lc_cgroup *cg, const char *id, lc_event_fn emit, void *arg,
                      lc_error_t *err)
{
  _cleanup_free_ char *data = NULL;
  int r = lc_cgroup_stats_json(cg, &data, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *line = xasprintf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id, data);
  r = emit(line, arg);
  return r < 0 ? lc_error_sys(err, -r, "events") : 0;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Stats every interval and an "oom" line whenever the OOM counter grows,
 * until the init exits (its pidfd turns readable). */
static int stream(const struct ctr *c, const char *id, uint64_t interval_ms, lc_event_fn emit,
                  void *arg, lc_error_t *err)
{
  _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, c->rec->pub.pid, 0);
  if (pidfd < 0)
    return lc_error_sys(err, errno, "pidfd_open %d", c->rec->pub.pid);
  uint64_t next = now_ms() + interval_ms, oom = lc_cgroup_oom_count(c->cg);
  for (;;) {
    uint64_t t = now_ms(), o = lc_cgroup_oom_count(c->cg);
    int r = 0;
    if (o > oom) {
      _cleanup_free_ char *line = xasprintf("{\"type\":\"oom\",\"id\":\"%s\"}", id);
      r = emit(line, arg) < 0 ? lc_error_sys(err, EPIPE, "events") : 0;
    }
    oom = o;
    if (r == 0 && t >= next) {
      r = emit_stats(c->cg, id, emit, arg, err);
      next += interval_ms * ((t - next) / interval_ms + 1);
    }
    if (r < 0)
      return r;
    uint64_t n = now_ms();
    int timeout = n >= next ? 0 : next - n > 200 ? 200 : (int) (next - n);
    struct pollfd pf = {pidfd, POLLIN, 0};
    if (poll(&pf, 1, timeout) > 0)
      return 0;
  }
}

int lc_events(const struct lc_context *ctx, bool stats_only, uint64_t interval_ms, lc_event_fn emit,
              void *arg, lc_error_t *err)
{
  struct ctr c;
  int r = ctr_open(ctx, true, true, &c, err);
  if (r == 0 && !alive(c.st))
    r = lc_error_set(err, EINVAL, "container not running");
  /* Streaming can last for days: never hold the container's lock meanwhile. */
  lc_state_dir_close(&c.dir);
  if (r == 0 && stats_only)
    r = emit_stats(c.cg, ctx->id, emit, arg, err);
  else if (r == 0)
    r = stream(&c, ctx->id, interval_ms ? interval_ms : 5000, emit, arg, err);
  ctr_close(&c);
  return r;
}
