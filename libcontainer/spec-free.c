/* spec-free.c — releasing a struct lc_spec / lc_resources.
 *
 * Owns: freeing every allocation spec-parse.c makes.  Must cope with a tree
 * that a failed parse left half-filled (zeroed members, counts that cover
 * zeroed elements), so every function accepts NULL and empty members. */
#include <stdlib.h>

#include "spec.h"
#include "xalloc.h"

static void free_kv(struct lc_kv *kv, size_t n)
{
  for (size_t i = 0; kv && i < n; i++) {
    free(kv[i].key);
    free(kv[i].value);
  }
  free(kv);
}

static void free_capabilities(struct lc_capabilities *c)
{
  if (!c)
    return;
  strv_free(c->bounding);
  strv_free(c->effective);
  strv_free(c->inheritable);
  strv_free(c->permitted);
  strv_free(c->ambient);
  free(c);
}

void lc_process_free(struct lc_process *p)
{
  if (!p)
    return;
  free(p->user.additional_gids);
  free(p->user.username);
  strv_free(p->args);
  free(p->command_line);
  strv_free(p->env);
  free(p->cwd);
  free_capabilities(p->capabilities);
  for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  if (p->scheduler) {
    free(p->scheduler->policy);
    strv_free(p->scheduler->flags);
    free(p->scheduler);
  }
  free(p->selinux_label);
  if (p->io_priority) {
    free(p->io_priority->class_);
    free(p->io_priority);
  }
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
  free(p);
}

static void free_mounts(struct lc_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++) {
    free(m[i].destination);
    free(m[i].type);
    free(m[i].source);
    strv_free(m[i].options);
    free(m[i].uid_mappings);
    free(m[i].gid_mappings);
  }
  free(m);
}

static void free_hook_list(struct lc_hook_list *l)
{
  for (size_t i = 0; l->v && i < l->n; i++) {
    free(l->v[i].path);
    strv_free(l->v[i].args);
    strv_free(l->v[i].env);
  }
  free(l->v);
}

static void free_hooks(struct lc_hooks *h)
{
  free_hook_list(&h->prestart);
  free_hook_list(&h->create_runtime);
  free_hook_list(&h->create_container);
  free_hook_list(&h->start_container);
  free_hook_list(&h->poststart);
  free_hook_list(&h->poststop);
}

static void free_blkio(struct lc_blkio *b)
{
  if (!b)
    return;
  free(b->weight_device);
  free(b->read_bps.v);
  free(b->write_bps.v);
  free(b->read_iops.v);
  free(b->write_iops.v);
  free(b);
}

void lc_resources_free(struct lc_resources *r)
{
  if (!r)
    return;
  for (size_t i = 0; r->devices && i < r->n_devices; i++) {
    free(r->devices[i].type);
    free(r->devices[i].access);
  }
  free(r->devices);
  free(r->memory);
  if (r->cpu) {
    free(r->cpu->cpus);
    free(r->cpu->mems);
    free(r->cpu);
  }
  free_blkio(r->block_io);
  for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  if (r->network) {
    for (size_t i = 0; r->network->priorities && i < r->network->n_priorities; i++)
      free(r->network->priorities[i].name);
    free(r->network->priorities);
    free(r->network);
  }
  for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
    free(r->rdma[i].device);
  free(r->rdma);
  free_kv(r->unified, r->n_unified);
  free(r);
}

static void free_seccomp(struct lc_seccomp *s)
{
  if (!s)
    return;
  free(s->default_action);
  strv_free(s->architectures);
  strv_free(s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
    struct lc_seccomp_syscall *sc = &s->syscalls[i];
    strv_free(sc->names);
    free(sc->action);
    for (size_t j = 0; sc->args && j < sc->n_args; j++)
      free(sc->args[j].op);
    free(sc->args);
  }
  free(s->syscalls);
  free(s);
}

static void free_linux_extras(struct lc_linux *l)
{
  if (l->intel_rdt) {
    free(l->intel_rdt->clos_id);
    strv_free(l->intel_rdt->schemata);
    free(l->intel_rdt->l3_cache_schema);
    free(l->intel_rdt->mem_bw_schema);
    free(l->intel_rdt);
  }
  if (l->memory_policy) {
    free(l->memory_policy->mode);
    free(l->memory_policy->nodes);
    strv_free(l->memory_policy->flags);
    free(l->memory_policy);
  }
  if (l->personality) {
    free(l->personality->domain);
    strv_free(l->personality->flags);
    free(l->personality);
  }
}

static void free_linux(struct lc_linux *l)
{
  if (!l)
    return;
  for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
    free(l->namespaces[i].path);
  free(l->namespaces);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; l->devices && i < l->n_devices; i++)
    free(l->devices[i].path);
  free(l->devices);
  for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
  free(l->cgroups_path);
  lc_resources_free(l->resources);
  free(l->rootfs_propagation);
  free_seccomp(l->seccomp);
  free_kv(l->sysctl, l->n_sysctl);
  strv_free(l->masked_paths);
  strv_free(l->readonly_paths);
  free(l->mount_label);
  free_linux_extras(l);
  free(l);
}

void lc_spec_free(struct lc_spec *spec)
{
  if (!spec)
    return;
  free(spec->oci_version);
  lc_process_free(spec->process);
  if (spec->root) {
    free(spec->root->path);
    free(spec->root);
  }
  free(spec->hostname);
  free(spec->domainname);
  free_mounts(spec->mounts, spec->n_mounts);
  free_hooks(&spec->hooks);
  free_kv(spec->annotations, spec->n_annotations);
  free_linux(spec->linux_);
  free(spec);
}
