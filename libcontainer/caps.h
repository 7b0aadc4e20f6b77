/* caps.h — process.capabilities (config.md § Linux Process): bounding,
 * effective, permitted, inheritable and ambient sets via libcap. */
#ifndef LC_CAPS_H
#define LC_CAPS_H

#include "libcontainer.h"
#include "spec.h"

/* Before the uid change: drop the bounding set to the configured one and
 * keep permitted capabilities across setuid (PR_SET_KEEPCAPS). */
int lc_caps_prepare(const struct lc_process *p, lc_error_t *err);
/* After the uid change: set effective/permitted/inheritable, then ambient. */
int lc_caps_apply(const struct lc_process *p, lc_error_t *err);
/* Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int lc_caps_kernel_last(void);

#endif
