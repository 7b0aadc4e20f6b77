/* run.c — `run`: create + start in one process; in the foreground it
 * forwards signals to the container, proxies its terminal, relays its exit
 * status (128+N for a signal death, like a shell) and deletes it unless
 * --keep. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "terminal.h"

static const int forwarded[] = {SIGHUP,  SIGINT,   SIGQUIT, SIGTERM, SIGUSR1,
                                SIGUSR2, SIGWINCH, SIGCONT, SIGCHLD, SIGPIPE};

int lc_sigfwd_begin(sigset_t *old, lc_error_t *err)
{
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < LC_ARRAY_SIZE(forwarded); i++)
    sigaddset(&set, forwarded[i]);
  if (sigprocmask(SIG_BLOCK, &set, old) < 0)
    return lc_error_sys(err, errno, "sigprocmask");
  int fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (fd < 0) {
    sigprocmask(SIG_SETMASK, old, NULL);
    return lc_error_sys(err, errno, "signalfd");
  }
  return fd;
}

/* No terminal: wait for the exit, forwarding signals. */
static void wait_plain(int pidfd, int sigfd, pid_t pid)
{
  for (;;) {
    struct pollfd pf[2] = {{pidfd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (poll(pf, 2, -1) < 0 && errno != EINTR)
      return;
    if (pf[0].revents & POLLIN)
      return;
    if (pf[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == (ssize_t) sizeof si && si.ssi_signo != SIGCHLD
          && si.ssi_signo != SIGWINCH)
        kill(pid, (int) si.ssi_signo);
    }
  }
}

static int exit_code(int status)
{
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

void lc_foreground_wait(const struct lc_spawn_result *child, int sigfd, int *exit_status)
{
  lc_error_t ignored = {0};
  if (child->pty_master >= 0)
    lc_terminal_proxy(child->pty_master, child->pidfd, sigfd, child->pid, &ignored);
  else
    wait_plain(child->pidfd, sigfd, child->pid);
  lc_error_clear(&ignored);
  int status = 0;
  while (waitpid(child->pid, &status, 0) < 0 && errno == EINTR)
    ;
  *exit_status = exit_code(status);
}

/* Retake the state dir's lock after the wait; false if the directory is no
 * longer <root>/<id> (a `delete --force` from outside removed it, and maybe a
 * new container took the id): then it is not ours to delete. */
static bool relock_still_ours(const struct lc_state_dir *d)
{
  struct stat a, b;
  while (flock(d->lockfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return false;
  return fstatat(d->rootfd, d->id, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(d->dirfd, &b) == 0
         && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The lock is dropped while the container runs: holding it would block
 * `kill`, `delete --force` and every other locking command on this container
 * until it exits (runc holds no lock there either). */
static int foreground(struct lc_create_job *job, int *exit_status, bool *ours, lc_error_t *err)
{
  sigset_t old;
  _cleanup_close_ int sigfd = lc_sigfwd_begin(&old, err);
  if (sigfd < 0)
    return sigfd;
  int r = lc_start_locked(&job->dir, job->rec, err);
  if (r == 0) {
    flock(job->dir.lockfd, LOCK_UN);
    lc_foreground_wait(&job->child, sigfd, exit_status);
    *ours = relock_still_ours(&job->dir);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return r;
}

int lc_run(const struct lc_context *ctx, int *exit_status, lc_error_t *err)
{
  struct lc_create_job job;
  bool ours = true;
  *exit_status = 0;
  int r = lc_create_job(ctx, !ctx->detach, &job, err);
  if (r == 0 && ctx->detach)
    r = lc_start_locked(&job.dir, job.rec, err);
  else if (r == 0)
    r = foreground(&job, exit_status, &ours, err);
  if (r < 0 && job.rec && job.dir.dirfd >= 0) {
    /* A run that failed after create must not leave the container behind. */
    lc_error_t ignored = {0};
    lc_delete_locked(&job.dir, job.rec, true, &ignored);
    lc_error_clear(&ignored);
  } else if (r == 0 && !ctx->detach && !ctx->keep && ours) {
    r = lc_delete_locked(&job.dir, job.rec, true, err);
  }
  lc_create_job_release(&job);
  return r;
}
