/* hooks.c — fork, exec and supervise OCI hooks (see hooks.h for the contract).
 *
 * One hook, three roles:
 *  - the child (hook_child) resets what a runtime process may carry (signal
 *    mask and dispositions, stray fds), wires stdin/stdout/stderr and
 *    execve()s; an exec failure travels back as an errno over a CLOEXEC pipe;
 *  - the parent feeds the state JSON into the hook's stdin without ever
 *    blocking on it (non-blocking pipe, polled together with the hook's exit
 *    and the deadline), so a hook that never reads cannot wedge us;
 *  - the parent then waits for the exit with a pidfd and poll(), or, where
 *    pidfd_open is missing (kernel < 5.3), with waitpid(WNOHANG) and short
 *    sleeps; no SIGCHLD handler is involved either way.
 * This file never prints and never changes the caller's signal state for
 * longer than one write loop (SIGPIPE is blocked there, and a SIGPIPE we
 * caused is consumed). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "hooks.h"
#include "log.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Poll interval of the pidfd-less fallback (kernel < 5.3). */
#define FALLBACK_TICK_MS 5

/* What the child needs, all prepared before fork(): the child only makes
 * async-signal-safe calls. */
struct hook_exec {
  const char *path;
  char *const *argv;
  char *const *envp;
  int stdin_fd, out_fd, err_fd, errpipe;
};

/* A running hook as the parent sees it. */
struct hook_proc {
  pid_t pid;
  int pidfd; /* -1: fallback polling */
  bool reaped;
  int status;
  int64_t deadline; /* CLOCK_MONOTONIC ms; -1: no timeout */
};

/* > 0 so that they never read as success (0) or -errno. */
enum hook_event { EV_WRITABLE = 1, EV_EXITED, EV_TIMEOUT };

/* ---- child ------------------------------------------------------------------- */

static _Noreturn void child_fail(int errpipe, int e)
{
  while (write(errpipe, &e, sizeof(e)) < 0 && errno == EINTR)
    ;
  _exit(127);
}

/* A copy of `fd` at 3 or above (so dup2 into 0..2 cannot clobber it). */
static int fd_above_stdio(int fd, int errpipe)
{
  if (fd < 0 || fd > 2)
    return fd;
  int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (n < 0)
    child_fail(errpipe, errno);
  return n;
}

static void child_dup(int from, int to, int errpipe)
{
  if (from < 0)
    return;
  if (from == to) {
    if (fcntl(to, F_SETFD, 0) < 0)
      child_fail(errpipe, errno);
  } else if (dup2(from, to) < 0) {
    child_fail(errpipe, errno);
  }
}

/* Every fd above stderr becomes close-on-exec (the errpipe must survive
 * until execve succeeds).  close_range(CLOEXEC) needs Linux 5.11. */
static void child_cloexec_rest(void)
{
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return;
  struct rlimit rl;
  int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int) rl.rlim_cur : 65536;
  for (int fd = 3; fd < max; fd++)
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static _Noreturn void hook_child(const struct hook_exec *x)
{
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  sigset_t none;
  for (int s = 1; s < NSIG; s++)
    sigaction(s, &dfl, NULL); /* fails harmlessly for KILL, STOP and libc's own */
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  int ep = x->errpipe;
  if (ep <= 2) {
    ep = fcntl(ep, F_DUPFD_CLOEXEC, 3);
    if (ep < 0)
      _exit(127);
  }
  int in = fd_above_stdio(x->stdin_fd, ep);
  int out = x->out_fd == 1 ? 1 : fd_above_stdio(x->out_fd, ep);
  int er = x->err_fd == 2 ? 2 : fd_above_stdio(x->err_fd, ep);
  child_dup(in, 0, ep);
  child_dup(out, 1, ep);
  child_dup(er, 2, ep);
  child_cloexec_rest();
  execve(x->path, x->argv, x->envp);
  child_fail(ep, errno);
}

/* ---- parent: waiting ------------------------------------------------------------ */

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before the deadline (-1: none). */
static int remaining_ms(const struct hook_proc *p)
{
  if (p->deadline < 0)
    return -1;
  int64_t left = p->deadline - now_ms();
  return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int) left;
}

/* Reap the hook if it has exited (hang: wait for it).  0 when reaped, 1 when
 * still running (only without hang), -errno on failure. */
static int proc_reap(struct hook_proc *p, bool hang)
{
  while (!p->reaped) {
    pid_t r = waitpid(p->pid, &p->status, hang ? 0 : WNOHANG);
    if (r == p->pid)
      p->reaped = true;
    else if (r == 0)
      return 1;
    else if (errno != EINTR)
      return -errno;
  }
  return 0;
}

/* Wait until `wfd` (-1: none) is writable, the hook exits, or the deadline. */
static int proc_wait_event(struct hook_proc *p, int wfd)
{
  for (;;) {
    struct pollfd fds[2] = {{.fd = wfd, .events = POLLOUT}, {.fd = p->pidfd, .events = POLLIN}};
    int left = remaining_ms(p);
    if (p->pidfd < 0) {
      int r = proc_reap(p, false);
      if (r <= 0)
        return r < 0 ? r : EV_EXITED;
      if (left < 0 || left > FALLBACK_TICK_MS)
        left = FALLBACK_TICK_MS;
    }
    int n = poll(fds, 2, left);
    if (n < 0 && errno != EINTR)
      return -errno;
    if (n > 0 && fds[1].revents)
      return EV_EXITED;
    if (n > 0 && fds[0].revents)
      return EV_WRITABLE;
    if (n == 0 && remaining_ms(p) == 0)
      return EV_TIMEOUT;
  }
}

/* ---- parent: feeding stdin --------------------------------------------------------- */

/* Write all of `data` unless the hook exits or closes stdin first (both
 * fine) or the deadline passes (EV_TIMEOUT).  Returns 0, EV_TIMEOUT or -errno. */
static int feed_stdin(struct hook_proc *p, int wfd, const char *data, size_t len)
{
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(wfd, data + off, len - off);
    if (n > 0) {
      off += (size_t) n;
      continue;
    }
    if (n < 0 && errno == EPIPE)
      return 0;
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return -errno;
    if (n < 0 && errno == EINTR)
      continue;
    int ev = proc_wait_event(p, wfd);
    if (ev < 0 || ev == EV_TIMEOUT)
      return ev;
    if (ev == EV_EXITED)
      return 0;
  }
  return 0;
}

/* feed_stdin() with SIGPIPE blocked in this thread; a SIGPIPE that our write
 * raised is consumed so the caller never sees it. */
static int feed_stdin_nosigpipe(struct hook_proc *p, int wfd, const char *data, size_t len)
{
  sigset_t pipe_set, old, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  int r = feed_stdin(p, wfd, data, len);
  if (!was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
      ;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return r;
}

/* ---- parent: one hook --------------------------------------------------------------- */

#define HOOK_FMT "hook \"%s\"[%zu] (\"%s\")"

/* The exec errno from the child, 0 when execve succeeded (EOF). */
static int read_exec_errno(int fd)
{
  int e = 0;
  ssize_t n;
  while ((n = read(fd, &e, sizeof(e))) < 0 && errno == EINTR)
    ;
  return n == (ssize_t) sizeof(e) ? e : 0;
}

static int hook_status_error(const struct hook_proc *p, const char *stage, size_t index,
                             const char *path, lc_error_t *err)
{
  if (WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0)
    return 0;
  if (WIFEXITED(p->status))
    return lc_error_set(err, EIO, HOOK_FMT ": exited with status %d", stage, index, path,
                        WEXITSTATUS(p->status));
  return lc_error_set(err, EIO, HOOK_FMT ": killed by signal %d", stage, index, path,
                      WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0);
}

/* After the exec went through: feed stdin, wait, judge.  Always reaps. */
static int hook_supervise(struct hook_proc *p, int wfd, const struct lc_hook *h, const char *stage,
                          size_t index, const char *state, lc_error_t *err)
{
  int r = state ? feed_stdin_nosigpipe(p, wfd, state, strlen(state)) : 0;
  close(wfd);
  while (r == 0 && !p->reaped) {
    r = proc_wait_event(p, -1);
    if (r == EV_EXITED)
      r = proc_reap(p, true);
  }
  if (r == EV_TIMEOUT) {
    kill(p->pid, SIGKILL);
    proc_reap(p, true);
    return lc_error_set(err, ETIMEDOUT, HOOK_FMT ": timed out after %ds", stage, index, h->path,
                        h->timeout);
  }
  if (r < 0) {
    kill(p->pid, SIGKILL);
    proc_reap(p, true);
    return lc_error_sys(err, -r, HOOK_FMT ": wait", stage, index, h->path);
  }
  return hook_status_error(p, stage, index, h->path, err);
}

int lc_hook_run(const struct lc_hook *hook, const char *stage, size_t index, const char *state_json,
                int out_fd, int err_fd, lc_error_t *err)
{
  _cleanup_close_ int in_r = -1, in_w = -1, ep_r = -1, ep_w = -1, pidfd = -1;
  int fds[2];
  char *default_argv[] = {hook->path, NULL}, *no_env[] = {NULL};
  struct hook_exec x = {
    .path = hook->path,
    .argv = hook->args && hook->args[0] ? hook->args : default_argv,
    .envp = hook->env ? hook->env : no_env,
    .out_fd = out_fd,
    .err_fd = err_fd,
  };

  if (!hook->path || hook->path[0] != '/')
    return lc_error_set(err, EINVAL, HOOK_FMT ": path must be absolute", stage, index,
                        hook->path ? hook->path : "");
  if (pipe2(fds, O_CLOEXEC) < 0)
    return lc_error_sys(err, errno, HOOK_FMT ": pipe", stage, index, hook->path);
  in_r = fds[0], in_w = fds[1];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return lc_error_sys(err, errno, HOOK_FMT ": pipe", stage, index, hook->path);
  ep_r = fds[0], ep_w = fds[1];
  if (fcntl(in_w, F_SETFL, O_NONBLOCK) < 0)
    return lc_error_sys(err, errno, HOOK_FMT ": fcntl", stage, index, hook->path);
  x.stdin_fd = in_r;
  x.errpipe = ep_w;

  struct hook_proc p = {.pidfd = -1, .deadline = -1};
  if (hook->has_timeout)
    p.deadline = now_ms() + (int64_t) hook->timeout * 1000;
  p.pid = fork();
  if (p.pid < 0)
    return lc_error_sys(err, errno, HOOK_FMT ": fork", stage, index, hook->path);
  if (p.pid == 0)
    hook_child(&x);

  close(TAKE_FD(in_r));
  close(TAKE_FD(ep_w));
  pidfd = (int) syscall(SYS_pidfd_open, p.pid, 0); /* any failure: polling fallback */
  p.pidfd = pidfd;
  int e = read_exec_errno(ep_r);
  if (e) {
    proc_reap(&p, true);
    return lc_error_sys(err, e, HOOK_FMT ": exec", stage, index, hook->path);
  }
  return hook_supervise(&p, TAKE_FD(in_w), hook, stage, index, state_json, err);
}

/* ---- lists ------------------------------------------------------------------------------ */

int lc_hooks_run_io(const struct lc_hook_list *list, const char *stage, const char *state_json,
                    int out_fd, int err_fd, unsigned flags, lc_error_t *err)
{
  int first = 0;
  for (size_t i = 0; list && i < list->n; i++) {
    lc_error_t e = {0};
    int r = lc_hook_run(&list->v[i], stage, i, state_json, out_fd, err_fd, &e);
    if (r >= 0)
      continue;
    if (first == 0) {
      first = r;
      if (err)
        lc_error_move(err, &e);
    } else {
      lc_warn("%s", e.msg);
    }
    lc_error_clear(&e);
    if (!(flags & LC_HOOKS_KEEP_GOING))
      break;
  }
  return first;
}

int lc_hooks_run(const struct lc_hook_list *list, const char *stage, const char *state_json,
                 lc_error_t *err)
{
  return lc_hooks_run_io(list, stage, state_json, -1, -1, 0, err);
}

int lc_hooks_run_all(const struct lc_hook_list *list, const char *stage, const char *state_json,
                     lc_error_t *err)
{
  return lc_hooks_run_io(list, stage, state_json, -1, -1, LC_HOOKS_KEEP_GOING, err);
}
