/* spec.h — our own model of config.json (runtime-spec v1.3.0, Linux).
 *
 * spec-parse.c fills these structs from the yajl tree; nothing outside it sees
 * JSON.  Conventions:
 *  - strings are NULL when absent; arrays are (pointer, count) pairs;
 *  - an optional number or bool has a `has_<name>` flag next to it;
 *  - string maps (annotations, sysctl, unified) are lc_kv arrays in document
 *    order.
 * Every field of the spec is parsed even where nothing acts on it yet.
 *
 * Errors (spec-parse.c, validate.c) name the JSON path: `process.user.uid`,
 * `mounts[2].destination`, map entries as `linux.sysctl["net.ipv4.ip_forward"]`,
 * the document as `(root)`.  lc_spec_parse() and lc_spec_validate() messages
 * carry no prefix; lc_spec_load() prefixes its own with "config.json: " and
 * the lifecycle prefixes validation errors the same way, so the user always
 * sees `ocirun: config.json: <path>: <problem>`.  JSON null counts as absent;
 * for a repeated key the last occurrence wins. */
#ifndef LC_SPEC_H
#define LC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libcontainer.h"

struct lc_kv {
  char *key;
  char *value;
};

struct lc_id_mapping {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

/* ---- process ------------------------------------------------------------ */

struct lc_rlimit {
  char *type; /* "RLIMIT_NOFILE" */
  uint64_t soft;
  uint64_t hard;
};

struct lc_capabilities {
  char **bounding, **effective, **inheritable, **permitted, **ambient; /* NULL-terminated */
  bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct lc_user {
  uint32_t uid, gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;
};

struct lc_scheduler {
  char *policy; /* SCHED_OTHER ... (required when scheduler is present) */
  bool has_nice, has_priority;
  int32_t nice, priority;
  char **flags; /* NULL-terminated */
  bool has_runtime, has_deadline, has_period;
  uint64_t runtime, deadline, period;
};

struct lc_io_priority {
  char *class_; /* IOPRIO_CLASS_RT | _BE | _IDLE */
  int32_t priority;
};

struct lc_process {
  bool terminal;
  bool has_console_size;
  uint64_t console_height, console_width;
  struct lc_user user;
  char **args;        /* NULL-terminated */
  char *command_line; /* Windows only; parsed, unused */
  char **env;         /* NULL-terminated */
  char *cwd;
  struct lc_capabilities *capabilities;
  struct lc_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  struct lc_scheduler *scheduler;
  char *selinux_label;
  struct lc_io_priority *io_priority;
  char *exec_cpu_affinity_initial;
  char *exec_cpu_affinity_final;
};

/* ---- root, mounts, hooks ----------------------------------------------- */

struct lc_root {
  char *path;
  bool readonly;
};

struct lc_mount {
  char *destination;
  char *type;
  char *source;
  char **options; /* NULL-terminated */
  struct lc_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
};

struct lc_hook {
  char *path;
  char **args; /* NULL-terminated */
  char **env;  /* NULL-terminated */
  bool has_timeout;
  int timeout; /* seconds, >= 1 */
};

struct lc_hook_list {
  struct lc_hook *v;
  size_t n;
};

struct lc_hooks {
  struct lc_hook_list prestart, create_runtime, create_container, start_container, poststart,
    poststop;
};

/* ---- linux -------------------------------------------------------------- */

enum lc_ns_type {
  LC_NS_PID = 0,
  LC_NS_NETWORK,
  LC_NS_MOUNT,
  LC_NS_IPC,
  LC_NS_UTS,
  LC_NS_USER,
  LC_NS_CGROUP,
  LC_NS_TIME,
  LC_NS__COUNT
};

struct lc_namespace {
  enum lc_ns_type type;
  char *path;
};

struct lc_device {
  char *path;
  char type;            /* c b u p */
  int64_t major, minor; /* required for c, b, u */
  bool has_major, has_minor;
  bool has_file_mode, has_uid, has_gid;
  uint32_t file_mode, uid, gid;
};

struct lc_net_device {
  char *host_name; /* the map key */
  char *name;      /* optional new name inside the container */
};

struct lc_device_cgroup {
  bool allow;
  char *type; /* a, c, b or NULL (= all) */
  bool has_major, has_minor;
  int64_t major, minor;
  char *access; /* rwm subset or NULL */
};

struct lc_memory {
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
  int64_t limit, reservation, swap, kernel, kernel_tcp;
  uint64_t swappiness;
  bool has_disable_oom_killer, disable_oom_killer;
  bool has_use_hierarchy, use_hierarchy;
  bool has_check_before_update, check_before_update;
};

struct lc_cpu {
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period,
    has_idle;
  uint64_t shares, period, burst, realtime_period;
  int64_t quota, realtime_runtime, idle;
  char *cpus, *mems;
};

struct lc_blkio_weight_device {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
};

struct lc_blkio_throttle {
  int64_t major, minor;
  uint64_t rate;
};

struct lc_throttle_list {
  struct lc_blkio_throttle *v;
  size_t n;
};

struct lc_blkio {
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  struct lc_blkio_weight_device *weight_device;
  size_t n_weight_device;
  struct lc_throttle_list read_bps, write_bps, read_iops, write_iops;
};

struct lc_hugepage_limit {
  char *page_size; /* "2MB" */
  uint64_t limit;
};

struct lc_net_priority {
  char *name;
  uint32_t priority;
};

struct lc_network {
  bool has_class_id;
  uint32_t class_id;
  struct lc_net_priority *priorities;
  size_t n_priorities;
};

struct lc_rdma {
  char *device; /* the map key */
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
};

struct lc_resources {
  struct lc_device_cgroup *devices;
  size_t n_devices;
  struct lc_memory *memory;
  struct lc_cpu *cpu;
  bool has_pids_limit;
  int64_t pids_limit;
  struct lc_blkio *block_io;
  struct lc_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct lc_network *network;
  struct lc_rdma *rdma;
  size_t n_rdma;
  struct lc_kv *unified;
  size_t n_unified;
};

struct lc_seccomp_arg {
  uint32_t index;
  uint64_t value, value_two;
  bool has_value_two;
  char *op; /* SCMP_CMP_* */
};

struct lc_seccomp_syscall {
  char **names; /* NULL-terminated, at least one */
  char *action; /* SCMP_ACT_* */
  bool has_errno_ret;
  uint32_t errno_ret;
  struct lc_seccomp_arg *args;
  size_t n_args;
};

struct lc_seccomp {
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures; /* NULL-terminated */
  char **flags;         /* NULL-terminated */
  char *listener_path;
  char *listener_metadata;
  struct lc_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct lc_intel_rdt {
  char *clos_id;
  char **schemata; /* NULL-terminated */
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool enable_monitoring;
};

struct lc_memory_policy {
  char *mode; /* MPOL_* */
  char *nodes;
  char **flags; /* NULL-terminated */
};

struct lc_personality {
  char *domain; /* LINUX | LINUX32 */
  char **flags; /* NULL-terminated */
};

struct lc_time_offset {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
};

struct lc_linux {
  struct lc_namespace *namespaces;
  size_t n_namespaces;
  struct lc_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct lc_time_offset time_boottime, time_monotonic;
  struct lc_device *devices;
  size_t n_devices;
  struct lc_net_device *net_devices;
  size_t n_net_devices;
  char *cgroups_path;
  struct lc_resources *resources;
  char *rootfs_propagation;
  struct lc_seccomp *seccomp;
  struct lc_kv *sysctl;
  size_t n_sysctl;
  char **masked_paths;   /* NULL-terminated; has_ tells absent from [] */
  char **readonly_paths; /* NULL-terminated */
  bool has_masked_paths, has_readonly_paths;
  char *mount_label;
  struct lc_intel_rdt *intel_rdt;
  struct lc_memory_policy *memory_policy;
  struct lc_personality *personality;
};

/* ---- the whole config ---------------------------------------------------- */

struct lc_spec {
  char *oci_version;
  struct lc_process *process; /* NULL when absent (allowed for create? no: validate) */
  struct lc_root *root;
  char *hostname;
  char *domainname;
  struct lc_mount *mounts;
  size_t n_mounts;
  struct lc_hooks hooks;
  struct lc_kv *annotations;
  size_t n_annotations;
  struct lc_linux *linux_; /* NULL when absent */
};

/* Namespace name <-> enum ("pid", "network", "mount", "ipc", "uts", "user",
 * "cgroup", "time"); returns -1 for unknown names. */
int lc_ns_type_from_name(const char *name);
const char *lc_ns_type_name(enum lc_ns_type t);

/* Convenience lookups used by the lifecycle code. */
const struct lc_namespace *lc_spec_namespace(const struct lc_spec *spec, enum lc_ns_type t);
const char *lc_spec_annotation(const struct lc_spec *spec, const char *key);

/* Parse only the `linux.resources` object (the `update --resources` body). */
int lc_resources_parse(const char *json, size_t len, struct lc_resources **out, lc_error_t *err);
void lc_resources_free(struct lc_resources *r);

/* Parse only a `process` object (the `exec --process` file). */
int lc_process_parse(const char *json, size_t len, struct lc_process **out, lc_error_t *err);
void lc_process_free(struct lc_process *p);

#endif
