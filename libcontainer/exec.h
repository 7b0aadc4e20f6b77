/* exec.h — internal pieces of `exec` (exec.c, exec-process.c). */
#ifndef LC_EXEC_H
#define LC_EXEC_H

#include "libcontainer.h"
#include "namespaces.h"
#include "seccomp-profile.h"
#include "spec.h"

/* The process to run: the --process file, or the container's process with
 * the command line and flags applied. */
int lc_exec_build_process(const struct lc_spec *spec, const struct lc_exec_opts *o,
                          struct lc_process **out, lc_error_t *err);

struct lc_exec_child {
  const struct lc_process *proc;
  const struct lc_seccomp_prog *seccomp;
  int ns_fds[LC_NS__COUNT]; /* namespaces to join (-1: shared with us) */
  int sync_fd;
  int console_fd;
  int preserve_fds;
  bool detach;
};

__attribute__((noreturn)) void lc_exec_child_main(const struct lc_exec_child *c);

#endif
