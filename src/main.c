/* main.c — `ocirun`: global options, the command table, the log sink and
 * the one error line.
 *
 * Global options come before the verb only (like runc), in `--opt value` and
 * `--opt=value` forms; the last duplicate wins.  Every failure ends as
 * exactly one `ocirun: <message>` line on stderr and exit status 1; with
 * --log the same message also goes to the log file as one record (engines
 * read the last "error" record of a JSON log, ENGINES.md § The contract).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "xalloc.h"

#define OCIRUN_SPEC_VERSION "1.3.0"

/* Sorted like `runc --help`.  `pending`: see struct command. */
static const struct command commands[] = {
  {"checkpoint", cmd_checkpoint, "checkpoint a running container", .pending = true,
   .needs_criu = true},
  {"create", cmd_create, "create a container", .enters_container = true},
  {"delete", cmd_delete, "delete any resources held by the container"},
  {"events", cmd_events, "display container events and resource statistics"},
  {"exec", cmd_exec, "execute a new process inside the container", .enters_container = true},
  {"features", cmd_features, "show the enabled features"},
  {"kill", cmd_kill, "send a signal (default: SIGTERM) to the container's init process"},
  {"list", cmd_list, "list containers started with the given root"},
  {"pause", cmd_pause, "suspend all processes inside the container"},
  {"ps", cmd_ps, "display the processes running inside a container"},
  {"restore", cmd_restore, "restore a container from a previous checkpoint", .pending = true,
   .needs_criu = true},
  {"resume", cmd_resume, "resume all processes that have been paused"},
  {"run", cmd_run, "create and run a container", .enters_container = true},
  {"spec", cmd_spec, "create a new specification file"},
  {"start", cmd_start, "execute the user defined process in a created container"},
  {"state", cmd_state, "output the state of a container"},
  {"update", cmd_update, "update container resource constraints"},
};

enum {
  G_ROOT = 256,
  G_LOG,
  G_LOG_FORMAT,
  G_LOG_LEVEL,
  G_DEBUG,
  G_SYSTEMD_CGROUP,
  G_CGROUP_MANAGER,
  G_ROOTLESS,
  G_CRIU,
};

static const struct cli_opt global_opts[] = {
  {"root", G_ROOT, "DIR", "root directory for container state (default: /run/ocirun)"},
  {"log", G_LOG, "FILE", "write log records to FILE (default: stderr)"},
  {"log-format", G_LOG_FORMAT, "FORMAT", "log format: text (default) or json"},
  {"log-level", G_LOG_LEVEL, "LEVEL", "error, warn (default), info or debug"},
  {"debug", G_DEBUG, NULL, "enable debug logging"},
  {"systemd-cgroup", G_SYSTEMD_CGROUP, NULL, "use the systemd cgroup manager"},
  {"cgroup-manager", G_CGROUP_MANAGER, "MANAGER", "cgroupfs (default), systemd or disabled"},
  {"rootless", G_ROOTLESS, "VALUE", "true, false or auto (default)"},
  {"criu", G_CRIU, "PATH", "criu binary for checkpoint and restore (default: criu)"},
  {"version", 'v', NULL, "print the version"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_syntax global_syntax = {
  .args = "[global options] <command> [command options] [arguments...]",
  .opts = global_opts,
  .stop_at_operand = true,
};

void cli_print_main_help(const struct cli_syntax *globals)
{
  printf("Usage: ocirun %s\n\nocirun - a low-level OCI container runtime\n\nCommands:\n",
         globals->args);
  for (size_t i = 0; i < LC_ARRAY_SIZE(commands); i++)
    printf("  %-12s%s\n", commands[i].name, commands[i].summary);
  printf("\nRun 'ocirun <command> --help' for a command's options.\n\nGlobal options:\n");
  cli_print_opts(globals->opts);
  fflush(stdout);
}

static void print_version(void)
{
  printf("ocirun version %s\ncommit: %s\nspec: %s\n%s\n", OCIRUN_VERSION, OCIRUN_COMMIT,
         OCIRUN_SPEC_VERSION, lc_build_flags());
  fflush(stdout);
}

/* Table lookups for the enumerated global options. */
struct name_value {
  const char *name;
  int value;
};

static const struct name_value log_formats[] = {{"text", LC_LOG_TEXT}, {"json", LC_LOG_JSON}};
static const struct name_value cgroup_managers[] = {
  {"cgroupfs", LC_CGROUP_CGROUPFS},
  {"systemd", LC_CGROUP_SYSTEMD},
  {"disabled", LC_CGROUP_DISABLED},
};
static const struct name_value rootless_values[] = {
  {"auto", CLI_ROOTLESS_AUTO},
  {"true", CLI_ROOTLESS_TRUE},
  {"false", CLI_ROOTLESS_FALSE},
};

static int lookup(struct cli *cli, const struct name_value *t, size_t n, const char *opt,
                  const char *s, int *out)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, s) == 0) {
      *out = t[i].value;
      return 0;
    }
  return cli_fail(cli, "invalid value \"%s\" for --%s", s, opt);
}

#define LOOKUP(cli, table, opt, s, out) lookup(cli, table, LC_ARRAY_SIZE(table), opt, s, out)

static int global_option(struct cli *cli, int key, const char *arg)
{
  int v = 0, r = 0;
  switch (key) {
  case G_ROOT:
    free(cli->root);
    cli->root = xstrdup(arg);
    break;
  case G_LOG:
    cli->log_path = arg;
    break;
  case G_LOG_FORMAT:
    if ((r = LOOKUP(cli, log_formats, "log-format", arg, &v)) == 0)
      cli->log_format = (enum lc_log_format) v;
    break;
  case G_LOG_LEVEL:
    if (lc_log_level_parse(arg, &cli->log_level) < 0)
      r = cli_fail(cli, "invalid value \"%s\" for --log-level", arg);
    break;
  case G_DEBUG:
    cli->log_level = LC_LOG_DEBUG;
    break;
  case G_SYSTEMD_CGROUP:
    cli->cgroup_manager = LC_CGROUP_SYSTEMD;
    break;
  case G_CGROUP_MANAGER:
    if ((r = LOOKUP(cli, cgroup_managers, "cgroup-manager", arg, &v)) == 0)
      cli->cgroup_manager = (enum lc_cgroup_manager) v;
    break;
  case G_ROOTLESS:
    if ((r = LOOKUP(cli, rootless_values, "rootless", arg, &v)) == 0)
      cli->rootless = (enum cli_rootless) v;
    break;
  case G_CRIU:
    cli->criu_path = arg;
    break;
  }
  return r;
}

/* Parse the global options; returns the index of the verb in argv, 0 when
 * --help/--version was handled, -1 on error. */
static int parse_globals(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  cli_parser_init(&p, cli, &global_syntax, argc, argv);
  const char *arg;
  int key, r = 0;
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP)
      r = cli->help_shown ? 1 : -1;
    else if (key == 'v') {
      print_version();
      r = 1;
    } else
      r = global_option(cli, key, arg);
  }
  int verb = optind;
  cli_parser_free(&p);
  if (r != 0)
    return r > 0 ? 0 : -1;
  if (verb >= argc)
    return cli_fail(cli, "please specify a command (see ocirun --help)");
  return verb;
}

/* The library's sink: --log FILE in the chosen format, else our stderr as
 * plain `ocirun: ...` lines. */
static int setup_log(struct cli *cli)
{
  if (!cli->log_path) {
    lc_log_configure(STDERR_FILENO, LC_LOG_PLAIN, cli->log_level);
    cli->log_to_stderr = true;
    return 0;
  }
  int fd = open(cli->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return lc_error_sys(&cli->err, errno, "open log file \"%s\"", cli->log_path);
  lc_log_configure(fd, cli->log_format, cli->log_level);
  /* `--log /dev/stderr` (runc's default spelling) must not print twice. */
  struct stat a, b;
  cli->log_to_stderr = fstat(fd, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 && a.st_dev == b.st_dev
                       && a.st_ino == b.st_ino;
  return 0;
}

/* The one error line on stderr (and one record in the log file). */
static void report_error(struct cli *cli)
{
  const char *msg = cli->err.msg ? cli->err.msg : "unknown error";
  if (lc_log_fd() >= 0)
    lc_log(LC_LOG_ERROR, "%s", msg);
  if (!cli->log_to_stderr || lc_log_fd() < 0)
    fprintf(stderr, "ocirun: %s\n", msg);
}

static const struct command *find_command(const char *name)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* Commands that put a runtime process into container namespaces run from
 * a sealed copy of this binary (DESIGN.md §5 rule 1). */
static int seal_self(struct cli *cli)
{
  extern char **environ;
  return lc_selfexe_reexec_sealed(cli->argv, environ, &cli->err);
}

static int dispatch(struct cli *cli, int argc, char **argv)
{
  cli->cmd = find_command(argv[0]);
  if (!cli->cmd)
    return cli_fail(cli, "unknown command \"%s\"", argv[0]);
  /* podman probes `checkpoint --help`: it must fail, --help included,
   * while checkpoint/restore is not built. */
  if (cli->cmd->needs_criu && (!HAVE_CRIU || cli->cmd->pending))
    return cli_fail(cli, "checkpoint/restore is not supported by this build");
  if (cli->cmd->enters_container && seal_self(cli) < 0)
    return -1;
  int r = cli->cmd->fn(cli, argc, argv);
  if (r < 0 || cli->help_shown)
    return r;
  if (cli->cmd->pending)
    return cli_fail(cli, "%s: not implemented yet", cli->cmd->name);
  return r;
}

int main(int argc, char **argv)
{
  struct cli cli = {
    .log_format = LC_LOG_TEXT,
    .log_level = LC_LOG_WARNING,
    .cgroup_manager = LC_CGROUP_CGROUPFS,
    .rootless = CLI_ROOTLESS_AUTO,
  };
  /* Until the options are known, library messages go to stderr. */
  lc_log_configure(STDERR_FILENO, LC_LOG_PLAIN, LC_LOG_WARNING);
  cli.log_to_stderr = true;

  cli.argv = argv;
  int r = parse_globals(&cli, argc, argv);
  if (r > 0 && setup_log(&cli) < 0)
    r = -1;
  if (r > 0) {
    if (!cli.root)
      cli.root = lc_default_root();
    r = dispatch(&cli, argc - r, argv + r);
  }
  if (r < 0)
    report_error(&cli);
  lc_error_clear(&cli.err);
  free(cli.root);
  if (fflush(stdout) != 0 && r >= 0) {
    fprintf(stderr, "ocirun: write to stdout: %s\n", strerror(errno));
    r = -1;
  }
  return r < 0 ? (cli.fail_status ? cli.fail_status : 1) : r;
}
