/* devices.h — device nodes and /dev symlinks in the container's /dev
 * (config-linux.md § Devices, § Default Devices, config.md § Default Filesystems). */
#ifndef LC_DEVICES_H
#define LC_DEVICES_H

#include <stdbool.h>

#include "libcontainer.h"
#include "spec.h"

/* Create the spec's default devices (unless the config names them itself)
 * and linux.devices under rootfd, by mknod, or by bind-mounting the host's
 * node when mknod is not permitted (user namespaces). */
int lc_devices_create(int rootfd, const struct lc_spec *spec, lc_error_t *err);
/* /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx (and /dev/core). */
int lc_devices_symlinks(int rootfd, lc_error_t *err);
/* Whether the config mounts something on /dev itself (otherwise we leave
 * the image's /dev alone except for the default devices). */
bool lc_devices_dev_is_mounted(const struct lc_spec *spec);

#endif
