/* container.c — the lifecycle operations (runtime.md § Operations):
 * create, start, run, kill, delete.  Orchestration only: every system
 * call lives in a subsystem file.  A failed create leaves nothing behind
 * (DESIGN.md §5 rule 12): the state dir is made first and destroyed on any
 * failure, and the child is killed and reaped by spawn.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "error.h"
#include "fsutil.h"
#include "hooks.h"
#include "log.h"
#include "lsm.h"
#include "rootfs.h"
#include "spawn.h"
#include "spec.h"
#include "state.h"
#include "terminal.h"
#include "xalloc.h"

/* Load and validate <bundle>/config.json; errors start with "config.json: ". */
static int load_config(const char *bundle, struct lc_spec **out, lc_error_t *err)
{
  struct lc_spec *spec = NULL;
  int r = lc_spec_load(bundle, &spec, err);
  if (r < 0)
    return r;
  r = lc_spec_validate(spec, bundle, err);
  if (r < 0) {
    lc_spec_free(spec);
    return lc_error_prefix(err, "config.json");
  }
  *out = spec;
  return 0;
}

static char *abs_rootfs(const char *bundle, const struct lc_spec *spec)
{
  const char *p = spec->root->path;
  _cleanup_free_ char *joined = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", bundle, p);
  char *real = realpath(joined, NULL);
  return real ? real : TAKE_PTR(joined);
}

static struct lc_state_record *new_record(const struct lc_context *ctx, const char *bundle,
                                          const char *rootfs, const struct lc_spec *spec)
{
  struct lc_state_record *rec = xzalloc(sizeof *rec);
  char now[64];
  lc_rfc3339_now(now, sizeof now);
  rec->pub.oci_version = xstrdup(spec->oci_version);
  rec->pub.id = xstrdup(ctx->id);
  rec->pub.status = LC_STATUS_CREATING;
  rec->pub.bundle = xstrdup(bundle);
  rec->pub.rootfs = xstrdup(rootfs);
  rec->pub.created = xstrdup(now);
  rec->pub.annotations = xzalloc((2 * spec->n_annotations + 1) * sizeof(char *));
  for (size_t i = 0; i < spec->n_annotations; i++) {
    rec->pub.annotations[2 * i] = xstrdup(spec->annotations[i].key);
    rec->pub.annotations[2 * i + 1] = xstrdup(spec->annotations[i].value);
  }
  rec->creator_pid = getpid();
  (void) lc_proc_start_time(rec->creator_pid, &rec->creator_start);
  rec->systemd_cgroup = ctx->cgroup_manager == LC_CGROUP_SYSTEMD;
  rec->config_path = xasprintf("%s/config.json", bundle);
  return rec;
}

static int listen_fds(void)
{
  const char *n = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
  if (!n || (pid && atoi(pid) != getpid()))
    return 0;
  int v = atoi(n);
  return v > 0 ? v : 0;
}

/* Everything between a validated config and a READY init. */
static int spawn_container(const struct lc_context *ctx, struct lc_create_job *job, lc_error_t *err)
{
  const struct lc_process *p = job->spec->process;
  _cleanup_close_ int console = -1, fifo = -1;
  if (p->terminal && ctx->console_socket) {
    console = lc_console_connect(ctx->console_socket, err);
    if (console < 0)
      return console;
  } else if (p->terminal && !job->foreground) {
    return lc_error_set(err, EINVAL, "process.terminal is true but no --console-socket was given");
  }
  fifo = openat(job->dir.dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
  if (fifo < 0)
    return lc_error_sys(err, errno, "open exec.fifo");
  const struct lc_namespace *user = lc_spec_namespace(job->spec, LC_NS_USER);
  struct lc_init_args a = {
    .spec = job->spec,
    .rootfs = job->rec->pub.rootfs,
    .bundle = job->rec->pub.bundle,
    .no_pivot = ctx->no_pivot,
    .id = ctx->id,
    .no_new_keyring = ctx->no_new_keyring,
    .new_userns = user && !user->path,
    .sync_fd = -1,
    .fifo_fd = fifo,
    .console_fd = console,
    .preserve_fds = ctx->preserve_fds,
    .listen_fds = listen_fds(),
  };
  int r = lc_seccomp_compile(job->spec, &a.seccomp, err);
  if (r < 0)
    return r;
  struct lc_spawn_env env = {&a, job->rec, job->cgroup};
  r = lc_spawn(&env, &job->child, err);
  lc_seccomp_prog_free(&a.seccomp);
  return r;
}

static int finish_create(const struct lc_context *ctx, struct lc_create_job *job, lc_error_t *err)
{
  struct lc_state_record *rec = job->rec;
  rec->pub.status = LC_STATUS_CREATED;
  rec->pub.pid = job->child.pid;
  if (lc_proc_start_time(job->child.pid, &rec->pid_start) < 0)
    return lc_error_set(err, ESRCH, "container init exited during create");
  int r = lc_state_record_write(&job->dir, rec, err);
  if (r == 0 && ctx->pid_file) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", job->child.pid);
    r = lc_write_file_atomic(ctx->pid_file, buf, (size_t) n, 0644, err);
    if (r < 0)
      lc_error_prefix(err, "pid file");
  }
  return r;
}

void lc_create_job_release(struct lc_create_job *job)
{
  lc_closep(&job->child.pidfd);
  lc_closep(&job->child.pty_master);
  lc_state_dir_close(&job->dir);
  lc_state_record_free(job->rec);
  lc_spec_free(job->spec);
  lc_cgroup_free(job->cgroup);
  free(job->bundle);
  memset(job, 0, sizeof *job);
  job->child.pidfd = job->child.pty_master = -1;
}

int lc_create_job(const struct lc_context *ctx, bool foreground, struct lc_create_job *job,
                  lc_error_t *err)
{
  memset(job, 0, sizeof *job);
  job->dir = (struct lc_state_dir) LC_STATE_DIR_INIT;
  job->child.pidfd = job->child.pty_master = -1;
  job->foreground = foreground;
  int r = lc_id_validate(ctx->id, err);
  if (r < 0)
    return r;
  job->bundle = realpath(ctx->bundle ? ctx->bundle : ".", NULL);
  if (!job->bundle)
    return lc_error_sys(err, errno, "bundle \"%s\"", ctx->bundle ? ctx->bundle : ".");
  if ((r = load_config(job->bundle, &job->spec, err)) < 0)
    return r;
  /* The spec makes the mount namespace optional, but the rootfs setup
   * (propagation, rootfs bind, pivot_root) must not run in the host's:
   * refuse like runc does. */
  if (!lc_spec_namespace(job->spec, LC_NS_MOUNT))
    return lc_error_set(err, EINVAL,
                        "config.json: linux.namespaces: a mount namespace is required");
  if ((r = lc_lsm_check(job->spec, err)) < 0)
    return r;
  if ((r = lc_cgroup_prepare(ctx, job->spec, &job->cgroup, err)) < 0)
    return r;
  _cleanup_free_ char *rootfs = abs_rootfs(job->bundle, job->spec);
  job->rec = new_record(ctx, job->bundle, rootfs, job->spec);
  if (job->cgroup) /* named before it exists: delete --force can clean up */
    job->rec->cgroup_path = lc_cgroup_serialize(job->cgroup);
  if ((r = lc_state_dir_create(ctx->root, ctx->id, &job->dir, err)) < 0)
    return r;
  r = lc_state_record_write(&job->dir, job->rec, err);
  if (r == 0)
    r = lc_cgroup_setup(job->cgroup, job->spec, job->bundle, job->dir.dirfd, err);
  if (r == 0)
    r = lc_state_fifo_create(&job->dir, err);
  if (r == 0) {
    job->spawned = true;
    r = spawn_container(ctx, job, err);
  }
  if (r == 0)
    r = finish_create(ctx, job, err);
  if (r < 0) {
    if (job->child.pid > 0) {
      kill(job->child.pid, SIGKILL);
      waitpid(job->child.pid, NULL, 0);
    }
    /* A failed create is destroyed like a deleted container: poststop
     * runs too (runtime.md § Lifecycle steps 3-5 -> 12-13; runc does). */
    if (job->spawned) {
      job->rec->pub.pid = 0;
      lc_run_poststop(job->rec);
    }
    lc_cgroup_remove_created(job->cgroup);
    lc_error_t ignored = {0};
    lc_state_dir_destroy(&job->dir, &ignored);
    lc_error_clear(&ignored);
  }
  return r;
}

int lc_create(const struct lc_context *ctx, lc_error_t *err)
{
  struct lc_create_job job;
  int r = lc_create_job(ctx, false, &job, err);
  lc_create_job_release(&job);
  return r;
}
