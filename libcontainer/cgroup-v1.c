/* cgroup-v1.c — the cgroup v1 writers, one per controller hierarchy
 * (config-linux.md § Control groups; the kernel's cgroup-v1/ documents name the
 * files).  Each writer gets the container's directory in one hierarchy and
 * writes only what `r` sets; see cgroup-writers.h for the contract.
 *
 * It must not: find, create or join cgroups (cgroup.c does), or write
 * anything outside the dirfd it is given. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-writers.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "xalloc.h"

#define F(x) "linux.resources." x

/* ---- memory (cgroup-v1/memory.rst) ------------------------------------- */

static int write_i64(int dirfd, const char *file, int64_t v, const char *field, lc_error_t *err)
{
  return lc_cg_writef(dirfd, file, field, err, "%" PRId64, v);
}

/* memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every
 * step, so the order depends on the old values: lowering both needs the
 * limit first, raising both past the old memsw needs memsw first.  Try the
 * limit first; on EINVAL the other order is the one that works. */
static int write_limit_and_swap(int dirfd, int64_t limit, int64_t swap, lc_error_t *err)
{
  lc_error_t first = {0};
  int r = write_i64(dirfd, "memory.limit_in_bytes", limit, F("memory.limit"), &first);
  if (r == -EINVAL) {
    lc_error_clear(&first);
    r = write_i64(dirfd, "memory.memsw.limit_in_bytes", swap, F("memory.swap"), err);
    if (r >= 0)
      r = write_i64(dirfd, "memory.limit_in_bytes", limit, F("memory.limit"), err);
    return r;
  }
  if (r < 0) {
    lc_error_move(err, &first);
    return r;
  }
  return write_i64(dirfd, "memory.memsw.limit_in_bytes", swap, F("memory.swap"), err);
}

static int write_kmem(int dirfd, const char *file, int64_t v, const char *field, lc_error_t *err)
{
  lc_error_t e = {0};
  int r = write_i64(dirfd, file, v, field, &e);
  /* Kernel 5.16 deprecated kmem limits and 6.1 turned them into EOPNOTSUPP
   * (or dropped the file); what the config asks for is then simply what the
   * kernel does, so this is not worth failing the container for. */
  if (r == -ENOENT || r == -EOPNOTSUPP) {
    lc_debug("%s ignored: the kernel has no kernel memory limits (%s)", field, e.msg);
    r = 0;
  } else if (r < 0) {
    lc_error_move(err, &e);
  }
  lc_error_clear(&e);
  return r;
}

static int memory_limits(int dirfd, const struct lc_memory *m, lc_error_t *err)
{
  bool limit = m->has_limit && m->limit != 0, swap = m->has_swap && m->swap != 0;
  int64_t swapv = m->swap;
  /* limit -1 without swap means "no limit at all" (runc): lift memsw too,
   * where swap accounting exists. */
  if (limit && m->limit == -1 && !swap && lc_cg_has_file(dirfd, "memory.memsw.limit_in_bytes")) {
    swap = true;
    swapv = -1;
  }
  int r = 0;
  if (limit && swap)
    r = write_limit_and_swap(dirfd, m->limit, swapv, err);
  else if (limit)
    r = write_i64(dirfd, "memory.limit_in_bytes", m->limit, F("memory.limit"), err);
  else if (swap)
    r = write_i64(dirfd, "memory.memsw.limit_in_bytes", swapv, F("memory.swap"), err);
  if (r >= 0 && m->has_reservation && m->reservation != 0)
    r =
      write_i64(dirfd, "memory.soft_limit_in_bytes", m->reservation, F("memory.reservation"), err);
  return r;
}

static int v1_memory(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  const struct lc_memory *m = res->memory;
  if (!m)
    return 0;
  int r = memory_limits(dirfd, m, err);
  if (r >= 0 && m->has_kernel)
    r = write_kmem(dirfd, "memory.kmem.limit_in_bytes", m->kernel, F("memory.kernel"), err);
  if (r >= 0 && m->has_kernel_tcp)
    r = write_kmem(dirfd, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, F("memory.kernelTCP"),
                   err);
  if (r >= 0 && m->has_swappiness)
    r = lc_cg_writef(dirfd, "memory.swappiness", F("memory.swappiness"), err, "%" PRIu64,
                     m->swappiness);
  if (r >= 0 && m->has_disable_oom_killer && m->disable_oom_killer)
    r = lc_cg_write(dirfd, "memory.oom_control", "1", F("memory.disableOOMKiller"), err);
  if (r >= 0 && m->has_use_hierarchy)
    r = lc_cg_write(dirfd, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                    F("memory.useHierarchy"), err);
  return r;
}

static bool memory_needed(const struct lc_resources *r)
{
  const struct lc_memory *m = r->memory;
  return m
         && ((m->has_limit && m->limit) || (m->has_swap && m->swap)
             || (m->has_reservation && m->reservation) || m->has_kernel || m->has_kernel_tcp
             || m->has_swappiness || (m->has_disable_oom_killer && m->disable_oom_killer)
             || m->has_use_hierarchy);
}

/* ---- cpu (scheduler/sched-bwc.rst, sched-rt-group.rst) ------------------ */

/* The kernel clamps cpu.shares into [2, 262144] silently; read it back so a
 * value out of range is an error, as in runc. */
static int write_shares(int dirfd, uint64_t shares, lc_error_t *err)
{
  int r = lc_cg_writef(dirfd, "cpu.shares", F("cpu.shares"), err, "%" PRIu64, shares);
  if (r < 0)
    return r;
  _cleanup_free_ char *back = NULL;
  r = lc_read_file_at(dirfd, "cpu.shares", &back, NULL, err);
  if (r < 0)
    return lc_error_prefix(err, F("cpu.shares"));
  uint64_t got = strtoull(back, NULL, 10);
  if (got != shares)
    return lc_error_set(err, EINVAL, "%s: %" PRIu64 " is out of range, the kernel set %" PRIu64,
                        F("cpu.shares"), shares, got);
  return 0;
}

/* A new period may be invalid with the current quota and the other way
 * round (the kernel checks the quota/period ratio against the parent):
 * period first, and on EINVAL quota first. */
static int write_quota_period(int dirfd, const struct lc_cpu *c, lc_error_t *err)
{
  bool period = c->has_period && c->period, quota = c->has_quota && c->quota;
  if (!period)
    return quota ? write_i64(dirfd, "cpu.cfs_quota_us", c->quota, F("cpu.quota"), err) : 0;
  lc_error_t e = {0};
  int r = lc_cg_writef(dirfd, "cpu.cfs_period_us", F("cpu.period"), &e, "%" PRIu64, c->period);
  if (r == -EINVAL && quota) {
    lc_error_clear(&e);
    r = write_i64(dirfd, "cpu.cfs_quota_us", c->quota, F("cpu.quota"), err);
    if (r >= 0)
      r = lc_cg_writef(dirfd, "cpu.cfs_period_us", F("cpu.period"), err, "%" PRIu64, c->period);
    return r;
  }
  if (r < 0) {
    lc_error_move(err, &e);
    return r;
  }
  return quota ? write_i64(dirfd, "cpu.cfs_quota_us", c->quota, F("cpu.quota"), err) : 0;
}

static int v1_cpu(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  const struct lc_cpu *c = res->cpu;
  if (!c)
    return 0;
  int r = 0;
  if (c->has_shares && c->shares)
    r = write_shares(dirfd, c->shares, err);
  if (r >= 0)
    r = write_quota_period(dirfd, c, err);
  if (r >= 0 && c->has_burst)
    r = lc_cg_writef(dirfd, "cpu.cfs_burst_us", F("cpu.burst"), err, "%" PRIu64, c->burst);
  /* The runtime must fit in the period: period first, like runc. */
  if (r >= 0 && c->has_realtime_period && c->realtime_period)
    r = lc_cg_writef(dirfd, "cpu.rt_period_us", F("cpu.realtimePeriod"), err, "%" PRIu64,
                     c->realtime_period);
  if (r >= 0 && c->has_realtime_runtime && c->realtime_runtime)
    r = write_i64(dirfd, "cpu.rt_runtime_us", c->realtime_runtime, F("cpu.realtimeRuntime"), err);
  if (r >= 0 && c->has_idle)
    r = write_i64(dirfd, "cpu.idle", c->idle, F("cpu.idle"), err);
  return r;
}

static bool cpu_needed(const struct lc_resources *r)
{
  const struct lc_cpu *c = r->cpu;
  return c
         && ((c->has_shares && c->shares) || (c->has_quota && c->quota)
             || (c->has_period && c->period) || c->has_burst
             || (c->has_realtime_period && c->realtime_period)
             || (c->has_realtime_runtime && c->realtime_runtime) || c->has_idle);
}

/* ---- cpuset (cgroup-v1/cpusets.rst) ------------------------------------ */

static int v1_cpuset(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  const struct lc_cpu *c = res->cpu;
  int r = 0;
  if (c && c->cpus && *c->cpus)
    r = lc_cg_write(dirfd, "cpuset.cpus", c->cpus, F("cpu.cpus"), err);
  if (r >= 0 && c && c->mems && *c->mems)
    r = lc_cg_write(dirfd, "cpuset.mems", c->mems, F("cpu.mems"), err);
  return r;
}

static bool cpuset_needed(const struct lc_resources *r)
{
  return r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems));
}

static bool blank(const char *s)
{
  return s[strspn(s, " \t\n")] == '\0';
}

static int inherit_one(int parentfd, int dirfd, const char *file, lc_error_t *err)
{
  _cleanup_free_ char *mine = NULL, *parent = NULL;
  int r = lc_read_file_at(dirfd, file, &mine, NULL, err);
  if (r < 0 || !blank(mine))
    return r;
  r = lc_read_file_at(parentfd, file, &parent, NULL, err);
  if (r < 0)
    return lc_error_prefix(err, "cpuset: parent");
  if (blank(parent))
    return lc_error_set(err, EINVAL, "cpuset: the parent's \"%s\" is empty", file);
  parent[strcspn(parent, "\n")] = '\0';
  return lc_cg_write(dirfd, file, parent, "cpuset", err);
}

int lc_cg1_cpuset_init(int parentfd, int dirfd, lc_error_t *err)
{
  int r = inherit_one(parentfd, dirfd, "cpuset.cpus", err);
  if (r >= 0)
    r = inherit_one(parentfd, dirfd, "cpuset.mems", err);
  return r;
}

/* ---- pids (cgroup-v1/pids.rst) ----------------------------------------- */

int lc_cg_write_pids(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  if (!res->has_pids_limit)
    return 0;
  if (res->pids_limit < -1)
    return lc_error_set(err, EINVAL, F("pids.limit") ": invalid value %" PRId64, res->pids_limit);
  /* -1 is "max"; 0 is a real limit (config-linux.md § PIDs). */
  if (res->pids_limit == -1)
    return lc_cg_write(dirfd, "pids.max", "max", F("pids.limit"), err);
  return write_i64(dirfd, "pids.max", res->pids_limit, F("pids.limit"), err);
}

static bool pids_needed(const struct lc_resources *r)
{
  return r->has_pids_limit;
}

/* ---- blkio (cgroup-v1/blkio-controller.rst) ---------------------------- */

static int write_throttle(int dirfd, const char *file, const struct lc_throttle_list *l,
                          const char *field, lc_error_t *err)
{
  if (!l->n)
    return 0;
  _cleanup_strv_ char **lines = NULL;
  for (size_t i = 0; i < l->n; i++) {
    _cleanup_free_ char *s =
      xasprintf("%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major, l->v[i].minor, l->v[i].rate);
    strv_push(&lines, s);
  }
  return lc_cg_write_lines(dirfd, file, lines, l->n, true, field, err);
}

/* Per-device weights: "MAJ:MIN W" lines into `file` (leaf: the leaf weights). */
static int write_weight_devices(int dirfd, const char *file, const struct lc_blkio *b, bool leaf,
                                lc_error_t *err)
{
  _cleanup_strv_ char **lines = NULL;
  size_t n = 0;
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const struct lc_blkio_weight_device *d = &b->weight_device[i];
    if (leaf ? !d->has_leaf_weight : !d->has_weight)
      continue;
    _cleanup_free_ char *s = xasprintf("%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                                       (unsigned) (leaf ? d->leaf_weight : d->weight));
    strv_push(&lines, s);
    n++;
  }
  if (!n)
    return 0;
  if (leaf && !lc_cg_has_file(dirfd, file)) {
    lc_warn(F("blockIO.weightDevice") " leafWeight ignored: the I/O scheduler has no \"%s\"", file);
    return 0;
  }
  return lc_cg_write_lines(dirfd, file, lines, n, true, F("blockIO.weightDevice"), err);
}

static int v1_blkio(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  const struct lc_blkio *b = res->block_io;
  if (!b)
    return 0;
  /* CFQ (gone in 5.0) offered blkio.weight; BFQ offers blkio.bfq.weight.
   * runc prefers BFQ when both exist. */
  bool bfq = lc_cg_has_file(dirfd, "blkio.bfq.weight");
  int r = 0;
  if (b->has_weight)
    r = lc_cg_writef(dirfd, bfq ? "blkio.bfq.weight" : "blkio.weight", F("blockIO.weight"), err,
                     "%u", (unsigned) b->weight);
  if (r >= 0 && b->has_leaf_weight)
    r = lc_cg_writef(dirfd, "blkio.leaf_weight", F("blockIO.leafWeight"), err, "%u",
                     (unsigned) b->leaf_weight);
  if (r >= 0)
    r = write_weight_devices(dirfd, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", b,
                             false, err);
  if (r >= 0)
    r = write_weight_devices(dirfd, "blkio.leaf_weight_device", b, true, err);
  const struct {
    const char *file, *field;
    const struct lc_throttle_list *l;
  } t[] = {
    {"blkio.throttle.read_bps_device", F("blockIO.throttleReadBpsDevice"), &b->read_bps},
    {"blkio.throttle.write_bps_device", F("blockIO.throttleWriteBpsDevice"), &b->write_bps},
    {"blkio.throttle.read_iops_device", F("blockIO.throttleReadIOPSDevice"), &b->read_iops},
    {"blkio.throttle.write_iops_device", F("blockIO.throttleWriteIOPSDevice"), &b->write_iops},
  };
  for (size_t i = 0; r >= 0 && i < LC_ARRAY_SIZE(t); i++)
    r = write_throttle(dirfd, t[i].file, t[i].l, t[i].field, err);
  return r;
}

static bool blkio_needed(const struct lc_resources *r)
{
  const struct lc_blkio *b = r->block_io;
  return b
         && (b->has_weight || b->has_leaf_weight || b->n_weight_device || b->read_bps.n
             || b->write_bps.n || b->read_iops.n || b->write_iops.n);
}

/* ---- hugetlb (cgroup-v1/hugetlb.rst) ----------------------------------- */

/* "2MB", "64KB", "1GB": digits, a unit prefix, "B" — and so never a path. */
int lc_cg_check_page_size(const char *s, size_t i, lc_error_t *err)
{
  size_t d = strspn(s, "0123456789");
  if (d == 0 || !strchr("KMGT", s[d]) || s[d] == '\0' || strcmp(s + d + 1, "B") != 0)
    return lc_error_set(err, EINVAL, F("hugepageLimits[%zu].pageSize") ": invalid value \"%s\"", i,
                        s);
  return 0;
}

/* hugetlb.<size>.limit_in_bytes (+ .rsvd.: reservation accounting, kernel
 * 5.7, limits at mmap time, which is what the spec prefers). */
static int v1_hugetlb(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  return lc_cg_write_hugetlb(dirfd, res, "limit_in_bytes", err);
}

/* Shared with v2, which names the files hugetlb.<size>[.rsvd].max. */
int lc_cg_write_hugetlb(int dirfd, const struct lc_resources *res, const char *suffix,
                        lc_error_t *err)
{
  for (size_t i = 0; i < res->n_hugepage_limits; i++) {
    const struct lc_hugepage_limit *h = &res->hugepage_limits[i];
    int r = lc_cg_check_page_size(h->page_size, i, err);
    if (r < 0)
      return r;
    _cleanup_free_ char *file = xasprintf("hugetlb.%s.%s", h->page_size, suffix);
    _cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.%s", h->page_size, suffix);
    r = lc_cg_writef(dirfd, file, F("hugepageLimits"), err, "%" PRIu64, h->limit);
    if (r >= 0 && lc_cg_has_file(dirfd, rsvd))
      r = lc_cg_writef(dirfd, rsvd, F("hugepageLimits"), err, "%" PRIu64, h->limit);
    if (r < 0)
      return r;
  }
  return 0;
}

static bool hugetlb_needed(const struct lc_resources *r)
{
  return r->n_hugepage_limits > 0;
}

/* ---- net_cls, net_prio (cgroup-v1/net_cls.rst, net_prio.rst) ----------- */

static int v1_net_cls(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  if (!res->network || !res->network->has_class_id)
    return 0;
  return lc_cg_writef(dirfd, "net_cls.classid", F("network.classID"), err, "%" PRIu32,
                      res->network->class_id);
}

static bool net_cls_needed(const struct lc_resources *r)
{
  return r->network && r->network->has_class_id;
}

static int v1_net_prio(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  if (!res->network || !res->network->n_priorities)
    return 0;
  _cleanup_strv_ char **lines = NULL;
  for (size_t i = 0; i < res->network->n_priorities; i++) {
    const struct lc_net_priority *p = &res->network->priorities[i];
    if (!*p->name || strpbrk(p->name, " \t\n/"))
      return lc_error_set(err, EINVAL, F("network.priorities[%zu].name") ": invalid value \"%s\"",
                          i, p->name);
    _cleanup_free_ char *s = xasprintf("%s %" PRIu32, p->name, p->priority);
    strv_push(&lines, s);
  }
  return lc_cg_write_lines(dirfd, "net_prio.ifpriomap", lines, res->network->n_priorities, true,
                           F("network.priorities"), err);
}

static bool net_prio_needed(const struct lc_resources *r)
{
  return r->network && r->network->n_priorities > 0;
}

/* ---- rdma (cgroup-v1/rdma.rst; same format on v2) ---------------------- */

int lc_cg_write_rdma(int dirfd, const struct lc_resources *res, lc_error_t *err)
{
  if (!res->n_rdma)
    return 0;
  _cleanup_strv_ char **lines = NULL;
  for (size_t i = 0; i < res->n_rdma; i++) {
    const struct lc_rdma *d = &res->rdma[i];
    if (!*d->device || strpbrk(d->device, " \t\n=") || (!d->has_hca_handles && !d->has_hca_objects))
      return lc_error_set(err, EINVAL, F("rdma") ": invalid entry \"%s\"", d->device);
    _cleanup_free_ char *h =
      d->has_hca_handles ? xasprintf(" hca_handle=%u", d->hca_handles) : xstrdup("");
    _cleanup_free_ char *o =
      d->has_hca_objects ? xasprintf(" hca_object=%u", d->hca_objects) : xstrdup("");
    _cleanup_free_ char *s = xasprintf("%s%s%s", d->device, h, o);
    strv_push(&lines, s);
  }
  return lc_cg_write_lines(dirfd, "rdma.max", lines, res->n_rdma, true, F("rdma"), err);
}

static bool rdma_needed(const struct lc_resources *r)
{
  return r->n_rdma > 0;
}

/* ---- devices (cgroup-v1/devices.rst) ----------------------------------- */

static void rule_number(char *buf, size_t len, int64_t v)
{
  if (v < 0)
    snprintf(buf, len, "*");
  else
    snprintf(buf, len, "%" PRId64, v);
}

/* The kernel reads any "a ..." line as "all devices, all access", whatever
 * follows; a narrower "a" rule becomes a "c" and a "b" line. */
static int write_rule(int allowfd, int denyfd, const struct lc_cg_dev_rule *d, lc_error_t *err)
{
  int fd = d->allow ? allowfd : denyfd;
  const char *file = d->allow ? "devices.allow" : "devices.deny";
  char maj[24], min[24], acc[4] = {0}, line[80];
  size_t k = 0;
  if (d->access & LC_DEV_ACC_READ)
    acc[k++] = 'r';
  if (d->access & LC_DEV_ACC_WRITE)
    acc[k++] = 'w';
  if (d->access & LC_DEV_ACC_MKNOD)
    acc[k++] = 'm';
  rule_number(maj, sizeof maj, d->major);
  rule_number(min, sizeof min, d->minor);
  bool all = d->major < 0 && d->minor < 0 && d->access == LC_DEV_ACC_ALL;
  const char *types = d->type != 'a' ? (d->type == 'c' ? "c" : "b") : all ? "a" : "cb";
  for (const char *t = types; *t; t++) {
    if (*t == 'a')
      snprintf(line, sizeof line, "a\n");
    else
      snprintf(line, sizeof line, "%c %s:%s %s\n", *t, maj, min, acc);
    if (write(fd, line, strlen(line)) < 0) {
      line[strcspn(line, "\n")] = '\0';
      return lc_error_sys(err, errno, F("devices") ": write \"%s\" to \"%s\"", line, file);
    }
  }
  return 0;
}

int lc_cg1_write_devices(int dirfd, const struct lc_resources *r, lc_error_t *err)
{
  _cleanup_free_ struct lc_cg_dev_rule *rules = NULL;
  size_t n = 0;
  int ret = lc_cg_device_rules(r, &rules, &n, err);
  if (ret < 0)
    return ret;
  const int flags = O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
  _cleanup_close_ int allowfd = openat(dirfd, "devices.allow", flags);
  if (allowfd < 0)
    return lc_error_sys(err, errno, F("devices") ": open \"devices.allow\"");
  _cleanup_close_ int denyfd = openat(dirfd, "devices.deny", flags);
  if (denyfd < 0)
    return lc_error_sys(err, errno, F("devices") ": open \"devices.deny\"");
  static const struct lc_cg_dev_rule deny_all = {
    .allow = false, .type = 'a', .major = -1, .minor = -1, .access = LC_DEV_ACC_ALL};
  ret = write_rule(allowfd, denyfd, &deny_all, err);
  for (size_t i = 0; ret >= 0 && i < n; i++)
    ret = write_rule(allowfd, denyfd, &rules[i], err);
  return ret;
}

static bool always(const struct lc_resources *r)
{
  return true;
}

/* ---- the table --------------------------------------------------------- */

int lc_cg1_check(const struct lc_resources *r, lc_error_t *err)
{
  if (r->n_unified)
    return lc_error_set(err, EINVAL,
                        F("unified") ": cgroup v2 keys are not supported on cgroup v1");
  if (r->memory && r->memory->has_swappiness && r->memory->swappiness > 100)
    return lc_error_set(err, EINVAL,
                        F("memory.swappiness") ": invalid value %" PRIu64 " (must be 0-100)",
                        r->memory->swappiness);
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    int ret = lc_cg_check_page_size(r->hugepage_limits[i].page_size, i, err);
    if (ret < 0)
      return ret;
  }
  _cleanup_free_ struct lc_cg_dev_rule *rules = NULL;
  size_t n;
  return lc_cg_device_rules(r, &rules, &n, err);
}

static const struct lc_cg1_controller controllers[] = {
  {"cpuset", v1_cpuset, cpuset_needed},
  {"cpu", v1_cpu, cpu_needed},
  {"cpuacct", NULL, NULL},
  {"memory", v1_memory, memory_needed},
  {"pids", lc_cg_write_pids, pids_needed},
  {"blkio", v1_blkio, blkio_needed},
  {"hugetlb", v1_hugetlb, hugetlb_needed},
  {"net_cls", v1_net_cls, net_cls_needed},
  {"net_prio", v1_net_prio, net_prio_needed},
  {"rdma", lc_cg_write_rdma, rdma_needed},
  {"perf_event", NULL, NULL},
  {"freezer", NULL, NULL},
  {"misc", NULL, NULL},
  {"devices", lc_cg1_write_devices, always},
};

const struct lc_cg1_controller *lc_cg1_controllers(size_t *n)
{
  *n = LC_ARRAY_SIZE(controllers);
  return controllers;
}
