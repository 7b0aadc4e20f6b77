/* seccomp-agent.c — a tiny seccomp notify agent for the integration tests
 * (config-linux.md § Seccomp, listenerPath; § The Container Process State).
 *
 *   seccomp-agent SOCKET ERRNO
 *
 * Listens on the unix stream socket SOCKET, accepts one connection from the
 * runtime and reads it to EOF: the container process state JSON as payload,
 * the listener fd as SCM_RIGHTS (in the first message that carries one).  It
 * prints what it received as `key=value` lines on stdout:
 *
 *   state=<the JSON, one line>       fds_received=N      fd_type=<readlink of the fd>
 *
 * then answers every notification on the listener: ERRNO 0 makes the syscall
 * return 0 without running it, any other value makes it fail with that errno.
 * One `notif=NR pid=PID` line per notification.  It exits 0 when the last
 * process using the filter is gone (POLLHUP), 1 on any error (message on
 * stderr).  Everything is flushed line by line so that a test can poll. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
  fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
  return 1;
}

/* Read the connection to EOF; the first SCM_RIGHTS fd goes to *fd. */
static int receive(int conn, char *buf, size_t size, int *fd, int *nfds)
{
  size_t len = 0;
  *fd = -1;
  *nfds = 0;
  for (;;) {
    char ctrl[CMSG_SPACE(sizeof(int) * 4)];
    struct iovec iov = {buf + len, size - 1 - len};
    struct msghdr mh = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctrl, .msg_controllen = sizeof ctrl};
    if (len + 1 >= size)
      return errno = E2BIG, -1;
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      int k = (int) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      int fds[4];
      memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t) (k > 4 ? 4 : k));
      for (int i = 0; i < k && i < 4; i++) {
        if (*fd < 0)
          *fd = fds[i];
        else
          close(fds[i]);
      }
      *nfds += k;
    }
    if (n == 0)
      break;
    len += (size_t) n;
  }
  buf[len] = '\0';
  return 0;
}

static int serve(int listener, int answer)
{
  struct seccomp_notif_sizes sz;
  if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
    return die("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req =
    calloc(1, sz.seccomp_notif > sizeof *req ? sz.seccomp_notif : sizeof *req);
  struct seccomp_notif_resp *resp =
    calloc(1, sz.seccomp_notif_resp > sizeof *resp ? sz.seccomp_notif_resp : sizeof *resp);
  for (;;) {
    struct pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return die("poll");
    }
    if (!(p.revents & POLLIN))
      break; /* POLLHUP: nobody uses the filter any more */
    memset(req, 0, sz.seccomp_notif);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
      if (errno == EINTR || errno == ENOENT)
        continue;
      return die("SECCOMP_IOCTL_NOTIF_RECV");
    }
    printf("notif=%d pid=%u\n", req->data.nr, req->pid);
    fflush(stdout);
    memset(resp, 0, sz.seccomp_notif_resp);
    resp->id = req->id;
    resp->error = answer ? -answer : 0;
    resp->val = 0;
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
      return die("SECCOMP_IOCTL_NOTIF_SEND");
  }
  printf("done=1\n");
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: seccomp-agent SOCKET ERRNO\n");
    return 2;
  }
  int answer = atoi(argv[2]);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(argv[1]) >= sizeof sa.sun_path)
    return errno = ENAMETOOLONG, die("socket path");
  strcpy(sa.sun_path, argv[1]);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || bind(s, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(s, 1) < 0)
    return die("listen");
  int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return die("accept");
  static char buf[1 << 16];
  int listener, nfds;
  if (receive(conn, buf, sizeof buf, &listener, &nfds) < 0)
    return die("receive");
  close(conn);
  close(s);
  for (char *c = buf; *c; c++)
    if (*c == '\n')
      *c = ' ';
  printf("state=%s\nfds_received=%d\n", buf, nfds);
  if (listener < 0) {
    fflush(stdout);
    fprintf(stderr, "seccomp-agent: no fd received\n");
    return 1;
  }
  char link[64], target[256];
  snprintf(link, sizeof link, "/proc/self/fd/%d", listener);
  ssize_t n = readlink(link, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = '\0';
  printf("fd_type=%s\n", target);
  fflush(stdout);
  return serve(listener, answer);
}
