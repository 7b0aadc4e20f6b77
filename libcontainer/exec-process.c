/* exec-process.c — the process an `exec` runs (runc's rules): a
 * process.json replaces everything; otherwise the container's own process
 * (env, user, capabilities, rlimits, labels, no_new_privs) with the
 * command line, extra env, cwd, user, groups and capabilities applied. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "exec.h"
#include "fsutil.h"
#include "xalloc.h"

static struct lc_capabilities *caps_dup(const struct lc_capabilities *c)
{
  struct lc_capabilities *d = xzalloc(sizeof *d);
  if (!c)
    return d;
  *d = *c;
  d->bounding = strv_dup(c->bounding);
  d->effective = strv_dup(c->effective);
  d->inheritable = strv_dup(c->inheritable);
  d->permitted = strv_dup(c->permitted);
  d->ambient = strv_dup(c->ambient);
  return d;
}

static void add_cap(char ***set, bool *has, const char *cap)
{
  if (!strv_contains(*set, cap))
    strv_push(set, cap);
  *has = true;
}

/* A deep copy of the fields exec inherits from the container's process. */
static struct lc_process *process_dup(const struct lc_process *src)
{
  struct lc_process *p = xzalloc(sizeof *p);
  p->user = src->user;
  p->user.additional_gids = NULL;
  p->user.n_additional_gids = 0;
  p->user.username = NULL;
  if (src->user.n_additional_gids) {
    size_t n = src->user.n_additional_gids;
    p->user.additional_gids = xmalloc(n * sizeof(uint32_t));
    memcpy(p->user.additional_gids, src->user.additional_gids, n * sizeof(uint32_t));
    p->user.n_additional_gids = n;
  }
  p->env = strv_dup(src->env);
  p->cwd = xstrdup(src->cwd);
  p->capabilities = src->capabilities ? caps_dup(src->capabilities) : NULL;
  p->n_rlimits = src->n_rlimits;
  p->rlimits = xzalloc((src->n_rlimits + 1) * sizeof *p->rlimits);
  for (size_t i = 0; i < src->n_rlimits; i++) {
    p->rlimits[i] = src->rlimits[i];
    p->rlimits[i].type = xstrdup(src->rlimits[i].type);
  }
  p->no_new_privileges = src->no_new_privileges;
  p->apparmor_profile = xstrdup(src->apparmor_profile);
  p->selinux_label = xstrdup(src->selinux_label);
  p->exec_cpu_affinity_initial = xstrdup(src->exec_cpu_affinity_initial);
  p->exec_cpu_affinity_final = xstrdup(src->exec_cpu_affinity_final);
  return p;
}

/* --env K=V: replace the container's K (runc: the last one wins; with two
 * entries getenv would still find the container's first), else append. */
static void set_env(char ***env, const char *kv)
{
  const char *eq = strchr(kv, '=');
  size_t klen = eq ? (size_t) (eq - kv) : strlen(kv);
  for (size_t i = 0; *env && (*env)[i]; i++) {
    if (strncmp((*env)[i], kv, klen) == 0 && (*env)[i][klen] == '=') {
      free((*env)[i]);
      (*env)[i] = xstrdup(kv);
      return;
    }
  }
  strv_push(env, kv);
}

static void apply_opts(struct lc_process *p, const struct lc_exec_opts *o)
{
  p->args = strv_dup(o->args);
  for (size_t i = 0; o->env && o->env[i]; i++)
    set_env(&p->env, o->env[i]);
  if (o->cwd) {
    free(p->cwd);
    p->cwd = xstrdup(o->cwd);
  }
  if (o->has_user) {
    p->user.uid = o->uid;
    p->user.gid = o->has_gid ? o->gid : 0;
  }
  if (o->n_additional_gids) {
    free(p->user.additional_gids);
    p->user.additional_gids = xmalloc(o->n_additional_gids * sizeof(uint32_t));
    memcpy(p->user.additional_gids, o->additional_gids, o->n_additional_gids * sizeof(uint32_t));
    p->user.n_additional_gids = o->n_additional_gids;
  }
  /* --cap: bounding, effective and permitted, like runc 1.1.5 (CapAmb and
   * CapInh stay as configured: DESIGN.md §5 rule 8, CVE-2022-29162). */
  for (size_t i = 0; o->caps && o->caps[i]; i++) {
    if (!p->capabilities)
      p->capabilities = caps_dup(NULL);
    struct lc_capabilities *c = p->capabilities;
    add_cap(&c->bounding, &c->has_bounding, o->caps[i]);
    add_cap(&c->effective, &c->has_effective, o->caps[i]);
    add_cap(&c->permitted, &c->has_permitted, o->caps[i]);
  }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->apparmor) {
    free(p->apparmor_profile);
    p->apparmor_profile = xstrdup(o->apparmor);
  }
  if (o->process_label) {
    free(p->selinux_label);
    p->selinux_label = xstrdup(o->process_label);
  }
  p->terminal = o->tty;
}

int lc_exec_build_process(const struct lc_spec *spec, const struct lc_exec_opts *o,
                          struct lc_process **out, lc_error_t *err)
{
  if (o->process_file) {
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    int r = lc_read_file_at(AT_FDCWD, o->process_file, &text, &len, err);
    if (r == 0)
      r = lc_process_parse(text, len, out, err);
    if (r == 0 && o->tty)
      (*out)->terminal = true;
    if (r == 0 && (!(*out)->args || !(*out)->args[0])) {
      lc_process_free(*out);
      *out = NULL; /* the caller frees *out too: no dangling pointer */
      r = lc_error_set(err, EINVAL, "args: must not be empty");
    }
    return r < 0 ? lc_error_prefix(err, "process file \"%s\"", o->process_file) : 0;
  }
  if (!o->args || !o->args[0])
    return lc_error_set(err, EINVAL, "exec: no command given");
  struct lc_process *p = process_dup(spec->process);
  apply_opts(p, o);
  *out = p;
  return 0;
}
