/* lsm.c — see lsm.h.  Labels are written through the kernel's attr
 * interface of the calling thread, opened through a verified procfs fd
 * (DESIGN.md §5 rule 3), so the only libselinux use is the "enabled"
 * check; the label text is the kernel's to validate.
 *
 * Choice when the LSM is off: runc ignores an SELinux label and fails an
 * AppArmor profile; we fail both (a label the admin asked for must never be
 * silently dropped). */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "error.h"
#include "fsutil.h"
#include "lsm.h"
#include "xalloc.h"

#if HAVE_SELINUX
#include <selinux/selinux.h>
#endif

bool lc_selinux_enabled(void)
{
#if HAVE_SELINUX
  return is_selinux_enabled() > 0;
#else
  return false;
#endif
}

bool lc_apparmor_enabled(void)
{
  char *s = NULL;
  lc_error_t ignored = {0};
  bool on =
    lc_read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &s, NULL, &ignored) == 0
    && s[0] == 'Y';
  free(s);
  lc_error_clear(&ignored);
  return on;
}

int lc_lsm_check(const struct lc_spec *spec, lc_error_t *err)
{
  const struct lc_process *p = spec->process;
  bool se = (p && p->selinux_label && *p->selinux_label)
            || (spec->linux_ && spec->linux_->mount_label && *spec->linux_->mount_label);
  if (se && !lc_selinux_enabled())
    return lc_error_set(err, ENOTSUP, "SELinux label requested but SELinux is not enabled%s",
                        HAVE_SELINUX ? "" : " in this build");
  if (p && p->apparmor_profile && *p->apparmor_profile && !lc_apparmor_enabled())
    return lc_error_set(err, ENOTSUP,
                        "apparmor profile \"%s\" requested but AppArmor is not enabled",
                        p->apparmor_profile);
  return 0;
}

static int write_attr(const char *file, const char *value, lc_error_t *err)
{
  _cleanup_close_ int dir = open("/proc/thread-self/attr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;
  if (dir < 0 || fstatfs(dir, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return lc_error_set(err, EPERM, "\"/proc/thread-self/attr\" is not on procfs");
  int r = lc_write_file_at(dir, file, value, err);
  return r < 0 ? lc_error_prefix(err, "set label \"%s\"", value) : 0;
}

int lc_lsm_set_exec_labels(const struct lc_process *p, lc_error_t *err)
{
  int r = 0;
  if (p->selinux_label && *p->selinux_label)
    r = write_attr("exec", p->selinux_label, err);
  if (r == 0 && p->apparmor_profile && *p->apparmor_profile) {
    _cleanup_free_ char *v = xasprintf("exec %s", p->apparmor_profile);
    r = write_attr("apparmor/exec", v, err);
    if (r == -ENOENT) { /* kernels before 5.8 have only the shared attr file */
      lc_error_clear(err);
      r = write_attr("exec", v, err);
    }
  }
  return r;
}

char *lc_lsm_mount_data(const char *label, const char *type, const char *data)
{
  bool labeled = label && *label && type && strcmp(type, "bind") != 0 && lc_selinux_enabled();
  if (!labeled)
    return data ? xstrdup(data) : NULL;
  return data && *data ? xasprintf("%s,context=\"%s\"", data, label)
                       : xasprintf("context=\"%s\"", label);
}

int lc_keyring_join(const char *id, lc_error_t *err)
{
  _cleanup_free_ char *name = xasprintf("_ses.%s", id);
  long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (key < 0) {
    if (errno == ENOSYS || errno == EACCES)
      return 0; /* keyrings off, or forbidden by the host's seccomp: runc goes on too */
    return lc_error_sys(err, errno, "join session keyring \"%s\"", name);
  }
  /* Possessor and user: view|read|write|search|link|setattr. */
  if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f3f0000) < 0 && errno != EACCES)
    return lc_error_sys(err, errno, "set session keyring permissions");
  return 0;
}
