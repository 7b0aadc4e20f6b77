#!/bin/bash
# test-lifecycle.sh — the container lifecycle through the ocirun command (runtime.md § State,
# § Lifecycle, § Operations, § Errors): create/start/state/kill/delete, run in the foreground
# and detached, list, the error cases with runc's wording, and that every failure leaves
# nothing behind.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_cmd jq timeout

# st ID: the status field of `state ID` (empty when state fails).
st() { rt state "$1" 2>/dev/null | jq -r .status; }
# wait_status ID STATUS: up to 5 s.
wait_status() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(st "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  return 1
}
# one_line TEXT: ok iff TEXT is exactly one line.
lines() { printf '%s' "$1" | awk 'END {print NR}'; }

B=$(new_bundle life)

# ---- create / state / start / kill / delete -------------------------------------------------
ID=$(cid life)
set_args "$B" /probe wait-signal
cfg "$B" '.annotations = {"org.example.key": "value"}'
capture rt create --bundle "$B" --pid-file "$TEST_TMP/life.pid" "$ID"
is "runtime.md § Create: create exits 0" "$RC" 0 || diag "$ERR"
create_out=$OUT_FILE
pidfile=$(cat "$TEST_TMP/life.pid" 2>/dev/null)
like "runtime.md § Create: --pid-file written before create returns" "$pidfile" '^[0-9]+$'
capture rt state "$ID"
is "runtime.md § State: state exits 0" "$RC" 0 || diag "$ERR"
state=$OUT
is "runtime.md § State: status created" "$(jq -r .status <<<"$state")" created
is "runtime.md § State: pid equals the --pid-file" "$(jq -r .pid <<<"$state")" "$pidfile"
check "runtime.md § State: the pid is a live process" kill -0 "$pidfile"
is "runtime.md § State: id" "$(jq -r .id <<<"$state")" "$ID"
is "runtime.md § State: bundle is the absolute bundle path" "$(jq -r .bundle <<<"$state")" "$B"
is "runtime.md § State: ociVersion from the config" "$(jq -r .ociVersion <<<"$state")" 1.2.0
is "runtime.md § State: rootfs is absolute" "$(jq -r .rootfs <<<"$state")" "$B/rootfs"
like "runtime.md § State: created is RFC 3339" "$(jq -r .created <<<"$state")" \
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?(Z|[+-][0-9:]+)$'
is "runtime.md § State: owner key present" "$(jq -r 'has("owner")' <<<"$state")" true
is "runtime.md § State: annotations from the config" \
  "$(jq -c .annotations <<<"$state")" '{"org.example.key":"value"}'
is "runtime.md § State: the exact key set" "$(jq -c 'keys' <<<"$state")" \
  '["annotations","bundle","created","id","ociVersion","owner","pid","rootfs","status"]'
unlike "runtime.md § Create: the process has not run before start" "$(<"$create_out")" 'ready=1'
capture rt create --bundle "$B" "$ID"
is "runtime.md § Create: duplicate id fails" "$RC" 1
like "runtime.md § Create: duplicate id says already exists" "$ERR" 'already exists'
is "runtime.md § Create: the duplicate left the first one alone" "$(st "$ID")" created

capture rt start "$ID"
is "runtime.md § Start: start exits 0" "$RC" 0 || diag "$ERR"
is "runtime.md § Start: status running" "$(st "$ID")" running
check "runtime.md § Start: the user program runs" retry 100 0.05 grep -q '^ready=1$' "$create_out"
capture rt start "$ID"
is "runtime.md § Start: start twice fails with 1" "$RC" 1
like "runtime.md § Start: start twice names the state" "$ERR" 'cannot start an already running container'
capture rt delete "$ID"
is "runtime.md § Delete: delete of a running container fails" "$RC" 1
like "runtime.md § Delete: the error names the state" "$ERR" 'running'
is "runtime.md § Delete: a refused delete leaves it running" "$(st "$ID")" running
capture rt kill "$ID" TERM
is "runtime.md § Kill: kill by name TERM" "$RC" 0 || diag "$ERR"
check "runtime.md § Kill: the process got SIGTERM" retry 100 0.05 grep -q '^signal=SIGTERM$' "$create_out"
check "runtime.md § Kill: status becomes stopped" wait_status "$ID" stopped
capture rt state "$ID"
is "runtime.md § State: a stopped container has pid 0" "$(jq -r .pid <<<"$OUT")" 0
capture rt kill "$ID" KILL
is "runtime.md § Kill: kill of a stopped container fails" "$RC" 1
like "runtime.md § Kill: ... with container not running" "$ERR" 'container not running'
capture rt start "$ID"
is "runtime.md § Start: start of a stopped container fails" "$RC" 1
like "runtime.md § Start: ... saying it has stopped" "$ERR" 'stopped'
capture rt delete "$ID"
is "runtime.md § Delete: delete of a stopped container" "$RC" 0 || diag "$ERR"
check "runtime.md § Delete: the state dir is gone" test ! -e "$ROOT/$ID"
capture rt state "$ID"
is "runtime.md § State: state after delete fails" "$RC" 1
like "runtime.md § Errors: state of a deleted id: does not exist" "$ERR" "container \"$ID\" does not exist"

# ---- kill with every signal spelling ----------------------------------------------------------
for sig in SIGTERM 15 USR1; do
  ID=$(cid "sig$sig")
  set_args "$B" /probe wait-signal
  capture rt run -d --bundle "$B" "$ID"
  is "runtime.md § Kill: run -d for kill $sig" "$RC" 0 || diag "$ERR"
  out=$OUT_FILE
  retry 100 0.05 grep -q '^ready=1$' "$out"
  capture rt kill "$ID" "$sig"
  is "runtime.md § Kill: kill $sig exits 0" "$RC" 0 || diag "$ERR"
  want=SIGTERM
  [ "$sig" = USR1 ] && want=SIGUSR1
  check "runtime.md § Kill: kill $sig delivers $want" retry 100 0.05 grep -q "^signal=$want\$" "$out"
  check "runtime.md § Kill: stopped after kill $sig" wait_status "$ID" stopped
  rt delete "$ID" >/dev/null 2>&1
done
capture rt kill "$(cid nosuch)" KILL
is "runtime.md § Kill: kill of a missing id fails" "$RC" 1
like "runtime.md § Errors: kill: does not exist" "$ERR" "container \"$(cid nosuch)\" does not exist"

# kill --all reaches every process in the container, plain kill only the init.  The init
# ignores USR1 (it waits for TERM) so that its exit cannot race the child's report.
set_args "$B" /bin/sh -c '/probe wait-signal USR1 & exec /probe wait-signal TERM'
for mode in plain all; do
  ID=$(cid "kill$mode")
  capture rt run -d --bundle "$B" "$ID"
  out=$OUT_FILE
  retry 100 0.05 eval '[ "$(grep -c "^ready=1$" "$out")" = 2 ]'
  if [ $mode = all ]; then capture rt kill --all "$ID" USR1; else capture rt kill "$ID" USR1; fi
  is "runtime.md § Kill: kill ($mode) exits 0" "$RC" 0 || diag "$ERR"
  check "runtime.md § Kill: kill ($mode) reached the init" retry 100 0.05 grep -q '^ignored=SIGUSR1$' "$out"
  if [ $mode = all ]; then
    check "runtime.md § Kill: kill --all reached the child too" \
      retry 100 0.05 grep -q '^signal=SIGUSR1$' "$out"
  else
    sleep 0.3
    unlike "runtime.md § Kill: kill without --all spares the child" "$(<"$out")" '^signal=SIGUSR1$'
  fi
  capture rt kill "$ID" TERM
  check "runtime.md § Kill: TERM stops it ($mode)" wait_status "$ID" stopped
  rt delete "$ID" >/dev/null 2>&1
done

# ---- run in the foreground ---------------------------------------------------------------------
set_args "$B" /probe exit 3
run_ctr "$B" "$(cid exit3)"
is "runtime.md § Lifecycle: run relays exit code 3" "$RC" 3
is "runtime.md § Delete: run (no --keep) deleted the container" "$(ls -A "$ROOT")" ""
# pid 1 of a pid namespace survives its own SIGKILL; a SIGKILL from outside is a real death.
set_args "$B" /probe wait-signal
ID=$(cid sigkill)
"$OCIRUN" --root "$ROOT" run --bundle "$B" "$ID" >"$TEST_TMP/sk.out" 2>&1 </dev/null &
sk=$!
_it_bg_pids+=("$sk")
retry 100 0.05 grep -q '^ready=1$' "$TEST_TMP/sk.out"
# Not `rt`: capture's timeout must bound it (a run holding the state lock once hung it).
IT_TIMEOUT=10 capture "$OCIRUN" --root "$ROOT" kill "$ID" KILL
is "runtime.md § Kill: kill of a foreground run's container" "$RC" 0 || kill -9 "$sk"
wait "$sk"
is "runtime.md § Lifecycle: run relays a SIGKILL death as 128+9" "$?" 137
set_args "$B" /probe echo hello
run_ctr "$B" "$(cid echo)"
is "runtime.md § Lifecycle: run passes stdout through" "$RC:$OUT" "0:hello"

# Signals sent to the foreground run are forwarded to the container.
set_args "$B" /probe wait-signal
ID=$(cid fwd)
"$OCIRUN" --root "$ROOT" run --bundle "$B" "$ID" >"$TEST_TMP/fwd.out" 2>&1 </dev/null &
fwd=$!
_it_bg_pids+=("$fwd")
check "runtime.md § Lifecycle: foreground run started" retry 100 0.05 grep -q '^ready=1$' "$TEST_TMP/fwd.out"
kill -USR2 "$fwd"
wait "$fwd"
is "runtime.md § Lifecycle: run exits 128+SIGUSR2 after forwarding it" "$?" 140
like "runtime.md § Lifecycle: the container got SIGUSR2" "$(<"$TEST_TMP/fwd.out")" '^signal=SIGUSR2$'
check "runtime.md § Delete: the forwarded run cleaned up" test ! -e "$ROOT/$ID"

# Other commands work on a foreground run's container while it runs (no lock held), and a
# delete --force from outside ends the run and leaves nothing behind.
ID=$(cid fgdel)
set_args "$B" /probe wait-signal TERM
"$OCIRUN" --root "$ROOT" run --bundle "$B" "$ID" >"$TEST_TMP/fgdel.out" 2>&1 </dev/null &
fgdel=$!
_it_bg_pids+=("$fgdel")
retry 100 0.05 grep -q '^ready=1$' "$TEST_TMP/fgdel.out"
IT_TIMEOUT=10 capture "$OCIRUN" --root "$ROOT" kill "$ID" USR1
is "runtime.md § Kill: kill works while a foreground run waits" "$RC" 0 || kill -9 "$fgdel"
check "runtime.md § Kill: ... and delivers" retry 100 0.05 grep -q '^ignored=SIGUSR1$' "$TEST_TMP/fgdel.out"
IT_TIMEOUT=10 capture "$OCIRUN" --root "$ROOT" delete --force "$ID"
is "runtime.md § Delete: delete --force of a foreground run's container" "$RC" 0 || diag "$ERR"
wait "$fgdel"
is "runtime.md § Delete: the foreground run ends with 128+SIGKILL" "$?" 137
check "runtime.md § Delete: no state left" test ! -e "$ROOT/$ID"

# run --detach returns with the container running; run --keep keeps the stopped state.
ID=$(cid detach)
set_args "$B" /probe wait-signal
capture rt run --detach --bundle "$B" "$ID"
is "runtime.md § Lifecycle: run --detach exits 0" "$RC" 0 || diag "$ERR"
is "runtime.md § Lifecycle: run --detach leaves it running" "$(st "$ID")" running
capture rt delete --force "$ID"
is "runtime.md § Delete: delete --force of a running container" "$RC" 0 || diag "$ERR"
check "runtime.md § Delete: --force removed the state" test ! -e "$ROOT/$ID"
ID=$(cid keep)
set_args "$B" /probe exit 4
run_ctr "$B" "$ID" --keep
is "runtime.md § Lifecycle: run --keep relays the exit code" "$RC" 4
is "runtime.md § Lifecycle: run --keep keeps it, stopped" "$(st "$ID")" stopped
capture rt delete "$ID"
is "runtime.md § Delete: delete after run --keep" "$RC:$(ls -A "$ROOT")" 0:

# ---- delete of created containers -------------------------------------------------------------
set_args "$B" /probe wait-signal
ID=$(cid delcreated)
capture rt create --bundle "$B" --pid-file "$TEST_TMP/dc.pid" "$ID"
dcpid=$(<"$TEST_TMP/dc.pid")
capture rt delete "$ID"
is "runtime.md § Delete: delete of a created container (runc: kills it)" "$RC" 0 || diag "$ERR"
check "runtime.md § Delete: its init is gone" retry 40 0.05 eval "! kill -0 $dcpid 2>/dev/null"
check "runtime.md § Delete: and its state" test ! -e "$ROOT/$ID"
ID=$(cid delforce)
capture rt create --bundle "$B" "$ID"
capture rt delete --force "$ID"
is "runtime.md § Delete: delete --force of a created container" "$RC:$(ls -A "$ROOT")" 0:
capture rt delete --force "$(cid never)"
is "runtime.md § Delete: delete --force of a missing id succeeds" "$RC" 0 || diag "$ERR"
capture rt delete "$(cid never)"
is "runtime.md § Delete: delete of a missing id fails" "$RC" 1
like "runtime.md § Errors: delete: does not exist" "$ERR" "container \"$(cid never)\" does not exist"
capture rt start "$(cid never)"
like "runtime.md § Errors: start: does not exist" "$RC:$ERR" "^1:.*container \"$(cid never)\" does not exist"
capture rt state "$(cid never)"
like "runtime.md § Errors: state: does not exist" "$RC:$ERR" "^1:.*container \"$(cid never)\" does not exist"

# ---- ids ---------------------------------------------------------------------------------------
for bad in '../escape' 'a/b' '.' '..' '' 'sp ace'; do
  capture rt create --bundle "$B" "$bad"
  isnt "runtime.md § Create: invalid id '$bad' rejected" "$RC" 0
done
is "runtime.md § Create: no invalid id left anything" "$(ls -A "$ROOT")" ""
check "runtime.md § Create: nothing escaped the root" test ! -e "$TEST_TMP/escape"

# ---- list --------------------------------------------------------------------------------------
set_args "$B" /probe wait-signal
rt create --bundle "$B" "$(cid lista)" >/dev/null 2>&1 </dev/null
rt run -d --bundle "$B" "$(cid listb)" >/dev/null 2>&1 </dev/null
capture rt list
is "list exits 0" "$RC" 0 || diag "$ERR"
like "list: header" "$OUT" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
like "list: the created one" "$OUT" "^$(cid lista) +[0-9]+ +created +$B "
like "list: the running one" "$OUT" "^$(cid listb) +[0-9]+ +running +$B "
capture rt list -f json
is "list -f json: an array of two" "$(jq -r 'length' <<<"$OUT")" 2
is "list -f json: ids and statuses" \
  "$(jq -r 'sort_by(.id) | map(.id + ":" + .status) | join(",")' <<<"$OUT")" \
  "$(cid lista):created,$(cid listb):running"
is "list -f json: state keys" "$(jq -r '.[0] | has("pid") and has("bundle") and has("created")' <<<"$OUT")" true
capture rt list -q
is "list -q: ids only" "$(sort <<<"$OUT" | tr '\n' ' ')" "$(cid lista) $(cid listb) "
rt delete --force "$(cid lista)" >/dev/null 2>&1
rt delete --force "$(cid listb)" >/dev/null 2>&1
capture rt list -f json
is "list -f json: empty root is []" "$(jq -c . <<<"$OUT")" '[]'

assert_clean "lifecycle: nothing left so far"

# ---- failed creates leave nothing behind -------------------------------------------------------
BAD=$(new_bundle bad)
cfg "$BAD" '.process.args = 5'
capture rt create --bundle "$BAD" "$(cid badcfg)"
is "runtime.md § Errors: a bad config fails create" "$RC" 1
is "runtime.md § Errors: one error line" "$(lines "$ERR")" 1
like "runtime.md § Errors: it names the field" "$ERR" 'process\.args'
assert_clean "runtime.md § Errors: a bad config leaves nothing behind"

rm -f "$TEST_TMP/log.json"
"$OCIRUN" --root "$ROOT" --log "$TEST_TMP/log.json" --log-format json create --bundle "$BAD" \
  "$(cid badlog)" >/dev/null 2>&1 </dev/null
is "runtime.md § Errors: --log-format json: create fails" "$?" 1
log=$(<"$TEST_TMP/log.json")
is "runtime.md § Errors: the log holds exactly one line" "$(lines "$log")" 1
is "runtime.md § Errors: it is one JSON error record" \
  "$(jq -r '[.level, (.msg | test("process\\.args")), (.time | length > 0)] | join(",")' <<<"$log")" \
  "error,true,true"

set_args "$BAD" nosuch
capture rt create --bundle "$BAD" "$(cid nosuch)"
is "runtime.md § Create: a missing executable fails at create" "$RC" 1
like "runtime.md § Create: ... with runc's wording" "$ERR" 'exec: "nosuch": executable file not found in \$PATH'
assert_clean "runtime.md § Create: a missing executable leaves nothing behind"
set_args "$BAD" /nosuch/bin
capture rt create --bundle "$BAD" "$(cid nosuchabs)"
like "runtime.md § Create: a missing absolute path: no such file or directory" "$RC:$ERR" '^1:.*no such file or directory'
set_args "$BAD" /etc/passwd
capture rt create --bundle "$BAD" "$(cid noexec)"
is "runtime.md § Create: a non-executable file fails at create" "$RC" 1
like "runtime.md § Create: ... with permission denied" "$ERR" 'permission denied'
assert_clean "runtime.md § Create: a non-executable file leaves nothing behind"
set_args "$BAD" nosuch
run_ctr "$BAD" "$(cid runnosuch)"
is "runtime.md § Create: run of a missing executable fails" "$RC" 1
assert_clean "runtime.md § Create: run of a missing executable leaves nothing behind"
rm -rf "$BAD/rootfs.moved"
mv "$BAD/rootfs" "$BAD/rootfs.moved"
set_args "$BAD" /probe id
capture rt create --bundle "$BAD" "$(cid norootfs)"
is "runtime.md § Errors: a missing rootfs fails create" "$RC" 1
assert_clean "runtime.md § Errors: a missing rootfs leaves nothing behind"
mv "$BAD/rootfs.moved" "$BAD/rootfs"
capture rt create --bundle "$TEST_TMP/nosuchbundle" "$(cid nobundle)"
like "runtime.md § Errors: a missing bundle fails create" "$RC:$ERR" '^1:.*nosuchbundle'
assert_clean "lifecycle leaves nothing behind"

done_testing
