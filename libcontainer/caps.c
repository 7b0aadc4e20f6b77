/* caps.c — see caps.h.  A set that the config leaves out is empty, and so
 * is every set when `process.capabilities` is missing: runc 1.1 and crun
 * both run such a container with no capabilities at all, bounding set
 * included (an unbounded root regains every capability at execve when
 * noNewPrivileges is false).  Names
 * are validated before create; capabilities the running kernel does not
 * know are skipped with a warning (config.md § Linux Process), never granted
 * implicitly.  Nothing here adds inheritable or ambient capabilities that
 * the config did not list (DESIGN.md §5 rule 8). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "names.h"

int lc_caps_kernel_last(void)
{
  static int cached = -1;
  if (cached >= 0)
    return cached;
  char *s = NULL;
  lc_error_t ignored = {0};
  int last = CAP_LAST_CAP;
  if (lc_read_file_at(-100 /* AT_FDCWD */, "/proc/sys/kernel/cap_last_cap", &s, NULL, &ignored)
      == 0)
    last = atoi(s);
  free(s);
  lc_error_clear(&ignored);
  return cached = last;
}

/* Turn a NULL-terminated name list into capability numbers (known to the
 * kernel); returns the count. */
static int resolve(char **names, const char *set, cap_value_t *out, int max)
{
  int n = 0, last = lc_caps_kernel_last();
  for (size_t i = 0; names && names[i] && n < max; i++) {
    int c = lc_cap_from_name(names[i]);
    if (c < 0 || c > last) {
      lc_warn("process.capabilities.%s: %s is not supported by this kernel, ignored", set,
              names[i]);
      continue;
    }
    out[n++] = (cap_value_t) c;
  }
  return n;
}

static bool in_list(const cap_value_t *v, int n, int c)
{
  for (int i = 0; i < n; i++)
    if (v[i] == c)
      return true;
  return false;
}

static const struct lc_capabilities no_capabilities;

int lc_caps_prepare(const struct lc_process *p, lc_error_t *err)
{
  const struct lc_capabilities *c = p->capabilities ? p->capabilities : &no_capabilities;
  cap_value_t keep[64];
  int n = resolve(c->bounding, "bounding", keep, 64);
  for (int cap = 0; cap <= lc_caps_kernel_last(); cap++)
    if (!in_list(keep, n, cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return lc_error_sys(err, errno, "drop %s from the bounding set", lc_cap_name(cap));
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return lc_error_sys(err, errno, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

static int set_flag(cap_t caps, cap_flag_t flag, char **names, const char *set)
{
  cap_value_t v[64];
  int n = resolve(names, set, v, 64);
  return n ? cap_set_flag(caps, flag, n, v, CAP_SET) : 0;
}

int lc_caps_apply(const struct lc_process *p, lc_error_t *err)
{
  const struct lc_capabilities *c = p->capabilities ? p->capabilities : &no_capabilities;
  cap_t caps = cap_init();
  if (!caps)
    return lc_error_sys(err, errno, "cap_init");
  int r = set_flag(caps, CAP_EFFECTIVE, c->effective, "effective");
  if (r == 0)
    r = set_flag(caps, CAP_PERMITTED, c->permitted, "permitted");
  if (r == 0)
    r = set_flag(caps, CAP_INHERITABLE, c->inheritable, "inheritable");
  if (r == 0 && cap_set_proc(caps) < 0)
    r = -1;
  int e = errno;
  cap_free(caps);
  if (r < 0)
    return lc_error_sys(err, e, "set capabilities");
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return lc_error_sys(err, errno, "clear ambient capabilities");
  cap_value_t amb[64];
  int n = resolve(c->ambient, "ambient", amb, 64);
  for (int i = 0; i < n; i++)
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, amb[i], 0, 0) < 0)
      return lc_error_sys(err, errno, "raise ambient %s", lc_cap_name(amb[i]));
  return 0;
}
