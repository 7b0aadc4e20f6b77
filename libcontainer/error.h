/* error.h — the error object every fallible function fills (DESIGN.md §4).
 *
 * Convention: `int f(..., lc_error_t *err)` returns >= 0 on success and
 * -errno on failure.  The place where a failure happens records the errno,
 * the operation and the object once; callers only add context at real
 * boundaries with lc_error_prefix().  The library never prints an error. */
#ifndef LC_ERROR_H
#define LC_ERROR_H

#include <errno.h>

#include "libcontainer.h"

/* Set `err` to `fmt` (no strerror appended); returns -errnum. */
int lc_error_set(lc_error_t *err, int errnum, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Set `err` to "fmt: strerror(errnum)"; returns -errnum. */
int lc_error_sys(lc_error_t *err, int errnum, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Prepend "fmt: " to the message already in `err`; returns -err->errnum. */
int lc_error_prefix(lc_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Move the error in `src` into `dst` (dst is cleared first). */
void lc_error_move(lc_error_t *dst, lc_error_t *src);

#endif
