/* error.c — building the one-line error chain.  Allocation failures while
 * formatting degrade to a fixed message; they never abort. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static char *vformat(const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    return NULL;
  return s;
}

static int store(lc_error_t *err, int errnum, char *msg)
{
  if (errnum <= 0)
    errnum = EIO;
  if (!err) {
    free(msg);
    return -errnum;
  }
  free(err->msg);
  err->errnum = errnum;
  err->msg = msg ? msg : strdup("out of memory while reporting an error");
  return -errnum;
}

int lc_error_set(lc_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  return store(err, errnum, msg);
}

int lc_error_sys(lc_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *head = vformat(fmt, ap);
  va_end(ap);
  char *msg = NULL;
  if (head && asprintf(&msg, "%s: %s", head, strerror(errnum)) < 0)
    msg = NULL;
  free(head);
  return store(err, errnum, msg);
}

int lc_error_prefix(lc_error_t *err, const char *fmt, ...)
{
  if (!err)
    return -EIO;
  va_list ap;
  va_start(ap, fmt);
  char *head = vformat(fmt, ap);
  va_end(ap);
  char *msg = NULL;
  if (head && asprintf(&msg, "%s: %s", head, err->msg ? err->msg : "unknown error") >= 0) {
    free(err->msg);
    err->msg = msg;
  }
  free(head);
  if (err->errnum <= 0)
    err->errnum = EIO;
  return -err->errnum;
}

void lc_error_move(lc_error_t *dst, lc_error_t *src)
{
  if (!dst || !src)
    return;
  free(dst->msg);
  *dst = *src;
  src->msg = NULL;
  src->errnum = 0;
}

void lc_error_clear(lc_error_t *err)
{
  if (!err)
    return;
  free(err->msg);
  err->msg = NULL;
  err->errnum = 0;
}
