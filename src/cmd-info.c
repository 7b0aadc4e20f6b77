/* cmd-info.c — the read-only and bundle-writing verbs: state, list, spec,
 * features.  Output shapes are what engines parse (ENGINES.md § Output
 * formats engines parse).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "fsutil.h"
#include "xalloc.h"

static const struct cli_syntax state_syntax = {"<container-id>", cli_no_opts};

/* runc prints the state without a trailing newline, crun with one; we print
 * one so that shells and line-based readers see a complete line (every JSON
 * parser accepts it). */
int cmd_state(struct cli *cli, int argc, char **argv)
{
  const char *id;
  struct lc_state *st = NULL;
  lc_error_t err = {0};
  int r = cli_parse_flags_id(cli, &state_syntax, argc, argv, NULL, &id, NULL, 0);
  if (r != 0)
    return r > 0 ? 0 : -1;
  if (lc_state_get(cli->root, id, &st, &err) < 0)
    return cli_fail_lc(cli, &err);
  _cleanup_free_ char *json = lc_state_to_json(st, true);
  lc_state_free(st);
  printf("%s\n", json);
  return 0;
}

/* ---- list ---------------------------------------------------------------- */

enum list_format { LIST_TABLE = 0, LIST_JSON };

static const struct cli_opt list_opts[] = {
  {"format", 'f', "FORMAT", "table (default) or json"},
  {"quiet", 'q', NULL, "display only container ids"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax list_syntax = {"[options]", list_opts};

#define LIST_COLUMNS 6

static void list_cells(const struct lc_state *st, char **cells)
{
  cells[0] = xstrdup(st->id);
  cells[1] = xasprintf("%d", (int) st->pid);
  cells[2] = xstrdup(lc_status_name(st->status));
  cells[3] = xstrdup(st->bundle ? st->bundle : "");
  cells[4] = xstrdup(st->created ? st->created : "");
  cells[5] = xstrdup(st->owner ? st->owner : "");
}

/* Columns aligned the way runc's tabwriter (minwidth 12, padding 3) does:
 * each column but the last is max(12, widest cell + 3) wide. */
static void print_table(struct lc_state **v, size_t n)
{
  static const char *const head[LIST_COLUMNS] = {"ID",     "PID",     "STATUS",
                                                 "BUNDLE", "CREATED", "OWNER"};
  char **cells = xzalloc((n + 1) * LIST_COLUMNS * sizeof *cells);
  size_t width[LIST_COLUMNS];
  for (size_t c = 0; c < LIST_COLUMNS; c++)
    cells[c] = xstrdup(head[c]);
  for (size_t i = 0; i < n; i++)
    list_cells(v[i], cells + (i + 1) * LIST_COLUMNS);
  for (size_t c = 0; c < LIST_COLUMNS; c++) {
    width[c] = 12;
    for (size_t i = 0; i <= n; i++)
      if (strlen(cells[i * LIST_COLUMNS + c]) + 3 > width[c])
        width[c] = strlen(cells[i * LIST_COLUMNS + c]) + 3;
  }
  for (size_t i = 0; i <= n; i++) {
    for (size_t c = 0; c < LIST_COLUMNS - 1; c++)
      printf("%-*s", (int) width[c], cells[i * LIST_COLUMNS + c]);
    printf("%s\n", cells[i * LIST_COLUMNS + LIST_COLUMNS - 1]);
  }
  for (size_t i = 0; i < (n + 1) * LIST_COLUMNS; i++)
    free(cells[i]);
  free(cells);
}

/* A JSON array of the state objects, compact, one line (runc prints `null`
 * for no containers; an array is what every caller can decode). */
static void print_json(struct lc_state **v, size_t n)
{
  fputc('[', stdout);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *obj = lc_state_to_json(v[i], false);
    printf("%s%s", i ? "," : "", obj);
  }
  fputs("]\n", stdout);
}

static int parse_list(struct cli *cli, int argc, char **argv, enum list_format *fmt, bool *quiet)
{
  struct cli_parser p;
  const char *arg;
  bool json = false;
  int key, r = 0, n;
  cli_parser_init(&p, cli, &list_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP)
      r = -1;
    else if (key == 'q')
      *quiet = true;
    else if ((r = cli_parse_format(cli, "list", arg, &json)) == 0)
      *fmt = json ? LIST_JSON : LIST_TABLE;
  }
  cli_operands(&p, &n);
  if (r == 0)
    r = cli_want_args(cli, n, 0, 0);
  cli_parser_free(&p);
  return r < 0 ? (cli->help_shown ? 1 : -1) : 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
  enum list_format fmt = LIST_TABLE;
  bool quiet = false;
  struct lc_state **v = NULL;
  size_t n = 0;
  lc_error_t err = {0};
  int r = parse_list(cli, argc, argv, &fmt, &quiet);
  if (r != 0)
    return r > 0 ? 0 : -1;
  if (lc_list(cli->root, &v, &n, &err) < 0)
    return cli_fail_lc(cli, &err);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf("%s\n", v[i]->id);
  else if (fmt == LIST_JSON)
    print_json(v, n);
  else
    print_table(v, n);
  lc_state_list_free(v, n);
  return 0;
}

/* ---- spec ---------------------------------------------------------------- */

enum { O_ROOTLESS = 256 };

static const struct cli_opt spec_opts[] = {
  {"bundle", 'b', "DIR", "write config.json into DIR (default: the current directory)"},
  {"rootless", O_ROOTLESS, NULL, "generate a configuration for a rootless container"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax spec_syntax = {"[options]", spec_opts};

/* Create DIR/config.json exclusively: an existing file is never replaced. */
static int write_spec(struct cli *cli, const char *dir, bool rootless)
{
  _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return lc_error_sys(&cli->err, errno, "open \"%s\"", dir), -1;
  _cleanup_close_ int fd =
    openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return cli_fail(cli, "File config.json exists. Remove it first");
  if (fd < 0)
    return lc_error_sys(&cli->err, errno, "create \"%s/config.json\"", dir), -1;
  _cleanup_free_ char *json = lc_spec_default_json(rootless);
  size_t len = strlen(json);
  ssize_t w = lc_write_all(fd, json, len);
  if (w >= 0)
    w = lc_write_all(fd, "\n", 1);
  if (w < 0) {
    unlinkat(dfd, "config.json", 0);
    return lc_error_sys(&cli->err, (int) -w, "write \"%s/config.json\"", dir), -1;
  }
  return 0;
}

int cmd_spec(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  const char *arg, *bundle = ".";
  bool rootless = false;
  int key, r = 0, n;
  cli_parser_init(&p, cli, &spec_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP)
      r = -1;
    else if (key == 'b')
      bundle = arg;
    else
      rootless = true;
  }
  cli_operands(&p, &n);
  if (r == 0)
    r = cli_want_args(cli, n, 0, 0);
  cli_parser_free(&p);
  if (r < 0)
    return cli_parse_done(cli);
  return write_spec(cli, bundle, rootless);
}

/* ---- features ------------------------------------------------------------ */

static const struct cli_syntax features_syntax = {"", cli_no_opts};

int cmd_features(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  const char *arg;
  int key, r = 0, n;
  cli_parser_init(&p, cli, &features_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END)
    r = -1; /* only --help exists, and cli_getopt handled it */
  cli_operands(&p, &n);
  if (r == 0)
    r = cli_want_args(cli, n, 0, 0);
  cli_parser_free(&p);
  if (r < 0)
    return cli_parse_done(cli);
  _cleanup_free_ char *json = lc_features_json();
  printf("%s\n", json);
  return 0;
}
