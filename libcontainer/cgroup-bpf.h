/* cgroup-bpf.h — the cgroup v2 device filter (config-linux.md § Allowed
 * Device list on cgroup v2, where the devices controller is an eBPF program
 * of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup).
 *
 * Semantics: the rules are linux.resources.devices followed by the defaults
 * (lc_cg_device_rules() in cgroup-writers.h; the builder below takes the
 * list as given).  For a device and each access bit asked for (r, w, m),
 * the last rule in the list that matches the device and names the bit
 * decides it; a request is allowed only when every bit it asks for is
 * allowed; a bit no rule names is denied.  (runc's filter instead needs one
 * rule to cover all the bits: it denies "rw" when "r" and "w" were allowed
 * by two rules; v1's exception list allows it, and so do we.)
 *
 * It must not: write cgroup files (cgroup-v2.c does) or decide which cgroup
 * (cgroup.c does). */
#ifndef LC_CGROUP_BPF_H
#define LC_CGROUP_BPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "cgroup-writers.h"

/* Compile `rules` (in order) into a program; *out is malloc'd. */
int lc_bpf_devices_build(const struct lc_cg_dev_rule *rules, size_t n, struct bpf_insn **out,
                         size_t *len, lc_error_t *err);

/* BPF_PROG_LOAD it; returns the program fd (O_CLOEXEC).  The verifier's
 * log ends the error message when the kernel refuses the program. */
int lc_bpf_devices_load(const struct bpf_insn *insns, size_t len, lc_error_t *err);

/* Attach `progfd` to the cgroup `cgfd` (any fd of the directory, O_PATH
 * too) so that it REPLACES the device programs attached there before: one
 * old program is swapped atomically with BPF_F_REPLACE (kernel 5.6);
 * otherwise the new one is attached first and the old ones detached after,
 * so there is no moment without a filter.  The attachment outlives our fds. */
int lc_bpf_devices_attach(int cgfd, int progfd, lc_error_t *err);

/* The device programs attached to `cgfd` itself (BPF_PROG_QUERY), as ids;
 * *ids is malloc'd.  For tests and `update`. */
int lc_bpf_devices_query(int cgfd, uint32_t **ids, size_t *n, lc_error_t *err);

/* All of the above for linux.resources (plus the defaults): build, load,
 * attach in place of the old filter.  Call it at create and at update with
 * the container's full device list. */
int lc_cg2_devices_apply(int dirfd, const struct lc_resources *r, lc_error_t *err);

#endif
