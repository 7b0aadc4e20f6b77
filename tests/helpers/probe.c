/* probe.c — the in-container probe of the integration tests (DESIGN.md §7).
 *
 * Installed into test bundles as /probe and run as the container process:
 * `probe CMD [ARGS]` answers one question about the process it runs as and
 * prints `key=value` lines on stdout.  Exit 0 on success; when the query
 * itself fails it prints `error=ENAME` on stdout, a message on stderr and
 * exits 1.  It is linked statically and needs nothing from the rootfs; it
 * falls back to raw syscalls where /proc may be missing.
 *
 * Commands are one table (`commands[]`); each handler is `int f(int argc,
 * char **argv)` with argv[0] the command name, returning the exit code. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *errname(int e)
{
  const char *n = strerrorname_np(e);
  return n ? n : "EUNKNOWN";
}

/* Report a failed query: `error=ENAME` on stdout, the message on stderr. */
static int fail(const char *what, const char *obj, int e)
{
  printf("error=%s\n", errname(e));
  fflush(stdout);
  fprintf(stderr, "probe: %s \"%s\": %s\n", what, obj ? obj : "", strerror(e));
  return 1;
}

static int usage(const char *msg)
{
  fprintf(stderr, "probe: %s\n", msg);
  return 2;
}

static int copy_fd(int in, FILE *out)
{
  char buf[8192];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    fwrite(buf, 1, (size_t) n, out);
  }
  return 0;
}

static int cat_path(const char *path)
{
  int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail("open", path, errno);
  int r = copy_fd(fd, stdout);
  if (fd > 0)
    close(fd);
  return r < 0 ? fail("read", path, -r) : 0;
}

/* Read a small text file into buf (NUL-terminated); returns length or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t len = 0;
  ssize_t n;
  while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int e = errno;
      close(fd);
      return -e;
    }
    len += (size_t) n;
  }
  close(fd);
  buf[len] = '\0';
  return (ssize_t) len;
}

static int parse_long(const char *s, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 0);
  if (errno || end == s || *end)
    return -EINVAL;
  *out = v;
  return 0;
}

static int signal_number(const char *s)
{
  long n;
  if (parse_long(s, &n) == 0)
    return n > 0 && n < NSIG ? (int) n : -1;
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (int i = 1; i < NSIG; i++) {
    const char *a = sigabbrev_np(i);
    if (a && strcasecmp(a, s) == 0)
      return i;
  }
  if (strncasecmp(s, "RTMIN+", 6) == 0 && parse_long(s + 6, &n) == 0 && SIGRTMIN + n <= SIGRTMAX)
    return SIGRTMIN + (int) n;
  return -1;
}

static void print_signal(int sig)
{
  const char *a = sigabbrev_np(sig);
  if (a)
    printf("signal=SIG%s\n", a);
  else
    printf("signal=SIGRTMIN+%d\n", sig - SIGRTMIN);
  printf("signo=%d\n", sig);
}

/* ---- identity ----------------------------------------------------------------------------- */

static int cmd_id(int argc, char **argv)
{
  gid_t groups[512];
  int n = getgroups(512, groups);
  if (n < 0)
    return fail("getgroups", "", errno);
  printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", getuid(), getgid(), geteuid(), getegid());
  for (int i = 0; i < n; i++)
    printf("%s%u", i ? "," : "", groups[i]);
  mode_t m = umask(0);
  umask(m);
  printf("\numask=%04o\n", m);
  return 0;
}

/* From /proc/self/status when it is there, else from capget/prctl. */
static const char *const status_keys[] = {"CapInh", "CapPrm",     "CapEff", "CapBnd",
                                          "CapAmb", "NoNewPrivs", "Seccomp"};

static int caps_from_syscalls(void)
{
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0)
    return fail("capget", "", errno);
  uint64_t bnd = 0, amb = 0;
  for (int c = 0; c < 64; c++) {
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      bnd |= 1ULL << c;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
      amb |= 1ULL << c;
  }
#define CAP64(f) (((uint64_t) d[1].f << 32) | d[0].f)
  printf("CapInh=%016llx\nCapPrm=%016llx\nCapEff=%016llx\n",
         (unsigned long long) CAP64(inheritable), (unsigned long long) CAP64(permitted),
         (unsigned long long) CAP64(effective));
  printf("CapBnd=%016llx\nCapAmb=%016llx\n", (unsigned long long) bnd, (unsigned long long) amb);
  int seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0); /* fails (or is filtered) only in mode 2 */
  printf("NoNewPrivs=%d\nSeccomp=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
         seccomp < 0 ? 2 : seccomp);
  return 0;
}

static int cmd_caps(int argc, char **argv)
{
  char buf[8192];
  if (slurp("/proc/self/status", buf, sizeof buf) < 0)
    return caps_from_syscalls();
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    char *colon = strchr(line, ':');
    if (!colon)
      continue;
    *colon = '\0';
    for (size_t i = 0; i < sizeof status_keys / sizeof *status_keys; i++)
      if (strcmp(line, status_keys[i]) == 0)
        printf("%s=%s\n", line, colon + 1 + strspn(colon + 1, " \t"));
  }
  return 0;
}

static int cmd_uname(int argc, char **argv)
{
  struct utsname u;
  if (uname(&u) < 0)
    return fail("uname", "", errno);
  if (strcmp(argv[0], "hostname") == 0)
    printf("hostname=%s\n", u.nodename);
  else
    printf("domainname=%s\n", u.domainname);
  return 0;
}

static int cmd_env(int argc, char **argv)
{
  for (char **e = environ; *e; e++)
    printf("%s\n", *e);
  return 0;
}

static int cmd_cwd(int argc, char **argv)
{
  char buf[4096];
  if (!getcwd(buf, sizeof buf))
    return fail("getcwd", "", errno);
  printf("cwd=%s\n", buf);
  return 0;
}

static char **main_argv;
static int main_argc;

static int cmd_args(int argc, char **argv)
{
  printf("argc=%d\n", main_argc);
  for (int i = 0; i < main_argc; i++)
    printf("arg%d=%s\n", i, main_argv[i]);
  return 0;
}

/* ---- resources ---------------------------------------------------------------------------- */

static const struct {
  const char *name;
  int res;
} rlimits[] = {
  {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
  {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
  {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
  {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
  {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
  {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
  {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
  {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static void print_limit(rlim_t v)
{
  if (v == RLIM_INFINITY)
    printf("unlimited");
  else
    printf("%llu", (unsigned long long) v);
}

/* One line per limit: `RLIMIT_NOFILE=SOFT HARD`. */
static int cmd_rlimits(int argc, char **argv)
{
  for (size_t i = 0; i < sizeof rlimits / sizeof *rlimits; i++) {
    struct rlimit rl;
    if (getrlimit(rlimits[i].res, &rl) < 0)
      return fail("getrlimit", rlimits[i].name, errno);
    printf("%s=", rlimits[i].name);
    print_limit(rl.rlim_cur);
    putchar(' ');
    print_limit(rl.rlim_max);
    putchar('\n');
  }
  return 0;
}

/* `fdN=TARGET` for every open fd; `count=N` last.  Without /proc: F_GETFD scan, TARGET `?`. */
static int cmd_fds(int argc, char **argv)
{
  int count = 0;
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    for (int fd = 0; fd < 4096; fd++)
      if (fcntl(fd, F_GETFD) >= 0 && ++count)
        printf("fd%d=?\n", fd);
    printf("count=%d\n", count);
    return 0;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[300], target[4096];
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
      continue;
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = '\0';
    printf("fd%s=%s\n", e->d_name, target);
    count++;
  }
  closedir(d);
  printf("count=%d\n", count);
  return 0;
}

static const char *const ns_names[] = {
  "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
  "user",   "uts"};

static int cmd_ns(int argc, char **argv)
{
  for (size_t i = 0; i < sizeof ns_names / sizeof *ns_names; i++) {
    char path[64], target[256];
    snprintf(path, sizeof path, "/proc/self/ns/%s", ns_names[i]);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
      printf("%s=%s\n", ns_names[i], errname(errno));
    else
      printf("%s=%.*s\n", ns_names[i], (int) n, target);
  }
  printf("getpid=%d\ngetppid=%d\n", getpid(), getppid());
  return 0;
}

/* ---- filesystem --------------------------------------------------------------------------- */

static int cmd_mounts(int argc, char **argv)
{
  return cat_path("/proc/self/mountinfo");
}

/* Undo mountinfo's octal escapes (\040 etc.) in place. */
static void unescape(char *s)
{
  char *o = s;
  for (; *s; s++) {
    if (s[0] == '\\' && isdigit((unsigned char) s[1]) && isdigit((unsigned char) s[2])
        && isdigit((unsigned char) s[3])) {
      *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else {
      *o++ = *s;
    }
  }
  *o = '\0';
}

/* Split a mountinfo line and print its fields. */
static void print_mount_line(const char *line, int exact)
{
  char copy[8192], *f[64];
  int n = 0, sep = -1;
  printf("line=%s\n", line);
  snprintf(copy, sizeof copy, "%s", line);
  for (char *t = strtok(copy, " "); t && n < 64; t = strtok(NULL, " ")) {
    if (strcmp(t, "-") == 0 && sep < 0)
      sep = n;
    f[n++] = t;
  }
  if (sep < 6 || n < sep + 4)
    return;
  printf("mount_id=%s\nparent_id=%s\ndev=%s\n", f[0], f[1], f[2]);
  unescape(f[3]);
  unescape(f[4]);
  printf("root=%s\nmount_point=%s\noptions=%s\n", f[3], f[4], f[5]);
  printf("propagation=");
  if (sep == 6)
    printf("private");
  for (int i = 6; i < sep; i++)
    printf("%s%s", i > 6 ? " " : "", f[i]);
  unescape(f[sep + 2]);
  printf("\nfstype=%s\nsource=%s\nsuper_options=%s\nexact=%d\n", f[sep + 1], f[sep + 2], f[sep + 3],
         exact);
}

/* The last mountinfo entry whose mount point is PATH; failing that, the one with the longest
 * mount point that is a path prefix of PATH (`exact=0`). */
static int cmd_mount(int argc, char **argv)
{
  static char buf[1 << 20];
  char best[8192] = "";
  size_t best_len = 0;
  int exact = 0;
  if (argc < 2)
    return usage("mount PATH");
  ssize_t r = slurp("/proc/self/mountinfo", buf, sizeof buf);
  if (r < 0)
    return fail("read", "/proc/self/mountinfo", (int) -r);
  const char *want = argv[1];
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    char mp[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
      continue;
    unescape(mp);
    size_t l = strlen(mp);
    int is_exact = strcmp(mp, want) == 0;
    int prefix =
      strcmp(mp, "/") == 0 || (strncmp(mp, want, l) == 0 && (want[l] == '/' || want[l] == '\0'));
    if (is_exact || (!exact && prefix && l >= best_len)) {
      snprintf(best, sizeof best, "%s", line);
      best_len = l;
      exact = is_exact;
    }
  }
  if (!best[0])
    return fail("find mount", want, ENOENT);
  print_mount_line(best, exact);
  return 0;
}

static const char *file_type(mode_t m)
{
  switch (m & S_IFMT) {
  case S_IFREG:
    return "reg";
  case S_IFDIR:
    return "dir";
  case S_IFLNK:
    return "lnk";
  case S_IFCHR:
    return "chr";
  case S_IFBLK:
    return "blk";
  case S_IFIFO:
    return "fifo";
  case S_IFSOCK:
    return "sock";
  }
  return "unknown";
}

/* `stat PATH` follows symlinks, `lstat PATH` does not. */
static int cmd_stat(int argc, char **argv)
{
  struct stat st;
  if (argc < 2)
    return usage("stat PATH");
  int r = strcmp(argv[0], "lstat") == 0 ? lstat(argv[1], &st) : stat(argv[1], &st);
  if (r < 0)
    return fail(argv[0], argv[1], errno);
  printf("type=%s\nmode=%04o\nuid=%u\ngid=%u\n", file_type(st.st_mode),
         (unsigned) (st.st_mode & 07777), st.st_uid, st.st_gid);
  printf("rdev=%u:%u\ndev=%u:%u\nino=%llu\nsize=%lld\nnlink=%llu\n", major(st.st_rdev),
         minor(st.st_rdev), major(st.st_dev), minor(st.st_dev), (unsigned long long) st.st_ino,
         (long long) st.st_size, (unsigned long long) st.st_nlink);
  return 0;
}

static int cmd_cat(int argc, char **argv)
{
  if (argc < 2)
    return usage("cat PATH|-");
  for (int i = 1; i < argc; i++)
    if (cat_path(argv[i]))
      return 1;
  return 0;
}

static int cmd_write(int argc, char **argv)
{
  if (argc < 3)
    return usage("write PATH DATA");
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("open", argv[1], errno);
  size_t len = strlen(argv[2]);
  ssize_t n = write(fd, argv[2], len);
  int e = n < 0 ? errno : EIO;
  if (close(fd) < 0 && n == (ssize_t) len)
    return fail("close", argv[1], errno);
  if (n != (ssize_t) len)
    return fail("write", argv[1], e);
  printf("written=%zu\n", len);
  return 0;
}

static int cmd_mkdir(int argc, char **argv)
{
  if (argc < 2)
    return usage("mkdir PATH");
  if (mkdir(argv[1], 0755) < 0)
    return fail("mkdir", argv[1], errno);
  printf("created=%s\n", argv[1]);
  return 0;
}

/* `open PATH [ro|wo|rw]`: always exit 0, `errno=0` or `errno=ENAME`. */
static int cmd_open(int argc, char **argv)
{
  if (argc < 2)
    return usage("open PATH [ro|wo|rw]");
  int flags = O_RDONLY;
  if (argc > 2 && strcmp(argv[2], "wo") == 0)
    flags = O_WRONLY;
  else if (argc > 2 && strcmp(argv[2], "rw") == 0)
    flags = O_RDWR;
  int fd = open(argv[1], flags | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    printf("errno=%s\n", errname(errno));
  } else {
    printf("errno=0\n");
    close(fd);
  }
  return 0;
}

/* ---- terminal and process attributes ------------------------------------------------------ */

static int cmd_tty(int argc, char **argv)
{
  int first = -1;
  for (int fd = 0; fd < 3; fd++) {
    int t = isatty(fd);
    printf("isatty%d=%d\n", fd, t);
    if (t) {
      const char *name = ttyname(fd);
      printf("ttyname%d=%s\n", fd, name ? name : errname(errno));
      if (first < 0)
        first = fd;
    }
  }
  int ctty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  printf("ctty=%d\n", ctty >= 0);
  if (ctty >= 0)
    close(ctty);
  struct winsize ws;
  if (first >= 0 && ioctl(first, TIOCGWINSZ, &ws) == 0)
    printf("rows=%u\ncols=%u\n", ws.ws_row, ws.ws_col);
  return 0;
}

static int cmd_oom(int argc, char **argv)
{
  char buf[64];
  ssize_t r = slurp("/proc/self/oom_score_adj", buf, sizeof buf);
  if (r < 0)
    return fail("read", "/proc/self/oom_score_adj", (int) -r);
  printf("oom_score_adj=%s", buf);
  return 0;
}

/* `sysctl net.ipv4.ip_forward` (or with slashes) -> `net.ipv4.ip_forward=0`. */
static int cmd_sysctl(int argc, char **argv)
{
  char path[512], buf[8192];
  if (argc < 2)
    return usage("sysctl NAME");
  int n = snprintf(path, sizeof path, "/proc/sys/%s", argv[1]);
  for (int i = 10; i < n; i++)
    if (path[i] == '.')
      path[i] = '/';
  ssize_t r = slurp(path, buf, sizeof buf);
  if (r < 0)
    return fail("read", path, (int) -r);
  if (r > 0 && buf[r - 1] == '\n')
    buf[r - 1] = '\0';
  printf("%s=%s\n", argv[1], buf);
  return 0;
}

static int cmd_personality(int argc, char **argv)
{
  int p = personality(0xffffffff);
  if (p < 0)
    return fail("personality", "", errno);
  printf("personality=0x%08x\ndomain=%s\n", (unsigned) p,
         (p & PER_MASK) == PER_LINUX32 ? "LINUX32"
         : (p & PER_MASK) == PER_LINUX ? "LINUX"
                                       : "OTHER");
  return 0;
}

struct probe_sched_attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

static const char *const policies[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
                                       "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};

static int cmd_sched(int argc, char **argv)
{
  struct probe_sched_attr a = {0};
  if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) < 0)
    return fail("sched_getattr", "", errno);
  printf("policy=%s\n", a.policy < 7 ? policies[a.policy] : "unknown");
  printf("flags=0x%llx\nreset_on_fork=%d\n", (unsigned long long) a.flags,
         !!(a.flags & 0x01 /* SCHED_FLAG_RESET_ON_FORK */));
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  printf("nice=%d\npriority=%u\n", errno ? a.nice : nice, a.priority);
  printf("runtime=%llu\ndeadline=%llu\nperiod=%llu\n", (unsigned long long) a.runtime,
         (unsigned long long) a.deadline, (unsigned long long) a.period);
  return 0;
}

static int cmd_ioprio(int argc, char **argv)
{
  static const char *const classes[] = {"IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                        "IOPRIO_CLASS_IDLE"};
  long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  if (v < 0)
    return fail("ioprio_get", "", errno);
  unsigned cls = (unsigned) (v >> 13) & 7;
  printf("ioprio=%ld\nclass=%s\npriority=%ld\n", v, cls < 4 ? classes[cls] : "unknown", v & 0xff);
  return 0;
}

/* `cpus=0-3,6` in the kernel's list format. */
static int cmd_affinity(int argc, char **argv)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) < 0)
    return fail("sched_getaffinity", "", errno);
  printf("count=%d\ncpus=", CPU_COUNT(&set));
  const char *sep = "";
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, &set))
      continue;
    int e = c;
    while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
      e++;
    if (e == c)
      printf("%s%d", sep, c);
    else
      printf("%s%d-%d", sep, c, e);
    sep = ",";
    c = e;
  }
  putchar('\n');
  return 0;
}

static int cmd_cgroup(int argc, char **argv)
{
  return cat_path("/proc/self/cgroup");
}

static int cmd_time(int argc, char **argv)
{
  struct timespec m, b;
  if (clock_gettime(CLOCK_MONOTONIC, &m) < 0 || clock_gettime(CLOCK_BOOTTIME, &b) < 0)
    return fail("clock_gettime", "", errno);
  printf("monotonic=%lld.%09ld\nboottime=%lld.%09ld\n", (long long) m.tv_sec, m.tv_nsec,
         (long long) b.tv_sec, b.tv_nsec);
  return 0;
}

/* ---- process control ---------------------------------------------------------------------- */

static int cmd_exit(int argc, char **argv)
{
  long code;
  if (argc < 2 || parse_long(argv[1], &code) < 0)
    return usage("exit N");
  fflush(stdout);
  _exit((int) code);
}

/* Raise SIG with whatever disposition we inherited; if we survive, say so and exit 0. */
static int cmd_signal(int argc, char **argv)
{
  int sig = argc < 2 ? -1 : signal_number(argv[1]);
  if (sig < 0)
    return usage("signal SIG (name or number)");
  fflush(stdout);
  if (raise(sig) != 0)
    return fail("raise", argv[1], errno);
  printf("survived=1\n");
  print_signal(sig);
  return 0;
}

/* SIGKILL ourselves with kill(2); pid 1 of a pid namespace survives that, and says so. */
static int cmd_kill_self(int argc, char **argv)
{
  fflush(stdout);
  if (kill(getpid(), SIGKILL) < 0)
    return fail("kill", "self", errno);
  usleep(100000);
  printf("survived=1\n");
  return 0;
}

static int cmd_sleep(int argc, char **argv)
{
  char *end;
  double secs = argc < 2 ? -1 : strtod(argv[1], &end);
  if (secs < 0 || *end)
    return usage("sleep SECS");
  struct timespec ts = {(time_t) secs, (long) ((secs - (double) (time_t) secs) * 1e9)};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
  printf("slept=%s\n", argv[1]);
  return 0;
}

static void noop_handler(int sig)
{
}

/* `wait-signal [SIG...]`: catch and block every signal, say `ready=1`, then report the first
 * wanted one and exit 128+n.  Wanted: the SIGs given, else any but SIGURG/SIGCHLD (a Go
 * runtime forwards its preemption SIGURG); others are reported as `ignored=SIGX` lines.
 * The handler matters for pid 1 of a pid namespace: SIG_DFL signals from inside are dropped. */
static int cmd_wait_signal(int argc, char **argv)
{
  sigset_t all, want;
  siginfo_t si;
  sigfillset(&all);
  sigfillset(&want);
  sigdelset(&want, SIGURG);
  sigdelset(&want, SIGCHLD);
  if (argc > 1)
    sigemptyset(&want);
  for (int i = 1; i < argc; i++) {
    int sig = signal_number(argv[i]);
    if (sig < 0)
      return usage("wait-signal [SIG...]");
    sigaddset(&want, sig);
  }
  for (int s = 1; s < NSIG; s++) {
    struct sigaction sa = {.sa_handler = noop_handler};
    sigaction(s, &sa, NULL);
  }
  sigprocmask(SIG_BLOCK, &all, NULL);
  printf("ready=1\n");
  fflush(stdout);
  for (;;) {
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0 && errno == EINTR)
      continue;
    if (sig < 0)
      return fail("sigwaitinfo", "", errno);
    if (sigismember(&want, sig)) {
      print_signal(sig);
      printf("sender_pid=%d\n", si.si_pid);
      fflush(stdout);
      _exit(128 + sig);
    }
    printf("ignored=SIG%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "RT");
    fflush(stdout);
  }
}

static int cmd_echo(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    printf("%s%s", i > 1 ? " " : "", argv[i]);
  putchar('\n');
  return 0;
}

/* Fork N children that wait for SIGKILL; report how many forks succeeded, then reap them. */
static int cmd_fork_bomb(int argc, char **argv)
{
  long n;
  if (argc < 2 || parse_long(argv[1], &n) < 0 || n < 0 || n > 100000)
    return usage("fork-bomb N");
  pid_t *pids = calloc((size_t) n + 1, sizeof *pids);
  long ok = 0;
  int err = 0;
  fflush(stdout);
  for (long i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      for (;;)
        pause();
    }
    if (p < 0) {
      err = errno;
      break;
    }
    pids[ok++] = p;
  }
  for (long i = 0; i < ok; i++)
    kill(pids[i], SIGKILL);
  for (long i = 0; i < ok; i++)
    waitpid(pids[i], NULL, 0);
  free(pids);
  printf("forked=%ld\nerrno=%s\n", ok, err ? errname(err) : "0");
  return 0;
}

/* Map MB MiB and write every page; an OOM kill shows as the exit status. */
static int cmd_alloc(int argc, char **argv)
{
  long mb;
  if (argc < 2 || parse_long(argv[1], &mb) < 0 || mb < 0)
    return usage("alloc MB");
  size_t len = (size_t) mb << 20;
  char *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return fail("mmap", argv[1], errno);
  long page = sysconf(_SC_PAGESIZE);
  for (size_t off = 0; off < len; off += (size_t) page)
    p[off] = 1;
  printf("allocated=%ld\n", mb);
  return 0;
}

/* Raw syscalls with harmless arguments, for seccomp tests: `ret=R errno=ENAME|0`. */
static long try_syscall(const char *name, int *found)
{
  char buf[256];
  *found = 1;
  if (strcmp(name, "getcwd") == 0)
    return syscall(SYS_getcwd, buf, sizeof buf);
  if (strcmp(name, "getpid") == 0)
    return syscall(SYS_getpid);
  if (strcmp(name, "uname") == 0)
    return syscall(SYS_uname, buf);
#ifdef SYS_chmod
  if (strcmp(name, "chmod") == 0)
    return syscall(SYS_chmod, "/.probe-nonexistent", 0644);
#endif
#ifdef SYS_mkdir
  if (strcmp(name, "mkdir") == 0)
    return syscall(SYS_mkdir, "/.probe-nonexistent/x", 0755);
#endif
  if (strcmp(name, "fchmodat") == 0)
    return syscall(SYS_fchmodat, AT_FDCWD, "/.probe-nonexistent", 0644);
  if (strcmp(name, "mkdirat") == 0)
    return syscall(SYS_mkdirat, AT_FDCWD, "/.probe-nonexistent/x", 0755);
  if (strcmp(name, "unshare") == 0)
    return syscall(SYS_unshare, 0);
  if (strcmp(name, "personality") == 0)
    return syscall(SYS_personality, 0xffffffffUL);
  if (strcmp(name, "setns") == 0)
    return syscall(SYS_setns, -1, 0);
  if (strcmp(name, "mount") == 0)
    return syscall(SYS_mount, NULL, NULL, NULL, 0UL, NULL);
  if (strcmp(name, "socket") == 0) {
    long fd = syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
      close((int) fd);
    return fd;
  }
  long nr;
  if (parse_long(name, &nr) == 0)
    return syscall(nr, 0, 0, 0, 0, 0, 0);
  *found = 0;
  return -1;
}

static int cmd_syscall_errno(int argc, char **argv)
{
  int found;
  if (argc < 2)
    return usage("syscall-errno NAME|NR");
  errno = 0;
  long r = try_syscall(argv[1], &found);
  int e = errno;
  if (!found)
    return usage("syscall-errno: unknown syscall name (use a number)");
  printf("ret=%ld\nerrno=%s\n", r, r < 0 ? errname(e) : "0");
  return 0;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static const struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *help;
} commands[] = {
  {"id", cmd_id, "uid gid euid egid groups umask"},
  {"caps", cmd_caps, "Cap* sets, NoNewPrivs, Seccomp"},
  {"hostname", cmd_uname, "uname nodename"},
  {"domainname", cmd_uname, "uname domainname"},
  {"env", cmd_env, "the environment"},
  {"cwd", cmd_cwd, "working directory"},
  {"args", cmd_args, "our argv"},
  {"rlimits", cmd_rlimits, "RLIMIT_X=SOFT HARD"},
  {"fds", cmd_fds, "open fds and targets"},
  {"ns", cmd_ns, "namespace links, getpid"},
  {"mounts", cmd_mounts, "/proc/self/mountinfo"},
  {"mount", cmd_mount, "PATH: its mountinfo entry"},
  {"stat", cmd_stat, "PATH: type mode uid gid rdev"},
  {"lstat", cmd_stat, "PATH: like stat, no follow"},
  {"cat", cmd_cat, "PATH|-: print a file"},
  {"write", cmd_write, "PATH DATA"},
  {"mkdir", cmd_mkdir, "PATH"},
  {"open", cmd_open, "PATH [ro|wo|rw]: errno"},
  {"tty", cmd_tty, "isatty, ttyname, window size"},
  {"oom", cmd_oom, "oom_score_adj"},
  {"sysctl", cmd_sysctl, "NAME: /proc/sys value"},
  {"personality", cmd_personality, "execution domain"},
  {"sched", cmd_sched, "scheduler policy, nice, priority"},
  {"ioprio", cmd_ioprio, "I/O priority"},
  {"affinity", cmd_affinity, "cpu list"},
  {"cgroup", cmd_cgroup, "/proc/self/cgroup"},
  {"time", cmd_time, "monotonic and boottime clocks"},
  {"exit", cmd_exit, "N: exit with N"},
  {"signal", cmd_signal, "SIG: raise it"},
  {"kill-self", cmd_kill_self, "kill(getpid(), SIGKILL)"},
  {"sleep", cmd_sleep, "SECS"},
  {"wait-signal", cmd_wait_signal, "[SIG...]: exit 128+n on the first (wanted) signal"},
  {"echo", cmd_echo, "ARGS..."},
  {"fork-bomb", cmd_fork_bomb, "N: count successful forks"},
  {"alloc", cmd_alloc, "MB: touch memory"},
  {"syscall-errno", cmd_syscall_errno, "NAME|NR: raw syscall errno"},
};

int main(int argc, char **argv)
{
  main_argc = argc;
  main_argv = argv;
  if (argc >= 2) {
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
      if (strcmp(argv[1], commands[i].name) == 0) {
        int r = commands[i].fn(argc - 1, argv + 1);
        if (fflush(stdout) != 0 && r == 0)
          return fail("write", "stdout", errno);
        return r;
      }
    }
  }
  fprintf(stderr, "usage: probe CMD [ARGS]\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(stderr, "  %-14s %s\n", commands[i].name, commands[i].help);
  return 2;
}
