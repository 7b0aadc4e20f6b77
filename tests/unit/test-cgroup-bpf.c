/* test-cgroup-bpf.c — the cgroup v2 device filter (config-linux.md
 * § Allowed Device list: "The runtime MUST apply entries in the listed
 * order").  Programs are built for several rule sets and run in a small
 * user-space interpreter of the instructions the builder emits, asserting
 * allow/deny decisions.  As root with a cgroup2 mount (on this hybrid host
 * /sys/fs/cgroup/unified), the filter is also loaded and attached to a
 * scratch cgroup for real, a forked child joins it and opens devices, and an
 * update must replace the filter, not stack a second one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-bpf.h"
#include "cgroup-writers.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

/* ---- an interpreter for the instructions the builder uses ---------------- */

/* Returns the program's r0, or -1 for an instruction it does not know, a
 * jump out of the program or a bad context read. */
static long run(const struct bpf_insn *p, size_t len, const struct bpf_cgroup_dev_ctx *ctx)
{
  uint64_t r[11] = {0};
  for (size_t pc = 0, steps = 0; pc < len && steps < 100000; pc++, steps++) {
    const struct bpf_insn *i = &p[pc];
    uint64_t imm = (uint64_t) (int64_t) i->imm;
    switch (i->code) {
    case BPF_LDX | BPF_MEM | BPF_W:
      if (i->src_reg != 1 || i->off < 0 || i->off > 8 || i->off % 4)
        return -1;
      r[i->dst_reg] = ((const uint32_t *) ctx)[i->off / 4];
      break;
    case BPF_ALU | BPF_MOV | BPF_X:
      r[i->dst_reg] = (uint32_t) r[i->src_reg];
      break;
    case BPF_ALU | BPF_AND | BPF_K:
      r[i->dst_reg] = (uint32_t) (r[i->dst_reg] & (uint32_t) i->imm);
      break;
    case BPF_ALU | BPF_RSH | BPF_K:
      r[i->dst_reg] = (uint32_t) r[i->dst_reg] >> i->imm;
      break;
    case BPF_ALU64 | BPF_MOV | BPF_K:
      r[i->dst_reg] = imm;
      break;
    case BPF_JMP | BPF_JNE | BPF_K:
      if (r[i->dst_reg] != imm)
        pc += (size_t) (ssize_t) i->off;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      if (r[i->dst_reg] == imm)
        pc += (size_t) (ssize_t) i->off;
      break;
    case BPF_JMP | BPF_EXIT:
      return (long) r[0];
    default:
      return -1;
    }
  }
  return -1;
}

/* Decision for `type` ('c'/'b') major:minor and access "rwm"-subset. */
static long decide(const struct bpf_insn *p, size_t len, char type, uint32_t maj, uint32_t min,
                   const char *acc)
{
  uint32_t a = 0;
  for (; *acc; acc++)
    a |= *acc == 'r' ? BPF_DEVCG_ACC_READ : *acc == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
  struct bpf_cgroup_dev_ctx ctx = {
    .access_type = (a << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
    .major = maj,
    .minor = min,
  };
  return run(p, len, &ctx);
}

struct prog {
  struct bpf_insn *v;
  size_t n;
};

/* The program for a linux.resources JSON (config rules, then the defaults). */
static struct prog from_json(const char *json)
{
  struct lc_resources *r = NULL;
  _cleanup_free_ struct lc_cg_dev_rule *rules = NULL;
  size_t n = 0;
  struct prog p = {0};
  if (lc_resources_parse(json, strlen(json), &r, NULL) < 0
      || lc_cg_device_rules(r, &rules, &n, NULL) < 0
      || lc_bpf_devices_build(rules, n, &p.v, &p.n, NULL) < 0)
    abort();
  lc_resources_free(r);
  return p;
}

/* The program for raw rules only (no defaults). */
static struct prog from_rules(const struct lc_cg_dev_rule *rules, size_t n)
{
  struct prog p = {0};
  if (lc_bpf_devices_build(rules, n, &p.v, &p.n, NULL) < 0)
    abort();
  return p;
}

#define ALLOW(t, ma, mi, acc)                                                                      \
  {                                                                                                \
    true, t, ma, mi, acc                                                                           \
  }
#define DENY(t, ma, mi, acc)                                                                       \
  {                                                                                                \
    false, t, ma, mi, acc                                                                          \
  }
enum { M = LC_DEV_ACC_MKNOD, R = LC_DEV_ACC_READ, W = LC_DEV_ACC_WRITE, RWM = LC_DEV_ACC_ALL };

static void test_defaults(void)
{
  struct prog p = from_json("{}");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rw"), 1, "defaults: /dev/null rw allowed");
  is_int(decide(p.v, p.n, 'c', 1, 7, "w"), 1, "defaults: /dev/full allowed");
  is_int(decide(p.v, p.n, 'c', 1, 9, "rwm"), 1, "defaults: /dev/urandom rwm allowed");
  is_int(decide(p.v, p.n, 'c', 5, 0, "rw"), 1, "defaults: /dev/tty allowed");
  is_int(decide(p.v, p.n, 'c', 5, 2, "rw"), 1, "defaults: /dev/ptmx allowed");
  is_int(decide(p.v, p.n, 'c', 136, 17, "rw"), 1, "defaults: /dev/pts/17 allowed");
  is_int(decide(p.v, p.n, 'c', 10, 200, "rw"), 1, "defaults: /dev/net/tun allowed");
  is_int(decide(p.v, p.n, 'c', 1, 11, "r"), 0, "defaults: /dev/kmsg denied");
  is_int(decide(p.v, p.n, 'b', 8, 0, "r"), 0, "defaults: block 8:0 read denied");
  is_int(decide(p.v, p.n, 'b', 8, 0, "m"), 1, "defaults: mknod of any block node allowed");
  is_int(decide(p.v, p.n, 'c', 4, 1, "m"), 1, "defaults: mknod of any char node allowed");
  is_int(decide(p.v, p.n, 'c', 4, 1, "rm"), 0, "defaults: but not reading it");
  free(p.v);
}

/* What engines send: deny all, then allow some (config-linux.md example). */
static void test_engine_rules(void)
{
  struct prog p =
    from_json("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
              "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"},"
              "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"}]}");
  is_int(decide(p.v, p.n, 'c', 10, 229, "rw"), 1, "engine rules: /dev/fuse rw allowed");
  is_int(decide(p.v, p.n, 'b', 8, 0, "r"), 1, "engine rules: 8:0 read allowed");
  is_int(decide(p.v, p.n, 'b', 8, 0, "w"), 0, "engine rules: 8:0 write denied");
  is_int(decide(p.v, p.n, 'b', 8, 0, "rw"), 0, "engine rules: 8:0 rw denied (w is)");
  is_int(decide(p.v, p.n, 'b', 8, 1, "r"), 0, "engine rules: 8:1 denied");
  is_int(decide(p.v, p.n, 'c', 10, 229, "r"), 1, "engine rules: fuse read alone allowed");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rw"), 1, "engine rules: the defaults still apply");
  free(p.v);

  /* Defaults come after the config (runc): its deny cannot take /dev/null. */
  p = from_json("{\"devices\":[{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3}]}");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rw"), 1, "a config deny of /dev/null is overridden");
  free(p.v);
}

static void test_last_match(void)
{
  const struct lc_cg_dev_rule a[] = {ALLOW('a', -1, -1, RWM), DENY('c', 1, 3, W)};
  struct prog p = from_rules(a, 2);
  is_int(decide(p.v, p.n, 'c', 1, 3, "r"), 1, "last match: 1:3 read still allowed");
  is_int(decide(p.v, p.n, 'c', 1, 3, "w"), 0, "last match: 1:3 write denied by the later rule");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rw"), 0, "last match: 1:3 rw denied");
  is_int(decide(p.v, p.n, 'c', 1, 5, "rw"), 1, "last match: 1:5 allowed");
  is_int(decide(p.v, p.n, 'b', 1, 3, "w"), 1, "last match: block 1:3 is another device");
  free(p.v);

  const struct lc_cg_dev_rule b[] = {DENY('c', 1, 3, RWM), ALLOW('c', -1, -1, R)};
  p = from_rules(b, 2);
  is_int(decide(p.v, p.n, 'c', 1, 3, "r"), 1, "later allow wins over an earlier deny");
  is_int(decide(p.v, p.n, 'c', 1, 3, "w"), 0, "bits the later rule does not name stay denied");
  free(p.v);

  const struct lc_cg_dev_rule c[] = {ALLOW('c', 1, 3, R), ALLOW('c', 1, 3, W)};
  p = from_rules(c, 2);
  is_int(decide(p.v, p.n, 'c', 1, 3, "rw"), 1, "r and w from two rules make rw");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rwm"), 0, "m named by no rule is denied");
  free(p.v);

  const struct lc_cg_dev_rule d[] = {ALLOW('a', 8, -1, R), DENY('b', -1, 2, RWM)};
  p = from_rules(d, 2);
  is_int(decide(p.v, p.n, 'c', 8, 5, "r"), 1, "type a major 8: char 8:5 read allowed");
  is_int(decide(p.v, p.n, 'b', 8, 5, "r"), 1, "type a major 8: block 8:5 read allowed");
  is_int(decide(p.v, p.n, 'b', 8, 2, "r"), 0, "minor wildcard deny: block 8:2 denied");
  is_int(decide(p.v, p.n, 'c', 8, 2, "r"), 1, "minor wildcard deny is for block only");
  is_int(decide(p.v, p.n, 'c', 9, 5, "r"), 0, "default deny");
  free(p.v);

  p = from_rules(NULL, 0);
  is_int(decide(p.v, p.n, 'c', 1, 3, "r"), 0, "no rules at all: everything denied");
  is_int(p.n, 8, "no rules: prologue and the final deny only");
  free(p.v);

  /* A rule for everything hides the ones before it: they are not emitted. */
  const struct lc_cg_dev_rule e[] = {DENY('c', 1, 3, RWM), ALLOW('c', 1, 5, R),
                                     ALLOW('a', -1, -1, RWM)};
  p = from_rules(e, 3);
  is_int(p.n, 12, "an allow-all rule ends the program: earlier rules dropped");
  is_int(decide(p.v, p.n, 'c', 1, 3, "rwm"), 1, "allow-all last: 1:3 allowed");
  free(p.v);

  const struct lc_cg_dev_rule bad[] = {ALLOW('x', 1, 3, R)};
  struct prog q = {0};
  lc_error_t err = {0};
  is_int(lc_bpf_devices_build(bad, 1, &q.v, &q.n, &err), -EINVAL, "bad rule type refused");
  is_str(err.msg, "device filter: invalid rule 0", "bad rule error text");
  lc_error_clear(&err);
}

static void test_rule_errors(void)
{
  struct lc_resources *r = NULL;
  const char *json = "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3}]}";
  lc_resources_parse(json, strlen(json), &r, NULL);
  free(r->devices[0].access);
  r->devices[0].access = xstrdup("rwx");
  struct lc_cg_dev_rule *rules = NULL;
  size_t n = 0;
  lc_error_t err = {0};
  is_int(lc_cg_device_rules(r, &rules, &n, &err), -EINVAL, "access outside rwm refused");
  is_str(err.msg, "linux.resources.devices[0].access: invalid value \"rwx\"", "access error text");
  lc_error_clear(&err);
  free(r->devices[0].access);
  r->devices[0].access = NULL;
  r->devices[0].major = -7;
  is_int(lc_cg_device_rules(r, &rules, &n, &err), -EINVAL, "major -7 refused");
  is_str(err.msg, "linux.resources.devices[0].major: invalid value -7", "major error text");
  lc_error_clear(&err);
  r->devices[0].major = -1;
  is_int(lc_cg_device_rules(r, &rules, &n, &err), 0, "major -1 is the wildcard");
  ok(n > 1 && rules[0].major == -1 && rules[0].minor == 3 && rules[0].access == RWM,
     "absent access means rwm; -1 major is any");
  free(rules);
  lc_resources_free(r);
}

/* ---- the real kernel ----------------------------------------------------- */

static char cgpath[256];

static int scratch_cgroup(void)
{
  static const char *const mounts[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
  struct statfs sfs;
  for (size_t i = 0; i < LC_ARRAY_SIZE(mounts); i++) {
    if (statfs(mounts[i], &sfs) < 0 || sfs.f_type != 0x63677270 /* CGROUP2_SUPER_MAGIC */)
      continue;
    snprintf(cgpath, sizeof cgpath, "%s/ocirun-test-bpf-%d", mounts[i], (int) getpid());
    if (mkdir(cgpath, 0755) < 0)
      return -1;
    return open(cgpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  return -1;
}

struct probe {
  const char *path;
  int flags;
};

/* A child joins the cgroup and opens each path; out[i] = 0 or its errno. */
static int probe(int cg, const struct probe *p, size_t n, int *out)
{
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    int res[8] = {0};
    if (lc_write_file_at(cg, "cgroup.procs", "0", NULL) < 0)
      _exit(2);
    for (size_t i = 0; i < n; i++) {
      int fd = open(p[i].path, p[i].flags | O_CLOEXEC | O_NONBLOCK);
      res[i] = fd < 0 ? errno : 0;
      if (fd >= 0)
        close(fd);
    }
    _exit(write(pipefd[1], res, sizeof res) == sizeof res ? 0 : 3);
  }
  close(pipefd[1]);
  int res[8];
  ssize_t got = read(pipefd[0], res, sizeof res);
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof res || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return -1;
  memcpy(out, res, n * sizeof(int));
  return 0;
}

static size_t attached(int cg, uint32_t *first)
{
  uint32_t *ids = NULL;
  size_t n = 0;
  if (lc_bpf_devices_query(cg, &ids, &n, NULL) < 0)
    return (size_t) -1;
  if (first)
    *first = n ? ids[0] : 0;
  free(ids);
  return n;
}

static int apply_json(int cg, const char *json, lc_error_t *err)
{
  struct lc_resources *r = NULL;
  if (lc_resources_parse(json, strlen(json), &r, err) < 0)
    return -1;
  int ret = lc_cg2_devices_apply(cg, r, err);
  lc_resources_free(r);
  return ret;
}

static void real_defaults_then_update(int cg)
{
  lc_error_t err = {0};
  is_int(attached(cg, NULL), 0, "real: a new cgroup has no device program");
  int ret = apply_json(cg, "{}", &err);
  is_int(ret, 0, "real: defaults loaded and attached");
  if (ret < 0)
    printf("# %s\n", err.msg);
  lc_error_clear(&err);
  uint32_t id1 = 0, id2 = 0;
  is_int(attached(cg, &id1), 1, "real: one program attached");
  const struct probe p1[] = {{"/dev/null", O_RDWR},
                             {"/dev/full", O_WRONLY},
                             {"/dev/kmsg", O_RDONLY},
                             {"/dev/loop0", O_RDONLY}};
  int res[4] = {-1, -1, -1, -1};
  is_int(probe(cg, p1, 4, res), 0, "real: child joined and probed");
  is_int(res[0], 0, "real defaults: /dev/null opens");
  is_int(res[1], 0, "real defaults: /dev/full opens");
  is_int(res[2], EPERM, "real defaults: /dev/kmsg is EPERM");
  is_int(res[3], EPERM, "real defaults: block /dev/loop0 is EPERM");

  ret = apply_json(cg,
                   "{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,"
                   "\"access\":\"r\"}]}",
                   &err);
  is_int(ret, 0, "real update: new rules applied");
  lc_error_clear(&err);
  is_int(attached(cg, &id2), 1, "real update: still one program (replaced, not stacked)");
  ok(id2 != id1, "real update: it is the new program");
  const struct probe p2[] = {
    {"/dev/kmsg", O_RDONLY}, {"/dev/kmsg", O_WRONLY}, {"/dev/null", O_RDWR}};
  is_int(probe(cg, p2, 3, res), 0, "real update: child joined and probed");
  is_int(res[0], 0, "real update: /dev/kmsg read now allowed");
  is_int(res[1], EPERM, "real update: /dev/kmsg write still EPERM");
  is_int(res[2], 0, "real update: /dev/null still opens");
}

/* Two programs attached (someone stacked one): attaching ours detaches both. */
static void real_replace_many(int cg)
{
  lc_error_t err = {0};
  struct prog p = from_json("{}");
  _cleanup_close_ int fd = lc_bpf_devices_load(p.v, p.n, &err);
  free(p.v);
  _cleanup_close_ int dir = openat(cg, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) dir;
  attr.attach_bpf_fd = (uint32_t) fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  ok(fd >= 0 && syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) == 0,
     "real: a second program stacked by hand");
  is_int(attached(cg, NULL), 2, "real: two programs attached");

  const struct lc_cg_dev_rule rules[] = {ALLOW('a', -1, -1, RWM), DENY('c', 1, 3, RWM)};
  p = from_rules(rules, 2);
  _cleanup_close_ int mine = lc_bpf_devices_load(p.v, p.n, &err);
  free(p.v);
  ok(mine >= 0, "real: raw rules loaded");
  is_int(lc_bpf_devices_attach(cg, mine, &err), 0, "real: attach over two programs");
  lc_error_clear(&err);
  is_int(attached(cg, NULL), 1, "real: only ours is left");
  const struct probe pr[] = {
    {"/dev/null", O_RDWR}, {"/dev/zero", O_RDONLY}, {"/dev/kmsg", O_RDONLY}};
  int res[3] = {-1, -1, -1};
  is_int(probe(cg, pr, 3, res), 0, "real raw rules: child joined and probed");
  is_int(res[0], EPERM, "real raw rules: /dev/null denied by the last rule");
  is_int(res[1], 0, "real raw rules: /dev/zero allowed by allow-all");
  is_int(res[2], 0, "real raw rules: /dev/kmsg allowed by allow-all");
}

static void test_real(void)
{
  if (geteuid() != 0) {
    ok(1, "# SKIP real device filter: not root");
    return;
  }
  int cg = scratch_cgroup();
  if (cg < 0) {
    ok(1, "# SKIP real device filter: no cgroup2 mount to make a scratch cgroup in");
    return;
  }
  real_defaults_then_update(cg);
  real_replace_many(cg);
  close(cg);
  ok(rmdir(cgpath) == 0, "real: scratch cgroup removed");
}

int main(void)
{
  test_defaults();
  test_engine_rules();
  test_last_match();
  test_rule_errors();
  test_real();
  return tap_done();
}
