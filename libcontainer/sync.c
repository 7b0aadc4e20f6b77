/* sync.c — framing for the parent <-> child protocol; see sync.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "cleanup.h"
#include "error.h"
#include "sync.h"
#include "xalloc.h"

#define LC_SYNC_MAX_PAYLOAD (64 * 1024)

struct wire_hdr {
  uint32_t type;
  int32_t errnum;
  uint32_t len;
};

static const char *const sync_names[] = {
#define LC_SYNC_NAME(e, s) s,
  LC_SYNC_TYPES(LC_SYNC_NAME)
#undef LC_SYNC_NAME
};

const char *lc_sync_name(uint32_t type)
{
  return type < LC_SYNC__COUNT ? sync_names[type] : "UNKNOWN";
}

static int send_msg(int sock, uint32_t type, int32_t errnum, const void *payload, size_t len,
                    int fd)
{
  struct wire_hdr h = {type, errnum, (uint32_t) len};
  struct iovec iov[2] = {{&h, sizeof h}, {(void *) payload, len}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
  if (fd >= 0) {
    memset(&u, 0, sizeof u);
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  ssize_t r;
  do
    r = sendmsg(sock, &m, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : 0;
}

int lc_sync_send(int sock, enum lc_sync_type type, const void *payload, size_t len, int fd,
                 lc_error_t *err)
{
  if (len > LC_SYNC_MAX_PAYLOAD)
    return lc_error_set(err, EMSGSIZE, "sync: %s payload too large", lc_sync_name(type));
  int r = send_msg(sock, type, 0, payload, len, fd);
  if (r < 0)
    return lc_error_sys(err, -r, "sync: send %s", lc_sync_name(type));
  return 0;
}

void lc_sync_send_error(int sock, const lc_error_t *e)
{
  const char *msg = e && e->msg ? e->msg : "unknown error";
  size_t len = strnlen(msg, LC_SYNC_MAX_PAYLOAD - 1);
  (void) send_msg(sock, LC_SYNC_ERROR, e && e->errnum > 0 ? e->errnum : EIO, msg, len, -1);
}

static int take_fd(struct msghdr *m)
{
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (fd < 0)
        fd = got;
      else
        close(got); /* protocol allows one; never leak extras */
    }
  }
  return fd;
}

int lc_sync_recv(int sock, struct lc_sync_msg *msg, lc_error_t *err)
{
  _cleanup_free_ char *buf = xmalloc(sizeof(struct wire_hdr) + LC_SYNC_MAX_PAYLOAD + 1);
  union {
    char b[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } u;
  struct iovec iov = {buf, sizeof(struct wire_hdr) + LC_SYNC_MAX_PAYLOAD};
  struct msghdr m = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
  ssize_t r;
  do
    r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return lc_error_sys(err, errno, "sync: receive");
  int fd = take_fd(&m);
  if (r == 0)
    return lc_error_set(err, EPIPE, "sync: peer closed the connection");
  struct wire_hdr h;
  if ((size_t) r < sizeof h) {
    if (fd >= 0)
      close(fd);
    return lc_error_set(err, EPROTO, "sync: short message (%zd bytes)", r);
  }
  memcpy(&h, buf, sizeof h);
  if (h.len != (size_t) r - sizeof h || h.type >= LC_SYNC__COUNT) {
    if (fd >= 0)
      close(fd);
    return lc_error_set(err, EPROTO, "sync: malformed message");
  }
  msg->type = h.type;
  msg->errnum = h.errnum;
  msg->len = h.len;
  msg->fd = fd;
  msg->payload = h.len ? xstrndup(buf + sizeof h, h.len) : NULL;
  return 0;
}

int lc_sync_expect(int sock, enum lc_sync_type type, struct lc_sync_msg *msg, lc_error_t *err)
{
  struct lc_sync_msg local = {.fd = -1};
  struct lc_sync_msg *m = msg ? msg : &local;
  int r = lc_sync_recv(sock, m, err);
  if (r < 0)
    return r;
  if (m->type == LC_SYNC_ERROR) {
    int e = m->errnum > 0 ? m->errnum : EIO;
    r = lc_error_set(err, e, "%s", m->payload ? m->payload : "unknown error");
  } else if (m->type != (uint32_t) type) {
    r = lc_error_set(err, EPROTO, "sync: expected %s, got %s", lc_sync_name(type),
                     lc_sync_name(m->type));
  }
  if (r < 0 || !msg)
    lc_sync_msg_clear(m);
  return r;
}

void lc_sync_msg_clear(struct lc_sync_msg *msg)
{
  free(msg->payload);
  msg->payload = NULL;
  if (msg->fd >= 0)
    close(msg->fd);
  msg->fd = -1;
}
