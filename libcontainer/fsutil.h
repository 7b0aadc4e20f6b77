/* fsutil.h — file helpers built on *at() calls.  Writes that readers may race
 * with are atomic: temp file in the same directory, fsync, renameat. */
#ifndef LC_FSUTIL_H
#define LC_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "libcontainer.h"

/* Write everything, retrying on EINTR/short writes; -errno on failure. */
ssize_t lc_write_all(int fd, const void *buf, size_t len);
/* Read up to EOF from fd into a NUL-terminated malloc'd buffer. */
int lc_read_all(int fd, char **out, size_t *len, lc_error_t *err);
/* Read dirfd/path (dirfd may be AT_FDCWD); `*len` may be NULL. */
int lc_read_file_at(int dirfd, const char *path, char **out, size_t *len, lc_error_t *err);
/* Atomically replace dirfd/name with `data` (mode bits `mode`). */
int lc_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                            lc_error_t *err);
/* Same for an arbitrary path (relative to cwd or absolute). */
int lc_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                         lc_error_t *err);
/* Write a short string to an existing file (cgroup/proc knobs); not atomic. */
int lc_write_file_at(int dirfd, const char *name, const char *data, lc_error_t *err);
/* mkdir -p; existing directories are fine. */
int lc_mkdir_p(const char *path, mode_t mode, lc_error_t *err);
/* Remove dirfd/name and everything under it (no symlink following). */
int lc_rm_rf_at(int dirfd, const char *name, lc_error_t *err);

/* Close every fd >= `from` except those in keep[] (sorted in place). */
int lc_close_fds_except(int from, int *keep, size_t n);

#endif
