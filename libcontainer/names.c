/* names.c — the name <-> number tables of names.h (signals, capabilities,
 * rlimits, mount options) and lc_mount_options_parse(), which folds a mount's
 * option list into the arguments of mount(2) and mount_setattr(2).
 *
 * Everything here is pure: no syscalls, no logging, no global state.  The
 * tables are written out by name so that a typo in config.json is caught the
 * same way whatever libcap or the kernel headers of the build machine know. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "error.h"
#include "names.h"
#include "xalloc.h"

/* ---- signals ------------------------------------------------------------- */

/* The standard signals, canonical name first for each number (so
 * lc_signal_name() finds it); aliases (IOT, CLD, POLL) after it. */
/* clang-format off */
#define LC_SIGNALS(X)                                                                           \
  X(HUP) X(INT) X(QUIT) X(ILL) X(TRAP) X(ABRT) X(IOT) X(BUS) X(FPE) X(KILL) X(USR1) X(SEGV)     \
  X(USR2) X(PIPE) X(ALRM) X(TERM) X(STKFLT) X(CHLD) X(CLD) X(CONT) X(STOP) X(TSTP) X(TTIN)      \
  X(TTOU) X(URG) X(XCPU) X(XFSZ) X(VTALRM) X(PROF) X(WINCH) X(IO) X(POLL) X(PWR) X(SYS)
/* clang-format on */

#define SIG_NAME(s) "SIG" #s,
#define SIG_NUM(s) SIG##s,
static const char *const signal_names[] = {LC_SIGNALS(SIG_NAME) NULL};
static const int signal_nums[] = {LC_SIGNALS(SIG_NUM)};
#define N_SIGNALS LC_ARRAY_SIZE(signal_nums)

/* Real-time names for lc_signal_name(): "SIGRTMIN+N" / "SIGRTMAX-N"; the
 * nearer end names a signal, so N <= (SIGRTMAX - SIGRTMIN) / 2 <= 16. */
#define RT_NAMES(p, o)                                                                             \
  p, p o "1", p o "2", p o "3", p o "4", p o "5", p o "6", p o "7", p o "8", p o "9", p o "10",    \
    p o "11", p o "12", p o "13", p o "14", p o "15", p o "16"
static const char *const rtmin_names[] = {RT_NAMES("SIGRTMIN", "+")};
static const char *const rtmax_names[] = {RT_NAMES("SIGRTMAX", "-")};

/* "123" -> 123; -1 when `s` is not 1..4 decimal digits. */
static int parse_small_uint(const char *s)
{
  int v = 0;
  size_t i;
  for (i = 0; s[i]; i++) {
    if (i >= 4 || s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return i ? v : -1;
}

/* `s` (upper-case, without SIG) as RTMIN, RTMIN+N, RTMAX or RTMAX-N. */
static int parse_rt(const char *s)
{
  int lo = SIGRTMIN, hi = SIGRTMAX, n = 0;
  bool from_min = strncmp(s, "RTMIN", 5) == 0;
  if (!from_min && strncmp(s, "RTMAX", 5) != 0)
    return -EINVAL;
  s += 5;
  if (*s) {
    if (*s != (from_min ? '+' : '-') || (n = parse_small_uint(s + 1)) < 0)
      return -EINVAL;
  }
  if (n > hi - lo)
    return -EINVAL;
  return from_min ? lo + n : hi - n;
}

int lc_signal_parse(const char *s)
{
  char up[32];
  size_t len = s ? strlen(s) : 0;
  if (len == 0 || len >= sizeof(up))
    return -EINVAL;
  if (isdigit((unsigned char) s[0])) {
    int n = parse_small_uint(s);
    return n >= 1 && n <= SIGRTMAX ? n : -EINVAL;
  }
  for (size_t i = 0; i <= len; i++)
    up[i] = (char) toupper((unsigned char) s[i]);
  const char *bare = strncmp(up, "SIG", 3) == 0 ? up + 3 : up;
  for (size_t i = 0; i < N_SIGNALS; i++)
    if (strcmp(signal_names[i] + 3, bare) == 0)
      return signal_nums[i];
  return parse_rt(bare);
}

const char *lc_signal_name(int signo)
{
  for (size_t i = 0; i < N_SIGNALS; i++)
    if (signal_nums[i] == signo)
      return signal_names[i];
  if (signo < SIGRTMIN || signo > SIGRTMAX)
    return NULL;
  int up = signo - SIGRTMIN, down = SIGRTMAX - signo;
  if (up <= down)
    return (size_t) up < LC_ARRAY_SIZE(rtmin_names) ? rtmin_names[up] : NULL;
  return (size_t) down < LC_ARRAY_SIZE(rtmax_names) ? rtmax_names[down] : NULL;
}

const char *const *lc_signal_names(size_t *n)
{
  if (n)
    *n = N_SIGNALS;
  return signal_names;
}

/* ---- capabilities ---------------------------------------------------------- */

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
  "CAP_CHOWN",              /* 0 */
  "CAP_DAC_OVERRIDE",       /* 1 */
  "CAP_DAC_READ_SEARCH",    /* 2 */
  "CAP_FOWNER",             /* 3 */
  "CAP_FSETID",             /* 4 */
  "CAP_KILL",               /* 5 */
  "CAP_SETGID",             /* 6 */
  "CAP_SETUID",             /* 7 */
  "CAP_SETPCAP",            /* 8 */
  "CAP_LINUX_IMMUTABLE",    /* 9 */
  "CAP_NET_BIND_SERVICE",   /* 10 */
  "CAP_NET_BROADCAST",      /* 11 */
  "CAP_NET_ADMIN",          /* 12 */
  "CAP_NET_RAW",            /* 13 */
  "CAP_IPC_LOCK",           /* 14 */
  "CAP_IPC_OWNER",          /* 15 */
  "CAP_SYS_MODULE",         /* 16 */
  "CAP_SYS_RAWIO",          /* 17 */
  "CAP_SYS_CHROOT",         /* 18 */
  "CAP_SYS_PTRACE",         /* 19 */
  "CAP_SYS_PACCT",          /* 20 */
  "CAP_SYS_ADMIN",          /* 21 */
  "CAP_SYS_BOOT",           /* 22 */
  "CAP_SYS_NICE",           /* 23 */
  "CAP_SYS_RESOURCE",       /* 24 */
  "CAP_SYS_TIME",           /* 25 */
  "CAP_SYS_TTY_CONFIG",     /* 26 */
  "CAP_MKNOD",              /* 27 */
  "CAP_LEASE",              /* 28 */
  "CAP_AUDIT_WRITE",        /* 29 */
  "CAP_AUDIT_CONTROL",      /* 30 */
  "CAP_SETFCAP",            /* 31 */
  "CAP_MAC_OVERRIDE",       /* 32 */
  "CAP_MAC_ADMIN",          /* 33 */
  "CAP_SYSLOG",             /* 34 */
  "CAP_WAKE_ALARM",         /* 35 */
  "CAP_BLOCK_SUSPEND",      /* 36 */
  "CAP_AUDIT_READ",         /* 37 */
  "CAP_PERFMON",            /* 38 */
  "CAP_BPF",                /* 39 */
  "CAP_CHECKPOINT_RESTORE", /* 40 */
};

int lc_cap_from_name(const char *name)
{
  if (!name)
    return -EINVAL;
  for (size_t i = 0; i < LC_ARRAY_SIZE(cap_names); i++)
    if (strcmp(cap_names[i], name) == 0)
      return (int) i;
  return -EINVAL;
}

const char *lc_cap_name(int cap)
{
  if (cap < 0 || (size_t) cap >= LC_ARRAY_SIZE(cap_names))
    return NULL;
  return cap_names[cap];
}

int lc_cap_last_known(void)
{
  return (int) LC_ARRAY_SIZE(cap_names) - 1;
}

/* ---- rlimits ----------------------------------------------------------------- */

static const struct {
  const char *name;
  int resource;
} rlimits[] = {
  {"RLIMIT_AS", RLIMIT_AS},
  {"RLIMIT_CORE", RLIMIT_CORE},
  {"RLIMIT_CPU", RLIMIT_CPU},
  {"RLIMIT_DATA", RLIMIT_DATA},
  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
  {"RLIMIT_LOCKS", RLIMIT_LOCKS},
  {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
  {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
  {"RLIMIT_NICE", RLIMIT_NICE},
  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
  {"RLIMIT_NPROC", RLIMIT_NPROC},
  {"RLIMIT_RSS", RLIMIT_RSS},
  {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
  {"RLIMIT_STACK", RLIMIT_STACK},
};

int lc_rlimit_from_name(const char *name)
{
  if (!name)
    return -EINVAL;
  for (size_t i = 0; i < LC_ARRAY_SIZE(rlimits); i++)
    if (strcmp(rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -EINVAL;
}

const char *lc_rlimit_name(int resource)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(rlimits); i++)
    if (rlimits[i].resource == resource)
      return rlimits[i].name;
  return NULL;
}

/* ---- mount options ------------------------------------------------------------ */

/* mount_setattr(2) attributes; glibc < 2.36 has no sys/mount.h copy of them. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* clang-format off */
#define FLAG(n, f) {n, LC_MOPT_FLAG, false, f}
#define UNFLAG(n, f) {n, LC_MOPT_FLAG, true, f}
#define PROP(n, f) {n, LC_MOPT_PROPAGATION, false, f}
#define RSET(n, f) {n, LC_MOPT_RECURSIVE, false, MOUNT_ATTR_##f}
#define RCLR(n, f) {n, LC_MOPT_RECURSIVE, true, MOUNT_ATTR_##f}
#define EXT(n, f) {n, LC_MOPT_EXTENSION, false, LC_MEXT_##f}
/* clang-format on */

/* Sorted by strcmp() for bsearch (tests/unit/test-names.c checks it). */
static const struct lc_mount_opt mount_opts[] = {
  UNFLAG("async", MS_SYNCHRONOUS),
  UNFLAG("atime", MS_NOATIME),
  FLAG("bind", MS_BIND),
  EXT("copy-symlink", COPY_SYMLINK),
  FLAG("defaults", 0),
  EXT("dest-nofollow", DEST_NOFOLLOW),
  UNFLAG("dev", MS_NODEV),
  UNFLAG("diratime", MS_NODIRATIME),
  FLAG("dirsync", MS_DIRSYNC),
  UNFLAG("exec", MS_NOEXEC),
  EXT("idmap", IDMAP),
  FLAG("iversion", MS_I_VERSION),
  FLAG("lazytime", MS_LAZYTIME),
  UNFLAG("loud", MS_SILENT),
  FLAG("mand", MS_MANDLOCK),
  FLAG("noatime", MS_NOATIME),
  FLAG("nodev", MS_NODEV),
  FLAG("nodiratime", MS_NODIRATIME),
  FLAG("noexec", MS_NOEXEC),
  UNFLAG("noiversion", MS_I_VERSION),
  UNFLAG("nolazytime", MS_LAZYTIME),
  UNFLAG("nomand", MS_MANDLOCK),
  UNFLAG("norelatime", MS_RELATIME),
  UNFLAG("nostrictatime", MS_STRICTATIME),
  FLAG("nosuid", MS_NOSUID),
  FLAG("nosymfollow", MS_NOSYMFOLLOW),
  PROP("private", MS_PRIVATE),
  RCLR("ratime", NOATIME),
  FLAG("rbind", MS_BIND | MS_REC),
  RCLR("rdev", NODEV),
  RCLR("rdiratime", NODIRATIME),
  FLAG("relatime", MS_RELATIME),
  FLAG("remount", MS_REMOUNT),
  RCLR("rexec", NOEXEC),
  EXT("ridmap", RIDMAP),
  RSET("rnoatime", NOATIME),
  RSET("rnodev", NODEV),
  RSET("rnodiratime", NODIRATIME),
  RSET("rnoexec", NOEXEC),
  RCLR("rnorelatime", RELATIME),
  RCLR("rnostrictatime", STRICTATIME),
  RSET("rnosuid", NOSUID),
  RSET("rnosymfollow", NOSYMFOLLOW),
  FLAG("ro", MS_RDONLY),
  PROP("rprivate", MS_PRIVATE | MS_REC),
  RSET("rrelatime", RELATIME),
  RSET("rro", RDONLY),
  RCLR("rrw", RDONLY),
  PROP("rshared", MS_SHARED | MS_REC),
  PROP("rslave", MS_SLAVE | MS_REC),
  RSET("rstrictatime", STRICTATIME),
  RCLR("rsuid", NOSUID),
  RCLR("rsymfollow", NOSYMFOLLOW),
  PROP("runbindable", MS_UNBINDABLE | MS_REC),
  UNFLAG("rw", MS_RDONLY),
  PROP("shared", MS_SHARED),
  FLAG("silent", MS_SILENT),
  PROP("slave", MS_SLAVE),
  EXT("src-nofollow", SRC_NOFOLLOW),
  FLAG("strictatime", MS_STRICTATIME),
  UNFLAG("suid", MS_NOSUID),
  UNFLAG("symfollow", MS_NOSYMFOLLOW),
  FLAG("sync", MS_SYNCHRONOUS),
  EXT("tmpcopyup", TMPCOPYUP),
  PROP("unbindable", MS_UNBINDABLE),
};

static int mount_opt_cmp(const void *key, const void *elem)
{
  return strcmp(key, ((const struct lc_mount_opt *) elem)->name);
}

const struct lc_mount_opt *lc_mount_opt_lookup(const char *name)
{
  if (!name)
    return NULL;
  return bsearch(name, mount_opts, LC_ARRAY_SIZE(mount_opts), sizeof(mount_opts[0]), mount_opt_cmp);
}

const struct lc_mount_opt *lc_mount_opt_table(size_t *n)
{
  if (n)
    *n = LC_ARRAY_SIZE(mount_opts);
  return mount_opts;
}

/* The MS_* access-time modes: setting one drops the others, so that the last
 * one given wins (the kernel would otherwise prefer strictatime > noatime). */
#define MS_ATIME_MODES (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static void fold_flag(struct lc_mount_flags *f, const struct lc_mount_opt *o)
{
  unsigned long bits = (unsigned long) o->flag;
  if (o->clear) {
    f->flags &= ~bits;
    f->clear_flags |= bits;
    return;
  }
  if (bits & MS_ATIME_MODES)
    f->flags &= ~(unsigned long) MS_ATIME_MODES;
  f->flags |= bits;
  f->clear_flags &= ~bits;
}

/* MOUNT_ATTR_RELATIME is 0: the access-time mode is a field of attr_set,
 * selected by MOUNT_ATTR__ATIME in attr_clr (mount_setattr(2)), not a bit.
 * rnoatime/rrelatime/rstrictatime select their mode.  ratime/rnostrictatime
 * select relatime unless another mode than the one they name is selected;
 * rnorelatime only cancels an earlier rrelatime. */
static void fold_atime(struct lc_mount_flags *f, const struct lc_mount_opt *o)
{
  uint64_t mode = o->flag, cur = f->attr_set & MOUNT_ATTR__ATIME;
  bool selected = f->attr_clr & MOUNT_ATTR__ATIME;
  f->attr_set &= ~(uint64_t) MOUNT_ATTR__ATIME;
  f->attr_clr &= ~(uint64_t) MOUNT_ATTR__ATIME;
  if (!o->clear) {
    f->attr_set |= mode;
  } else if (mode == MOUNT_ATTR_RELATIME) {
    if (!selected || cur == MOUNT_ATTR_RELATIME)
      return;
    f->attr_set |= cur;
  } else if (selected && cur != mode) {
    f->attr_set |= cur;
  }
  f->attr_clr |= MOUNT_ATTR__ATIME;
}

static void fold_recursive(struct lc_mount_flags *f, const struct lc_mount_opt *o)
{
  uint64_t bits = o->flag;
  if ((bits & ~(uint64_t) MOUNT_ATTR__ATIME) == 0) {
    fold_atime(f, o);
  } else if (o->clear) {
    f->attr_set &= ~bits;
    f->attr_clr |= bits;
  } else {
    f->attr_set |= bits;
    f->attr_clr &= ~bits;
  }
}

static void fold_extension(struct lc_mount_flags *f, uint64_t bit)
{
  static const struct {
    uint64_t bit;
    size_t offset;
  } fields[] = {
    {LC_MEXT_TMPCOPYUP, offsetof(struct lc_mount_flags, tmpcopyup)},
    {LC_MEXT_IDMAP, offsetof(struct lc_mount_flags, idmap)},
    {LC_MEXT_RIDMAP, offsetof(struct lc_mount_flags, ridmap)},
    {LC_MEXT_COPY_SYMLINK, offsetof(struct lc_mount_flags, copy_symlink)},
    {LC_MEXT_SRC_NOFOLLOW, offsetof(struct lc_mount_flags, src_nofollow)},
    {LC_MEXT_DEST_NOFOLLOW, offsetof(struct lc_mount_flags, dest_nofollow)},
  };
  for (size_t i = 0; i < LC_ARRAY_SIZE(fields); i++)
    if (fields[i].bit == bit)
      *(bool *) ((char *) f + fields[i].offset) = true;
}

/* Append ",opt" (or "opt") to the filesystem data being built. */
static void append_data(char **data, size_t *len, const char *opt)
{
  size_t n = strlen(opt), sep = *len ? 1 : 0;
  *data = xrealloc(*data, *len + sep + n + 1);
  if (sep)
    (*data)[(*len)++] = ',';
  memcpy(*data + *len, opt, n + 1);
  *len += n;
}

/* The kernel copies one page of mount data (copy_mount_options). */
#define LC_MOUNT_DATA_MAX 4095

int lc_mount_options_parse(char *const *options, struct lc_mount_flags *out, lc_error_t *err)
{
  struct lc_mount_flags f = {0};
  size_t data_len = 0;
  for (size_t i = 0; options && options[i]; i++) {
    if (!options[i][0])
      continue;
    const struct lc_mount_opt *o = lc_mount_opt_lookup(options[i]);
    if (!o) {
      append_data(&f.data, &data_len, options[i]);
      continue;
    }
    switch (o->kind) {
    case LC_MOPT_FLAG:
      fold_flag(&f, o);
      break;
    case LC_MOPT_PROPAGATION:
      f.propagation = xrealloc(f.propagation, (f.n_propagation + 1) * sizeof(*f.propagation));
      f.propagation[f.n_propagation++] = (unsigned long) o->flag;
      break;
    case LC_MOPT_RECURSIVE:
      fold_recursive(&f, o);
      break;
    case LC_MOPT_EXTENSION:
      fold_extension(&f, o->flag);
      break;
    }
  }
  if (data_len > LC_MOUNT_DATA_MAX) {
    lc_mount_flags_free(&f);
    return lc_error_set(err, EINVAL, "mount options: filesystem data is %zu bytes, more than %d",
                        data_len, LC_MOUNT_DATA_MAX);
  }
  *out = f;
  return 0;
}

void lc_mount_flags_free(struct lc_mount_flags *f)
{
  if (!f)
    return;
  free(f->propagation);
  free(f->data);
  f->propagation = NULL;
  f->data = NULL;
  f->n_propagation = 0;
}

/* ---- seccomp ------------------------------------------------------------- */

const char *const lc_seccomp_action_names[] = {"SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
                                               "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
                                               "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
                                               "SCMP_ACT_TRAP",        NULL};
const char *const lc_seccomp_operator_names[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                                 "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
                                                 "SCMP_CMP_NE", NULL};
const char *const lc_seccomp_flag_names[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                             "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
