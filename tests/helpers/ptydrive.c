/* ptydrive.c — run a command on a new pty (its controlling terminal) and drive it by script.
 *
 *   ptydrive [STEP...] -- CMD [ARGS...]
 *
 * Steps run in order once CMD has started; everything CMD writes to the pty is copied to our
 * stdout as it arrives (raw, \r\n as the pty's line discipline made it):
 *   -s ROWSxCOLS   window size before CMD starts (only as the first steps; default 24x80)
 *   -w TEXT        wait until TEXT appears in the output after the last match (else fail)
 *   -i TEXT        write TEXT to the master (\n, \r, \t, \\ and \xHH are decoded)
 *   -r ROWSxCOLS   resize the pty (TIOCSWINSZ: the kernel sends SIGWINCH to CMD's foreground
 *                  process group)
 *   -k SIG         send signal number SIG to CMD
 *   -p SECS        pause
 *   -t SECS        the time a -w and the final wait may take (default 20)
 * After the steps, the output is drained until CMD exits and the pty reports EOF/EIO.
 * Exit status: CMD's (128+N when killed by signal N); 124 and a `ptydrive:` line on stderr
 * when a wait timed out (CMD is then killed); 125 for a usage or system error.
 * Used by tests/integration/test-exec-tty.sh. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;
static int child_status = -1; /* waitpid status once reaped */
static char *seen;            /* all output so far */
static size_t seen_len, match_from;
static double timeout_s = 20;

static _Noreturn void die(const char *what)
{
  fprintf(stderr, "ptydrive: %s: %s\n", what, strerror(errno));
  if (child > 0)
    kill(child, SIGKILL);
  exit(125);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int parse_size(const char *s, struct winsize *ws)
{
  unsigned r, c;
  char x;
  if (sscanf(s, "%u%c%u", &r, &x, &c) != 3 || x != 'x' || !r || !c || r > 65535 || c > 65535)
    return -1;
  *ws = (struct winsize){.ws_row = (unsigned short) r, .ws_col = (unsigned short) c};
  return 0;
}

/* Read what the master has within `ms`; false once it reports EOF/EIO. */
static int pump(int ms)
{
  struct pollfd pf = {master, POLLIN, 0};
  int n = poll(&pf, 1, ms);
  if (n < 0 && errno != EINTR)
    die("poll");
  if (n <= 0)
    return 1;
  char buf[4096];
  ssize_t got = read(master, buf, sizeof buf);
  if (got < 0 && (errno == EINTR || errno == EAGAIN))
    return 1;
  if (got <= 0)
    return 0; /* EIO: every slave fd is closed */
  fwrite(buf, 1, (size_t) got, stdout);
  fflush(stdout);
  seen = realloc(seen, seen_len + (size_t) got + 1);
  if (!seen)
    die("realloc");
  memcpy(seen + seen_len, buf, (size_t) got);
  seen_len += (size_t) got;
  seen[seen_len] = '\0';
  return 1;
}

static void reap(int flags)
{
  int st;
  if (child_status < 0 && waitpid(child, &st, flags) == child)
    child_status = st;
}

static _Noreturn void timed_out(const char *what)
{
  fprintf(stderr, "ptydrive: timed out after %gs waiting for %s\n", timeout_s, what);
  kill(child, SIGKILL);
  exit(124);
}

static void wait_for(const char *text)
{
  double end = now() + timeout_s;
  for (;;) {
    char *hit = seen ? memmem(seen + match_from, seen_len - match_from, text, strlen(text)) : NULL;
    if (hit) {
      match_from = (size_t) (hit - seen) + strlen(text);
      return;
    }
    if (now() > end || !pump(50))
      timed_out(text);
  }
}

static size_t decode(const char *s, char *out)
{
  size_t n = 0;
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      out[n++] = *s;
      continue;
    }
    s++;
    if (*s == 'n')
      out[n++] = '\n';
    else if (*s == 'r')
      out[n++] = '\r';
    else if (*s == 't')
      out[n++] = '\t';
    else if (*s == 'x' && s[1] && s[2]) {
      char hex[3] = {s[1], s[2], 0};
      out[n++] = (char) strtol(hex, NULL, 16);
      s += 2;
    } else
      out[n++] = *s;
  }
  return n;
}

static void spawn(char **argv, const struct winsize *ws)
{
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
    die("open pty");
  char *name = ptsname(master);
  if (!name)
    die("ptsname");
  if (ioctl(master, TIOCSWINSZ, ws) < 0)
    die("TIOCSWINSZ");
  child = fork();
  if (child < 0)
    die("fork");
  if (child == 0) {
    int s;
    if (setsid() < 0 || (s = open(name, O_RDWR)) < 0 || ioctl(s, TIOCSCTTY, 0) < 0 || dup2(s, 0) < 0
        || dup2(s, 1) < 0 || dup2(s, 2) < 0)
      _exit(125);
    if (s > 2)
      close(s);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    fprintf(stderr, "ptydrive: exec \"%s\": %s\n", argv[0], strerror(errno));
    _exit(127);
  }
}

/* Drain the output until the child is gone and the pty is closed. */
static void finish(void)
{
  double end = now() + timeout_s;
  for (;;) {
    int open = pump(50);
    reap(WNOHANG);
    if (child_status >= 0 && !open)
      break;
    if (child_status >= 0) {
      /* Exited, but something still holds the slave: take what is there. */
      while (pump(200))
        if (now() > end)
          break;
      break;
    }
    if (now() > end)
      timed_out("the command to exit");
  }
}

int main(int argc, char **argv)
{
  int sep = 1;
  while (sep < argc && strcmp(argv[sep], "--") != 0)
    sep++;
  if (sep + 1 >= argc || (sep - 1) % 2) {
    fprintf(stderr, "usage: ptydrive [-s RxC] [-w TEXT|-i TEXT|-r RxC|-k SIG|-p SECS|-t SECS]..."
                    " -- CMD [ARGS...]\n");
    return 125;
  }
  signal(SIGPIPE, SIG_IGN);
  struct winsize ws = {.ws_row = 24, .ws_col = 80};
  int i = 1;
  for (; i < sep && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-t")); i += 2) {
    if (argv[i][1] == 't')
      timeout_s = atof(argv[i + 1]);
    else if (parse_size(argv[i + 1], &ws) < 0)
      return fprintf(stderr, "ptydrive: bad size \"%s\"\n", argv[i + 1]), 125;
  }
  spawn(argv + sep + 1, &ws);
  for (; i < sep; i += 2) {
    const char *opt = argv[i], *arg = argv[i + 1];
    if (!strcmp(opt, "-w")) {
      wait_for(arg);
    } else if (!strcmp(opt, "-i")) {
      char *buf = malloc(strlen(arg) + 1);
      size_t n = decode(arg, buf);
      if (buf && write(master, buf, n) != (ssize_t) n)
        die("write to the pty");
      free(buf);
    } else if (!strcmp(opt, "-r")) {
      if (parse_size(arg, &ws) < 0 || ioctl(master, TIOCSWINSZ, &ws) < 0)
        die("resize");
    } else if (!strcmp(opt, "-k")) {
      if (kill(child, atoi(arg)) < 0)
        die("kill");
    } else if (!strcmp(opt, "-p")) {
      for (double end = now() + atof(arg); now() < end;)
        pump(20);
    } else if (!strcmp(opt, "-t")) {
      timeout_s = atof(arg);
    } else {
      fprintf(stderr, "ptydrive: unknown step \"%s\"\n", opt);
      kill(child, SIGKILL);
      return 125;
    }
  }
  finish();
  if (WIFSIGNALED(child_status))
    return 128 + WTERMSIG(child_status);
  return WEXITSTATUS(child_status);
}
