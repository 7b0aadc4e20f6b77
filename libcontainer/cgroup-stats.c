/* cgroup-stats.c — `events --stats` data in runc's JSON shape (runc's
 * types.Stats: cpu, cpuset, memory, pids, blkio, hugetlb, intel_rdt,
 * network_interfaces) read from the v1 controller files or the v2 files of
 * one directory.  Go's `omitempty` is mirrored: fields runc omits when zero
 * are omitted here too, so a decoder sees the same keys.  Read only: it
 * never writes a cgroup file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "xalloc.h"

/* ---- reading -------------------------------------------------------------- */

static char *slurp(int dirfd, const char *file)
{
  char *text = NULL;
  lc_error_t e = {0};
  if (dirfd < 0 || lc_read_file_at(dirfd, file, &text, NULL, &e) < 0)
    text = NULL;
  lc_error_clear(&e);
  return text;
}

/* A single number; "max" is UINT64_MAX.  False when absent. */
static bool read_u64(int dirfd, const char *file, uint64_t *out)
{
  _cleanup_free_ char *t = slurp(dirfd, file);
  if (!t)
    return false;
  if (strncmp(t, "max", 3) == 0) {
    *out = UINT64_MAX;
    return true;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(t, &end, 10);
  if (errno || end == t)
    return false;
  *out = v;
  return true;
}

static uint64_t u64_or0(int dirfd, const char *file)
{
  uint64_t v = 0;
  return read_u64(dirfd, file, &v) ? v : 0;
}

/* "key value" lines (memory.stat, cpu.stat, memory.events, ...). */
static bool kv_get(const char *text, const char *key, uint64_t *out)
{
  size_t l = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp(p, key, l) == 0 && p[l] == ' ') {
      *out = strtoull(p + l + 1, NULL, 10);
      return true;
    }
  return false;
}

static uint64_t kv_or0(int dirfd, const char *file, const char *key)
{
  _cleanup_free_ char *t = slurp(dirfd, file);
  uint64_t v = 0;
  return t && kv_get(t, key, &v) ? v : 0;
}

static int dirfd_of(const struct lc_cgroup *cg, const char *v1_controller)
{
  if (cg->layout == LC_CG_LAYOUT_V2) {
    const struct lc_cg_hier *h = lc_cgroup_main(cg);
    return h ? h->dirfd : -1;
  }
  const struct lc_cg_hier *h = lc_cgroup_v1(cg, v1_controller);
  return h ? h->dirfd : -1;
}

/* ---- generating ------------------------------------------------------------ */

static void gen_s(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void gen_u(yajl_gen g, uint64_t v)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  yajl_gen_number(g, buf, (size_t) n);
}

static void kv_u(yajl_gen g, const char *key, uint64_t v)
{
  gen_s(g, key);
  gen_u(g, v);
}

/* omitempty */
static void kv_u_nz(yajl_gen g, const char *key, uint64_t v)
{
  if (v)
    kv_u(g, key, v);
}

/* A space-separated list of numbers as an array (omitted when empty). */
static void kv_list(yajl_gen g, const char *key, const char *text, uint64_t scale)
{
  if (!text || !text[strspn(text, " \n")])
    return;
  gen_s(g, key);
  yajl_gen_array_open(g);
  for (const char *p = text; *p;) {
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p) {
      p++;
      continue;
    }
    gen_u(g, v * scale);
    p = end;
  }
  yajl_gen_array_close(g);
}

/* ---- cpu ---------------------------------------------------------------------- */

static void gen_cpu_v1(yajl_gen g, const struct lc_cgroup *cg)
{
  int acct = dirfd_of(cg, "cpuacct"), cpu = dirfd_of(cg, "cpu");
  _cleanup_free_ char *percpu = slurp(acct, "cpuacct.usage_percpu");
  _cleanup_free_ char *sys = slurp(acct, "cpuacct.usage_percpu_sys");
  _cleanup_free_ char *usr = slurp(acct, "cpuacct.usage_percpu_user");
  _cleanup_free_ char *stat = slurp(acct, "cpuacct.stat");
  uint64_t user = 0, system = 0;
  long hz = sysconf(_SC_CLK_TCK);
  uint64_t tick_ns = hz > 0 ? 1000000000ULL / (uint64_t) hz : 10000000ULL;
  if (stat) {
    kv_get(stat, "user", &user);
    kv_get(stat, "system", &system);
  }
  gen_s(g, "usage");
  yajl_gen_map_open(g);
  kv_u_nz(g, "total", u64_or0(acct, "cpuacct.usage"));
  kv_list(g, "percpu", percpu, 1);
  kv_list(g, "percpu_kernel", sys, 1);
  kv_list(g, "percpu_user", usr, 1);
  kv_u(g, "kernel", system * tick_ns);
  kv_u(g, "user", user * tick_ns);
  yajl_gen_map_close(g);
  gen_s(g, "throttling");
  yajl_gen_map_open(g);
  kv_u_nz(g, "periods", kv_or0(cpu, "cpu.stat", "nr_periods"));
  kv_u_nz(g, "throttledPeriods", kv_or0(cpu, "cpu.stat", "nr_throttled"));
  kv_u_nz(g, "throttledTime", kv_or0(cpu, "cpu.stat", "throttled_time"));
  yajl_gen_map_close(g);
}

static void gen_cpu_v2(yajl_gen g, int fd)
{
  _cleanup_free_ char *stat = slurp(fd, "cpu.stat");
  uint64_t usage = 0, user = 0, system = 0, periods = 0, thr = 0, thr_us = 0;
  if (stat) {
    kv_get(stat, "usage_usec", &usage);
    kv_get(stat, "user_usec", &user);
    kv_get(stat, "system_usec", &system);
    kv_get(stat, "nr_periods", &periods);
    kv_get(stat, "nr_throttled", &thr);
    kv_get(stat, "throttled_usec", &thr_us);
  }
  gen_s(g, "usage");
  yajl_gen_map_open(g);
  kv_u_nz(g, "total", usage * 1000);
  kv_u(g, "kernel", system * 1000);
  kv_u(g, "user", user * 1000);
  yajl_gen_map_close(g);
  gen_s(g, "throttling");
  yajl_gen_map_open(g);
  kv_u_nz(g, "periods", periods);
  kv_u_nz(g, "throttledPeriods", thr);
  kv_u_nz(g, "throttledTime", thr_us * 1000);
  yajl_gen_map_close(g);
}

static void gen_cpu(yajl_gen g, const struct lc_cgroup *cg)
{
  gen_s(g, "cpu");
  yajl_gen_map_open(g);
  if (cg->layout == LC_CG_LAYOUT_V2)
    gen_cpu_v2(g, dirfd_of(cg, NULL));
  else
    gen_cpu_v1(g, cg);
  yajl_gen_map_close(g);
}

/* "0-2,4" -> [0,1,2,4] (omitted when empty). */
static void kv_cpulist(yajl_gen g, const char *key, const char *text)
{
  if (!text || !text[strspn(text, " \n")])
    return;
  gen_s(g, key);
  yajl_gen_array_open(g);
  for (const char *p = text; *p && *p != '\n';) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      break;
    if (*end == '-')
      b = strtoul(end + 1, &end, 10);
    for (unsigned long i = a; i <= b && i < a + 65536; i++)
      gen_u(g, i);
    p = *end == ',' ? end + 1 : end;
  }
  yajl_gen_array_close(g);
}

static void gen_cpuset(yajl_gen g, const struct lc_cgroup *cg)
{
  static const char *const flags[][2] = {
    {"cpu_exclusive", "cpuset.cpu_exclusive"},
    {"mem_hardwall", "cpuset.mem_hardwall"},
    {"mem_exclusive", "cpuset.mem_exclusive"},
    {"memory_migrate", "cpuset.memory_migrate"},
    {"memory_spread_page", "cpuset.memory_spread_page"},
    {"memory_spread_slab", "cpuset.memory_spread_slab"},
    {"memory_pressure", "cpuset.memory_pressure"},
    {"sched_load_balance", "cpuset.sched_load_balance"},
  };
  bool v2 = cg->layout == LC_CG_LAYOUT_V2;
  int fd = dirfd_of(cg, "cpuset");
  _cleanup_free_ char *cpus = slurp(fd, v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
  _cleanup_free_ char *mems = slurp(fd, v2 ? "cpuset.mems.effective" : "cpuset.mems");
  gen_s(g, "cpuset");
  yajl_gen_map_open(g);
  kv_cpulist(g, "cpus", cpus);
  kv_cpulist(g, "mems", mems);
  for (size_t i = 0; i < LC_ARRAY_SIZE(flags); i++)
    kv_u(g, flags[i][0], v2 ? 0 : u64_or0(fd, flags[i][1]));
  _cleanup_free_ char *lvl = v2 ? NULL : slurp(fd, "cpuset.sched_relax_domain_level");
  gen_s(g, "sched_relax_domain_level");
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%lld", lvl ? strtoll(lvl, NULL, 10) : 0LL);
  yajl_gen_number(g, buf, (size_t) n);
  yajl_gen_map_close(g);
}

/* ---- memory ------------------------------------------------------------------- */

struct mem_entry {
  uint64_t limit, usage, max, failcnt;
};

static void gen_mem_entry(yajl_gen g, const char *key, const struct mem_entry *e)
{
  gen_s(g, key);
  yajl_gen_map_open(g);
  kv_u(g, "limit", e->limit);
  kv_u_nz(g, "usage", e->usage);
  kv_u_nz(g, "max", e->max);
  kv_u(g, "failcnt", e->failcnt);
  yajl_gen_map_close(g);
}

static struct mem_entry v1_entry(int fd, const char *prefix)
{
  _cleanup_free_ char *l = xasprintf("%s.limit_in_bytes", prefix);
  _cleanup_free_ char *u = xasprintf("%s.usage_in_bytes", prefix);
  _cleanup_free_ char *m = xasprintf("%s.max_usage_in_bytes", prefix);
  _cleanup_free_ char *f = xasprintf("%s.failcnt", prefix);
  return (struct mem_entry){u64_or0(fd, l), u64_or0(fd, u), u64_or0(fd, m), u64_or0(fd, f)};
}

static void gen_raw(yajl_gen g, const char *stat)
{
  if (!stat || !*stat)
    return;
  gen_s(g, "raw");
  yajl_gen_map_open(g);
  _cleanup_free_ char *copy = xstrdup(stat);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    kv_u(g, line, strtoull(sp + 1, NULL, 10));
  }
  yajl_gen_map_close(g);
}

static void gen_memory_v1(yajl_gen g, int fd)
{
  _cleanup_free_ char *stat = slurp(fd, "memory.stat");
  uint64_t cache = 0;
  if (stat)
    kv_get(stat, "cache", &cache);
  kv_u_nz(g, "cache", cache);
  struct mem_entry e = v1_entry(fd, "memory");
  gen_mem_entry(g, "usage", &e);
  e = v1_entry(fd, "memory.memsw");
  gen_mem_entry(g, "swap", &e);
  e = v1_entry(fd, "memory.kmem");
  gen_mem_entry(g, "kernel", &e);
  e = v1_entry(fd, "memory.kmem.tcp");
  gen_mem_entry(g, "kernelTCP", &e);
  gen_raw(g, stat);
}

/* v2 reports swap without memory; runc adds them for v1 compatibility. */
static void gen_memory_v2(yajl_gen g, int fd)
{
  _cleanup_free_ char *stat = slurp(fd, "memory.stat");
  uint64_t cache = 0;
  if (stat)
    kv_get(stat, "file", &cache);
  kv_u_nz(g, "cache", cache);
  struct mem_entry mem = {u64_or0(fd, "memory.max"), u64_or0(fd, "memory.current"),
                          u64_or0(fd, "memory.peak"), kv_or0(fd, "memory.events", "max")};
  struct mem_entry swap = {u64_or0(fd, "memory.swap.max"), u64_or0(fd, "memory.swap.current"),
                           u64_or0(fd, "memory.swap.peak"),
                           kv_or0(fd, "memory.swap.events", "max")};
  swap.usage += mem.usage;
  if (swap.limit != UINT64_MAX)
    swap.limit += mem.limit;
  struct mem_entry none = {0};
  gen_mem_entry(g, "usage", &mem);
  gen_mem_entry(g, "swap", &swap);
  gen_mem_entry(g, "kernel", &none);
  gen_mem_entry(g, "kernelTCP", &none);
  gen_raw(g, stat);
}

static void gen_memory(yajl_gen g, const struct lc_cgroup *cg)
{
  gen_s(g, "memory");
  yajl_gen_map_open(g);
  if (cg->layout == LC_CG_LAYOUT_V2)
    gen_memory_v2(g, dirfd_of(cg, NULL));
  else
    gen_memory_v1(g, dirfd_of(cg, "memory"));
  yajl_gen_map_close(g);
}

static void gen_pids(yajl_gen g, const struct lc_cgroup *cg)
{
  int fd = dirfd_of(cg, "pids");
  uint64_t limit = u64_or0(fd, "pids.max");
  gen_s(g, "pids");
  yajl_gen_map_open(g);
  kv_u_nz(g, "current", u64_or0(fd, "pids.current"));
  kv_u_nz(g, "limit", limit == UINT64_MAX ? 0 : limit); /* "max": no limit, like runc */
  yajl_gen_map_close(g);
}

/* ---- blkio ---------------------------------------------------------------------- */

static void gen_blk_entry(yajl_gen g, uint64_t major, uint64_t minor, const char *op,
                          uint64_t value)
{
  yajl_gen_map_open(g);
  kv_u_nz(g, "major", major);
  kv_u_nz(g, "minor", minor);
  if (op && *op) {
    gen_s(g, "op");
    gen_s(g, op);
  }
  kv_u_nz(g, "value", value);
  yajl_gen_map_close(g);
}

/* v1 "8:0 Read 123" / "8:0 123" lines; "Total 123" is skipped. */
static bool gen_v1_blkfile(yajl_gen g, int fd, const char *key, const char *file)
{
  _cleanup_free_ char *t = slurp(fd, file);
  if (!t || !t[strspn(t, " \n")] || strncmp(t, "Total", 5) == 0)
    return false;
  gen_s(g, key);
  yajl_gen_array_open(g);
  _cleanup_free_ char *copy = xstrdup(t);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned long long ma, mi, v;
    char op[32];
    if (sscanf(line, "%llu:%llu %31s %llu", &ma, &mi, op, &v) == 4)
      gen_blk_entry(g, ma, mi, op, v);
    else if (sscanf(line, "%llu:%llu %llu", &ma, &mi, &v) == 3)
      gen_blk_entry(g, ma, mi, NULL, v);
  }
  yajl_gen_array_close(g);
  return true;
}

static void gen_blkio_v1(yajl_gen g, int fd)
{
  static const char *const cfq[][2] = {
    {"ioServiceBytesRecursive", "blkio.io_service_bytes_recursive"},
    {"ioServicedRecursive", "blkio.io_serviced_recursive"},
    {"ioQueueRecursive", "blkio.io_queued_recursive"},
    {"ioServiceTimeRecursive", "blkio.io_service_time_recursive"},
    {"ioWaitTimeRecursive", "blkio.io_wait_time_recursive"},
    {"ioMergedRecursive", "blkio.io_merged_recursive"},
    {"ioTimeRecursive", "blkio.time_recursive"},
    {"sectorsRecursive", "blkio.sectors_recursive"},
  };
  _cleanup_free_ char *probe = slurp(fd, "blkio.io_serviced_recursive");
  if (probe && probe[strspn(probe, " \n")] && strncmp(probe, "Total", 5) != 0) {
    for (size_t i = 0; i < LC_ARRAY_SIZE(cfq); i++)
      gen_v1_blkfile(g, fd, cfq[i][0], cfq[i][1]);
    return;
  }
  /* No CFQ/BFQ statistics: the throttle ones, like runc. */
  gen_v1_blkfile(g, fd, "ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive");
  gen_v1_blkfile(g, fd, "ioServicedRecursive", "blkio.throttle.io_serviced_recursive");
}

/* io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> Read/Write entries. */
static void gen_io_v2(yajl_gen g, const char *text, const char *key, const char *rkey,
                      const char *wkey)
{
  if (!text || !text[strspn(text, " \n")])
    return;
  gen_s(g, key);
  yajl_gen_array_open(g);
  _cleanup_free_ char *copy = xstrdup(text);
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned long long ma, mi;
    if (sscanf(line, "%llu:%llu", &ma, &mi) != 2)
      continue;
    const char *keys[2] = {rkey, wkey}, *ops[2] = {"Read", "Write"};
    for (int i = 0; i < 2; i++) {
      const char *p = strstr(line, keys[i]);
      if (p && p[strlen(keys[i])] == '=')
        gen_blk_entry(g, ma, mi, ops[i], strtoull(p + strlen(keys[i]) + 1, NULL, 10));
    }
  }
  yajl_gen_array_close(g);
}

static void gen_blkio(yajl_gen g, const struct lc_cgroup *cg)
{
  gen_s(g, "blkio");
  yajl_gen_map_open(g);
  if (cg->layout == LC_CG_LAYOUT_V2) {
    _cleanup_free_ char *t = slurp(dirfd_of(cg, NULL), "io.stat");
    gen_io_v2(g, t, "ioServiceBytesRecursive", " rbytes", " wbytes");
    gen_io_v2(g, t, "ioServicedRecursive", " rios", " wios");
  } else {
    gen_blkio_v1(g, dirfd_of(cg, "blkio"));
  }
  yajl_gen_map_close(g);
}

/* ---- hugetlb ---------------------------------------------------------------------- */

/* Page sizes from the file names: hugetlb.<size>.<suffix>. */
static void gen_hugetlb(yajl_gen g, const struct lc_cgroup *cg)
{
  bool v2 = cg->layout == LC_CG_LAYOUT_V2;
  int fd = dirfd_of(cg, "hugetlb");
  const char *suffix = v2 ? ".current" : ".usage_in_bytes";
  gen_s(g, "hugetlb");
  yajl_gen_map_open(g);
  int dfd = fd >= 0 ? openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  struct dirent *de;
  while (d && (de = readdir(d))) {
    size_t l = strlen(de->d_name), sl = strlen(suffix);
    if (strncmp(de->d_name, "hugetlb.", 8) != 0 || l <= 8 + sl
        || strcmp(de->d_name + l - sl, suffix) != 0 || memchr(de->d_name + 8, '.', l - 8 - sl))
      continue;
    _cleanup_free_ char *size = xstrndup(de->d_name + 8, l - 8 - sl);
    _cleanup_free_ char *maxf = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
    _cleanup_free_ char *evf = xasprintf("hugetlb.%s.events", size);
    _cleanup_free_ char *ff = xasprintf("hugetlb.%s.failcnt", size);
    gen_s(g, size);
    yajl_gen_map_open(g);
    kv_u_nz(g, "usage", u64_or0(fd, de->d_name));
    kv_u_nz(g, "max", v2 ? 0 : u64_or0(fd, maxf));
    kv_u(g, "failcnt", v2 ? kv_or0(fd, evf, "max") : u64_or0(fd, ff));
    yajl_gen_map_close(g);
  }
  if (d)
    closedir(d);
  else if (dfd >= 0)
    close(dfd);
  yajl_gen_map_close(g);
}

int lc_cgroup_stats_json(const struct lc_cgroup *cg, char **json, lc_error_t *err)
{
  if (!lc_cgroup_main(cg))
    return lc_error_set(err, ENOENT, "cgroup: the container's cgroup is gone");
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    abort();
  yajl_gen_map_open(g);
  gen_cpu(g, cg);
  gen_cpuset(g, cg);
  gen_memory(g, cg);
  gen_pids(g, cg);
  gen_blkio(g, cg);
  gen_hugetlb(g, cg);
  gen_s(g, "intel_rdt");
  yajl_gen_map_open(g);
  yajl_gen_map_close(g);
  gen_s(g, "network_interfaces");
  yajl_gen_null(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  *json = xstrndup((const char *) buf, len);
  yajl_gen_free(g);
  return 0;
}

uint64_t lc_cgroup_oom_count(const struct lc_cgroup *cg)
{
  if (cg->layout == LC_CG_LAYOUT_V2)
    return kv_or0(dirfd_of(cg, NULL), "memory.events", "oom_kill");
  int fd = dirfd_of(cg, "memory");
  _cleanup_free_ char *t = slurp(fd, "memory.oom_control");
  uint64_t kills = 0, under = 0;
  if (t) {
    kv_get(t, "oom_kill", &kills);
    kv_get(t, "under_oom", &under);
  }
  return kills + under;
}
