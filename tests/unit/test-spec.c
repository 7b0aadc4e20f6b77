/* test-spec.c — config.json parsing (spec-parse.c), freeing (spec-free.c) and
 * the `spec` template (spec-default.c).
 *
 * The full-featured fixture tests/fixtures/valid/full.json sets every field
 * of the model (config.md, config-linux.md); each one is asserted here.
 * Runs from tests/unit (meson workdir). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

#define FIXTURES "../fixtures"

static struct lc_spec *parse_str(const char *json, lc_error_t *err)
{
  struct lc_spec *spec = NULL;
  lc_error_clear(err);
  if (lc_spec_parse(json, strlen(json), &spec, err) < 0)
    return NULL;
  return spec;
}

static struct lc_spec *load_fixture(const char *name)
{
  char *text = NULL;
  size_t len = 0;
  lc_error_t err = {0};
  char *path = xasprintf(FIXTURES "/valid/%s", name);
  struct lc_spec *spec = NULL;
  if (lc_read_file_at(AT_FDCWD, path, &text, &len, &err) < 0
      || lc_spec_parse(text, len, &spec, &err) < 0)
    printf("# %s: %s\n", path, err.msg);
  free(path);
  free(text);
  lc_error_clear(&err);
  return spec;
}

/* Parse `json` and expect the error message `want`. */
static void parse_fails(const char *json, const char *want, const char *name)
{
  lc_error_t err = {0};
  struct lc_spec *spec = parse_str(json, &err);
  ok(spec == NULL && err.errnum == EINVAL, "%s: refused with EINVAL", name);
  is_str(err.msg, want, name);
  lc_spec_free(spec);
  lc_error_clear(&err);
}

static bool strv_is(char **v, const char *const *want)
{
  size_t i = 0;
  for (; v && v[i] && want[i]; i++)
    if (strcmp(v[i], want[i]) != 0)
      return false;
  return v && !v[i] && !want[i];
}
#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- full.json ------------------------------------------------------------ */

static void check_process(const struct lc_process *p)
{
  ok(p->terminal, "process.terminal");
  ok(p->has_console_size && p->console_height == 25 && p->console_width == 80,
     "process.consoleSize");
  is_int(p->user.uid, 1000, "user.uid");
  is_int(p->user.gid, 1001, "user.gid");
  ok(p->user.has_umask && p->user.umask == 18, "user.umask");
  ok(p->user.n_additional_gids == 3 && p->user.additional_gids[0] == 5
       && p->user.additional_gids[1] == 6 && p->user.additional_gids[2] == UINT32_MAX,
     "user.additionalGids (incl. uint32 max)");
  is_str(p->user.username, "alice", "user.username");
  ok(strv_is(p->args, STRV("/bin/sh", "-c", "echo hi")), "process.args");
  is_str(p->command_line, "sh.exe /c echo", "process.commandLine");
  ok(strv_is(p->env, STRV("PATH=/usr/bin:/bin", "TERM=xterm")), "process.env");
  is_str(p->cwd, "/work", "process.cwd");
  const struct lc_capabilities *c = p->capabilities;
  ok(c && c->has_bounding && strv_is(c->bounding, STRV("CAP_KILL", "CAP_CHOWN")), "caps.bounding");
  ok(c && c->has_effective && strv_is(c->effective, STRV("CAP_KILL")), "caps.effective");
  ok(c && c->has_inheritable && strv_is(c->inheritable, STRV("CAP_NET_RAW")), "caps.inheritable");
  ok(c && c->has_permitted && strv_is(c->permitted, STRV("CAP_KILL", "CAP_SETUID")),
     "caps.permitted");
  ok(c && c->has_ambient && strv_is(c->ambient, STRV("CAP_AUDIT_WRITE")), "caps.ambient");
  is_int(p->n_rlimits, 2, "two rlimits");
  is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type");
  ok(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096, "rlimits[0] soft/hard");
  ok(p->rlimits[1].soft == 0 && p->rlimits[1].hard == UINT64_MAX, "rlimits[1] uint64 max");
  ok(p->no_new_privileges, "noNewPrivileges");
  is_str(p->apparmor_profile, "acme_profile", "apparmorProfile");
  ok(p->has_oom_score_adj && p->oom_score_adj == -500, "oomScoreAdj");
  const struct lc_scheduler *s = p->scheduler;
  ok(s != NULL, "scheduler present");
  if (s) {
    is_str(s->policy, "SCHED_DEADLINE", "scheduler.policy");
    ok(s->has_nice && s->nice == -10, "scheduler.nice");
    ok(s->has_priority && s->priority == 20, "scheduler.priority");
    ok(strv_is(s->flags, STRV("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM")),
       "scheduler.flags");
    ok(s->has_runtime && s->runtime == 1000000, "scheduler.runtime");
    ok(s->has_deadline && s->deadline == 2000000, "scheduler.deadline");
    ok(s->has_period && s->period == 3000000, "scheduler.period");
  }
  is_str(p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675", "selinuxLabel");
  ok(p->io_priority && strcmp(p->io_priority->class_, "IOPRIO_CLASS_BE") == 0
       && p->io_priority->priority == 4,
     "ioPriority");
  is_str(p->exec_cpu_affinity_initial, "7", "execCPUAffinity.initial");
  is_str(p->exec_cpu_affinity_final, "0-3,7", "execCPUAffinity.final");
}

static void check_top(const struct lc_spec *s)
{
  is_str(s->oci_version, "1.3.0", "ociVersion");
  ok(s->root && strcmp(s->root->path, "rootfs") == 0 && s->root->readonly, "root");
  is_str(s->hostname, "full-host", "hostname");
  is_str(s->domainname, "example.org", "domainname");
  is_int(s->n_mounts, 2, "two mounts");
  const struct lc_mount *m = &s->mounts[1];
  is_str(m->destination, "/data", "mounts[1].destination");
  is_str(m->type, "bind", "mounts[1].type");
  is_str(m->source, "/srv/data", "mounts[1].source");
  ok(strv_is(m->options, STRV("rbind", "ro", "idmap")), "mounts[1].options");
  ok(m->n_uid_mappings == 1 && m->uid_mappings[0].container_id == 0
       && m->uid_mappings[0].host_id == 100000 && m->uid_mappings[0].size == 65536,
     "mounts[1].uidMappings");
  ok(m->n_gid_mappings == 1 && m->gid_mappings[0].container_id == 1
       && m->gid_mappings[0].host_id == 200000 && m->gid_mappings[0].size == 100,
     "mounts[1].gidMappings");
  ok(s->mounts[0].options == NULL && s->mounts[0].n_uid_mappings == 0, "mounts[0] no options");
  const struct lc_hooks *h = &s->hooks;
  ok(h->prestart.n == 1 && strcmp(h->prestart.v[0].path, "/usr/bin/prestart") == 0
       && strv_is(h->prestart.v[0].args, STRV("prestart", "a"))
       && strv_is(h->prestart.v[0].env, STRV("X=1")) && h->prestart.v[0].has_timeout
       && h->prestart.v[0].timeout == 5,
     "hooks.prestart");
  ok(h->create_runtime.n == 2 && !h->create_runtime.v[0].has_timeout
       && h->create_runtime.v[1].timeout == 2,
     "hooks.createRuntime");
  ok(h->create_container.n == 1
       && strcmp(h->create_container.v[0].path, "/usr/bin/create-container") == 0,
     "hooks.createContainer");
  ok(h->start_container.n == 1
       && strcmp(h->start_container.v[0].path, "/usr/bin/start-container") == 0,
     "hooks.startContainer");
  ok(h->poststart.n == 1 && strcmp(h->poststart.v[0].path, "/usr/bin/poststart") == 0,
     "hooks.poststart");
  ok(h->poststop.n == 1 && strv_is(h->poststop.v[0].args, STRV("poststop")), "hooks.poststop");
  is_int(s->n_annotations, 3, "three annotations");
  ok(strcmp(s->annotations[0].key, "org.example.b") == 0
       && strcmp(s->annotations[1].key, "org.example.a") == 0,
     "annotations keep document order");
  is_str(lc_spec_annotation(s, "org.example.a"), "first-letter", "lc_spec_annotation");
  is_str(lc_spec_annotation(s, "com.example.empty"), "", "empty annotation value");
  ok(lc_spec_annotation(s, "nope") == NULL, "missing annotation is NULL");
}

static void check_linux_basic(const struct lc_linux *l, const struct lc_spec *s)
{
  is_int(l->n_namespaces, 8, "eight namespaces");
  static const enum lc_ns_type order[] = {LC_NS_PID, LC_NS_NETWORK, LC_NS_MOUNT,  LC_NS_IPC,
                                          LC_NS_UTS, LC_NS_USER,    LC_NS_CGROUP, LC_NS_TIME};
  bool all = l->n_namespaces == 8;
  for (size_t i = 0; all && i < 8; i++)
    all = l->namespaces[i].type == order[i];
  ok(all, "namespace types in order");
  const struct lc_namespace *net = lc_spec_namespace(s, LC_NS_NETWORK);
  ok(net && net->path && strcmp(net->path, "/var/run/netns/full") == 0, "netns path");
  ok(lc_spec_namespace(s, LC_NS_PID) && !lc_spec_namespace(s, LC_NS_PID)->path, "pid ns no path");
  ok(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 1000
       && l->uid_mappings[0].size == 32000,
     "linux.uidMappings");
  ok(l->n_gid_mappings == 1 && l->gid_mappings[0].host_id == 2000
       && l->gid_mappings[0].size == 16000,
     "linux.gidMappings");
  ok(l->time_boottime.present && l->time_boottime.secs == -3600 && l->time_boottime.nanosecs == 500,
     "timeOffsets.boottime");
  ok(l->time_monotonic.present && l->time_monotonic.secs == 86400, "timeOffsets.monotonic");
  is_int(l->n_devices, 3, "three devices");
  const struct lc_device *d = &l->devices[0];
  ok(strcmp(d->path, "/dev/fuse") == 0 && d->type == 'c' && d->has_major && d->major == 10
       && d->has_minor && d->minor == 229 && d->has_file_mode && d->file_mode == 438 && d->has_uid
       && d->uid == 0 && d->has_gid && d->gid == 0,
     "devices[0] every field");
  ok(l->devices[1].type == 'b' && !l->devices[1].has_file_mode, "devices[1] block");
  ok(l->devices[2].type == 'p' && !l->devices[2].has_major, "devices[2] fifo");
  ok(l->n_net_devices == 2 && strcmp(l->net_devices[0].host_name, "eth1") == 0
       && strcmp(l->net_devices[0].name, "ctr1") == 0
       && strcmp(l->net_devices[1].host_name, "eth0") == 0 && l->net_devices[1].name == NULL,
     "netDevices in document order");
  is_str(l->cgroups_path, "/myRuntime/full", "cgroupsPath");
  is_str(l->rootfs_propagation, "slave", "rootfsPropagation");
  ok(l->n_sysctl == 3 && strcmp(l->sysctl[0].key, "net.ipv4.ip_forward") == 0
       && strcmp(l->sysctl[0].value, "1") == 0
       && strcmp(l->sysctl[2].key, "kernel.domainname") == 0,
     "sysctl in document order");
  ok(l->has_masked_paths && strv_is(l->masked_paths, STRV("/proc/kcore", "/proc/keys")),
     "maskedPaths");
  ok(l->has_readonly_paths && strv_is(l->readonly_paths, STRV("/proc/sys", "/proc/bus")),
     "readonlyPaths");
  is_str(l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811", "mountLabel");
}

static void check_linux_extras(const struct lc_linux *l)
{
  const struct lc_seccomp *sc = l->seccomp;
  ok(sc != NULL, "seccomp present");
  if (sc) {
    is_str(sc->default_action, "SCMP_ACT_ERRNO", "seccomp.defaultAction");
    ok(sc->has_default_errno_ret && sc->default_errno_ret == 38, "seccomp.defaultErrnoRet");
    ok(strv_is(sc->architectures, STRV("SCMP_ARCH_X86_64", "SCMP_ARCH_X86")), "seccomp.arches");
    ok(strv_is(sc->flags, STRV("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW")),
       "seccomp.flags");
    is_str(sc->listener_path, "/run/seccomp-agent.socket", "seccomp.listenerPath");
    is_str(sc->listener_metadata, "meta", "seccomp.listenerMetadata");
    is_int(sc->n_syscalls, 2, "two syscall rules");
    ok(strv_is(sc->syscalls[0].names, STRV("read", "write"))
         && strcmp(sc->syscalls[0].action, "SCMP_ACT_ALLOW") == 0 && !sc->syscalls[0].has_errno_ret,
       "syscalls[0]");
    const struct lc_seccomp_syscall *s1 = &sc->syscalls[1];
    ok(s1->has_errno_ret && s1->errno_ret == 1 && s1->n_args == 2, "syscalls[1] errnoRet/args");
    ok(s1->args[0].index == 0 && s1->args[0].value == 8 && !s1->args[0].has_value_two
         && strcmp(s1->args[0].op, "SCMP_CMP_EQ") == 0,
       "syscalls[1].args[0]");
    ok(s1->args[1].index == 1 && s1->args[1].value == 255 && s1->args[1].has_value_two
         && s1->args[1].value_two == 4 && strcmp(s1->args[1].op, "SCMP_CMP_MASKED_EQ") == 0,
       "syscalls[1].args[1]");
  }
  const struct lc_intel_rdt *rdt = l->intel_rdt;
  ok(rdt && strcmp(rdt->clos_id, "guaranteed_group") == 0
       && strv_is(rdt->schemata, STRV("L3:0=7f0", "MB:0=20"))
       && strcmp(rdt->l3_cache_schema, "L3:0=7f0;1=1f") == 0
       && strcmp(rdt->mem_bw_schema, "MB:0=20;1=70") == 0 && rdt->enable_monitoring,
     "intelRdt");
  const struct lc_memory_policy *mp = l->memory_policy;
  ok(mp && strcmp(mp->mode, "MPOL_INTERLEAVE") == 0 && strcmp(mp->nodes, "0-3,7") == 0
       && strv_is(mp->flags, STRV("MPOL_F_STATIC_NODES")),
     "memoryPolicy");
  ok(l->personality && strcmp(l->personality->domain, "LINUX32") == 0
       && strv_is(l->personality->flags, STRV("ADDR_NO_RANDOMIZE")),
     "personality");
}

static void check_resources(const struct lc_resources *r, const char *p)
{
#define N(x) "%s%s", p, x
  ok(r->n_devices == 2 && !r->devices[0].allow && r->devices[0].type == NULL
       && strcmp(r->devices[0].access, "rwm") == 0,
     N("devices[0]"));
  ok(r->devices[1].allow && strcmp(r->devices[1].type, "c") == 0 && r->devices[1].has_major
       && r->devices[1].major == 10 && r->devices[1].minor == 229
       && strcmp(r->devices[1].access, "rw") == 0,
     N("devices[1]"));
  const struct lc_memory *m = r->memory;
  ok(m && m->has_limit && m->limit == 536870912 && m->has_reservation && m->reservation == 268435456
       && m->has_swap && m->swap == -1 && m->has_kernel && m->kernel == 67108864
       && m->has_kernel_tcp && m->kernel_tcp == 16777216 && m->has_swappiness
       && m->swappiness == 60,
     N("memory numbers"));
  ok(m && m->has_disable_oom_killer && m->disable_oom_killer && m->has_use_hierarchy
       && !m->use_hierarchy && m->has_check_before_update && m->check_before_update,
     N("memory booleans"));
  const struct lc_cpu *c = r->cpu;
  ok(c && c->has_shares && c->shares == 1024 && c->has_quota && c->quota == 100000 && c->has_burst
       && c->burst == 5000 && c->has_period && c->period == 200000 && c->has_realtime_runtime
       && c->realtime_runtime == 950000 && c->has_realtime_period && c->realtime_period == 1000000
       && c->has_idle && c->idle == 1,
     N("cpu numbers"));
  ok(c && strcmp(c->cpus, "0-3") == 0 && strcmp(c->mems, "0") == 0, N("cpu cpus/mems"));
  ok(r->has_pids_limit && r->pids_limit == 32771, N("pids.limit"));
  const struct lc_blkio *b = r->block_io;
  ok(b && b->has_weight && b->weight == 500 && b->has_leaf_weight && b->leaf_weight == 300,
     N("blockIO weights"));
  ok(b && b->n_weight_device == 1 && b->weight_device[0].major == 8
       && b->weight_device[0].has_weight && b->weight_device[0].weight == 700
       && b->weight_device[0].has_leaf_weight && b->weight_device[0].leaf_weight == 100,
     N("blockIO.weightDevice"));
  ok(b && b->read_bps.n == 1 && b->read_bps.v[0].minor == 1 && b->read_bps.v[0].rate == 600
       && b->write_bps.n == 1 && b->write_bps.v[0].rate == 700 && b->read_iops.n == 1
       && b->read_iops.v[0].rate == 800 && b->write_iops.n == 1 && b->write_iops.v[0].minor == 4
       && b->write_iops.v[0].rate == 900,
     N("blockIO throttles"));
  ok(r->n_hugepage_limits == 2 && strcmp(r->hugepage_limits[0].page_size, "2MB") == 0
       && r->hugepage_limits[0].limit == 209715200
       && strcmp(r->hugepage_limits[1].page_size, "1GB") == 0,
     N("hugepageLimits"));
  ok(r->network && r->network->has_class_id && r->network->class_id == 1048577
       && r->network->n_priorities == 2 && strcmp(r->network->priorities[1].name, "eth1") == 0
       && r->network->priorities[1].priority == 1000,
     N("network"));
  ok(r->n_rdma == 2 && strcmp(r->rdma[0].device, "mlx5_1") == 0 && r->rdma[0].has_hca_handles
       && r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000
       && strcmp(r->rdma[1].device, "mlx4_0") == 0 && !r->rdma[1].has_hca_handles
       && r->rdma[1].has_hca_objects,
     N("rdma in document order"));
  ok(r->n_unified == 2 && strcmp(r->unified[0].key, "memory.high") == 0
       && strcmp(r->unified[1].value, "default 100") == 0,
     N("unified"));
#undef N
}

static void test_full(void)
{
  struct lc_spec *s = load_fixture("full.json");
  ok(s != NULL, "full.json parses");
  if (!s)
    return;
  ok(s->process != NULL, "process present");
  if (s->process)
    check_process(s->process);
  check_top(s);
  ok(s->linux_ != NULL, "linux present");
  if (s->linux_) {
    check_linux_basic(s->linux_, s);
    check_linux_extras(s->linux_);
    ok(s->linux_->resources != NULL, "resources present");
    if (s->linux_->resources)
      check_resources(s->linux_->resources, "resources.");
  }
  lc_spec_free(s);
}

/* ---- defaults and leniency --------------------------------------------------- */

static void test_minimal(void)
{
  struct lc_spec *s = load_fixture("minimal.json");
  ok(s != NULL, "minimal.json parses");
  if (!s)
    return;
  const struct lc_process *p = s->process;
  ok(!p->terminal && !p->has_console_size && p->user.uid == 0 && p->user.gid == 0
       && !p->user.has_umask && p->user.additional_gids == NULL && p->env == NULL
       && p->capabilities == NULL && p->n_rlimits == 0 && !p->no_new_privileges
       && !p->has_oom_score_adj && p->scheduler == NULL && p->io_priority == NULL,
     "process defaults are zero/absent");
  ok(!s->root->readonly && s->hostname == NULL && s->n_mounts == 0 && s->hooks.prestart.n == 0
       && s->n_annotations == 0 && s->linux_ == NULL,
     "top-level defaults");
  ok(lc_spec_namespace(s, LC_NS_PID) == NULL, "no linux: no namespace");
  lc_spec_free(s);

  s = load_fixture("nulls-and-extensions.json");
  ok(s != NULL, "null values and unknown fields are accepted");
  if (s) {
    ok(s->process->capabilities == NULL && !s->process->terminal && s->hostname == NULL
         && s->linux_->resources == NULL,
       "null means absent");
    ok(s->linux_->has_masked_paths && s->linux_->masked_paths && s->linux_->masked_paths[0] == NULL,
       "maskedPaths [] is present and empty");
    ok(!s->linux_->has_readonly_paths && s->linux_->readonly_paths == NULL, "readonlyPaths absent");
    is_str(s->mounts[0].destination, "tmp", "relative destination kept for validate");
  }
  lc_spec_free(s);

  s = load_fixture("runc-spec.json");
  ok(s && strcmp(s->oci_version, "1.0.2-dev") == 0 && s->process->capabilities->has_ambient,
     "runc spec output parses");
  lc_spec_free(s);
}

static void test_oci_version(void)
{
  static const struct {
    const char *v;
    bool good;
  } cases[] = {
    {"1.0.0", true},   {"1.0.2-dev", true},     {"1.1.0-rc.1", true}, {"1.2.0", true},
    {"1.3.0", true},   {"1.3.7+build.5", true}, {"1.0.0-rc5", true},  {"2.0.0", false},
    {"0.9.0", false},  {"1.4.0", false},        {"1.0", false},       {"", false},
    {"v1.0.0", false}, {"1.0.0.0", false},      {" 1.0.0", false},    {"1.-1.0", false},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *json = xasprintf("{\"ociVersion\": \"%s\"}", cases[i].v);
    lc_error_t err = {0};
    struct lc_spec *s = parse_str(json, &err);
    if (cases[i].good) {
      ok(s && strcmp(s->oci_version, cases[i].v) == 0, "ociVersion \"%s\" accepted", cases[i].v);
    } else {
      char *want =
        xasprintf("ociVersion: unsupported version \"%s\" (supported: 1.0.0 to 1.3.x)", cases[i].v);
      ok(!s && err.msg && strcmp(err.msg, want) == 0, "ociVersion \"%s\" refused", cases[i].v);
      free(want);
    }
    lc_spec_free(s);
    lc_error_clear(&err);
    free(json);
  }
  parse_fails("{}", "ociVersion: missing required field", "ociVersion required");
  parse_fails("{\"ociVersion\": 1}", "ociVersion: expected a string", "ociVersion type");
}

/* ---- parse errors that are not fixtures (they need odd bytes) ---------------- */

static void test_parse_errors(void)
{
  const char *v = "{\"ociVersion\":\"1.0.0\",";
  char *j;
  parse_fails("", "(root): expected an object", "empty document");
  parse_fails("  \n ", "(root): expected an object", "whitespace document");
  parse_fails("[1]", "(root): expected an object", "array document");
  parse_fails("\"x\"", "(root): expected an object", "string document");
  parse_fails("{", "invalid JSON: parse error: premature EOF", "truncated");
  parse_fails("{} x", "invalid JSON: parse error: trailing garbage", "trailing garbage");
  j = xasprintf("%s\"hostname\":\"a\\u0000b\"}", v);
  parse_fails(j, "invalid JSON: \\u0000 in a string", "escaped NUL refused");
  free(j);
  lc_error_t err = {0};
  struct lc_spec *s = NULL;
  static const char nul_doc[] = "{\"ociVersion\":\"1.0.0\"}\0{}";
  ok(lc_spec_parse(nul_doc, sizeof(nul_doc) - 1, &s, &err) == -EINVAL && s == NULL,
     "raw NUL byte refused");
  is_str(err.msg, "invalid JSON: NUL byte in the document", "raw NUL message");
  lc_error_clear(&err);
  size_t depth = 200;
  char *deep = xzalloc(2 * depth + 1);
  memset(deep, '[', depth);
  memset(deep + depth, ']', depth);
  j = xasprintf("%s\"x\":%s}", v, deep);
  parse_fails(j, "invalid JSON: nested deeper than 128 levels", "deep nesting refused");
  free(j);
  free(deep);
  j = xasprintf("%s\"x\":\"[[[[\\\"{{{\", \"hostname\":\"/*\\\\\"}", v);
  s = parse_str(j, &err);
  ok(s && strcmp(s->hostname, "/*\\") == 0, "brackets and escapes inside strings");
  lc_spec_free(s);
  free(j);
  j = xasprintf("/* \" */ %s\"hostname\":\"a\",\"hostname\":\"b\"}", v);
  s = parse_str(j, &err);
  ok(s && strcmp(s->hostname, "b") == 0, "comment with a quote; last duplicate key wins");
  lc_spec_free(s);
  free(j);
  j = xasprintf("%s\"annotations\":{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}}", v);
  s = parse_str(j, &err);
  ok(s && s->n_annotations == 2 && strcmp(s->annotations[0].value, "3") == 0
       && strcmp(s->annotations[1].key, "b") == 0,
     "duplicate map key replaces in place");
  lc_spec_free(s);
  free(j);
  j = xasprintf("%s\"annotations\":{\"a\\nb\":1}}", v);
  parse_fails(j, "annotations[\"a\\x0ab\"]: expected a string", "control chars escaped in path");
  free(j);
  lc_error_clear(&err);
}

static void test_integers(void)
{
  static const struct {
    const char *json, *want;
  } cases[] = {
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967295,\"gid\":0}}", NULL},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296,\"gid\":0}}",
     "process.user.uid: value 4294967296 out of range"},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1,\"gid\":0}}",
     "process.user.uid: value -1 out of range"},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-0,\"gid\":0}}", NULL},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1.5,\"gid\":0}}",
     "process.user.uid: expected an integer"},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1e3,\"gid\":0}}",
     "process.user.uid: expected an integer"},
    {"\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}",
     "process.user.uid: expected an integer"},
    {"\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_AS\",\"soft\":1,"
     "\"hard\":18446744073709551616}]}",
     "process.rlimits[0].hard: value 18446744073709551616 out of range"},
    {"\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775807}}}", NULL},
    {"\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775808}}}",
     "linux.resources.memory.limit: value 9223372036854775808 out of range"},
    {"\"linux\":{\"resources\":{\"memory\":{\"limit\":-9223372036854775808}}}", NULL},
    {"\"linux\":{\"resources\":{\"blockIO\":{\"weight\":65536}}}",
     "linux.resources.blockIO.weight: value 65536 out of range"},
    {"\"process\":{\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_RR\",\"nice\":2147483648}}",
     "process.scheduler.nice: value 2147483648 out of range"},
    {"\"process\":{\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_RR\",\"nice\":-2147483648}}",
     NULL},
    {"\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"fileMode\":512}]}",
     "linux.devices[0].fileMode: value 512 out of range"},
    {"\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}",
     "hooks.poststop[0].timeout: value 0 out of range"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *json = xasprintf("{\"ociVersion\":\"1.0.0\",%s}", cases[i].json);
    lc_error_t err = {0};
    struct lc_spec *s = parse_str(json, &err);
    if (!cases[i].want)
      ok(s != NULL, "integer case %zu accepted (%s)", i, err.msg ? err.msg : "ok");
    else
      is_str(err.msg, cases[i].want, cases[i].want);
    lc_spec_free(s);
    lc_error_clear(&err);
    free(json);
  }
}

/* ---- lc_resources_parse, lc_spec_load, names --------------------------------- */

static void test_resources(void)
{
  char *text = NULL;
  size_t len = 0;
  lc_error_t err = {0};
  struct lc_resources *r = NULL;
  int rc = lc_read_file_at(AT_FDCWD, FIXTURES "/valid/full.json", &text, &len, &err);
  ok(rc == 0, "read full.json");
  /* cut out the linux.resources object by its braces */
  const char *start = text ? strstr(text, "\"resources\": {") : NULL;
  if (start) {
    start = strchr(start, '{');
    const char *p = start;
    int depth = 0;
    do {
      depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
      p++;
    } while (depth > 0 && *p);
    rc = lc_resources_parse(start, (size_t) (p - start), &r, &err);
    ok(rc == 0 && r, "lc_resources_parse on full.json's resources");
    if (r)
      check_resources(r, "update: ");
    lc_resources_free(r);
  }
  free(text);
  r = NULL;
  static const char bad[] = "{\"memory\": {\"limit\": \"1G\"}}";
  rc = lc_resources_parse(bad, strlen(bad), &r, &err);
  ok(rc == -EINVAL && r == NULL, "bad resources refused");
  is_str(err.msg, "memory.limit: expected an integer", "resources path has no linux. prefix");
  rc = lc_resources_parse("[]", 2, &r, &err);
  is_str(err.msg, "(root): expected an object", "resources must be an object");
  rc = lc_resources_parse("{}", 2, &r, &err);
  ok(rc == 0 && r && !r->memory && !r->has_pids_limit, "empty resources");
  lc_resources_free(r);
  lc_error_clear(&err);
}

static void test_load(void)
{
  lc_error_t err = {0};
  struct lc_spec *s = NULL;
  int r = lc_spec_load("/nonexistent-ocirun-bundle", &s, &err);
  ok(r == -ENOENT && s == NULL, "missing config.json: -ENOENT");
  is_str(err.msg,
         "config.json: open \"/nonexistent-ocirun-bundle/config.json\": No such file or directory",
         "missing config.json message");
  char tmpl[] = "/tmp/test-spec-XXXXXX";
  ok(mkdtemp(tmpl) != NULL, "temp bundle");
  char *cfg = xasprintf("%s/config.json", tmpl);
  const char *doc = "{\"ociVersion\":\"1.0.0\",\"hostname\":7}";
  lc_write_file_atomic(cfg, doc, strlen(doc), 0644, &err);
  r = lc_spec_load(tmpl, &s, &err);
  is_str(err.msg, "config.json: hostname: expected a string", "parse errors get the prefix");
  doc = "{\"ociVersion\":\"1.0.0\",\"hostname\":\"h\"}";
  lc_write_file_atomic(cfg, doc, strlen(doc), 0644, &err);
  r = lc_spec_load(tmpl, &s, &err);
  ok(r == 0 && s && strcmp(s->hostname, "h") == 0, "lc_spec_load reads bundle/config.json");
  lc_spec_free(s);
  unlink(cfg);
  rmdir(tmpl);
  free(cfg);
  lc_error_clear(&err);
}

static void test_ns_names(void)
{
  static const char *const names[] = {"pid", "network", "mount",  "ipc",
                                      "uts", "user",    "cgroup", "time"};
  bool good = true;
  for (int i = 0; i < LC_NS__COUNT; i++)
    good = good && lc_ns_type_from_name(names[i]) == i
           && strcmp(lc_ns_type_name((enum lc_ns_type) i), names[i]) == 0;
  ok(good, "namespace names round-trip");
  is_int(lc_ns_type_from_name("net"), -1, "\"net\" is not a namespace type");
  ok(lc_ns_type_name(LC_NS__COUNT) == NULL, "out-of-range type has no name");
}

/* ---- the `spec` template -------------------------------------------------------- */

static void test_default(bool rootless)
{
  const char *what = rootless ? "rootless" : "default";
  char *json = lc_spec_default_json(rootless);
  ok(json && strstr(json, "\n  \"ociVersion\"") != NULL, "%s: two-space indentation", what);
  lc_error_t err = {0};
  struct lc_spec *s = json ? parse_str(json, &err) : NULL;
  ok(s != NULL, "%s template parses back (%s)", what, err.msg ? err.msg : "ok");
  free(json);
  if (!s)
    return;
  char tmpl[] = "/tmp/test-spec-XXXXXX";
  mkdtemp(tmpl);
  int r = lc_spec_validate(s, tmpl, &err);
  char *want = xasprintf("root.path: \"%s/rootfs\" does not exist", tmpl);
  ok(r == -EINVAL && err.msg && strcmp(err.msg, want) == 0, "%s: validate needs the rootfs", what);
  free(want);
  char *rootfs = xasprintf("%s/rootfs", tmpl);
  mkdir(rootfs, 0755);
  lc_error_clear(&err);
  r = lc_spec_validate(s, tmpl, &err);
  ok(r == 0, "%s template validates once rootfs exists (%s)", what, err.msg ? err.msg : "ok");
  rmdir(rootfs);
  rmdir(tmpl);
  free(rootfs);
  is_str(s->hostname, "ocirun", "hostname ocirun");
  ok(strv_is(s->process->args, STRV("sh")) && s->process->terminal && s->process->no_new_privileges,
     "sh, terminal, noNewPrivileges");
  ok(strv_is(s->process->capabilities->bounding,
             STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"))
       && !s->process->capabilities->has_ambient && !s->process->capabilities->has_inheritable,
     "runc's capabilities, no ambient/inheritable");
  ok(s->process->n_rlimits == 1 && s->process->rlimits[0].hard == 1024, "RLIMIT_NOFILE 1024");
  ok(s->root->readonly && strcmp(s->root->path, "rootfs") == 0, "readonly rootfs");
  is_int(s->n_mounts, 7, "seven mounts");
  is_int(strv_length(s->linux_->masked_paths), 10, "runc's masked paths");
  is_int(strv_length(s->linux_->readonly_paths), 5, "runc's readonly paths");
  ok(lc_spec_namespace(s, LC_NS_CGROUP) != NULL, "cgroup namespace");
  if (rootless) {
    ok(lc_spec_namespace(s, LC_NS_USER) && !lc_spec_namespace(s, LC_NS_NETWORK),
       "rootless: user ns, no network ns");
    ok(s->linux_->n_uid_mappings == 1 && s->linux_->uid_mappings[0].host_id == geteuid()
         && s->linux_->uid_mappings[0].container_id == 0 && s->linux_->n_gid_mappings == 1
         && s->linux_->gid_mappings[0].host_id == getegid(),
       "rootless: maps the caller to 0");
    ok(strcmp(s->mounts[5].type, "none") == 0 && strcmp(s->mounts[5].options[0], "rbind") == 0,
       "rootless: /sys is an rbind");
    ok(s->linux_->resources == NULL, "rootless: no resources");
  } else {
    ok(!lc_spec_namespace(s, LC_NS_USER) && lc_spec_namespace(s, LC_NS_NETWORK),
       "default: network ns, no user ns");
    ok(s->linux_->resources && s->linux_->resources->n_devices == 1
         && !s->linux_->resources->devices[0].allow,
       "default: devices deny-all");
    ok(strv_contains(s->mounts[2].options, "gid=5"), "default: devpts gid=5");
  }
  lc_spec_free(s);
  lc_error_clear(&err);
}

int main(void)
{
  test_full();
  test_minimal();
  test_oci_version();
  test_parse_errors();
  test_integers();
  test_resources();
  test_load();
  test_ns_names();
  test_default(false);
  test_default(true);
  return tap_done();
}
