/* floor.c — the benchmark's floor: the kernel work of one container, without a runtime.
 *
 * `ocirun-floor ROOTFS [COMMAND...]` does what every runtime must do at the least to run a
 * process in a container like the default spec's, and nothing else: no config parsing, no state
 * dir, no cgroup, no /dev, no capabilities or seccomp.  It clones a child into new mount, pid,
 * network, ipc, uts and cgroup namespaces; the child makes "/" private, binds ROOTFS onto
 * itself, mounts proc on ROOTFS/proc, pivots into ROOTFS, detaches the old root and execs
 * COMMAND (default: /bin/true).  The parent waits and exits with the child's status (128+signal
 * when killed, 125 when a step failed).  tests/bench/run.sh times it like the runtimes, so the
 * table shows how far above the kernel's cost each runtime is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* meson passes it; a plain `cc floor.c` does not */
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FLOOR_NS_FLAGS                                                                             \
  (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static _Noreturn void fail(const char *step)
{
  fprintf(stderr, "ocirun-floor: %s: %s\n", step, strerror(errno));
  _exit(125);
}

/* The child: pid 1 of its own pid namespace, in its own mount namespace. */
static _Noreturn void container_init(const char *rootfs, char **argv)
{
  static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
  static char *const default_argv[] = {"/bin/true", NULL};

  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    fail("make / private");
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    fail("bind rootfs");
  if (chdir(rootfs) < 0)
    fail("chdir rootfs");
  if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    fail("mount proc");
  /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then
   * removes the old root and leaves the new one as "/" (pivot_root(2), NOTES). */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    fail("pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    fail("detach old root");
  if (chdir("/") < 0)
    fail("chdir /");
  if (sethostname("floor", 5) < 0)
    fail("sethostname");
  char *const *args = argv[0] ? argv : default_argv;
  execve(args[0], args, env);
  fail("execve");
}

int main(int argc, char **argv)
{
  if (argc < 2 || argv[1][0] != '/') {
    fprintf(stderr, "usage: ocirun-floor /ABSOLUTE/ROOTFS [COMMAND...]\n");
    return 125;
  }
  /* A raw clone with no stack behaves like fork() (the child gets a copy of the stack). */
  pid_t pid = (pid_t) syscall(SYS_clone, FLOOR_NS_FLAGS | SIGCHLD, NULL, NULL, NULL, 0);
  if (pid < 0) {
    fprintf(stderr, "ocirun-floor: clone: %s\n", strerror(errno));
    return 125;
  }
  if (pid == 0)
    container_init(argv[1], argv + 2);
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "ocirun-floor: waitpid: %s\n", strerror(errno));
      return 125;
    }
  }
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
