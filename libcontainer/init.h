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
  const char *rootfs;  /* absolute */
  const char *bundle;  /* absolute */
  bool no_pivot;
  const char *id;      /* for the session keyring name */
  bool no_new_keyring;
  bool new_userns;     /* ask the parent for id maps first */
  int sync_fd;
  int fifo_fd;         /* O_PATH fd of <state>/exec.fifo */
  int console_fd;      /* connected console socket or -1 */
  int preserve_fds;    /* fds 3 .. 3+n-1 reach the container */
  int listen_fds;      /* LISTEN_FDS to announce (0: none) */
  struct lc_seccomp_prog seccomp; /* compiled by the parent; len 0: none */
};

__attribute__((noreturn)) void lc_init_main(const struct lc_init_args *a);

#endif
