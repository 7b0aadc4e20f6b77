/* selfexe.c — DESIGN.md §5 rule 1 (CVE-2019-5736): before a runtime
 * process enters container namespaces it must not run from the host's
 * binary, or a container could reopen /proc/<pid>/exe (or make us execve
 * /proc/self/exe) and overwrite it.  We re-execute from a sealed memfd
 * copy: writes to it fail with EPERM, and it is not the host's file. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "libcontainer.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

bool lc_selfexe_is_sealed(void)
{
  _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

static int sealed_copy(lc_error_t *err)
{
  _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return lc_error_sys(err, errno, "open \"/proc/self/exe\"");
  struct stat st;
  if (fstat(src, &st) < 0)
    return lc_error_sys(err, errno, "stat \"/proc/self/exe\"");
  _cleanup_close_ int mfd = memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return lc_error_sys(err, errno, "memfd_create");
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = sendfile(mfd, src, NULL, (size_t) (st.st_size - done));
    if (n <= 0)
      return lc_error_sys(err, n < 0 ? errno : EIO, "copy the runtime binary");
    done += n;
  }
  if (fcntl(mfd, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return lc_error_sys(err, errno, "seal the runtime copy");
  return TAKE_FD(mfd);
}

int lc_selfexe_reexec_sealed(char **argv, char **envp, lc_error_t *err)
{
  if (lc_selfexe_is_sealed())
    return 0;
  _cleanup_close_ int mfd = sealed_copy(err);
  if (mfd < 0)
    return mfd;
  fexecve(mfd, argv, envp);
  return lc_error_sys(err, errno, "re-execute from the sealed copy");
}
