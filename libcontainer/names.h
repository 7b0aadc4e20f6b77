/* names.h — name <-> number tables (signals, capabilities, rlimits, mount
 * options, namespaces).  Lookups are table scans, never if-chains. */
#ifndef LC_NAMES_H
#define LC_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* "9", "KILL", "SIGKILL", "kill", "RTMIN+3", "SIGRTMAX-1" -> signal number;
 * -EINVAL for anything else (including 0 and numbers above SIGRTMAX). */
int lc_signal_parse(const char *s);
/* "SIGKILL" for 9; NULL when unknown. */
const char *lc_signal_name(int signo);

/* "CAP_SYS_ADMIN" -> 21; -EINVAL when unknown to this build. */
int lc_cap_from_name(const char *name);
const char *lc_cap_name(int cap);
/* Highest capability number this build knows (CAP_LAST_CAP of its headers). */
int lc_cap_last_known(void);
/* Iterate: fills *name for i in [0, lc_cap_last_known()]. */

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -EINVAL when unknown. */
int lc_rlimit_from_name(const char *name);
const char *lc_rlimit_name(int resource);

/* Mount options (config.md § Mounts, mount(8)). */
enum lc_mount_opt_kind {
  LC_MOPT_FLAG = 0,      /* MS_* flag set (or cleared when `clear`) */
  LC_MOPT_PROPAGATION,   /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (+MS_REC) */
  LC_MOPT_RECURSIVE,     /* MOUNT_ATTR_* applied with mount_setattr(AT_RECURSIVE): rro, rnosuid, ... */
  LC_MOPT_EXTENSION,     /* tmpcopyup, idmap, ridmap, copy-symlink, src-nofollow, dest-nofollow */
};

struct lc_mount_opt {
  const char *name;
  enum lc_mount_opt_kind kind;
  bool clear;            /* the option clears `flag` rather than setting it */
  uint64_t flag;         /* MS_* or MOUNT_ATTR_* */
};

/* NULL when `name` is not a known option (it is then passed to the
 * filesystem as data, like "mode=755" or "size=65536k"). */
const struct lc_mount_opt *lc_mount_opt_lookup(const char *name);

/* Every table entry, for `features` and tests. */
const struct lc_mount_opt *lc_mount_opt_table(size_t *n);
const char *const *lc_signal_names(size_t *n);

#endif
