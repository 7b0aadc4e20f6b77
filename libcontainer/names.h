/* names.h — name <-> number tables (signals, capabilities, rlimits, mount
 * options) and the folding of a mount's option list into mount(2) /
 * mount_setattr(2) arguments.  Lookups are tables (scans, a bsearch for the
 * mount options), never if-chains.  Nothing here touches the system. */
#ifndef LC_NAMES_H
#define LC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcontainer.h"

/* "9", "KILL", "SIGKILL", "kill", "RTMIN+3", "SIGRTMAX-1" -> signal number;
 * -EINVAL for anything else (including 0 and numbers above SIGRTMAX).  Names
 * are upper-cased first (as runc does); the RT forms use the libc's
 * SIGRTMIN/SIGRTMAX at run time. */
int lc_signal_parse(const char *s);
/* "SIGKILL" for 9, "SIGRTMIN+2"/"SIGRTMAX-3" for real-time signals (the
 * shorter distance wins); NULL when unknown (0, 32, 33, > SIGRTMAX). */
const char *lc_signal_name(int signo);

/* "CAP_SYS_ADMIN" -> 21; -EINVAL when unknown to this build.  Exactly the
 * upper-case CAP_-prefixed names the spec uses ("sys_admin" is unknown). */
int lc_cap_from_name(const char *name);
/* "CAP_SYS_ADMIN" for 21; NULL outside [0, lc_cap_last_known()]. */
const char *lc_cap_name(int cap);
/* Highest capability number this build's own table names (40,
 * CAP_CHECKPOINT_RESTORE), whatever the system headers say. */
int lc_cap_last_known(void);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -EINVAL when unknown (exact, upper-case
 * names: all 16 from RLIMIT_CPU to RLIMIT_RTTIME). */
int lc_rlimit_from_name(const char *name);
const char *lc_rlimit_name(int resource);

/* Mount options (config.md § Mounts, mount(8)). */
enum lc_mount_opt_kind {
  LC_MOPT_FLAG = 0,    /* MS_* flag set (or cleared when `clear`) */
  LC_MOPT_PROPAGATION, /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (+MS_REC) */
  LC_MOPT_RECURSIVE,   /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE): rro, rnosuid, ... */
  LC_MOPT_EXTENSION,   /* LC_MEXT_* below: tmpcopyup, idmap, copy-symlink, ... */
};

struct lc_mount_opt {
  const char *name;
  enum lc_mount_opt_kind kind;
  bool clear;    /* the option clears `flag` rather than setting it */
  uint64_t flag; /* MS_*, MOUNT_ATTR_* or LC_MEXT_* by `kind` */
};

/* NULL when `name` is not a known option (it is then passed to the
 * filesystem as data, like "mode=755" or "size=65536k"). */
const struct lc_mount_opt *lc_mount_opt_lookup(const char *name);

/* Every table entry, sorted by name (strcmp order), for `features` and tests. */
const struct lc_mount_opt *lc_mount_opt_table(size_t *n);
/* Every standard signal name with its SIG prefix ("SIGHUP", ..., aliases such
 * as "SIGIOT" after the canonical name); the real-time forms "SIGRTMIN",
 * "SIGRTMIN+N" and "SIGRTMAX-N" are accepted by lc_signal_parse but not listed. */
const char *const *lc_signal_names(size_t *n);

/* `flag` of the LC_MOPT_EXTENSION entries: options the runtime implements
 * itself, never passed to the kernel. */
enum {
  LC_MEXT_TMPCOPYUP = 1 << 0,     /* tmpcopyup: copy the shadowed dir into the new tmpfs */
  LC_MEXT_IDMAP = 1 << 1,         /* idmap: MOUNT_ATTR_IDMAP on this mount */
  LC_MEXT_RIDMAP = 1 << 2,        /* ridmap: MOUNT_ATTR_IDMAP, recursively */
  LC_MEXT_COPY_SYMLINK = 1 << 3,  /* copy-symlink: bind of a symlink creates a symlink */
  LC_MEXT_SRC_NOFOLLOW = 1 << 4,  /* src-nofollow: do not follow a symlink source */
  LC_MEXT_DEST_NOFOLLOW = 1 << 5, /* dest-nofollow: do not follow a symlink destination */
};

/* The meaning of one config.json `mounts[].options` array, folded in order so
 * that a later option overrides an earlier one ("ro","rw" -> rw; "rro","rrw"
 * -> not read-only; "noatime","strictatime" -> strictatime).
 *
 *  flags        MS_* to pass to mount(2): ro, nosuid, bind (MS_BIND),
 *               rbind (MS_BIND|MS_REC), remount, ... Never a propagation flag.
 *  clear_flags  MS_* that an option explicitly cleared (rw -> MS_RDONLY,
 *               suid -> MS_NOSUID, ...), disjoint from `flags`; a bind remount
 *               uses it to tell "rw asked for" from "nothing said".
 *  propagation  MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, each possibly
 *               |MS_REC, in option order: apply each with its own
 *               mount(NULL, dest, NULL, p, NULL) after the mount itself.
 *  attr_set, attr_clr
 *               struct mount_attr for mount_setattr(AT_RECURSIVE) from the r*
 *               options (rro, rnosuid, rrw, ...).  An access-time option
 *               (rnoatime, rrelatime, rstrictatime, ratime, ...) puts all of
 *               MOUNT_ATTR__ATIME in attr_clr and its value in attr_set, as
 *               mount_setattr(2) requires (ratime/rnostrictatime select
 *               relatime, rnorelatime cancels an earlier rrelatime).  Both 0:
 *               no mount_setattr needed.
 *  tmpcopyup .. dest_nofollow
 *               the LC_MOPT_EXTENSION options that were given.
 *  data         NULL, or the options no table knows, comma-joined in order
 *               ("mode=755,size=65536k"): the filesystem's data argument.
 * Release with lc_mount_flags_free(). */
struct lc_mount_flags {
  unsigned long flags;
  unsigned long clear_flags;
  unsigned long *propagation;
  size_t n_propagation;
  uint64_t attr_set, attr_clr;
  bool tmpcopyup, idmap, ridmap, copy_symlink, src_nofollow, dest_nofollow;
  char *data;
};

/* Fold `options` (NULL-terminated; NULL means none; empty strings are
 * skipped) into *out.  The only failure is -EINVAL when the filesystem data
 * would exceed the one page the kernel copies ("mount options: filesystem
 * data is N bytes, more than 4095"); *out is written only on success. */
int lc_mount_options_parse(char *const *options, struct lc_mount_flags *out, lc_error_t *err);
void lc_mount_flags_free(struct lc_mount_flags *f);

/* Seccomp names of config-linux.md § Seccomp (NULL-terminated), shared by
 * the parser (which accepts them) and the filter builder and `features`
 * (which list them). */
extern const char *const lc_seccomp_action_names[];
extern const char *const lc_seccomp_operator_names[];
extern const char *const lc_seccomp_flag_names[];

#endif
