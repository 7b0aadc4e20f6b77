/* test-cgroup-writers.c — the cgroup v1 and v2 resource writers
 * (config-linux.md § Control groups and its subsections: Allowed Device
 * list, Memory, CPU, Block IO, Huge page limits, Network, PIDs, RDMA,
 * Unified).  Each writer runs against a temp directory holding empty files
 * named like the kernel's, and the exact bytes written are checked.  Where
 * the order of two writes matters, both names are hard links to one FIFO, so
 * the bytes read back show the order.  As root, with the v1 hierarchies
 * mounted, the order-sensitive writers also run against the real kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup-writers.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

static char base[] = "/tmp/ocirun-test-cgw-XXXXXX";

/* ---- helpers ------------------------------------------------------------ */

/* A fresh directory holding the (empty) files named in the NULL-terminated list. */
static int fresh_dir(const char *first, ...)
{
  static int seq;
  char name[32];
  snprintf(name, sizeof name, "d%d", seq++);
  int bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0 || mkdirat(bfd, name, 0755) < 0)
    abort();
  int fd = openat(bfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
  close(bfd);
  va_list ap;
  va_start(ap, first);
  for (const char *f = first; f; f = va_arg(ap, const char *)) {
    int t = openat(fd, f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (t < 0)
      abort();
    close(t);
  }
  va_end(ap);
  return fd;
}

/* Replace the content of dirfd/file (the writers truncate too). */
static void put(int dirfd, const char *file, const char *s)
{
  int fd = openat(dirfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t) strlen(s))
    abort();
  close(fd);
}

static char *slurp(int dirfd, const char *file)
{
  char *s = NULL;
  if (lc_read_file_at(dirfd, file, &s, NULL, NULL) < 0)
    return xstrdup("(missing)");
  return s;
}

#define is_file(dirfd, file, want, name)                                                           \
  do {                                                                                             \
    char *_s = slurp(dirfd, file);                                                                 \
    is_str(_s, want, name);                                                                        \
    free(_s);                                                                                      \
  } while (0)

static struct lc_resources *res(const char *json)
{
  struct lc_resources *r = NULL;
  lc_error_t err = {0};
  if (lc_resources_parse(json, strlen(json), &r, &err) < 0) {
    printf("# bad fixture %s: %s\n", json, err.msg);
    fflush(stdout);
    abort();
  }
  return r;
}

static const struct lc_cg1_controller *v1(const char *name)
{
  size_t n;
  const struct lc_cg1_controller *c = lc_cg1_controllers(&n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(c[i].name, name) == 0)
      return &c[i];
  abort();
}

/* Run v1 writer `ctl` on `json` against dirfd; returns its result, message in *msg. */
static int run1(const char *ctl, int dirfd, const char *json, char **msg)
{
  struct lc_resources *r = res(json);
  lc_error_t err = {0};
  int ret = v1(ctl)->write(dirfd, r, &err);
  if (msg)
    *msg = err.msg ? xstrdup(err.msg) : NULL;
  else if (ret < 0)
    printf("# %s\n", err.msg);
  lc_error_clear(&err);
  lc_resources_free(r);
  return ret;
}

static int run2(int dirfd, const char *json, char **msg)
{
  struct lc_resources *r = res(json);
  lc_error_t err = {0};
  int ret = lc_cg2_write_resources(dirfd, r, &err);
  if (msg)
    *msg = err.msg ? xstrdup(err.msg) : NULL;
  else if (ret < 0)
    printf("# %s\n", err.msg);
  lc_error_clear(&err);
  lc_resources_free(r);
  return ret;
}

static int check1(const char *json, char **msg)
{
  struct lc_resources *r = res(json);
  lc_error_t err = {0};
  int ret = lc_cg1_check(r, &err);
  *msg = err.msg ? xstrdup(err.msg) : NULL;
  lc_error_clear(&err);
  lc_resources_free(r);
  return ret;
}

/* Two names for one FIFO, with a reader open so that writers never block. */
static int fifo_pair(int dirfd, const char *a, const char *b)
{
  if (mkfifoat(dirfd, a, 0644) < 0 || linkat(dirfd, a, dirfd, b, 0) < 0)
    abort();
  return openat(dirfd, a, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

static char *drain(int fd)
{
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  return xstrdup(buf);
}

#define is_msg(msg, want, name)                                                                    \
  do {                                                                                             \
    is_str(msg, want, name);                                                                       \
    free(msg);                                                                                     \
    msg = NULL;                                                                                    \
  } while (0)

/* ---- v1 memory (config-linux.md § Memory) -------------------------------- */

#define MEMFILES                                                                                   \
  "memory.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes",            \
    "memory.kmem.limit_in_bytes", "memory.kmem.tcp.limit_in_bytes", "memory.swappiness",           \
    "memory.oom_control", "memory.use_hierarchy"

static void test_v1_memory(void)
{
  char *msg = NULL;
  int d = fresh_dir(MEMFILES, NULL);
  is_int(run1("memory", d,
              "{\"memory\":{\"limit\":536870912,\"reservation\":268435456,"
              "\"swap\":1073741824,\"kernel\":-1,\"kernelTCP\":1048576,"
              "\"swappiness\":0,\"disableOOMKiller\":true,\"useHierarchy\":true}}",
              NULL),
         0, "v1 memory: every field");
  is_file(d, "memory.limit_in_bytes", "536870912", "v1 memory.limit -> memory.limit_in_bytes");
  is_file(d, "memory.soft_limit_in_bytes", "268435456", "v1 memory.reservation -> soft limit");
  is_file(d, "memory.memsw.limit_in_bytes", "1073741824", "v1 memory.swap -> memsw (memory+swap)");
  is_file(d, "memory.kmem.limit_in_bytes", "-1", "v1 memory.kernel -> kmem.limit_in_bytes");
  is_file(d, "memory.kmem.tcp.limit_in_bytes", "1048576", "v1 memory.kernelTCP -> kmem.tcp");
  is_file(d, "memory.swappiness", "0", "v1 memory.swappiness 0 is written");
  is_file(d, "memory.oom_control", "1", "v1 disableOOMKiller -> oom_control=1");
  is_file(d, "memory.use_hierarchy", "1", "v1 useHierarchy -> use_hierarchy=1");
  close(d);

  d = fresh_dir(MEMFILES, NULL);
  is_int(run1("memory", d, "{\"memory\":{\"limit\":-1,\"disableOOMKiller\":false}}", NULL), 0,
         "v1 memory: unlimited");
  is_file(d, "memory.limit_in_bytes", "-1", "v1 limit -1 is written as -1");
  is_file(d, "memory.memsw.limit_in_bytes", "-1", "v1 limit -1 without swap lifts memsw too");
  is_file(d, "memory.oom_control", "", "v1 disableOOMKiller false writes nothing");
  is_file(d, "memory.soft_limit_in_bytes", "", "v1 absent reservation writes nothing");
  close(d);

  d = fresh_dir("memory.limit_in_bytes", NULL);
  is_int(run1("memory", d, "{\"memory\":{\"limit\":-1}}", NULL), 0,
         "v1 limit -1 without swap accounting: no memsw needed");
  is_int(run1("memory", d, "{\"memory\":{\"limit\":100,\"swap\":200}}", &msg), -ENOENT,
         "v1 swap without swap accounting is an error");
  is_msg(msg,
         "linux.resources.memory.swap: open \"memory.memsw.limit_in_bytes\": No such file "
         "or directory",
         "v1 missing file: the error names the field and the file");
  is_int(run1("memory", d, "{\"memory\":{\"kernel\":4096,\"kernelTCP\":4096}}", NULL), 0,
         "v1 kernel memory on a kernel without kmem files is ignored");
  is_int(run1("memory", d, "{\"memory\":{\"swappiness\":10}}", &msg), -ENOENT,
         "v1 swappiness with no file is an error");
  free(msg);
  close(d);

  is_int(check1("{\"memory\":{\"swappiness\":101}}", &msg), -EINVAL, "v1 swappiness 101 refused");
  is_msg(msg, "linux.resources.memory.swappiness: invalid value 101 (must be 0-100)",
         "v1 swappiness error text");
  is_int(check1("{\"memory\":{\"swappiness\":100}}", &msg), 0, "v1 swappiness 100 accepted");
  free(msg);
}

/* Raising both past the old memsw needs memsw first; the writer tries the
 * limit first and only reorders on EINVAL, which a FIFO never returns. */
static void test_v1_memory_order(void)
{
  int d = fresh_dir(NULL);
  int rd = fifo_pair(d, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes");
  is_int(run1("memory", d, "{\"memory\":{\"limit\":1111,\"swap\":22222}}", NULL), 0,
         "v1 memory order: writes");
  char *got = drain(rd);
  is_str(got, "111122222", "v1 memory order: limit then memsw when nothing objects");
  free(got);
  close(rd);
  close(d);
}

/* ---- v1 cpu, cpuset (config-linux.md § CPU) ------------------------------- */

static void test_v1_cpu(void)
{
  int d = fresh_dir("cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.cfs_burst_us",
                    "cpu.rt_runtime_us", "cpu.rt_period_us", "cpu.idle", NULL);
  is_int(run1("cpu", d,
              "{\"cpu\":{\"shares\":1024,\"quota\":1000000,\"burst\":1000000,"
              "\"period\":500000,\"realtimeRuntime\":950000,"
              "\"realtimePeriod\":1000000,\"idle\":1,\"cpus\":\"2-3\"}}",
              NULL),
         0, "v1 cpu: every field");
  is_file(d, "cpu.shares", "1024", "v1 cpu.shares");
  is_file(d, "cpu.cfs_quota_us", "1000000", "v1 cpu.quota -> cfs_quota_us");
  is_file(d, "cpu.cfs_period_us", "500000", "v1 cpu.period -> cfs_period_us");
  is_file(d, "cpu.cfs_burst_us", "1000000", "v1 cpu.burst -> cfs_burst_us");
  is_file(d, "cpu.rt_runtime_us", "950000", "v1 cpu.realtimeRuntime");
  is_file(d, "cpu.rt_period_us", "1000000", "v1 cpu.realtimePeriod");
  is_file(d, "cpu.idle", "1", "v1 cpu.idle");
  close(d);

  d = fresh_dir("cpu.cfs_quota_us", NULL);
  is_int(run1("cpu", d, "{\"cpu\":{\"quota\":-1}}", NULL), 0, "v1 quota -1 alone");
  is_file(d, "cpu.cfs_quota_us", "-1", "v1 quota -1 is unlimited");
  close(d);

  d = fresh_dir(NULL);
  int rd = fifo_pair(d, "cpu.cfs_period_us", "cpu.cfs_quota_us");
  is_int(run1("cpu", d, "{\"cpu\":{\"quota\":50000,\"period\":100000}}", NULL), 0,
         "v1 cpu order: writes");
  char *got = drain(rd);
  is_str(got, "10000050000", "v1 cpu order: period before quota");
  free(got);
  close(rd);
  close(d);

  d = fresh_dir("cpuset.cpus", "cpuset.mems", NULL);
  is_int(run1("cpuset", d, "{\"cpu\":{\"cpus\":\"0-3,7\",\"mems\":\"0\"}}", NULL), 0,
         "v1 cpuset writes");
  is_file(d, "cpuset.cpus", "0-3,7", "v1 cpu.cpus -> cpuset.cpus");
  is_file(d, "cpuset.mems", "0", "v1 cpu.mems -> cpuset.mems");
  close(d);
}

static void test_v1_cpuset_init(void)
{
  lc_error_t err = {0};
  int parent = fresh_dir("cpuset.cpus", "cpuset.mems", NULL);
  int child = fresh_dir("cpuset.cpus", "cpuset.mems", NULL);
  put(parent, "cpuset.cpus", "0-7\n");
  put(parent, "cpuset.mems", "0-1\n");
  put(child, "cpuset.mems", "1\n");
  is_int(lc_cg1_cpuset_init(parent, child, &err), 0, "cpuset init");
  is_file(child, "cpuset.cpus", "0-7", "cpuset init: empty cpus inherit the parent's");
  is_file(child, "cpuset.mems", "1\n", "cpuset init: non-empty mems are kept");
  close(child);

  child = fresh_dir("cpuset.cpus", "cpuset.mems", NULL);
  int empty = fresh_dir("cpuset.cpus", "cpuset.mems", NULL);
  is_int(lc_cg1_cpuset_init(empty, child, &err), -EINVAL, "cpuset init: empty parent refused");
  is_str(err.msg, "cpuset: the parent's \"cpuset.cpus\" is empty", "cpuset init: error text");
  lc_error_clear(&err);
  close(empty);
  close(child);
  close(parent);
}

/* ---- v1 pids, blkio, hugetlb, net, rdma ---------------------------------- */

static void test_v1_pids(void)
{
  char *msg = NULL;
  int d = fresh_dir("pids.max", NULL);
  is_int(run1("pids", d, "{\"pids\":{\"limit\":32771}}", NULL), 0, "pids limit");
  is_file(d, "pids.max", "32771", "pids.limit -> pids.max");
  is_int(run1("pids", d, "{\"pids\":{\"limit\":-1}}", NULL), 0, "pids -1");
  is_file(d, "pids.max", "max", "pids.limit -1 -> max");
  is_int(run1("pids", d, "{\"pids\":{\"limit\":0}}", NULL), 0, "pids 0");
  is_file(d, "pids.max", "0", "pids.limit 0 is a real limit (config-linux.md § PIDs)");
  is_int(run1("pids", d, "{\"pids\":{\"limit\":-2}}", &msg), -EINVAL, "pids -2 refused");
  is_msg(msg, "linux.resources.pids.limit: invalid value -2", "pids -2 error text");
  close(d);
}

static void test_v1_blkio(void)
{
  char *msg = NULL;
  const char *json =
    "{\"blockIO\":{\"weight\":10,\"leafWeight\":20,\"weightDevice\":[{\"major\":8,\"minor\":0,"
    "\"weight\":500,\"leafWeight\":300},{\"major\":8,\"minor\":16,\"weight\":400}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":600}],"
    "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":700},"
    "{\"major\":8,\"minor\":16,\"rate\":800}],"
    "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":10}],"
    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":300}]}}";
  int d = fresh_dir("blkio.weight", "blkio.leaf_weight", "blkio.weight_device",
                    "blkio.leaf_weight_device", "blkio.throttle.read_bps_device",
                    "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
                    "blkio.throttle.write_iops_device", NULL);
  is_int(run1("blkio", d, json, NULL), 0, "v1 blkio (CFQ files): every field");
  is_file(d, "blkio.weight", "10", "v1 blockIO.weight -> blkio.weight");
  is_file(d, "blkio.leaf_weight", "20", "v1 blockIO.leafWeight -> blkio.leaf_weight");
  is_file(d, "blkio.weight_device", "8:0 500\n8:16 400\n", "v1 weightDevice, one write each");
  is_file(d, "blkio.leaf_weight_device", "8:0 300\n", "v1 weightDevice leafWeight");
  is_file(d, "blkio.throttle.read_bps_device", "8:0 600\n", "v1 throttleReadBpsDevice");
  is_file(d, "blkio.throttle.write_bps_device", "8:0 700\n8:16 800\n", "v1 throttleWriteBpsDevice");
  is_file(d, "blkio.throttle.read_iops_device", "8:0 10\n", "v1 throttleReadIOPSDevice");
  is_file(d, "blkio.throttle.write_iops_device", "8:16 300\n", "v1 throttleWriteIOPSDevice");
  close(d);

  d = fresh_dir("blkio.bfq.weight", "blkio.bfq.weight_device", NULL);
  is_int(run1("blkio", d,
              "{\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,"
              "\"weight\":500,\"leafWeight\":30}]}}",
              NULL),
         0, "v1 blkio (BFQ files)");
  is_file(d, "blkio.bfq.weight", "300", "v1 weight -> blkio.bfq.weight under BFQ");
  is_file(d, "blkio.bfq.weight_device", "8:0 500\n", "v1 weightDevice -> bfq.weight_device");
  is_int(run1("blkio", d, "{\"blockIO\":{\"leafWeight\":30}}", &msg), -ENOENT,
         "v1 leafWeight without blkio.leaf_weight is an error");
  is_msg(msg,
         "linux.resources.blockIO.leafWeight: open \"blkio.leaf_weight\": No such file or "
         "directory",
         "v1 leafWeight error text");
  close(d);
}

static void test_v1_hugetlb_net_rdma(void)
{
  char *msg = NULL;
  int d = fresh_dir("hugetlb.2MB.limit_in_bytes", "hugetlb.1GB.limit_in_bytes",
                    "hugetlb.1GB.rsvd.limit_in_bytes", NULL);
  is_int(run1("hugetlb", d,
              "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200},"
              "{\"pageSize\":\"1GB\",\"limit\":1073741824}]}",
              NULL),
         0, "v1 hugetlb");
  is_file(d, "hugetlb.2MB.limit_in_bytes", "209715200", "v1 hugetlb 2MB limit");
  is_file(d, "hugetlb.1GB.limit_in_bytes", "1073741824", "v1 hugetlb 1GB limit");
  is_file(d, "hugetlb.1GB.rsvd.limit_in_bytes", "1073741824",
          "v1 hugetlb: the reservation limit too where the kernel has it");
  /* The parser refuses it too; `update` bodies and library callers may not. */
  struct lc_resources *r = res("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}");
  free(r->hugepage_limits[0].page_size);
  r->hugepage_limits[0].page_size = xstrdup("../2MB");
  lc_error_t err = {0};
  is_int(v1("hugetlb")->write(d, r, &err), -EINVAL,
         "v1 hugetlb: a page size that is a path is refused");
  is_str(err.msg, "linux.resources.hugepageLimits[0].pageSize: invalid value \"../2MB\"",
         "v1 hugetlb page size error text");
  lc_error_clear(&err);
  is_int(lc_cg2_write_resources(d, r, &err), -EINVAL, "v2 hugetlb: a path page size is refused");
  lc_error_clear(&err);
  lc_resources_free(r);
  is_int(run1("hugetlb", d, "{\"hugepageLimits\":[{\"pageSize\":\"64KB\",\"limit\":1}]}", &msg),
         -ENOENT, "v1 hugetlb: a size the kernel lacks is an error");
  free(msg);
  close(d);

  d = fresh_dir("net_cls.classid", "net_prio.ifpriomap", "rdma.max", NULL);
  const char *json = "{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\","
                     "\"priority\":500},{\"name\":\"eth1\",\"priority\":1000}]},"
                     "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000},"
                     "\"mlx4_0\":{\"hcaObjects\":1000}}}";
  is_int(run1("net_cls", d, json, NULL), 0, "v1 net_cls");
  is_file(d, "net_cls.classid", "1048577", "v1 network.classID -> net_cls.classid");
  is_int(run1("net_prio", d, json, NULL), 0, "v1 net_prio");
  is_file(d, "net_prio.ifpriomap", "eth0 500\neth1 1000\n", "v1 priorities -> ifpriomap lines");
  is_int(run1("rdma", d, json, NULL), 0, "v1 rdma");
  is_file(d, "rdma.max", "mlx5_1 hca_handle=3 hca_object=10000\nmlx4_0 hca_object=1000\n",
          "v1 rdma -> rdma.max lines");
  close(d);
}

/* ---- v1 devices (config-linux.md § Allowed Device list) ------------------- */

static void test_v1_devices(void)
{
  int d = fresh_dir("devices.allow", "devices.deny", NULL);
  is_int(run1("devices", d,
              "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
              "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"},"
              "{\"allow\":true,\"type\":\"a\",\"major\":8,\"access\":\"r\"},"
              "{\"allow\":false,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"w\"}]}",
              NULL),
         0, "v1 devices");
  is_file(d, "devices.deny", "a\na\nb 8:0 w\n",
          "v1 devices.deny: deny-all first, then the config's deny rules");
  is_file(d, "devices.allow",
          "c 10:229 rw\nc 8:* r\nb 8:* r\n"
          "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\nc 1:5 rwm\nc 1:9 rwm\n"
          "c 136:* rwm\nc 5:2 rwm\nc 10:200 rwm\n",
          "v1 devices.allow: the config's rules (a narrow \"a\" split in c and b), then the "
          "defaults");
  close(d);

  d = fresh_dir("devices.allow", "devices.deny", NULL);
  char *msg = NULL;
  is_int(run1("devices", d, "{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", &msg), -EINVAL,
         "v1 devices: bad type refused");
  is_msg(msg, "linux.resources.devices[0].type: invalid value \"x\"", "v1 devices error text");
  is_file(d, "devices.deny", "", "v1 devices: nothing written when a rule is bad");
  close(d);
}

static void test_v1_table(void)
{
  size_t n;
  const struct lc_cg1_controller *c = lc_cg1_controllers(&n);
  ok(n >= 12 && strcmp(c[0].name, "cpuset") == 0, "v1 table: cpuset first");
  is_str(c[n - 1].name, "devices", "v1 table: devices last");
  struct lc_resources *r = res("{\"memory\":{\"limit\":100},\"pids\":{\"limit\":0}}");
  ok(v1("memory")->needed(r) && v1("pids")->needed(r), "v1 needed: memory and pids");
  ok(!v1("cpu")->needed(r) && !v1("blkio")->needed(r) && !v1("hugetlb")->needed(r),
     "v1 needed: not cpu, blkio, hugetlb");
  ok(v1("devices")->needed(r), "v1 needed: devices always (the defaults)");
  ok(v1("freezer")->write == NULL && v1("cpuacct")->write == NULL, "v1: freezer/cpuacct no writer");
  lc_resources_free(r);

  char *msg = NULL;
  is_int(check1("{\"unified\":{\"memory.max\":\"1\"}}", &msg), -EINVAL, "v1: unified refused");
  is_msg(msg, "linux.resources.unified: cgroup v2 keys are not supported on cgroup v1",
         "v1: unified error text");
  is_int(check1("{\"unified\":{}}", &msg), 0, "v1: empty unified accepted");
  free(msg);
}

/* ---- v2 (cgroup-v2.rst) ---------------------------------------------------- */

static void test_conversions(void)
{
  is_int(lc_cg_shares_to_weight(2), 1, "shares 2 -> weight 1");
  is_int(lc_cg_shares_to_weight(1024), 39, "shares 1024 -> weight 39");
  is_int(lc_cg_shares_to_weight(262144), 10000, "shares 262144 -> weight 10000");
  is_int(lc_cg_shares_to_weight(1), 1, "shares below 2 clamp to weight 1");
  is_int(lc_cg_blkio_weight_to_io_weight(10), 1, "blkio 10 -> io 1");
  is_int(lc_cg_blkio_weight_to_io_weight(500), 4950, "blkio 500 -> io 4950");
  is_int(lc_cg_blkio_weight_to_io_weight(1000), 10000, "blkio 1000 -> io 10000");
}

static void test_v2_memory(void)
{
  char *msg = NULL;
  int d = fresh_dir("memory.max", "memory.low", "memory.swap.max", "memory.current", NULL);
  is_int(run2(d, "{\"memory\":{\"limit\":1000000,\"reservation\":500000,\"swap\":3000000}}", NULL),
         0, "v2 memory");
  is_file(d, "memory.max", "1000000", "v2 memory.limit -> memory.max");
  is_file(d, "memory.low", "500000", "v2 memory.reservation -> memory.low");
  is_file(d, "memory.swap.max", "2000000", "v2 swap.max = swap - limit");
  is_int(run2(d, "{\"memory\":{\"limit\":-1}}", NULL), 0, "v2 memory unlimited");
  is_file(d, "memory.max", "max", "v2 limit -1 -> max");
  is_file(d, "memory.swap.max", "max", "v2 limit -1 without swap -> swap max");
  is_int(run2(d, "{\"memory\":{\"limit\":4096,\"swap\":-1}}", NULL), 0, "v2 swap -1");
  is_file(d, "memory.swap.max", "max", "v2 swap -1 -> max");
  is_int(run2(d, "{\"memory\":{\"limit\":4096,\"swap\":4096}}", NULL), 0, "v2 swap = limit");
  is_file(d, "memory.swap.max", "0", "v2 swap == limit -> no swap");
  is_int(run2(d, "{\"memory\":{\"swap\":4096}}", &msg), -EINVAL, "v2 swap without limit refused");
  is_msg(msg, "linux.resources.memory.swap: cannot set a swap limit without a memory limit",
         "v2 swap without limit error text");
  is_int(run2(d, "{\"memory\":{\"limit\":8192,\"swap\":4096}}", &msg), -EINVAL,
         "v2 swap below limit refused");
  is_msg(msg, "linux.resources.memory.swap: memory+swap limit 4096 is below the memory limit 8192",
         "v2 swap below limit error text");
  is_int(run2(d, "{\"memory\":{\"kernel\":1048576}}", &msg), -EINVAL, "v2 kernel memory refused");
  is_msg(msg, "linux.resources.memory.kernel: kernel memory limits are not supported on cgroup v2",
         "v2 kernel memory error text");
  is_int(run2(d, "{\"memory\":{\"kernel\":-1,\"kernelTCP\":-1}}", NULL), 0,
         "v2 kernel memory -1 (no limit) accepted");

  put(d, "memory.current", "5000\n");
  put(d, "memory.max", "max");
  is_int(run2(d, "{\"memory\":{\"limit\":4096,\"checkBeforeUpdate\":true}}", &msg), -EBUSY,
         "v2 checkBeforeUpdate: limit below usage refused");
  is_msg(msg,
         "linux.resources.memory.limit: 4096 is below the current usage 5000 "
         "(checkBeforeUpdate)",
         "v2 checkBeforeUpdate error text");
  is_file(d, "memory.max", "max", "v2 checkBeforeUpdate: memory.max untouched");
  is_int(run2(d, "{\"memory\":{\"limit\":8192,\"checkBeforeUpdate\":true}}", NULL), 0,
         "v2 checkBeforeUpdate: limit above usage accepted");
  is_file(d, "memory.max", "8192", "v2 checkBeforeUpdate: memory.max written");
  close(d);

  d = fresh_dir("memory.max", NULL);
  is_int(run2(d, "{\"memory\":{\"limit\":-1}}", NULL), 0,
         "v2 limit -1 without swap accounting: fine");
  is_int(run2(d, "{\"memory\":{\"limit\":100,\"swap\":200}}", &msg), -ENOENT,
         "v2 explicit swap without swap accounting is an error");
  is_msg(msg, "linux.resources.memory.swap: open \"memory.swap.max\": No such file or directory",
         "v2 missing swap file error text");
  close(d);
}

static void test_v2_cpu(void)
{
  char *msg = NULL;
  int d = fresh_dir("cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpuset.cpus",
                    "cpuset.mems", NULL);
  is_int(run2(d,
              "{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":20000,"
              "\"idle\":0,\"cpus\":\"0-1\",\"mems\":\"0\"}}",
              NULL),
         0, "v2 cpu");
  is_file(d, "cpu.weight", "39", "v2 shares 1024 -> cpu.weight 39");
  is_file(d, "cpu.max", "50000 100000", "v2 quota/period -> cpu.max");
  is_file(d, "cpu.max.burst", "20000", "v2 burst -> cpu.max.burst");
  is_file(d, "cpu.idle", "0", "v2 cpu.idle");
  is_file(d, "cpuset.cpus", "0-1", "v2 cpuset.cpus");
  is_file(d, "cpuset.mems", "0", "v2 cpuset.mems");
  is_int(run2(d, "{\"cpu\":{\"quota\":-1,\"period\":250000}}", NULL), 0, "v2 quota -1");
  is_file(d, "cpu.max", "max 250000", "v2 quota -1 with period -> \"max PERIOD\"");
  is_int(run2(d, "{\"cpu\":{\"period\":250000}}", NULL), 0, "v2 period alone");
  is_file(d, "cpu.max", "max 250000", "v2 period without quota -> \"max PERIOD\"");
  is_int(run2(d, "{\"cpu\":{\"quota\":30000}}", NULL), 0, "v2 quota alone");
  is_file(d, "cpu.max", "30000", "v2 quota without period keeps the kernel's period");
  is_int(run2(d, "{\"cpu\":{\"realtimeRuntime\":950000}}", &msg), -EINVAL, "v2 realtime refused");
  is_msg(msg,
         "linux.resources.cpu.realtimeRuntime: realtime scheduling limits are not supported "
         "on cgroup v2",
         "v2 realtime error text");
  is_int(run2(d, "{\"cpu\":{\"quota\":1000,\"burst\":2000}}", &msg), -EINVAL,
         "v2 burst above quota refused");
  free(msg);
  close(d);

  d = fresh_dir(NULL);
  int rd = fifo_pair(d, "cpu.max.burst", "cpu.max");
  is_int(run2(d, "{\"cpu\":{\"quota\":50000,\"period\":100000,\"burst\":20000}}", NULL), 0,
         "v2 cpu order: writes");
  char *got = drain(rd);
  is_str(got, "2000050000 100000", "v2 cpu order: burst, then cpu.max");
  free(got);
  close(rd);
  close(d);
}

static void test_v2_io(void)
{
  const char *json =
    "{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":300}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":600}],"
    "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":700}],"
    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":300}],"
    "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":20}]}}";
  int d = fresh_dir("io.weight", "io.max", NULL);
  is_int(run2(d, json, NULL), 0, "v2 io without BFQ");
  is_file(d, "io.weight", "4950", "v2 blkio weight 500 -> io.weight 4950");
  is_file(d, "io.max", "8:0 rbps=600 wbps=700\n8:16 riops=20 wiops=300\n",
          "v2 throttles -> one io.max line per device");
  close(d);

  d = fresh_dir("io.weight", "io.bfq.weight", "io.max", NULL);
  is_int(run2(d, json, NULL), 0, "v2 io with BFQ");
  is_file(d, "io.bfq.weight", "500\n8:0 300\n", "v2 weight and weightDevice -> io.bfq.weight");
  is_file(d, "io.weight", "", "v2 io.weight untouched when BFQ is there");
  close(d);
}

static void test_v2_misc(void)
{
  char *msg = NULL;
  int d = fresh_dir("pids.max", "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "hugetlb.1GB.max",
                    "rdma.max", "memory.max", "io.max", "memory.high", NULL);
  is_int(run2(d,
              "{\"pids\":{\"limit\":-1},\"hugepageLimits\":[{\"pageSize\":\"2MB\","
              "\"limit\":2097152},{\"pageSize\":\"1GB\",\"limit\":0}],"
              "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3}},\"memory\":{\"limit\":4096},"
              "\"unified\":{\"memory.max\":\"max\",\"memory.high\":\"1000000\","
              "\"io.max\":\"259:0 rbps=2097152 wiops=120\\n253:0 rbps=2097152 wiops=120\"}}",
              NULL),
         0, "v2 pids, hugetlb, rdma, unified");
  is_file(d, "pids.max", "max", "v2 pids -1 -> max");
  is_file(d, "hugetlb.2MB.max", "2097152", "v2 hugetlb.2MB.max");
  is_file(d, "hugetlb.2MB.rsvd.max", "2097152", "v2 hugetlb.2MB.rsvd.max too");
  is_file(d, "hugetlb.1GB.max", "0", "v2 hugetlb.1GB.max 0");
  is_file(d, "rdma.max", "mlx5_1 hca_handle=3\n", "v2 rdma.max");
  is_file(d, "memory.max", "max", "v2 unified is written last and wins over memory.limit");
  is_file(d, "memory.high", "1000000", "v2 unified key verbatim");
  is_file(d, "io.max", "259:0 rbps=2097152 wiops=120253:0 rbps=2097152 wiops=120",
          "v2 unified multi-line value: one write per line");

  static const char *const bad[] = {"../memory.max", "a/b",          "memory",     ".max",
                                    "memory.",       "cgroup.procs", "memory..max"};
  for (size_t i = 0; i < LC_ARRAY_SIZE(bad); i++) {
    _cleanup_free_ char *json = xasprintf("{\"unified\":{\"%s\":\"1\"}}", bad[i]);
    _cleanup_free_ char *name = xasprintf("v2 unified key \"%s\" refused", bad[i]);
    is_int(run2(d, json, &msg), -EINVAL, name);
    free(msg);
  }
  is_int(run2(d, "{\"unified\":{\"a/b\":\"1\"}}", &msg), -EINVAL, "v2 unified slash");
  is_msg(msg,
         "linux.resources.unified: invalid key \"a/b\" (want a file name like "
         "\"memory.max\")",
         "v2 unified bad key error text");
  is_int(run2(d, "{\"unified\":{\"misc.max\":\"x 1\"}}", &msg), -ENOENT,
         "v2 unified key the kernel lacks");
  is_msg(msg,
         "linux.resources.unified.misc.max: no such file \"misc.max\" (is the \"misc\" "
         "controller available and enabled?)",
         "v2 unified missing file error text");
  is_int(run2(d, "{\"network\":{\"classID\":1}}", &msg), -EINVAL, "v2 network refused");
  is_msg(msg, "linux.resources.network: net_cls and net_prio are not available on cgroup v2",
         "v2 network error text");
  is_int(run2(d, "{\"network\":{}}", NULL), 0, "v2 empty network accepted");
  close(d);
}

static void test_v2_needed(void)
{
  char *s = NULL;
  struct lc_resources *r = res("{\"cpu\":{\"shares\":100,\"cpus\":\"0\"},\"memory\":{\"limit\":1},"
                               "\"pids\":{\"limit\":5},\"blockIO\":{\"weight\":100},"
                               "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}],"
                               "\"rdma\":{\"x\":{\"hcaHandles\":1}},"
                               "\"unified\":{\"misc.max\":\"a 1\",\"cgroup.freeze\":\"0\","
                               "\"memory.high\":\"5\"}}");
  is_int(lc_cg2_needed_controllers(r, &s), 8, "v2 needed: 8 controllers");
  is_str(s, "+cpu +cpuset +io +memory +pids +hugetlb +rdma +misc",
         "v2 needed: every controller r uses, unified ones too, \"cgroup\" never");
  free(s);
  lc_resources_free(r);
  r = res("{}");
  is_int(lc_cg2_needed_controllers(r, &s), 0, "v2 needed: none");
  is_str(s, "", "v2 needed: empty string");
  free(s);
  lc_resources_free(r);
}

/* ---- the real kernel (root, cgroup v1 hierarchies) -------------------------- */

static int real_cgroup(const char *hier, char *path, size_t len)
{
  struct statfs sfs;
  snprintf(path, len, "/sys/fs/cgroup/%s", hier);
  if (geteuid() != 0 || statfs(path, &sfs) < 0 || sfs.f_type != 0x27e0eb /* CGROUP_SUPER_MAGIC */)
    return -1;
  snprintf(path, len, "/sys/fs/cgroup/%s/ocirun-test-cgw-%d", hier, (int) getpid());
  if (mkdir(path, 0755) < 0)
    return -1;
  return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void test_real_v1_memory(void)
{
  char path[256];
  int d = real_cgroup("memory", path, sizeof path);
  if (d < 0 || !lc_cg_has_file(d, "memory.memsw.limit_in_bytes")) {
    ok(1, "# SKIP real v1 memory: not root, no v1 memory hierarchy or no swap accounting");
    if (d >= 0)
      rmdir(path);
    return;
  }
  is_int(run1("memory", d, "{\"memory\":{\"limit\":104857600,\"swap\":209715200}}", NULL), 0,
         "real v1 memory: first limits");
  is_int(run1("memory", d, "{\"memory\":{\"limit\":314572800,\"swap\":419430400}}", NULL), 0,
         "real v1 memory: raising both past the old memsw (memsw must go first)");
  is_file(d, "memory.limit_in_bytes", "314572800\n", "real v1: raised limit");
  is_file(d, "memory.memsw.limit_in_bytes", "419430400\n", "real v1: raised memsw");
  is_int(run1("memory", d, "{\"memory\":{\"limit\":52428800,\"swap\":62914560}}", NULL), 0,
         "real v1 memory: lowering both below the old limit (limit must go first)");
  is_file(d, "memory.limit_in_bytes", "52428800\n", "real v1: lowered limit");
  is_file(d, "memory.memsw.limit_in_bytes", "62914560\n", "real v1: lowered memsw");
  char *msg = NULL;
  is_int(run1("memory", d, "{\"memory\":{\"limit\":104857600,\"swap\":52428800}}", &msg), -EINVAL,
         "real v1 memory: swap below limit refused by the kernel");
  free(msg);
  close(d);
  ok(rmdir(path) == 0, "real v1 memory: cgroup removed");
}

static void test_real_v1_cpu(void)
{
  char path[256];
  int d = real_cgroup("cpu", path, sizeof path);
  if (d < 0) {
    ok(1, "# SKIP real v1 cpu: not root or no v1 cpu hierarchy");
    return;
  }
  char *msg = NULL;
  is_int(run1("cpu", d, "{\"cpu\":{\"shares\":1}}", &msg), -EINVAL,
         "real v1 cpu: shares the kernel clamps are an error");
  is_msg(msg, "linux.resources.cpu.shares: 1 is out of range, the kernel set 2",
         "real v1 cpu: shares error text");
  is_int(run1("cpu", d, "{\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":50000}}", NULL), 0,
         "real v1 cpu: shares, quota, period");
  is_file(d, "cpu.cfs_quota_us", "20000\n", "real v1 cpu: quota");
  is_file(d, "cpu.cfs_period_us", "50000\n", "real v1 cpu: period");
  close(d);
  ok(rmdir(path) == 0, "real v1 cpu: cgroup removed");

  d = real_cgroup("cpuset", path, sizeof path);
  if (d < 0) {
    ok(1, "# SKIP real v1 cpuset: not root or no v1 cpuset hierarchy");
    return;
  }
  int parent = open("/sys/fs/cgroup/cpuset", O_PATH | O_DIRECTORY | O_CLOEXEC);
  lc_error_t err = {0};
  is_int(lc_cg1_cpuset_init(parent, d, &err), 0, "real v1 cpuset init");
  char *want = slurp(parent, "cpuset.cpus");
  is_file(d, "cpuset.cpus", want, "real v1 cpuset: the child has the parent's cpus");
  free(want);
  close(parent);
  close(d);
  ok(rmdir(path) == 0, "real v1 cpuset: cgroup removed");
}

static void test_real_v1_devices(void)
{
  char path[256];
  int d = real_cgroup("devices", path, sizeof path);
  if (d < 0) {
    ok(1, "# SKIP real v1 devices: not root or no v1 devices hierarchy");
    return;
  }
  is_int(run1("devices", d,
              "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
              "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"r\"}]}",
              NULL),
         0, "real v1 devices");
  char *list = slurp(d, "devices.list");
  ok(strstr(list, "c 1:11 r\n") && strstr(list, "c 1:3 rwm\n") && strstr(list, "c 136:* rwm\n")
       && !strstr(list, "a *:* rwm"),
     "real v1 devices.list: deny-all then the rules and defaults");
  free(list);
  close(d);
  ok(rmdir(path) == 0, "real v1 devices: cgroup removed");
}

int main(void)
{
  if (!mkdtemp(base))
    skip_all("mkdtemp failed");
  test_v1_memory();
  test_v1_memory_order();
  test_v1_cpu();
  test_v1_cpuset_init();
  test_v1_pids();
  test_v1_blkio();
  test_v1_hugetlb_net_rdma();
  test_v1_devices();
  test_v1_table();
  test_conversions();
  test_v2_memory();
  test_v2_cpu();
  test_v2_io();
  test_v2_misc();
  test_v2_needed();
  test_real_v1_memory();
  test_real_v1_cpu();
  test_real_v1_devices();
  lc_rm_rf_at(AT_FDCWD, base, NULL);
  return tap_done();
}
