/* rootfs.h — the container's root filesystem: mounts, /dev, masked and
 * read-only paths, pivot_root (config.md § Root, § Mounts; config-linux.md
 * § Rootfs Mount Propagation, § Masked Paths, § Readonly Paths). */
#ifndef LC_ROOTFS_H
#define LC_ROOTFS_H

#include <stdbool.h>

#include "libcontainer.h"
#include "spec.h"

struct lc_rootfs {
  const struct lc_spec *spec;
  const char *rootfs; /* absolute host path of root.path */
  const char *bundle; /* absolute */
  bool no_pivot;
  int devnull; /* verified host /dev/null (char 1:3) */
  /* Called once before the first "cgroup" mount, or after the mounts when
   * there is none (may be NULL). */
  int (*before_cgroup)(void *arg, lc_error_t *err);
  void *arg;
};

/* In the new mount namespace, before the prestart hooks: propagation,
 * the rootfs bind, every mount entry, devices, masked/read-only paths. */
int lc_rootfs_prepare(const struct lc_rootfs *r, lc_error_t *err);
/* After the createContainer hooks: pivot_root (or MS_MOVE + chroot),
 * rootfsPropagation, read-only root. cwd is "/" afterwards. */
int lc_rootfs_finish(const struct lc_rootfs *r, lc_error_t *err);
/* Open and verify the host's /dev/null for masking (DESIGN.md §5 rule 6). */
int lc_open_devnull(lc_error_t *err);

#endif
