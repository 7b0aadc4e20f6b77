/* cgroup.h — the cgroupfs cgroup manager (config-linux.md § Control groups,
 * § Cgroups Path): where a container's cgroup lives on the host's layout
 * (pure v1, hybrid v1 + /sys/fs/cgroup/unified, pure v2), creating it,
 * placing processes in it, freezing, listing, signalling and removing it.
 *
 * It decides WHICH directory; the writers (cgroup-writers.h, cgroup-bpf.h)
 * decide what goes into the files.  It never remounts anything: it works on
 * the layout as found.  A cgroup is described by one `struct lc_cgroup`:
 * one entry per hierarchy the container is placed in.  The state record
 * keeps it as text (lc_cgroup_serialize) so later commands can act on it
 * without the runtime's own cgroup (which relative paths depend on). */
#ifndef LC_CGROUP_H
#define LC_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libcontainer.h"
#include "spec.h"
#include "state.h"

#define LC_CGROUP_ROOT "/sys/fs/cgroup"

enum lc_cg_layout {
  LC_CG_LAYOUT_NONE = 0, /* no cgroup file system at all */
  LC_CG_LAYOUT_V1,       /* v1 hierarchies only */
  LC_CG_LAYOUT_HYBRID,   /* v1 hierarchies + cgroup2 at /sys/fs/cgroup/unified */
  LC_CG_LAYOUT_V2,       /* cgroup2 at /sys/fs/cgroup */
};

/* One hierarchy the container is placed in. */
struct lc_cg_hier {
  char *controllers; /* v1: "memory", "cpu,cpuacct", "name=systemd"; cgroup2: "" */
  char *mount;       /* mount point of the hierarchy */
  char *mount_root;  /* root of the mount inside the hierarchy ("/" normally) */
  char *path;        /* absolute directory of the container's cgroup */
  char *created;     /* shallowest directory lc_cgroup_create made, or NULL */
  int dirfd;         /* open directory of `path`, or -1 */
};

struct lc_cgroup {
  enum lc_cg_layout layout;
  struct lc_cg_hier *h;
  size_t n;
};

/* The host's layout, from statfs of /sys/fs/cgroup (and .../unified). */
enum lc_cg_layout lc_cg_layout_detect(void);

/* Parse /proc/self/mountinfo text into the hierarchies of `layout` (mount,
 * mount_root and controllers set; path NULL).  v1 hierarchies are the
 * cgroup mounts below /sys/fs/cgroup, one per controller set; hybrid adds
 * the cgroup2 mount at /sys/fs/cgroup/unified; v2 is /sys/fs/cgroup only. */
int lc_cg_parse_mountinfo(const char *text, enum lc_cg_layout layout, struct lc_cgroup *out,
                          lc_error_t *err);
/* The path of the line of /proc/<pid>/cgroup text whose controller list
 * equals `controllers` as a set ("" is the cgroup2 line `0::`); NULL if none. */
char *lc_cg_own_path(const char *proc_cgroup, const char *controllers);
/* linux.cgroupsPath cleaned like runc's cgroupfs driver: NULL/"" -> `id`
 * (relative); "." and ".." resolved without ever leaving the root; duplicate
 * slashes removed.  The result starts with '/' iff it is absolute. */
char *lc_cg_inner_path(const char *cgroups_path, const char *id);
/* The container's directory in one hierarchy: absolute inner paths below
 * the mount; relative ones below the runtime's own cgroup (`own`, taken
 * from /proc/self/cgroup; for pure v2 below its parent, like runc). */
char *lc_cg_dir(const struct lc_cg_hier *h, enum lc_cg_layout layout, const char *inner,
                const char *own);

/* Where the container's cgroup goes, without touching anything:
 * `spec`'s linux.cgroupsPath (absent -> the id) on the host's layout.
 * -ENOENT with "no cgroup file system mounted" when there is none. */
int lc_cgroup_plan(const struct lc_spec *spec, const char *id, struct lc_cgroup **out,
                   lc_error_t *err);
/* mkdir the directories (v1 cpuset: cpus/mems copied down from the parent;
 * v2: the parent's available controllers enabled in subtree_control), then
 * write `r` (may be NULL) and the device rules (config + runc's default
 * allow list).  On failure everything this call created is removed again. */
int lc_cgroup_create(struct lc_cgroup *cg, const struct lc_resources *r, lc_error_t *err);
/* Write `r` into an existing cgroup (update).  Devices are rewritten (the v2
 * filter replaced) only when `devices` is true. */
int lc_cgroup_set(struct lc_cgroup *cg, const struct lc_resources *r, bool devices,
                  lc_error_t *err);
/* The cgroup2 directory fd for clone3(CLONE_INTO_CGROUP) on pure v2, else -1
 * (then lc_cgroup_attach must place the child). */
int lc_cgroup_clone_fd(const struct lc_cgroup *cg);
/* Write `pid` into cgroup.procs of every hierarchy. */
int lc_cgroup_attach(const struct lc_cgroup *cg, pid_t pid, lc_error_t *err);
/* Remove the directories lc_cgroup_create made (deepest first). */
void lc_cgroup_remove_created(struct lc_cgroup *cg);

/* The record text: one `controllers:path` line per hierarchy. */
char *lc_cgroup_serialize(const struct lc_cgroup *cg);
/* Rebuild from the record text; directories that are gone stay closed
 * (dirfd -1), so this succeeds for a half-removed cgroup. */
int lc_cgroup_load(const char *recorded, struct lc_cgroup **out, lc_error_t *err);
void lc_cgroup_free(struct lc_cgroup *cg);

/* The directory to read processes and stats from (v2/unified, else the v1
 * freezer/pids/devices/memory hierarchy, else the first); NULL if none. */
const struct lc_cg_hier *lc_cgroup_main(const struct lc_cgroup *cg);
/* The v1 hierarchy holding `controller`, or NULL. */
const struct lc_cg_hier *lc_cgroup_v1(const struct lc_cgroup *cg, const char *controller);
/* Every pid in the cgroup and its sub-cgroups, sorted, without duplicates. */
int lc_cgroup_pids(const struct lc_cgroup *cg, pid_t **pids, size_t *n, lc_error_t *err);
/* Freeze (v1 freezer.state FROZEN, v2 cgroup.freeze 1) or thaw, and wait
 * until the kernel reports the state reached. */
int lc_cgroup_freeze(const struct lc_cgroup *cg, bool frozen, lc_error_t *err);
/* Whether the cgroup is frozen now (false when it has no freezer). */
bool lc_cgroup_is_frozen(const struct lc_cgroup *cg);
/* Signal every process: v2 SIGKILL through cgroup.kill when the kernel has
 * it; otherwise every pid, with the cgroup frozen around it (so nothing
 * forks past us) unless it already was. */
int lc_cgroup_signal(const struct lc_cgroup *cg, int signo, lc_error_t *err);
/* Remove the cgroup: wait (bounded) for its processes to exit, SIGKILL the
 * stragglers, then rmdir every directory, sub-cgroups first. */
int lc_cgroup_destroy(struct lc_cgroup *cg, lc_error_t *err);

/* ---- cgroup-stats.c ---- */
/* runc's `events --stats` data object ({"cpu":..,"memory":..,...}). */
int lc_cgroup_stats_json(const struct lc_cgroup *cg, char **json, lc_error_t *err);
/* The OOM-kill counter (v2 memory.events oom_kill, v1 memory.oom_control
 * oom_kill, + under_oom); 0 when unavailable. */
uint64_t lc_cgroup_oom_count(const struct lc_cgroup *cg);

/* ---- lifecycle glue (container-cgroup.c) ---- */
/* `--systemd-cgroup`: refused (no systemd manager in this build); clear
 * error when systemd is not even running. */
int lc_cgroup_check_manager(enum lc_cgroup_manager m, lc_error_t *err);
/* create, before the record is written: the cgroup to make (*out NULL with
 * --cgroup-manager disabled).  Nothing is touched yet. */
int lc_cgroup_prepare(const struct lc_context *ctx, const struct lc_spec *spec,
                      struct lc_cgroup **out, lc_error_t *err);
/* create, after the record names the cgroup: save config.json's
 * linux.resources in the state dir (for update) and create the cgroup.
 * Does nothing for a NULL cg. */
int lc_cgroup_setup(struct lc_cgroup *cg, const struct lc_spec *spec, const char *bundle,
                    int statedirfd, lc_error_t *err);
/* delete: destroy the cgroup the record names (nothing if none). */
int lc_cgroup_record_remove(const struct lc_state_record *rec, lc_error_t *err);
/* kill --all / delete --force: signal every process of the record's cgroup. */
int lc_cgroup_record_signal(const struct lc_state_record *rec, int signo, lc_error_t *err);

#endif
