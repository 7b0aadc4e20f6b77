/* cgroup-v2.c — the cgroup v2 writer (config-linux.md § Control groups,
 * § Unified; the kernel's admin-guide/cgroup-v2.rst names the files).
 * One directory holds every controller's files; linux.resources is written
 * with the v1 -> v2 conversions runc and crun use, then `unified` verbatim.
 *
 * It must not: find, create or join cgroups, enable controllers (cgroup.c
 * does, from lc_cg2_needed_controllers), or write devices (cgroup-bpf.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-writers.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "xalloc.h"

#define F(x) "linux.resources." x

uint64_t lc_cg_shares_to_weight(uint64_t shares)
{
  /* runc 1.1 / crun: [2, 262144] maps linearly onto [1, 10000]. */
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t lc_cg_blkio_weight_to_io_weight(uint64_t w)
{
  /* blkio [10, 1000] maps linearly onto io [1, 10000]. */
  if (w < 10)
    w = 10;
  if (w > 1000)
    w = 1000;
  return 1 + (w - 10) * 9999 / 990;
}

/* ---- memory ------------------------------------------------------------ */

static void fmt_limit(char *buf, size_t len, int64_t v)
{
  if (v == -1)
    snprintf(buf, len, "max");
  else
    snprintf(buf, len, "%" PRId64, v);
}

/* The spec's swap is memory+swap (v1's memsw); v2's memory.swap.max is swap
 * alone.  Returns 1 with `out` set, 0 when nothing is to be written. */
static int swap_value(const struct lc_memory *m, char *out, size_t len, lc_error_t *err)
{
  bool limit = m->has_limit && m->limit != 0, swap = m->has_swap && m->swap != 0;
  if (!swap) {
    if (!limit || m->limit != -1)
      return 0;
    snprintf(out, len, "max"); /* unlimited memory and swap unset: unlimited both */
    return 1;
  }
  if (m->swap == -1) {
    snprintf(out, len, "max");
    return 1;
  }
  if (m->swap < -1)
    return lc_error_set(err, EINVAL, F("memory.swap") ": invalid value %" PRId64, m->swap);
  if (!limit || m->limit == -1)
    return lc_error_set(err, EINVAL, "%s: cannot set a swap limit without a memory limit",
                        F("memory.swap"));
  if (m->swap < m->limit)
    return lc_error_set(err, EINVAL,
                        "%s: memory+swap limit %" PRId64 " is below the memory limit %" PRId64,
                        F("memory.swap"), m->swap, m->limit);
  snprintf(out, len, "%" PRId64, m->swap - m->limit);
  return 1;
}

/* checkBeforeUpdate: v1 refuses a limit below the usage by itself, v2 would
 * invoke the OOM killer instead (config-linux.md § Memory). */
static int check_usage(int dirfd, int64_t limit, lc_error_t *err)
{
  _cleanup_free_ char *cur = NULL;
  if (limit <= 0 || lc_read_file_at(dirfd, "memory.current", &cur, NULL, NULL) < 0)
    return 0;
  uint64_t usage = strtoull(cur, NULL, 10);
  if (usage > (uint64_t) limit)
    return lc_error_set(
      err, EBUSY, "%s: %" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
      F("memory.limit"), limit, usage);
  return 0;
}

static int v2_memory_refuse(const struct lc_memory *m, lc_error_t *err)
{
  if ((m->has_kernel && m->kernel != 0 && m->kernel != -1)
      || (m->has_kernel_tcp && m->kernel_tcp != 0 && m->kernel_tcp != -1))
    return lc_error_set(err, EINVAL, "%s: kernel memory limits are not supported on cgroup v2",
                        F("memory.kernel"));
  if (m->has_swappiness)
    lc_warn(F("memory.swappiness") " ignored: cgroup v2 has no per-cgroup swappiness");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    lc_warn(F("memory.disableOOMKiller") " ignored: cgroup v2 cannot disable the OOM killer");
  return 0;
}

static int v2_memory(int dirfd, const struct lc_memory *m, lc_error_t *err)
{
  char swap[32], limit[32];
  int r = v2_memory_refuse(m, err);
  int has_swap = r < 0 ? r : swap_value(m, swap, sizeof swap, err);
  if (has_swap < 0)
    return has_swap;
  if (m->has_limit && m->limit != 0) {
    if (m->has_check_before_update && m->check_before_update
        && (r = check_usage(dirfd, m->limit, err)) < 0)
      return r;
    fmt_limit(limit, sizeof limit, m->limit);
    if ((r = lc_cg_write(dirfd, "memory.max", limit, F("memory.limit"), err)) < 0)
      return r;
  }
  if (has_swap) {
    lc_error_t e = {0};
    r = lc_cg_write(dirfd, "memory.swap.max", swap, F("memory.swap"), &e);
    /* No swap accounting: "unlimited" or "none" is already the case. */
    if (r == -ENOENT && (strcmp(swap, "max") == 0 || strcmp(swap, "0") == 0))
      r = 0;
    else if (r < 0)
      lc_error_move(err, &e);
    lc_error_clear(&e);
    if (r < 0)
      return r;
  }
  if (m->has_reservation && m->reservation != 0) {
    fmt_limit(limit, sizeof limit, m->reservation);
    r = lc_cg_write(dirfd, "memory.low", limit, F("memory.reservation"), err);
  }
  return r;
}

/* ---- cpu, cpuset ------------------------------------------------------- */

static int v2_cpu_refuse(const struct lc_cpu *c, lc_error_t *err)
{
  if ((c->has_realtime_runtime && c->realtime_runtime != 0)
      || (c->has_realtime_period && c->realtime_period != 0))
    return lc_error_set(err, EINVAL,
                        "%s: realtime scheduling limits are not supported on cgroup v2",
                        F("cpu.realtimeRuntime"));
  if (c->has_burst && c->has_quota && c->quota > 0 && c->burst > (uint64_t) c->quota)
    return lc_error_set(err, EINVAL,
                        F("cpu.burst") ": %" PRIu64 " is larger than the quota %" PRId64, c->burst,
                        c->quota);
  return 0;
}

static int write_cpu_max(int dirfd, const struct lc_cpu *c, lc_error_t *err)
{
  bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period != 0;
  if (!quota && !period)
    return 0;
  char q[32];
  if (quota && c->quota > 0)
    snprintf(q, sizeof q, "%" PRId64, c->quota);
  else
    snprintf(q, sizeof q, "max");
  if (period)
    return lc_cg_writef(dirfd, "cpu.max", F("cpu.quota"), err, "%s %" PRIu64, q, c->period);
  return lc_cg_write(dirfd, "cpu.max", q, F("cpu.quota"), err);
}

/* cpu.max.burst must stay <= the quota: when the quota goes below the old
 * burst the burst must go first, otherwise the quota must; try the burst
 * first and on EINVAL the other order. */
static int write_quota_burst(int dirfd, const struct lc_cpu *c, lc_error_t *err)
{
  if (!c->has_burst)
    return write_cpu_max(dirfd, c, err);
  lc_error_t e = {0};
  int r = lc_cg_writef(dirfd, "cpu.max.burst", F("cpu.burst"), &e, "%" PRIu64, c->burst);
  if (r == -EINVAL) {
    lc_error_clear(&e);
    r = write_cpu_max(dirfd, c, err);
    if (r >= 0)
      r = lc_cg_writef(dirfd, "cpu.max.burst", F("cpu.burst"), err, "%" PRIu64, c->burst);
    return r;
  }
  if (r < 0) {
    lc_error_move(err, &e);
    return r;
  }
  return write_cpu_max(dirfd, c, err);
}

static int v2_cpu(int dirfd, const struct lc_cpu *c, lc_error_t *err)
{
  int r = v2_cpu_refuse(c, err);
  if (r >= 0 && c->has_shares && c->shares != 0)
    r = lc_cg_writef(dirfd, "cpu.weight", F("cpu.shares"), err, "%" PRIu64,
                     lc_cg_shares_to_weight(c->shares));
  if (r >= 0)
    r = write_quota_burst(dirfd, c, err);
  if (r >= 0 && c->has_idle)
    r = lc_cg_writef(dirfd, "cpu.idle", F("cpu.idle"), err, "%" PRId64, c->idle);
  if (r >= 0 && c->cpus && *c->cpus)
    r = lc_cg_write(dirfd, "cpuset.cpus", c->cpus, F("cpu.cpus"), err);
  if (r >= 0 && c->mems && *c->mems)
    r = lc_cg_write(dirfd, "cpuset.mems", c->mems, F("cpu.mems"), err);
  return r;
}

/* ---- io ---------------------------------------------------------------- */

/* io.max takes "MAJ:MIN rbps=N wbps=N riops=N wiops=N" (any subset): one
 * line per device, with every limit the config gives for it. */
static int write_io_max(int dirfd, const struct lc_blkio *b, lc_error_t *err)
{
  const struct {
    const char *key;
    const struct lc_throttle_list *l;
  } t[] = {{"rbps", &b->read_bps},
           {"wbps", &b->write_bps},
           {"riops", &b->read_iops},
           {"wiops", &b->write_iops}};
  _cleanup_strv_ char **lines = NULL;
  size_t n = 0;
  for (size_t k = 0; k < LC_ARRAY_SIZE(t); k++)
    for (size_t i = 0; i < t[k].l->n; i++) {
      const struct lc_blkio_throttle *d = &t[k].l->v[i];
      _cleanup_free_ char *dev = xasprintf("%" PRId64 ":%" PRId64, d->major, d->minor);
      size_t j = 0, dl = strlen(dev);
      while (j < n && !(strncmp(lines[j], dev, dl) == 0 && lines[j][dl] == ' '))
        j++;
      if (j == n) {
        strv_push(&lines, dev);
        n++;
      }
      char *line = xasprintf("%s %s=%" PRIu64, lines[j], t[k].key, d->rate);
      free(lines[j]);
      lines[j] = line;
    }
  return n ? lc_cg_write_lines(dirfd, "io.max", lines, n, true, F("blockIO"), err) : 0;
}

static int write_io_weights(int dirfd, const struct lc_blkio *b, lc_error_t *err)
{
  /* BFQ takes blkio's own scale and per-device weights, all through
   * io.bfq.weight; io.weight (iocost) has another scale and no per-device
   * weights here.  runc and crun prefer BFQ where the scheduler offers it. */
  bool bfq = lc_cg_has_file(dirfd, "io.bfq.weight");
  if (b->has_leaf_weight)
    lc_warn(F("blockIO.leafWeight") " ignored: cgroup v2 has no leaf weight");
  _cleanup_strv_ char **lines = NULL;
  size_t n = 0;
  if (b->has_weight) {
    _cleanup_free_ char *s = xasprintf("%u", (unsigned) b->weight);
    strv_push(&lines, s);
    n++;
  }
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const struct lc_blkio_weight_device *d = &b->weight_device[i];
    if (!d->has_weight)
      continue;
    if (!bfq) {
      lc_warn(F("blockIO.weightDevice") " ignored: the I/O scheduler is not BFQ");
      break;
    }
    _cleanup_free_ char *s =
      xasprintf("%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned) d->weight);
    strv_push(&lines, s);
    n++;
  }
  if (b->has_weight && !bfq)
    return lc_cg_writef(dirfd, "io.weight", F("blockIO.weight"), err, "%" PRIu64,
                        lc_cg_blkio_weight_to_io_weight(b->weight));
  return n ? lc_cg_write_lines(dirfd, "io.bfq.weight", lines, n, true, F("blockIO.weight"), err)
           : 0;
}

static int v2_io(int dirfd, const struct lc_blkio *b, lc_error_t *err)
{
  int r = write_io_weights(dirfd, b, err);
  return r < 0 ? r : write_io_max(dirfd, b, err);
}

/* ---- hugetlb ------------------------------------------------------------ */

static int v2_hugetlb(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  return lc_cg_write_hugetlb(dirfd, res, "max", err);
}

/* ---- unified ----------------------------------------------------------- */

/* A key is one file of this cgroup: "controller.knob", no path, and not a
 * file that moves or kills processes (that is not a resource). */
static int check_unified_key(const char *k, lc_error_t *err)
{
  static const char *const refused[] = {"cgroup.procs", "cgroup.threads", "cgroup.kill"};
  const char *dot = strchr(k, '.');
  if (!dot || dot == k || !dot[1] || strchr(k, '/') || strstr(k, ".."))
    return lc_error_set(err, EINVAL,
                        "%s: invalid key \"%s\" (want a file name like \"memory.max\")",
                        F("unified"), k);
  for (size_t i = 0; i < LC_ARRAY_SIZE(refused); i++)
    if (strcmp(k, refused[i]) == 0)
      return lc_error_set(err, EINVAL, F("unified") ": key \"%s\" is not a resource", k);
  return 0;
}

/* Each line is its own write, as multi-entry files (io.max) want it. */
static int write_unified(int dirfd, const struct lc_kv *kv, lc_error_t *err)
{
  _cleanup_strv_ char **lines = NULL;
  size_t n = 0;
  _cleanup_free_ char *copy = xstrdup(kv->value);
  for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    strv_push(&lines, l);
    n++;
  }
  _cleanup_free_ char *field = xasprintf(F("unified.%s"), kv->key);
  char *empty[] = {"", NULL};
  int r = lc_cg_write_lines(dirfd, kv->key, n ? lines : empty, n ? n : 1, false, field, err);
  if (r == -ENOENT) {
    _cleanup_free_ char *ctl = xstrndup(kv->key, strcspn(kv->key, "."));
    return lc_error_set(err, ENOENT,
                        "%s: no such file \"%s\" (is the \"%s\" controller "
                        "available and enabled?)",
                        field, kv->key, ctl);
  }
  return r;
}

/* ---- the writer -------------------------------------------------------- */

static int v2_check(const struct lc_resources *r, lc_error_t *err)
{
  if (r->network && (r->network->has_class_id || r->network->n_priorities))
    return lc_error_set(err, EINVAL, "%s: net_cls and net_prio are not available on cgroup v2",
                        F("network"));
  for (size_t i = 0; i < r->n_unified; i++) {
    int ret = check_unified_key(r->unified[i].key, err);
    if (ret < 0)
      return ret;
  }
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    int ret = lc_cg_check_page_size(r->hugepage_limits[i].page_size, i, err);
    if (ret < 0)
      return ret;
  }
  if (r->has_pids_limit && r->pids_limit < -1)
    return lc_error_set(err, EINVAL, F("pids.limit") ": invalid value %" PRId64, r->pids_limit);
  return 0;
}

int lc_cg2_write_resources(int dirfd, const struct lc_resources *r, lc_error_t *err)
{
  int ret = v2_check(r, err);
  if (ret >= 0 && r->memory)
    ret = v2_memory(dirfd, r->memory, err);
  if (ret >= 0)
    ret = lc_cg_write_pids(dirfd, r, err);
  if (ret >= 0 && r->cpu)
    ret = v2_cpu(dirfd, r->cpu, err);
  if (ret >= 0 && r->block_io)
    ret = v2_io(dirfd, r->block_io, err);
  if (ret >= 0)
    ret = v2_hugetlb(dirfd, r, err);
  if (ret >= 0)
    ret = lc_cg_write_rdma(dirfd, r, err);
  for (size_t i = 0; ret >= 0 && i < r->n_unified; i++)
    ret = write_unified(dirfd, &r->unified[i], err);
  return ret;
}

/* ---- controllers to enable ---------------------------------------------- */

static void need(char ***v, const char *ctl)
{
  if (!strv_contains(*v, ctl))
    strv_push(v, ctl);
}

int lc_cg2_needed_controllers(const struct lc_resources *r, char **out)
{
  _cleanup_strv_ char **v = NULL;
  const struct lc_cpu *c = r->cpu;
  const struct lc_memory *m = r->memory;
  if (c
      && ((c->has_shares && c->shares) || (c->has_quota && c->quota) || c->has_burst
          || (c->has_period && c->period) || c->has_idle))
    need(&v, "cpu");
  if (c && ((c->cpus && *c->cpus) || (c->mems && *c->mems)))
    need(&v, "cpuset");
  const struct lc_blkio *b = r->block_io;
  if (b
      && (b->has_weight || b->n_weight_device || b->read_bps.n || b->write_bps.n || b->read_iops.n
          || b->write_iops.n))
    need(&v, "io");
  if (m
      && ((m->has_limit && m->limit) || (m->has_swap && m->swap)
          || (m->has_reservation && m->reservation)))
    need(&v, "memory");
  if (r->has_pids_limit)
    need(&v, "pids");
  if (r->n_hugepage_limits)
    need(&v, "hugetlb");
  if (r->n_rdma)
    need(&v, "rdma");
  for (size_t i = 0; i < r->n_unified; i++) {
    _cleanup_free_ char *ctl = xstrndup(r->unified[i].key, strcspn(r->unified[i].key, "."));
    if (*ctl && strcmp(ctl, "cgroup") != 0)
      need(&v, ctl);
  }
  size_t n = strv_length(v), len = 1;
  for (size_t i = 0; i < n; i++)
    len += strlen(v[i]) + 2;
  char *s = xmalloc(len), *p = s;
  *p = '\0';
  for (size_t i = 0; i < n; i++)
    p += sprintf(p, "%s+%s", i ? " " : "", v[i]);
  *out = s;
  return (int) n;
}
