/* seccomp-profile.c — see seccomp-profile.h.
 *
 * libseccomp builds the filter; we export its BPF and load it ourselves so
 * that the config's flags (TSYNC, LOG, SPEC_ALLOW, WAIT_KILLABLE_RECV) and
 * the notify listener are ours to handle, and so that syscalls newer than
 * the profile get ENOSYS instead of the default errno (DESIGN.md §5 rule 9:
 * otherwise a libc probing a new syscall sees EPERM and fails instead of
 * falling back). */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "config.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "names.h"
#include "seccomp-profile.h"
#include "terminal.h"
#include "xalloc.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

#if defined(__x86_64__)
#define LC_AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LC_AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#define LC_AUDIT_ARCH_NATIVE 0 /* no ENOSYS prefix: numbers differ per arch */
#endif

static const struct {
  const char *name;
  unsigned int flag;
} flag_table[] = {
  {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
  {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
  {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
  {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

static const char *const arch_names[] = {
  "SCMP_ARCH_AARCH64",   "SCMP_ARCH_ARM",      "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC",      "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_RISCV64",  "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
  "SCMP_ARCH_X32",       "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",   NULL};

const char *const *lc_seccomp_actions(void)
{
  return lc_seccomp_action_names;
}
const char *const *lc_seccomp_operators(void)
{
  return lc_seccomp_operator_names;
}
const char *const *lc_seccomp_flags(void)
{
  return lc_seccomp_flag_names;
}
const char *const *lc_seccomp_archs(void)
{
  return arch_names;
}

/* WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. */
static unsigned int listener_bit(size_t i)
{
  return flag_table[i].flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
           ? SECCOMP_FILTER_FLAG_NEW_LISTENER
           : 0;
}

/* The kernel checks the flags before the program pointer: EFAULT means
 * the flag is known, EINVAL that it is not. */
const char *const *lc_seccomp_supported_flags(void)
{
  static const char *supported[LC_ARRAY_SIZE(flag_table) + 1];
  size_t n = 0;
  for (size_t i = 0; i < LC_ARRAY_SIZE(flag_table); i++)
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag_table[i].flag | listener_bit(i), NULL)
          < 0
        && errno == EFAULT)
      supported[n++] = flag_table[i].name;
  supported[n] = NULL;
  return supported;
}

void lc_seccomp_prog_free(struct lc_seccomp_prog *p)
{
  free(p->insns);
  p->insns = NULL;
  p->len = 0;
}

int lc_seccomp_load(const struct lc_seccomp_prog *p, int *listener, lc_error_t *err)
{
  *listener = -1;
  if (!p->len)
    return 0;
  struct sock_fprog prog = {.len = p->len, .filter = p->insns};
  unsigned int flags = p->notify ? p->flags | SECCOMP_FILTER_FLAG_NEW_LISTENER
                                 : p->flags & ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0)
    return lc_error_sys(err, errno, "load seccomp filter");
  if (p->notify)
    *listener = (int) r;
  return 0;
}

static char *process_state_json(const struct lc_seccomp *s, pid_t pid, const char *state_json)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_map_open(g);
#define STR(x) yajl_gen_string(g, (const unsigned char *) (x), strlen(x))
  STR("ociVersion");
  STR("1.3.0");
  STR("fds");
  yajl_gen_array_open(g);
  STR("seccompFd");
  yajl_gen_array_close(g);
  STR("pid");
  yajl_gen_integer(g, pid);
  if (s->listener_metadata) {
    STR("metadata");
    STR(s->listener_metadata);
  }
  STR("state");
#undef STR
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  /* yajl writes the key's ':' only with its value: add it here. */
  char *out = xasprintf("%.*s:%s}", (int) len, (const char *) buf, state_json);
  yajl_gen_free(g);
  return out;
}

int lc_seccomp_send_listener(const struct lc_spec *spec, int listener, pid_t pid,
                             const char *state_json, lc_error_t *err)
{
  const struct lc_seccomp *s = spec->linux_->seccomp;
  if (!s->listener_path)
    return 0;
  _cleanup_close_ int sock = lc_console_connect(s->listener_path, err);
  if (sock < 0)
    return lc_error_prefix(err, "seccomp listener");
  _cleanup_free_ char *json = process_state_json(s, pid, state_json);
  int r = lc_console_send(sock, listener, json, err);
  return r < 0 ? lc_error_prefix(err, "seccomp listener \"%s\"", s->listener_path) : 0;
}

#if HAVE_SECCOMP
static int parse_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out,
                        bool *notify)
{
  uint32_t e = has_errno ? errno_ret : EPERM;
  static const struct {
    const char *name;
    uint32_t act;
  } fixed[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
  };
  for (size_t i = 0; i < LC_ARRAY_SIZE(fixed); i++)
    if (strcmp(name, fixed[i].name) == 0) {
      *out = fixed[i].act;
      if (fixed[i].act == SCMP_ACT_NOTIFY)
        *notify = true;
      return 0;
    }
  if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO(e);
  else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE(e);
  else
    return -EINVAL;
  return 0;
}

static int parse_op(const char *name, enum scmp_compare *out)
{
  static const struct {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (size_t i = 0; i < LC_ARRAY_SIZE(ops); i++)
    if (strcmp(name, ops[i].name) == 0) {
      *out = ops[i].op;
      return 0;
    }
  return -EINVAL;
}

static int add_archs(scmp_filter_ctx ctx, char **archs, lc_error_t *err)
{
  for (size_t i = 0; archs && archs[i]; i++) {
    const char *a = archs[i];
    if (strncmp(a, "SCMP_ARCH_", 10) == 0)
      a += 10;
    char lower[32];
    size_t n = 0;
    for (; a[n] && n < sizeof lower - 1; n++)
      lower[n] = (char) (a[n] >= 'A' && a[n] <= 'Z' ? a[n] - 'A' + 'a' : a[n]);
    lower[n] = '\0';
    uint32_t token = seccomp_arch_resolve_name(lower);
    if (!token) {
      lc_warn("linux.seccomp.architectures: %s is not supported by libseccomp, ignored", archs[i]);
      continue;
    }
    int r = seccomp_arch_add(ctx, token);
    if (r < 0 && r != -EEXIST)
      return lc_error_sys(err, -r, "linux.seccomp.architectures: add %s", archs[i]);
  }
  return 0;
}

/* runc's rule for args: distinct indexes are ANDed in one rule; when an
 * index repeats, each comparison becomes its own rule (ORed). */
static int add_syscall(scmp_filter_ctx ctx, const struct lc_seccomp_syscall *sc, uint32_t act,
                       int nr, lc_error_t *err)
{
  struct scmp_arg_cmp cmp[6];
  bool distinct = sc->n_args <= 6;
  for (size_t i = 0; i < sc->n_args && distinct; i++)
    for (size_t j = 0; j < i; j++)
      if (sc->args[i].index == sc->args[j].index)
        distinct = false;
  for (size_t i = 0; i < sc->n_args; i++) {
    const struct lc_seccomp_arg *a = &sc->args[i];
    enum scmp_compare op;
    if (parse_op(a->op, &op) < 0 || a->index > 5)
      return lc_error_set(err, EINVAL, "invalid argument comparison");
    cmp[distinct ? i : 0] = (struct scmp_arg_cmp){a->index, op, a->value, a->value_two};
    if (!distinct) {
      int r = seccomp_rule_add_array(ctx, act, nr, 1, cmp);
      if (r < 0 && r != -EACCES)
        return lc_error_sys(err, -r, "add rule");
    }
  }
  if (!distinct)
    return 0;
  int r = seccomp_rule_add_array(ctx, act, nr, (unsigned) sc->n_args, cmp);
  /* -EACCES: the action equals the default one; nothing to add. */
  if (r < 0 && r != -EACCES)
    return lc_error_sys(err, -r, "add rule");
  return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct lc_seccomp *s, bool *notify, int *max_nr,
                     lc_error_t *err)
{
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const struct lc_seccomp_syscall *sc = &s->syscalls[i];
    uint32_t act;
    if (parse_action(sc->action, sc->has_errno_ret, sc->errno_ret, &act, notify) < 0)
      return lc_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu].action: invalid value \"%s\"",
                          i, sc->action);
    for (size_t k = 0; sc->names && sc->names[k]; k++) {
      int nr = seccomp_syscall_resolve_name(sc->names[k]);
      if (nr == __NR_SCMP_ERROR) {
        lc_debug("seccomp: unknown syscall \"%s\" ignored", sc->names[k]);
        continue;
      }
      if (nr > *max_nr)
        *max_nr = nr;
      int r = add_syscall(ctx, sc, act, nr, err);
      if (r < 0)
        return lc_error_prefix(err, "linux.seccomp.syscalls[%zu] \"%s\"", i, sc->names[k]);
    }
  }
  return 0;
}

#define ENOSYS_PREFIX_LEN 6 /* prepend_enosys() */

static int export_bpf(scmp_filter_ctx ctx, struct lc_seccomp_prog *out, lc_error_t *err)
{
  _cleanup_close_ int fd = memfd_create("ocirun-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "memfd_create");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return lc_error_sys(err, -r, "export seccomp filter");
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof(struct sock_filter) != 0
      || size / (off_t) sizeof(struct sock_filter) > BPF_MAXINSNS - ENOSYS_PREFIX_LEN)
    return lc_error_set(err, E2BIG, "seccomp filter too large");
  out->insns = xmalloc((size_t) size + ENOSYS_PREFIX_LEN * sizeof(struct sock_filter));
  if (pread(fd, out->insns + ENOSYS_PREFIX_LEN, (size_t) size, 0) != size)
    return lc_error_sys(err, errno, "read seccomp filter");
  out->len = (unsigned short) (size / (off_t) sizeof(struct sock_filter));
  return 0;
}

/* Prepend: on the native arch, syscall numbers above the profile's highest
 * get ENOSYS.  x32 syscalls share x86_64's audit arch with bit 30 set
 * (__X32_SYSCALL_BIT): they go to the profile as they are, so that a
 * profile listing SCMP_ARCH_X32 (Docker's default) keeps the ENOSYS rule
 * for native calls.  All BPF jumps are forward and relative, so the
 * exported program is unaffected by what comes before it. */
static void prepend_enosys(struct lc_seccomp_prog *p, int max_nr)
{
  struct sock_filter pre[ENOSYS_PREFIX_LEN] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LC_AUDIT_ARCH_NATIVE, 0, 4),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t) max_nr, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
  };
  memcpy(p->insns, pre, sizeof pre);
  p->len = (unsigned short) (p->len + ENOSYS_PREFIX_LEN);
}

static void drop_prefix(struct lc_seccomp_prog *p)
{
  memmove(p->insns, p->insns + ENOSYS_PREFIX_LEN, p->len * sizeof(struct sock_filter));
}

static int compile(const struct lc_seccomp *s, struct lc_seccomp_prog *out, lc_error_t *err)
{
  uint32_t def;
  if (parse_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret, &def,
                   &out->notify)
        < 0
      || def == SCMP_ACT_NOTIFY)
    return lc_error_set(err, EINVAL, "linux.seccomp.defaultAction: invalid value \"%s\"",
                        s->default_action);
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx)
    return lc_error_set(err, ENOMEM, "seccomp_init failed");
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  int max_nr = -1;
  int r = add_archs(ctx, s->architectures, err);
  if (r == 0)
    r = add_rules(ctx, s, &out->notify, &max_nr, err);
  if (r == 0)
    r = export_bpf(ctx, out, err);
  seccomp_release(ctx);
  if (r < 0)
    return r;
  bool errno_default = (def & 0xffff0000U) == SCMP_ACT_ERRNO(0);
  if (errno_default && max_nr >= 0 && LC_AUDIT_ARCH_NATIVE != 0)
    prepend_enosys(out, max_nr);
  else
    drop_prefix(out);
  return 0;
}

int lc_seccomp_compile(const struct lc_spec *spec, struct lc_seccomp_prog *out, lc_error_t *err)
{
  memset(out, 0, sizeof *out);
  const struct lc_seccomp *s = spec->linux_ ? spec->linux_->seccomp : NULL;
  if (!s)
    return 0;
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    for (size_t k = 0; k < LC_ARRAY_SIZE(flag_table); k++)
      if (strcmp(s->flags[i], flag_table[k].name) == 0)
        out->flags |= flag_table[k].flag;
  int r = compile(s, out, err);
  if (r < 0)
    lc_seccomp_prog_free(out);
  return r;
}
#else
int lc_seccomp_compile(const struct lc_spec *spec, struct lc_seccomp_prog *out, lc_error_t *err)
{
  memset(out, 0, sizeof *out);
  if (spec->linux_ && spec->linux_->seccomp)
    return lc_error_set(err, ENOTSUP, "linux.seccomp: seccomp is not supported by this build");
  return 0;
}
#endif
