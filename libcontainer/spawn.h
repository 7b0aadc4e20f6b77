/* spawn.h — the parent side of `create` (DESIGN.md §3 steps 5-7): clone
 * the init with its namespaces and drive the sync protocol until READY. */
#ifndef LC_SPAWN_H
#define LC_SPAWN_H

#include "init.h"
#include "libcontainer.h"
#include "state.h"

struct lc_spawn_result {
  pid_t pid;      /* host pid of the init */
  int pidfd;      /* pidfd of the init (or -1 on kernels without CLONE_PIDFD) */
  int pty_master; /* for a foreground `run` with a terminal, else -1 */
};

struct lc_cgroup;

/* Everything the parent needs to answer the child's requests. */
struct lc_spawn_env {
  const struct lc_init_args *init; /* sync_fd is filled in by lc_spawn */
  struct lc_state_record *rec;     /* for the hooks' state JSON */
  const struct lc_cgroup *cgroup;  /* the container's cgroup, or NULL (cgroup.h) */
};

int lc_spawn(const struct lc_spawn_env *env, struct lc_spawn_result *out, lc_error_t *err);

/* Serve the child's requests (id maps, hooks, seccomp listener, pty)
 * until READY. */
int lc_spawn_drive(const struct lc_spec *spec, const struct lc_state_record *rec, int sock,
                   struct lc_spawn_result *res, lc_error_t *err);
/* Kill and reap a child that did not make it to READY. */
void lc_spawn_reap(struct lc_spawn_result *res);
/* clone3 with CLONE_PIDFD (fork-like), falling back to clone. */
pid_t lc_clone(int flags, int *pidfd);
/* lc_clone into the cgroup2 directory `cgroupfd` (CLONE_INTO_CGROUP, Linux
 * 5.7) when it is >= 0; *placed says whether the child starts there (else
 * the parent must write its pid into cgroup.procs: lc_spawn_cgroup_go). */
pid_t lc_clone_into(int flags, int *pidfd, int cgroupfd, bool *placed);
/* A child cloned for a container with a cgroup first blocks until the
 * parent has placed it (LC_SYNC_CGROUP_JOINED), then creates its cgroup
 * namespace if `new_cgroupns` (a cgroup namespace is rooted at the cgroup
 * of its creator, so it must come after the move; the clone flags must not
 * carry CLONE_NEWCGROUP).  On failure it reports ERROR and _exit(1)s. */
void lc_spawn_child_cgroup(int sock, bool new_cgroupns);
/* The same, returning the error instead of reporting it. */
int lc_spawn_cgroup_wait(int sock, bool new_cgroupns, lc_error_t *err);
/* Parent side: write `pid` into every hierarchy unless `placed`, then let
 * the child go on. */
int lc_spawn_cgroup_go(const struct lc_cgroup *cg, int sock, pid_t pid, bool placed,
                       lc_error_t *err);

/* The state JSON the hooks get (runtime.md § State) for `rec` as `status`. */
char *lc_hook_state_json(const struct lc_state_record *rec, enum lc_status status);

#endif
