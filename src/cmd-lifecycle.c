/* cmd-lifecycle.c — create, start, run, kill, delete: argv -> lc_context ->
 * the lifecycle call in libcontainer.  No container logic lives here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "names.h"
#include "xalloc.h"

enum {
  O_CONSOLE_SOCKET = 256,
  O_PID_FILE,
  O_PRESERVE_FDS,
  O_NO_PIVOT,
  O_NO_NEW_KEYRING,
  O_KEEP,
  O_NO_SUBREAPER,
};

/* clang-format off */
#define CREATE_OPTS \
  {"bundle", 'b', "DIR", "path to the bundle directory (default: the current directory)"}, \
  {"console-socket", O_CONSOLE_SOCKET, "PATH", \
   "AF_UNIX socket that receives the console's pseudoterminal master"}, \
  {"pid-file", O_PID_FILE, "FILE", "write the container process's pid to FILE"}, \
  {"preserve-fds", O_PRESERVE_FDS, "N", \
   "pass N additional fds to the container (stdio + $LISTEN_FDS + N in total)"}, \
  {"no-pivot", O_NO_PIVOT, NULL, "do not use pivot_root (for a rootfs on a ramdisk)"}, \
  {"no-new-keyring", O_NO_NEW_KEYRING, NULL, "do not create a new session keyring"}
/* clang-format on */

static const struct cli_opt create_opts[] = {
  CREATE_OPTS,
  {NULL, 0, NULL, NULL},
};

static const struct cli_opt run_opts[] = {
  CREATE_OPTS,
  {"detach", 'd', NULL, "detach from the container's process"},
  {"keep", O_KEEP, NULL, "do not delete the container after it exits"},
  {"no-subreaper", O_NO_SUBREAPER, NULL, "do not become a subreaper for the container"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_syntax create_syntax = {"[options] <container-id>", create_opts};
static const struct cli_syntax run_syntax = {"[options] <container-id>", run_opts};

/* One create/run option into ctx; returns 0 or -1. */
static int create_option(struct cli *cli, struct lc_context *ctx, int key, const char *arg)
{
  switch (key) {
  case 'b':
    ctx->bundle = arg;
    return 0;
  case O_CONSOLE_SOCKET:
    ctx->console_socket = arg;
    return 0;
  case O_PID_FILE:
    ctx->pid_file = arg;
    return 0;
  case O_PRESERVE_FDS:
    return cli_parse_uint(cli, "preserve-fds", arg, &ctx->preserve_fds);
  case O_NO_PIVOT:
    ctx->no_pivot = true;
    return 0;
  case O_NO_NEW_KEYRING:
    ctx->no_new_keyring = true;
    return 0;
  case 'd':
    ctx->detach = true;
    return 0;
  case O_KEEP:
    ctx->keep = true;
    return 0;
  case O_NO_SUBREAPER:
    ctx->no_subreaper = true;
    return 0;
  }
  return cli_fail(cli, "%s: unhandled option %d", cli->cmd->name, key);
}

/* Parse `create`/`run`: fills ctx (bundle defaults to the current
 * directory, as an absolute path); returns 1 after --help, 0, or -1. */
static int parse_create(struct cli *cli, const struct cli_syntax *syn, int argc, char **argv,
                        struct lc_context *ctx, char **cwd)
{
  struct cli_parser p;
  const char *arg, *id = NULL;
  int key, r = 0;
  cli_context(cli, ctx, NULL);
  cli_parser_init(&p, cli, syn, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END)
    r = key == CLI_OPT_STOP ? -1 : create_option(cli, ctx, key, arg);
  if (r == 0)
    r = cli_want_id(cli, &p, &id);
  cli_parser_free(&p);
  if (r < 0)
    return cli->help_shown ? 1 : -1;
  ctx->id = id;
  if (!ctx->bundle) {
    *cwd = getcwd(NULL, 0);
    if (!*cwd)
      return lc_error_sys(&cli->err, errno, "getcwd"), -1;
    ctx->bundle = *cwd;
  }
  return 0;
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
  struct lc_context ctx;
  _cleanup_free_ char *cwd = NULL;
  lc_error_t err = {0};
  int r = parse_create(cli, &create_syntax, argc, argv, &ctx, &cwd);
  if (r != 0)
    return r > 0 ? 0 : -1;
  if (lc_create(&ctx, &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}

/* Foreground `run` exits with the container's status (128+N for a signal). */
int cmd_run(struct cli *cli, int argc, char **argv)
{
  struct lc_context ctx;
  _cleanup_free_ char *cwd = NULL;
  lc_error_t err = {0};
  int status = 0;
  int r = parse_create(cli, &run_syntax, argc, argv, &ctx, &cwd);
  if (r != 0)
    return r > 0 ? 0 : -1;
  if (lc_run(&ctx, &status, &err) < 0)
    return cli_fail_lc(cli, &err);
  return ctx.detach ? 0 : status;
}

static const struct cli_syntax start_syntax = {"<container-id>", cli_no_opts};

int cmd_start(struct cli *cli, int argc, char **argv)
{
  const char *id;
  struct lc_context ctx;
  lc_error_t err = {0};
  int r = cli_parse_flags_id(cli, &start_syntax, argc, argv, NULL, &id, NULL, 0);
  if (r != 0)
    return r > 0 ? 0 : -1;
  cli_context(cli, &ctx, id);
  if (lc_start(&ctx, &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}

static const struct cli_opt kill_opts[] = {
  {"all", 'a', NULL, "send the signal to all processes inside the container"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax kill_syntax = {
  .args = "[options] <container-id> [signal]",
  .opts = kill_opts,
  .stop_at_operand = true, /* like runc: `kill ID -9` is a (bad) signal, not an option */
  .extra_help = "The signal is a number or a name, with or without SIG (default: SIGTERM).\n",
};

int cmd_kill(struct cli *cli, int argc, char **argv)
{
  const char *id;
  char **extra;
  bool all[1] = {false};
  struct lc_context ctx;
  lc_error_t err = {0};
  int r = cli_parse_flags_id(cli, &kill_syntax, argc, argv, all, &id, &extra, 1);
  if (r != 0)
    return r > 0 ? 0 : -1;
  int signo = extra[0] ? lc_signal_parse(extra[0]) : SIGTERM;
  if (signo < 0)
    return cli_fail(cli, "invalid signal \"%s\"", extra[0]);
  cli_context(cli, &ctx, id);
  if (lc_kill(&ctx, signo, all[0], &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}

static const struct cli_opt delete_opts[] = {
  {"force", 'f', NULL, "kill the container first if it is still running (SIGKILL)"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax delete_syntax = {"[options] <container-id>", delete_opts};

int cmd_delete(struct cli *cli, int argc, char **argv)
{
  const char *id;
  bool force[1] = {false};
  struct lc_context ctx;
  lc_error_t err = {0};
  int r = cli_parse_flags_id(cli, &delete_syntax, argc, argv, force, &id, NULL, 0);
  if (r != 0)
    return r > 0 ? 0 : -1;
  cli_context(cli, &ctx, id);
  if (lc_delete(&ctx, force[0], &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}
