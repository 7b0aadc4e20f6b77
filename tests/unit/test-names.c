/* test-names.c — the name tables of names.c (signals for `kill`,
 * config.md § POSIX process capabilities and rlimits, config.md § Mounts
 * options) and lc_mount_options_parse(). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "names.h"
#include "tap.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#endif

static void test_signals(void)
{
  is_int(lc_signal_parse("KILL"), SIGKILL, "KILL");
  is_int(lc_signal_parse("SIGKILL"), SIGKILL, "SIGKILL");
  is_int(lc_signal_parse("kill"), SIGKILL, "kill (upper-cased like runc)");
  is_int(lc_signal_parse("sigTerm"), SIGTERM, "sigTerm");
  is_int(lc_signal_parse("9"), 9, "9");
  is_int(lc_signal_parse("HUP"), SIGHUP, "HUP");
  is_int(lc_signal_parse("WINCH"), SIGWINCH, "WINCH");
  is_int(lc_signal_parse("SIGIOT"), SIGABRT, "alias IOT");
  is_int(lc_signal_parse("CLD"), SIGCHLD, "alias CLD");
  is_int(lc_signal_parse("POLL"), SIGIO, "alias POLL");
  is_int(lc_signal_parse("64"), 64, "64 = SIGRTMAX");
  is_int(lc_signal_parse("65"), -EINVAL, "65 above SIGRTMAX");
  is_int(lc_signal_parse("0"), -EINVAL, "0 rejected");
  is_int(lc_signal_parse("-9"), -EINVAL, "-9 rejected");
  is_int(lc_signal_parse("9x"), -EINVAL, "9x rejected");
  is_int(lc_signal_parse("99999"), -EINVAL, "99999 rejected");
  is_int(lc_signal_parse("RTMIN"), SIGRTMIN, "RTMIN");
  is_int(lc_signal_parse("RTMIN+2"), SIGRTMIN + 2, "RTMIN+2");
  is_int(lc_signal_parse("sigrtmin+2"), SIGRTMIN + 2, "sigrtmin+2");
  is_int(lc_signal_parse("SIGRTMAX-1"), SIGRTMAX - 1, "SIGRTMAX-1");
  is_int(lc_signal_parse("RTMAX"), SIGRTMAX, "RTMAX");
  is_int(lc_signal_parse("RTMIN-1"), -EINVAL, "RTMIN-1 rejected");
  is_int(lc_signal_parse("RTMAX+1"), -EINVAL, "RTMAX+1 rejected");
  is_int(lc_signal_parse("RTMIN+"), -EINVAL, "RTMIN+ rejected");
  is_int(lc_signal_parse("RTMIN+99"), -EINVAL, "RTMIN+99 beyond SIGRTMAX");
  is_int(lc_signal_parse("FOO"), -EINVAL, "FOO rejected");
  is_int(lc_signal_parse("SIG"), -EINVAL, "SIG rejected");
  is_int(lc_signal_parse(""), -EINVAL, "empty rejected");
  is_int(lc_signal_parse(NULL), -EINVAL, "NULL rejected");
  is_int(lc_signal_parse(" 9"), -EINVAL, "leading blank rejected");

  is_str(lc_signal_name(SIGKILL), "SIGKILL", "name of 9");
  is_str(lc_signal_name(SIGABRT), "SIGABRT", "canonical name before alias");
  is_str(lc_signal_name(SIGRTMIN), "SIGRTMIN", "name of SIGRTMIN");
  is_str(lc_signal_name(SIGRTMIN + 2), "SIGRTMIN+2", "name of SIGRTMIN+2");
  is_str(lc_signal_name(SIGRTMAX - 3), "SIGRTMAX-3", "name of SIGRTMAX-3");
  is_str(lc_signal_name(SIGRTMAX), "SIGRTMAX", "name of SIGRTMAX");
  ok(lc_signal_name(0) == NULL && lc_signal_name(SIGRTMAX + 1) == NULL, "no name for 0, 65");

  size_t n = 0;
  const char *const *names = lc_signal_names(&n);
  ok(n >= 31 && names[n] == NULL, "signal names listed (%zu)", n);
  int bad = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(names[i], "SIG", 3) != 0 || lc_signal_parse(names[i]) <= 0)
      bad++;
  is_int(bad, 0, "every listed name parses");
  /* Every signal number round-trips through its name. */
  bad = 0;
  for (int s = 1; s <= SIGRTMAX; s++) {
    const char *name = lc_signal_name(s);
    if (name ? lc_signal_parse(name) != s : (s < 32 || s >= SIGRTMIN))
      bad++;
  }
  is_int(bad, 0, "1..SIGRTMAX round-trip through lc_signal_name");
}

static void test_caps(void)
{
  is_int(lc_cap_last_known(), 40, "last known cap is CAP_CHECKPOINT_RESTORE");
  is_int(lc_cap_from_name("CAP_CHOWN"), 0, "CAP_CHOWN");
  is_int(lc_cap_from_name("CAP_SYS_ADMIN"), 21, "CAP_SYS_ADMIN");
  is_int(lc_cap_from_name("CAP_AUDIT_READ"), 37, "CAP_AUDIT_READ");
  is_int(lc_cap_from_name("CAP_BPF"), 39, "CAP_BPF");
  is_int(lc_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40, "CAP_CHECKPOINT_RESTORE");
  is_int(lc_cap_from_name("SYS_ADMIN"), -EINVAL, "prefix required");
  is_int(lc_cap_from_name("cap_sys_admin"), -EINVAL, "upper case required");
  is_int(lc_cap_from_name("CAP_FOO"), -EINVAL, "unknown cap");
  is_int(lc_cap_from_name(""), -EINVAL, "empty cap");
  ok(lc_cap_name(-1) == NULL && lc_cap_name(41) == NULL, "no name outside 0..40");
  int bad = 0;
  for (int c = 0; c <= lc_cap_last_known(); c++) {
    const char *name = lc_cap_name(c);
    if (!name || strncmp(name, "CAP_", 4) != 0 || lc_cap_from_name(name) != c)
      bad++;
  }
  is_int(bad, 0, "every cap name round-trips");
}

static void test_rlimits(void)
{
  static const struct {
    const char *name;
    int res;
  } want[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
  };
  int bad = 0;
  for (size_t i = 0; i < LC_ARRAY_SIZE(want); i++)
    if (lc_rlimit_from_name(want[i].name) != want[i].res || !lc_rlimit_name(want[i].res)
        || strcmp(lc_rlimit_name(want[i].res), want[i].name) != 0)
      bad++;
  is_int(bad, 0, "all 16 rlimits round-trip");
  is_int(lc_rlimit_from_name("RLIMIT_FOO"), -EINVAL, "unknown rlimit");
  is_int(lc_rlimit_from_name("rlimit_nofile"), -EINVAL, "rlimit names are exact");
  is_int(lc_rlimit_from_name("NOFILE"), -EINVAL, "rlimit prefix required");
  ok(lc_rlimit_name(RLIMIT_NLIMITS) == NULL, "no name past RLIMIT_RTTIME");
}

static void test_mount_table(void)
{
  static const char *const listed[] = {
    "async",
    "atime",
    "bind",
    "defaults",
    "dev",
    "diratime",
    "dirsync",
    "exec",
    "iversion",
    "lazytime",
    "loud",
    "mand",
    "noatime",
    "nodev",
    "nodiratime",
    "noexec",
    "noiversion",
    "nolazytime",
    "nomand",
    "norelatime",
    "nostrictatime",
    "nosuid",
    "nosymfollow",
    "private",
    "ratime",
    "rbind",
    "rdev",
    "rdiratime",
    "relatime",
    "remount",
    "rexec",
    "rnoatime",
    "rnodev",
    "rnodiratime",
    "rnoexec",
    "rnorelatime",
    "rnostrictatime",
    "rnosuid",
    "rnosymfollow",
    "ro",
    "rprivate",
    "rrelatime",
    "rro",
    "rrw",
    "rshared",
    "rslave",
    "rstrictatime",
    "rsuid",
    "rsymfollow",
    "runbindable",
    "rw",
    "shared",
    "silent",
    "slave",
    "strictatime",
    "suid",
    "symfollow",
    "sync",
    "unbindable",
    "tmpcopyup",
    "idmap",
    "ridmap",
    "copy-symlink",
    "src-nofollow",
    "dest-nofollow",
  };
  size_t n = 0;
  const struct lc_mount_opt *t = lc_mount_opt_table(&n);
  is_int(n, LC_ARRAY_SIZE(listed), "mount option table size");
  int unsorted = 0, missing = 0;
  for (size_t i = 1; i < n; i++)
    if (strcmp(t[i - 1].name, t[i].name) >= 0)
      unsorted++;
  is_int(unsorted, 0, "mount option table strictly sorted (bsearch)");
  for (size_t i = 0; i < LC_ARRAY_SIZE(listed); i++) {
    const struct lc_mount_opt *o = lc_mount_opt_lookup(listed[i]);
    if (!o || strcmp(o->name, listed[i]) != 0)
      missing++;
  }
  is_int(missing, 0, "every config.md / mount(8) option found");
  ok(lc_mount_opt_lookup("mode=755") == NULL && lc_mount_opt_lookup("RO") == NULL
       && lc_mount_opt_lookup("") == NULL && lc_mount_opt_lookup("zzz") == NULL,
     "unknown options are data");

  const struct lc_mount_opt *o = lc_mount_opt_lookup("bind");
  ok(o && o->kind == LC_MOPT_FLAG && o->flag == MS_BIND && !o->clear, "bind = MS_BIND");
  o = lc_mount_opt_lookup("rbind");
  ok(o && o->flag == (MS_BIND | MS_REC), "rbind = MS_BIND|MS_REC");
  o = lc_mount_opt_lookup("rw");
  ok(o && o->kind == LC_MOPT_FLAG && o->clear && o->flag == MS_RDONLY, "rw clears MS_RDONLY");
  o = lc_mount_opt_lookup("defaults");
  ok(o && o->kind == LC_MOPT_FLAG && o->flag == 0, "defaults sets nothing");
  o = lc_mount_opt_lookup("rslave");
  ok(o && o->kind == LC_MOPT_PROPAGATION && o->flag == (MS_SLAVE | MS_REC), "rslave");
  o = lc_mount_opt_lookup("rnosuid");
  ok(o && o->kind == LC_MOPT_RECURSIVE && !o->clear && o->flag == MOUNT_ATTR_NOSUID, "rnosuid");
  o = lc_mount_opt_lookup("rsuid");
  ok(o && o->kind == LC_MOPT_RECURSIVE && o->clear && o->flag == MOUNT_ATTR_NOSUID, "rsuid");
  o = lc_mount_opt_lookup("tmpcopyup");
  ok(o && o->kind == LC_MOPT_EXTENSION && o->flag == LC_MEXT_TMPCOPYUP, "tmpcopyup extension");
}

/* Parse a NULL-terminated literal list. */
#define PARSE(f, ...)                                                                              \
  ({                                                                                               \
    char *_o[] = {__VA_ARGS__, NULL};                                                              \
    lc_mount_options_parse(_o, (f), NULL);                                                         \
  })

static void test_mount_parse_flags(void)
{
  struct lc_mount_flags f;
  is_int(PARSE(&f, "ro", "nosuid", "mode=755"), 0, "ro,nosuid,mode=755 parses");
  is_int(f.flags, MS_RDONLY | MS_NOSUID, "ro,nosuid -> MS_RDONLY|MS_NOSUID");
  is_str(f.data, "mode=755", "mode=755 is data");
  ok(f.n_propagation == 0 && f.attr_set == 0 && f.attr_clr == 0, "nothing else set");
  lc_mount_flags_free(&f);

  PARSE(&f, "mode=755", "nodev", "size=65536k", "", "uid=5");
  is_str(f.data, "mode=755,size=65536k,uid=5", "data joined in order, empty skipped");
  is_int(f.flags, MS_NODEV, "nodev among data");
  lc_mount_flags_free(&f);

  PARSE(&f, "ro", "rw");
  is_int(f.flags & MS_RDONLY, 0, "ro then rw -> rw");
  is_int(f.clear_flags, MS_RDONLY, "rw recorded as cleared");
  lc_mount_flags_free(&f);
  PARSE(&f, "rw", "ro");
  is_int(f.flags, MS_RDONLY, "rw then ro -> ro");
  is_int(f.clear_flags, 0, "ro drops the clear");
  ok(f.data == NULL, "no data -> NULL");
  lc_mount_flags_free(&f);

  PARSE(&f, "noatime", "strictatime");
  is_int(f.flags, MS_STRICTATIME, "noatime then strictatime -> strictatime only");
  lc_mount_flags_free(&f);
  PARSE(&f, "nosuid", "suid", "defaults", "exec");
  is_int(f.flags, 0, "suid undoes nosuid, defaults adds nothing");
  is_int(f.clear_flags, MS_NOSUID | MS_NOEXEC, "suid and exec recorded as cleared");
  lc_mount_flags_free(&f);

  PARSE(&f, "bind");
  is_int(f.flags, MS_BIND, "bind -> MS_BIND");
  lc_mount_flags_free(&f);
  PARSE(&f, "rbind", "ro");
  is_int(f.flags, MS_BIND | MS_REC | MS_RDONLY, "rbind,ro -> MS_BIND|MS_REC|MS_RDONLY");
  lc_mount_flags_free(&f);

  is_int(lc_mount_options_parse(NULL, &f, NULL), 0, "NULL options");
  ok(f.flags == 0 && f.data == NULL, "NULL options -> empty result");
}

static void test_mount_parse_recursive(void)
{
  struct lc_mount_flags f;
  PARSE(&f, "rro");
  is_int(f.attr_set, MOUNT_ATTR_RDONLY, "rro sets recursive rdonly");
  is_int(f.flags & MS_RDONLY, 0, "rro is not MS_RDONLY");
  lc_mount_flags_free(&f);
  PARSE(&f, "rro", "rnosuid", "rrw");
  is_int(f.attr_set, MOUNT_ATTR_NOSUID, "rrw undoes rro");
  is_int(f.attr_clr, MOUNT_ATTR_RDONLY, "rrw clears rdonly");
  lc_mount_flags_free(&f);
  PARSE(&f, "rnoatime");
  ok(f.attr_set == MOUNT_ATTR_NOATIME && f.attr_clr == MOUNT_ATTR__ATIME,
     "rnoatime: NOATIME set, all of _ATIME cleared");
  lc_mount_flags_free(&f);
  PARSE(&f, "rnoatime", "rrelatime");
  ok(f.attr_set == MOUNT_ATTR_RELATIME && f.attr_clr == MOUNT_ATTR__ATIME, "rrelatime wins");
  lc_mount_flags_free(&f);
  PARSE(&f, "rstrictatime", "ratime");
  ok(f.attr_set == MOUNT_ATTR_STRICTATIME && f.attr_clr == MOUNT_ATTR__ATIME,
     "ratime leaves strictatime alone");
  lc_mount_flags_free(&f);
  PARSE(&f, "rnoatime", "ratime");
  ok(f.attr_set == MOUNT_ATTR_RELATIME && f.attr_clr == MOUNT_ATTR__ATIME,
     "ratime after rnoatime -> relatime");
  lc_mount_flags_free(&f);
  PARSE(&f, "rrelatime", "rnorelatime", "rnodev");
  ok(f.attr_set == MOUNT_ATTR_NODEV && f.attr_clr == 0, "rnorelatime cancels rrelatime");
  lc_mount_flags_free(&f);
}

static void test_mount_parse_misc(void)
{
  struct lc_mount_flags f;
  PARSE(&f, "rprivate", "shared", "runbindable");
  is_int(f.n_propagation, 3, "three propagation options");
  ok(f.n_propagation == 3 && f.propagation[0] == (MS_PRIVATE | MS_REC)
       && f.propagation[1] == MS_SHARED && f.propagation[2] == (MS_UNBINDABLE | MS_REC),
     "propagation kept in order");
  is_int(f.flags, 0, "propagation is not in flags");
  lc_mount_flags_free(&f);

  PARSE(&f, "tmpcopyup", "idmap", "copy-symlink", "dest-nofollow");
  ok(f.tmpcopyup && f.idmap && f.copy_symlink && f.dest_nofollow, "extensions set");
  ok(!f.ridmap && !f.src_nofollow, "other extensions unset");
  ok(f.data == NULL && f.flags == 0, "extensions are neither data nor flags");
  lc_mount_flags_free(&f);
  PARSE(&f, "ridmap", "src-nofollow");
  ok(f.ridmap && f.src_nofollow && !f.idmap, "ridmap, src-nofollow");
  lc_mount_flags_free(&f);

  char big[5000];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = 0;
  lc_error_t err = {0};
  char *opts[] = {"ro", big, NULL};
  f.flags = 12345;
  is_int(lc_mount_options_parse(opts, &f, &err), -EINVAL, "oversized data rejected");
  is_int(f.flags, 12345, "output untouched on failure");
  ok(err.msg && strstr(err.msg, "filesystem data is 4999 bytes"), "message: %s", err.msg);
  lc_error_clear(&err);
}

int main(void)
{
  test_signals();
  test_caps();
  test_rlimits();
  test_mount_table();
  test_mount_parse_flags();
  test_mount_parse_recursive();
  test_mount_parse_misc();
  return tap_done();
}
