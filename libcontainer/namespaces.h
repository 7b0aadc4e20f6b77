/* namespaces.h — which namespaces a container gets and how (config-linux.md
 * § Namespaces, § User namespace mappings, § Offset for Time Namespace). */
#ifndef LC_NAMESPACES_H
#define LC_NAMESPACES_H

#include "libcontainer.h"
#include "spec.h"

struct lc_ns_info {
  enum lc_ns_type type;
  const char *name;      /* spec name: "network" */
  const char *proc_name; /* /proc/<pid>/ns/<proc_name>: "net" */
  int clone_flag;        /* CLONE_NEWNET */
};

const struct lc_ns_info *lc_ns_info(enum lc_ns_type t);

/* CLONE_NEW* flags for the namespaces the spec asks to create (no path),
 * except the time namespace, which the parent prepares (see
 * lc_ns_parent_enter). */
int lc_ns_clone_flags(const struct lc_spec *spec);

/* Parent side, just before clone: enter pid/time namespaces the child must
 * be born into (joined by path, or a new time namespace with the configured
 * offsets) for our *children only*, remembering how to go back.
 * lc_ns_parent_restore() returns the parent to its own namespaces. */
struct lc_ns_saved {
  int pid_fd;  /* our pid_for_children before, or -1 */
  int time_fd; /* our time_for_children before, or -1 */
};
int lc_ns_parent_enter(const struct lc_spec *spec, struct lc_ns_saved *saved, lc_error_t *err);
int lc_ns_parent_restore(struct lc_ns_saved *saved, lc_error_t *err);
/* The same for namespaces already open (exec): ns_fds[LC_NS_PID] and
 * ns_fds[LC_NS_TIME] when >= 0. */
int lc_ns_parent_enter_fds(const int *ns_fds, struct lc_ns_saved *saved, lc_error_t *err);

/* Child side: join every namespace given by path (user first), except
 * pid/time handled by the parent. */
int lc_ns_join(const struct lc_spec *spec, lc_error_t *err);

/* Parent side: write uid_map/gid_map of `pid` (new user namespace). */
int lc_ns_write_id_maps(pid_t pid, const struct lc_spec *spec, lc_error_t *err);

#endif
