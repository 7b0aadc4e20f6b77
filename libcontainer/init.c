/* init.c — the container init's stages, in the spec's order:
 *
 *   userns maps -> join namespaces -> rootfs (mounts, /dev, masks) ->
 *   sysctl/oom/hostname (through the host's trusted /proc, before it is
 *   gone) -> prestart+createRuntime hooks (parent) -> createContainer hooks
 *   -> pivot_root -> terminal -> rlimits, personality, scheduling, cwd,
 *   user -> READY -> block on exec.fifo -> startContainer hooks -> execve.
 *
 * The kernel forces parts of this order: id maps before anything owned by
 * the user namespace; mounts before pivot_root; setuid after everything
 * that needs privilege; no_new_privs (and, later, seccomp) just before
 * execve.  Only this file may _exit() inside the library. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "caps.h"
#include "fsutil.h"
#include "hooks.h"
#include "init.h"
#include "lsm.h"
#include "namespaces.h"
#include "pathres.h"
#include "procattr.h"
#include "rootfs.h"
#include "spawn.h"
#include "sync.h"
#include "terminal.h"
#include "xalloc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The state JSON the container-side hooks get, from the parent. */
struct hook_states {
  char *creating; /* createContainer */
  char *created;  /* startContainer */
};

typedef int (*stage_fn)(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err);

static int stage_userns(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  if (!a->new_userns)
    return 0;
  int r = lc_sync_send(a->sync_fd, LC_SYNC_USERNS_MAP_REQ, NULL, 0, -1, err);
  if (r == 0)
    r = lc_sync_expect(a->sync_fd, LC_SYNC_USERNS_MAP_ACK, NULL, err);
  if (r == 0 && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
    r = lc_error_sys(err, errno, "user namespace: become root");
  return r;
}

static int stage_namespaces(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  int r = lc_ns_join(a->spec, err);
  if (r == 0 && !a->no_new_keyring)
    r = lc_keyring_join(a->id, err);
  return r;
}

/* The parent has moved us into the container's cgroup: from here on the
 * cgroup namespace (rooted at the cgroup of its creator) can be made. */
static int wait_cgroup(void *arg, lc_error_t *err)
{
  const struct lc_init_args *a = arg;
  int r = lc_spawn_cgroup_wait(a->sync_fd, a->cgroup_wait == LC_CGROUP_WAIT_NS, err);
  return r < 0 ? lc_error_prefix(err, "cgroup") : 0;
}

static int stage_rootfs(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  /* Opened here, in our own mount namespace: a bind source from the
   * parent's namespace would be refused (EINVAL). */
  _cleanup_close_ int devnull = lc_open_devnull(err);
  if (devnull < 0)
    return devnull;
  struct lc_rootfs r = {a->spec, a->rootfs, a->bundle, a->no_pivot, devnull};
  if (a->cgroup_wait) {
    r.before_cgroup = wait_cgroup;
    r.arg = (void *) a;
  }
  int e = lc_rootfs_prepare(&r, err);
  return e < 0 ? lc_error_prefix(err, "rootfs") : 0;
}

static int stage_kernel_params(const struct lc_init_args *a, struct hook_states *hs,
                               lc_error_t *err)
{
  int r = lc_proc_hostname(a->spec, err);
  if (r == 0)
    r = lc_proc_sysctl(a->spec, err);
  if (r == 0)
    r = lc_proc_oom_score_adj(a->spec->process, err);
  return r;
}

/* The parent runs prestart and createRuntime hooks in the runtime's
 * namespaces and sends back the state JSON the container hooks get. */
static int stage_runtime_hooks(const struct lc_init_args *a, struct hook_states *hs,
                               lc_error_t *err)
{
  const struct lc_hooks *h = &a->spec->hooks;
  if (!h->prestart.n && !h->create_runtime.n && !h->create_container.n && !h->start_container.n)
    return 0; /* no hook needs the state: spare the round trip */
  struct lc_sync_msg creating = {.fd = -1}, created = {.fd = -1};
  int r = lc_sync_send(a->sync_fd, LC_SYNC_HOOKS_REQ, NULL, 0, -1, err);
  if (r == 0)
    r = lc_sync_expect(a->sync_fd, LC_SYNC_HOOKS_DONE, &creating, err);
  if (r == 0)
    r = lc_sync_expect(a->sync_fd, LC_SYNC_HOOKS_DONE, &created, err);
  if (r == 0) {
    hs->creating = TAKE_PTR(creating.payload);
    hs->created = TAKE_PTR(created.payload);
  }
  lc_sync_msg_clear(&creating);
  lc_sync_msg_clear(&created);
  return r;
}

static int stage_container_hooks(const struct lc_init_args *a, struct hook_states *hs,
                                 lc_error_t *err)
{
  return lc_hooks_run(&a->spec->hooks.create_container, "createContainer", hs->creating, err);
}

static int stage_pivot(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  struct lc_rootfs r = {a->spec, a->rootfs, a->bundle, a->no_pivot, -1};
  int e = lc_rootfs_finish(&r, err);
  return e < 0 ? lc_error_prefix(err, "rootfs") : 0;
}

static int stage_terminal(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  if (!a->spec->process->terminal)
    return 0;
  int r = lc_terminal_setup(a->spec->process, a->console_fd, a->sync_fd, err);
  return r < 0 ? lc_error_prefix(err, "terminal") : 0;
}

/* Load the filter; a notify listener goes to the parent, which hands it
 * to the agent (config-linux.md § Seccomp, listenerPath). */
int lc_setup_load_seccomp(const struct lc_seccomp_prog *sc, int sync_fd, lc_error_t *err)
{
  int listener = -1;
  int r = lc_seccomp_load(sc, &listener, err);
  if (r < 0 || listener < 0)
    return r;
  r = lc_sync_send(sync_fd, LC_SYNC_SECCOMP_FD, NULL, 0, listener, err);
  close(listener);
  return r;
}

/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the
 * capability step may drop: load it before (runc does the same). */
bool lc_setup_seccomp_early(const struct lc_process *p, const struct lc_seccomp_prog *sc)
{
  return sc->len && !p->no_new_privileges;
}

int lc_setup_process(const struct lc_process *p, const struct lc_seccomp_prog *sc, int sync_fd,
                     lc_error_t *err)
{
  int r = lc_proc_rlimits(p, err);
  if (r == 0)
    r = lc_proc_scheduler(p, err);
  if (r == 0)
    r = lc_proc_ioprio(p, err);
  if (r == 0)
    r = lc_proc_cwd(p, err);
  if (r == 0 && lc_setup_seccomp_early(p, sc))
    r = lc_setup_load_seccomp(sc, sync_fd, err);
  if (r == 0)
    r = lc_caps_prepare(p, err);
  if (r == 0)
    r = lc_proc_user(p, err);
  if (r == 0)
    r = lc_caps_apply(p, err);
  return r;
}

static int stage_process(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  int r = lc_proc_personality(a->spec, err);
  return r < 0 ? r : lc_setup_process(a->spec->process, &a->seccomp, a->sync_fd, err);
}

/* Only stdio, the preserved fds and LISTEN_FDS survive execve
 * (DESIGN.md §5 rule 4): everything else gets FD_CLOEXEC now. */
int lc_setup_fds(int keep, lc_error_t *err)
{
  for (int fd = 3; fd < 3 + keep; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
      return lc_error_sys(err, errno, "preserve fd %d", fd);
  }
  if (syscall(SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return lc_error_sys(err, errno, "close_range");
  return 0;
}

static int stage_fds(const struct lc_init_args *a, struct hook_states *hs, lc_error_t *err)
{
  /* runc: stdio + $LISTEN_FDS + --preserve-fds N, the LISTEN_FDS first. */
  return lc_setup_fds(a->listen_fds + a->preserve_fds, err);
}

static const struct {
  const char *name;
  stage_fn fn;
} stages[] = {
  {"user namespace", stage_userns},
  {"namespaces", stage_namespaces},
  {"rootfs", stage_rootfs},
  {"kernel parameters", stage_kernel_params},
  {"hooks", stage_runtime_hooks},
  {"createContainer hooks", stage_container_hooks},
  {"pivot", stage_pivot},
  {"terminal", stage_terminal},
  /* fds before process: an early seccomp filter may not allow close_range */
  {"fds", stage_fds},
  {"process", stage_process},
};

/* Wait for `start` (reopening the O_PATH fd for writing blocks until a
 * reader opens the fifo), run the startContainer hooks, and answer on the
 * fifo: "0", or "1" and the error, which `start` reports as its own
 * (runtime.md § Lifecycle step 7). */
static int start_handshake(const struct lc_init_args *a, const char *state_json, lc_error_t *err)
{
  char p[32];
  _cleanup_close_ int fd = open(lc_fd_path(a->fifo_fd, p, sizeof p), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open exec.fifo");
  int r = lc_hooks_run(&a->spec->hooks.start_container, "startContainer", state_json, err);
  _cleanup_free_ char *answer = r < 0 ? xasprintf("1%.4000s", err->msg) : xstrdup("0");
  if (write(fd, answer, strlen(answer)) < 0 && r == 0)
    return lc_error_sys(err, errno, "write exec.fifo");
  return r;
}

static char **exec_env(const struct lc_init_args *a)
{
  char **env = strv_dup(a->spec->process->env);
  lc_proc_env_add_home(&env, a->spec->process->user.uid);
  if (a->listen_fds > 0) {
    _cleanup_free_ char *n = xasprintf("LISTEN_FDS=%d", a->listen_fds);
    _cleanup_free_ char *pid = xasprintf("LISTEN_PID=%d", getpid());
    strv_push(&env, n);
    strv_push(&env, pid);
  }
  return env ? env : xzalloc(sizeof(char *));
}

void lc_setup_reset_signals(void)
{
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  for (int s = 1; s < NSIG; s++)
    signal(s, SIG_DFL);
}

/* After READY nobody reads the sync socket any more: the container's own
 * stderr is the only place left to say why it did not start. */
void lc_setup_die(const lc_error_t *err)
{
  _cleanup_free_ char *msg = xasprintf("ocirun: %s\n", err->msg);
  (void) lc_write_all(STDERR_FILENO, msg, strlen(msg));
  _exit(1);
}

/* The last steps before execve, shared with exec: labels, then seccomp
 * last (DESIGN.md §5 rule 9) unless it was loaded earlier. */
void lc_setup_exec(const struct lc_process *p, const struct lc_seccomp_prog *sc, const char *path,
                   char **env)
{
  lc_error_t err = {0};
  lc_setup_reset_signals();
  if (lc_lsm_set_exec_labels(p, &err) < 0)
    lc_setup_die(&err);
  if (!lc_setup_seccomp_early(p, sc) && !sc->notify && lc_seccomp_load(sc, &(int){-1}, &err) < 0)
    lc_setup_die(&err);
  execve(path, p->args, env);
  _cleanup_free_ char *msg = xasprintf("ocirun: exec \"%s\": %s\n", path, strerror(errno));
  (void) lc_write_all(STDERR_FILENO, msg, strlen(msg));
  _exit(errno == ENOENT ? 127 : 126);
}

void lc_init_main(const struct lc_init_args *a)
{
  lc_error_t err = {0};
  _cleanup_free_ char *path = NULL;
  struct hook_states hs = {NULL, NULL};
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_DUMPABLE, 0); /* DESIGN.md §5 rule 5 */
  /* execCPUAffinity.initial: until the process is set up (final: at exec). */
  lc_error_t aff = {0};
  if (lc_proc_cpu_affinity(a->spec->process->exec_cpu_affinity_initial, &aff) < 0)
    lc_error_clear(&aff);
  int r = 0;
  for (size_t i = 0; r == 0 && i < LC_ARRAY_SIZE(stages); i++)
    r = stages[i].fn(a, &hs, &err);
  if (r == 0)
    r = lc_proc_find_exec(a->spec->process, &path, &err);
  if (r == 0)
    r = lc_proc_no_new_privs(a->spec->process, &err);
  /* A listener must reach the parent before it exits at READY. */
  if (r == 0 && !lc_setup_seccomp_early(a->spec->process, &a->seccomp) && a->seccomp.notify)
    r = lc_setup_load_seccomp(&a->seccomp, a->sync_fd, &err);
  /* The creating runtime exits after READY; we must outlive it. */
  if (r == 0 && prctl(PR_SET_PDEATHSIG, 0) < 0)
    r = lc_error_sys(&err, errno, "prctl(PR_SET_PDEATHSIG)");
  if (r == 0)
    r = lc_sync_send(a->sync_fd, LC_SYNC_READY, NULL, 0, -1, &err);
  if (r < 0) {
    lc_sync_send_error(a->sync_fd, &err);
    _exit(1);
  }
  close(a->sync_fd);
  free(hs.creating);
  if (start_handshake(a, hs.created, &err) < 0)
    _exit(1); /* `start` reports the error */
  free(hs.created);
  close(a->fifo_fd);
  lc_error_t ignored = {0};
  if (lc_proc_cpu_affinity(a->spec->process->exec_cpu_affinity_final, &ignored) < 0)
    lc_error_clear(&ignored);
  /* After the startContainer hooks, which must not inherit the label. */
  lc_setup_exec(a->spec->process, &a->seccomp, path, exec_env(a));
}
