/* cli-parse.c — the option parser every verb shares (getopt_long driven by
 * a struct cli_opt table, which also produces --help), operand checks and
 * the error helpers.  Messages follow DESIGN.md §4: one lower-case line,
 * objects in double quotes, prefixed with the verb.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "xalloc.h"

const struct cli_opt cli_no_opts[] = {{NULL, 0, NULL, NULL}};

static const struct cli_opt help_opt = {"help", 'h', NULL, "show this help"};

int cli_fail(struct cli *cli, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  lc_error_set(&cli->err, EINVAL, "%s", msg ? msg : "out of memory");
  free(msg);
  return -1;
}

int cli_fail_lc(struct cli *cli, lc_error_t *err)
{
  lc_error_move(&cli->err, err);
  if (!cli->err.msg)
    lc_error_set(&cli->err, EIO, "unknown error");
  return -1;
}

static size_t count_opts(const struct cli_opt *o)
{
  size_t n = 0;
  while (o && o[n].name)
    n++;
  return n;
}

void cli_parser_init(struct cli_parser *p, struct cli *cli, const struct cli_syntax *syn, int argc,
                     char **argv)
{
  size_t n = count_opts(syn->opts);
  *p = (struct cli_parser){.cli = cli, .syn = syn, .argc = argc, .argv = argv};
  p->longs = xzalloc((n + 2) * sizeof *p->longs);
  p->shorts = xzalloc(2 * n + 8);
  char *s = p->shorts;
  if (syn->stop_at_operand)
    *s++ = '+';
  *s++ = ':'; /* report a missing argument as ':' rather than '?' */
  for (size_t i = 0; i <= n; i++) {
    const struct cli_opt *o = i < n ? &syn->opts[i] : &help_opt;
    p->longs[i] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->key};
    if (o->key > 0 && o->key < 256) {
      *s++ = (char) o->key;
      if (o->arg)
        *s++ = ':';
    }
  }
  /* glibc: optind = 0 re-initialises the scanner (needed for the second
   * parse in one process, and so that a leading '+' is honoured again). */
  optind = 0;
  opterr = 0;
}

void cli_parser_free(struct cli_parser *p)
{
  free(p->longs);
  free(p->shorts);
  p->longs = NULL;
  p->shorts = NULL;
}

static const struct cli_opt *find_key(const struct cli_syntax *syn, int key)
{
  for (const struct cli_opt *o = syn->opts; o && o->name; o++)
    if (o->key == key)
      return o;
  return key == 'h' ? &help_opt : NULL;
}

/* The option as the user typed it, for error messages.  A short option not
 * in the table is reported by its letter (getopt may still be inside a
 * cluster like `-dz`); anything else is the argv element getopt just
 * consumed, without its `=value`. */
static char *typed_option(struct cli_parser *p)
{
  if (optopt > 0 && optopt < 256 && !find_key(p->syn, optopt))
    return xasprintf("-%c", optopt);
  const char *a = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
  return xstrndup(a, strcspn(a, "="));
}

static int report_bad_option(struct cli_parser *p, int c)
{
  const char *verb = p->cli->cmd ? p->cli->cmd->name : NULL;
  char *opt = typed_option(p);
  const char *what = c == ':'                                   ? "requires an argument"
                     : (optopt > 0 && find_key(p->syn, optopt)) ? "does not take an argument"
                                                                : NULL;
  if (what)
    cli_fail(p->cli, "%s%soption \"%s\" %s", verb ? verb : "", verb ? ": " : "", opt, what);
  else
    cli_fail(p->cli, "%s%sunknown option \"%s\"", verb ? verb : "", verb ? ": " : "", opt);
  free(opt);
  return CLI_OPT_STOP;
}

static int show_help(struct cli_parser *p)
{
  const struct command *cmd = p->cli->cmd;
  if (cmd && cmd->needs_criu && !HAVE_CRIU)
    return cli_fail(p->cli, "checkpoint/restore is not supported by this build");
  if (cmd)
    cli_print_help(p->cli, p->syn);
  else
    cli_print_main_help(p->syn);
  p->cli->help_shown = true;
  return CLI_OPT_STOP;
}

int cli_getopt(struct cli_parser *p, const char **arg)
{
  int c = p->syn->long_only ? getopt_long_only(p->argc, p->argv, p->shorts, p->longs, NULL)
                            : getopt_long(p->argc, p->argv, p->shorts, p->longs, NULL);
  *arg = optarg;
  if (c == -1)
    return CLI_OPT_END;
  if (c == '?' || c == ':')
    return report_bad_option(p, c);
  if (c == 'h' && find_key(p->syn, 'h') == &help_opt)
    return show_help(p);
  return c;
}

char **cli_operands(struct cli_parser *p, int *n)
{
  int i = optind < p->argc ? optind : p->argc;
  *n = p->argc - i;
  return p->argv + i;
}

int cli_parse_done(struct cli *cli)
{
  return cli->help_shown ? 0 : -1;
}

int cli_want_args(struct cli *cli, int n, int min, int max)
{
  const char *verb = cli->cmd->name;
  if (min == max && n != min)
    return cli_fail(cli, "%s: requires exactly %d argument%s", verb, min, min == 1 ? "" : "s");
  if (n < min)
    return cli_fail(cli, "%s: requires at least %d argument%s", verb, min, min == 1 ? "" : "s");
  if (max >= 0 && n > max)
    return cli_fail(cli, "%s: requires at most %d argument%s", verb, max, max == 1 ? "" : "s");
  return 0;
}

int cli_want_id(struct cli *cli, struct cli_parser *p, const char **id)
{
  int n;
  char **ops = cli_operands(p, &n);
  if (cli_want_args(cli, n, 1, 1) < 0)
    return -1;
  lc_error_t err = {0};
  if (lc_id_validate(ops[0], &err) < 0)
    return cli_fail_lc(cli, &err);
  *id = ops[0];
  return 0;
}

/* Parse a command whose only options are boolean flags: sets flags[i] for
 * the option with key opts[i].key; the id is the first operand and the rest
 * (at most max_extra) are left in *extra. */
int cli_parse_flags_id(struct cli *cli, const struct cli_syntax *syn, int argc, char **argv,
                       bool *flags, const char **id, char ***extra, int max_extra)
{
  struct cli_parser p;
  const char *arg;
  int key, r = 0, n = 0;
  cli_parser_init(&p, cli, syn, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP) {
      r = -1;
      break;
    }
    for (size_t i = 0; syn->opts[i].name; i++)
      if (syn->opts[i].key == key)
        flags[i] = true;
  }
  char **ops = r == 0 ? cli_operands(&p, &n) : NULL;
  if (r == 0)
    r = cli_want_args(cli, n, 1, 1 + max_extra);
  cli_parser_free(&p);
  lc_error_t err = {0};
  if (r == 0 && lc_id_validate(ops[0], &err) < 0)
    r = cli_fail_lc(cli, &err);
  if (r < 0)
    return cli->help_shown ? 1 : -1;
  *id = ops[0];
  if (extra)
    *extra = ops + 1;
  return 0;
}

int cli_parse_format(struct cli *cli, const char *cmd, const char *arg, bool *json)
{
  if (strcmp(arg, "table") != 0 && strcmp(arg, "json") != 0)
    return cli_fail(cli, "%s: invalid format \"%s\" (expected table or json)", cmd, arg);
  *json = arg[0] == 'j';
  return 0;
}

int cli_parse_uint(struct cli *cli, const char *opt, const char *s, int *out)
{
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > INT_MAX)
    return cli_fail(cli, "%s: invalid value \"%s\" for --%s", cli->cmd->name, s, opt);
  *out = (int) v;
  return 0;
}

void cli_context(const struct cli *cli, struct lc_context *ctx, const char *id)
{
  *ctx = (struct lc_context){
    .root = cli->root,
    .id = id,
    .cgroup_manager = cli->cgroup_manager,
  };
}

/* "  -b, --bundle DIR" */
static char *opt_label(const struct cli_opt *o)
{
  char s[8] = "    ";
  if (o->key > 0 && o->key < 256)
    snprintf(s, sizeof s, "-%c, ", o->key);
  return xasprintf("  %s--%s%s%s", s, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_print_opts(const struct cli_opt *opts)
{
  size_t n = count_opts(opts), width = 0;
  for (size_t i = 0; i <= n; i++) {
    char *l = opt_label(i < n ? &opts[i] : &help_opt);
    width = strlen(l) > width ? strlen(l) : width;
    free(l);
  }
  for (size_t i = 0; i <= n; i++) {
    const struct cli_opt *o = i < n ? &opts[i] : &help_opt;
    char *l = opt_label(o);
    printf("%-*s  %s\n", (int) width, l, o->help);
    free(l);
  }
}

void cli_print_help(const struct cli *cli, const struct cli_syntax *syn)
{
  const struct command *cmd = cli->cmd;
  printf("Usage: ocirun %s%s%s\n\n%s\n\nOptions:\n", cmd->name, syn->args[0] ? " " : "", syn->args,
         cmd->summary);
  cli_print_opts(syn->opts);
  if (syn->extra_help)
    printf("\n%s", syn->extra_help);
  fflush(stdout);
}
