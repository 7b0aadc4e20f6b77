/* test-hooks.c — the hook runner (config.md § POSIX-platform Hooks: path,
 * args, env, timeout, state on stdin; runtime.md § Lifecycle: a failing
 * hook stops create, poststart/poststop failures only warn).  Each case runs
 * real processes (/bin/sh, /bin/sleep, /usr/bin/env); the last block repeats
 * the essential ones with pidfd_open forced to ENOSYS (the polling
 * fallback). */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "hooks.h"
#include "tap.h"
#include "xalloc.h"

static char tmpdir[] = "/tmp/ocirun-hooks-XXXXXX";

static char *tmp_path(const char *name)
{
  return xasprintf("%s/%s", tmpdir, name);
}

/* A hook running `/bin/sh -c script` (args[0] "sh"). */
static struct lc_hook sh_hook(const char *script)
{
  char *args[] = {"sh", "-c", (char *) script, NULL};
  struct lc_hook h = {.path = xstrdup("/bin/sh"), .args = strv_dup(args)};
  return h;
}

static void hook_free(struct lc_hook *h)
{
  free(h->path);
  strv_free(h->args);
  strv_free(h->env);
}

static char *slurp(const char *path)
{
  char *data = NULL;
  size_t len = 0;
  if (lc_read_file_at(AT_FDCWD, path, &data, &len, NULL) < 0)
    return NULL;
  return data;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* One hook, as a list of one. */
static int run1(struct lc_hook *h, const char *state, lc_error_t *err)
{
  struct lc_hook_list l = {h, 1};
  return lc_hooks_run(&l, "prestart", state, err);
}

static void test_stdin(void)
{
  _cleanup_free_ char *out = tmp_path("state"), *script = xasprintf("cat > %s", out);
  const char *state = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\","
                      "\"pid\":42,\"bundle\":\"/b\"}";
  struct lc_hook h = sh_hook(script);
  lc_error_t err = {0};
  is_int(run1(&h, state, &err), 0, "cat hook succeeds");
  _cleanup_free_ char *got = slurp(out);
  is_str(got, state, "hook reads the exact state JSON on stdin");

  /* 1 MiB state, read in full: the write loop copes with a full pipe. */
  size_t big_len = 1 << 20;
  _cleanup_free_ char *big = xmalloc(big_len + 1);
  for (size_t i = 0; i < big_len; i++)
    big[i] = (char) ('a' + i % 26);
  big[big_len] = 0;
  is_int(run1(&h, big, &err), 0, "cat hook with 1 MiB state");
  struct stat st;
  ok(stat(out, &st) == 0 && st.st_size == (off_t) big_len, "1 MiB arrives whole");
  _cleanup_free_ char *got_big = slurp(out);
  ok(got_big && memcmp(got_big, big, big_len) == 0, "1 MiB content identical");
  hook_free(&h);

  /* A hook that never reads: EPIPE, no SIGPIPE for us, success. */
  struct lc_hook t = {.path = "/bin/true"};
  is_int(run1(&t, big, &err), 0, "non-reading hook with 1 MiB state completes");
  sigset_t pending;
  sigpending(&pending);
  ok(!sigismember(&pending, SIGPIPE), "no SIGPIPE left pending");
  is_int(run1(&t, NULL, &err), 0, "NULL state: empty stdin");
  lc_error_clear(&err);
}

static void test_args_env(void)
{
  _cleanup_free_ char *out = tmp_path("args");
  _cleanup_free_ char *script =
    xasprintf("[ \"$(tr '\\0' '\\n' < /proc/$$/cmdline | head -n 1)\" = my-hook-name ] || exit 9; "
              "echo \"$0|$1|$FOO\" > %s",
              out);
  char *args[] = {"my-hook-name", "-c", script, "first", "second", NULL};
  char *env[] = {"FOO=bar baz", NULL};
  struct lc_hook h = {.path = "/bin/sh", .args = args, .env = env};
  lc_error_t err = {0};
  is_int(run1(&h, "{}", &err), 0, "args/env hook");
  _cleanup_free_ char *got = slurp(out);
  is_str(got, "first|second|bar baz\n", "args[0] distinct from path, args and env honoured");

  /* env is exactly the hook's env, and out_fd carries stdout. */
  _cleanup_free_ char *envout = tmp_path("env");
  _cleanup_close_ int fd = open(envout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  char *env_args[] = {"env", NULL};
  struct lc_hook e = {.path = "/usr/bin/env", .args = env_args, .env = env};
  struct lc_hook_list l = {&e, 1};
  is_int(lc_hooks_run_io(&l, "poststart", "{}", fd, -1, 0, &err), 0, "env hook with out_fd");
  _cleanup_free_ char *got_env = slurp(envout);
  is_str(got_env, "FOO=bar baz\n", "environment is exactly hook.env");
  e.env = NULL;
  is_int(lc_hooks_run_io(&l, "poststart", "{}", fd, -1, 0, &err), 0, "env hook without env");
  struct stat st;
  ok(fstat(fd, &st) == 0 && st.st_size == (off_t) strlen("FOO=bar baz\n"),
     "absent env is an empty environment");

  /* err_fd carries stderr; without args the argv is {path}. */
  _cleanup_free_ char *errout = tmp_path("stderr");
  _cleanup_close_ int efd = open(errout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  struct lc_hook s = sh_hook("echo oops >&2; echo \"$0\" >&2");
  l.v = &s;
  is_int(lc_hooks_run_io(&l, "poststart", "{}", -1, efd, 0, &err), 0, "stderr hook");
  _cleanup_free_ char *got_err = slurp(errout);
  is_str(got_err, "oops\nsh\n", "stderr goes to err_fd");
  hook_free(&s);
  lc_error_clear(&err);
}

static void test_failures(void)
{
  lc_error_t err = {0};
  struct lc_hook h = sh_hook("exit 3");
  is_int(run1(&h, "{}", &err), -EIO, "exit 3 fails");
  is_str(err.msg, "hook \"prestart\"[0] (\"/bin/sh\"): exited with status 3", "exit message");
  hook_free(&h);

  h = sh_hook("kill -9 $$");
  is_int(run1(&h, "{}", &err), -EIO, "signal death fails");
  is_str(err.msg, "hook \"prestart\"[0] (\"/bin/sh\"): killed by signal 9", "signal message");
  hook_free(&h);

  struct lc_hook m = {.path = "/nonexistent/ocirun-hook"};
  is_int(run1(&m, "{}", &err), -ENOENT, "missing binary fails with ENOENT");
  is_str(err.msg,
         "hook \"prestart\"[0] (\"/nonexistent/ocirun-hook\"): exec: No such file or directory",
         "exec failure message");
  struct lc_hook d = {.path = "/tmp"};
  is_int(run1(&d, "{}", &err), -EACCES, "directory as hook: EACCES from exec");
  struct lc_hook r = {.path = "bin/true"};
  is_int(run1(&r, "{}", &err), -EINVAL, "relative path refused");
  lc_error_clear(&err);
}

static void test_timeout(const char *what)
{
  lc_error_t err = {0};
  char *args[] = {"sleep", "10", NULL};
  struct lc_hook h = {.path = "/bin/sleep", .args = args, .has_timeout = true, .timeout = 1};
  double t0 = now_s();
  int r = run1(&h, "{}", &err);
  double dt = now_s() - t0;
  is_int(r, -ETIMEDOUT, what);
  is_str(err.msg, "hook \"prestart\"[0] (\"/bin/sleep\"): timed out after 1s", "timeout message");
  ok(dt >= 0.9 && dt < 5, "returned after %.2f s (timeout 1 s)", dt);

  /* Never reads a 1 MiB state and never exits: the write loop honours the timeout. */
  size_t n = 1 << 20;
  _cleanup_free_ char *big = xmalloc(n + 1);
  memset(big, ' ', n);
  big[n] = 0;
  struct lc_hook s = sh_hook("exec sleep 10");
  s.has_timeout = true;
  s.timeout = 1;
  t0 = now_s();
  r = run1(&s, big, &err);
  dt = now_s() - t0;
  is_int(r, -ETIMEDOUT, "blocked stdin write times out");
  ok(dt >= 0.9 && dt < 5, "write loop returned after %.2f s", dt);
  hook_free(&s);

  /* A quick hook under a timeout succeeds. */
  struct lc_hook q = {.path = "/bin/true", .has_timeout = true, .timeout = 5};
  is_int(run1(&q, "{}", &err), 0, "fast hook within its timeout");
  lc_error_clear(&err);
}

static void test_lists(void)
{
  _cleanup_free_ char *mark = tmp_path("mark"), *touch = xasprintf("echo ran >> %s", mark);
  struct lc_hook v[3] = {sh_hook("exit 1"), sh_hook(touch), sh_hook("exit 2")};
  struct lc_hook_list l = {v, 3};
  lc_error_t err = {0};
  unlink(mark);
  is_int(lc_hooks_run(&l, "createRuntime", "{}", &err), -EIO, "list fails at first hook");
  is_str(err.msg, "hook \"createRuntime\"[0] (\"/bin/sh\"): exited with status 1", "first error");
  ok(access(mark, F_OK) < 0, "second hook not run after a failure");

  is_int(lc_hooks_run_all(&l, "poststop", "{}", &err), -EIO, "run_all reports a failure");
  is_str(err.msg, "hook \"poststop\"[0] (\"/bin/sh\"): exited with status 1",
         "run_all returns the first error");
  _cleanup_free_ char *got = slurp(mark);
  is_str(got, "ran\n", "run_all runs the hooks after a failure");

  struct lc_hook ok_v[2] = {sh_hook("true"), sh_hook(touch)};
  struct lc_hook_list okl = {ok_v, 2};
  is_int(lc_hooks_run(&okl, "poststart", "{}", &err), 0, "all hooks succeed");
  free(got);
  got = slurp(mark);
  is_str(got, "ran\nran\n", "both ran in order");
  is_int(lc_hooks_run(NULL, "prestart", "{}", &err), 0, "NULL list is fine");
  struct lc_hook_list empty = {NULL, 0};
  is_int(lc_hooks_run_all(&empty, "prestart", "{}", &err), 0, "empty list is fine");
  for (int i = 0; i < 3; i++)
    hook_free(&v[i]);
  for (int i = 0; i < 2; i++)
    hook_free(&ok_v[i]);
  lc_error_clear(&err);
}

/* `grep -qE re /proc/self/status` as a hook: grep, unlike dash, leaves the
 * signal mask it was exec'd with alone. */
static int run_status_grep(const char *re, lc_error_t *err)
{
  char *args[] = {"grep", "-qE", (char *) re, "/proc/self/status", NULL};
  struct lc_hook h = {.path = "/bin/grep", .args = args};
  return run1(&h, "{}", err);
}

/* The hook must not inherit our ignored/blocked signals or stray fds. */
static void test_hygiene(void)
{
  lc_error_t err = {0};
  struct sigaction ign = {.sa_handler = SIG_IGN}, old_int;
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaction(SIGINT, &ign, &old_int);
  sigprocmask(SIG_BLOCK, &block, &old_mask);
  is_int(run_status_grep("^SigBlk:[[:space:]]*0+$", &err), 0, "hook starts with no signal blocked");
  is_int(run_status_grep("^SigIgn:[[:space:]]*0+$", &err), 0, "hook starts with no signal ignored");
  ok(run_status_grep("^SigBlk:[[:space:]]*0*4000$", &err) < 0, "the grep probe can fail");
  sigprocmask(SIG_SETMASK, &old_mask, NULL);
  sigaction(SIGINT, &old_int, NULL);

  int leak = dup(2); /* not CLOEXEC on purpose */
  _cleanup_free_ char *script = xasprintf("[ -e /proc/self/fd/%d ] && exit 12; exit 0", leak);
  struct lc_hook h = sh_hook(script);
  is_int(run1(&h, "{}", &err), 0, "no stray fd reaches the hook");
  hook_free(&h);
  close(leak);
  lc_error_clear(&err);
}

/* Make pidfd_open fail with ENOSYS, as on kernels before 5.3. */
static int deny_pidfd_open(void)
{
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {LC_ARRAY_SIZE(f), f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -errno;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0 ? -errno : 0;
}

static void test_fallback(void)
{
  if (deny_pidfd_open() < 0) {
    ok(1, "# SKIP cannot install a seccomp filter");
    return;
  }
  ok(syscall(SYS_pidfd_open, getpid(), 0) < 0 && errno == ENOSYS, "pidfd_open now ENOSYS");
  test_timeout("fallback: timeout without pidfd");
  lc_error_t err = {0};
  struct lc_hook h = sh_hook("exit 4");
  is_int(run1(&h, "{}", &err), -EIO, "fallback: exit status");
  is_str(err.msg, "hook \"prestart\"[0] (\"/bin/sh\"): exited with status 4", "fallback: message");
  hook_free(&h);
  test_stdin();
  test_lists();
  lc_error_clear(&err);
}

int main(void)
{
  if (!mkdtemp(tmpdir))
    skip_all("mkdtemp failed");
  if (access("/bin/sh", X_OK) < 0 || access("/bin/sleep", X_OK) < 0
      || access("/usr/bin/env", X_OK) < 0 || access("/bin/true", X_OK) < 0
      || access("/bin/grep", X_OK) < 0)
    skip_all("needs /bin/sh, /bin/sleep, /bin/true, /bin/grep and /usr/bin/env");
  test_stdin();
  test_args_env();
  test_failures();
  test_timeout("sleep 10 with timeout 1 is killed");
  test_lists();
  test_hygiene();
  test_fallback();
  lc_rm_rf_at(AT_FDCWD, tmpdir, NULL);
  return tap_done();
}
