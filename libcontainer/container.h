/* container.h — internal glue between the lifecycle operations. */
#ifndef LC_CONTAINER_H
#define LC_CONTAINER_H

#include <signal.h>
#include <stdbool.h>

#include "libcontainer.h"
#include "spawn.h"
#include "spec.h"
#include "state.h"

/* A create in progress or just finished, kept open by `run`. */
struct lc_create_job {
  bool foreground; /* `run` without --detach: may keep the pty */
  bool spawned;    /* the init was started: a failure runs poststop */
  char *bundle;    /* absolute */
  struct lc_spec *spec;
  struct lc_state_record *rec;
  struct lc_state_dir dir; /* locked until released */
  struct lc_spawn_result child;
  struct lc_cgroup *cgroup; /* NULL with --cgroup-manager disabled (cgroup.h) */
};

int lc_create_job(const struct lc_context *ctx, bool foreground, struct lc_create_job *job,
                  lc_error_t *err);
void lc_create_job_release(struct lc_create_job *job);

/* start on an open, locked container (shared by `start` and `run`). */
int lc_start_locked(struct lc_state_dir *dir, struct lc_state_record *rec, lc_error_t *err);
/* Kill the init and wait (bounded) for it to be gone. */
int lc_kill_and_wait(const struct lc_state_record *rec, lc_error_t *err);
/* poststop hooks (runtime.md § Lifecycle step 13): failures only warn. */
void lc_run_poststop(const struct lc_state_record *rec);
/* delete on an open, locked container; destroys dir. */
int lc_delete_locked(struct lc_state_dir *dir, struct lc_state_record *rec, bool force,
                     lc_error_t *err);

/* Foreground processes (run, exec): block the forwarded signals and get
 * them from a signalfd (restore with sigprocmask(SIG_SETMASK, old)); then
 * wait for the child, forwarding signals and proxying its pty, and reap it
 * (exit status, 128+N for a signal). */
int lc_sigfwd_begin(sigset_t *old, lc_error_t *err);
void lc_foreground_wait(const struct lc_spawn_result *child, int sigfd, int *exit_status);

#endif
