/* test-cgroup.c — the cgroup manager's pure parts (config-linux.md § Cgroups Path): mountinfo
 * and /proc/self/cgroup parsing, runc's cgroupsPath cleaning and placement, the record text,
 * and, on fake cgroup directories in a temp dir, pid listing, v1 freezing, signalling through
 * the cgroup, OOM counting and the `events --stats` JSON. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "tap.h"
#include "xalloc.h"

static char base[] = "/tmp/ocirun-test-cgroup-XXXXXX";

/* A test name built with printf (tap.h's is_* take a plain string). */
static const char *tn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *tn(const char *fmt, ...)
{
  static char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

/* This host's shape: v1 controllers, a named hierarchy, cgroup2 at unified, and noise. */
static const char hybrid_mi[] =
  "25 30 0:23 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
  "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
  "27 25 0:25 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
  "28 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
  "29 25 0:27 /sub /sys/fs/cgroup/memory rw shared:13 - cgroup cgroup rw,memory\n"
  "30 25 0:28 / /sys/fs/cgroup/my\\040dir rw - cgroup cgroup rw,freezer\n"
  "31 25 0:26 / /sys/fs/cgroup/cpu rw shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
  "32 1 0:29 / /var/lib/x/cgroup rw - cgroup cgroup rw,pids\n"
  "33 1 0:30 / /proc rw - proc proc rw\n";

static void test_mountinfo(void)
{
  struct lc_cgroup cg = {0};
  lc_error_t err = {0};
  is_int(lc_cg_parse_mountinfo(hybrid_mi, LC_CG_LAYOUT_HYBRID, &cg, &err), 0, "parse hybrid");
  is_int((int) cg.n, 5,
         "hybrid: unified, systemd, cpu+cpuacct, memory, freezer (dup, outside ignored)");
  const char *want[][3] = {
    {"", "/sys/fs/cgroup/unified", "/"},
    {"name=systemd", "/sys/fs/cgroup/systemd", "/"},
    {"cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/"},
    {"memory", "/sys/fs/cgroup/memory", "/sub"},
    {"freezer", "/sys/fs/cgroup/my dir", "/"},
  };
  for (size_t i = 0; i < cg.n && i < 5; i++) {
    is_str(cg.h[i].controllers, want[i][0], tn("hierarchy %zu controllers", i));
    is_str(cg.h[i].mount, want[i][1], tn("hierarchy %zu mount (\\040 unescaped)", i));
    is_str(cg.h[i].mount_root, want[i][2], tn("hierarchy %zu mount root", i));
  }
  struct lc_cgroup *p = xzalloc(sizeof *p);
  *p = cg;
  lc_cgroup_free(p);

  struct lc_cgroup v1 = {0};
  is_int(lc_cg_parse_mountinfo(hybrid_mi, LC_CG_LAYOUT_V1, &v1, &err), 0, "parse as v1");
  is_int((int) v1.n, 4, "v1: no cgroup2 hierarchy");
  p = xzalloc(sizeof *p);
  *p = v1;
  lc_cgroup_free(p);

  struct lc_cgroup v2 = {0};
  const char v2_mi[] = "40 1 0:31 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n"
                       "41 1 0:32 / /mnt/other rw - cgroup2 cgroup2 rw\n";
  is_int(lc_cg_parse_mountinfo(v2_mi, LC_CG_LAYOUT_V2, &v2, &err), 0, "parse v2");
  ok(v2.n == 1 && strcmp(v2.h[0].mount, "/sys/fs/cgroup") == 0 && !v2.h[0].controllers[0],
     "v2: only /sys/fs/cgroup");
  p = xzalloc(sizeof *p);
  *p = v2;
  lc_cgroup_free(p);

  struct lc_cgroup none = {0};
  is_int(
    lc_cg_parse_mountinfo("33 1 0:30 / /proc rw - proc proc rw\n", LC_CG_LAYOUT_V1, &none, &err),
    -ENOENT, "no cgroup mount: ENOENT");
  is_str(err.msg, "no cgroup file system mounted under \"/sys/fs/cgroup\"", "its message");
  lc_error_clear(&err);
}

static void test_own_path(void)
{
  const char self[] = "11:hugetlb:/\n9:name=systemd:/user.slice\n4:memory:/process_api/x\n"
                      "2:cpuacct,cpu:/c\n0::/unified/u\n";
  char *s;
  is_str(s = lc_cg_own_path(self, "memory"), "/process_api/x", "own path: memory");
  free(s);
  is_str(s = lc_cg_own_path(self, "cpu,cpuacct"), "/c",
         "own path: controller sets compare unordered");
  free(s);
  is_str(s = lc_cg_own_path(self, "name=systemd"), "/user.slice", "own path: named hierarchy");
  free(s);
  is_str(s = lc_cg_own_path(self, ""), "/unified/u", "own path: cgroup2 line 0::");
  free(s);
  ok(lc_cg_own_path(self, "cpu") == NULL, "own path: a subset is not the hierarchy");
  ok(lc_cg_own_path(self, "pids") == NULL, "own path: none");
}

static void test_inner_path(void)
{
  static const char *const cases[][3] = {
    {NULL, "ctr", "ctr"},         {"", "ctr", "ctr"},        {"/a/b", "ctr", "/a/b"},
    {"//a//./b/", "ctr", "/a/b"}, {"a/../../b", "ctr", "b"}, {"/../../x", "ctr", "/x"},
    {"rel/p", "ctr", "rel/p"},
  };
  for (size_t i = 0; i < LC_ARRAY_SIZE(cases); i++) {
    char *s = lc_cg_inner_path(cases[i][0], cases[i][1]);
    is_str(s, cases[i][2],
           tn("cgroupsPath \"%s\" -> \"%s\"", cases[i][0] ? cases[i][0] : "(null)", cases[i][2]));
    free(s);
  }
}

static void test_dir(void)
{
  struct lc_cg_hier h = {
    .controllers = "memory", .mount = "/sys/fs/cgroup/memory", .mount_root = "/sub", .dirfd = -1};
  char *s;
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V1, "/abs/c", "/sub/own"), "/sys/fs/cgroup/memory/abs/c",
         "absolute: below the mount");
  free(s);
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V1, "c", "/sub/own"), "/sys/fs/cgroup/memory/own/c",
         "relative: below the own cgroup, minus the mount root");
  free(s);
  h.mount_root = "/";
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V1, "c", "/"), "/sys/fs/cgroup/memory/c",
         "relative: own /");
  free(s);
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V1, "c", NULL), "/sys/fs/cgroup/memory/c",
         "relative: unknown own cgroup is /");
  free(s);
  h.mount = "/sys/fs/cgroup";
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V2, "c", "/t"), "/sys/fs/cgroup/c",
         "v2 relative: beside the runtime's own cgroup (runc)");
  free(s);
  is_str(s = lc_cg_dir(&h, LC_CG_LAYOUT_V2, "c", "/a/b"), "/sys/fs/cgroup/a/c",
         "v2: parent of own");
  free(s);
}

/* ---- fake cgroup directories ---------------------------------------------------------------- */

static void put(const char *dir, const char *file, const char *text)
{
  _cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
  lc_error_t err = {0};
  if (lc_write_file_atomic(p, text, strlen(text), 0644, &err) < 0)
    abort();
}

static char *mkd(const char *name)
{
  char *p = xasprintf("%s/%s", base, name);
  if (mkdir(p, 0755) < 0)
    abort();
  return p;
}

static void test_record(void)
{
  _cleanup_free_ char *a = mkd("rec-a"), *b = xasprintf("%s/rec-gone", base);
  struct lc_cgroup cg = {.layout = LC_CG_LAYOUT_HYBRID};
  struct lc_cg_hier h[2] = {
    {.controllers = "memory", .path = a, .dirfd = -1},
    {.controllers = "", .path = b, .dirfd = -1},
  };
  cg.h = h;
  cg.n = 2;
  _cleanup_free_ char *text = lc_cgroup_serialize(&cg);
  _cleanup_free_ char *want = xasprintf("memory:%s\n:%s\n", a, b);
  is_str(text, want, "record text: one controllers:path line per hierarchy");
  struct lc_cgroup *back = NULL;
  lc_error_t err = {0};
  is_int(lc_cgroup_load(text, &back, &err), 0, "load the record");
  ok(back && back->n == 2 && back->layout == LC_CG_LAYOUT_HYBRID, "load: two hierarchies, hybrid");
  ok(back && back->h[0].dirfd >= 0 && back->h[1].dirfd < 0,
     "load: existing dir open, gone one not");
  ok(back && lc_cgroup_v1(back, "memory") == &back->h[0], "lc_cgroup_v1 finds memory");
  ok(back && lc_cgroup_main(back) == &back->h[0], "main: the open one when unified is gone");
  lc_cgroup_free(back);
  back = NULL;
  is_int(lc_cgroup_load("memory no-path\n", &back, &err), -EINVAL, "bad record: EINVAL");
  lc_error_clear(&err);
}

static struct lc_cgroup *load1(const char *controllers, const char *dir)
{
  _cleanup_free_ char *rec = xasprintf("%s:%s\n", controllers, dir);
  struct lc_cgroup *cg = NULL;
  lc_error_t err = {0};
  if (lc_cgroup_load(rec, &cg, &err) < 0)
    abort();
  return cg;
}

static void test_pids(void)
{
  _cleanup_free_ char *d = mkd("pids"), *sub = xasprintf("%s/sub", d);
  _cleanup_free_ char *deep = xasprintf("%s/sub/deeper", d);
  mkdir(sub, 0755);
  mkdir(deep, 0755);
  put(d, "cgroup.procs", "30\n10\n");
  put(sub, "cgroup.procs", "20\n10\n");
  put(deep, "cgroup.procs", "5\n");
  struct lc_cgroup *cg = load1("", d);
  pid_t *pids = NULL;
  size_t n = 0;
  lc_error_t err = {0};
  is_int(lc_cgroup_pids(cg, &pids, &n, &err), 0, "pids of a tree");
  char got[64] = "";
  for (size_t i = 0; i < n; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d", i ? "," : "", (int) pids[i]);
  is_str(got, "5,10,20,30", "pids: sub-cgroups included, sorted, unique");
  free(pids);
  lc_cgroup_free(cg);
}

static void test_freeze_and_signal(void)
{
  _cleanup_free_ char *d = mkd("freezer");
  put(d, "freezer.state", "THAWED\n");
  pid_t child = fork();
  if (child == 0) {
    for (;;)
      pause();
  }
  _cleanup_free_ char *procs = xasprintf("%d\n", (int) child);
  put(d, "cgroup.procs", procs);
  struct lc_cgroup *cg = load1("freezer", d);
  lc_error_t err = {0};
  ok(!lc_cgroup_is_frozen(cg), "v1: THAWED is not frozen");
  is_int(lc_cgroup_freeze(cg, true, &err), 0, "v1 freeze");
  ok(lc_cgroup_is_frozen(cg), "v1: FROZEN written and read back");
  is_int(lc_cgroup_freeze(cg, false, &err), 0, "v1 thaw");
  ok(!lc_cgroup_is_frozen(cg), "v1: THAWED again");
  is_int(lc_cgroup_signal(cg, SIGTERM, &err), 0, "signal every pid of the cgroup");
  int st = 0;
  waitpid(child, &st, 0);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "the member got SIGTERM");
  ok(!lc_cgroup_is_frozen(cg), "signal leaves a thawed cgroup thawed");
  lc_cgroup_free(cg);

  _cleanup_free_ char *nf = mkd("nofreezer");
  cg = load1("memory", nf);
  is_int(lc_cgroup_freeze(cg, true, &err), -ENOTSUP, "no freezer: ENOTSUP");
  lc_error_clear(&err);
  lc_cgroup_free(cg);
}

static yajl_val jget(yajl_val v, const char *a, const char *b, const char *c)
{
  const char *path[] = {a, b, c, NULL};
  return yajl_tree_get(v, path, yajl_t_any);
}

static long long jnum(yajl_val v, const char *a, const char *b, const char *c)
{
  yajl_val x = jget(v, a, b, c);
  return x && YAJL_IS_INTEGER(x) ? YAJL_GET_INTEGER(x) : -1;
}

static void test_stats_v2(void)
{
  _cleanup_free_ char *d = mkd("v2");
  put(d, "cgroup.procs", "");
  put(d, "cpu.stat",
      "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\n"
      "nr_throttled 2\nthrottled_usec 30\n");
  put(d, "memory.current", "4096\n");
  put(d, "memory.max", "max\n");
  put(d, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
  put(d, "memory.stat", "anon 100\nfile 200\n");
  put(d, "memory.swap.current", "0\n");
  put(d, "memory.swap.max", "max\n");
  put(d, "pids.current", "4\n");
  put(d, "pids.max", "max\n");
  put(d, "io.stat", "8:0 rbytes=11 wbytes=22 rios=3 wios=4 dbytes=0 dios=0\n");
  put(d, "hugetlb.2MB.current", "0\n");
  put(d, "hugetlb.2MB.events", "max 5\n");
  put(d, "cpuset.cpus.effective", "0-2,5\n");
  struct lc_cgroup *cg = load1("", d);
  _cleanup_free_ char *json = NULL;
  lc_error_t err = {0};
  is_int(lc_cgroup_stats_json(cg, &json, &err), 0, "v2 stats");
  yajl_val v = json ? yajl_tree_parse(json, NULL, 0) : NULL;
  ok(v != NULL, "v2 stats: valid JSON");
  is_int((int) jnum(v, "cpu", "usage", "total"), 1500000, "cpu total: usage_usec in ns");
  is_int((int) jnum(v, "cpu", "usage", "kernel"), 500000, "cpu kernel: system_usec in ns");
  is_int((int) jnum(v, "cpu", "throttling", "throttledPeriods"), 2, "cpu throttledPeriods");
  is_int((int) jnum(v, "memory", "usage", "usage"), 4096, "memory usage: memory.current");
  is_int((int) jnum(v, "memory", "usage", "failcnt"), 3, "memory failcnt: memory.events max");
  yajl_val lim = jget(v, "memory", "usage", "limit");
  ok(lim && YAJL_IS_NUMBER(lim) && strcmp(lim->u.number.r, "18446744073709551615") == 0,
     "memory limit \"max\": MaxUint64 like runc");
  is_int((int) jnum(v, "memory", "swap", "usage"), 4096, "swap usage includes memory (runc)");
  is_int((int) jnum(v, "memory", "cache", NULL), 200, "cache: memory.stat file");
  is_int((int) jnum(v, "memory", "raw", "anon"), 100, "raw: memory.stat");
  is_int((int) jnum(v, "pids", "current", NULL), 4, "pids current");
  ok(!jget(v, "pids", "limit", NULL), "pids limit \"max\": omitted like runc's 0");
  yajl_val io = jget(v, "blkio", "ioServiceBytesRecursive", NULL);
  ok(io && YAJL_IS_ARRAY(io) && io->u.array.len == 2, "io.stat: Read and Write byte entries");
  if (io && YAJL_IS_ARRAY(io) && io->u.array.len == 2) {
    is_str(YAJL_GET_STRING(jget(io->u.array.values[1], "op", NULL, NULL)), "Write", "op Write");
    is_int((int) jnum(io->u.array.values[1], "value", NULL, NULL), 22, "wbytes value");
    is_int((int) jnum(io->u.array.values[1], "major", NULL, NULL), 8, "major");
  }
  is_int((int) jnum(v, "hugetlb", "2MB", "failcnt"), 5, "hugetlb 2MB failcnt from events");
  yajl_val cpus = jget(v, "cpuset", "cpus", NULL);
  ok(cpus && YAJL_IS_ARRAY(cpus) && cpus->u.array.len == 4, "cpuset cpus \"0-2,5\": 4 entries");
  ok(jget(v, "intel_rdt", NULL, NULL) && jget(v, "network_interfaces", NULL, NULL),
     "intel_rdt and network_interfaces keys present");
  yajl_tree_free(v);
  is_int((int) lc_cgroup_oom_count(cg), 2, "oom count: memory.events oom_kill");
  lc_cgroup_free(cg);
}

static void test_stats_v1(void)
{
  _cleanup_free_ char *m = mkd("v1mem"), *c = mkd("v1cpu");
  put(m, "cgroup.procs", "");
  put(m, "memory.usage_in_bytes", "8192\n");
  put(m, "memory.limit_in_bytes", "1048576\n");
  put(m, "memory.max_usage_in_bytes", "9000\n");
  put(m, "memory.failcnt", "1\n");
  put(m, "memory.stat", "cache 300\nrss 400\n");
  put(m, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
  put(c, "cpuacct.usage", "123456\n");
  put(c, "cpuacct.usage_percpu", "100000 23456 \n");
  put(c, "cpu.stat", "nr_periods 9\nnr_throttled 1\nthrottled_time 77\n");
  _cleanup_free_ char *rec = xasprintf("memory:%s\ncpu,cpuacct:%s\n", m, c);
  struct lc_cgroup *cg = NULL;
  lc_error_t err = {0};
  if (lc_cgroup_load(rec, &cg, &err) < 0)
    abort();
  _cleanup_free_ char *json = NULL;
  is_int(lc_cgroup_stats_json(cg, &json, &err), 0, "v1 stats");
  yajl_val v = json ? yajl_tree_parse(json, NULL, 0) : NULL;
  ok(v != NULL, "v1 stats: valid JSON");
  is_int((int) jnum(v, "memory", "usage", "limit"), 1048576, "v1 memory limit");
  is_int((int) jnum(v, "memory", "usage", "max"), 9000, "v1 memory max usage");
  is_int((int) jnum(v, "memory", "cache", NULL), 300, "v1 cache");
  is_int((int) jnum(v, "cpu", "usage", "total"), 123456, "v1 cpuacct.usage");
  yajl_val pc = jget(v, "cpu", "usage", "percpu");
  ok(pc && YAJL_IS_ARRAY(pc) && pc->u.array.len == 2, "v1 percpu: two cpus");
  is_int((int) jnum(v, "cpu", "throttling", "throttledTime"), 77, "v1 throttled_time");
  ok(!jget(v, "pids", "current", NULL), "no pids hierarchy: pids {} (omitempty)");
  yajl_tree_free(v);
  is_int((int) lc_cgroup_oom_count(cg), 4, "v1 oom count: oom_control oom_kill");
  lc_cgroup_free(cg);
}

int main(void)
{
  if (!mkdtemp(base))
    skip_all("mkdtemp failed");
  test_mountinfo();
  test_own_path();
  test_inner_path();
  test_dir();
  test_record();
  test_pids();
  test_freeze_and_signal();
  test_stats_v2();
  test_stats_v1();
  lc_error_t err = {0};
  lc_rm_rf_at(AT_FDCWD, base, &err);
  lc_error_clear(&err);
  return tap_done();
}
