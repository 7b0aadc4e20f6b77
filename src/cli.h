/* cli.h — shared by the `ocirun` command's files: the global options, the
 * command table entry, and the table-driven option parser every command uses.
 *
 * Owns: argv -> struct cli / lc_context, help text, the error line and exit
 * code.  Must not: know how containers work (that is libcontainer's job).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef OCIRUN_CLI_H
#define OCIRUN_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "libcontainer.h"

enum cli_rootless { CLI_ROOTLESS_AUTO = 0, CLI_ROOTLESS_TRUE, CLI_ROOTLESS_FALSE };

struct command;

/* Global options (given before the verb) and the per-invocation state. */
struct cli {
  char *root;           /* --root, default lc_default_root() */
  const char *log_path; /* --log */
  enum lc_log_format log_format;
  enum lc_log_level log_level;
  enum lc_cgroup_manager cgroup_manager;
  enum cli_rootless rootless; /* accepted and recorded; not used by the library yet */
  const char *criu_path;      /* --criu (runc's), recorded for checkpoint/restore */
  bool log_to_stderr;         /* the library's sink already is our stderr */
  const struct command *cmd;  /* the verb being run */
  bool help_shown;            /* the verb printed its --help; nothing else to do */
  lc_error_t err;             /* the one error main() prints */
  char **argv;                /* main()'s, for the sealed re-exec */
  int fail_status;            /* exit status for a failure (0: the usual 1) */
};

/* A verb.  `fn` parses its own options with cli_getopt() and acts; it returns
 * an exit status >= 0, or -1 with cli->err set. */
struct command {
  const char *name;
  int (*fn)(struct cli *cli, int argc, char **argv);
  const char *summary;
  /* The library does not implement it yet: the options are parsed (and
   * --help works) but the command then fails with "not implemented yet".
   * Enabling a command is flipping this flag in main.c's table. */
  bool pending;
  /* Needs checkpoint/restore support (HAVE_CRIU); without it even --help
   * fails, which is how podman probes for C/R. */
  bool needs_criu;
  /* Puts a runtime process into the container's namespaces: run from a
   * sealed copy of our binary first (DESIGN.md §5 rule 1). */
  bool enters_container;
};

/* One option of a command: drives both getopt_long and the --help text. */
struct cli_opt {
  const char *name; /* long name */
  int key;          /* short letter, or a value >= 256 for long-only options */
  const char *arg;  /* metavar for options taking a value; NULL for flags */
  const char *help;
};

/* The syntax of a command: usage line after the verb and its options (the
 * table ends with a zeroed entry; --help/-h is implicit). */
struct cli_syntax {
  const char *args; /* "[options] <container-id>" */
  const struct cli_opt *opts;
  bool stop_at_operand;   /* '+': options end at the first operand (exec, ps) */
  bool long_only;         /* accept `-name` like `--name` (restore, for go-runc) */
  const char *extra_help; /* printed after the options, may be NULL */
};

/* Parser state of one command line; see cli_getopt(). */
struct cli_parser {
  struct cli *cli;
  const struct cli_syntax *syn;
  int argc;
  char **argv;
  struct option *longs;
  char *shorts;
};

/* An empty option table (only the implicit --help). */
extern const struct cli_opt cli_no_opts[];

#define CLI_OPT_END 0
/* cli_getopt() returned: an error is in cli->err, or --help was printed
 * (cli->help_shown).  Either way the command returns cli_parse_done(). */
#define CLI_OPT_STOP (-1)

void cli_parser_init(struct cli_parser *p, struct cli *cli, const struct cli_syntax *syn, int argc,
                     char **argv);
/* Next option: its key (short letter or long-only value) with *arg set for
 * options that take a value; CLI_OPT_END after the last option (operands
 * start at cli_operands()); CLI_OPT_STOP on error or --help. */
int cli_getopt(struct cli_parser *p, const char **arg);
/* The operands after the options. */
char **cli_operands(struct cli_parser *p, int *n);
void cli_parser_free(struct cli_parser *p);
/* Status a command returns after CLI_OPT_STOP: 0 after --help, -1 on error. */
int cli_parse_done(struct cli *cli);

/* Set cli->err and return -1. */
int cli_fail(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Move a library error into cli->err and return -1. */
int cli_fail_lc(struct cli *cli, lc_error_t *err);

/* Operand checks with runc-like wording ("state: requires exactly 1 argument"). */
int cli_want_args(struct cli *cli, int n, int min, int max);
/* Exactly one operand that is a valid container id; sets *id. */
int cli_want_id(struct cli *cli, struct cli_parser *p, const char **id);
/* Parse a command whose only options are boolean flags: sets flags[i] for
 * the option opts[i] given; the first operand is the container id, the
 * others (at most max_extra, NULL-terminated) go to *extra when not NULL.
 * Returns 0, 1 after --help, or -1 with cli->err set. */
int cli_parse_flags_id(struct cli *cli, const struct cli_syntax *syn, int argc, char **argv,
                       bool *flags, const char **id, char ***extra, int max_extra);
/* Non-negative integer option value ("invalid value "x" for --preserve-fds"). */
int cli_parse_uint(struct cli *cli, const char *opt, const char *s, int *out);
/* --format table|json of `list` and `ps`: sets *json, or fails naming `cmd`. */
int cli_parse_format(struct cli *cli, const char *cmd, const char *arg, bool *json);

/* A lc_context with the global options applied. */
void cli_context(const struct cli *cli, struct lc_context *ctx, const char *id);

/* Print the command's --help text on stdout. */
void cli_print_help(const struct cli *cli, const struct cli_syntax *syn);
/* `ocirun --help`: the commands and the global options (main.c). */
void cli_print_main_help(const struct cli_syntax *globals);
/* Print an option table as help lines. */
void cli_print_opts(const struct cli_opt *opts);

/* The commands, one group per file. */
int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_kill(struct cli *cli, int argc, char **argv);
int cmd_delete(struct cli *cli, int argc, char **argv);
int cmd_state(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_spec(struct cli *cli, int argc, char **argv);
int cmd_features(struct cli *cli, int argc, char **argv);
int cmd_exec(struct cli *cli, int argc, char **argv);
int cmd_ps(struct cli *cli, int argc, char **argv);
int cmd_pause(struct cli *cli, int argc, char **argv);
int cmd_resume(struct cli *cli, int argc, char **argv);
int cmd_update(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
int cmd_checkpoint(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);

#endif
