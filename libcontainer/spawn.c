/* spawn.c — see spawn.h.
 *
 * One clone3() creates the init in all its new namespaces at once (with a
 * pidfd); pid/time namespaces to join or a new time namespace with offsets
 * are entered by the parent "for children" around the clone
 * (namespaces.c), so no intermediate process is needed. */
#include <errno.h>
#include <poll.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "hooks.h"
#include "log.h"
#include "namespaces.h"
#include "seccomp-profile.h"
#include "spawn.h"
#include "sync.h"
#include "xalloc.h"

char *lc_hook_state_json(const struct lc_state_record *rec, enum lc_status status)
{
  struct lc_state st = rec->pub;
  st.status = status;
  st.owner = NULL;
  return lc_state_to_json(&st, false);
}

/* clone3 with a pidfd; fork-like (no CLONE_VM), so the child owns a copy
 * of our memory, the parsed spec included. */
pid_t lc_clone(int flags, int *pidfd)
{
  struct clone_args args = {
    .flags = (uint64_t) flags | CLONE_PIDFD,
    .pidfd = (uint64_t) (uintptr_t) pidfd,
    .exit_signal = SIGCHLD,
  };
  pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS) { /* Linux < 5.3 */
    *pidfd = -1;
    pid = (pid_t) syscall(SYS_clone, (unsigned long) flags | SIGCHLD, NULL, NULL, NULL, NULL);
  }
  return pid;
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t lc_clone_into(int flags, int *pidfd, int cgroupfd, bool *placed)
{
  *placed = false;
  if (cgroupfd >= 0) {
    struct clone_args args = {
      .flags = (uint64_t) flags | CLONE_PIDFD | CLONE_INTO_CGROUP,
      .pidfd = (uint64_t) (uintptr_t) pidfd,
      .exit_signal = SIGCHLD,
      .cgroup = (uint64_t) cgroupfd,
    };
    *placed = true; /* before the call: the child's copy must say so too */
    pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0)
      return pid;
    /* Linux < 5.7 (E2BIG/EINVAL), or a cgroup clone3 cannot enter:
     * cgroup.procs then says why. */
    *placed = false;
  }
  return lc_clone(flags, pidfd);
}

int lc_spawn_cgroup_wait(int sock, bool new_cgroupns, lc_error_t *err)
{
  int r = lc_sync_expect(sock, LC_SYNC_CGROUP_JOINED, NULL, err);
  if (r == 0 && new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
    r = lc_error_sys(err, errno, "create cgroup namespace");
  return r;
}

void lc_spawn_child_cgroup(int sock, bool new_cgroupns)
{
  lc_error_t err = {0};
  if (lc_spawn_cgroup_wait(sock, new_cgroupns, &err) < 0) {
    lc_sync_send_error(sock, &err);
    _exit(1);
  }
}

int lc_spawn_cgroup_go(const struct lc_cgroup *cg, int sock, pid_t pid, bool placed,
                       lc_error_t *err)
{
  int r = placed ? 0 : lc_cgroup_attach(cg, pid, err);
  if (r == 0)
    r = lc_sync_send(sock, LC_SYNC_CGROUP_JOINED, NULL, 0, -1, err);
  return r;
}

/* The init must not keep the parent's fds, above all the state dir's lock
 * (flock belongs to the open file: our copy would keep the container
 * locked once create exits) and host directories (DESIGN.md §5 rule 4). */
static void child_close_fds(const struct lc_init_args *a)
{
  int keep[8 + 1024];
  size_t n = 0;
  keep[n++] = a->sync_fd;
  keep[n++] = a->fifo_fd;
  if (a->console_fd >= 0)
    keep[n++] = a->console_fd;
  if (lc_log_fd() >= 0)
    keep[n++] = lc_log_fd();
  int preserved = a->listen_fds + a->preserve_fds;
  for (int fd = 3; fd < 3 + preserved && n < LC_ARRAY_SIZE(keep); fd++)
    keep[n++] = fd;
  (void) lc_close_fds_except(3, keep, n);
}

static int answer_hooks(const struct lc_spec *spec, const struct lc_state_record *rec, int sock,
                        lc_error_t *err)
{
  const struct lc_hooks *h = &spec->hooks;
  _cleanup_free_ char *json = lc_hook_state_json(rec, LC_STATUS_CREATING);
  int r = lc_hooks_run(&h->prestart, "prestart", json, err);
  if (r == 0)
    r = lc_hooks_run(&h->create_runtime, "createRuntime", json, err);
  if (r < 0)
    return r;
  /* Two answers: the state the createContainer hooks see, then the one
   * the startContainer hooks see. */
  _cleanup_free_ char *created = lc_hook_state_json(rec, LC_STATUS_CREATED);
  r = lc_sync_send(sock, LC_SYNC_HOOKS_DONE, json, strlen(json), -1, err);
  if (r == 0)
    r = lc_sync_send(sock, LC_SYNC_HOOKS_DONE, created, strlen(created), -1, err);
  return r;
}

int lc_spawn_drive(const struct lc_spec *spec, const struct lc_state_record *rec, int sock,
                   struct lc_spawn_result *res, lc_error_t *err)
{
  for (;;) {
    struct lc_sync_msg m = {.fd = -1};
    int r = lc_sync_recv(sock, &m, err);
    if (r < 0)
      return lc_error_prefix(err, "container init");
    switch (m.type) {
    case LC_SYNC_USERNS_MAP_REQ:
      r = lc_ns_write_id_maps(res->pid, spec, err);
      if (r == 0)
        r = lc_sync_send(sock, LC_SYNC_USERNS_MAP_ACK, NULL, 0, -1, err);
      break;
    case LC_SYNC_HOOKS_REQ:
      r = answer_hooks(spec, rec, sock, err);
      break;
    case LC_SYNC_SECCOMP_FD: {
      _cleanup_free_ char *json = lc_hook_state_json(rec, LC_STATUS_CREATING);
      r = lc_seccomp_send_listener(spec, m.fd, res->pid, json, err);
      break;
    }
    case LC_SYNC_PTY_MASTER:
      res->pty_master = TAKE_FD(m.fd);
      break;
    case LC_SYNC_READY:
      lc_sync_msg_clear(&m);
      return 0;
    case LC_SYNC_ERROR:
      r = lc_error_set(err, m.errnum > 0 ? m.errnum : EIO, "%s", m.payload ? m.payload : "");
      break;
    default:
      r = lc_error_set(err, EPROTO, "sync: unexpected %s", lc_sync_name(m.type));
    }
    lc_sync_msg_clear(&m);
    if (r < 0)
      return r;
  }
}

void lc_spawn_reap(struct lc_spawn_result *res)
{
  kill(res->pid, SIGKILL);
  while (waitpid(res->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  lc_closep(&res->pidfd);
  lc_closep(&res->pty_master);
  res->pidfd = res->pty_master = -1;
}

/* The child may have failed (and exited) before our CGROUP_JOINED reached
 * it: its ERROR, already queued, says more than our EPIPE. */
static void prefer_child_error(int sock, lc_error_t *err)
{
  struct pollfd pf = {sock, POLLIN, 0};
  struct lc_sync_msg m = {.fd = -1};
  lc_error_t ignored = {0};
  if (poll(&pf, 1, 0) == 1 && lc_sync_recv(sock, &m, &ignored) == 0 && m.type == LC_SYNC_ERROR)
    lc_error_set(err, m.errnum > 0 ? m.errnum : EIO, "%s", m.payload ? m.payload : "");
  lc_sync_msg_clear(&m);
  lc_error_clear(&ignored);
}

int lc_spawn(const struct lc_spawn_env *env, struct lc_spawn_result *out, lc_error_t *err)
{
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return lc_error_sys(err, errno, "socketpair");
  struct lc_ns_saved saved;
  int r = lc_ns_parent_enter(env->init->spec, &saved, err);
  if (r < 0) {
    close(sv[0]);
    close(sv[1]);
    return r;
  }
  struct lc_spawn_result res = {.pidfd = -1, .pty_master = -1};
  int flags = lc_ns_clone_flags(env->init->spec);
  bool new_cgroupns = flags & CLONE_NEWCGROUP, placed = false;
  if (env->cgroup)
    flags &= ~CLONE_NEWCGROUP; /* made by the child once in its cgroup */
  res.pid = lc_clone_into(flags, &res.pidfd, lc_cgroup_clone_fd(env->cgroup), &placed);
  if (res.pid == 0) {
    struct lc_init_args a = *env->init;
    a.sync_fd = sv[1];
    child_close_fds(&a);
    /* With a new user namespace the id-map exchange comes first, so the
     * child waits for its cgroup at once; otherwise the wait is deferred to
     * just before its first cgroup mount (init.c), so the parent's
     * cgroup.procs writes (a synchronize_rcu on v1) overlap its mounts. */
    if (env->cgroup && a.new_userns)
      lc_spawn_child_cgroup(a.sync_fd, new_cgroupns);
    else if (env->cgroup)
      a.cgroup_wait = new_cgroupns ? LC_CGROUP_WAIT_NS : LC_CGROUP_WAIT;
    lc_init_main(&a);
  }
  int clone_errno = errno;
  close(sv[1]);
  r = lc_ns_parent_restore(&saved, err);
  if (res.pid < 0) {
    close(sv[0]);
    return lc_error_sys(err, clone_errno, "clone");
  }
  env->rec->pub.pid = res.pid;
  if (r == 0 && env->cgroup
      && (r = lc_spawn_cgroup_go(env->cgroup, sv[0], res.pid, placed, err)) < 0)
    prefer_child_error(sv[0], err);
  if (r == 0)
    r = lc_spawn_drive(env->init->spec, env->rec, sv[0], &res, err);
  close(sv[0]);
  if (r < 0) {
    lc_spawn_reap(&res);
    return r;
  }
  *out = res;
  return 0;
}
