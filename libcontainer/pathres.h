/* pathres.h — resolving paths inside a container root (DESIGN.md §5 rule 2).
 *
 * Every path the image controls is resolved relative to an O_PATH fd of the
 * root, with symlinks (absolute or "..") clamped to that root, like
 * chroot(2) would, but without entering it.  openat2(RESOLVE_IN_ROOT) does it
 * in the kernel (Linux 5.6); the fallback walker does the same in user space
 * one component at a time with O_NOFOLLOW. */
#ifndef LC_PATHRES_H
#define LC_PATHRES_H

#include <stdbool.h>
#include <sys/types.h>

#include "libcontainer.h"

/* Open `path` (absolute or relative, interpreted inside rootfd) with `flags`
 * (O_PATH, O_DIRECTORY, O_RDONLY... ; O_CREAT is refused: use the mk*
 * helpers). The final component is followed when it is a symlink unless
 * flags has O_NOFOLLOW. Returns the fd or -errno. */
int lc_open_in_root(int rootfd, const char *path, int flags, lc_error_t *err);

/* mkdir -p inside the root; returns an O_PATH|O_DIRECTORY fd of the result. */
int lc_mkdir_in_root(int rootfd, const char *path, mode_t mode, lc_error_t *err);

/* Make sure a regular file exists at path (parents created) and return an
 * O_PATH fd of it. An existing non-directory is accepted as is. */
int lc_mkfile_in_root(int rootfd, const char *path, mode_t mode, lc_error_t *err);

/* Tests: force the user-space walker (as if openat2 returned ENOSYS). */
void lc_pathres_force_fallback(bool on);

/* "/proc/self/fd/N" for mounting onto an fd; buf >= 32 bytes. */
const char *lc_fd_path(int fd, char *buf, size_t len);

#endif
