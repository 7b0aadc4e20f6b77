/* cgroup-writers.h — turning linux.resources into cgroup files
 * (config-linux.md § Control groups and its subsections).
 *
 * Writers are pure functions of (resources, cgroup directory fd): they
 * open files relative to `dirfd` with openat(O_WRONLY|O_TRUNC|O_NOFOLLOW),
 * never create a file and never look anywhere else, so the unit tests drive
 * them against a temporary directory and the manager (cgroup.c) decides
 * which directory that is.  `dirfd` may be an O_PATH descriptor.
 * Absent fields are not written.  A file the kernel does not offer (ENOENT)
 * for a field that IS set is an error naming the field and the file:
 *   linux.resources.memory.swap: open "memory.memsw.limit_in_bytes": No such file or directory
 * Exceptions (like runc): kernel memory limits the kernel dropped, swap
 * "max"/"0" where swap accounting is off, blkio weightDevice/leafWeight
 * where the scheduler has no such knob (a warning).
 *
 * Like runc, a memory limit/reservation/swap or cpu shares/quota/period of 0
 * means "unset" (Go's zero value in every engine); pids.limit 0 is a real
 * limit (config-linux.md § PIDs).
 *
 * Devices: the device rules applied are linux.resources.devices followed by
 * the defaults every container gets (lc_cg_default_device_rules(), runc's
 * AllowedDevices: mknod of any node, null zero full random urandom tty,
 * /dev/pts/N, ptmx, tun/tap).  The writers add them, not the caller, so v1
 * and v2 agree.  They come last, so a config's deny-all cannot take
 * /dev/null away (what runc does).  Because the device writers always reset
 * the whole list, `update` must hand them the container's full device list
 * (or not call them at all). */
#ifndef LC_CGROUP_WRITERS_H
#define LC_CGROUP_WRITERS_H

#include <stdint.h>

#include "libcontainer.h"
#include "spec.h"

/* ---- cgroup v1: one writer per controller hierarchy ---- */
typedef int (*lc_cg1_writer)(int dirfd, const struct lc_resources *r, lc_error_t *err);

struct lc_cg1_controller {
  const char *name;    /* hierarchy name under /sys/fs/cgroup: "memory", "cpu", ... */
  lc_cg1_writer write; /* NULL: nothing to write (joined only) */
  bool (*needed)(const struct lc_resources *r); /* does r set anything here? */
};

/* Every v1 controller we know, in the order they must be written: cpuset
 * first (a process may only join once cpus/mems are set), devices last.
 * Memory limit vs memsw ordering is handled inside the memory writer.
 * `needed` is NULL for controllers with no writer; the devices entry is
 * always needed (the default rules). */
const struct lc_cg1_controller *lc_cg1_controllers(size_t *n);

/* Checks that need no cgroup and fail before anything is written:
 * `unified` keys on v1, swappiness > 100, ...  Call it before the writers. */
int lc_cg1_check(const struct lc_resources *r, lc_error_t *err);

/* A new v1 cpuset cgroup starts with empty cpuset.cpus/cpuset.mems and no
 * process can join it; copy the parent's values into whichever of the two
 * is empty.  Call it for every level the manager creates, top down, before
 * the cpuset writer and before any process joins. */
int lc_cg1_cpuset_init(int parentfd, int dirfd, lc_error_t *err);

/* v1 devices cgroup: "a" to devices.deny, then every rule (config then
 * defaults) to devices.allow / devices.deny, in order. */
int lc_cg1_write_devices(int dirfd, const struct lc_resources *r, lc_error_t *err);

/* ---- cgroup v2: one directory for everything ---- */
/* Writes every field of `r` (with the v1->v2 conversions runc/crun use:
 * cpu.shares -> cpu.weight, blkio weight -> io.bfq.weight (or io.weight,
 * converted), memory swap = limit+swap -> memory.swap.max = swap - limit,
 * ...) and the `unified` map last.  Refuses what v2 has no file for
 * (realtime, kernel memory, net_cls/net_prio).  Devices are NOT written here
 * (see cgroup-bpf.h: lc_cg2_devices_apply). */
int lc_cg2_write_resources(int dirfd, const struct lc_resources *r, lc_error_t *err);

/* Controllers r needs enabled in the parent's cgroup.subtree_control, as
 * "+cpu +memory ..." (malloc'd; "" when none), including the controllers
 * named by `unified` keys.  Returns how many. */
int lc_cg2_needed_controllers(const struct lc_resources *r, char **out);

/* Conversions, exposed for the unit tests. */
uint64_t lc_cg_shares_to_weight(uint64_t shares);
uint64_t lc_cg_blkio_weight_to_io_weight(uint64_t w);

/* ---- device rules, shared by the v1 writer and the v2 eBPF filter ---- */
enum { LC_DEV_ACC_MKNOD = 1, LC_DEV_ACC_READ = 2, LC_DEV_ACC_WRITE = 4, LC_DEV_ACC_ALL = 7 };

/* One normalised rule: type 'a' 'b' or 'c'; major/minor -1 = any. The access
 * bits are the kernel's BPF_DEVCG_ACC_* values. */
struct lc_cg_dev_rule {
  bool allow;
  char type;
  int64_t major, minor;
  unsigned access;
};

/* The defaults (see the top of this file). */
const struct lc_device_cgroup *lc_cg_default_device_rules(size_t *n);

/* r->devices (may be NULL/empty) normalised and checked, then the defaults. */
int lc_cg_device_rules(const struct lc_resources *r, struct lc_cg_dev_rule **out, size_t *n,
                       lc_error_t *err);

/* ---- helpers shared by the writers (cgroup-writers.c) ---- */
/* Write `value` to dirfd/file; errors name the config field:
 *   <field>: write "5" to "memory.max": Invalid argument */
int lc_cg_write(int dirfd, const char *file, const char *value, const char *field, lc_error_t *err);
int lc_cg_writef(int dirfd, const char *file, const char *field, lc_error_t *err, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
/* Write each of lines[0..n) with its own write(2) on one open file (the
 * kernel parses one entry per write).  `nl` appends a newline to each. */
int lc_cg_write_lines(int dirfd, const char *file, char *const *lines, size_t n, bool nl,
                      const char *field, lc_error_t *err);
/* Does dirfd offer `file`? */
bool lc_cg_has_file(int dirfd, const char *file);
/* Writers with the same file on v1 and v2 (pids.max, rdma.max), and the
 * hugepage size check ("2MB": digits, K|M|G|T, "B" — never a path). */
int lc_cg_write_pids(int dirfd, const struct lc_resources *r, lc_error_t *err);
int lc_cg_write_rdma(int dirfd, const struct lc_resources *r, lc_error_t *err);
int lc_cg_check_page_size(const char *size, size_t index, lc_error_t *err);
/* hugepageLimits into hugetlb.<size>.<suffix> and, where the kernel has it,
 * hugetlb.<size>.rsvd.<suffix> (v1: "limit_in_bytes", v2: "max"). */
int lc_cg_write_hugetlb(int dirfd, const struct lc_resources *res, const char *suffix,
                        lc_error_t *err);

#endif
