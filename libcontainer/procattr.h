/* procattr.h — process attributes of the container init (config.md
 * § Process, § Hostname, § Domainname; config-linux.md § Sysctl,
 * § Personality): rlimits, oom_score_adj, sysctl, hostname, personality,
 * scheduler, I/O priority, CPU affinity, user and groups, umask, cwd,
 * no_new_privs, PATH lookup. Each function is one step of init.c. */
#ifndef LC_PROCATTR_H
#define LC_PROCATTR_H

#include "libcontainer.h"
#include "spec.h"

/* Before pivot_root, through the runtime's (trusted) /proc: values that
 * the kernel scopes by the writer's namespaces. */
int lc_proc_sysctl(const struct lc_spec *spec, lc_error_t *err);
int lc_proc_oom_score_adj(const struct lc_process *p, lc_error_t *err);
int lc_proc_hostname(const struct lc_spec *spec, lc_error_t *err);

/* After pivot_root. */
int lc_proc_rlimits(const struct lc_process *p, lc_error_t *err);
int lc_proc_personality(const struct lc_spec *spec, lc_error_t *err);
int lc_proc_scheduler(const struct lc_process *p, lc_error_t *err);
int lc_proc_ioprio(const struct lc_process *p, lc_error_t *err);
int lc_proc_cpu_affinity(const char *cpus, lc_error_t *err);
int lc_proc_cwd(const struct lc_process *p, lc_error_t *err);
int lc_proc_user(const struct lc_process *p, lc_error_t *err);
int lc_proc_no_new_privs(const struct lc_process *p, lc_error_t *err);

/* Find args[0] in the container (PATH from the process env, else the
 * default PATH). Error wording matches runc (engines map it to 127/126):
 * `exec: "foo": executable file not found in $PATH`. */
int lc_proc_find_exec(const struct lc_process *p, char **out, lc_error_t *err);

/* Add HOME=<home of uid in /etc/passwd, or "/"> unless env has HOME. */
void lc_proc_env_add_home(char ***env, uid_t uid);

/* Parse a cpu list "0-3,7" into a cpu_set_t-sized mask. */
int lc_parse_cpuset(const char *s, void *set, size_t setsize, lc_error_t *err);

#endif
