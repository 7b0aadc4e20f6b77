/* state.h — the state store (DESIGN.md §2 model layer, runtime.md § State).
 *
 * Owns <root>/<id>/: the directory, its `lock` file, the atomic `state.json`
 * record, `exec.fifo`, and the live status derived from them.  Every access
 * below <root> goes through openat(rootfd, id, O_NOFOLLOW|O_DIRECTORY); the
 * id is checked with lc_id_validate() first.
 *
 * Locking: lifecycle commands hold flock() on <dir>/lock (exclusive, or
 * shared for readers that want to wait) for as long as they act on the
 * container.  lc_state_get() and lc_list() take no lock: state.json is only
 * replaced by rename, so they see the old or the new record, never a partial
 * one, and never block behind a long create.
 *
 * A new directory becomes visible already locked: it is built as
 * <root>/.new-<pid>-<n> with its lock file, locked, then renamed to <id>
 * (RENAME_NOREPLACE), so an opener can never see a container without a lock
 * file or take the lock before its creator. */
#ifndef LC_STATE_H
#define LC_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libcontainer.h"

/* The on-disk record <root>/<id>/state.json: the public fields plus what the
 * runtime needs.  NULL strings round-trip as JSON null. */
struct lc_state_record {
  struct lc_state pub;    /* status is the stored one; lc_state_status() derives the live one */
  uint64_t pid_start;     /* field 22 of /proc/<pid>/stat of the container init when created */
  pid_t creator_pid;      /* runtime process that is creating it (status creating) */
  uint64_t creator_start; /* its start time (PID reuse check) */
  char *cgroup_path;      /* NULL if none */
  bool paused;            /* set by pause, cleared by resume */
  bool systemd_cgroup;
  char *config_path; /* absolute path of the config.json used */
};

/* An open, locked container directory.  Initialise with LC_STATE_DIR_INIT
 * (a zeroed struct is also safe to close: close does nothing while id is
 * NULL).  Do not let a forked child keep `lockfd` open: flock() belongs to
 * the open file description, so a child (e.g. the container init waiting on
 * exec.fifo) holding a copy keeps the container locked after we close ours:
 * `start` would then wait for the lock forever. */
struct lc_state_dir {
  int rootfd;
  int dirfd;
  int lockfd;
  char *id;
};
/* Brace initialiser: `struct lc_state_dir d = LC_STATE_DIR_INIT;` or, as a
 * compound literal, `*d = (struct lc_state_dir) LC_STATE_DIR_INIT;`. */
/* clang-format off */
#define LC_STATE_DIR_INIT {.rootfd = -1, .dirfd = -1, .lockfd = -1, .id = NULL}
/* clang-format on */

/* Create <root> (mkdir -p, 0700) and <root>/<id> exclusively (EEXIST ->
 * `container "ID" already exists`), holding the exclusive lock. */
int lc_state_dir_create(const char *root, const char *id, struct lc_state_dir *out,
                        lc_error_t *err);
/* Open an existing one (ENOENT -> `container "ID" does not exist`), locked
 * exclusively, or shared when `shared`.  Blocks while another command holds
 * the lock; a container destroyed meanwhile is reported as not existing. */
int lc_state_dir_open(const char *root, const char *id, bool shared, struct lc_state_dir *out,
                      lc_error_t *err);
/* Close the fds (the lock goes with the last fd of its open file
 * description) and free the id; idempotent.  It never calls flock(LOCK_UN),
 * so a forked child must call it first thing: that drops the child's copies
 * (no host dirfd leaks toward the container) while the parent keeps the
 * lock. */
void lc_state_dir_close(struct lc_state_dir *d);
/* rm -rf the directory (through rootfd/id), then close (also on failure). */
int lc_state_dir_destroy(struct lc_state_dir *d, lc_error_t *err);

/* Atomically replace state.json (temp file, fsync, rename; mode 0600). */
int lc_state_record_write(const struct lc_state_dir *d, const struct lc_state_record *rec,
                          lc_error_t *err);
/* Read and parse state.json.  -ENOENT when it is missing (a crashed create);
 * -EINVAL with `container "ID": state.json: invalid JSON: ...` or
 * `container "ID": state.json: "pid": expected an integer` when corrupt. */
int lc_state_record_read(const struct lc_state_dir *d, struct lc_state_record **out,
                         lc_error_t *err);
/* Parse a state.json document (exposed for the fuzzer and the tests); `id`
 * names the container in messages and must match the record's id. */
int lc_state_record_parse(const char *id, const char *json, struct lc_state_record **out,
                          lc_error_t *err);
/* Serialise a record as stored on disk (newly allocated; NULL + err on a
 * string that is not valid UTF-8). */
char *lc_state_record_json(const struct lc_state_record *rec, lc_error_t *err);
void lc_state_record_free(struct lc_state_record *rec);

/* Derive the live status:
 *  - stored creating: creator alive (pid and start time match) -> creating, else stopped;
 *  - stored stopped, pid 0, process gone or a zombie, start-time mismatch (PID reuse) -> stopped;
 *  - alive and paused (flag or stored status) -> paused;
 *  - alive and exec.fifo present in the directory -> created;
 *  - alive -> running.
 * Needs only d->dirfd.  Callers report pid 0 when this returns stopped. */
enum lc_status lc_state_status(const struct lc_state_dir *d, const struct lc_state_record *rec);

/* Field 22 (starttime) of /proc/<pid>/stat; -ESRCH if the process is gone. */
int lc_proc_start_time(pid_t pid, uint64_t *out);
/* Same, plus field 3 (state letter: R, S, Z, ...). */
int lc_proc_stat(pid_t pid, uint64_t *start, char *state);

/* mkfifo "exec.fifo" (0600) in the directory; EEXIST is an error. */
int lc_state_fifo_create(const struct lc_state_dir *d, lc_error_t *err);
/* Remove it; a missing fifo is fine. */
int lc_state_fifo_remove(const struct lc_state_dir *d, lc_error_t *err);

/* Parse a status name ("created", ...); -EINVAL if unknown. */
int lc_status_parse(const char *name, enum lc_status *out);

#endif
