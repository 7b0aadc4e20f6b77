/* namespaces.c — creating and joining namespaces.
 *
 * Kernel-imposed order: a user namespace must exist (and have its maps)
 * before anything that should be owned by it; pid and time namespaces only
 * apply to the children of whoever enters them, which is why the parent
 * enters them "for children" just around the clone and then steps back —
 * this avoids an intermediate process. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "namespaces.h"
#include "xalloc.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct lc_ns_info ns_table[LC_NS__COUNT] = {
  [LC_NS_PID] = {LC_NS_PID, "pid", "pid", CLONE_NEWPID},
  [LC_NS_NETWORK] = {LC_NS_NETWORK, "network", "net", CLONE_NEWNET},
  [LC_NS_MOUNT] = {LC_NS_MOUNT, "mount", "mnt", CLONE_NEWNS},
  [LC_NS_IPC] = {LC_NS_IPC, "ipc", "ipc", CLONE_NEWIPC},
  [LC_NS_UTS] = {LC_NS_UTS, "uts", "uts", CLONE_NEWUTS},
  [LC_NS_USER] = {LC_NS_USER, "user", "user", CLONE_NEWUSER},
  [LC_NS_CGROUP] = {LC_NS_CGROUP, "cgroup", "cgroup", CLONE_NEWCGROUP},
  [LC_NS_TIME] = {LC_NS_TIME, "time", "time", CLONE_NEWTIME},
};

const struct lc_ns_info *lc_ns_info(enum lc_ns_type t)
{
  return t < LC_NS__COUNT ? &ns_table[t] : NULL;
}

int lc_ns_clone_flags(const struct lc_spec *spec)
{
  int flags = 0;
  const struct lc_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_namespaces; i++) {
    const struct lc_namespace *ns = &l->namespaces[i];
    if (ns->path || ns->type == LC_NS_TIME)
      continue;
    flags |= ns_table[ns->type].clone_flag;
  }
  return flags;
}

static int open_ns(const char *path, int type_flag, lc_error_t *err)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open namespace \"%s\"", path);
  return fd;
}

static int write_time_offsets(const struct lc_linux *l, lc_error_t *err)
{
  char buf[128];
  int n = 0;
  if (l->time_monotonic.present)
    n += snprintf(buf + n, sizeof buf - (size_t) n, "monotonic %lld %u\n",
                  (long long) l->time_monotonic.secs, l->time_monotonic.nanosecs);
  if (l->time_boottime.present)
    n += snprintf(buf + n, sizeof buf - (size_t) n, "boottime %lld %u\n",
                  (long long) l->time_boottime.secs, l->time_boottime.nanosecs);
  if (n == 0)
    return 0;
  _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"/proc/self/timens_offsets\"");
  /* The kernel takes one offset per write. */
  for (char *line = buf, *nl; *line; line = nl + 1) {
    nl = strchr(line, '\n');
    ssize_t w = write(fd, line, (size_t) (nl - line + 1));
    if (w < 0)
      return lc_error_sys(err, errno, "write time offsets \"%.*s\"", (int) (nl - line), line);
  }
  return 0;
}

static int enter_for_children(const char *self, int type, const char *path, int *saved,
                              lc_error_t *err)
{
  *saved = open_ns(self, type, err);
  if (*saved < 0)
    return *saved;
  if (path) {
    _cleanup_close_ int fd = open_ns(path, type, err);
    if (fd < 0)
      return fd;
    if (setns(fd, type) < 0)
      return lc_error_sys(err, errno, "join namespace \"%s\"", path);
    return 0;
  }
  if (unshare(type) < 0)
    return lc_error_sys(err, errno, "create time namespace");
  return 0;
}

int lc_ns_parent_enter(const struct lc_spec *spec, struct lc_ns_saved *saved, lc_error_t *err)
{
  saved->pid_fd = saved->time_fd = -1;
  const struct lc_namespace *pid = lc_spec_namespace(spec, LC_NS_PID);
  const struct lc_namespace *tns = lc_spec_namespace(spec, LC_NS_TIME);
  int r = 0;
  if (pid && pid->path)
    r = enter_for_children("/proc/self/ns/pid_for_children", CLONE_NEWPID, pid->path,
                           &saved->pid_fd, err);
  if (r == 0 && tns) {
    r = enter_for_children("/proc/self/ns/time_for_children", CLONE_NEWTIME, tns->path,
                           &saved->time_fd, err);
    if (r == 0 && !tns->path)
      r = write_time_offsets(spec->linux_, err);
  }
  if (r < 0) {
    lc_error_t ignored = {0};
    lc_ns_parent_restore(saved, &ignored);
    lc_error_clear(&ignored);
  }
  return r;
}

int lc_ns_parent_enter_fds(const int *ns_fds, struct lc_ns_saved *saved, lc_error_t *err)
{
  saved->pid_fd = saved->time_fd = -1;
  const struct {
    enum lc_ns_type t;
    const char *self;
    int *saved;
  } which[] = {{LC_NS_PID, "/proc/self/ns/pid_for_children", &saved->pid_fd},
               {LC_NS_TIME, "/proc/self/ns/time_for_children", &saved->time_fd}};
  for (size_t i = 0; i < LC_ARRAY_SIZE(which); i++) {
    int fd = ns_fds[which[i].t];
    if (fd < 0)
      continue;
    int flag = ns_table[which[i].t].clone_flag;
    *which[i].saved = open_ns(which[i].self, flag, err);
    if (*which[i].saved < 0 || setns(fd, flag) < 0) {
      int r = *which[i].saved < 0
                ? *which[i].saved
                : lc_error_sys(err, errno, "join %s namespace", ns_table[which[i].t].name);
      lc_error_t ignored = {0};
      lc_ns_parent_restore(saved, &ignored);
      lc_error_clear(&ignored);
      return r;
    }
  }
  return 0;
}

int lc_ns_parent_restore(struct lc_ns_saved *saved, lc_error_t *err)
{
  int r = 0;
  if (saved->pid_fd >= 0 && setns(saved->pid_fd, CLONE_NEWPID) < 0)
    r = lc_error_sys(err, errno, "restore pid namespace");
  if (saved->time_fd >= 0 && setns(saved->time_fd, CLONE_NEWTIME) < 0)
    r = lc_error_sys(err, errno, "restore time namespace");
  lc_closep(&saved->pid_fd);
  lc_closep(&saved->time_fd);
  saved->pid_fd = saved->time_fd = -1;
  return r;
}

static int join_one(const struct lc_namespace *ns, lc_error_t *err)
{
  const struct lc_ns_info *info = &ns_table[ns->type];
  _cleanup_close_ int fd = open_ns(ns->path, info->clone_flag, err);
  if (fd < 0)
    return fd;
  if (setns(fd, info->clone_flag) < 0)
    return lc_error_sys(err, errno, "join %s namespace \"%s\"", info->name, ns->path);
  return 0;
}

int lc_ns_join(const struct lc_spec *spec, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  if (!l)
    return 0;
  const struct lc_namespace *user = lc_spec_namespace(spec, LC_NS_USER);
  if (user && user->path) {
    int r = join_one(user, err);
    if (r < 0)
      return r;
  }
  for (size_t i = 0; i < l->n_namespaces; i++) {
    const struct lc_namespace *ns = &l->namespaces[i];
    if (!ns->path || ns->type == LC_NS_USER || ns->type == LC_NS_PID || ns->type == LC_NS_TIME)
      continue;
    int r = join_one(ns, err);
    if (r < 0)
      return r;
  }
  return 0;
}

static int write_map(pid_t pid, const char *file, const struct lc_id_mapping *m, size_t n,
                     lc_error_t *err)
{
  _cleanup_free_ char *buf = xstrdup("");
  for (size_t i = 0; i < n; i++) {
    char *next = xasprintf("%s%u %u %u\n", buf, m[i].container_id, m[i].host_id, m[i].size);
    free(buf);
    buf = next;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open \"%s\"", path);
  if (write(fd, buf, strlen(buf)) < 0)
    return lc_error_sys(err, errno, "write \"%s\"", path);
  return 0;
}

int lc_ns_write_id_maps(pid_t pid, const struct lc_spec *spec, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  int r = write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err);
  if (r == 0)
    r = write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
  return r < 0 ? lc_error_prefix(err, "user namespace") : 0;
}
