/* test-fixtures.c — every tests/fixtures/valid/NAME.json loads and validates;
 * every tests/fixtures/invalid/NAME.json gives exactly the line in NAME.err.
 *
 * Each fixture is copied to a fresh bundle (config.json + an empty rootfs/)
 * and goes through lc_spec_load() then lc_spec_validate(), the way `create`
 * does.  lc_spec_load() prefixes its errors with "config.json: "; the
 * lifecycle adds the same prefix to validation errors, and so does this
 * runner.  The token @BUNDLE@ in a .err file stands for the bundle path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorted NAME.json files of dir (without the suffix). */
static char **list_json(const char *dir)
{
  char **v = NULL;
  DIR *d = opendir(dir);
  if (!d)
    return NULL;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
      char *name = xstrndup(e->d_name, n - 5);
      strv_push(&v, name);
      free(name);
    }
  }
  closedir(d);
  if (v)
    qsort(v, strv_length(v), sizeof(char *), cmp_str);
  return v;
}

static char *substitute(const char *s, const char *token, const char *value)
{
  const char *at = strstr(s, token);
  if (!at)
    return xstrdup(s);
  return xasprintf("%.*s%s%s", (int) (at - s), s, value, at + strlen(token));
}

/* Make a bundle from dir/name.json; run load + validate; return the error
 * line (NULL on success). */
static char *run_fixture(const char *dir, const char *name, char *bundle, size_t size)
{
  lc_error_t err = {0};
  char *src = xasprintf("%s/%s.json", dir, name), *text = NULL, *msg = NULL;
  size_t len = 0;
  snprintf(bundle, size, "/tmp/test-fixtures-XXXXXX");
  if (!mkdtemp(bundle) || lc_read_file_at(AT_FDCWD, src, &text, &len, &err) < 0) {
    free(src);
    return xasprintf("setup failed: %s", err.msg ? err.msg : "mkdtemp");
  }
  char *cfg = xasprintf("%s/config.json", bundle), *rootfs = xasprintf("%s/rootfs", bundle);
  lc_write_file_atomic(cfg, text, len, 0644, &err);
  mkdir(rootfs, 0755);
  struct lc_spec *spec = NULL;
  if (lc_spec_load(bundle, &spec, &err) < 0)
    msg = xstrdup(err.msg);
  else if (lc_spec_validate(spec, bundle, &err) < 0)
    msg = xasprintf("config.json: %s", err.msg);
  lc_spec_free(spec);
  lc_error_clear(&err);
  lc_rm_rf_at(AT_FDCWD, bundle, &err);
  lc_error_clear(&err);
  free(cfg);
  free(rootfs);
  free(text);
  free(src);
  return msg;
}

static void test_invalid(void)
{
  char **names = list_json(FIXTURES "/invalid");
  ok(strv_length(names) >= 45, "at least 45 invalid fixtures (%zu)", strv_length(names));
  for (size_t i = 0; names && names[i]; i++) {
    char bundle[64];
    lc_error_t err = {0};
    char *errfile = xasprintf(FIXTURES "/invalid/%s.err", names[i]), *want = NULL;
    if (lc_read_file_at(AT_FDCWD, errfile, &want, NULL, &err) < 0) {
      ok(0, "%s: %s", names[i], err.msg);
      lc_error_clear(&err);
      free(errfile);
      continue;
    }
    want[strcspn(want, "\n")] = '\0';
    char *got = run_fixture(FIXTURES "/invalid", names[i], bundle, sizeof(bundle));
    char *expect = substitute(want, "@BUNDLE@", bundle);
    is_str(got, expect, names[i]);
    free(expect);
    free(got);
    free(want);
    free(errfile);
  }
  strv_free(names);
}

static void test_valid(void)
{
  char **names = list_json(FIXTURES "/valid");
  ok(strv_length(names) >= 4, "valid fixtures found (%zu)", strv_length(names));
  for (size_t i = 0; names && names[i]; i++) {
    char bundle[64];
    char *got = run_fixture(FIXTURES "/valid", names[i], bundle, sizeof(bundle));
    ok(got == NULL, "%s loads and validates (%s)", names[i], got ? got : "ok");
    free(got);
  }
  strv_free(names);
}

int main(void)
{
  test_invalid();
  test_valid();
  return tap_done();
}
