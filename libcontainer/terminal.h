/* terminal.h — process.terminal: the pty of the container process, handed
 * to a console socket (runc's protocol: one message, the pty name as data,
 * the master as the only SCM_RIGHTS fd) or to the foreground `run`, which
 * proxies it (raw mode, window size). */
#ifndef LC_TERMINAL_H
#define LC_TERMINAL_H

#include "libcontainer.h"
#include "spec.h"

/* Parent: connect to the console socket at `path` (AF_UNIX, stream). */
int lc_console_connect(const char *path, lc_error_t *err);

/* Child, after pivot_root: open a pty in the container's devpts, pass the
 * master on (console_sock >= 0, else over the sync socket as PTY_MASTER),
 * make the slave the controlling terminal and stdio. */
int lc_terminal_setup(const struct lc_process *p, int console_sock, int sync_sock, lc_error_t *err);

/* Send `fd` over a console socket with `name` as data (at least one byte). */
int lc_console_send(int sock, int fd, const char *name, lc_error_t *err);

/* Foreground proxy: copy stdin -> master and master -> stdout until the
 * container exits (pidfd readable) and the master drains; forward
 * signals in `sigfd` (a signalfd) to `pid`, SIGWINCH as a resize. Puts our
 * stdin in raw mode while running when it is a tty. */
int lc_terminal_proxy(int master, int pidfd, int sigfd, pid_t pid, lc_error_t *err);

#endif
