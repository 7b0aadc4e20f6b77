/* terminal.c — see terminal.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "pathres.h"
#include "sync.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int lc_console_connect(const char *path, lc_error_t *err)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path)
    return lc_error_set(err, ENAMETOOLONG, "console socket \"%s\": path too long", path);
  strcpy(addr.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return lc_error_sys(err, errno, "console socket: socket");
  if (connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return lc_error_sys(err, errno, "connect console socket \"%s\"", path);
  return TAKE_FD(fd);
}

int lc_console_send(int sock, int fd, const char *name, lc_error_t *err)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct iovec iov = {(void *) name, strlen(name) ? strlen(name) : 1};
  if (!*name)
    iov.iov_base = " ";
  struct msghdr m = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  if (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
    return lc_error_sys(err, errno, "send pty master to console socket");
  return 0;
}

static int open_pty(int *master_out, int *slave_out, char *name, size_t len, lc_error_t *err)
{
  _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return lc_error_sys(err, errno, "open \"/dev/ptmx\"");
  if (unlockpt(master) < 0)
    return lc_error_sys(err, errno, "unlockpt");
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return lc_error_sys(err, errno, "open pty peer");
  if (ptsname_r(master, name, len) != 0)
    snprintf(name, len, "pty");
  *master_out = TAKE_FD(master);
  *slave_out = slave;
  return 0;
}

/* runc mounts the slave on /dev/console so that programs that open it
 * reach the same terminal. */
static int bind_console(int slave, lc_error_t *err)
{
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  lc_error_t ignored = {0};
  _cleanup_close_ int target =
    root < 0 ? -1 : lc_mkfile_in_root(root, "/dev/console", 0600, &ignored);
  lc_error_clear(&ignored);
  if (target < 0)
    return 0; /* no writable /dev: nothing to bind onto */
  char s[32], t[32];
  if (mount(lc_fd_path(slave, s, sizeof s), lc_fd_path(target, t, sizeof t), NULL, MS_BIND, NULL)
        < 0
      && errno != ENOENT)
    return lc_error_sys(err, errno, "bind pty on \"/dev/console\"");
  return 0;
}

int lc_terminal_setup(const struct lc_process *p, int console_sock, int sync_sock, lc_error_t *err)
{
  int master = -1, slave = -1;
  char name[64];
  int r = open_pty(&master, &slave, name, sizeof name, err);
  if (r < 0)
    return r;
  _cleanup_close_ int m = master, s = slave;
  if (p->has_console_size) {
    struct winsize ws = {.ws_row = (unsigned short) p->console_height,
                         .ws_col = (unsigned short) p->console_width};
    if (ioctl(s, TIOCSWINSZ, &ws) < 0)
      return lc_error_sys(err, errno, "set console size");
  } else if (console_sock < 0) {
    /* Foreground: our stdin is still the runtime's terminal.  Copy its size
     * now, before the process runs; the proxy's copy at start comes too late
     * for a process that asks at once (it saw 0x0). */
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
      (void) ioctl(s, TIOCSWINSZ, &ws);
  }
  if (fchown(s, p->user.uid, (gid_t) -1) < 0)
    return lc_error_sys(err, errno, "chown pty");
  r = console_sock >= 0 ? lc_console_send(console_sock, m, name, err)
                        : lc_sync_send(sync_sock, LC_SYNC_PTY_MASTER, NULL, 0, m, err);
  if (r < 0)
    return r;
  if ((r = bind_console(s, err)) < 0)
    return r;
  if (setsid() < 0)
    return lc_error_sys(err, errno, "setsid");
  if (ioctl(s, TIOCSCTTY, 0) < 0)
    return lc_error_sys(err, errno, "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(s, fd) < 0)
      return lc_error_sys(err, errno, "dup2 pty to fd %d", fd);
  return 0;
}

static void copy_winsize(int master)
{
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    (void) ioctl(master, TIOCSWINSZ, &ws);
}

/* Move what is readable from `in` to `out`; false at EOF/EIO. */
static bool pump(int in, int out)
{
  char buf[8192];
  ssize_t n = read(in, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  return lc_write_all(out, buf, (size_t) n) >= 0;
}

static void forward_signal(int sigfd, int master, pid_t pid)
{
  struct signalfd_siginfo si;
  if (read(sigfd, &si, sizeof si) != (ssize_t) sizeof si)
    return;
  if (si.ssi_signo == SIGWINCH)
    copy_winsize(master);
  else if (si.ssi_signo != SIGCHLD)
    kill(pid, (int) si.ssi_signo);
}

int lc_terminal_proxy(int master, int pidfd, int sigfd, pid_t pid, lc_error_t *err)
{
  struct termios saved, raw;
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    copy_winsize(master);
  }
  bool in_open = true, out_open = true, exited = false;
  while (out_open) {
    struct pollfd pf[4] = {{master, POLLIN, 0},
                           {sigfd, POLLIN, 0},
                           {pidfd, POLLIN, 0},
                           {in_open ? STDIN_FILENO : -1, POLLIN, 0}};
    /* After the exit, drain the master without blocking forever. */
    if (poll(pf, 4, exited ? 100 : -1) <= 0) {
      if (exited)
        break;
      continue;
    }
    if (pf[0].revents)
      out_open = pump(master, STDOUT_FILENO);
    if (pf[1].revents & POLLIN)
      forward_signal(sigfd, master, pid);
    if (pf[2].revents & POLLIN)
      exited = true;
    if (pf[3].revents && !pump(STDIN_FILENO, master)) {
      in_open = false;
      const char eof = 4; /* ^D: pass stdin EOF on to the terminal */
      (void) write(master, &eof, 1);
    }
  }
  if (tty)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  (void) err;
  return 0;
}
