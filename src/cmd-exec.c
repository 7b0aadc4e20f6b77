/* cmd-exec.c — exec and ps: their runc option sets -> lc_exec / lc_ps.
 * `ps` prints the pids as a JSON array (-f json) or, like runc, runs ps(1)
 * with the given arguments (default -ef) and keeps the header and the
 * lines whose PID column belongs to the container.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "fsutil.h"
#include "names.h"
#include "xalloc.h"

/* What `exec` was asked to do. */
struct exec_opts {
  const char *process_file; /* -p: a process.json replaces the command line */
  const char *console_socket;
  const char *pid_file;
  const char *cwd;
  const char *user; /* uid[:gid] */
  const char *apparmor;
  const char *process_label;
  char **env;     /* -e K=V, repeatable */
  char **caps;    /* -c CAP, repeatable */
  char **gids;    /* -g GID, repeatable */
  char **cgroups; /* --cgroup [controller:]path, repeatable */
  int preserve_fds;
  bool tty, detach, no_new_privs, ignore_paused;
  const char *id;
  char **args; /* the command and its arguments (may be empty with -p) */
};

enum {
  E_CONSOLE_SOCKET = 256,
  E_PID_FILE,
  E_PRESERVE_FDS,
  E_CWD,
  E_NO_NEW_PRIVS,
  E_APPARMOR,
  E_PROCESS_LABEL,
  E_IGNORE_PAUSED,
  E_CGROUP,
};

static const struct cli_opt exec_opts_table[] = {
  {"process", 'p', "FILE", "path to a process.json (replaces the command line)"},
  {"tty", 't', NULL, "allocate a pseudo-TTY"},
  {"console-socket", E_CONSOLE_SOCKET, "PATH",
   "AF_UNIX socket that receives the console's pseudoterminal master"},
  {"detach", 'd', NULL, "detach from the process"},
  {"pid-file", E_PID_FILE, "FILE", "write the process's pid to FILE"},
  {"preserve-fds", E_PRESERVE_FDS, "N", "pass N additional fds to the process"},
  {"env", 'e', "KEY=VALUE", "set an environment variable (repeatable)"},
  {"cwd", E_CWD, "DIR", "working directory in the container"},
  {"user", 'u', "UID[:GID]", "run as this user"},
  {"additional-gids", 'g', "GID", "an additional group (repeatable)"},
  {"cap", 'c', "CAP", "add a capability to the bounding set (repeatable)"},
  {"no-new-privs", E_NO_NEW_PRIVS, NULL, "set no_new_privs for the process"},
  {"apparmor", E_APPARMOR, "PROFILE", "AppArmor profile for the process"},
  {"process-label", E_PROCESS_LABEL, "LABEL", "SELinux label for the process"},
  {"ignore-paused", E_IGNORE_PAUSED, NULL, "allow exec in a paused container"},
  {"cgroup", E_CGROUP, "[CONTROLLER:]PATH", "run the process in an existing sub-cgroup"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_syntax exec_syntax = {
  .args = "[options] <container-id> <command> [args...]  |  -p process.json <container-id>",
  .opts = exec_opts_table,
  .stop_at_operand = true, /* the command's own options are not ours */
};

static int check_gid(struct cli *cli, const char *s)
{
  char *end = NULL;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || v > 0xfffffffeUL)
    return cli_fail(cli, "exec: invalid additional gid \"%s\"", s);
  return 0;
}

static int exec_string_option(struct exec_opts *o, int key, const char *arg)
{
  const char **slot = NULL;
  switch (key) {
  case 'p':
    slot = &o->process_file;
    break;
  case E_CONSOLE_SOCKET:
    slot = &o->console_socket;
    break;
  case E_PID_FILE:
    slot = &o->pid_file;
    break;
  case E_CWD:
    slot = &o->cwd;
    break;
  case 'u':
    slot = &o->user;
    break;
  case E_APPARMOR:
    slot = &o->apparmor;
    break;
  case E_PROCESS_LABEL:
    slot = &o->process_label;
    break;
  default:
    return 0;
  }
  *slot = arg;
  return 1;
}

static int exec_option(struct cli *cli, struct exec_opts *o, int key, const char *arg)
{
  if (exec_string_option(o, key, arg))
    return 0;
  switch (key) {
  case 't':
    o->tty = true;
    return 0;
  case 'd':
    o->detach = true;
    return 0;
  case E_NO_NEW_PRIVS:
    o->no_new_privs = true;
    return 0;
  case E_IGNORE_PAUSED:
    o->ignore_paused = true;
    return 0;
  case E_PRESERVE_FDS:
    return cli_parse_uint(cli, "preserve-fds", arg, &o->preserve_fds);
  case 'e':
    strv_push(&o->env, arg);
    return 0;
  case E_CGROUP:
    strv_push(&o->cgroups, arg);
    return 0;
  case 'g':
    if (check_gid(cli, arg) < 0)
      return -1;
    strv_push(&o->gids, arg);
    return 0;
  case 'c':
    if (lc_cap_from_name(arg) < 0)
      return cli_fail(cli, "exec: unknown capability \"%s\"", arg);
    strv_push(&o->caps, arg);
    return 0;
  }
  return cli_fail(cli, "exec: unhandled option %d", key);
}

static void exec_opts_free(struct exec_opts *o)
{
  strv_free(o->env);
  strv_free(o->caps);
  strv_free(o->gids);
  strv_free(o->cgroups);
}

static int parse_exec(struct cli *cli, int argc, char **argv, struct exec_opts *o)
{
  struct cli_parser p;
  const char *arg;
  int key, r = 0, n = 0;
  cli_parser_init(&p, cli, &exec_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END)
    r = key == CLI_OPT_STOP ? -1 : exec_option(cli, o, key, arg);
  char **ops = cli_operands(&p, &n);
  cli_parser_free(&p);
  if (r < 0)
    return -1;
  if (cli_want_args(cli, n, 1, -1) < 0)
    return -1;
  lc_error_t err = {0};
  if (lc_id_validate(ops[0], &err) < 0)
    return cli_fail_lc(cli, &err);
  if (n < 2 && !o->process_file)
    return cli_fail(cli, "exec: requires a command or --process");
  if (o->tty && o->detach && !o->console_socket)
    return cli_fail(cli, "exec: --detach with --tty requires --console-socket");
  o->id = ops[0];
  o->args = ops + 1;
  return 0;
}

/* "UID[:GID]" (runc's --user). */
static int parse_user(struct cli *cli, const char *s, struct lc_exec_opts *lo)
{
  char *end = NULL;
  errno = 0;
  unsigned long uid = strtoul(s, &end, 10), gid = 0;
  bool bad = errno || end == s || s[0] == '-' || uid > 0xfffffffeUL;
  if (!bad && *end == ':') {
    const char *g = end + 1;
    gid = strtoul(g, &end, 10);
    bad = errno || end == g || g[0] == '-' || gid > 0xfffffffeUL;
    lo->has_gid = true;
  }
  if (bad || *end)
    return cli_fail(cli, "exec: invalid --user \"%s\" (expected UID[:GID])", s);
  lo->has_user = true;
  lo->uid = (uint32_t) uid;
  lo->gid = (uint32_t) gid;
  return 0;
}

static int to_lc_opts(struct cli *cli, const struct exec_opts *o, struct lc_exec_opts *lo,
                      uint32_t **gids)
{
  *lo = (struct lc_exec_opts){
    .process_file = o->process_file,
    .args = o->args,
    .env = o->env,
    .cwd = o->cwd,
    .caps = o->caps,
    .no_new_privs = o->no_new_privs,
    .apparmor = o->apparmor,
    .process_label = o->process_label,
    .tty = o->tty,
    .detach = o->detach,
    .ignore_paused = o->ignore_paused,
    .console_socket = o->console_socket,
    .pid_file = o->pid_file,
    .preserve_fds = o->preserve_fds,
  };
  if (o->cgroups)
    return cli_fail(cli, "exec: --cgroup is not supported yet");
  if (o->user && parse_user(cli, o->user, lo) < 0)
    return -1;
  size_t n = strv_length(o->gids);
  *gids = xzalloc((n + 1) * sizeof(uint32_t));
  for (size_t i = 0; i < n; i++)
    (*gids)[i] = (uint32_t) strtoul(o->gids[i], NULL, 10);
  lo->additional_gids = *gids;
  lo->n_additional_gids = n;
  return 0;
}

int cmd_exec(struct cli *cli, int argc, char **argv)
{
  struct exec_opts o = {0};
  struct lc_exec_opts lo;
  _cleanup_free_ uint32_t *gids = NULL;
  int status = 0;
  int r = parse_exec(cli, argc, argv, &o);
  if (r < 0) {
    exec_opts_free(&o);
    return cli_parse_done(cli);
  }
  if (to_lc_opts(cli, &o, &lo, &gids) == 0) {
    struct lc_context ctx;
    lc_error_t err = {0};
    cli_context(cli, &ctx, o.id);
    /* A process that could not start exits 255 like runc and crun (engines
     * read the error's wording, not this status, to pick 126/127); a
     * missing container stays exit 1 like crun (runc says 255 there too). */
    if (lc_exec(&ctx, &lo, &status, &err) < 0) {
      cli->fail_status = status;
      r = cli_fail_lc(cli, &err);
    } else {
      r = status;
    }
  } else {
    r = -1;
  }
  exec_opts_free(&o);
  return r;
}

/* ---- ps ------------------------------------------------------------------ */

static const struct cli_opt ps_opts[] = {
  {"format", 'f', "FORMAT", "table (default) or json (an array of pids)"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax ps_syntax = {
  .args = "[options] <container-id> [ps options]",
  .opts = ps_opts,
  .stop_at_operand = true, /* everything after the id is for ps(1) */
};

static void print_pids_json(const pid_t *pids, size_t n)
{
  putchar('[');
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", (int) pids[i]);
  printf("]\n");
}

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Run ps(1) with `args` (default -ef) and read all its output. */
static int run_ps(struct cli *cli, char **args, int nargs, char **out)
{
  char *def[] = {"-ef"};
  char **v = xzalloc((size_t) (nargs + 2) * sizeof *v);
  v[0] = "ps";
  for (int i = 0; i < (nargs ? nargs : 1); i++)
    v[i + 1] = nargs ? args[i] : def[i];
  int fd[2];
  if (pipe2(fd, O_CLOEXEC) < 0) {
    free(v);
    return cli_fail(cli, "ps: pipe: %s", strerror(errno));
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], STDOUT_FILENO);
    execvp("ps", v);
    fprintf(stderr, "ocirun: ps: exec \"ps\": %s\n", strerror(errno));
    _exit(127);
  }
  free(v);
  close(fd[1]);
  lc_error_t err = {0};
  size_t len;
  int r = pid < 0 ? -errno : lc_read_all(fd[0], out, &len, &err);
  close(fd[0]);
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  lc_error_clear(&err);
  if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    free(*out);
    *out = NULL;
    return cli_fail(cli, "ps: ps(1) failed (exit status %d)", WEXITSTATUS(status));
  }
  return 0;
}

/* runc's table: ps's header, then the lines whose PID column is ours. */
static int print_ps_table(struct cli *cli, const pid_t *pids, size_t n, char **args, int nargs)
{
  _cleanup_free_ char *text = NULL;
  if (run_ps(cli, args, nargs, &text) < 0)
    return -1;
  char *save = NULL, *header = strtok_r(text, "\n", &save);
  int col = -1, i = 0;
  _cleanup_free_ char *h = xstrdup(header ? header : "");
  char *hs = NULL;
  for (char *f = strtok_r(h, " \t", &hs); f; f = strtok_r(NULL, " \t", &hs), i++)
    if (strcmp(f, "PID") == 0)
      col = i;
  if (col < 0)
    return cli_fail(cli, "ps: couldn't find PID field in ps output");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    _cleanup_free_ char *copy = xstrdup(line);
    char *ls = NULL, *f = strtok_r(copy, " \t", &ls);
    for (int k = 0; f && k < col; k++)
      f = strtok_r(NULL, " \t", &ls);
    if (f && has_pid(pids, n, strtol(f, NULL, 10)))
      printf("%s\n", line);
  }
  return 0;
}

int cmd_ps(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  const char *arg;
  bool json = false;
  int key, r = 0, n = 0;
  cli_parser_init(&p, cli, &ps_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP)
      r = -1;
    else
      r = cli_parse_format(cli, "ps", arg, &json);
  }
  char **ops = cli_operands(&p, &n);
  cli_parser_free(&p);
  if (r < 0 || cli_want_args(cli, n, 1, -1) < 0)
    return cli_parse_done(cli);
  lc_error_t err = {0};
  if (lc_id_validate(ops[0], &err) < 0)
    return cli_fail_lc(cli, &err);
  if (json && n > 1)
    return cli_fail(cli, "ps: ps options cannot be used with --format json");
  struct lc_context ctx;
  _cleanup_free_ pid_t *pids = NULL;
  size_t np = 0;
  cli_context(cli, &ctx, ops[0]);
  if (lc_ps(&ctx, &pids, &np, &err) < 0)
    return cli_fail_lc(cli, &err);
  if (json) {
    print_pids_json(pids, np);
    return 0;
  }
  fflush(stdout);
  return print_ps_table(cli, pids, np, ops + 1, n - 1);
}
