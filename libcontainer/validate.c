/* validate.c — cross-field checks on a parsed config, and container ids.
 *
 * Owns: lc_spec_validate() — an ordered table of checks run after a
 * successful parse and before any side effect of `create`; the first failure
 * wins and is an EINVAL whose message names the JSON path (same notation as
 * spec-parse.c: `linux.namespaces[3].type: duplicate namespace "pid"`).  The
 * messages carry no "config.json: " prefix; the lifecycle adds it, so the user
 * sees `config.json: <msg>` for parse and validation errors alike.
 * Also lc_id_validate() (DESIGN.md §5 rule 10).
 *
 * It must not: change anything on the system.  The only system access is an
 * lstat() of root.path. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "error.h"
#include "log.h"
#include "names.h"
#include "spec.h"
#include "xalloc.h"

#define LC_ID_MAX 1024

/* A copy of `s` safe to put between double quotes in a one-line message. */
static char *esc(const char *s)
{
  size_t n = strlen(s);
  char *out = xmalloc(n * 4 + 1), *o = out;
  for (; *s; s++) {
    unsigned char ch = (unsigned char) *s;
    if (ch == '"' || ch == '\\') {
      *o++ = '\\';
      *o++ = (char) ch;
    } else if (ch < 0x20 || ch == 0x7f) {
      o += sprintf(o, "\\x%02x", ch);
    } else {
      *o++ = (char) ch;
    }
  }
  *o = '\0';
  return out;
}

static int not_absolute(lc_error_t *err, const char *path, const char *value)
{
  _cleanup_free_ char *e = esc(value);
  return lc_error_set(err, EINVAL, "%s: \"%s\" is not an absolute path", path, e);
}

static bool has_ns(const struct lc_spec *spec, enum lc_ns_type t)
{
  return lc_spec_namespace(spec, t) != NULL;
}

/* ---- process ------------------------------------------------------------ */

/* config.md § Process: args needs at least one entry on POSIX, cwd is
 * absolute; create needs a process at all.  consoleSize without a terminal
 * is ignored (runtimes MUST ignore it), not refused. */
static int check_process(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_process *p = spec->process;
  if (!p)
    return lc_error_set(err, EINVAL, "process: missing required field");
  if (!p->args || !p->args[0])
    return lc_error_set(err, EINVAL, "process.args: must not be empty");
  if (!p->cwd || p->cwd[0] != '/')
    return not_absolute(err, "process.cwd", p->cwd ? p->cwd : "");
  return 0;
}

static int check_cap_list(char *const *v, const char *set, lc_error_t *err)
{
  for (size_t i = 0; v && v[i]; i++) {
    if (lc_cap_from_name(v[i]) < 0) {
      _cleanup_free_ char *e = esc(v[i]);
      return lc_error_set(err, EINVAL, "process.capabilities.%s[%zu]: unknown capability \"%s\"",
                          set, i, e);
    }
  }
  return 0;
}

static int check_capabilities(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_capabilities *c = spec->process->capabilities;
  if (!c)
    return 0;
  int r = check_cap_list(c->bounding, "bounding", err);
  if (r >= 0)
    r = check_cap_list(c->effective, "effective", err);
  if (r >= 0)
    r = check_cap_list(c->inheritable, "inheritable", err);
  if (r >= 0)
    r = check_cap_list(c->permitted, "permitted", err);
  if (r >= 0)
    r = check_cap_list(c->ambient, "ambient", err);
  return r;
}

/* config.md § POSIX process: rlimit types known, no duplicates, soft <= hard. */
static int check_rlimits(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_process *p = spec->process;
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const struct lc_rlimit *rl = &p->rlimits[i];
    _cleanup_free_ char *e = esc(rl->type);
    if (lc_rlimit_from_name(rl->type) < 0)
      return lc_error_set(err, EINVAL, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i, e);
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->rlimits[j].type, rl->type) == 0)
        return lc_error_set(err, EINVAL, "process.rlimits[%zu].type: duplicate rlimit \"%s\"", i,
                            e);
    if (rl->soft > rl->hard)
      return lc_error_set(err, EINVAL,
                          "process.rlimits[%zu]: soft limit %" PRIu64
                          " is greater than hard limit %" PRIu64,
                          i, rl->soft, rl->hard);
  }
  return 0;
}

/* ---- root, mounts, hooks ---------------------------------------------------- */

/* config.md § Root: root.path is absolute or relative to the bundle; it must
 * be a directory.  A symlink is refused: the runtime opens the root once and
 * never follows a link the bundle author may swap. */
static int check_root(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  if (!spec->root)
    return lc_error_set(err, EINVAL, "root: missing required field");
  const char *path = spec->root->path;
  if (!path || !*path)
    return lc_error_set(err, EINVAL, "root.path: must not be empty");
  _cleanup_free_ char *full =
    path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", bundle && *bundle ? bundle : ".", path);
  _cleanup_free_ char *e = esc(full);
  struct stat st;
  if (lstat(full, &st) < 0) {
    if (errno == ENOENT)
      return lc_error_set(err, EINVAL, "root.path: \"%s\" does not exist", e);
    return lc_error_sys(err, errno, "root.path: stat \"%s\"", e);
  }
  if (S_ISLNK(st.st_mode))
    return lc_error_set(err, EINVAL, "root.path: \"%s\" is a symlink", e);
  if (!S_ISDIR(st.st_mode))
    return lc_error_set(err, EINVAL, "root.path: \"%s\" is not a directory", e);
  return 0;
}

/* config.md § Mounts: "destination ... MUST be an absolute path" since 1.1,
 * but earlier documents used relative ones (taken as relative to "/").  Like
 * runc we accept a relative destination with a warning; an empty one is an
 * error. */
static int check_mounts(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  for (size_t i = 0; i < spec->n_mounts; i++) {
    const char *d = spec->mounts[i].destination;
    if (!d || !*d)
      return lc_error_set(err, EINVAL, "mounts[%zu].destination: must not be empty", i);
    if (d[0] != '/') {
      _cleanup_free_ char *e = esc(d);
      lc_warn("mounts[%zu].destination: \"%s\" is not absolute; relative destinations are "
              "deprecated and taken relative to /",
              i, e);
    }
  }
  return 0;
}

static int check_hook_list(const struct lc_hook_list *l, const char *name, lc_error_t *err)
{
  for (size_t i = 0; i < l->n; i++) {
    if (!l->v[i].path || l->v[i].path[0] != '/') {
      _cleanup_free_ char *p = xasprintf("hooks.%s[%zu].path", name, i);
      return not_absolute(err, p, l->v[i].path ? l->v[i].path : "");
    }
  }
  return 0;
}

/* config.md § POSIX-platform Hooks: path is absolute. */
static int check_hooks(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_hooks *h = &spec->hooks;
  int r = check_hook_list(&h->prestart, "prestart", err);
  if (r >= 0)
    r = check_hook_list(&h->create_runtime, "createRuntime", err);
  if (r >= 0)
    r = check_hook_list(&h->create_container, "createContainer", err);
  if (r >= 0)
    r = check_hook_list(&h->start_container, "startContainer", err);
  if (r >= 0)
    r = check_hook_list(&h->poststart, "poststart", err);
  if (r >= 0)
    r = check_hook_list(&h->poststop, "poststop", err);
  return r;
}

/* ---- namespaces ------------------------------------------------------------- */

/* config-linux.md § Namespaces: a type appears at most once; path absolute. */
static int check_namespaces(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  if (!spec->linux_)
    return 0;
  const struct lc_linux *l = spec->linux_;
  bool seen[LC_NS__COUNT] = {false};
  for (size_t i = 0; i < l->n_namespaces; i++) {
    const struct lc_namespace *ns = &l->namespaces[i];
    if (seen[ns->type])
      return lc_error_set(err, EINVAL, "linux.namespaces[%zu].type: duplicate namespace \"%s\"", i,
                          lc_ns_type_name(ns->type));
    seen[ns->type] = true;
    if (ns->path && ns->path[0] != '/') {
      _cleanup_free_ char *p = xasprintf("linux.namespaces[%zu].path", i);
      return not_absolute(err, p, ns->path);
    }
  }
  return 0;
}

/* config-linux.md § User namespace mappings: mappings only make sense with a
 * user namespace, and a new one (no path) needs both maps (runc's rule). */
static int check_userns(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  const struct lc_namespace *user = lc_spec_namespace(spec, LC_NS_USER);
  if (!l)
    return 0;
  if (!user && l->n_uid_mappings)
    return lc_error_set(err, EINVAL, "linux.uidMappings: requires a user namespace");
  if (!user && l->n_gid_mappings)
    return lc_error_set(err, EINVAL, "linux.gidMappings: requires a user namespace");
  if (user && !user->path && (!l->n_uid_mappings || !l->n_gid_mappings))
    return lc_error_set(err, EINVAL,
                        "linux.namespaces: user namespace requires uidMappings and gidMappings");
  return 0;
}

/* runc: setting a hostname without a private UTS namespace would change the
 * host's. */
static int check_uts(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  if (has_ns(spec, LC_NS_UTS))
    return 0;
  if (spec->hostname && *spec->hostname)
    return lc_error_set(err, EINVAL, "hostname: requires a UTS namespace");
  if (spec->domainname && *spec->domainname)
    return lc_error_set(err, EINVAL, "domainname: requires a UTS namespace");
  return 0;
}

/* config-linux.md § Offset for Time Namespace. */
static int check_time_offsets(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  if (l && (l->time_boottime.present || l->time_monotonic.present) && !has_ns(spec, LC_NS_TIME))
    return lc_error_set(err, EINVAL, "linux.timeOffsets: requires a time namespace");
  return 0;
}

/* ---- devices, sysctl, paths -------------------------------------------------- */

/* config-linux.md § Devices: path absolute; c, b and u need major and minor. */
static int check_devices(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_devices; i++) {
    const struct lc_device *d = &l->devices[i];
    if (!d->path || d->path[0] != '/') {
      _cleanup_free_ char *p = xasprintf("linux.devices[%zu].path", i);
      return not_absolute(err, p, d->path ? d->path : "");
    }
    if (d->type != 'p' && (!d->has_major || !d->has_minor))
      return lc_error_set(err, EINVAL, "linux.devices[%zu]: type \"%c\" requires major and minor",
                          i, d->type);
  }
  return 0;
}

/* config-linux.md § Allowed Device List: type a|b|c, access a subset of rwm. */
static int check_device_cgroup(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_resources *r = spec->linux_ ? spec->linux_->resources : NULL;
  for (size_t i = 0; r && i < r->n_devices; i++) {
    const struct lc_device_cgroup *d = &r->devices[i];
    if (d->type && (strlen(d->type) != 1 || !strchr("abc", d->type[0]))) {
      _cleanup_free_ char *e = esc(d->type);
      return lc_error_set(err, EINVAL, "linux.resources.devices[%zu].type: invalid value \"%s\"", i,
                          e);
    }
    if (d->access && strspn(d->access, "rwm") != strlen(d->access)) {
      _cleanup_free_ char *e = esc(d->access);
      return lc_error_set(err, EINVAL, "linux.resources.devices[%zu].access: invalid value \"%s\"",
                          i, e);
    }
  }
  return 0;
}

/* Which namespace makes a sysctl private to the container (runc's table);
 * anything else would change the host and is refused. */
static const char *const ipc_sysctls[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
  "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL};

static int sysctl_namespace(const char *key)
{
  if (strncmp(key, "net.", 4) == 0)
    return LC_NS_NETWORK;
  if (strncmp(key, "fs.mqueue.", 10) == 0 || strv_contains((char *const *) ipc_sysctls, key))
    return LC_NS_IPC;
  if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
    return LC_NS_UTS;
  return -1;
}

static int check_sysctl(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  static const char *const needs[LC_NS__COUNT] = {
    [LC_NS_NETWORK] = "a network",
    [LC_NS_IPC] = "an IPC",
    [LC_NS_UTS] = "a UTS",
  };
  const struct lc_linux *l = spec->linux_;
  for (size_t i = 0; l && i < l->n_sysctl; i++) {
    int ns = sysctl_namespace(l->sysctl[i].key);
    _cleanup_free_ char *e = esc(l->sysctl[i].key);
    if (ns < 0)
      return lc_error_set(err, EINVAL, "linux.sysctl[\"%s\"]: not in a separate kernel namespace",
                          e);
    if (!has_ns(spec, (enum lc_ns_type) ns))
      return lc_error_set(err, EINVAL, "linux.sysctl[\"%s\"]: requires %s namespace", e, needs[ns]);
  }
  return 0;
}

static int check_path_list(char *const *v, const char *name, lc_error_t *err)
{
  for (size_t i = 0; v && v[i]; i++) {
    if (v[i][0] != '/') {
      _cleanup_free_ char *p = xasprintf("linux.%s[%zu]", name, i);
      return not_absolute(err, p, v[i]);
    }
  }
  return 0;
}

/* config-linux.md § Masked Paths / Readonly Paths: absolute. */
static int check_masked(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  const struct lc_linux *l = spec->linux_;
  if (!l)
    return 0;
  int r = check_path_list(l->masked_paths, "maskedPaths", err);
  if (r >= 0)
    r = check_path_list(l->readonly_paths, "readonlyPaths", err);
  return r;
}

/* ---- the table ---------------------------------------------------------------- */

typedef int (*check_fn)(const struct lc_spec *spec, const char *bundle, lc_error_t *err);

/* Order matters: check_process must pass before the process checks that
 * dereference spec->process. */
static const check_fn checks[] = {
  check_process, check_capabilities,  check_rlimits, check_root,   check_mounts,
  check_hooks,   check_namespaces,    check_userns,  check_uts,    check_time_offsets,
  check_devices, check_device_cgroup, check_sysctl,  check_masked,
};

int lc_spec_validate(const struct lc_spec *spec, const char *bundle, lc_error_t *err)
{
  if (!spec)
    return lc_error_set(err, EINVAL, "no config");
  for (size_t i = 0; i < LC_ARRAY_SIZE(checks); i++) {
    int r = checks[i](spec, bundle, err);
    if (r < 0)
      return r;
  }
  return 0;
}

/* ---- container ids --------------------------------------------------------------- */

int lc_id_validate(const char *id, lc_error_t *err)
{
  static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_+.-";
  if (!id || !*id)
    return lc_error_set(err, EINVAL, "container id is empty");
  size_t n = strlen(id);
  if (n > LC_ID_MAX)
    return lc_error_set(err, EINVAL, "invalid container id: longer than %d bytes", LC_ID_MAX);
  if (id[0] == '.' || strspn(id, allowed) != n) {
    _cleanup_free_ char *e = esc(id);
    return lc_error_set(
      err, EINVAL, "invalid container id \"%s\": only [A-Za-z0-9_+.-] allowed, no leading dot", e);
  }
  return 0;
}
