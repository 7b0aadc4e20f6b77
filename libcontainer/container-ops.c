/* container-ops.c — start, kill and delete of an existing container
 * (runtime.md § Start, § Kill, § Delete), with runc's error wording. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "hooks.h"
#include "log.h"
#include "xalloc.h"

#define KILL_WAIT_MS 10000

static int pidfd_open_checked(const struct lc_state_record *rec, lc_error_t *err)
{
  int fd = (int) syscall(SYS_pidfd_open, rec->pub.pid, 0);
  if (fd < 0)
    return lc_error_sys(err, errno, "pidfd_open %d", rec->pub.pid);
  /* The pidfd pins the process: re-check the start time now, so a reused
   * pid can never get our signal. */
  uint64_t start;
  if (lc_proc_start_time(rec->pub.pid, &start) < 0 || start != rec->pid_start) {
    close(fd);
    return lc_error_set(err, ESRCH, "container not running");
  }
  return fd;
}

static int load(const struct lc_context *ctx, bool shared, struct lc_state_dir *dir,
                struct lc_state_record **rec, lc_error_t *err)
{
  int r = lc_id_validate(ctx->id, err);
  if (r == 0)
    r = lc_state_dir_open(ctx->root, ctx->id, shared, dir, err);
  if (r < 0)
    return r;
  r = lc_state_record_read(dir, rec, err);
  if (r < 0)
    lc_state_dir_close(dir);
  return r;
}

/* Wait for the fifo's reader side to get the init's byte, or the init to die. */
static int open_fifo_and_read(struct lc_state_dir *dir, int pidfd, lc_error_t *err)
{
  _cleanup_close_ int fd = openat(dir->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return lc_error_sys(err, errno, "open exec.fifo");
  for (;;) {
    struct pollfd pf[2] = {{fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (poll(pf, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return lc_error_sys(err, errno, "poll exec.fifo");
    }
    if (pf[0].revents & POLLIN) {
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      if (n > 0 && buf[0] == '0')
        return 0;
      if (n > 0) { /* "1" + the init's error (a startContainer hook) */
        buf[n] = '\0';
        return lc_error_set(err, EIO, "%s", buf + 1);
      }
    }
    if (pf[1].revents & POLLIN)
      return lc_error_set(err, ESRCH, "container init exited before start");
  }
}

/* runtime.md § Lifecycle step 9: a failing poststart hook is an error
 * and stops the container (delete then destroys it, steps 12-13). */
static int run_poststart(const struct lc_state_record *rec, lc_error_t *err)
{
  struct lc_spec *spec = NULL;
  int r = lc_spec_load(rec->pub.bundle, &spec, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *json = lc_hook_state_json(rec, LC_STATUS_RUNNING);
  r = lc_hooks_run(&spec->hooks.poststart, "poststart", json, err);
  lc_spec_free(spec);
  if (r < 0) {
    lc_error_t ignored = {0};
    lc_kill_and_wait(rec, &ignored);
    lc_error_clear(&ignored);
  }
  return r;
}

int lc_start_locked(struct lc_state_dir *dir, struct lc_state_record *rec, lc_error_t *err)
{
  enum lc_status st = lc_state_status(dir, rec);
  if (st == LC_STATUS_STOPPED)
    return lc_error_set(err, EINVAL, "cannot start a container that has stopped");
  if (st == LC_STATUS_RUNNING)
    return lc_error_set(err, EINVAL, "cannot start an already running container");
  if (st != LC_STATUS_CREATED)
    return lc_error_set(err, EINVAL, "cannot start a container in the %s state",
                        lc_status_name(st));
  _cleanup_close_ int pidfd = pidfd_open_checked(rec, err);
  if (pidfd < 0)
    return pidfd;
  int r = open_fifo_and_read(dir, pidfd, err);
  if (r < 0)
    return r;
  lc_error_t ignored = {0};
  lc_state_fifo_remove(dir, &ignored);
  lc_error_clear(&ignored);
  return run_poststart(rec, err);
}

int lc_start(const struct lc_context *ctx, lc_error_t *err)
{
  struct lc_state_dir dir = LC_STATE_DIR_INIT;
  struct lc_state_record *rec = NULL;
  int r = load(ctx, false, &dir, &rec, err);
  if (r < 0)
    return r;
  r = lc_start_locked(&dir, rec, err);
  lc_state_record_free(rec);
  lc_state_dir_close(&dir);
  return r;
}

/* Every process in the init's pid namespace (when it has its own), else
 * just the init: for a container without a cgroup (--cgroup-manager
 * disabled); one with a cgroup is signalled through it (cgroup.c). */
static void kill_all(const struct lc_state_record *rec, int signo)
{
  char path[64];
  struct stat init_ns, ns, self_ns;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", rec->pub.pid);
  if (stat(path, &init_ns) < 0 || stat("/proc/self/ns/pid", &self_ns) < 0
      || init_ns.st_ino == self_ns.st_ino)
    return;
  _cleanup_closedir_ DIR *d = opendir("/proc");
  struct dirent *de;
  while (d && (de = readdir(d))) {
    pid_t pid = atoi(de->d_name);
    if (pid <= 0 || pid == rec->pub.pid)
      continue;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
    if (stat(path, &ns) == 0 && ns.st_ino == init_ns.st_ino && ns.st_dev == init_ns.st_dev)
      kill(pid, signo);
  }
}

static int signal_init(const struct lc_state_record *rec, int signo, bool all, lc_error_t *err)
{
  _cleanup_close_ int pidfd = pidfd_open_checked(rec, err);
  if (pidfd < 0)
    return pidfd;
  if (all && rec->cgroup_path) /* every process of the cgroup, the init included */
    return lc_cgroup_record_signal(rec, signo, err);
  if (all)
    kill_all(rec, signo);
  if (syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0)
    return errno == ESRCH ? lc_error_set(err, ESRCH, "container not running")
                          : lc_error_sys(err, errno, "kill");
  return 0;
}

int lc_kill(const struct lc_context *ctx, int signo, bool all, lc_error_t *err)
{
  struct lc_state_dir dir = LC_STATE_DIR_INIT;
  struct lc_state_record *rec = NULL;
  int r = load(ctx, true, &dir, &rec, err);
  if (r < 0)
    return r;
  enum lc_status st = lc_state_status(&dir, rec);
  if (st == LC_STATUS_STOPPED || st == LC_STATUS_CREATING)
    r = lc_error_set(err, ESRCH, "container not running");
  else
    r = signal_init(rec, signo, all, err);
  lc_state_record_free(rec);
  lc_state_dir_close(&dir);
  return r;
}

int lc_kill_and_wait(const struct lc_state_record *rec, lc_error_t *err)
{
  lc_error_t ignored = {0};
  _cleanup_close_ int pidfd = pidfd_open_checked(rec, &ignored);
  lc_error_clear(&ignored);
  if (pidfd < 0)
    return 0; /* already gone */
  if (rec->cgroup_path && lc_cgroup_record_signal(rec, SIGKILL, &ignored) < 0) {
    lc_debug("%s", ignored.msg); /* the pidfd signal below still reaches the init */
    lc_error_clear(&ignored);
  }
  if (!rec->cgroup_path)
    kill_all(rec, SIGKILL);
  if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return lc_error_sys(err, errno, "kill container init");
  struct pollfd pf = {pidfd, POLLIN, 0};
  int n;
  do
    n = poll(&pf, 1, KILL_WAIT_MS);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return lc_error_set(err, ETIMEDOUT, "container init %d did not exit after SIGKILL",
                        rec->pub.pid);
  return 0;
}

void lc_run_poststop(const struct lc_state_record *rec)
{
  struct lc_spec *spec = NULL;
  lc_error_t herr = {0};
  if (rec->pub.bundle && lc_spec_load(rec->pub.bundle, &spec, &herr) == 0) {
    struct lc_state_record stopped = *rec;
    stopped.pub.pid = 0;
    _cleanup_free_ char *json = lc_hook_state_json(&stopped, LC_STATUS_STOPPED);
    if (lc_hooks_run_all(&spec->hooks.poststop, "poststop", json, &herr) < 0)
      lc_warn("%s", herr.msg);
  }
  lc_error_clear(&herr);
  lc_spec_free(spec);
}

int lc_delete_locked(struct lc_state_dir *dir, struct lc_state_record *rec, bool force,
                     lc_error_t *err)
{
  enum lc_status st = rec ? lc_state_status(dir, rec) : LC_STATUS_STOPPED;
  bool alive = st != LC_STATUS_STOPPED;
  if (alive && !force && st != LC_STATUS_CREATED)
    return lc_error_set(err, EBUSY, "cannot delete container \"%s\" that is not stopped: %s",
                        dir->id, lc_status_name(st));
  if (alive && st == LC_STATUS_CREATING) {
    if (rec->creator_pid > 0)
      kill(rec->creator_pid, SIGKILL);
  } else if (alive) {
    int r = lc_kill_and_wait(rec, err);
    if (r < 0)
      return r;
  }
  /* The cgroup goes before the state: if it cannot be removed, the record
   * that names it stays for another delete. */
  int r = lc_cgroup_record_remove(rec, err);
  if (r < 0)
    return r;
  if (rec)
    lc_run_poststop(rec);
  return lc_state_dir_destroy(dir, err);
}

int lc_delete(const struct lc_context *ctx, bool force, lc_error_t *err)
{
  struct lc_state_dir dir = LC_STATE_DIR_INIT;
  struct lc_state_record *rec = NULL;
  int r = lc_id_validate(ctx->id, err);
  if (r == 0)
    r = lc_state_dir_open(ctx->root, ctx->id, false, &dir, err);
  if (r == -ENOENT && force) {
    lc_error_clear(err);
    return 0;
  }
  if (r < 0)
    return r;
  r = lc_state_record_read(&dir, &rec, err);
  if (r < 0 && !(r == -ENOENT || force)) {
    lc_state_dir_close(&dir);
    return r;
  }
  lc_error_clear(err);
  r = lc_delete_locked(&dir, rec, force, err);
  lc_state_record_free(rec);
  lc_state_dir_close(&dir);
  return r;
}
