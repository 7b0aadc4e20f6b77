/* init.h — the container's init process, from clone to execve (DESIGN.md
 * §3 step 6).  Runs in the child only; reports failure over the sync socket
 * and _exit()s — never returns. */
#ifndef LC_INIT_H
#define LC_INIT_H

#include <stdbool.h>

#include "libcontainer.h"
#include "seccomp-profile.h"
#include "spec.h"

struct lc_init_args {
  const struct lc_spec *spec;
  const char *rootfs; /* absolute */
  const char *bundle; /* absolute */
  bool no_pivot;
  const char *id; /* for the session keyring name */
  bool no_new_keyring;
  bool new_userns; /* ask the parent for id maps first */
  int sync_fd;
  int fifo_fd;                    /* O_PATH fd of <state>/exec.fifo */
  int console_fd;                 /* connected console socket or -1 */
  int preserve_fds;               /* fds 3 .. 3+n-1 reach the container */
  int listen_fds;                 /* LISTEN_FDS to announce (0: none) */
  struct lc_seccomp_prog seccomp; /* compiled by the parent; len 0: none */
  /* Wait for the parent's CGROUP_JOINED (then unshare the cgroup namespace
   * with _NS) before the first cgroup mount; 0: nothing to wait for. */
  enum { LC_CGROUP_NO_WAIT = 0, LC_CGROUP_WAIT, LC_CGROUP_WAIT_NS } cgroup_wait;
};

__attribute__((noreturn)) void lc_init_main(const struct lc_init_args *a);

/* Steps shared by the init and `exec`'d processes (both run in the child
 * only). */
int lc_setup_process(const struct lc_process *p, const struct lc_seccomp_prog *sc, int sync_fd,
                     lc_error_t *err);
int lc_setup_fds(int keep, lc_error_t *err);
bool lc_setup_seccomp_early(const struct lc_process *p, const struct lc_seccomp_prog *sc);
int lc_setup_load_seccomp(const struct lc_seccomp_prog *sc, int sync_fd, lc_error_t *err);
void lc_setup_reset_signals(void);
__attribute__((noreturn)) void lc_setup_die(const lc_error_t *err);
__attribute__((noreturn)) void lc_setup_exec(const struct lc_process *p,
                                             const struct lc_seccomp_prog *sc, const char *path,
                                             char **env);

#endif
