/* cleanup.h — scope-bound ownership helpers (DESIGN.md §4).
 *
 * Owners are declared at the top of a scope with one of the _cleanup_*_
 * attributes; ownership is handed on with TAKE_PTR()/TAKE_FD().  Nothing here
 * allocates or prints. */
#ifndef LC_CLEANUP_H
#define LC_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <dirent.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void lc_freep(void *p)
{
  free(*(void **) p);
}

static inline void lc_closep(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

static inline void lc_fclosep(FILE **f)
{
  if (*f)
    fclose(*f);
}

static inline void lc_closedirp(DIR **d)
{
  if (*d)
    closedir(*d);
}

#define _cleanup_free_ _cleanup_(lc_freep)
#define _cleanup_close_ _cleanup_(lc_closep)
#define _cleanup_fclose_ _cleanup_(lc_fclosep)
#define _cleanup_closedir_ _cleanup_(lc_closedirp)

/* Hand an owned pointer on: returns it and clears the owner. */
#define TAKE_PTR(p)                                                                                \
  ({                                                                                               \
    __typeof__(p) _tp = (p);                                                                       \
    (p) = NULL;                                                                                    \
    _tp;                                                                                           \
  })

/* Hand an owned fd on: returns it and sets the owner to -1. */
#define TAKE_FD(fd)                                                                                \
  ({                                                                                               \
    int _tf = (fd);                                                                                \
    (fd) = -1;                                                                                     \
    _tf;                                                                                           \
  })

#define LC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
