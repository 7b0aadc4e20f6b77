/* test-validate.c — lc_spec_validate() checks (validate.c), passing and
 * failing, with the exact message; and lc_id_validate().
 *
 * Every case is the base document below plus extra top-level members; a
 * repeated key overrides the base one (the last occurrence wins). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

#define BASE                                                                                       \
  "\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"                        \
  "\"root\":{\"path\":\"rootfs\"}"
#define NS(...) "\"linux\":{\"namespaces\":[" __VA_ARGS__ "]"
#define PROC(...) "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"," __VA_ARGS__ "}"

static char bundle[64];

/* Validate BASE + extra; want NULL means success.  "@B" in `want` stands for
 * the bundle path. */
static void check(const char *extra, const char *want, const char *name)
{
  char *json = xasprintf("{" BASE "%s%s}", *extra ? "," : "", extra);
  lc_error_t err = {0};
  struct lc_spec *spec = NULL;
  int r = lc_spec_parse(json, strlen(json), &spec, &err);
  ok(r == 0, "%s: parses (%s)", name, err.msg ? err.msg : "ok");
  if (r == 0)
    r = lc_spec_validate(spec, bundle, &err);
  if (!want) {
    ok(r == 0, "%s: valid (%s)", name, err.msg ? err.msg : "ok");
  } else {
    char *w = xstrdup(want);
    char *at = strstr(w, "@B");
    if (at) {
      *at = '\0';
      char *full = xasprintf("%s%s%s", w, bundle, at + 2);
      free(w);
      w = full;
    }
    ok(r == -EINVAL, "%s: EINVAL", name);
    is_str(err.msg, w, name);
    free(w);
  }
  lc_spec_free(spec);
  lc_error_clear(&err);
  free(json);
}

static void test_process(void)
{
  check("", NULL, "base document");
  check("\"process\":null", "process: missing required field", "process required");
  check("\"process\":{\"args\":[],\"cwd\":\"/\"}", "process.args: must not be empty", "empty args");
  check("\"process\":{\"cwd\":\"/\"}", "process.args: must not be empty", "absent args");
  check("\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}",
        "process.cwd: \"tmp\" is not an absolute path", "relative cwd");
  check("\"process\":{\"args\":[\"sh\"],\"cwd\":\"\"}", "process.cwd: \"\" is not an absolute path",
        "empty cwd");
  check(PROC("\"consoleSize\":{\"height\":1,\"width\":2}"), NULL,
        "consoleSize without terminal is ignored (config.md § Process)");
  check(PROC("\"terminal\":true,\"consoleSize\":{\"height\":1,\"width\":2}"), NULL,
        "consoleSize with terminal");
}

static void test_caps_rlimits(void)
{
  check(PROC("\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\",\"CAP_FOO\"]}"),
        "process.capabilities.bounding[2]: unknown capability \"CAP_FOO\"", "unknown bounding");
  check(PROC("\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"ambient\":[\"KILL\"]}"),
        "process.capabilities.ambient[0]: unknown capability \"KILL\"", "unknown ambient");
  check(
    PROC("\"capabilities\":{\"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"],"
         "\"inheritable\":[],\"ambient\":[\"CAP_NET_RAW\"]}"),
    NULL, "known capabilities");
  check(PROC("\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]"),
        "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"", "unknown rlimit");
  check(PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2},"
             "{\"type\":\"RLIMIT_CORE\",\"soft\":1,\"hard\":1},"
             "{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2}]"),
        "process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\"", "duplicate rlimit");
  check(PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2048,\"hard\":1024}]"),
        "process.rlimits[0]: soft limit 2048 is greater than hard limit 1024", "soft > hard");
  check(PROC("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":1024},"
             "{\"type\":\"RLIMIT_NPROC\",\"soft\":0,\"hard\":18446744073709551615}]"),
        NULL, "good rlimits");
}

static void test_root(void)
{
  char *path = xasprintf("%s/file", bundle);
  lc_error_t err = {0};
  lc_write_file_atomic(path, "x", 1, 0644, &err);
  free(path);
  path = xasprintf("%s/link", bundle);
  symlink("rootfs", path);
  free(path);
  check("\"root\":null", "root: missing required field", "root required");
  check("\"root\":{\"path\":\"\"}", "root.path: must not be empty", "empty root.path");
  check("\"root\":{\"path\":\"nope\"}", "root.path: \"@B/nope\" does not exist",
        "relative root.path missing");
  check("\"root\":{\"path\":\"/nonexistent-ocirun-rootfs\"}",
        "root.path: \"/nonexistent-ocirun-rootfs\" does not exist", "absolute root.path missing");
  check("\"root\":{\"path\":\"file\"}", "root.path: \"@B/file\" is not a directory",
        "root.path is a file");
  check("\"root\":{\"path\":\"link\"}", "root.path: \"@B/link\" is a symlink",
        "root.path is a symlink");
  char *abs = xasprintf("\"root\":{\"path\":\"%s/rootfs\",\"readonly\":true}", bundle);
  check(abs, NULL, "absolute root.path");
  free(abs);
  lc_error_clear(&err);
}

static void test_mounts_hooks(void)
{
  char log[] = "/tmp/test-validate-log-XXXXXX";
  int fd = mkstemp(log);
  lc_log_configure(fd, LC_LOG_PLAIN, LC_LOG_WARNING);
  check("\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"data\",\"type\":\"tmpfs\"}]", NULL,
        "relative mount destination is accepted (config.md: deprecated)");
  lc_log_configure(-1, LC_LOG_PLAIN, LC_LOG_WARNING);
  char *text = NULL;
  lc_error_t err = {0};
  lc_read_file_at(AT_FDCWD, log, &text, NULL, &err);
  if (text)
    text[strcspn(text, "\n")] = '\0';
  ok(text && strstr(text, "mounts[1].destination: \"data\" is not absolute"),
     "relative destination warns (%s)", text ? text : "nothing logged");
  free(text);
  close(fd);
  unlink(log);
  check("\"mounts\":[{\"destination\":\"\"}]", "mounts[0].destination: must not be empty",
        "empty mount destination");
  check("\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\"}],\"poststart\":[{\"path\":\"hook\"}]}",
        "hooks.poststart[0].path: \"hook\" is not an absolute path", "relative hook path");
  check("\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"},{\"path\":\"./b\"}]}",
        "hooks.createRuntime[1].path: \"./b\" is not an absolute path", "relative hook index 1");
  check("\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"}],\"createContainer\":[{\"path\":\"/b\"}],"
        "\"startContainer\":[{\"path\":\"/c\"}],\"poststop\":[{\"path\":\"/d\"}]}",
        NULL, "absolute hooks");
  lc_error_clear(&err);
}

static void test_namespaces(void)
{
  check(NS("{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"pid\"}") "}",
        "linux.namespaces[3].type: duplicate namespace \"pid\"", "duplicate namespace");
  check(NS("{\"type\":\"network\",\"path\":\"netns/x\"}") "}",
        "linux.namespaces[0].path: \"netns/x\" is not an absolute path", "relative ns path");
  check(NS("{\"type\":\"pid\"}") ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}",
        "linux.uidMappings: requires a user namespace", "uidMappings without userns");
  check(NS("{\"type\":\"pid\"}") ",\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}",
        "linux.gidMappings: requires a user namespace", "gidMappings without userns");
  check(NS("{\"type\":\"user\"}") ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}",
        "linux.namespaces: user namespace requires uidMappings and gidMappings",
        "userns without gidMappings");
  check(NS("{\"type\":\"user\"}") "}",
        "linux.namespaces: user namespace requires uidMappings and gidMappings",
        "userns without mappings");
  check(NS("{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}") "}", NULL,
        "joined userns needs no mappings");
  check(NS("{\"type\":\"user\"}") ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
                                  "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}",
        NULL, "userns with mappings");
  check("\"hostname\":\"h\"", "hostname: requires a UTS namespace", "hostname without uts");
  check("\"hostname\":\"h\"," NS("{\"type\":\"mount\"}") "}", "hostname: requires a UTS namespace",
        "hostname with only mount ns");
  check("\"domainname\":\"d\"", "domainname: requires a UTS namespace", "domainname without uts");
  check("\"hostname\":\"\"", NULL, "empty hostname needs no uts");
  check("\"hostname\":\"h\",\"domainname\":\"d\"," NS("{\"type\":\"uts\"}") "}", NULL,
        "hostname with uts");
  check(NS("{\"type\":\"pid\"}") ",\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}",
        "linux.timeOffsets: requires a time namespace", "timeOffsets without time ns");
  check(NS("{\"type\":\"time\"}") ",\"timeOffsets\":{\"boottime\":{\"secs\":1}}}", NULL,
        "timeOffsets with time ns");
}

static void test_devices(void)
{
  check("\"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"dev/null\",\"major\":1,\"minor\":3}]}",
        "linux.devices[0].path: \"dev/null\" is not an absolute path", "relative device path");
  check("\"linux\":{\"devices\":[{\"type\":\"p\",\"path\":\"/dev/f\"},"
        "{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1}]}",
        "linux.devices[1]: type \"c\" requires major and minor", "char device without minor");
  check("\"linux\":{\"devices\":[{\"type\":\"u\",\"path\":\"/dev/u\"}]}",
        "linux.devices[0]: type \"u\" requires major and minor", "u device without numbers");
  check("\"linux\":{\"devices\":[{\"type\":\"b\",\"path\":\"/dev/b\",\"major\":8,\"minor\":0},"
        "{\"type\":\"p\",\"path\":\"/dev/f\"}]}",
        NULL, "good devices");
  check("\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
        "{\"allow\":true,\"type\":\"x\"}]}}",
        "linux.resources.devices[1].type: invalid value \"x\"", "bad cgroup device type");
  check(
    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"rwx\"}]}}",
    "linux.resources.devices[0].access: invalid value \"rwx\"", "bad cgroup device access");
  check("\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"a\",\"access\":\"m\"},"
        "{\"allow\":true,\"type\":\"b\",\"major\":8}]}}",
        NULL, "good cgroup devices");
}

static void test_sysctl_paths(void)
{
  check(
    NS("{\"type\":\"ipc\"}") ",\"sysctl\":{\"kernel.shmmax\":\"1\",\"net.ipv4.ip_forward\":\"1\"}}",
    "linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace", "net sysctl");
  check(
    NS(
      "{\"type\":\"network\",\"path\":\"/run/netns/x\"}") ",\"sysctl\":{\"net.core.somaxconn\":\"1\"}}",
    NULL, "net sysctl with a joined netns");
  check(NS("{\"type\":\"network\"}") ",\"sysctl\":{\"kernel.shmmax\":\"1\"}}",
        "linux.sysctl[\"kernel.shmmax\"]: requires an IPC namespace", "ipc sysctl");
  check(NS("{\"type\":\"network\"}") ",\"sysctl\":{\"fs.mqueue.msg_max\":\"1\"}}",
        "linux.sysctl[\"fs.mqueue.msg_max\"]: requires an IPC namespace", "mqueue sysctl");
  check(NS("{\"type\":\"ipc\"}") ",\"sysctl\":{\"kernel.hostname\":\"x\"}}",
        "linux.sysctl[\"kernel.hostname\"]: requires a UTS namespace", "uts sysctl");
  check(
    NS(
      "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}") ",\"sysctl\":{\"vm.swappiness\":\"1\"}}",
    "linux.sysctl[\"vm.swappiness\"]: not in a separate kernel namespace", "host sysctl");
  check(
    NS(
      "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}") ",\"sysctl\":{\"kernel.msgmax\":\"1\",\"kernel.domainname\":\"d\",\"net.ipv4.ping_group_range\":\"0 0\"}}",
    NULL, "namespaced sysctls");
  check("\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]}",
        "linux.maskedPaths[1]: \"proc/keys\" is not an absolute path", "relative masked path");
  check("\"linux\":{\"readonlyPaths\":[\"sys\"]}",
        "linux.readonlyPaths[0]: \"sys\" is not an absolute path", "relative readonly path");
  check("\"linux\":{\"maskedPaths\":[],\"readonlyPaths\":[\"/proc/sys\"]}", NULL, "good paths");
  /* the first failing check wins: process before root before namespaces */
  check("\"process\":{\"args\":[],\"cwd\":\"/\"},\"root\":{\"path\":\"nope\"},\"hostname\":\"h\"",
        "process.args: must not be empty", "first failure wins");
  check("\"root\":{\"path\":\"nope\"},\"hostname\":\"h\"", "root.path: \"@B/nope\" does not exist",
        "root before uts");
}

static void test_ids(void)
{
  static const char *const good[] = {"a", "web1", "A-b_c.d+e", "0", "x..y", "-", "_", "a.", NULL};
  for (size_t i = 0; good[i]; i++) {
    lc_error_t err = {0};
    ok(lc_id_validate(good[i], &err) == 0, "id \"%s\" accepted", good[i]);
    lc_error_clear(&err);
  }
  static const struct {
    const char *id, *want;
  } bad[] = {
    {"", "container id is empty"},
    {"..", "invalid container id \"..\": only [A-Za-z0-9_+.-] allowed, no leading dot"},
    {".x", "invalid container id \".x\": only [A-Za-z0-9_+.-] allowed, no leading dot"},
    {"a/b", "invalid container id \"a/b\": only [A-Za-z0-9_+.-] allowed, no leading dot"},
    {"a b", "invalid container id \"a b\": only [A-Za-z0-9_+.-] allowed, no leading dot"},
    {"a\nb", "invalid container id \"a\\x0ab\": only [A-Za-z0-9_+.-] allowed, no leading dot"},
    {"a\x1b[31m", "invalid container id \"a\\x1b[31m\": only [A-Za-z0-9_+.-] allowed, "
                  "no leading dot"},
    {"caf\xc3\xa9", "invalid container id \"caf\xc3\xa9\": only [A-Za-z0-9_+.-] allowed, "
                    "no leading dot"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    lc_error_t err = {0};
    ok(lc_id_validate(bad[i].id, &err) == -EINVAL, "bad id %zu refused", i);
    is_str(err.msg, bad[i].want, bad[i].want);
    lc_error_clear(&err);
  }
  lc_error_t err = {0};
  is_int(lc_id_validate(NULL, &err), -EINVAL, "NULL id refused");
  char *id = xmalloc(1026);
  memset(id, 'a', 1025);
  id[1025] = '\0';
  is_int(lc_id_validate(id, &err), -EINVAL, "1025-byte id refused");
  is_str(err.msg, "invalid container id: longer than 1024 bytes", "long id message");
  id[1024] = '\0';
  is_int(lc_id_validate(id, &err), 0, "1024-byte id accepted");
  free(id);
  lc_error_clear(&err);
}

int main(void)
{
  strcpy(bundle, "/tmp/test-validate-XXXXXX");
  if (!mkdtemp(bundle))
    skip_all("mkdtemp failed");
  char *rootfs = xasprintf("%s/rootfs", bundle);
  mkdir(rootfs, 0755);
  free(rootfs);
  test_process();
  test_caps_rlimits();
  test_root();
  test_mounts_hooks();
  test_namespaces();
  test_devices();
  test_sysctl_paths();
  test_ids();
  lc_error_t err = {0};
  lc_rm_rf_at(AT_FDCWD, bundle, &err);
  lc_error_clear(&err);
  return tap_done();
}
