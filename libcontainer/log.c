/* log.c — the library's only output channel: a caller-configured sink.
 * One record is one write(2) so that concurrent writers never interleave
 * inside a line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "xalloc.h"

static int sink_fd = -1;
static enum lc_log_format sink_format = LC_LOG_TEXT;
static enum lc_log_level sink_level = LC_LOG_WARNING;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void lc_log_configure(int fd, enum lc_log_format format, enum lc_log_level level)
{
  sink_fd = fd;
  sink_format = format;
  sink_level = level;
}

int lc_log_fd(void)
{
  return sink_fd;
}

bool lc_log_enabled(enum lc_log_level level)
{
  return sink_fd >= 0 && level <= sink_level;
}

int lc_log_level_parse(const char *name, enum lc_log_level *out)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(level_names); i++)
    if (strcasecmp(name, level_names[i]) == 0) {
      *out = (enum lc_log_level) i;
      return 0;
    }
  if (strcasecmp(name, "warn") == 0) {
    *out = LC_LOG_WARNING;
    return 0;
  }
  return -EINVAL;
}

void lc_rfc3339_now(char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char date[32];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, len, "%s.%09ldZ", date, ts.tv_nsec);
}

static char *format_json(const char *level, const char *msg, const char *now)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_map_open(g);
  const char *kv[] = {"level", level, "msg", msg, "time", now};
  for (size_t i = 0; i < LC_ARRAY_SIZE(kv); i++)
    yajl_gen_string(g, (const unsigned char *) kv[i], strlen(kv[i]));
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t n;
  yajl_gen_get_buf(g, &buf, &n);
  char *line = xasprintf("%.*s\n", (int) n, (const char *) buf);
  yajl_gen_free(g);
  return line;
}

static char *format_text(const char *level, const char *msg, const char *now)
{
  /* logrus quotes msg with Go escaping; escape the two characters that
   * could break the line apart. */
  size_t n = strlen(msg);
  _cleanup_free_ char *q = xmalloc(2 * n + 1);
  char *o = q;
  for (const char *p = msg; *p; p++) {
    if (*p == '"' || *p == '\\')
      *o++ = '\\';
    *o++ = *p == '\n' ? ' ' : *p;
  }
  *o = '\0';
  return xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", now, level, q);
}

void lc_log(enum lc_log_level level, const char *fmt, ...)
{
  if (!lc_log_enabled(level))
    return;
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  _cleanup_free_ char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  if (!msg) {
    errno = saved;
    return;
  }
  char now[64];
  lc_rfc3339_now(now, sizeof now);
  const char *lv = level_names[level];
  _cleanup_free_ char *line = NULL;
  if (sink_format == LC_LOG_JSON)
    line = format_json(lv, msg, now);
  else if (sink_format == LC_LOG_PLAIN)
    line = level == LC_LOG_ERROR ? xasprintf("ocirun: %s\n", msg)
                                 : xasprintf("ocirun: %s: %s\n", lv, msg);
  else
    line = format_text(lv, msg, now);
  (void) lc_write_all(sink_fd, line, strlen(line));
  errno = saved;
}
