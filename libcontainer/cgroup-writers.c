/* cgroup-writers.c — what the v1 writers (cgroup-v1.c), the v2 writer
 * (cgroup-v2.c) and the v2 device filter (cgroup-bpf.c) share: writing a
 * knob with an error that names the config field, and the device rule list
 * (config-linux.md § Allowed Device list) normalised, with the defaults.
 *
 * It must not: look outside the dirfd it is given, create files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-writers.h"
#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "xalloc.h"

static int open_knob(int dirfd, const char *file, const char *field, lc_error_t *err)
{
  int fd = openat(dirfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    return lc_error_sys(err, errno, "%s: open \"%s\"", field, file);
  return fd;
}

static int write_one(int fd, const char *file, const char *value, bool nl, const char *field,
                     lc_error_t *err)
{
  _cleanup_free_ char *buf = nl ? xasprintf("%s\n", value) : NULL;
  const char *data = buf ? buf : value;
  size_t len = strlen(data);
  /* One write(2) per entry: cgroup files parse each write on its own, so a
   * short write would be a truncated entry, not something to resume. */
  ssize_t w;
  do
    w = write(fd, data, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return lc_error_sys(err, errno, "%s: write \"%s\" to \"%s\"", field, value, file);
  if ((size_t) w != len)
    return lc_error_set(err, EIO, "%s: write \"%s\" to \"%s\": short write", field, value, file);
  return 0;
}

int lc_cg_write(int dirfd, const char *file, const char *value, const char *field, lc_error_t *err)
{
  _cleanup_close_ int fd = open_knob(dirfd, file, field, err);
  if (fd < 0)
    return fd;
  return write_one(fd, file, value, false, field, err);
}

int lc_cg_writef(int dirfd, const char *file, const char *field, lc_error_t *err, const char *fmt,
                 ...)
{
  va_list ap;
  char *value = NULL;
  va_start(ap, fmt);
  int n = vasprintf(&value, fmt, ap);
  va_end(ap);
  if (n < 0)
    return lc_error_set(err, ENOMEM, "%s: out of memory", field);
  int r = lc_cg_write(dirfd, file, value, field, err);
  free(value);
  return r;
}

int lc_cg_write_lines(int dirfd, const char *file, char *const *lines, size_t n, bool nl,
                      const char *field, lc_error_t *err)
{
  _cleanup_close_ int fd = open_knob(dirfd, file, field, err);
  if (fd < 0)
    return fd;
  for (size_t i = 0; i < n; i++) {
    int r = write_one(fd, file, lines[i], nl, field, err);
    if (r < 0)
      return r;
  }
  return 0;
}

bool lc_cg_has_file(int dirfd, const char *file)
{
  return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* ---- device rules ------------------------------------------------------ */

/* runc's specconv.AllowedDevices (runc >= 1.2.3, which put tun/tap back). */
/* {allow, type, has_major, has_minor, major, minor, access}; no major/minor = any. */
static const struct lc_device_cgroup default_rules[] = {
  {true, "c", false, false, 0, 0, "m"},    /* mknod of any char device */
  {true, "b", false, false, 0, 0, "m"},    /* mknod of any block device */
  {true, "c", true, true, 1, 3, "rwm"},    /* /dev/null */
  {true, "c", true, true, 1, 8, "rwm"},    /* /dev/random */
  {true, "c", true, true, 1, 7, "rwm"},    /* /dev/full */
  {true, "c", true, true, 5, 0, "rwm"},    /* /dev/tty */
  {true, "c", true, true, 1, 5, "rwm"},    /* /dev/zero */
  {true, "c", true, true, 1, 9, "rwm"},    /* /dev/urandom */
  {true, "c", true, false, 136, 0, "rwm"}, /* /dev/pts/N */
  {true, "c", true, true, 5, 2, "rwm"},    /* /dev/ptmx */
  {true, "c", true, true, 10, 200, "rwm"}, /* /dev/net/tun */
};

const struct lc_device_cgroup *lc_cg_default_device_rules(size_t *n)
{
  *n = LC_ARRAY_SIZE(default_rules);
  return default_rules;
}

static int norm_number(bool has, int64_t v, const char *what, size_t i, int64_t *out,
                       lc_error_t *err)
{
  if (!has || v == -1) { /* -1 is runc's wildcard */
    *out = -1;
    return 0;
  }
  if (v < 0 || v > INT32_MAX)
    return lc_error_set(err, EINVAL, "linux.resources.devices[%zu].%s: invalid value %lld", i, what,
                        (long long) v);
  *out = v;
  return 0;
}

static int norm_rule(const struct lc_device_cgroup *d, size_t i, struct lc_cg_dev_rule *out,
                     lc_error_t *err)
{
  const char *t = d->type && *d->type ? d->type : "a";
  if (strlen(t) != 1 || !strchr("abc", *t))
    return lc_error_set(err, EINVAL, "linux.resources.devices[%zu].type: invalid value \"%s\"", i,
                        t);
  /* An absent (or empty) access means all of rwm, like an absent type. */
  const char *a = d->access && *d->access ? d->access : "rwm";
  unsigned acc = 0;
  for (const char *p = a; *p; p++) {
    const char *bit = strchr("mrw", *p);
    if (!bit)
      return lc_error_set(err, EINVAL, "linux.resources.devices[%zu].access: invalid value \"%s\"",
                          i, a);
    acc |= 1u << (bit - "mrw");
  }
  struct lc_cg_dev_rule rule = {.allow = d->allow, .type = *t, .access = acc};
  int r = norm_number(d->has_major, d->major, "major", i, &rule.major, err);
  if (r >= 0)
    r = norm_number(d->has_minor, d->minor, "minor", i, &rule.minor, err);
  if (r < 0)
    return r;
  *out = rule;
  return 0;
}

int lc_cg_device_rules(const struct lc_resources *r, struct lc_cg_dev_rule **out, size_t *n,
                       lc_error_t *err)
{
  size_t nuser = r ? r->n_devices : 0, ndef = LC_ARRAY_SIZE(default_rules);
  _cleanup_free_ struct lc_cg_dev_rule *v = xmalloc((nuser + ndef) * sizeof(*v));
  for (size_t i = 0; i < nuser; i++) {
    int ret = norm_rule(&r->devices[i], i, &v[i], err);
    if (ret < 0)
      return ret;
  }
  for (size_t i = 0; i < ndef; i++) {
    int ret = norm_rule(&default_rules[i], i, &v[nuser + i], err);
    if (ret < 0)
      return ret;
  }
  *out = TAKE_PTR(v);
  *n = nuser + ndef;
  return 0;
}
