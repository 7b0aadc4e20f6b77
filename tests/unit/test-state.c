/* test-state.c — the state store (runtime.md § State, § Lifecycle): state
 * directories and their lock, the atomic state.json record, the derived
 * status (PID reuse included), lc_list and runc's `state` JSON bytes.
 * Runs in a temp dir; forks helper children (sleepers, lock probers). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "state.h"
#include "tap.h"
#include "xalloc.h"

static char base[] = "/tmp/ocirun-test-state-XXXXXX";
static char *root;

/* ---- helpers -------------------------------------------------------------- */

static bool starts_with(const char *s, const char *prefix)
{
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A child blocked in pause() until killed. */
static pid_t spawn_sleeper(void)
{
  int p[2];
  if (pipe(p) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    close(p[1]);
    for (;;)
      pause();
  }
  close(p[0]);
  close(p[1]);
  return pid;
}

static void kill_reap(pid_t pid)
{
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

static uint64_t start_of(pid_t pid)
{
  uint64_t v = 0;
  if (lc_proc_start_time(pid, &v) < 0)
    abort();
  return v;
}

static struct lc_state_record *new_record(const char *id, enum lc_status status, pid_t pid,
                                          uint64_t start)
{
  struct lc_state_record *rec = xzalloc(sizeof *rec);
  rec->pub.oci_version = xstrdup("1.3.0");
  rec->pub.id = xstrdup(id);
  rec->pub.pid = pid;
  rec->pub.status = status;
  rec->pub.bundle = xasprintf("/bundles/%s", id);
  rec->pub.rootfs = xasprintf("/bundles/%s/rootfs", id);
  rec->pub.created = xstrdup("2026-12-03T03:38:38.642969879Z");
  rec->pid_start = start;
  return rec;
}

/* Create <root>/<id>, write rec, close. */
static int make_container(const char *id, const struct lc_state_record *rec)
{
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  lc_error_t err = {0};
  int r = lc_state_dir_create(root, id, &d, &err);
  if (r == 0 && rec)
    r = lc_state_record_write(&d, rec, &err);
  lc_state_dir_close(&d);
  lc_error_clear(&err);
  return r;
}

/* Names in a directory starting with `prefix`. */
static int count_entries(int dirfd, const char *prefix)
{
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fdopendir(fd);
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && starts_with(de->d_name, prefix))
      n++;
  closedir(d);
  return n;
}

static int root_fd(void)
{
  return open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_names_and_root(void)
{
  static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
  for (int i = 0; i < 5; i++) {
    enum lc_status st = LC_STATUS_STOPPED;
    is_str(lc_status_name((enum lc_status) i), names[i], names[i]);
    ok(lc_status_parse(names[i], &st) == 0 && (int) st == i, "parse %s", names[i]);
  }
  enum lc_status st;
  is_int(lc_status_parse("exited", &st), -EINVAL, "unknown status name refused");
  is_str(lc_status_name((enum lc_status) 42), "unknown", "out-of-range status");

  char *r = lc_default_root();
  if (geteuid() == 0)
    is_str(r, "/run/ocirun", "root's default root");
  free(r);
  /* Non-root branches in a child that drops to nobody. */
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
      _exit(10);
    setenv("XDG_RUNTIME_DIR", "/run/user/x", 1);
    char *a = lc_default_root();
    unsetenv("XDG_RUNTIME_DIR");
    char *b = lc_default_root();
    char *want = xasprintf("/run/user/%u/ocirun", (unsigned) getuid());
    _exit(strcmp(a, "/run/user/x/ocirun") != 0 ? 11 : strcmp(b, want) != 0 ? 12 : 0);
  }
  int status = -1;
  waitpid(pid, &status, 0);
  is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
         "non-root default root: $XDG_RUNTIME_DIR/ocirun, else /run/user/<uid>/ocirun");
}

static void test_proc_start_time(void)
{
  uint64_t a = 0, b = 0;
  char st = 0;
  ok(lc_proc_start_time(getpid(), &a) == 0 && a > 0, "own start time");
  int go[2], done[2];
  if (pipe(go) < 0 || pipe(done) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    if (read(go[0], &c, 1) != 1)
      _exit(1);
    prctl(PR_SET_NAME, "a) b) 7 8 (c");
    if (write(done[1], "x", 1) != 1)
      _exit(1);
    for (;;)
      pause();
  }
  ok(lc_proc_start_time(pid, &a) == 0, "child start time");
  ok(write(go[1], "x", 1) == 1 && read(done[0], &st, 1) == 1, "child renamed itself");
  ok(lc_proc_stat(pid, &b, &st) == 0 && a == b, "comm with ') ' and spaces: same start time");
  ok(st == 'S' || st == 'R', "state letter parsed after the last ')' (got %c)", st);
  kill_reap(pid);
  is_int(lc_proc_start_time(pid, &b), -ESRCH, "reaped child: -ESRCH");
  is_int(lc_proc_start_time(0, &b), -ESRCH, "pid 0: -ESRCH");
  is_int(lc_proc_start_time(-5, &b), -ESRCH, "negative pid: -ESRCH");
  close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

static void test_dir_lifecycle(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT, d2 = LC_STATE_DIR_INIT;
  int r = lc_state_dir_create(root, "c1", &d, &err);
  is_int(r, 0, "create c1 (root created on the way)");
  ok(d.rootfd >= 0 && d.dirfd >= 0 && d.lockfd >= 0 && d.id && strcmp(d.id, "c1") == 0,
     "create fills the dir handle");
  struct stat st;
  ok(stat(root, &st) == 0 && (st.st_mode & 07777) == 0700, "root is mode 0700");
  ok(fstatat(d.dirfd, "lock", &st, 0) == 0 && S_ISREG(st.st_mode), "lock file exists");
  ok(fcntl(d.lockfd, F_GETFD) & FD_CLOEXEC, "lock fd is O_CLOEXEC");
  ok(fcntl(d.dirfd, F_GETFD) & FD_CLOEXEC, "dir fd is O_CLOEXEC");

  r = lc_state_dir_create(root, "c1", &d2, &err);
  is_int(r, -EEXIST, "second create: -EEXIST");
  is_str(err.msg, "container \"c1\" already exists", "already-exists message");
  ok(d2.id == NULL && d2.dirfd == -1, "failed create leaves the handle untouched");
  int rfd = root_fd();
  is_int(count_entries(rfd, ".new"), 0, "no temporary directories left in the root");

  r = lc_state_dir_open(root, "nope", false, &d2, &err);
  is_int(r, -ENOENT, "open unknown: -ENOENT");
  is_str(err.msg, "container \"nope\" does not exist", "does-not-exist message");
  struct lc_state *s = NULL;
  r = lc_state_get(root, "nope", &s, &err);
  ok(r == -ENOENT && s == NULL, "state of unknown: -ENOENT");
  is_str(err.msg, "container \"nope\" does not exist", "state: does-not-exist message");
  r = lc_state_dir_open("/nonexistent/ocirun-root", "c1", false, &d2, &err);
  is_int(r, -ENOENT, "open in a missing root: -ENOENT");
  r = lc_state_dir_create(root, "../evil", &d2, &err);
  is_int(r, -EINVAL, "create with an invalid id: -EINVAL");
  ok(faccessat(rfd, "../evil", F_OK, 0) < 0, "nothing created for an invalid id");
  r = lc_state_get(root, "a/b", &s, &err);
  is_int(r, -EINVAL, "state with an invalid id: -EINVAL");

  lc_state_dir_close(&d);
  lc_state_dir_close(&d); /* idempotent */
  struct lc_state_dir zero = {0};
  lc_state_dir_close(&zero); /* a zeroed handle is not open */
  ok(d.id == NULL && d.lockfd == -1, "close resets the handle");

  r = lc_state_dir_open(root, "c1", false, &d, &err);
  is_int(r, 0, "reopen c1");
  r = lc_state_dir_destroy(&d, &err);
  is_int(r, 0, "destroy c1");
  ok(faccessat(rfd, "c1", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT, "c1 is gone");
  ok(d.id == NULL && d.dirfd == -1, "destroy closes the handle");
  r = lc_state_dir_open(root, "c1", false, &d, &err);
  is_int(r, -ENOENT, "open after destroy: does not exist");

  /* A symlink named like a container is never followed. */
  ok(symlinkat("/tmp", rfd, "link1") == 0, "symlink in root");
  r = lc_state_dir_open(root, "link1", false, &d, &err);
  is_int(r, -ENOENT, "symlinked id: does not exist");
  unlinkat(rfd, "link1", 0);
  close(rfd);
  lc_error_clear(&err);
}

static struct lc_state_record *full_record(void)
{
  struct lc_state_record *rec = new_record("rt", LC_STATUS_RUNNING, 4242, 18446744073709551615ULL);
  rec->pub.owner = xstrdup("someone");
  strv_push(&rec->pub.annotations, "z.last");
  strv_push(&rec->pub.annotations, "1");
  strv_push(&rec->pub.annotations, "a.first");
  strv_push(&rec->pub.annotations, "quote\" back\\ nl\n é");
  strv_push(&rec->pub.annotations, "m");
  strv_push(&rec->pub.annotations, "");
  rec->creator_pid = 77;
  rec->creator_start = 12345678901234ULL;
  rec->cgroup_path = xstrdup("/sys/fs/cgroup/ocirun/rt");
  rec->paused = true;
  rec->systemd_cgroup = true;
  rec->config_path = xstrdup("/bundles/rt/config.json");
  return rec;
}

static bool strs_eq(const char *a, const char *b)
{
  return a && b ? strcmp(a, b) == 0 : a == b;
}

static void test_record_roundtrip(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  struct lc_state_record *rec = full_record(), *got = NULL;
  is_int(lc_state_dir_create(root, "rt", &d, &err), 0, "create rt");
  is_int(lc_state_record_write(&d, rec, &err), 0, "write a full record");
  is_int(lc_state_record_read(&d, &got, &err), 0, "read it back");
  if (!got)
    abort();
  is_str(got->pub.oci_version, "1.3.0", "ociVersion");
  is_str(got->pub.id, "rt", "id");
  is_int(got->pub.pid, 4242, "pid");
  is_int(got->pub.status, LC_STATUS_RUNNING, "stored status");
  is_str(got->pub.bundle, "/bundles/rt", "bundle");
  is_str(got->pub.rootfs, "/bundles/rt/rootfs", "rootfs");
  is_str(got->pub.created, "2026-12-03T03:38:38.642969879Z", "created");
  is_str(got->pub.owner, "someone", "owner");
  ok(got->pub.annotations && strv_length(got->pub.annotations) == 6, "6 annotation strings");
  bool same = got->pub.annotations != NULL;
  for (size_t i = 0; same && i < 6; i++)
    same = strs_eq(got->pub.annotations[i], rec->pub.annotations[i]);
  ok(same, "annotations round-trip in their original order");
  ok(got->pid_start == 18446744073709551615ULL, "pidStart keeps all 64 bits");
  is_int(got->creator_pid, 77, "creatorPid");
  ok(got->creator_start == 12345678901234ULL, "creatorStart");
  is_str(got->cgroup_path, "/sys/fs/cgroup/ocirun/rt", "cgroupPath");
  ok(got->paused && got->systemd_cgroup, "paused and systemdCgroup");
  is_str(got->config_path, "/bundles/rt/config.json", "configPath");
  lc_state_record_free(got);

  /* NULL strings and no annotations round-trip as NULL; flags as false. */
  struct lc_state_record *bare = new_record("rt", LC_STATUS_CREATING, 0, 0);
  free(bare->pub.rootfs);
  bare->pub.rootfs = NULL;
  is_int(lc_state_record_write(&d, bare, &err), 0, "write a sparse record");
  is_int(lc_state_record_read(&d, &got, &err), 0, "read the sparse record");
  ok(got && got->pub.rootfs == NULL && got->pub.annotations == NULL && got->cgroup_path == NULL
       && got->config_path == NULL && got->pub.owner == NULL,
     "NULL fields stay NULL");
  ok(got && !got->paused && !got->systemd_cgroup && got->pub.status == LC_STATUS_CREATING,
     "flags false, status creating");
  lc_state_record_free(got);
  lc_state_record_free(bare);

  struct stat st;
  ok(fstatat(d.dirfd, "state.json", &st, 0) == 0 && (st.st_mode & 0777) == 0600,
     "state.json is mode 0600");
  _cleanup_free_ char *json = NULL;
  lc_read_file_at(d.dirfd, "state.json", &json, NULL, &err);
  static const char *const keys[] = {"\"ociVersion\"", "\"id\"",     "\"pid\"",     "\"status\"",
                                     "\"bundle\"",     "\"rootfs\"", "\"created\"", "\"owner\""};
  bool all = json != NULL;
  for (size_t i = 0; all && i < LC_ARRAY_SIZE(keys); i++)
    all = strstr(json, keys[i]) != NULL;
  ok(all, "state.json carries runc's public keys");

  /* Invalid UTF-8 is refused before anything is written. */
  free(rec->pub.bundle);
  rec->pub.bundle = xstrdup("/bad\xff");
  is_int(lc_state_record_write(&d, rec, &err), -EINVAL, "invalid UTF-8 refused");
  ok(starts_with(err.msg, "container \"rt\": state.json: "), "UTF-8 error names the file");
  lc_state_record_free(rec);
  lc_state_dir_destroy(&d, &err);
  lc_error_clear(&err);
}

static void expect_corrupt(struct lc_state_dir *d, const char *json, const char *want,
                           const char *name)
{
  lc_error_t err = {0};
  struct lc_state_record *got = NULL;
  lc_write_file_atomic_at(d->dirfd, "state.json", json, strlen(json), 0600, &err);
  int r = lc_state_record_read(d, &got, &err);
  ok(r == -EINVAL && got == NULL, "%s: -EINVAL", name);
  if (want[strlen(want) - 1] == '*') /* prefix match */
    ok(err.msg && strncmp(err.msg, want, strlen(want) - 1) == 0 && !strchr(err.msg, '\n'),
       "%s: one-line message starting \"%.*s\" (got \"%s\")", name, (int) strlen(want) - 1, want,
       err.msg ? err.msg : "");
  else
    is_str(err.msg, want, name);
  lc_error_clear(&err);
}

static void test_corrupt(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  struct lc_state_record *got = NULL;
  is_int(lc_state_dir_create(root, "bad", &d, &err), 0, "create bad");
  is_int(lc_state_record_read(&d, &got, &err), -ENOENT, "missing state.json: -ENOENT");
  expect_corrupt(&d,
                 "{\"id\": \"bad\", \"status\": ", "container \"bad\": state.json: invalid JSON: *",
                 "truncated JSON");
  expect_corrupt(&d, "garbage\n", "container \"bad\": state.json: invalid JSON: *", "garbage");
  expect_corrupt(&d, "[1]", "container \"bad\": state.json: expected an object", "array");
  expect_corrupt(&d, "{\"id\":\"bad\",\"status\":\"running\",\"pid\":\"x\"}",
                 "container \"bad\": state.json: \"pid\": expected an integer in 0..2147483647",
                 "pid as string");
  expect_corrupt(&d, "{\"id\":\"bad\",\"status\":\"running\",\"pid\":-1}",
                 "container \"bad\": state.json: \"pid\": expected an integer in 0..2147483647",
                 "negative pid");
  expect_corrupt(&d, "{\"id\":\"bad\",\"status\":\"exited\"}",
                 "container \"bad\": state.json: \"status\": unknown status \"exited\"",
                 "unknown status");
  expect_corrupt(&d, "{\"status\":\"running\"}", "container \"bad\": state.json: \"id\": missing",
                 "missing id");
  expect_corrupt(&d, "{\"id\":\"other\",\"status\":\"running\"}",
                 "container \"bad\": state.json: \"id\": \"other\" does not match the directory",
                 "id mismatch");
  expect_corrupt(&d, "{\"id\":\"bad\",\"status\":\"running\",\"annotations\":{\"k\":1}}",
                 "container \"bad\": state.json: \"annotations.k\": expected a string",
                 "annotation value not a string");
  expect_corrupt(&d, "{\"id\":\"bad\",\"status\":\"running\",\"paused\":1}",
                 "container \"bad\": state.json: \"paused\": expected a boolean",
                 "paused not bool");
  struct lc_state *s = NULL;
  is_int(lc_state_get(root, "bad", &s, &err), -EINVAL, "lc_state_get refuses a corrupt record");
  lc_state_dir_destroy(&d, &err);
  lc_error_clear(&err);
}

/* A reader child loops over lc_state_record_read while the parent rewrites. */
static void test_atomic_write(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  struct lc_state_record *rec = new_record("atom", LC_STATUS_RUNNING, 1, 1);
  is_int(lc_state_dir_create(root, "atom", &d, &err), 0, "create atom");
  lc_state_record_write(&d, rec, &err);
  int stop[2], res[2];
  if (pipe(stop) < 0 || pipe(res) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(stop[1]);
    long reads = 0, bad = 0;
    struct pollfd p = {.fd = stop[0], .events = POLLIN};
    while (poll(&p, 1, 0) == 0) {
      struct lc_state_record *got = NULL;
      lc_error_t cerr = {0};
      if (lc_state_record_read(&d, &got, &cerr) < 0 || strcmp(got->pub.id, "atom") != 0)
        bad++;
      reads++;
      lc_state_record_free(got);
      lc_error_clear(&cerr);
    }
    long out[2] = {reads, bad};
    _exit(write(res[1], out, sizeof out) == sizeof out ? 0 : 1);
  }
  close(stop[0]);
  close(res[1]);
  int failed = 0;
  for (int i = 0; i < 1000; i++) {
    free(rec->pub.bundle);
    rec->pub.bundle = xasprintf("/bundle/%0*d", i % 300 + 1, i); /* the size varies */
    if (lc_state_record_write(&d, rec, &err) < 0)
      failed++;
  }
  close(stop[1]);
  long out[2] = {0, -1};
  ok(read(res[0], out, sizeof out) == sizeof out, "reader reported");
  waitpid(pid, NULL, 0);
  close(res[0]);
  is_int(failed, 0, "1000 rewrites succeed");
  ok(out[0] > 0, "reader read %ld times", out[0]);
  is_int(out[1], 0, "reader never saw a partial or invalid state.json");
  is_int(count_entries(d.dirfd, ".state"), 0, "no temp files left");
  is_int(count_entries(d.dirfd, ""), 2, "only lock and state.json in the directory");
  lc_state_record_free(rec);
  lc_state_dir_destroy(&d, &err);
  lc_error_clear(&err);
}

static enum lc_status status_of(struct lc_state_dir *d, struct lc_state_record *rec)
{
  return lc_state_status(d, rec);
}

/* A child that has exited and been reaped, with the start time it had. */
static pid_t dead_pid(uint64_t *start)
{
  int p[2];
  if (pipe(p) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(p[1]);
    _exit(read(p[0], &c, 1) < 0);
  }
  close(p[0]);
  *start = start_of(pid);
  close(p[1]);
  waitpid(pid, NULL, 0);
  return pid;
}

static void test_status(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  is_int(lc_state_dir_create(root, "st", &d, &err), 0, "create st");
  struct lc_state_record *rec = new_record("st", LC_STATUS_CREATING, 0, 0);
  rec->creator_pid = getpid();
  rec->creator_start = start_of(getpid());
  is_int(status_of(&d, rec), LC_STATUS_CREATING, "creating, creator alive: creating");
  rec->creator_start++;
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "creating, creator pid reused: stopped");
  rec->creator_pid = dead_pid(&rec->creator_start);
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "creating, creator dead: stopped");

  pid_t child = spawn_sleeper();
  rec->pub.status = LC_STATUS_CREATED;
  rec->pub.pid = child;
  rec->pid_start = start_of(child);
  is_int(lc_state_fifo_create(&d, &err), 0, "mkfifo exec.fifo");
  struct stat st;
  ok(fstatat(d.dirfd, "exec.fifo", &st, 0) == 0 && S_ISFIFO(st.st_mode)
       && (st.st_mode & 0777) == 0622,
     "exec.fifo is a 0622 fifo (the init reopens it after its uid change)");
  is_int(lc_state_fifo_create(&d, &err), -EEXIST, "second mkfifo: -EEXIST");
  is_int(status_of(&d, rec), LC_STATUS_CREATED, "alive + fifo: created");
  lc_state_record_write(&d, rec, &err);
  struct lc_state *s = NULL;
  ok(lc_state_get(root, "st", &s, &err) == 0 && s->status == LC_STATUS_CREATED && s->pid == child
       && strcmp(s->owner, "") == 0,
     "lc_state_get: created, live pid, owner \"\"");
  lc_state_free(s);

  is_int(lc_state_fifo_remove(&d, &err), 0, "remove exec.fifo");
  is_int(lc_state_fifo_remove(&d, &err), 0, "remove again is fine");
  is_int(status_of(&d, rec), LC_STATUS_RUNNING, "alive, no fifo: running");
  rec->paused = true;
  is_int(status_of(&d, rec), LC_STATUS_PAUSED, "paused flag: paused");
  rec->paused = false;
  rec->pub.status = LC_STATUS_PAUSED;
  is_int(status_of(&d, rec), LC_STATUS_PAUSED, "stored paused: paused");
  rec->pub.status = LC_STATUS_STOPPED;
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "stored stopped: stopped even if alive");
  rec->pub.status = LC_STATUS_RUNNING;

  /* PID reuse: the right pid with another start time is not our init. */
  rec->pid_start++;
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "start-time mismatch: stopped");
  lc_state_record_write(&d, rec, &err);
  ok(lc_state_get(root, "st", &s, &err) == 0 && s->status == LC_STATUS_STOPPED && s->pid == 0,
     "lc_state_get after PID reuse: stopped, pid 0");
  lc_state_free(s);
  rec->pid_start--;

  /* A zombie init (exited, not reaped yet) is stopped. */
  kill(child, SIGKILL);
  char state = 0;
  for (int i = 0; i < 2000 && state != 'Z'; i++) {
    lc_proc_stat(child, NULL, &state);
    if (state != 'Z')
      usleep(1000);
  }
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "zombie init: stopped");
  waitpid(child, NULL, 0);
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "dead init: stopped");
  rec->pub.pid = 0;
  is_int(status_of(&d, rec), LC_STATUS_STOPPED, "pid 0: stopped");
  lc_state_record_free(rec);
  lc_state_dir_destroy(&d, &err);
  lc_error_clear(&err);
}

/* Runs `fn` in a child with a 5 s alarm; returns its exit status (or 100+signal). */
static int in_child(int (*fn)(void))
{
  pid_t pid = fork();
  if (pid == 0) {
    alarm(5);
    _exit(fn());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static int probe_lock(int op)
{
  char *path = xasprintf("%s/lk/lock", root);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  free(path);
  if (fd < 0)
    return 2;
  int r = flock(fd, op | LOCK_NB);
  close(fd);
  return r == 0 ? 0 : errno == EWOULDBLOCK ? 1 : 3;
}

static int child_try_ex(void)
{
  return probe_lock(LOCK_EX);
}

static int child_try_sh(void)
{
  return probe_lock(LOCK_SH);
}

static int child_other_container(void)
{
  struct lc_state_dir o = LC_STATE_DIR_INIT;
  lc_error_t e = {0};
  if (lc_state_dir_create(root, "lk-other", &o, &e) < 0)
    return 1;
  lc_state_dir_close(&o);
  if (lc_state_dir_open(root, "lk-other", false, &o, &e) < 0)
    return 2;
  lc_state_dir_destroy(&o, &e);
  struct lc_state *s = NULL;
  if (lc_state_get(root, "lk", &s, &e) < 0) /* no lock in state */
    return 3;
  lc_state_free(s);
  return 0;
}

static int child_open_waits(void)
{
  struct lc_state_dir o = LC_STATE_DIR_INIT;
  lc_error_t e = {0};
  int r = lc_state_dir_open(root, "gone", false, &o, &e);
  if (r != -ENOENT || strcmp(e.msg, "container \"gone\" does not exist") != 0) {
    printf("# child: open returned %d: %s\n", r, e.msg ? e.msg : "");
    fflush(stdout);
  }
  return r == -ENOENT && strcmp(e.msg, "container \"gone\" does not exist") == 0 ? 0 : 1;
}

static void test_lock(void)
{
  lc_error_t err = {0};
  struct lc_state_dir d = LC_STATE_DIR_INIT;
  is_int(lc_state_dir_create(root, "lk", &d, &err), 0, "create lk (locked)");
  struct lc_state_record *rec = new_record("lk", LC_STATUS_STOPPED, 0, 0);
  lc_state_record_write(&d, rec, &err);
  lc_state_record_free(rec);
  is_int(in_child(child_try_ex), 1, "exclusive lock held after create: child's flock fails");
  is_int(in_child(child_other_container), 0,
         "other containers and lc_state_get are not blocked by it");
  /* A forked child that closes its inherited handle leaves the lock held;
   * one that keeps it open keeps the container locked after we close ours. */
  int sync[2];
  if (pipe(sync) < 0)
    abort();
  pid_t holder = fork();
  if (holder == 0) {
    lc_state_dir_close(&d);
    if (write(sync[1], "x", 1) != 1)
      _exit(1);
    for (;;)
      pause();
  }
  char c;
  ok(read(sync[0], &c, 1) == 1, "child closed its inherited handle");
  close(sync[0]);
  close(sync[1]);
  is_int(in_child(child_try_ex), 1, "a child closing its inherited handle does not unlock");
  kill_reap(holder);
  holder = fork();
  if (holder == 0) {
    for (;;)
      pause();
  }
  lc_state_dir_close(&d);
  is_int(in_child(child_try_ex), 1, "a child keeping the inherited lock fd keeps it locked");
  kill_reap(holder);
  is_int(in_child(child_try_ex), 0, "after close the lock is free");

  is_int(lc_state_dir_open(root, "lk", true, &d, &err), 0, "open shared");
  is_int(in_child(child_try_sh), 0, "shared: another shared lock is granted");
  is_int(in_child(child_try_ex), 1, "shared: an exclusive lock is refused");
  lc_state_dir_close(&d);
  is_int(lc_state_dir_open(root, "lk", false, &d, &err), 0, "open exclusive");
  is_int(in_child(child_try_sh), 1, "exclusive: a shared lock is refused");
  lc_state_dir_destroy(&d, &err);

  /* An opener waiting for the lock of a container being destroyed. */
  is_int(lc_state_dir_create(root, "gone", &d, &err), 0, "create gone");
  pid_t pid = fork();
  if (pid == 0) {
    alarm(5);
    close(d.lockfd); /* an inherited copy of the holder's lock would keep it held */
    _exit(child_open_waits());
  }
  usleep(100 * 1000);
  lc_state_dir_destroy(&d, &err);
  int status = 0;
  waitpid(pid, &status, 0);
  ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
     "waiting opener sees \"does not exist\" once the holder destroys it");
  lc_error_clear(&err);
}

static void test_list(void)
{
  lc_error_t err = {0};
  struct lc_state **v = (struct lc_state **) 1;
  size_t n = 99;
  char *missing = xasprintf("%s/missing", base);
  ok(lc_list(missing, &v, &n, &err) == 0 && n == 0, "missing root: empty list");
  free(missing);
  char *empty = xasprintf("%s/empty", base);
  mkdir(empty, 0700);
  ok(lc_list(empty, &v, &n, &err) == 0 && n == 0, "empty root: empty list");
  lc_state_list_free(v, n);
  free(empty);

  pid_t child = spawn_sleeper();
  struct lc_state_record *a = new_record("a", LC_STATUS_RUNNING, child, start_of(child));
  struct lc_state_record *b =
    new_record("b", LC_STATUS_RUNNING, 1, 987654321987ULL); /* wrong start */
  struct lc_state_record *c = new_record("c-1", LC_STATUS_STOPPED, 0, 0);
  strv_push(&c->pub.annotations, "k");
  strv_push(&c->pub.annotations, "v");
  ok(make_container("b", b) == 0 && make_container("a", a) == 0 && make_container("c-1", c) == 0,
     "three containers");
  make_container("d", NULL);
  int rfd = root_fd();
  int dfd = openat(rfd, "d", O_RDONLY | O_DIRECTORY);
  lc_write_file_atomic_at(dfd, "state.json", "{corrupt", 8, 0600, &err);
  close(dfd);
  mkdirat(rfd, "e", 0700);                           /* crashed create: no lock, no state.json */
  close(openat(rfd, "f", O_CREAT | O_WRONLY, 0600)); /* a file, not a container */
  symlinkat("a", rfd, "g");                          /* a symlink to a container */
  mkdirat(rfd, ".hidden", 0700);                     /* not a valid id */
  struct lc_state_dir h = LC_STATE_DIR_INIT;         /* created, locked, no record yet */
  lc_state_dir_create(root, "h", &h, &err);

  int r = lc_list(root, &v, &n, &err);
  is_int(r, 0, "list with corrupt and odd entries succeeds");
  static const char *const want[] = {"a", "b", "c-1", "d", "e", "h"};
  bool order = n == LC_ARRAY_SIZE(want);
  for (size_t i = 0; order && i < n; i++)
    order = strcmp(v[i]->id, want[i]) == 0;
  ok(order, "sorted by id; files, symlinks and invalid ids skipped (n=%zu)", n);
  struct passwd *pw = getpwuid(geteuid());
  if (order) {
    ok(v[0]->status == LC_STATUS_RUNNING && v[0]->pid == child, "a: running with its pid");
    ok(v[1]->status == LC_STATUS_STOPPED && v[1]->pid == 0, "b: PID reuse -> stopped, pid 0");
    ok(v[2]->status == LC_STATUS_STOPPED && v[2]->annotations
         && strcmp(v[2]->annotations[1], "v") == 0,
       "c-1: stopped with annotations");
    ok(v[3]->status == LC_STATUS_STOPPED && strcmp(v[3]->bundle, "") == 0,
       "d (corrupt): stopped, empty fields");
    is_int(v[4]->status, LC_STATUS_STOPPED, "e (no state.json, no lock): stopped");
    is_int(v[5]->status, LC_STATUS_CREATING, "h (lock held, no state.json yet): creating");
    is_str(v[0]->owner, pw ? pw->pw_name : "", "owner is the user name");
    is_str(v[3]->owner, pw ? pw->pw_name : "", "owner of a corrupt entry too");
    is_str(v[0]->bundle, "/bundles/a", "bundle");
  }
  lc_state_list_free(v, n);
  struct lc_state *s = NULL;
  ok(lc_state_get(root, "e", &s, &err) == 0 && s->status == LC_STATUS_STOPPED,
     "lc_state_get on a crashed create: stopped");
  lc_state_free(s);
  lc_state_dir_close(&h);
  kill_reap(child);
  lc_state_record_free(a), lc_state_record_free(b), lc_state_record_free(c);
  close(rfd);
  lc_error_clear(&err);
}

/* The expected bytes are what runc 1.1.5 printed on this host for the same
 * state (`runc state`, `runc list -f json`). */
static void test_to_json(void)
{
  struct lc_state st = {
    .oci_version = "1.0.2-dev",
    .id = "t1",
    .pid = 5696,
    .status = LC_STATUS_CREATED,
    .bundle = "/tmp/rb",
    .rootfs = "/tmp/rb/rootfs",
    .created = "2026-12-03T03:38:38.642969879Z",
    .owner = "",
    .annotations = (char *[]){"z.b", "1", "a<b", "x&y\x01\xc3\xa9", NULL},
  };
  char *j = lc_state_to_json(&st, true);
  is_str(j,
         "{\n"
         "  \"ociVersion\": \"1.0.2-dev\",\n"
         "  \"id\": \"t1\",\n"
         "  \"pid\": 5696,\n"
         "  \"status\": \"created\",\n"
         "  \"bundle\": \"/tmp/rb\",\n"
         "  \"rootfs\": \"/tmp/rb/rootfs\",\n"
         "  \"created\": \"2026-12-03T03:38:38.642969879Z\",\n"
         "  \"annotations\": {\n"
         "    \"a\\u003cb\": \"x\\u0026y\\u0001\xc3\xa9\",\n"
         "    \"z.b\": \"1\"\n"
         "  },\n"
         "  \"owner\": \"\"\n"
         "}",
         "pretty with annotations (runc state)");
  free(j);
  st.owner = "root";
  j = lc_state_to_json(&st, false);
  is_str(j,
         "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"pid\":5696,\"status\":\"created\","
         "\"bundle\":\"/tmp/rb\",\"rootfs\":\"/tmp/rb/rootfs\","
         "\"created\":\"2026-12-03T03:38:38.642969879Z\","
         "\"annotations\":{\"a\\u003cb\":\"x\\u0026y\\u0001\xc3\xa9\",\"z.b\":\"1\"},"
         "\"owner\":\"root\"}",
         "compact with annotations (runc list -f json)");
  free(j);
  st.annotations = (char *[]){NULL};
  st.status = LC_STATUS_STOPPED;
  j = lc_state_to_json(&st, true);
  is_str(j,
         "{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"id\": \"t1\",\n  \"pid\": 0,\n"
         "  \"status\": \"stopped\",\n  \"bundle\": \"/tmp/rb\",\n"
         "  \"rootfs\": \"/tmp/rb/rootfs\",\n"
         "  \"created\": \"2026-12-03T03:38:38.642969879Z\",\n  \"owner\": \"root\"\n}",
         "pretty, empty annotations omitted, stopped pid 0");
  free(j);
  st.annotations = NULL;
  st.status = LC_STATUS_RUNNING;
  st.bundle = "q\"b\\n\n\t\r\b>\xe2\x80\xa8\xff\xe2\x82";
  j = lc_state_to_json(&st, false);
  is_str(j,
         "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"pid\":5696,\"status\":\"running\","
         "\"bundle\":\"q\\\"b\\\\n\\n\\t\\r\\u0008\\u003e\\u2028\\ufffd\\ufffd\\ufffd\","
         "\"rootfs\":\"/tmp/rb/rootfs\",\"created\":\"2026-12-03T03:38:38.642969879Z\","
         "\"owner\":\"root\"}",
         "compact, Go string escaping, invalid UTF-8 -> U+FFFD");
  free(j);
  st.annotations = (char *[]){"k", "first", "a", "x", "k", "last", NULL};
  j = lc_state_to_json(&st, false);
  ok(j && strstr(j, "\"annotations\":{\"a\":\"x\",\"k\":\"last\"}"),
     "duplicate annotation: the last one wins, like a Go map");
  free(j);
}

int main(void)
{
  if (geteuid() != 0)
    skip_all("needs root (setresuid, /proc of children)");
  if (!mkdtemp(base))
    skip_all("mkdtemp failed");
  root = xasprintf("%s/run/ocirun", base);
  test_names_and_root();
  test_proc_start_time();
  test_dir_lifecycle();
  test_record_roundtrip();
  test_corrupt();
  test_atomic_write();
  test_status();
  test_lock();
  test_list();
  test_to_json();
  lc_error_t err = {0};
  lc_rm_rf_at(AT_FDCWD, base, &err);
  lc_error_clear(&err);
  free(root);
  return tap_done();
}
