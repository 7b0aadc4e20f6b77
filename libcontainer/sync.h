/* sync.h — the one parent <-> child protocol (DESIGN.md §3).
 *
 * Messages travel over a SOCK_SEQPACKET socketpair, one datagram each:
 * a fixed header {type, errnum, len} followed by `len` payload bytes and at
 * most one fd (SCM_RIGHTS).  A peer that fails sends LC_SYNC_ERROR with its
 * errno and one-line message; sync_expect() turns that into an lc_error. */
#ifndef LC_SYNC_H
#define LC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "libcontainer.h"

#define LC_SYNC_TYPES(X)                                                                           \
  X(LC_SYNC_USERNS_MAP_REQ, "USERNS_MAP_REQ") /* child: write my id maps */                        \
  X(LC_SYNC_USERNS_MAP_ACK, "USERNS_MAP_ACK") /* parent: maps written */                           \
  X(LC_SYNC_PID, "PID")                       /* intermediate: the init's host pid */              \
  X(LC_SYNC_HOOKS_REQ, "HOOKS_REQ")           /* child: mounts done, run prestart hooks */         \
  X(LC_SYNC_HOOKS_DONE, "HOOKS_DONE")         /* parent: hooks ran */                              \
  X(LC_SYNC_PTY_MASTER, "PTY_MASTER")         /* child: the pty master (fd) for `run -t` */        \
  X(LC_SYNC_SECCOMP_FD, "SECCOMP_FD")         /* child: the seccomp notify listener (fd) */        \
  X(LC_SYNC_CGROUP_JOINED, "CGROUP_JOINED")   /* parent: you are in the cgroup, go on */           \
  X(LC_SYNC_READY, "READY")                   /* child: waiting on exec.fifo */                    \
  X(LC_SYNC_ERROR, "ERROR")                   /* either side: failed, payload = message */

enum lc_sync_type {
#define LC_SYNC_ENUM(e, s) e,
  LC_SYNC_TYPES(LC_SYNC_ENUM)
#undef LC_SYNC_ENUM
    LC_SYNC__COUNT
};

struct lc_sync_msg {
  uint32_t type;
  int32_t errnum;
  uint32_t len;
  char *payload; /* NUL-terminated, malloc'd (NULL when len == 0) */
  int fd;        /* received fd or -1 */
};

const char *lc_sync_name(uint32_t type);
/* Send one message; fd < 0 sends none. */
int lc_sync_send(int sock, enum lc_sync_type type, const void *payload, size_t len, int fd,
                 lc_error_t *err);
/* Report a failure to the peer (best effort). */
void lc_sync_send_error(int sock, const lc_error_t *e);
/* Receive one message. EOF is reported as an error "sync: peer closed the connection". */
int lc_sync_recv(int sock, struct lc_sync_msg *msg, lc_error_t *err);
/* Receive and require `type`; ERROR from the peer becomes *err with its message. */
int lc_sync_expect(int sock, enum lc_sync_type type, struct lc_sync_msg *msg, lc_error_t *err);
void lc_sync_msg_clear(struct lc_sync_msg *msg);

#endif
