/* recvtty.c — the console-socket receiver of the integration tests.
 *
 * `recvtty SOCKPATH [--out FILE] [--input STRING]` listens on an AF_UNIX stream socket at
 * SOCKPATH, accepts one connection and receives one message that must carry at least one byte
 * of data and exactly one fd (SCM_RIGHTS), a pty master.  It prints `received fd` on stdout,
 * writes STRING to the master when --input is given, then copies everything read from the
 * master to stdout (or FILE) until EOF or EIO (the last slave closed).  Any surprise in the
 * message is a loud failure: exit 1 and a message on stderr.  Used as `--console-socket`
 * peer by the terminal tests (see tests/integration/lib.sh: start_recvtty). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 8

static _Noreturn void die(const char *what)
{
  fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
  exit(1);
}

static _Noreturn void die_msg(const char *msg)
{
  fprintf(stderr, "recvtty: %s\n", msg);
  exit(1);
}

static int listen_on(const char *path)
{
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path)
    die_msg("socket path too long");
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die("socket");
  if (unlink(path) < 0 && errno != ENOENT)
    die("unlink socket path");
  if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    die("bind");
  if (listen(fd, 1) < 0)
    die("listen");
  return fd;
}

/* Receive the one message; close every fd it carried but the single one we return. */
static int receive_fd(int conn)
{
  char data[4096];
  union {
    char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data - 1};
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
  ssize_t n;
  while ((n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
    ;
  if (n < 0)
    die("recvmsg");
  int fds[MAX_FDS], nfds = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      die_msg("unexpected control message");
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k && nfds < MAX_FDS; i++)
      memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
  }
  if (msg.msg_flags & MSG_CTRUNC)
    die_msg("control message truncated (too many fds)");
  if (nfds != 1) {
    fprintf(stderr, "recvtty: expected exactly 1 fd, got %d\n", nfds);
    exit(1);
  }
  if (n == 0)
    die_msg("message carried no data bytes");
  data[n] = '\0';
  fprintf(stderr, "recvtty: name=%s\n", data);
  if (!isatty(fds[0]))
    die_msg("received fd is not a terminal");
  return fds[0];
}

static void write_all(int fd, const char *p, size_t len)
{
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      die("write");
    p += w;
    len -= (size_t) w;
  }
}

int main(int argc, char **argv)
{
  const char *out_path = NULL, *input = NULL, *sock_path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
      out_path = argv[++i];
    else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
      input = argv[++i];
    else if (!sock_path && argv[i][0] != '-')
      sock_path = argv[i];
    else
      die_msg("usage: recvtty SOCKPATH [--out FILE] [--input STRING]");
  }
  if (!sock_path)
    die_msg("usage: recvtty SOCKPATH [--out FILE] [--input STRING]");
  int out = 1;
  if (out_path && (out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
    die("open output");
  int lfd = listen_on(sock_path);
  int conn;
  while ((conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
    ;
  if (conn < 0)
    die("accept");
  int master = receive_fd(conn);
  close(conn);
  close(lfd);
  printf("received fd\n");
  fflush(stdout);
  if (input)
    write_all(master, input, strlen(input));
  char buf[8192];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0 || (n < 0 && errno == EIO))
      break;
    if (n < 0)
      die("read from pty master");
    write_all(out, buf, (size_t) n);
  }
  return 0;
}
