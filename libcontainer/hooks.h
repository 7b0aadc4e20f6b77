/* hooks.h — running OCI hooks (config.md § POSIX-platform Hooks,
 * runtime.md § Lifecycle).
 *
 * Each hook is fork+execve'd with `path`, `args` (absent or empty: {path};
 * args[0] may differ from path) and `env` (absent: an empty environment).
 * The container state JSON is written to its stdin, which is then closed; a
 * hook that exits without reading it is fine (EPIPE is ignored, SIGPIPE never
 * reaches the caller).  stdout/stderr are the caller's 1/2 or the given fds.
 * The child starts with default signal dispositions, an empty signal mask and
 * every fd other than 0/1/2 close-on-exec.  With a `timeout` the hook is
 * SIGKILLed when it runs longer.  Which namespace a hook runs in is the
 * caller's business: this file runs it where the caller is.
 *
 * Errors, one per hook (`index` is the 0-based position in the stage's array):
 *   hook "prestart"[1] ("/usr/bin/foo"): exited with status 3      (EIO)
 *   hook "prestart"[1] ("/usr/bin/foo"): killed by signal 9        (EIO)
 *   hook "prestart"[1] ("/usr/bin/foo"): timed out after 2s        (ETIMEDOUT)
 *   hook "prestart"[1] ("/usr/bin/foo"): exec: No such file or directory   (exec's errno)
 * Nothing here prints; run_all's later failures go to lc_warn(). */
#ifndef LC_HOOKS_H
#define LC_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "spec.h"

/* Run each hook of `list` (NULL or empty: nothing) in order with stdout and
 * stderr inherited; stop at the first failure and return it.  `stage` is the
 * spec's name of the array ("prestart", "createRuntime", ...), `state_json`
 * the state (NULL: empty stdin). */
int lc_hooks_run(const struct lc_hook_list *list, const char *stage, const char *state_json,
                 lc_error_t *err);

/* Same, but run every hook whatever fails (poststart/poststop semantics):
 * return the first failure in `err`, lc_warn() the later ones. */
int lc_hooks_run_all(const struct lc_hook_list *list, const char *stage, const char *state_json,
                     lc_error_t *err);

enum {
  LC_HOOKS_KEEP_GOING = 1 << 0, /* lc_hooks_run_all() behaviour */
};

/* The general form: hooks' stdout/stderr on `out_fd`/`err_fd` (-1: the
 * caller's 1/2; not owned), `flags` from the enum above. */
int lc_hooks_run_io(const struct lc_hook_list *list, const char *stage, const char *state_json,
                    int out_fd, int err_fd, unsigned flags, lc_error_t *err);

/* Run one hook; `index` is only used in the error message. */
int lc_hook_run(const struct lc_hook *hook, const char *stage, size_t index, const char *state_json,
                int out_fd, int err_fd, lc_error_t *err);

#endif
