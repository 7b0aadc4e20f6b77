#!/bin/bash
# test-harness.sh — checks the integration harness itself (lib.sh, contrib/mkbundle.sh) and the
# probe, without ocirun's lifecycle: the probe runs on the host, directly or chrooted into a
# bundle's rootfs.  If runc is installed, it also runs one bundle under runc (a reference
# runtime) to prove the built-in config, run_ctr, recvtty and assert_clean against a real
# container.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_probe
require_cmd jq chroot timeout

# ---- lib.sh's own helpers --------------------------------------------------------------------
text=$'uid=0\ngid=5\nline=a=b c'
is "kv finds a key" "$(kv "$text" gid)" 5
is "kv keeps '=' in values" "$(kv "$text" line)" "a=b c"
check "kv fails on a missing key" bash -c "! (source '$OCIRUN_SRCDIR/tests/integration/lib.sh' x y; kv 'a=1' b)"
like "like matches one line with anchors" "$text" '^gid=5$'
unlike "unlike rejects a key absent from every line" "$text" '^euid='
is "cid is a valid container id" "$(cid web | tr -d 'A-Za-z0-9_+.-')" ""
# A nested harness: a failing assertion must make done_testing exit 1 and print the plan.
nested=$(bash -c "source '$OCIRUN_SRCDIR/tests/integration/lib.sh' x y; ok a; is b 1 2; done_testing")
is "nested failing test exits 1" "$?" 1
like "nested plan counts both" "$nested" '^1\.\.2$'
like "nested failure names the expectation" "$nested" "^# want: '2'$"
nested=$(bash -c "source '$OCIRUN_SRCDIR/tests/integration/lib.sh' x y; skip_all 'no reason'")
is "skip_all prints a skip plan and exits 0" "$?:$nested" "0:1..0 # SKIP no reason"

# A forked subshell killed by a fatal signal runs bash's EXIT trap; it must not clean up.
(sleep 2; true) &
kill -USR1 $!
wait $! 2>/dev/null
check "a signalled subshell leaves TEST_TMP alone" test -d "$ROOT"

# ---- mkbundle --------------------------------------------------------------------------------
t0=$(date +%s%N)
B=$(new_bundle one)
t1=$(date +%s%N)
check "new_bundle made a rootfs with busybox" test -x "$B/rootfs/bin/busybox"
check "new_bundle copied the probe" test -x "$B/rootfs/probe"
check "applet symlinks point at busybox" test "$(readlink "$B/rootfs/bin/sh")" != ""
for d in proc sys dev tmp etc run var root; do
  check "rootfs has /$d" test -d "$B/rootfs/$d"
done
like "/etc/passwd has nobody" "$(<"$B/rootfs/etc/passwd")" '^nobody:x:65534:65534:'
like "/etc/group has nogroup" "$(<"$B/rootfs/etc/group")" '^nogroup:x:65534:'
is "config: ociVersion" "$(jq -r .ociVersion "$B/config.json")" 1.2.0
is "config: terminal is false" "$(jq -r .process.terminal "$B/config.json")" false
is "config: args" "$(jq -c .process.args "$B/config.json")" '["sh"]'
is "config: root is rootfs, read-only" "$(jq -c .root "$B/config.json")" \
  '{"path":"rootfs","readonly":true}'
is "config: runc's namespaces" "$(jq -c '[.linux.namespaces[].type]' "$B/config.json")" \
  '["pid","network","ipc","uts","mount","cgroup"]'
like "config: /proc/kcore masked" "$(jq -r '.linux.maskedPaths[]' "$B/config.json")" '^/proc/kcore$'
like "config: carries the test id" "$(jq -r '.process.env[]' "$B/config.json")" \
  "^OCIRUN_TEST_ID=$TEST_UID\$"
B2=$(new_bundle two)
t2=$(date +%s%N)
isnt "second bundle is a different directory" "$B2" "$B"
# Targets are 1 s; the checks allow 3 s so a loaded 2-core CI box does not flake.
check "a copied bundle takes under 3 s" test $(((t2 - t1) / 1000000)) -lt 3000
diag "template bundle $(((t1 - t0) / 1000000)) ms, copy $(((t2 - t1) / 1000000)) ms"
if (new_bundle one) >/dev/null 2>&1; then
  not_ok "new_bundle refuses an existing name"
else
  ok "new_bundle refuses an existing name"
fi
start=$(date +%s%N)
"$MKBUNDLE" "$TEST_TMP/direct" --builtin-spec --probe "$PROBE" >/dev/null 2>&1
rc=$?
end=$(date +%s%N)
is "mkbundle.sh exits 0" "$rc" 0
check "mkbundle.sh runs in under 3 s" test $(((end - start) / 1000000)) -lt 3000
diag "mkbundle.sh $(((end - start) / 1000000)) ms"
check "mkbundle.sh refuses an existing rootfs" bash -c "! '$MKBUNDLE' '$TEST_TMP/direct' 2>/dev/null"
check "mkbundle.sh wrote valid JSON" jq -e .process "$TEST_TMP/direct/config.json"

# ---- cfg / set_args / add_env ----------------------------------------------------------------
set_args "$B" /probe args 'two words' '-x' '"quoted"' ''
is "set_args keeps every argument intact" "$(jq -c .process.args "$B/config.json")" \
  '["/probe","args","two words","-x","\"quoted\"",""]'
cfg "$B" '.hostname = $h' --arg h probe-host
is "cfg edits in place" "$(jq -r .hostname "$B/config.json")" probe-host
add_env "$B" FOO=bar
like "add_env appends" "$(jq -r '.process.env[]' "$B/config.json")" '^FOO=bar$'
check "cfg reports a bad filter" bash -c "! (source '$OCIRUN_SRCDIR/tests/integration/lib.sh' x y; cfg '$B' '.[' 2>/dev/null)"
check "config.json survives a bad filter" jq -e .process "$B/config.json"

# ---- the probe, chrooted into the bundle -----------------------------------------------------
R=$B/rootfs
if command -v file >/dev/null; then
  like "probe is statically linked" "$(file -L "$PROBE")" 'statically linked|static-pie linked'
else
  skip "probe is statically linked" "no file(1)"
fi
capture chroot "$R" /probe id
is "probe id: exit 0" "$RC" 0
is "probe id: uid" "$(kv "$OUT" uid)" 0
like "probe id: umask" "$(kv "$OUT" umask)" '^0[0-7]{3}$'
capture chroot --userspec=65534:65534 "$R" /probe id
is "probe id as nobody: uid" "$(kv "$OUT" uid)" 65534
is "probe id as nobody: egid" "$(kv "$OUT" egid)" 65534
capture chroot "$R" /probe args a 'b c'
is "probe args: argc" "$(kv "$OUT" argc)" 4
is "probe args: spaces survive" "$(kv "$OUT" arg3)" "b c"
capture chroot "$R" /probe exit 7
is "probe exit 7" "$RC" 7
capture chroot "$R" /probe signal TERM
is "probe signal TERM dies by SIGTERM" "$RC" 143
capture chroot "$R" /probe echo hello world
is "probe echo" "$OUT" "hello world"
capture chroot "$R" /probe stat /bin/busybox
is "probe stat: type" "$(kv "$OUT" type)" reg
is "probe stat: mode" "$(kv "$OUT" mode)" "$(stat -c %04a "$R/bin/busybox")"
capture chroot "$R" /probe lstat /bin/sh
is "probe lstat sees the applet symlink" "$(kv "$OUT" type)" lnk
capture chroot "$R" /probe open /nonexistent
is "probe open: errno name" "$(kv "$OUT" errno)" ENOENT
capture chroot "$R" /probe write /nonexistent/dir/file data
is "probe write failure: exit 1" "$RC" 1
is "probe write failure: error=" "$(kv "$OUT" error)" ENOENT
capture chroot "$R" /probe write /tmp/x data
is "probe write: success" "$RC:$(<"$R/tmp/x")" "0:data"
capture chroot "$R" /probe mkdir /tmp/newdir
check "probe mkdir made the directory" test -d "$R/tmp/newdir"
capture chroot "$R" /probe cat /etc/hostname
is "probe cat" "$OUT" ocirun-test
capture chroot "$R" /probe nosuchcommand
is "probe: unknown command exits 2" "$RC" 2
like "probe: usage lists commands" "$ERR" 'wait-signal'
capture env -i FOO=bar "$(command -v chroot)" "$R" /probe env
is "probe env shows exactly the environment" "$OUT" "FOO=bar"
capture chroot "$R" /bin/sh -c 'cd /tmp && /probe cwd'
is "probe cwd" "$(kv "$OUT" cwd)" /tmp
capture chroot "$R" /bin/sh -c 'ulimit -n 123 && /probe rlimits'
is "probe rlimits: nofile" "$(kv "$OUT" RLIMIT_NOFILE)" "123 123"
is "probe rlimits: all 16" "$(grep -c '^RLIMIT_' <<<"$OUT")" 16
capture chroot "$R" /probe fds 7</dev/null
like "probe fds without /proc: fcntl scan finds fd 7" "$OUT" '^fd7=\?$'
like "probe fds without /proc: and stdout" "$OUT" '^fd1=\?$'
capture chroot "$R" /probe syscall-errno 999999
is "probe syscall-errno: unknown syscall is ENOSYS" "$(kv "$OUT" errno)" ENOSYS
capture chroot "$R" /probe syscall-errno chmod
is "probe syscall-errno chmod (missing file)" "$(kv "$OUT" errno)" ENOENT
capture chroot "$R" /probe fork-bomb 5
is "probe fork-bomb 5" "$(kv "$OUT" forked)" 5
capture chroot "$R" /probe alloc 8
is "probe alloc 8" "$(kv "$OUT" allocated)" 8
capture chroot "$R" /probe sleep 0.1
is "probe sleep" "$RC:$OUT" "0:slept=0.1"

# wait-signal: start it, wait for `ready=1`, send SIGUSR1, expect 128+10.
ws_out=$TEST_TMP/ws.out
chroot "$R" /probe wait-signal >"$ws_out" &
ws_pid=$!
retry 100 0.02 grep -q '^ready=1$' "$ws_out"
kill -USR1 "$ws_pid"
wait "$ws_pid"
is "probe wait-signal: exit 128+SIGUSR1" "$?" 138
is "probe wait-signal: names the signal" "$(kv "$(<"$ws_out")" signal)" SIGUSR1
ws_out=$TEST_TMP/ws2.out
chroot "$R" /probe wait-signal TERM >"$ws_out" &
ws_pid=$!
retry 100 0.02 grep -q '^ready=1$' "$ws_out"
kill -USR2 "$ws_pid"
retry 100 0.02 grep -q '^ignored=' "$ws_out"
kill -TERM "$ws_pid"
wait "$ws_pid"
is "probe wait-signal TERM: exit 128+SIGTERM" "$?" 143
is "probe wait-signal TERM: reports SIGUSR2 as ignored" "$(kv "$(<"$ws_out")" ignored)" SIGUSR2

# ---- the probe on the host (needs /proc) -----------------------------------------------------
capture "$PROBE" caps
is "probe caps: CapBnd matches /proc" "$(kv "$OUT" CapBnd)" \
  "$(awk '/^CapBnd:/ {print $2}' /proc/self/status)" || diag "rc $RC: $ERR"
like "probe caps: NoNewPrivs" "$OUT" '^NoNewPrivs=[01]$'
capture "$PROBE" ns
is "probe ns: mnt namespace" "$(kv "$OUT" mnt)" "$(readlink /proc/self/ns/mnt)"
like "probe ns: pid and getpid" "$OUT" '^pid=pid:\[[0-9]+\]$'
capture "$PROBE" fds 7</dev/null
is "probe fds: target of an extra fd" "$(kv "$OUT" fd7)" /dev/null
capture "$PROBE" mount /
is "probe mount /: exact" "$(kv "$OUT" exact)" 1
is "probe mount /: fstype" "$(kv "$OUT" fstype)" "$(awk '$5 == "/" {t = $(NF-2)} END {print t}' /proc/self/mountinfo)"
capture "$PROBE" mount /proc/self
is "probe mount /proc/self: the proc mount" "$(kv "$OUT" fstype):$(kv "$OUT" exact)" proc:0
capture "$PROBE" sysctl kernel.ostype
is "probe sysctl" "$(kv "$OUT" kernel.ostype)" Linux
capture "$PROBE" oom
is "probe oom" "$(kv "$OUT" oom_score_adj)" "$(</proc/self/oom_score_adj)"
capture "$PROBE" affinity
like "probe affinity" "$(kv "$OUT" cpus)" '^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$'
capture "$PROBE" sched
is "probe sched: policy" "$(kv "$OUT" policy)" SCHED_OTHER
capture nice -n 5 "$PROBE" sched
is "probe sched: nice" "$(kv "$OUT" nice)" 5
capture "$PROBE" time
like "probe time: monotonic" "$(kv "$OUT" monotonic)" '^[0-9]+\.[0-9]{9}$'
capture "$PROBE" personality
is "probe personality" "$(kv "$OUT" domain)" LINUX
capture "$PROBE" cgroup
like "probe cgroup" "$OUT" '^0::/'
if command -v unshare >/dev/null; then
  capture unshare --uts sh -c "hostname probe-uts && domainname probe-dom && '$PROBE' hostname && '$PROBE' domainname"
  is "probe hostname in a new uts namespace" "$(kv "$OUT" hostname)" probe-uts
  is "probe domainname" "$(kv "$OUT" domainname)" probe-dom
  if command -v setarch >/dev/null; then
    capture setarch linux32 "$PROBE" personality
    is "probe personality under setarch linux32" "$(kv "$OUT" domain)" LINUX32
  fi
fi

# ---- a reference runtime (runc) through the harness ------------------------------------------
if command -v runc >/dev/null; then
  saved=$OCIRUN
  OCIRUN=$(command -v runc)
  B3=$(new_bundle runc)
  set_args "$B3" /probe hostname
  run_ctr "$B3" "$(cid ref)"
  is "runc runs the built-in config" "$RC" 0 || diag "$ERR"
  is "runc: hostname from the config" "$(kv "$OUT" hostname)" runc
  assert_clean "runc run leaves nothing behind"
  if [ -x "$RECVTTY" ]; then
    cfg "$B3" '.process.terminal = true | .process.args = ["/probe", "tty"]'
    start_recvtty
    capture rt run -d --console-socket "$RECVTTY_SOCK" --bundle "$B3" "$(cid tty)"
    is "runc run -d with a console socket" "$RC" 0
    wait_recvtty 10
    is "recvtty exits 0 when the pty closes" "$RC" 0
    like "recvtty: received fd" "$OUT" '^received fd$'
    like "recvtty: proxied the container's output" "$OUT" '^isatty1=1'
    rt delete --force "$(cid tty)" >/dev/null 2>&1
    assert_clean "runc terminal container leaves nothing behind"
  fi
  # assert_clean must notice a leak: a container left running.  Its stdout stays OUT_FILE.
  set_args "$B3" /probe wait-signal
  cfg "$B3" '.process.terminal = false'
  capture rt run -d --bundle "$B3" "$(cid leak)"
  leak_out=$OUT_FILE
  check "a detached container writes to OUT_FILE" retry 100 0.05 grep -q '^ready=1$' "$leak_out"
  capture rt state "$(cid leak)"
  unlike "the next capture gets its own file" "$(<"$OUT_FILE")" 'ready=1'
  nested=$(assert_clean "deliberate leak")
  like "assert_clean reports a leaked container" "$nested" '^not ok .* deliberate leak'
  like "assert_clean names the state dir" "$nested" "holds: $(cid leak)"
  rt delete --force "$(cid leak)" >/dev/null 2>&1
  assert_clean "after delete --force"
  OCIRUN=$saved
else
  skip "reference runtime" "runc not installed"
fi

done_testing
