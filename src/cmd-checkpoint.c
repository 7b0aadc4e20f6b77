/* cmd-checkpoint.c — checkpoint and restore: runc's option sets (which
 * podman, containerd and CRI-O pass), parsed and checked.
 *
 * Without CRIU support in the build (HAVE_CRIU 0) both verbs fail, --help
 * included: podman probes `checkpoint --help` and reads a non-zero exit as
 * "no checkpoint/restore" (ENGINES.md § Invocations).  `restore` also takes
 * single-dash long options, because go-runc passes `-no-subreaper`.  The
 * library calls land with the criu issue; main.c's table marks both pending.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "xalloc.h"

/* Options shared by checkpoint and restore, stored by key. */
struct cr_opts {
  const char *image_path, *work_path, *parent_path, *page_server, *manage_cgroups_mode;
  const char *bundle, *pid_file, *console_socket, *lsm_profile, *lsm_mount_context;
  char **empty_ns;
  int status_fd;
  bool leave_running, tcp_established, ext_unix_sk, shell_job, lazy_pages, file_locks;
  bool pre_dump, auto_dedup, detach, no_subreaper, no_pivot, no_new_keyring;
};

enum {
  C_IMAGE_PATH = 256,
  C_WORK_PATH,
  C_PARENT_PATH,
  C_PAGE_SERVER,
  C_MANAGE_CGROUPS_MODE,
  C_PID_FILE,
  C_CONSOLE_SOCKET,
  C_LSM_PROFILE,
  C_LSM_MOUNT_CONTEXT,
  C_EMPTY_NS,
  C_STATUS_FD,
  C_LEAVE_RUNNING,
  C_TCP_ESTABLISHED,
  C_EXT_UNIX_SK,
  C_SHELL_JOB,
  C_LAZY_PAGES,
  C_FILE_LOCKS,
  C_PRE_DUMP,
  C_AUTO_DEDUP,
  C_NO_SUBREAPER,
  C_NO_PIVOT,
  C_NO_NEW_KEYRING,
};

/* clang-format off */
#define CR_COMMON_OPTS \
  {"image-path", C_IMAGE_PATH, "DIR", "criu image files"}, \
  {"work-path", C_WORK_PATH, "DIR", "criu work files and logs"}, \
  {"parent-path", C_PARENT_PATH, "DIR", "previous (pre-dump) images"}, \
  {"tcp-established", C_TCP_ESTABLISHED, NULL, "allow open tcp connections"}, \
  {"ext-unix-sk", C_EXT_UNIX_SK, NULL, "allow external unix sockets"}, \
  {"shell-job", C_SHELL_JOB, NULL, "allow shell jobs"}, \
  {"lazy-pages", C_LAZY_PAGES, NULL, "restore memory pages lazily (userfaultfd)"}, \
  {"file-locks", C_FILE_LOCKS, NULL, "handle file locks"}, \
  {"manage-cgroups-mode", C_MANAGE_CGROUPS_MODE, "MODE", \
   "soft (default), full, strict or ignore"}, \
  {"empty-ns", C_EMPTY_NS, "NS", "create namespace NS but do not restore it (repeatable)"}, \
  {"auto-dedup", C_AUTO_DEDUP, NULL, "deduplicate memory images"}
/* clang-format on */

static const struct cli_opt checkpoint_opts[] = {
  CR_COMMON_OPTS,
  {"leave-running", C_LEAVE_RUNNING, NULL, "leave the container running afterwards"},
  {"status-fd", C_STATUS_FD, "FD", "criu writes \\0 to FD once lazy-pages is ready"},
  {"page-server", C_PAGE_SERVER, "ADDRESS:PORT", "the page server"},
  {"pre-dump", C_PRE_DUMP, NULL, "dump memory only and leave the container running"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_opt restore_opts[] = {
  CR_COMMON_OPTS,
  {"bundle", 'b', "DIR", "path to the bundle directory"},
  {"detach", 'd', NULL, "detach from the container's process"},
  {"pid-file", C_PID_FILE, "FILE", "write the container process's pid to FILE"},
  {"console-socket", C_CONSOLE_SOCKET, "PATH",
   "AF_UNIX socket that receives the console's pseudoterminal master"},
  {"no-subreaper", C_NO_SUBREAPER, NULL, "do not become a subreaper"},
  {"no-pivot", C_NO_PIVOT, NULL, "do not use pivot_root"},
  {"no-new-keyring", C_NO_NEW_KEYRING, NULL, "do not create a new session keyring"},
  {"lsm-profile", C_LSM_PROFILE, "TYPE:NAME", "LSM profile for the restored process"},
  {"lsm-mount-context", C_LSM_MOUNT_CONTEXT, "CONTEXT", "LSM mount context"},
  {NULL, 0, NULL, NULL},
};

static const struct cli_syntax checkpoint_syntax = {"[options] <container-id>", checkpoint_opts};
static const struct cli_syntax restore_syntax = {
  .args = "[options] <container-id>",
  .opts = restore_opts,
  .long_only = true, /* `-no-subreaper` as go-runc writes it */
};

static const char *const cgroups_modes[] = {"soft", "full", "strict", "ignore"};

static const char **cr_string_slot(struct cr_opts *o, int key)
{
  switch (key) {
  case C_IMAGE_PATH:
    return &o->image_path;
  case C_WORK_PATH:
    return &o->work_path;
  case C_PARENT_PATH:
    return &o->parent_path;
  case C_PAGE_SERVER:
    return &o->page_server;
  case C_MANAGE_CGROUPS_MODE:
    return &o->manage_cgroups_mode;
  case 'b':
    return &o->bundle;
  case C_PID_FILE:
    return &o->pid_file;
  case C_CONSOLE_SOCKET:
    return &o->console_socket;
  case C_LSM_PROFILE:
    return &o->lsm_profile;
  case C_LSM_MOUNT_CONTEXT:
    return &o->lsm_mount_context;
  }
  return NULL;
}

static bool *cr_flag_slot(struct cr_opts *o, int key)
{
  switch (key) {
  case C_LEAVE_RUNNING:
    return &o->leave_running;
  case C_TCP_ESTABLISHED:
    return &o->tcp_established;
  case C_EXT_UNIX_SK:
    return &o->ext_unix_sk;
  case C_SHELL_JOB:
    return &o->shell_job;
  case C_LAZY_PAGES:
    return &o->lazy_pages;
  case C_FILE_LOCKS:
    return &o->file_locks;
  case C_PRE_DUMP:
    return &o->pre_dump;
  case C_AUTO_DEDUP:
    return &o->auto_dedup;
  case 'd':
    return &o->detach;
  case C_NO_SUBREAPER:
    return &o->no_subreaper;
  case C_NO_PIVOT:
    return &o->no_pivot;
  case C_NO_NEW_KEYRING:
    return &o->no_new_keyring;
  }
  return NULL;
}

static int check_cgroups_mode(struct cli *cli, const char *mode)
{
  for (size_t i = 0; i < LC_ARRAY_SIZE(cgroups_modes); i++)
    if (strcmp(mode, cgroups_modes[i]) == 0)
      return 0;
  return cli_fail(cli, "%s: invalid --manage-cgroups-mode \"%s\" (soft, full, strict or ignore)",
                  cli->cmd->name, mode);
}

static int cr_option(struct cli *cli, struct cr_opts *o, int key, const char *arg)
{
  const char **s = cr_string_slot(o, key);
  bool *f = cr_flag_slot(o, key);
  if (s) {
    *s = arg;
    return key == C_MANAGE_CGROUPS_MODE ? check_cgroups_mode(cli, arg) : 0;
  }
  if (f) {
    *f = true;
    return 0;
  }
  if (key == C_EMPTY_NS) {
    strv_push(&o->empty_ns, arg);
    return 0;
  }
  if (key == C_STATUS_FD)
    return cli_parse_uint(cli, "status-fd", arg, &o->status_fd);
  return cli_fail(cli, "%s: unhandled option %d", cli->cmd->name, key);
}

static int parse_cr(struct cli *cli, const struct cli_syntax *syn, int argc, char **argv)
{
  struct cli_parser p;
  struct cr_opts o = {.status_fd = -1};
  const char *arg, *id;
  int key, r = 0;
  cli_parser_init(&p, cli, syn, argc, argv);
  while (r == 0 && (key = cli_getopt(&p, &arg)) != CLI_OPT_END)
    r = key == CLI_OPT_STOP ? -1 : cr_option(cli, &o, key, arg);
  if (r == 0)
    r = cli_want_id(cli, &p, &id);
  cli_parser_free(&p);
  strv_free(o.empty_ns);
  return r < 0 ? cli_parse_done(cli) : 0;
}

int cmd_checkpoint(struct cli *cli, int argc, char **argv)
{
  return parse_cr(cli, &checkpoint_syntax, argc, argv);
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
  return parse_cr(cli, &restore_syntax, argc, argv);
}
