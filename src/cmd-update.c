/* cmd-update.c — update, pause, resume, events: runc's option sets ->
 * lc_update, lc_pause, lc_resume, lc_events.  `update` hands the library a
 * LinuxResources JSON object: the --resources body as given, or one built
 * from the flags (the library merges it over the container's current
 * resources).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"
#include "fsutil.h"
#include "xalloc.h"

/* ---- update -------------------------------------------------------------- */

/* Numeric update options, in the order of update_opts below. */
enum update_num {
  U_MEMORY,
  U_MEMORY_SWAP,
  U_MEMORY_RESERVATION,
  U_CPU_SHARES,
  U_CPU_QUOTA,
  U_CPU_PERIOD,
  U_CPU_RT_PERIOD,
  U_CPU_RT_RUNTIME,
  U_PIDS_LIMIT,
  U_BLKIO_WEIGHT,
  U_NUM_COUNT,
};

enum { U_KEY = 256, U_CPU_SHARES_ALIAS = 512, U_CPUSET_CPUS, U_CPUSET_MEMS, U_L3, U_MEMBW };

struct update_opts {
  const char *resources; /* -r FILE or "-" (stdin): LinuxResources JSON */
  int64_t num[U_NUM_COUNT];
  bool set[U_NUM_COUNT];
  const char *cpuset_cpus, *cpuset_mems, *l3_cache_schema, *mem_bw_schema;
};

static const struct cli_opt update_opts[] = {
  {"memory", U_KEY + U_MEMORY, "BYTES", "memory limit (suffixes k, m, g, t)"},
  {"memory-swap", U_KEY + U_MEMORY_SWAP, "BYTES", "memory + swap limit; -1 for unlimited"},
  {"memory-reservation", U_KEY + U_MEMORY_RESERVATION, "BYTES", "memory soft limit"},
  {"cpu-share", U_KEY + U_CPU_SHARES, "N", "CPU shares (relative weight)"},
  {"cpu-quota", U_KEY + U_CPU_QUOTA, "USECS", "CFS quota per period"},
  {"cpu-period", U_KEY + U_CPU_PERIOD, "USECS", "CFS period"},
  {"cpu-rt-period", U_KEY + U_CPU_RT_PERIOD, "USECS", "realtime period"},
  {"cpu-rt-runtime", U_KEY + U_CPU_RT_RUNTIME, "USECS", "realtime runtime per period"},
  {"pids-limit", U_KEY + U_PIDS_LIMIT, "N", "maximum number of pids"},
  {"blkio-weight", U_KEY + U_BLKIO_WEIGHT, "N", "block IO weight, 10 to 1000"},
  {"cpu-shares", U_CPU_SHARES_ALIAS, "N", "same as --cpu-share"},
  {"resources", 'r', "FILE", "LinuxResources JSON from FILE, or - for stdin"},
  {"cpuset-cpus", U_CPUSET_CPUS, "LIST", "CPUs to use"},
  {"cpuset-mems", U_CPUSET_MEMS, "LIST", "memory nodes to use"},
  {"l3-cache-schema", U_L3, "SCHEMA", "Intel RDT/CAT L3 cache schema"},
  {"mem-bw-schema", U_MEMBW, "SCHEMA", "Intel RDT/MBA memory bandwidth schema"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_syntax update_syntax = {
  .args = "[options] <container-id>",
  .opts = update_opts,
  .extra_help = "With --resources the file (or stdin) holds a runtime-spec LinuxResources\n"
                "object (config-linux.md) and the other options are ignored.  Resources\n"
                "not given keep their current values.\n",
};

/* "512m" -> 536870912; byte options take binary k/m/g/t suffixes (with an
 * optional b), the others plain integers.  -1 means unlimited. */
static int parse_num(struct cli *cli, const char *opt, const char *s, bool bytes, int64_t *out)
{
  static const char units[] = "kmgt";
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  int shift = 0;
  if (bytes && end && *end && end != s) {
    const char *u = strchr(units, (char) (*end | 0x20));
    if (u && *end) {
      shift = 10 * (int) (u - units + 1);
      end++;
      if ((*end | 0x20) == 'b')
        end++;
    }
  }
  if (errno || end == s || *end || (shift && (v < 0 || v > (INT64_MAX >> shift))))
    return cli_fail(cli, "update: invalid value \"%s\" for --%s", s, opt);
  *out = (int64_t) v << shift;
  return 0;
}

static int update_option(struct cli *cli, struct update_opts *o, int key, const char *arg)
{
  if (key == U_CPU_SHARES_ALIAS)
    key = U_KEY + U_CPU_SHARES;
  if (key >= U_KEY && key < U_KEY + U_NUM_COUNT) {
    int i = key - U_KEY;
    bool bytes = i <= U_MEMORY_RESERVATION;
    if (parse_num(cli, update_opts[i].name, arg, bytes, &o->num[i]) < 0)
      return -1;
    if (i == U_BLKIO_WEIGHT && o->num[i] != 0 && (o->num[i] < 10 || o->num[i] > 1000))
      return cli_fail(cli, "update: --blkio-weight must be between 10 and 1000");
    o->set[i] = true;
    return 0;
  }
  switch (key) {
  case 'r':
    o->resources = arg;
    return 0;
  case U_CPUSET_CPUS:
    o->cpuset_cpus = arg;
    return 0;
  case U_CPUSET_MEMS:
    o->cpuset_mems = arg;
    return 0;
  case U_L3:
    o->l3_cache_schema = arg;
    return 0;
  case U_MEMBW:
    o->mem_bw_schema = arg;
    return 0;
  }
  return cli_fail(cli, "update: unhandled option %d", key);
}

/* Append `"key":value` to a JSON object being built in *s. */
static void json_add(char **s, const char *key, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void json_add(char **s, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *v = NULL;
  if (vasprintf(&v, fmt, ap) < 0)
    abort();
  va_end(ap);
  char *n = xasprintf("%s%s\"%s\":%s", *s ? *s : "", *s ? "," : "", key, v);
  free(v);
  free(*s);
  *s = n;
}

static void json_num(char **s, const struct update_opts *o, enum update_num i, const char *key)
{
  if (o->set[i])
    json_add(s, key, "%" PRId64, o->num[i]);
}

/* A JSON string for a cpuset list: only digits, ',' and '-' are allowed. */
static int json_cpuset(struct cli *cli, char **s, const char *key, const char *v)
{
  if (!v)
    return 0;
  if (v[strspn(v, "0123456789,-")])
    return cli_fail(cli, "update: invalid value \"%s\" for --%s", v,
                    strcmp(key, "cpus") ? "cpuset-mems" : "cpuset-cpus");
  json_add(s, key, "\"%s\"", v);
  return 0;
}

/* The flags as a LinuxResources object (only what was given). */
static int flags_json(struct cli *cli, const struct update_opts *o, char **out)
{
  _cleanup_free_ char *mem = NULL, *cpu = NULL, *pids = NULL, *blk = NULL;
  json_num(&mem, o, U_MEMORY, "limit");
  json_num(&mem, o, U_MEMORY_SWAP, "swap");
  json_num(&mem, o, U_MEMORY_RESERVATION, "reservation");
  json_num(&cpu, o, U_CPU_SHARES, "shares");
  json_num(&cpu, o, U_CPU_QUOTA, "quota");
  json_num(&cpu, o, U_CPU_PERIOD, "period");
  json_num(&cpu, o, U_CPU_RT_PERIOD, "realtimePeriod");
  json_num(&cpu, o, U_CPU_RT_RUNTIME, "realtimeRuntime");
  if (json_cpuset(cli, &cpu, "cpus", o->cpuset_cpus) < 0
      || json_cpuset(cli, &cpu, "mems", o->cpuset_mems) < 0)
    return -1;
  json_num(&pids, o, U_PIDS_LIMIT, "limit");
  json_num(&blk, o, U_BLKIO_WEIGHT, "weight");
  char *s = NULL;
  if (mem)
    json_add(&s, "memory", "{%s}", mem);
  if (cpu)
    json_add(&s, "cpu", "{%s}", cpu);
  if (pids)
    json_add(&s, "pids", "{%s}", pids);
  if (blk)
    json_add(&s, "blockIO", "{%s}", blk);
  *out = xasprintf("{%s}", s ? s : "");
  free(s);
  return 0;
}

/* --resources FILE, or - for stdin. */
static int read_resources(struct cli *cli, const char *path, char **out, size_t *len)
{
  bool in = strcmp(path, "-") == 0;
  int r = lc_read_file_at(AT_FDCWD, in ? "/dev/stdin" : path, out, len, &cli->err);
  if (r < 0 && in) /* stdin may be a pipe that /dev/stdin cannot reopen */
    r = lc_read_all(STDIN_FILENO, out, len, &cli->err);
  return r < 0 ? lc_error_prefix(&cli->err, "update: resources"), -1 : 0;
}

int cmd_update(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  struct update_opts o = {0};
  const char *arg, *id;
  int key, r = 0;
  cli_parser_init(&p, cli, &update_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END)
    r = key == CLI_OPT_STOP ? -1 : update_option(cli, &o, key, arg);
  if (r == 0)
    r = cli_want_id(cli, &p, &id);
  cli_parser_free(&p);
  if (r < 0)
    return cli_parse_done(cli);
  if (!o.resources && (o.l3_cache_schema || o.mem_bw_schema))
    return cli_fail(cli, "update: Intel RDT is not supported by this build");
  _cleanup_free_ char *body = NULL;
  size_t len = 0;
  if (o.resources ? read_resources(cli, o.resources, &body, &len) : flags_json(cli, &o, &body))
    return -1;
  if (!o.resources)
    len = strlen(body);
  struct lc_context ctx;
  lc_error_t err = {0};
  cli_context(cli, &ctx, id);
  if (lc_update(&ctx, body, len, &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}

/* ---- pause, resume ------------------------------------------------------- */

static const struct cli_syntax id_only_syntax = {"<container-id>", cli_no_opts};

static int pause_or_resume(struct cli *cli, int argc, char **argv,
                           int (*op)(const struct lc_context *, lc_error_t *))
{
  const char *id;
  struct lc_context ctx;
  lc_error_t err = {0};
  int r = cli_parse_flags_id(cli, &id_only_syntax, argc, argv, NULL, &id, NULL, 0);
  if (r != 0)
    return r > 0 ? 0 : -1;
  cli_context(cli, &ctx, id);
  if (op(&ctx, &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
  return pause_or_resume(cli, argc, argv, lc_pause);
}

int cmd_resume(struct cli *cli, int argc, char **argv)
{
  return pause_or_resume(cli, argc, argv, lc_resume);
}

/* ---- events -------------------------------------------------------------- */

enum { EV_STATS = 256, EV_INTERVAL };

static const struct cli_opt events_opts[] = {
  {"stats", EV_STATS, NULL, "print the container's statistics once and exit"},
  {"interval", EV_INTERVAL, "DURATION", "statistics interval, e.g. 5s, 500ms, 1m30s (default: 5s)"},
  {NULL, 0, NULL, NULL},
};
static const struct cli_syntax events_syntax = {"[options] <container-id>", events_opts};

/* A Go-style duration ("1m30s", "1.5h", "250ms") in nanoseconds; it must be
 * positive (runc: "duration must be greater than 0"). */
static int parse_duration(const char *s, double *ns)
{
  static const struct {
    const char *unit;
    double ns;
  } units[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
               {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  if (!*s)
    return -EINVAL;
  while (*s) {
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v < 0 || !isfinite(v))
      return -EINVAL;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < LC_ARRAY_SIZE(units); i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(end, units[i].unit, l) == 0 && l > best_len)
        best = i, best_len = l;
    }
    if (!best_len)
      return -EINVAL;
    total += v * units[best].ns;
    s = end + best_len;
  }
  *ns = total;
  return total > 0 ? 0 : -EINVAL;
}

/* One event per line, flushed at once (a reader follows the stream). */
static int print_event(const char *json, void *arg)
{
  (void) arg;
  if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
    return -(errno ? errno : EPIPE);
  return 0;
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
  struct cli_parser p;
  const char *arg, *id;
  double interval_ns = 5e9;
  bool stats = false;
  int key, r = 0;
  cli_parser_init(&p, cli, &events_syntax, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END) {
    if (key == CLI_OPT_STOP)
      r = -1;
    else if (key == EV_STATS)
      stats = true;
    else if (parse_duration(arg, &interval_ns) < 0)
      r = cli_fail(cli, "events: invalid duration \"%s\" for --interval", arg);
  }
  if (r == 0)
    r = cli_want_id(cli, &p, &id);
  cli_parser_free(&p);
  if (r < 0)
    return cli_parse_done(cli);
  struct lc_context ctx;
  lc_error_t err = {0};
  cli_context(cli, &ctx, id);
  uint64_t ms = interval_ns < 1e6 ? 1 : (uint64_t) (interval_ns / 1e6);
  if (lc_events(&ctx, stats, ms, print_event, NULL, &err) < 0)
    return cli_fail_lc(cli, &err);
  return 0;
}
