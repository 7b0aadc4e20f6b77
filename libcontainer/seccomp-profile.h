/* seccomp-profile.h — linux.seccomp (config-linux.md § Seccomp): the profile is
 * compiled to classic BPF in the parent (before clone) and only loaded by
 * the init, with the flags the config asks for. */
#ifndef LC_SECCOMP_PROFILE_H
#define LC_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <linux/filter.h>

#include "libcontainer.h"
#include "spec.h"

struct lc_seccomp_prog {
  struct sock_filter *insns;
  unsigned short len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* */
  bool notify;        /* some rule uses SCMP_ACT_NOTIFY: a listener fd comes back */
};

/* Compile (spec->linux_->seccomp may be NULL: out->len stays 0). */
int lc_seccomp_compile(const struct lc_spec *spec, struct lc_seccomp_prog *out, lc_error_t *err);
void lc_seccomp_prog_free(struct lc_seccomp_prog *p);
/* Load in the calling thread; *listener gets the notify fd (or -1). */
int lc_seccomp_load(const struct lc_seccomp_prog *p, int *listener, lc_error_t *err);
/* Parent: send the container process state and the listener fd to the
 * agent at listenerPath (config-linux.md § The Container Process State). */
int lc_seccomp_send_listener(const struct lc_spec *spec, int listener, pid_t pid,
                             const char *state_json, lc_error_t *err);
/* Names this build supports, for `features` (NULL-terminated, static). */
const char *const *lc_seccomp_actions(void);
const char *const *lc_seccomp_operators(void);
const char *const *lc_seccomp_flags(void);
const char *const *lc_seccomp_archs(void);
/* The known flags the running kernel accepts. */
const char *const *lc_seccomp_supported_flags(void);

#endif
