/* xalloc.h — allocation helpers and NULL-terminated string vectors.
 *
 * Memory exhaustion is not recoverable for a short-lived runtime process; the
 * x* helpers abort() (never exit()) so that no caller has to carry an ENOMEM
 * path for a 20-byte string. */
#ifndef LC_XALLOC_H
#define LC_XALLOC_H

#include <stddef.h>
#include <stdbool.h>

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

size_t strv_length(char *const *v);
void strv_free(char **v);
char **strv_dup(char *const *v);
/* Append a copy of s to *v (which may be NULL); keeps it NULL-terminated. */
void strv_push(char ***v, const char *s);
bool strv_contains(char *const *v, const char *s);

static inline void strv_freep(char ***v)
{
  strv_free(*v);
}
#define _cleanup_strv_ __attribute__((cleanup(strv_freep)))

#endif
