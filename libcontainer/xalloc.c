/* xalloc.c — see xalloc.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void *check(void *p)
{
  if (!p)
    abort();
  return p;
}

void *xmalloc(size_t n)
{
  return check(malloc(n ? n : 1));
}

void *xzalloc(size_t n)
{
  return check(calloc(1, n ? n : 1));
}

void *xrealloc(void *p, size_t n)
{
  return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
  return s ? check(strdup(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
  return s ? check(strndup(s, n)) : NULL;
}

char *xasprintf(const char *fmt, ...)
{
  char *s = NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0)
    abort();
  return s;
}

size_t strv_length(char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void strv_free(char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

char **strv_dup(char *const *v)
{
  if (!v)
    return NULL;
  size_t n = strv_length(v);
  char **r = xzalloc((n + 1) * sizeof(char *));
  for (size_t i = 0; i < n; i++)
    r[i] = xstrdup(v[i]);
  return r;
}

void strv_push(char ***v, const char *s)
{
  size_t n = strv_length(*v);
  *v = xrealloc(*v, (n + 2) * sizeof(char *));
  (*v)[n] = xstrdup(s);
  (*v)[n + 1] = NULL;
}

bool strv_contains(char *const *v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp(v[i], s) == 0)
      return true;
  return false;
}
