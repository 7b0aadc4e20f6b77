#!/bin/bash
# test-terminal.sh — process.terminal (config.md § Process: terminal, consoleSize;
# runtime.md § Create) through --console-socket (recvtty gets exactly one pty master; the
# container sees a tty on 0, 1 and 2 as its controlling terminal, with consoleSize applied),
# the error without a socket on create, and the foreground `run` that allocates and proxies
# the pty itself (driven through script(1) so that ocirun's stdin is a real tty).
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_recvtty
require_cmd jq timeout script


B=$(new_bundle tty)
cfg "$B" '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'

# ---- --console-socket ------------------------------------------------------------------------
set_args "$B" /bin/sh -c '/probe tty; /probe fds; echo done'
start_recvtty
ID=$(cid sock)
capture rt run -d --console-socket "$RECVTTY_SOCK" --bundle "$B" "$ID"
is "config.md § Process: run -d with terminal and --console-socket" "$RC" 0 || diag "$ERR"
wait_recvtty 20
is "config.md § Process: the console receiver exits 0 (one fd, a tty)" "$RC" 0 || diag "$ERR"
like "config.md § Process: recvtty received the master" "$OUT" '^received fd'
# The pty turns \n into \r\n: strip the \r.
tty=$(tr -d '\r' <<<"$OUT")
is "config.md § Process: stdin is a tty" "$(kv "$tty" isatty0)" 1
is "config.md § Process: stdout is a tty" "$(kv "$tty" isatty1)" 1
is "config.md § Process: stderr is a tty" "$(kv "$tty" isatty2)" 1
like "config.md § Process: the tty is a /dev/pts device in the container" "$(kv "$tty" ttyname0)" '^/dev/pts/[0-9]+$'
is "config.md § Process: 0, 1 and 2 are the same tty" \
  "$(kv "$tty" ttyname1):$(kv "$tty" ttyname2)" "$(kv "$tty" ttyname0):$(kv "$tty" ttyname0)"
is "config.md § Process: it is the controlling terminal" "$(kv "$tty" ctty)" 1
is "config.md § Process: consoleSize height -> rows" "$(kv "$tty" rows)" 33
is "config.md § Process: consoleSize width -> cols" "$(kv "$tty" cols)" 111
is "config.md § Process: only stdio reaches the container" \
  "$(grep -o '^fd[0-9]*=' <<<"$tty" | tr '\n' ' ')" "fd0= fd1= fd2= "
like "config.md § Process: the output arrived to the end" "$tty" '^done$'
check "config.md § Process: the container stopped" retry 100 0.05 \
  eval "[ \"\$(rt state '$ID' 2>/dev/null | jq -r .status)\" = stopped ]"
rt delete "$ID" >/dev/null 2>&1

# create/start with a console socket: the master arrives at create; input typed into it
# reaches the container.
set_args "$B" /bin/sh -c 'read -r line; echo "got:$line"'
start_recvtty --input $'hello-tty\n'
ID=$(cid input)
capture rt create --console-socket "$RECVTTY_SOCK" --bundle "$B" "$ID"
is "config.md § Process: create with --console-socket" "$RC" 0 || diag "$ERR"
check "config.md § Process: the master is sent at create" retry 100 0.05 grep -q '^received fd' "$RECVTTY_OUT"
capture rt start "$ID"
is "runtime.md § Start: start of a terminal container" "$RC" 0 || diag "$ERR"
wait_recvtty 20
like "config.md § Process: input on the master reaches the container" "$(tr -d '\r' <<<"$OUT")" '^got:hello-tty$'
rt delete --force "$ID" >/dev/null 2>&1

# A socket path nobody listens on: create fails and leaves nothing.
capture rt create --console-socket "$TEST_TMP/nobody.sock" --bundle "$B" "$(cid nobody)"
is "config.md § Process: an unreachable console socket fails create" "$RC" 1
like "config.md § Process: ... naming the socket" "$ERR" 'nobody\.sock'
assert_clean "an unreachable console socket leaves nothing behind"

# ---- terminal without a console socket ---------------------------------------------------------
capture rt create --bundle "$B" "$(cid nosock)"
is "runtime.md § Create: terminal without --console-socket fails create" "$RC" 1
is "runtime.md § Create: ... with one error line" "$(printf '%s' "$ERR" | awk 'END {print NR}')" 1
like "runtime.md § Create: ... that names the missing option" "$ERR" 'console-socket'
assert_clean "terminal without a console socket leaves nothing behind"
capture rt run -d --bundle "$B" "$(cid nosockd)"
is "runtime.md § Create: run -d with terminal and no socket fails too" "$RC" 1
assert_clean "run -d without a console socket leaves nothing behind"

# A console socket with terminal false is accepted and unused (runc ignores it).
cfg "$B" '.process.terminal = false | del(.process.consoleSize)'
set_args "$B" /probe tty
capture rt run --console-socket "$TEST_TMP/unused.sock" --bundle "$B" "$(cid noterm)"
is "config.md § Process: terminal false ignores --console-socket" "$RC:$(kv "$OUT" isatty1)" 0:0 \
  || diag "$ERR"
cfg "$B" '.process.terminal = true'

# ---- foreground run proxies its own pty --------------------------------------------------------
# script(1) gives ocirun a pty as stdin/stdout; ocirun must allocate the container's pty,
# copy both ways and relay the exit code.  script's stdin stays open (an EOF there would be
# typed into the pty); INPUT is typed after half a second.
fg() {
  local id=$1 input=${2:-} cmd feeder
  printf -v cmd '%q ' "$OCIRUN" --root "$ROOT" run --bundle "$B" "$id"
  _it_capture_n=$((_it_capture_n + 1))
  OUT_FILE=$TEST_TMP/capture-$_it_capture_n.out
  ERR_FILE=$TEST_TMP/capture-$_it_capture_n.err
  timeout -k 5 30 script -qec "stty cols 77 rows 22; $cmd" /dev/null >"$OUT_FILE" 2>"$ERR_FILE" \
    < <(sleep 0.5; printf '%s' "$input"; exec sleep 40)
  RC=$?
  feeder=$!
  kill "$feeder" 2>/dev/null
  OUT=$(tr -d '\r' <"$OUT_FILE")
  ERR=$(<"$ERR_FILE")
}
set_args "$B" /bin/sh -c '/probe tty; exit 7'
cfg "$B" 'del(.process.consoleSize)'
fg "$(cid fg)"
is "config.md § Process: foreground terminal run relays exit 7" "$RC" 7 || diag "$OUT$ERR"
is "config.md § Process: foreground: the container has a tty" "$(kv "$OUT" isatty0):$(kv "$OUT" isatty1)" 1:1
like "config.md § Process: foreground: a pty of the container's own" "$(kv "$OUT" ttyname1)" '^/dev/pts/[0-9]+$'
is "config.md § Process: foreground: it is the controlling terminal" "$(kv "$OUT" ctty)" 1
is "config.md § Process: foreground: the window size is copied from ours" \
  "$(kv "$OUT" rows)x$(kv "$OUT" cols)" 22x77
check "runtime.md § Delete: foreground terminal run deleted its container" test ! -e "$ROOT/$(cid fg)"

# Input typed on our terminal reaches the container through the proxy.
set_args "$B" /bin/sh -c 'read -r line; echo "got:$line"; exit 3'
fg "$(cid fgin)" $'typed-in\n'
is "config.md § Process: foreground input run relays exit 3" "$RC" 3 || diag "$OUT$ERR"
like "config.md § Process: foreground: input reaches the container" "$OUT" '^got:typed-in$'

# runc resizes the pty to our window once the process runs (racing consoleSize), so no
# assertion on which one wins; consoleSize without terminal must be ignored (config.md).
cfg "$B" '.process.terminal = false | .process.consoleSize = {"height": 40, "width": 132}'
set_args "$B" /probe tty
run_ctr "$B" "$(cid sizenoterm)"
is "config.md § Process: consoleSize is ignored when terminal is false" "$RC" 0

assert_clean "terminal tests leave nothing behind"
done_testing
