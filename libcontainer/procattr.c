/* procattr.c — see procattr.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/ioprio.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "names.h"
#include "pathres.h"
#include "procattr.h"
#include "xalloc.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A /proc directory fd we trust: it must be a real procfs. */
static int open_procfs(const char *path, lc_error_t *err)
{
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", path);
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
    close(fd);
    return lc_error_set(err, EPERM, "\"%s\" is not on procfs", path);
  }
  return fd;
}

int lc_proc_sysctl(const struct lc_spec *spec, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  if (!l || l->n_sysctl == 0)
    return 0;
  _cleanup_close_ int sys = open_procfs("/proc/sys", err);
  if (sys < 0)
    return sys;
  for (size_t i = 0; i < l->n_sysctl; i++) {
    _cleanup_free_ char *rel = xstrdup(l->sysctl[i].key);
    for (char *c = rel; *c; c++)
      if (*c == '.')
        *c = '/';
    if (rel[0] == '/' || strstr(rel, ".."))
      return lc_error_set(err, EINVAL, "sysctl \"%s\": invalid name", l->sysctl[i].key);
    _cleanup_close_ int fd = openat(sys, rel, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      return lc_error_sys(err, errno, "sysctl \"%s\"", l->sysctl[i].key);
    ssize_t w = lc_write_all(fd, l->sysctl[i].value, strlen(l->sysctl[i].value));
    if (w < 0)
      return lc_error_sys(err, (int) -w, "sysctl \"%s\" = \"%s\"", l->sysctl[i].key,
                          l->sysctl[i].value);
  }
  return 0;
}

int lc_proc_oom_score_adj(const struct lc_process *p, lc_error_t *err)
{
  if (!p->has_oom_score_adj)
    return 0;
  _cleanup_close_ int self = open_procfs("/proc/self", err);
  if (self < 0)
    return self;
  char buf[32];
  snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
  int r = lc_write_file_at(self, "oom_score_adj", buf, err);
  return r < 0 ? lc_error_prefix(err, "process.oomScoreAdj") : 0;
}

int lc_proc_hostname(const struct lc_spec *spec, lc_error_t *err)
{
  if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return lc_error_sys(err, errno, "sethostname \"%s\"", spec->hostname);
  if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return lc_error_sys(err, errno, "setdomainname \"%s\"", spec->domainname);
  return 0;
}

int lc_proc_rlimits(const struct lc_process *p, lc_error_t *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++) {
    int res = lc_rlimit_from_name(p->rlimits[i].type);
    if (res < 0)
      return lc_error_set(err, EINVAL, "unknown rlimit \"%s\"", p->rlimits[i].type);
    struct rlimit rl = {p->rlimits[i].soft, p->rlimits[i].hard};
    if (setrlimit(res, &rl) < 0)
      return lc_error_sys(err, errno, "setrlimit %s (soft %llu, hard %llu)", p->rlimits[i].type,
                          (unsigned long long) rl.rlim_cur, (unsigned long long) rl.rlim_max);
  }
  return 0;
}

int lc_proc_personality(const struct lc_spec *spec, lc_error_t *err)
{
  const struct lc_personality *pers = spec->linux_ ? spec->linux_->personality : NULL;
  if (!pers || !pers->domain)
    return 0;
  unsigned long persona = strcmp(pers->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
  if (personality(persona) < 0)
    return lc_error_sys(err, errno, "personality %s", pers->domain);
  return 0;
}

struct sched_attr_k {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static const struct {
  const char *name;
  uint32_t value;
} sched_policies[] = {
  {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
  {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

static const struct {
  const char *name;
  uint64_t value;
} sched_flags[] = {
  {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
  {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
  {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
  {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

int lc_proc_scheduler(const struct lc_process *p, lc_error_t *err)
{
  const struct lc_scheduler *s = p->scheduler;
  if (!s)
    return 0;
  struct sched_attr_k a = {.size = sizeof a};
  size_t i;
  for (i = 0; i < LC_ARRAY_SIZE(sched_policies); i++)
    if (strcmp(s->policy, sched_policies[i].name) == 0)
      break;
  if (i == LC_ARRAY_SIZE(sched_policies))
    return lc_error_set(err, EINVAL, "process.scheduler.policy: invalid value \"%s\"", s->policy);
  a.sched_policy = sched_policies[i].value;
  for (size_t f = 0; s->flags && s->flags[f]; f++)
    for (size_t k = 0; k < LC_ARRAY_SIZE(sched_flags); k++)
      if (strcmp(s->flags[f], sched_flags[k].name) == 0)
        a.sched_flags |= sched_flags[k].value;
  a.sched_nice = s->has_nice ? s->nice : 0;
  a.sched_priority = s->has_priority ? (uint32_t) s->priority : 0;
  a.sched_runtime = s->runtime;
  a.sched_deadline = s->deadline;
  a.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
    return lc_error_sys(err, errno, "sched_setattr %s", s->policy);
  return 0;
}

int lc_proc_ioprio(const struct lc_process *p, lc_error_t *err)
{
  const struct lc_io_priority *io = p->io_priority;
  if (!io)
    return 0;
  static const struct {
    const char *name;
    int cls;
  } classes[] = {{"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
                 {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
                 {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE}};
  for (size_t i = 0; i < LC_ARRAY_SIZE(classes); i++) {
    if (strcmp(io->class_, classes[i].name) != 0)
      continue;
    int v = IOPRIO_PRIO_VALUE(classes[i].cls, io->priority);
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v) < 0)
      return lc_error_sys(err, errno, "ioprio_set %s %d", io->class_, io->priority);
    return 0;
  }
  return lc_error_set(err, EINVAL, "process.ioPriority.class: invalid value \"%s\"", io->class_);
}

int lc_parse_cpuset(const char *s, void *set, size_t setsize, lc_error_t *err)
{
  cpu_set_t *cs = set;
  CPU_ZERO_S(setsize, cs);
  const char *p = s;
  while (*p) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (end == p)
      goto bad;
    if (*end == '-') {
      p = end + 1;
      b = strtoul(p, &end, 10);
      if (end == p || b < a)
        goto bad;
    }
    if (b >= setsize * 8)
      goto bad;
    for (unsigned long c = a; c <= b; c++)
      CPU_SET_S(c, setsize, cs);
    p = end;
    if (*p == ',')
      p++;
    else if (*p)
      goto bad;
  }
  return 0;
bad:
  return lc_error_set(err, EINVAL, "invalid cpu list \"%s\"", s);
}

int lc_proc_cpu_affinity(const char *cpus, lc_error_t *err)
{
  if (!cpus)
    return 0;
  cpu_set_t set;
  int r = lc_parse_cpuset(cpus, &set, sizeof set, err);
  if (r < 0)
    return r;
  if (sched_setaffinity(0, sizeof set, &set) < 0)
    return lc_error_sys(err, errno, "set CPU affinity \"%s\"", cpus);
  return 0;
}

int lc_proc_cwd(const struct lc_process *p, lc_error_t *err)
{
  const char *cwd = p->cwd ? p->cwd : "/";
  if (chdir(cwd) == 0)
    return 0;
  if (errno != ENOENT)
    return lc_error_sys(err, errno, "chdir \"%s\"", cwd);
  /* Like runc, create a missing cwd (inside the new root: we are pivoted). */
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = root < 0 ? -1 : lc_mkdir_in_root(root, cwd, 0755, err);
  if (fd < 0)
    return lc_error_prefix(err, "process.cwd");
  if (fchdir(fd) < 0 && chdir(cwd) < 0)
    return lc_error_sys(err, errno, "chdir \"%s\"", cwd);
  return 0;
}

int lc_proc_user(const struct lc_process *p, lc_error_t *err)
{
  const struct lc_user *u = &p->user;
  gid_t *groups = (gid_t *) u->additional_gids;
  if (setgroups(u->n_additional_gids, groups) < 0 && errno != EPERM)
    return lc_error_sys(err, errno, "setgroups");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return lc_error_sys(err, errno, "setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return lc_error_sys(err, errno, "setuid %u", u->uid);
  umask(u->has_umask ? (mode_t) u->umask : 022);
  return 0;
}

int lc_proc_no_new_privs(const struct lc_process *p, lc_error_t *err)
{
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return lc_error_sys(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

/* The home field of uid's line in an /etc/passwd stream, or NULL. */
static char *passwd_home(FILE *f, uid_t uid)
{
  char *line = NULL, *home = NULL;
  size_t cap = 0;
  while (!home && getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    char *fields[7] = {0};
    size_t n = 0;
    for (char *p = line; p && n < 7; n++) { /* name:pw:uid:gid:gecos:home:shell */
      fields[n] = p;
      p = strchr(p, ':');
      if (p)
        *p++ = '\0';
    }
    if (n >= 6 && *fields[2] && strtoul(fields[2], NULL, 10) == uid && *fields[5])
      home = xstrdup(fields[5]);
  }
  free(line);
  return home;
}

/* runc and crun add HOME when the process env has none: the user's home
 * from the container's /etc/passwd (we are pivoted), else "/". */
void lc_proc_env_add_home(char ***env, uid_t uid)
{
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp((*env)[i], "HOME=", 5) == 0)
      return;
  _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
  _cleanup_free_ char *home = f ? passwd_home(f, uid) : NULL;
  _cleanup_free_ char *kv = xasprintf("HOME=%s", home ? home : "/");
  strv_push(env, kv);
}

static const char *env_path(char *const *env)
{
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp(env[i], "PATH=", 5) == 0)
      return env[i] + 5;
  return DEFAULT_PATH;
}

/* Go's wording (lower case), which engines match to choose 126/127. */
static int exec_error(lc_error_t *err, int errnum, const char *name)
{
  char msg[128];
  snprintf(msg, sizeof msg, "%s", strerror(errnum));
  msg[0] = (char) (msg[0] >= 'A' && msg[0] <= 'Z' ? msg[0] - 'A' + 'a' : msg[0]);
  return lc_error_set(err, errnum, "exec: \"%s\": %s", name, msg);
}

static int check_exec(const char *path)
{
  struct stat st;
  if (stat(path, &st) < 0)
    return -errno;
  if (S_ISDIR(st.st_mode))
    return -EACCES;
  return access(path, X_OK) < 0 ? -errno : 0;
}

int lc_proc_find_exec(const struct lc_process *p, char **out, lc_error_t *err)
{
  const char *name = p->args[0];
  if (strchr(name, '/')) {
    int r = check_exec(name);
    if (r < 0)
      return exec_error(err, -r, name);
    *out = xstrdup(name);
    return 0;
  }
  _cleanup_free_ char *path = xstrdup(env_path(p->env));
  int denied = 0;
  for (char *save, *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    _cleanup_free_ char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);
    int r = check_exec(cand);
    if (r == 0) {
      *out = TAKE_PTR(cand);
      return 0;
    }
    if (r == -EACCES)
      denied = 1;
  }
  if (denied)
    return exec_error(err, EACCES, name);
  return lc_error_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}
