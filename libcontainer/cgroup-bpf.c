/* cgroup-bpf.c — see cgroup-bpf.h.  Builds the eBPF device filter from the
 * normalised rule list, loads it with bpf(2) and attaches it to a cgroup v2
 * directory in place of the filter attached there before.
 *
 * The program (struct bpf_cgroup_dev_ctx in r1):
 *   r2 = access bits asked for and not decided yet, r3 = type,
 *   r4 = major, r5 = minor;
 *   then one block per rule, LAST rule first, each skipped when the device
 *   does not match:  allow: r2 &= ~bits; if r2 == 0 return 1
 *                    deny:  if (r2 & bits) return 0
 *   and at the end: return 0 (a bit no rule names is denied). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-bpf.h"
#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "xalloc.h"

/* ---- building ---------------------------------------------------------- */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

enum { R0, R1, R2, R3, R4, R5 };

struct prog {
  struct bpf_insn *v;
  size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn i)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
  }
  p->v[p->n++] = i;
}

static void emit_prologue(struct prog *p)
{
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type),
               0));
  emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, R3, R2, 0, 0));
  emit(p, insn(BPF_ALU | BPF_AND | BPF_K, R3, 0, 0, 0xffff));
  emit(p, insn(BPF_ALU | BPF_RSH | BPF_K, R2, 0, 0, 16));
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0));
  emit(p, insn(BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0));
}

/* One rule: the match tests jump past the block when the device differs. */
static void emit_rule(struct prog *p, const struct lc_cg_dev_rule *d)
{
  struct {
    uint8_t reg;
    int32_t imm;
  } tests[3];
  size_t nt = 0;
  if (d->type != 'a')
    tests[nt++] = (typeof(tests[0])){R3, d->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK};
  if (d->major >= 0)
    tests[nt++] = (typeof(tests[0])){R4, (int32_t) d->major};
  if (d->minor >= 0)
    tests[nt++] = (typeof(tests[0])){R5, (int32_t) d->minor};
  const size_t body = d->allow ? 4 : 5;
  for (size_t i = 0; i < nt; i++)
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, tests[i].reg, 0, (int16_t) (nt - 1 - i + body),
                 tests[i].imm));
  if (d->allow) {
    emit(p, insn(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, (int32_t) ~d->access));
    emit(p, insn(BPF_JMP | BPF_JNE | BPF_K, R2, 0, 2, 0));
    emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1));
    emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  } else {
    emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, R0, R2, 0, 0));
    emit(p, insn(BPF_ALU | BPF_AND | BPF_K, R0, 0, 0, (int32_t) d->access));
    emit(p, insn(BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 2, 0));
    emit(p, insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0));
    emit(p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  }
}

int lc_bpf_devices_build(const struct lc_cg_dev_rule *rules, size_t n, struct bpf_insn **out,
                         size_t *len, lc_error_t *err)
{
  struct prog p = {0};
  emit_prologue(&p);
  for (size_t i = n; i-- > 0;) {
    const struct lc_cg_dev_rule *d = &rules[i];
    if (!strchr("abc", d->type) || d->major > INT32_MAX || d->minor > INT32_MAX
        || d->access > LC_DEV_ACC_ALL) {
      free(p.v);
      return lc_error_set(err, EINVAL, "device filter: invalid rule %zu", i);
    }
    if (!d->access)
      continue; /* names no bit: decides nothing */
    emit_rule(&p, d);
    /* A rule for every device and every bit decides all that is left:
     * the rules before it can never be reached. */
    if (d->type == 'a' && d->major < 0 && d->minor < 0 && d->access == LC_DEV_ACC_ALL)
      break;
  }
  emit(&p, insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0));
  emit(&p, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  *out = p.v;
  *len = p.n;
  return 0;
}

/* ---- loading ----------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
  long r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));
  return r < 0 ? -errno : (int) r;
}

static int prog_load(const struct bpf_insn *insns, size_t len, char *log, size_t loglen)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) len;
  /* Only gates GPL-only helpers, and the filter calls no helper. */
  attr.license = (uintptr_t) "LGPL-2.1-or-later";
  strncpy(attr.prog_name, "ocirun_devices", sizeof attr.prog_name - 1);
  if (log) {
    attr.log_buf = (uintptr_t) log;
    attr.log_size = (uint32_t) loglen;
    attr.log_level = 1;
  }
  return sys_bpf(BPF_PROG_LOAD, &attr); /* bpf(2) fds are born O_CLOEXEC */
}

/* The last non-empty line of the verifier log: the reason. */
static const char *last_line(char *log)
{
  size_t l = strlen(log);
  while (l && log[l - 1] == '\n')
    log[--l] = '\0';
  char *nl = strrchr(log, '\n');
  return nl ? nl + 1 : log;
}

int lc_bpf_devices_load(const struct bpf_insn *insns, size_t len, lc_error_t *err)
{
  int fd = prog_load(insns, len, NULL, 0);
  if (fd == -EPERM) {
    /* Before 5.11 BPF memory was charged to RLIMIT_MEMLOCK (64 KiB on old
     * distributions); delete this once 5.11 is the oldest kernel. */
    struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
    if (setrlimit(RLIMIT_MEMLOCK, &inf) == 0)
      fd = prog_load(insns, len, NULL, 0);
  }
  if (fd >= 0)
    return fd;
  if (fd == -EINVAL || fd == -EACCES) {
    const size_t loglen = 1 << 16;
    _cleanup_free_ char *log = xzalloc(loglen);
    int again = prog_load(insns, len, log, loglen);
    if (again >= 0)
      return again;
    if (*log)
      return lc_error_set(err, -fd, "device filter: bpf load: %s: %s", strerror(-fd),
                          last_line(log));
  }
  return lc_error_sys(err, -fd, "device filter: bpf load");
}

/* ---- attaching --------------------------------------------------------- */

/* BPF_PROG_ATTACH/QUERY want a real open file, not O_PATH. */
static int reopen_dir(int cgfd, lc_error_t *err)
{
  int fd = openat(cgfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "device filter: open cgroup directory");
  return fd;
}

static int query(int dirfd, uint32_t **ids, size_t *n, uint32_t *flags, lc_error_t *err)
{
  _cleanup_free_ uint32_t *v = NULL;
  uint32_t cap = 16;
  for (;;) {
    v = xrealloc(v, cap * sizeof(*v));
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.query.target_fd = (uint32_t) dirfd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uintptr_t) v;
    attr.query.prog_cnt = cap;
    int r = sys_bpf(BPF_PROG_QUERY, &attr);
    if (r == -ENOSPC && attr.query.prog_cnt > cap) {
      cap = attr.query.prog_cnt;
      continue;
    }
    if (r < 0)
      return lc_error_sys(err, -r, "device filter: bpf query");
    *flags = attr.query.attach_flags;
    *n = attr.query.prog_cnt;
    *ids = TAKE_PTR(v);
    return 0;
  }
}

int lc_bpf_devices_query(int cgfd, uint32_t **ids, size_t *n, lc_error_t *err)
{
  _cleanup_close_ int dirfd = reopen_dir(cgfd, err);
  uint32_t flags;
  return dirfd < 0 ? dirfd : query(dirfd, ids, n, &flags, err);
}

static int attach(int dirfd, int progfd, uint32_t flags, int replacefd)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) dirfd;
  attr.attach_bpf_fd = (uint32_t) progfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  attr.replace_bpf_fd = (uint32_t) replacefd;
  return sys_bpf(BPF_PROG_ATTACH, &attr);
}

static int prog_fd_by_id(uint32_t id)
{
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_id = id;
  return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
}

/* Attach with BPF_F_ALLOW_MULTI, then detach every program in old[]. */
static int attach_then_detach(int dirfd, int progfd, const uint32_t *old, size_t n, lc_error_t *err)
{
  int r = attach(dirfd, progfd, BPF_F_ALLOW_MULTI, 0);
  if (r < 0)
    return lc_error_sys(err, -r, "device filter: bpf attach");
  for (size_t i = 0; i < n; i++) {
    _cleanup_close_ int fd = prog_fd_by_id(old[i]);
    if (fd == -ENOENT)
      continue; /* gone meanwhile */
    if (fd < 0)
      return lc_error_sys(err, -fd, "device filter: bpf program %u", old[i]);
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.target_fd = (uint32_t) dirfd;
    attr.attach_bpf_fd = (uint32_t) fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    r = sys_bpf(BPF_PROG_DETACH, &attr);
    if (r < 0 && r != -ENOENT)
      return lc_error_sys(err, -r, "device filter: bpf detach old program %u", old[i]);
  }
  return 0;
}

int lc_bpf_devices_attach(int cgfd, int progfd, lc_error_t *err)
{
  _cleanup_close_ int dirfd = reopen_dir(cgfd, err);
  if (dirfd < 0)
    return dirfd;
  _cleanup_free_ uint32_t *old = NULL;
  size_t n = 0;
  uint32_t flags = 0;
  int r = query(dirfd, &old, &n, &flags, err);
  if (r < 0)
    return r;
  if (n > 0 && !(flags & BPF_F_ALLOW_MULTI)) {
    /* Someone attached in single-program mode: attaching in the same mode
     * replaces that program (and ALLOW_MULTI would be EPERM). */
    r = attach(dirfd, progfd, flags, 0);
    return r < 0 ? lc_error_sys(err, -r, "device filter: bpf attach") : 0;
  }
  if (n == 1) {
    _cleanup_close_ int oldfd = prog_fd_by_id(old[0]);
    if (oldfd >= 0) {
      r = attach(dirfd, progfd, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, oldfd);
      if (r >= 0)
        return 0;
      /* EINVAL: no BPF_F_REPLACE before 5.6; delete once 5.6 is the
       * oldest kernel.  ENOENT: it went away meanwhile. */
      if (r != -EINVAL && r != -ENOENT)
        return lc_error_sys(err, -r, "device filter: bpf attach (replace)");
    }
  }
  return attach_then_detach(dirfd, progfd, old, n, err);
}

int lc_cg2_devices_apply(int dirfd, const struct lc_resources *r, lc_error_t *err)
{
  _cleanup_free_ struct lc_cg_dev_rule *rules = NULL;
  _cleanup_free_ struct bpf_insn *prog = NULL;
  size_t n = 0, len = 0;
  int ret = lc_cg_device_rules(r, &rules, &n, err);
  if (ret >= 0)
    ret = lc_bpf_devices_build(rules, n, &prog, &len, err);
  if (ret < 0)
    return ret;
  _cleanup_close_ int progfd = lc_bpf_devices_load(prog, len, err);
  if (progfd < 0)
    return progfd;
  return lc_bpf_devices_attach(dirfd, progfd, err);
}
