/* libcontainer.h — the one public header of libcontainer, the library under
 * the `ocirun` OCI runtime.  An engine may link libcontainer.a and call these
 * functions directly; the `ocirun` command is a thin layer over them.
 *
 * Rules every function here follows:
 *  - returns >= 0 on success and -errno on failure, with `err` filled with one
 *    human-readable line (see lc_error_t); outputs are set only on success;
 *  - never prints to stdout/stderr and never exits the process (warnings and
 *    debug output go through the log sink the caller configured, if any).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LIBCONTAINER_H
#define LIBCONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------- */

/* errnum: the errno of the failure (EINVAL for bad input); msg: one line,
 * already carrying its context, e.g.
 * `rootfs: mount "proc" on "/proc": Operation not permitted`. */
typedef struct lc_error {
  int errnum;
  char *msg;
} lc_error_t;

void lc_error_clear(lc_error_t *err);

/* ---- logging ---------------------------------------------------------- */

enum lc_log_level { LC_LOG_ERROR = 0, LC_LOG_WARNING, LC_LOG_INFO, LC_LOG_DEBUG };
/* TEXT: `time="..." level=... msg="..."` (runc's logrus shape);
 * JSON: {"level":..,"msg":..,"time":..} per line; PLAIN: `ocirun: level: msg`
 * for a human's terminal. */
enum lc_log_format { LC_LOG_TEXT = 0, LC_LOG_JSON, LC_LOG_PLAIN };

/* Route library messages at or above `level` to `fd` (not owned; -1 turns
 * logging off) in the given format. The default is off. */
void lc_log_configure(int fd, enum lc_log_format format, enum lc_log_level level);
/* Parse "error|warning|warn|info|debug". */
int lc_log_level_parse(const char *name, enum lc_log_level *out);
/* Write one record through the configured sink (used by the CLI too, so that
 * `--log-format=json` gets exactly one line per message). */
void lc_log(enum lc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the bundle's config.json ---------------------------------------- */

struct lc_spec; /* the parsed config; layout in the internal spec.h */

/* Parse a config.json document. Errors name the JSON path:
 * `linux.resources.memory.limit: expected an integer`. */
int lc_spec_parse(const char *json, size_t len, struct lc_spec **out, lc_error_t *err);
/* Read and parse <bundle>/config.json; errors start with "config.json: ". */
int lc_spec_load(const char *bundle, struct lc_spec **out, lc_error_t *err);
void lc_spec_free(struct lc_spec *spec);
/* Run every validation check (no side effects); `bundle` resolves root.path. */
int lc_spec_validate(const struct lc_spec *spec, const char *bundle, lc_error_t *err);
/* The default config.json of `ocirun spec` (runc-compatible), newly allocated. */
char *lc_spec_default_json(bool rootless);

/* ---- container ids ----------------------------------------------------- */

/* [A-Za-z0-9_+.-]+, no leading dot, at most 1024 bytes. */
int lc_id_validate(const char *id, lc_error_t *err);

/* ---- state ------------------------------------------------------------ */

enum lc_status {
  LC_STATUS_CREATING = 0,
  LC_STATUS_CREATED,
  LC_STATUS_RUNNING,
  LC_STATUS_PAUSED,
  LC_STATUS_STOPPED,
};
const char *lc_status_name(enum lc_status st);

/* What `ocirun state` reports (runtime.md § State plus runc's extras). */
struct lc_state {
  char *oci_version;
  char *id;
  pid_t pid; /* 0 once stopped */
  enum lc_status status;
  char *bundle;       /* absolute */
  char *rootfs;       /* absolute */
  char *created;      /* RFC 3339, nanoseconds, UTC */
  char *owner;        /* user name of the creator ("" in `state`) */
  char **annotations; /* key, value, key, value, ..., NULL */
};

/* Default state root: /run/ocirun for root, $XDG_RUNTIME_DIR/ocirun otherwise. */
char *lc_default_root(void);
int lc_state_get(const char *root, const char *id, struct lc_state **out, lc_error_t *err);
void lc_state_free(struct lc_state *st);
/* JSON object as runc prints it (`pretty` adds two-space indentation). */
char *lc_state_to_json(const struct lc_state *st, bool pretty);
/* Every container under `root`, sorted by id. A missing root is an empty list. */
int lc_list(const char *root, struct lc_state ***out, size_t *n, lc_error_t *err);
void lc_state_list_free(struct lc_state **v, size_t n);

/* ---- features ---------------------------------------------------------- */

/* `ocirun features` JSON (features.md); lists only what this build does. */
char *lc_features_json(void);
/* Build flags as shown by --version: "+SECCOMP +CAP -SELINUX -CRIU ...". */
const char *lc_build_flags(void);

/* ---- the runtime's own binary ------------------------------------------- */

/* Whether we run from a sealed memfd copy of our binary. */
bool lc_selfexe_is_sealed(void);
/* Re-execute the calling program (argv/envp) from a sealed memfd copy of
 * /proc/self/exe unless it already runs from one (then returns 0). Callers
 * that enter container namespaces (create, run, exec) do this first
 * (CVE-2019-5736). Returns only on failure or when already sealed. */
int lc_selfexe_reexec_sealed(char **argv, char **envp, lc_error_t *err);

/* ---- lifecycle ----------------------------------------------------------- */

enum lc_cgroup_manager { LC_CGROUP_CGROUPFS = 0, LC_CGROUP_SYSTEMD, LC_CGROUP_DISABLED };

/* Everything a lifecycle call needs besides the bundle's config. */
struct lc_context {
  const char *root; /* state root */
  const char *id;
  const char *bundle; /* default: cwd */
  const char *console_socket;
  const char *pid_file;
  int preserve_fds;
  enum lc_cgroup_manager cgroup_manager;
  bool no_pivot;
  bool no_new_keyring;
  bool detach; /* run: return once started */
  bool keep;   /* run: keep the state after exit */
  bool no_subreaper;
};

int lc_create(const struct lc_context *ctx, lc_error_t *err);
int lc_start(const struct lc_context *ctx, lc_error_t *err);
/* create + start; in the foreground waits and stores the container's exit
 * status (128+N for a signal) in *exit_status. */
int lc_run(const struct lc_context *ctx, int *exit_status, lc_error_t *err);
int lc_kill(const struct lc_context *ctx, int signo, bool all, lc_error_t *err);
int lc_delete(const struct lc_context *ctx, bool force, lc_error_t *err);

/* ---- operations on the container's cgroup (container-cgroup.c) ------------ */

/* Freeze / thaw every process (runc's pause and resume); `state` then says
 * "paused" / "running".  pause needs a created or running container
 * ("container not running"), resume a paused one ("container not paused"). */
int lc_pause(const struct lc_context *ctx, lc_error_t *err);
int lc_resume(const struct lc_context *ctx, lc_error_t *err);
/* The host pids of every process in the container's cgroup and its
 * sub-cgroups, sorted (malloc'd; *n may be 0).  Without a cgroup
 * (--cgroup-manager disabled), the init's pid while it lives. */
int lc_ps(const struct lc_context *ctx, pid_t **pids, size_t *n, lc_error_t *err);
/* Apply a runtime-spec LinuxResources JSON object (update --resources) over
 * the container's current resources: given fields replace the current
 * ones, the rest stay; devices are rewritten only when the object has
 * "devices". */
int lc_update(const struct lc_context *ctx, const char *resources_json, size_t len,
              lc_error_t *err);
/* events: called with one JSON line (no newline); a negative return
 * (-errno) stops the stream. */
typedef int (*lc_event_fn)(const char *json, void *arg);
/* runc's events: with `stats_only` one {"type":"stats","id":..,"data":..}
 * line; else a stats line every `interval_ms` (0: 5000) and
 * {"type":"oom","id":..} lines when the OOM killer strikes, until the
 * container's init exits (then returns 0). */
int lc_events(const struct lc_context *ctx, bool stats_only, uint64_t interval_ms, lc_event_fn emit,
              void *arg, lc_error_t *err);

/* ---- exec: a new process in a running container ---------------------------- */

struct lc_exec_opts {
  const char *process_file; /* a process.json (config.md § Process); replaces the rest */
  char **args;              /* command line (NULL-terminated) when no process_file */
  char **env;               /* KEY=VALUE added to the container's process env */
  const char *cwd;
  bool has_user, has_gid;
  uint32_t uid, gid;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char **caps; /* added to bounding, effective, permitted and ambient */
  bool no_new_privs;
  const char *apparmor;
  const char *process_label;
  bool tty;
  bool detach;
  bool ignore_paused;
  const char *console_socket;
  const char *pid_file;
  int preserve_fds;
};

/* Start a process in the container's namespaces; in the foreground wait for
 * it and store its exit status (128+N for a signal) in *exit_status.  When
 * the process could not be started (not found, not executable, setup
 * failed) the call fails with *exit_status 255, the status runc and crun
 * exit with; other failures (unknown container, bad options) leave it 0. */
int lc_exec(const struct lc_context *ctx, const struct lc_exec_opts *o, int *exit_status,
            lc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
