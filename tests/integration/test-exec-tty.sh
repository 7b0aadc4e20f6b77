#!/bin/bash
# test-exec-tty.sh — terminals for `exec` (config.md § Process: terminal, consoleSize; ENGINES.md
# § The contract 5: the console socket gets exactly one pty master; foreground run/exec with
# terminal and no socket allocate and proxy a pty, raw mode, SIGWINCH forwarded): exec --tty
# with --console-socket (argv and --process forms, foreground and --detach), and foreground
# `exec -t` and `run` with terminal:true driven through a real pty by tests/helpers/ptydrive
# (output, input, stdin EOF, the window size at start and after a resize, signals, exit status).
# test-terminal.sh covers run/create with --console-socket and the basic foreground run.
source "$(dirname "$0")/lib.sh" "$@"
require_root
require_ocirun
require_probe
require_recvtty
require_cmd jq timeout
PTYDRIVE=${PTYDRIVE:-}
[ -x "$PTYDRIVE" ] || skip_all "no pty driver (PTYDRIVE)"

xrt() { timeout -k 5 "$IT_TIMEOUT" "$OCIRUN" --root "$ROOT" "$@"; }
only_init() { [ "$(xrt ps --format json "$ID" | jq -c .)" = "[$INIT]" ]; }

# drive STEPS... -- CMD...: ptydrive into OUT (\r removed) and ERR, its status in RC.
drive() {
  local o=$TEST_TMP/drive.out e=$TEST_TMP/drive.err
  timeout -k 5 "$IT_TIMEOUT" "$PTYDRIVE" -t 20 "$@" >"$o" 2>"$e" </dev/null
  RC=$?
  OUT=$(tr -d '\r' <"$o")
  ERR=$(<"$e")
}

ID=$(cid target)
B=$(new_bundle target)
set_args "$B" /probe sleep 600
run_ctr "$B" "$ID" -d
is "runtime.md § Start: the target container runs (run -d)" "$RC" 0 || { diag "$ERR"; skip_all "no target"; }
INIT=$(xrt state "$ID" | jq -r .pid)

# ---- --console-socket ---------------------------------------------------------------------------
PJ=$TEST_TMP/tty-process.json
jq -n '{args: ["/bin/sh", "-c", "/probe tty; /probe fds"], cwd: "/", env: ["PATH=/bin"],
  terminal: true, consoleSize: {height: 33, width: 111}}' >"$PJ"
start_recvtty
PIDF=$TEST_TMP/tty.pid
capture xrt exec --process "$PJ" --console-socket "$RECVTTY_SOCK" --detach --pid-file "$PIDF" "$ID"
is "exec --process (terminal) --console-socket --detach: status 0" "$RC" 0 || diag "$ERR"
like "exec --detach --pid-file with a console: the pid is written" "$(cat "$PIDF" 2>/dev/null)" '^[0-9]+$'
wait_recvtty 20
is "console socket: recvtty got exactly one fd, a pty master (exit 0)" "$RC" 0 || diag "$ERR"
is "console socket: the message carried the fd" "$(head -n1 <<<"$OUT")" "received fd"
OUT=$(tr -d '\r' <<<"$OUT")
is "console socket: stdin, stdout and stderr are the tty" \
  "$(kv "$OUT" isatty0)$(kv "$OUT" isatty1)$(kv "$OUT" isatty2)" 111
is "console socket: it is the controlling terminal" "$(kv "$OUT" ctty)" 1
like "console socket: a /dev/pts device of the container" "$(kv "$OUT" ttyname0)" '^/dev/pts/[0-9]+$'
is "config.md § Process: consoleSize from the --process file (rows)" "$(kv "$OUT" rows)" 33
is "config.md § Process: consoleSize from the --process file (cols)" "$(kv "$OUT" cols)" 111
is "console socket: only stdio reaches the process" "$(kv "$OUT" count)" 3

start_recvtty --input $'typed\n'
capture xrt exec -t --console-socket "$RECVTTY_SOCK" "$ID" /bin/sh -c 'read x; echo "got=$x"; exit 4'
is "exec -t --console-socket in the foreground relays the exit status" "$RC" 4 || diag "$ERR"
wait_recvtty 20
like "exec -t --console-socket: input on the master reaches the process" "$OUT" 'got=typed'

capture xrt exec -t --console-socket "$TEST_TMP/nosuch.sock" "$ID" /probe id
isnt "exec with an unreachable console socket fails" "$RC" 0
like "exec with an unreachable console socket: names it" "$ERR" 'nosuch\.sock'
capture xrt exec -t --detach "$ID" /probe id
isnt "exec -t --detach without a console socket fails" "$RC" 0
like "exec -t --detach without a console socket: says what is missing" "$ERR" 'console-socket'
check "failed tty execs leave no process in the container" only_init

# ---- foreground exec -t: the runtime allocates and proxies the pty -------------------------------
drive -s 30x100 -- "$OCIRUN" --root "$ROOT" exec -t "$ID" /probe tty
is "exec -t (no socket): status 0" "$RC" 0 || diag "$ERR"
is "exec -t: the output arrives, stdio is a tty" \
  "$(kv "$OUT" isatty0)$(kv "$OUT" isatty1)$(kv "$OUT" isatty2)" 111
is "exec -t: it is the controlling terminal" "$(kv "$OUT" ctty)" 1
is "exec -t: the window size is copied before the process runs" \
  "$(kv "$OUT" rows)x$(kv "$OUT" cols)" 30x100

drive -w ready -i 'hello world\n' -- "$OCIRUN" --root "$ROOT" exec -t "$ID" \
  /bin/sh -c 'echo ready; read x; echo "got=$x"; exit 3'
is "exec -t: the exit status is relayed (3)" "$RC" 3 || diag "$ERR"
like "exec -t: input reaches the process" "$OUT" '^got=hello world$'

drive -s 30x100 -w rows= -w ready=1 -r 41x121 -- "$OCIRUN" --root "$ROOT" exec -t "$ID" \
  /bin/sh -c '/probe tty; /probe wait-signal WINCH; echo "waited=$?"; /probe tty'
is "exec -t: resize run exits 0" "$RC" 0 || diag "$ERR$OUT"
is "exec -t: a resize reaches the process as SIGWINCH" "$(kv "$OUT" waited)" 156
is "exec -t: the new window size is propagated" \
  "$(kv "$(sed -n '/^waited=/,$p' <<<"$OUT")" rows)x$(kv "$(sed -n '/^waited=/,$p' <<<"$OUT")" cols)" 41x121

drive -w ready=1 -k 10 -- "$OCIRUN" --root "$ROOT" exec -t "$ID" /probe wait-signal USR1
is "exec -t: SIGUSR1 to the runtime is forwarded (exit 128+10)" "$RC" 138 || diag "$ERR$OUT"
is "exec -t: ... the process got SIGUSR1" "$(kv "$OUT" signal)" SIGUSR1

drive -w ready -i 'abc\n' -i '\x04' -- "$OCIRUN" --root "$ROOT" exec -t "$ID" \
  /bin/sh -c 'echo ready; /probe cat -; echo cat-ended'
is "exec -t: ^D ends the process's input" "$RC" 0 || diag "$ERR$OUT"
like "exec -t: ... and cat saw EOF" "$OUT" '^cat-ended$'

drive -w ready=1 -- "$OCIRUN" --root "$ROOT" exec -t "$ID" /bin/sh -c 'echo ready=1; /probe signal TERM'
is "exec -t: a signal death is relayed as 128+N" "$RC" 143 || diag "$ERR$OUT"

# exec -t whose stdin is not a terminal: still a pty inside, no size to copy.
OUT=$(echo | timeout 20 "$OCIRUN" --root "$ROOT" exec -t "$ID" /probe tty | tr -d '\r')
is "exec -t with a pipe as stdin: the process still has a tty" "$(kv "$OUT" isatty1)" 1
check "tty execs leave no process in the container" only_init

# ---- foreground run with terminal:true (resize and signals; the rest: test-terminal.sh) ----------
RB=$(new_bundle runtty)
set_args "$RB" /bin/sh -c '/probe tty; /probe wait-signal WINCH; echo "waited=$?"; /probe tty; exit 6'
cfg "$RB" '.process.terminal = true'
drive -s 25x90 -w rows= -w ready=1 -r 50x150 -- "$OCIRUN" --root "$ROOT" run --bundle "$RB" "$(cid runtty)"
is "run (terminal): the exit status is relayed" "$RC" 6 || diag "$ERR$OUT"
is "run (terminal): the window size at start" "$(kv "$OUT" rows)x$(kv "$OUT" cols)" 25x90
is "run (terminal): a resize reaches the process as SIGWINCH" "$(kv "$OUT" waited)" 156
is "run (terminal): the new window size is propagated" \
  "$(kv "$(sed -n '/^waited=/,$p' <<<"$OUT")" rows)x$(kv "$(sed -n '/^waited=/,$p' <<<"$OUT")" cols)" 50x150

RB=$(new_bundle runsig)
set_args "$RB" /probe wait-signal HUP
cfg "$RB" '.process.terminal = true'
drive -w ready=1 -k 1 -- "$OCIRUN" --root "$ROOT" run --bundle "$RB" "$(cid runsig)"
is "run (terminal): SIGHUP to the runtime is forwarded (exit 128+1)" "$RC" 129 || diag "$ERR$OUT"

xrt delete --force "$ID"
assert_clean "terminal execs leave nothing behind"
done_testing
