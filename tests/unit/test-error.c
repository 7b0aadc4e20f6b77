/* test-error.c — the error chain and the atomic-write helpers (base layer). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "tap.h"
#include "xalloc.h"

static void test_chain(void)
{
  lc_error_t err = {0};
  int r = lc_error_sys(&err, EPERM, "mount \"%s\" on \"%s\"", "proc", "/proc");
  is_int(r, -EPERM, "lc_error_sys returns -errno");
  is_str(err.msg, "mount \"proc\" on \"/proc\": Operation not permitted", "sys message");
  r = lc_error_prefix(&err, "rootfs");
  is_int(r, -EPERM, "prefix keeps errno");
  is_str(err.msg, "rootfs: mount \"proc\" on \"/proc\": Operation not permitted", "prefixed");
  lc_error_set(&err, EINVAL, "linux.resources.memory.limit: expected an integer");
  is_str(err.msg, "linux.resources.memory.limit: expected an integer", "set replaces");
  is_int(err.errnum, EINVAL, "errnum replaced");
  lc_error_clear(&err);
  ok(err.msg == NULL && err.errnum == 0, "clear resets");
  is_int(lc_error_set(NULL, 0, "x"), -EIO, "NULL err and errnum 0 give -EIO");
}

static void test_atomic_write(void)
{
  char dir[] = "/tmp/ocirun-test-XXXXXX";
  ok(mkdtemp(dir) != NULL, "mkdtemp");
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  lc_error_t err = {0};
  int r = lc_write_file_atomic_at(dfd, "state.json", "{\"a\":1}", 7, 0600, &err);
  is_int(r, 0, "atomic write");
  char *data = NULL;
  size_t len = 0;
  r = lc_read_file_at(dfd, "state.json", &data, &len, &err);
  is_int(r, 0, "read back");
  is_str(data, "{\"a\":1}", "content");
  is_int(len, 7, "length");
  free(data);
  struct stat st;
  fstatat(dfd, "state.json", &st, 0);
  is_int(st.st_mode & 0777, 0600, "mode honoured");
  ok(faccessat(dfd, ".state.json.tmp", F_OK, 0) < 0, "no temp file left");
  r = lc_read_file_at(dfd, "missing", &data, &len, &err);
  is_int(r, -ENOENT, "missing file is -ENOENT");
  is_str(err.msg, "open \"missing\": No such file or directory", "missing file message");
  lc_error_clear(&err);
  ok(mkdirat(dfd, "sub", 0700) == 0
       && lc_write_file_atomic_at(dfd, "sub/x", "1", 1, 0644, &err) == 0,
     "atomic write in a subdirectory");
  is_int(lc_rm_rf_at(AT_FDCWD, dir, &err), 0, "rm -rf");
  ok(access(dir, F_OK) < 0, "directory gone");
  close(dfd);
}

int main(void)
{
  test_chain();
  test_atomic_write();
  return tap_done();
}
