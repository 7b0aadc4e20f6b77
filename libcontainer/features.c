/* features.c — what this build of libcontainer implements: the `features`
 * document (features.md, features-linux.md) and the --version build flags.
 *
 * `features` must list only what works: engines read it to decide what they
 * may put in config.json, so an entry we advertise but do not honour is a
 * silent misconfiguration.  Every entry is driven by a table below with an
 * `implemented` flag; when a subsystem lands, flip its flag here (this is
 * the one place) and extend the features test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "config.h"
#include "libcontainer.h"
#include "names.h"
#include "seccomp-profile.h"
#include "xalloc.h"

struct feature {
  const char *name;
  bool implemented;
};

/* config.md § POSIX-platform Hooks. */
static const struct feature hooks[] = {
  {"prestart", true},       {"createRuntime", true}, {"createContainer", true},
  {"startContainer", true}, {"poststart", true},     {"poststop", true},
};

/* config-linux.md § Namespaces. */
static const struct feature namespaces[] = {
  {"cgroup", true}, {"ipc", true},  {"mount", true}, {"network", true},
  {"pid", true},    {"time", true}, {"user", true},  {"uts", true},
};

/* Mount options by kind (names.h); the names come from names.c's table. */
static const struct {
  enum lc_mount_opt_kind kind;
  bool implemented;
} mount_kinds[] = {
  {LC_MOPT_FLAG, true},
  {LC_MOPT_PROPAGATION, true},
  {LC_MOPT_RECURSIVE, true},
  {LC_MOPT_EXTENSION, false}, /* see mount_extensions: listed one by one */
};

/* The LC_MOPT_EXTENSION options mount.c implements (LC_MEXT_* bits). */
static const uint64_t mount_extensions_done = LC_MEXT_TMPCOPYUP | LC_MEXT_SRC_NOFOLLOW;

/* features-linux.md § Cgroup. */
static const struct feature cgroup_managers[] = {
  {"v1", true},       {"v2", true}, /* cgroupfs manager (cgroup.c); no systemd manager */
  {"systemd", false}, {"systemdUser", false}, {"rdma", true},
};

/* Linux subsystems reported as {"enabled": bool}. */
enum { F_SECCOMP, F_APPARMOR, F_SELINUX, F_INTEL_RDT, F_IDMAP_MOUNTS, F_NET_DEVICES, F_CHECKPOINT };
static const struct feature subsystems[] = {
  [F_SECCOMP] = {"seccomp", HAVE_SECCOMP},
  /* features-linux.md: compiled in, whatever the host enables (lsm.c) */
  [F_APPARMOR] = {"apparmor", true},
  [F_SELINUX] = {"selinux", HAVE_SELINUX},
  [F_INTEL_RDT] = {"intelRdt", false},
  [F_IDMAP_MOUNTS] = {"idmap", false}, /* linux.mountExtensions.idmap */
  [F_NET_DEVICES] = {"netDevices", false},
  [F_CHECKPOINT] = {"checkpoint", false}, /* needs HAVE_CRIU too */
};

/* --version build flags: what the build linked, from config.h. */
static const struct feature build_flags[] = {
  {"SECCOMP", HAVE_SECCOMP},
  {"CAP", true},
  {"SELINUX", HAVE_SELINUX},
  {"CRIU", false /* HAVE_CRIU once checkpoint/restore is built */},
  {"YAJL", true},
};

/* ---- yajl helpers ------------------------------------------------------ */

static void gen_str(yajl_gen g, const char *s)
{
  yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static void gen_key_bool(yajl_gen g, const char *key, bool v)
{
  gen_str(g, key);
  yajl_gen_bool(g, v);
}

static void gen_strings(yajl_gen g, const char *key, const char *const *v, size_t n)
{
  gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    gen_str(g, v[i]);
  yajl_gen_array_close(g);
}

/* "key": [ names of the implemented entries ] */
static void gen_features(yajl_gen g, const char *key, const struct feature *f, size_t n)
{
  gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    if (f[i].implemented)
      gen_str(g, f[i].name);
  yajl_gen_array_close(g);
}

/* "name": {"enabled": bool} */
static void gen_enabled(yajl_gen g, int which)
{
  gen_str(g, subsystems[which].name);
  yajl_gen_map_open(g);
  gen_key_bool(g, "enabled", subsystems[which].implemented);
  yajl_gen_map_close(g);
}

#define GEN_STRINGS(g, key, arr) gen_strings(g, key, arr, LC_ARRAY_SIZE(arr))

static void gen_strv(yajl_gen g, const char *key, const char *const *v)
{
  size_t n = 0;
  while (v[n])
    n++;
  gen_strings(g, key, v, n);
}
#define GEN_FEATURES(g, key, arr) gen_features(g, key, arr, LC_ARRAY_SIZE(arr))

/* ---- the document -------------------------------------------------------- */

static bool mount_kind_implemented(enum lc_mount_opt_kind kind)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(mount_kinds); i++)
    if (mount_kinds[i].kind == kind)
      return mount_kinds[i].implemented;
  return false;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Sorted like runc's list, so that the output is stable. */
static void gen_mount_options(yajl_gen g)
{
  size_t n = 0, k = 0;
  const struct lc_mount_opt *t = lc_mount_opt_table(&n);
  _cleanup_free_ const char **names = xzalloc((n + 1) * sizeof *names);
  for (size_t i = 0; i < n; i++)
    if (mount_kind_implemented(t[i].kind)
        || (t[i].kind == LC_MOPT_EXTENSION && (t[i].flag & mount_extensions_done)))
      names[k++] = t[i].name;
  qsort(names, k, sizeof *names, cmp_str);
  gen_strings(g, "mountOptions", names, k);
}

static void gen_capabilities(yajl_gen g)
{
  gen_str(g, "capabilities");
  yajl_gen_array_open(g);
  for (int cap = 0; cap <= lc_cap_last_known(); cap++) {
    const char *name = lc_cap_name(cap);
    if (name)
      gen_str(g, name);
  }
  yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g)
{
  gen_str(g, "seccomp");
  yajl_gen_map_open(g);
  gen_key_bool(g, "enabled", subsystems[F_SECCOMP].implemented);
  if (subsystems[F_SECCOMP].implemented) {
    gen_strv(g, "actions", lc_seccomp_actions());
    gen_strv(g, "operators", lc_seccomp_operators());
    gen_strv(g, "archs", lc_seccomp_archs());
    gen_strv(g, "knownFlags", lc_seccomp_flags());
    gen_strv(g, "supportedFlags", lc_seccomp_supported_flags());
  }
  yajl_gen_map_close(g);
}

static void gen_cgroup(yajl_gen g)
{
  gen_str(g, "cgroup");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < LC_ARRAY_SIZE(cgroup_managers); i++)
    gen_key_bool(g, cgroup_managers[i].name, cgroup_managers[i].implemented);
  yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
  gen_str(g, "linux");
  yajl_gen_map_open(g);
  GEN_FEATURES(g, "namespaces", namespaces);
  gen_capabilities(g);
  gen_cgroup(g);
  gen_seccomp(g);
  gen_enabled(g, F_APPARMOR);
  gen_enabled(g, F_SELINUX);
  gen_enabled(g, F_INTEL_RDT);
  gen_str(g, "mountExtensions");
  yajl_gen_map_open(g);
  gen_enabled(g, F_IDMAP_MOUNTS);
  yajl_gen_map_close(g);
  gen_enabled(g, F_NET_DEVICES);
  yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g)
{
  bool checkpoint = HAVE_CRIU && subsystems[F_CHECKPOINT].implemented;
  const char *kv[] = {
    "io.github.ocirun.checkpoint.enabled",
    checkpoint ? "true" : "false",
    "io.github.ocirun.commit",
    OCIRUN_COMMIT,
    "io.github.ocirun.version",
    OCIRUN_VERSION,
  };
  gen_str(g, "annotations");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < LC_ARRAY_SIZE(kv); i++)
    gen_str(g, kv[i]);
  yajl_gen_map_close(g);
}

char *lc_features_json(void)
{
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "  ");
  yajl_gen_map_open(g);
  gen_str(g, "ociVersionMin");
  gen_str(g, "1.0.0");
  gen_str(g, "ociVersionMax");
  gen_str(g, "1.3.0");
  GEN_FEATURES(g, "hooks", hooks);
  gen_mount_options(g);
  gen_linux(g);
  gen_annotations(g);
  /* No config annotation changes our behaviour yet (features.md). */
  gen_strings(g, "potentiallyUnsafeConfigAnnotations", NULL, 0);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  /* yajl's beautifier ends the document with a newline; the caller adds its own. */
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  char *out = xstrndup((const char *) buf, len);
  yajl_gen_free(g);
  return out;
}

const char *lc_build_flags(void)
{
  static char buf[128];
  if (buf[0])
    return buf;
  size_t off = 0;
  for (size_t i = 0; i < LC_ARRAY_SIZE(build_flags); i++)
    off += (size_t) snprintf(buf + off, sizeof buf - off, "%s%c%s", i ? " " : "",
                             build_flags[i].implemented ? '+' : '-', build_flags[i].name);
  return buf;
}
