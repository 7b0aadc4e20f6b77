/* fuzz-spec.c — libFuzzer entry point for the config.json parser
 * (spec-parse.c), the validator (validate.c) and spec-free.c.
 *
 * Any input: lc_spec_parse(); on success lc_spec_validate() against a bundle
 * that does not exist (so root.path never resolves to a real file) and
 * lc_spec_free().  The same input also goes through lc_resources_parse().
 * Crashes, leaks and UB are what the sanitizers report; parse errors are fine
 * but must be one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one_line(const lc_error_t *err)
{
  if (!err->msg || strchr(err->msg, '\n'))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  lc_error_t err = {0};
  struct lc_spec *spec = NULL;
  if (lc_spec_parse((const char *) data, size, &spec, &err) == 0) {
    if (lc_spec_validate(spec, "/nonexistent-ocirun-fuzz-bundle", &err) < 0)
      check_one_line(&err);
    lc_spec_free(spec);
  } else {
    check_one_line(&err);
  }
  lc_error_clear(&err);
  struct lc_resources *res = NULL;
  if (lc_resources_parse((const char *) data, size, &res, &err) == 0)
    lc_resources_free(res);
  else
    check_one_line(&err);
  lc_error_clear(&err);
  return 0;
}
