/* exec.c — `exec`: a new process inside a running container (runtime
 * joins, like runc exec).  The parent opens the init's namespaces (pinned
 * by fds, then checked against the init's start time so a reused pid can
 * never be joined), enters its pid and time namespaces "for children"
 * around clone3 like create does, and the child joins the rest (user
 * first), sets the process up with the same steps as the init and execs.
 * Only a shared lock is held, and only until the child is READY, so many
 * execs into one container run in parallel. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "exec.h"
#include "fsutil.h"
#include "init.h"
#include "log.h"
#include "lsm.h"
#include "procattr.h"
#include "spawn.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "xalloc.h"

/* Join order: the user namespace first (it grants the capabilities the
 * other setns calls need), the mount namespace last but one. */
static const enum lc_ns_type join_order[] = {LC_NS_USER,    LC_NS_IPC,    LC_NS_UTS,
                                             LC_NS_NETWORK, LC_NS_CGROUP, LC_NS_MOUNT};

static int join_namespaces(const struct lc_exec_child *c, lc_error_t *err)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(join_order); i++) {
    const struct lc_ns_info *info = lc_ns_info(join_order[i]);
    int fd = c->ns_fds[join_order[i]];
    if (fd >= 0 && setns(fd, info->clone_flag) < 0)
      return lc_error_sys(err, errno, "join %s namespace", info->name);
  }
  return 0;
}

static int child_setup(const struct lc_exec_child *c, char **path, lc_error_t *err)
{
  int r = join_namespaces(c, err);
  if (r == 0 && c->proc->terminal)
    r = lc_terminal_setup(c->proc, c->console_fd, c->sync_fd, err);
  /* fds first: an early seccomp filter may not allow close_range */
  if (r == 0)
    r = lc_setup_fds(c->preserve_fds, err);
  if (r == 0)
    r = lc_setup_process(c->proc, c->seccomp, c->sync_fd, err);
  if (r == 0)
    r = lc_proc_find_exec(c->proc, path, err);
  if (r == 0)
    r = lc_proc_no_new_privs(c->proc, err);
  if (r == 0 && !lc_setup_seccomp_early(c->proc, c->seccomp) && c->seccomp->notify)
    r = lc_setup_load_seccomp(c->seccomp, c->sync_fd, err);
  /* A detached exec outlives the runtime that started it. */
  if (r == 0 && c->detach && prctl(PR_SET_PDEATHSIG, 0) < 0)
    r = lc_error_sys(err, errno, "prctl(PR_SET_PDEATHSIG)");
  return r;
}

void lc_exec_child_main(const struct lc_exec_child *c)
{
  lc_error_t err = {0};
  char *path = NULL;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_DUMPABLE, 0); /* DESIGN.md §5 rule 5 */
  /* execCPUAffinity.initial: until the process is set up (final: at exec). */
  lc_error_t aff = {0};
  if (lc_proc_cpu_affinity(c->proc->exec_cpu_affinity_initial, &aff) < 0)
    lc_error_clear(&aff);
  int r = child_setup(c, &path, &err);
  if (r == 0)
    r = lc_sync_send(c->sync_fd, LC_SYNC_READY, NULL, 0, -1, &err);
  if (r < 0) {
    lc_sync_send_error(c->sync_fd, &err);
    _exit(1);
  }
  close(c->sync_fd);
  lc_error_t ignored = {0};
  if (lc_proc_cpu_affinity(c->proc->exec_cpu_affinity_final, &ignored) < 0)
    lc_error_clear(&ignored);
  char **env = strv_dup(c->proc->env);
  lc_proc_env_add_home(&env, c->proc->user.uid);
  lc_setup_exec(c->proc, c->seccomp, path, env);
}

/* ---- parent side ------------------------------------------------------- */

struct exec_job {
  struct lc_state_dir dir;
  struct lc_state_record *rec;
  struct lc_spec *spec;
  struct lc_process *proc;
  struct lc_seccomp_prog seccomp;
  struct lc_cgroup *cgroup; /* the container's cgroup (NULL: none recorded) */
  int ns_fds[LC_NS__COUNT];
  int init_pidfd;
  int console_fd;
};

static void job_release(struct exec_job *j)
{
  for (int i = 0; i < LC_NS__COUNT; i++)
    lc_closep(&j->ns_fds[i]);
  lc_closep(&j->init_pidfd);
  lc_closep(&j->console_fd);
  lc_seccomp_prog_free(&j->seccomp);
  lc_cgroup_free(j->cgroup);
  lc_process_free(j->proc);
  lc_spec_free(j->spec);
  lc_state_record_free(j->rec);
  lc_state_dir_close(&j->dir);
}

/* Open every namespace of the init that differs from ours, then make sure
 * the pid still names the same process (start time). */
static int open_namespaces(struct exec_job *j, lc_error_t *err)
{
  pid_t pid = j->rec->pub.pid;
  for (int t = 0; t < LC_NS__COUNT; t++) {
    const struct lc_ns_info *info = lc_ns_info((enum lc_ns_type) t);
    char theirs[64], ours[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", pid, info->proc_name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", info->proc_name);
    struct stat a, b;
    if (stat(theirs, &a) < 0) {
      if (errno == ENOENT && t == LC_NS_TIME)
        continue; /* kernel without time namespaces */
      return lc_error_sys(err, errno, "stat \"%s\"", theirs);
    }
    if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
      continue;
    j->ns_fds[t] = open(theirs, O_RDONLY | O_CLOEXEC);
    if (j->ns_fds[t] < 0)
      return lc_error_sys(err, errno, "open \"%s\"", theirs);
  }
  uint64_t start;
  if (lc_proc_start_time(pid, &start) < 0 || start != j->rec->pid_start)
    return lc_error_set(err, ESRCH, "container not running");
  return 0;
}

static int load_job(const struct lc_context *ctx, const struct lc_exec_opts *o, struct exec_job *j,
                    lc_error_t *err)
{
  int r = lc_id_validate(ctx->id, err);
  if (r == 0)
    r = lc_state_dir_open(ctx->root, ctx->id, true, &j->dir, err);
  if (r == 0)
    r = lc_state_record_read(&j->dir, &j->rec, err);
  if (r < 0)
    return r;
  enum lc_status st = lc_state_status(&j->dir, j->rec);
  if (st == LC_STATUS_STOPPED || st == LC_STATUS_CREATING)
    return lc_error_set(err, ESRCH, "cannot exec in a stopped container");
  if (st == LC_STATUS_PAUSED && !o->ignore_paused)
    return lc_error_set(err, EBUSY,
                        "cannot exec in a paused container (use --ignore-paused to override)");
  /* --ignore-paused: the child freezes as it enters the cgroup and is READY
   * only after `resume`, which takes this lock exclusively; holding ours
   * until READY would deadlock the two (runc's exec simply waits). */
  if (st == LC_STATUS_PAUSED)
    flock(j->dir.lockfd, LOCK_UN);
  if ((r = lc_spec_load(j->rec->pub.bundle, &j->spec, err)) < 0)
    return r;
  if ((r = lc_exec_build_process(j->spec, o, &j->proc, err)) < 0)
    return r;
  /* The process's own labels (--apparmor, --process-label, process.json),
   * refused up front like create's when the LSM is off (fail closed with a
   * clear message, before any process exists). */
  struct lc_spec labels = {.process = j->proc};
  if ((r = lc_lsm_check(&labels, err)) < 0)
    return r;
  if ((r = lc_seccomp_compile(j->spec, &j->seccomp, err)) < 0)
    return r;
  if (j->rec->cgroup_path && (r = lc_cgroup_load(j->rec->cgroup_path, &j->cgroup, err)) < 0)
    return r;
  if (j->proc->terminal && o->console_socket) {
    j->console_fd = lc_console_connect(o->console_socket, err);
    if (j->console_fd < 0)
      return j->console_fd;
  } else if (j->proc->terminal && o->detach) {
    return lc_error_set(err, EINVAL, "exec: --tty with --detach needs --console-socket");
  }
  return open_namespaces(j, err);
}

static int spawn_exec(struct exec_job *j, const struct lc_exec_opts *o, struct lc_spawn_result *res,
                      lc_error_t *err)
{
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return lc_error_sys(err, errno, "socketpair");
  struct lc_ns_saved saved;
  int r = lc_ns_parent_enter_fds(j->ns_fds, &saved, err);
  if (r < 0) {
    close(sv[0]);
    close(sv[1]);
    return r;
  }
  /* Into the container's cgroup before anything runs in it, like the init
   * (runc exec does the same): its limits and `ps`/`kill --all` cover us. */
  bool placed = false;
  res->pid = lc_clone_into(0, &res->pidfd, lc_cgroup_clone_fd(j->cgroup), &placed);
  if (res->pid == 0) {
    struct lc_exec_child c = {j->proc,       &j->seccomp,     {0},      sv[1],
                              j->console_fd, o->preserve_fds, o->detach};
    memcpy(c.ns_fds, j->ns_fds, sizeof c.ns_fds);
    int keep[LC_NS__COUNT + 4];
    size_t n = 0;
    for (int t = 0; t < LC_NS__COUNT; t++)
      if (j->ns_fds[t] >= 0)
        keep[n++] = j->ns_fds[t];
    keep[n++] = sv[1];
    if (j->console_fd >= 0)
      keep[n++] = j->console_fd;
    if (lc_log_fd() >= 0)
      keep[n++] = lc_log_fd();
    (void) lc_close_fds_except(3 + o->preserve_fds, keep, n);
    if (j->cgroup)
      lc_spawn_child_cgroup(sv[1], false);
    lc_exec_child_main(&c);
  }
  int clone_errno = errno;
  close(sv[1]);
  r = lc_ns_parent_restore(&saved, err);
  if (res->pid < 0) {
    close(sv[0]);
    return lc_error_sys(err, clone_errno, "clone");
  }
  if (r == 0 && j->cgroup)
    r = lc_spawn_cgroup_go(j->cgroup, sv[0], res->pid, placed, err);
  if (r == 0)
    r = lc_spawn_drive(j->spec, j->rec, sv[0], res, err);
  close(sv[0]);
  if (r < 0)
    lc_spawn_reap(res);
  return r;
}

static int write_pid_file(const char *path, pid_t pid, lc_error_t *err)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", pid);
  int r = lc_write_file_atomic(path, buf, (size_t) n, 0644, err);
  return r < 0 ? lc_error_prefix(err, "pid file") : 0;
}

int lc_exec(const struct lc_context *ctx, const struct lc_exec_opts *o, int *exit_status,
            lc_error_t *err)
{
  struct exec_job j = {.dir = LC_STATE_DIR_INIT, .init_pidfd = -1, .console_fd = -1};
  for (int t = 0; t < LC_NS__COUNT; t++)
    j.ns_fds[t] = -1;
  struct lc_spawn_result res = {.pid = 0, .pidfd = -1, .pty_master = -1};
  sigset_t old;
  int sigfd = -1;
  *exit_status = 0;
  int r = load_job(ctx, o, &j, err);
  if (r == 0 && !o->detach && (sigfd = lc_sigfwd_begin(&old, err)) < 0)
    r = sigfd;
  if (r == 0 && (r = spawn_exec(&j, o, &res, err)) < 0)
    *exit_status = 255; /* the process could not start: runc and crun exit 255 */
  if (r == 0 && o->pid_file)
    r = write_pid_file(o->pid_file, res.pid, err);
  job_release(&j); /* drops the shared lock: the process runs on its own now */
  if (r < 0 && res.pid > 0)
    lc_spawn_reap(&res);
  if (r == 0 && !o->detach)
    lc_foreground_wait(&res, sigfd, exit_status);
  if (sigfd >= 0) {
    close(sigfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
  }
  lc_closep(&res.pidfd);
  lc_closep(&res.pty_master);
  return r;
}
