/* lsm.h — SELinux and AppArmor labels (config.md § Linux Process:
 * selinuxLabel, apparmorProfile; config-linux.md § Mount Label) and the
 * per-container session keyring. */
#ifndef LC_LSM_H
#define LC_LSM_H

#include <stdbool.h>

#include "libcontainer.h"
#include "spec.h"

/* Checked before any side effect: a requested label on a host whose LSM
 * is not enabled is an error (fail closed; an empty label is fine). */
int lc_lsm_check(const struct lc_spec *spec, lc_error_t *err);
/* Set the exec labels of the calling thread (right before execve). */
int lc_lsm_set_exec_labels(const struct lc_process *p, lc_error_t *err);
/* mount data with `context="<label>"` added when linux.mountLabel is set
 * and SELinux is on; newly allocated (NULL when data is NULL and no label). */
char *lc_lsm_mount_data(const char *label, const char *type, const char *data);
/* Join a new session keyring "_ses.<id>" (runc's name). */
int lc_keyring_join(const char *id, lc_error_t *err);

bool lc_selinux_enabled(void);
bool lc_apparmor_enabled(void);

#endif
