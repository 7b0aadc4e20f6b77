/* spawn.c — the benchmark's stopwatch: run one command, report its time, CPU and peak RSS.
 *
 * `ocirun-bench-spawn COMMAND [ARG...]` spawns COMMAND (posix_spawnp, so a CLONE_VFORK child of
 * this small process), reaps it with wait4 and writes one line to fd 3:
 *
 *   <exit code> <wall ns> <user+sys ns> <ru_maxrss KiB>
 *
 * The exit code is 128+signal for a killed command and 127 when it could not be spawned.  The
 * wall time is CLOCK_MONOTONIC from just before the spawn to just after the reap.  bench.py runs
 * every timed command through this helper instead of spawning it itself: a child spawned from
 * the Python driver would start on the driver's large address space, and ru_maxrss keeps the
 * high-water mark of the memory a process had before its execve, so the peak RSS of a runtime
 * would read as the driver's.  stdin, stdout and stderr pass through unchanged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long ns_of(const struct timespec *t)
{
  return (long long) t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long ns_of_tv(const struct timeval *t)
{
  return (long long) t->tv_sec * 1000000000LL + (long long) t->tv_usec * 1000LL;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: ocirun-bench-spawn COMMAND [ARG...] (result line on fd 3)\n");
    return 2;
  }
  struct timespec t0, t1;
  struct rusage ru;
  int status = 0, code;
  pid_t pid;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  int r = posix_spawnp(&pid, argv[1], NULL, NULL, argv + 1, environ);
  if (r != 0) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "ocirun-bench-spawn: spawn \"%s\": %s\n", argv[1], strerror(r));
    memset(&ru, 0, sizeof(ru));
    code = 127;
  } else {
    while (wait4(pid, &status, 0, &ru) < 0) {
      if (errno != EINTR) {
        fprintf(stderr, "ocirun-bench-spawn: wait4: %s\n", strerror(errno));
        return 2;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }
  long long cpu = ns_of_tv(&ru.ru_utime) + ns_of_tv(&ru.ru_stime);
  if (dprintf(3, "%d %lld %lld %ld\n", code, ns_of(&t1) - ns_of(&t0), cpu, ru.ru_maxrss) < 0) {
    fprintf(stderr, "ocirun-bench-spawn: write the result to fd 3: %s\n", strerror(errno));
    return 2;
  }
  return 0;
}
