/* spec-default.c — the config.json that `ocirun spec` writes.
 *
 * Owns: lc_spec_default_json(), runc's `spec` template (ocirun's hostname,
 * no implicit ambient/inheritable capabilities — DESIGN.md §5 rule 8 — and
 * the cgroup namespace newer runc adds).  `rootless` follows
 * `runc spec --rootless`: a user namespace mapping the caller's euid/egid to
 * 0, no network namespace, sysfs bind-mounted from the host, no devpts gid=5
 * and no resources.  Generated with yajl_gen, two-space indentation.
 *
 * It must not: read or write files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "spec.h"
#include "xalloc.h"

#define DEFAULT_OCI_VERSION "1.3.0"

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                                           NULL};
static const char *const default_env[] = {
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
static const char *const masked_paths[] = {"/proc/acpi",
                                           "/proc/asound",
                                           "/proc/kcore",
                                           "/proc/keys",
                                           "/proc/latency_stats",
                                           "/proc/timer_list",
                                           "/proc/timer_stats",
                                           "/proc/sched_debug",
                                           "/sys/firmware",
                                           "/proc/scsi",
                                           NULL};
static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};

struct default_mount {
  const char *destination, *type, *source;
  const char *options[8];
  bool rootful_only, rootless_only;
};

static const struct default_mount default_mounts[] = {
  {"/proc", "proc", "proc", {NULL}},
  {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
  {"/dev/pts",
   "devpts",
   "devpts",
   {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
   .rootful_only = true},
  {"/dev/pts",
   "devpts",
   "devpts",
   {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"},
   .rootless_only = true},
  {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
  {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
  {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}, .rootful_only = true},
  {"/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}, .rootless_only = true},
  {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
};

static void gen_str(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void gen_key_str(yajl_gen g, const char *k, const char *v)
{
  gen_str(g, k);
  gen_str(g, v);
}

static void gen_key_int(yajl_gen g, const char *k, long long v)
{
  gen_str(g, k);
  yajl_gen_integer(g, v);
}

static void gen_key_bool(yajl_gen g, const char *k, bool v)
{
  gen_str(g, k);
  yajl_gen_bool(g, v);
}

static void gen_key_strv(yajl_gen g, const char *k, const char *const *v)
{
  gen_str(g, k);
  yajl_gen_array_open(g);
  for (; *v; v++)
    gen_str(g, *v);
  yajl_gen_array_close(g);
}

static void gen_process(yajl_gen g)
{
  gen_str(g, "process");
  yajl_gen_map_open(g);
  gen_key_bool(g, "terminal", true);
  gen_str(g, "user");
  yajl_gen_map_open(g);
  gen_key_int(g, "uid", 0);
  gen_key_int(g, "gid", 0);
  yajl_gen_map_close(g);
  gen_key_strv(g, "args", (const char *const[]){"sh", NULL});
  gen_key_strv(g, "env", default_env);
  gen_key_str(g, "cwd", "/");
  gen_str(g, "capabilities");
  yajl_gen_map_open(g);
  gen_key_strv(g, "bounding", default_caps);
  gen_key_strv(g, "effective", default_caps);
  gen_key_strv(g, "permitted", default_caps);
  yajl_gen_map_close(g);
  gen_str(g, "rlimits");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  gen_key_str(g, "type", "RLIMIT_NOFILE");
  gen_key_int(g, "hard", 1024);
  gen_key_int(g, "soft", 1024);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  gen_key_bool(g, "noNewPrivileges", true);
  yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless)
{
  gen_str(g, "mounts");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < sizeof(default_mounts) / sizeof(default_mounts[0]); i++) {
    const struct default_mount *m = &default_mounts[i];
    if ((rootless && m->rootful_only) || (!rootless && m->rootless_only))
      continue;
    yajl_gen_map_open(g);
    gen_key_str(g, "destination", m->destination);
    gen_key_str(g, "type", m->type);
    gen_key_str(g, "source", m->source);
    if (m->options[0])
      gen_key_strv(g, "options", m->options);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *key, unsigned host_id)
{
  gen_str(g, key);
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  gen_key_int(g, "containerID", 0);
  gen_key_int(g, "hostID", host_id);
  gen_key_int(g, "size", 1);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool rootless)
{
  static const char *const rootful_ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
  static const char *const rootless_ns[] = {"pid", "ipc", "uts", "mount", "cgroup", "user", NULL};
  gen_str(g, "linux");
  yajl_gen_map_open(g);
  if (rootless) {
    gen_id_mapping(g, "uidMappings", (unsigned) geteuid());
    gen_id_mapping(g, "gidMappings", (unsigned) getegid());
  } else {
    gen_str(g, "resources");
    yajl_gen_map_open(g);
    gen_str(g, "devices");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    gen_key_bool(g, "allow", false);
    gen_key_str(g, "access", "rwm");
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
  }
  gen_str(g, "namespaces");
  yajl_gen_array_open(g);
  for (const char *const *ns = rootless ? rootless_ns : rootful_ns; *ns; ns++) {
    yajl_gen_map_open(g);
    gen_key_str(g, "type", *ns);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  gen_key_strv(g, "maskedPaths", masked_paths);
  gen_key_strv(g, "readonlyPaths", readonly_paths);
  yajl_gen_map_close(g);
}

char *lc_spec_default_json(bool rootless)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    abort();
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  yajl_gen_map_open(g);
  gen_key_str(g, "ociVersion", DEFAULT_OCI_VERSION);
  gen_process(g);
  gen_str(g, "root");
  yajl_gen_map_open(g);
  gen_key_str(g, "path", "rootfs");
  gen_key_bool(g, "readonly", true);
  yajl_gen_map_close(g);
  gen_key_str(g, "hostname", "ocirun");
  gen_mounts(g, rootless);
  gen_linux(g, rootless);
  yajl_gen_map_close(g);
  const unsigned char *buf = NULL;
  size_t len = 0;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
    abort();
  char *out = xstrndup((const char *) buf, len);
  yajl_gen_free(g);
  return out;
}
