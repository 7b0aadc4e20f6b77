#!/bin/sh
# cli-basic.sh — the command line itself: --version, --help, global options,
# error lines and exit codes (ENGINES.md § The contract, items 1, 2, 6, 9).
. "$(dirname "$0")/lib.sh"

# --version: four lines, crun's shape plus the build flags.
t_run "$OCIRUN" --version
t_is "--version exits 0" "$RC" 0
t_ok "--version line 1" sh -c 'printf "%s\n" "$1" | sed -n 1p | grep -Eq "^ocirun version [0-9]+\.[0-9]+\.[0-9]+$"' - "$OUT"
t_ok "--version line 2 is the commit" sh -c 'printf "%s\n" "$1" | sed -n 2p | grep -Eq "^commit: [0-9a-z]+$"' - "$OUT"
t_is "--version line 3 is the spec version" "$(printf '%s\n' "$OUT" | sed -n 3p)" "spec: 1.3.0"
t_ok "--version line 4 lists build flags" sh -c 'printf "%s\n" "$1" | sed -n 4p | grep -Eq "^([+-][A-Z]+ ?)+$"' - "$OUT"
t_is "--version: 4 lines" "$(printf '%s\n' "$OUT" | wc -l)" 4
t_run "$OCIRUN" -v
t_is "-v is --version" "$(printf '%s\n' "$OUT" | sed -n 1p | cut -d' ' -f1-2)" "ocirun version"
FLAGS=$(printf '%s\n' "$OUT" | sed -n 4p)

# --help lists every command.
t_run "$OCIRUN" --help
t_is "--help exits 0" "$RC" 0
t_is "--help: nothing on stderr" "$ERR" ""
COMMANDS="checkpoint create delete events exec features kill list pause ps restore resume run
spec start state update"
for c in $COMMANDS; do
  t_ok "--help lists $c" sh -c 'printf "%s\n" "$1" | grep -Eq "^  $2 "' - "$OUT" "$c"
done

# Every command has --help (usage on stdout, exit 0) — except checkpoint and
# restore in a build without CRIU, where podman's probe must fail.
for c in $COMMANDS; do
  t_run "$OCIRUN" "$c" --help
  case "$c:$FLAGS" in
  checkpoint:*-CRIU* | restore:*-CRIU*)
    t_fails_with "$c --help without CRIU" "ocirun: checkpoint/restore is not supported by this build"
    ;;
  *)
    t_is "$c --help exits 0" "$RC" 0
    t_ok "$c --help prints its usage" sh -c 'printf "%s\n" "$1" | grep -q "^Usage: ocirun $2"' - "$OUT" "$c"
    t_ok "$c --help lists --help" sh -c 'printf "%s\n" "$1" | grep -q -- "-h, --help"' - "$OUT"
    ;;
  esac
done
t_run "$OCIRUN" create -h
t_is "create -h exits 0" "$RC" 0
t_ok "create -h documents --bundle" sh -c 'printf "%s\n" "$1" | grep -q -- "-b, --bundle DIR"' - "$OUT"

# Errors: one line, exit 1.
t_run "$OCIRUN"
t_fails_with "no command" "ocirun: please specify a command (see ocirun --help)"
t_run "$OCIRUN" foo
t_fails_with "unknown command" 'ocirun: unknown command "foo"'
t_run "$OCIRUN" create --bogus x
t_fails_with "unknown long option" 'ocirun: create: unknown option "--bogus"'
t_run "$OCIRUN" create --bogus=1 x
t_fails_with "unknown option with a value" 'ocirun: create: unknown option "--bogus"'
t_run "$OCIRUN" delete -z x
t_fails_with "unknown short option" 'ocirun: delete: unknown option "-z"'
t_run "$OCIRUN" create x --bundle
t_fails_with "missing option argument" 'ocirun: create: option "--bundle" requires an argument'
t_run "$OCIRUN" delete --force=yes x
t_fails_with "argument to a flag" 'ocirun: delete: option "--force" does not take an argument'
t_run "$OCIRUN" --bogus state x
t_fails_with "unknown global option" 'ocirun: unknown option "--bogus"'
t_run "$OCIRUN" state --root "$T" x
t_fails_with "global option after the verb (runc rejects it too)" 'ocirun: state: unknown option "--root"'
t_run "$OCIRUN" --log-format xml state x
t_fails_with "bad --log-format" 'ocirun: invalid value "xml" for --log-format'
t_run "$OCIRUN" --cgroup-manager foo state x
t_fails_with "bad --cgroup-manager" 'ocirun: invalid value "foo" for --cgroup-manager'
t_run "$OCIRUN" --rootless maybe state x
t_fails_with "bad --rootless" 'ocirun: invalid value "maybe" for --rootless'
t_run "$OCIRUN" --log-level loud state x
t_fails_with "bad --log-level" 'ocirun: invalid value "loud" for --log-level'
t_run "$OCIRUN" create --preserve-fds -1 x
t_fails_with "negative --preserve-fds" 'ocirun: create: invalid value "-1" for --preserve-fds'

# Operand counts.
for c in state start delete pause resume; do
  t_run "$OCIRUN" --root "$T/r" "$c"
  t_fails_with "$c without an id" "ocirun: $c: requires exactly 1 argument"
  t_run "$OCIRUN" --root "$T/r" "$c" a b
  t_fails_with "$c with two ids" "ocirun: $c: requires exactly 1 argument"
done
t_run "$OCIRUN" --root "$T/r" kill a 9 x
t_fails_with "kill with three operands" "ocirun: kill: requires at most 2 arguments"
t_run "$OCIRUN" --root "$T/r" list extra
t_fails_with "list takes no operand" "ocirun: list: requires exactly 0 arguments"

# kill: the signal is checked before the container (names.h grammar).
for s in FOO SIGFOO 0 65 -9 ""; do
  t_run "$OCIRUN" --root "$T/r" kill x "$s"
  t_fails_with "kill with signal \"$s\"" "ocirun: invalid signal \"$s\""
done
for s in 9 KILL SIGKILL kill TERM RTMIN+1; do
  t_run "$OCIRUN" --root "$T/r" kill x "$s"
  t_fails_with "kill with signal $s reaches the container lookup" 'ocirun: container "x" does not exist'
done
t_run "$OCIRUN" --root "$T/r" kill --all x
t_fails_with "kill --all with the default signal" 'ocirun: container "x" does not exist'

# Global options in both forms; the last one wins.
t_run "$OCIRUN" --root="$T/a" --root "$T/b" state nosuch
t_fails_with "--root=DIR then --root DIR" 'ocirun: container "nosuch" does not exist'
t_run "$OCIRUN" --debug --systemd-cgroup --cgroup-manager=disabled --rootless=false --log-level=error --criu /bin/false state nosuch
t_fails_with "every global option accepted" 'ocirun: container "nosuch" does not exist'

# --log FILE --log-format json: exactly one JSON error record, plus the
# stderr line (containerd reads the log, a human reads stderr).
t_run "$OCIRUN" --root "$T/r" --log "$T/log.json" --log-format json state nosuch
t_fails_with "--log json: stderr line" 'ocirun: container "nosuch" does not exist'
t_is "--log json: one record" "$(wc -l <"$T/log.json")" 1
t_is "--log json: level" "$(jq -r .level "$T/log.json")" error
t_is "--log json: msg" "$(jq -r .msg "$T/log.json")" 'container "nosuch" does not exist'
t_ok "--log json: time is RFC 3339 UTC" sh -c 'jq -r .time "$1" | grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]+Z$"' - "$T/log.json"
t_run "$OCIRUN" --root "$T/r" --log "$T/log.json" --log-format=json state ../x
t_is "--log appends" "$(wc -l <"$T/log.json")" 2
t_ok "--log: second record carries the id error" sh -c 'tail -n1 "$1" | jq -e ".level == \"error\" and (.msg | contains(\"../x\"))" >/dev/null' - "$T/log.json"
t_run "$OCIRUN" --root "$T/r" --log "$T/log.txt" state nosuch
t_is "--log text: one record" "$(wc -l <"$T/log.txt")" 1
t_ok "--log text: logrus shape" grep -Eq '^time="[^"]+" level=error msg="container \\"nosuch\\" does not exist"$' "$T/log.txt"
t_run "$OCIRUN" --log "$T/nodir/log" state nosuch
t_ok "--log in a missing directory fails with one line" sh -c '[ "$1" = 1 ] && [ "$2" = 1 ] && printf "%s" "$3" | grep -q "^ocirun: open log file"' - "$RC" "$ERR_LINES" "$ERR"

# Verbs the library does not implement yet parse their full flag sets, then
# say so (one place: main.c's command table).
t_run "$OCIRUN" --root "$T/r" exec -p p.json --tty --console-socket /s -d --pid-file p --preserve-fds 2 -e A=1 -e B=2 --cwd / -u 0:0 -g 10 -g 11 -c CAP_KILL --no-new-privs --apparmor x --process-label y --ignore-paused ctr sh -c 'ls -l'
t_fails_with "exec: every flag parses (then the missing container)" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" exec ctr
t_fails_with "exec without a command" "ocirun: exec: requires a command or --process"
t_run "$OCIRUN" --root "$T/r" exec -c CAP_NOPE ctr sh
t_fails_with "exec --cap checks the name" 'ocirun: exec: unknown capability "CAP_NOPE"'
t_run "$OCIRUN" --root "$T/r" ps --format json ctr
t_fails_with "ps --format json" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" ps ctr -ef
t_fails_with "ps passes options after the id to ps(1)" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" update --resources=- --memory 512m --memory-swap -1 --memory-reservation 1G --cpu-share 2 --cpu-quota 1000 --cpu-period 100000 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 10 --blkio-weight 500 ctr
t_fails_with "update: every flag" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" update --memory 12x ctr
t_fails_with "update checks sizes" 'ocirun: update: invalid value "12x" for --memory'
t_run "$OCIRUN" --root "$T/r" events --stats --interval 1m30s ctr
t_fails_with "events: flags" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" events --interval 0s ctr
t_fails_with "events checks the interval" 'ocirun: events: invalid duration "0s" for --interval'
t_run "$OCIRUN" --root "$T/r" pause ctr
t_fails_with "pause" 'ocirun: container "ctr" does not exist'
t_run "$OCIRUN" --root "$T/r" resume ctr
t_fails_with "resume" 'ocirun: container "ctr" does not exist'

# checkpoint/restore: runc's flags; restore also in go-runc's single-dash
# form (ENGINES.md: `restore ... -no-subreaper --bundle B ID`).
case "$FLAGS" in
*-CRIU*) CR="ocirun: checkpoint/restore is not supported by this build" ;;
*) CR="" ;;
esac
t_run "$OCIRUN" --root "$T/r" checkpoint --image-path "$T/i" --work-path "$T/w" --parent-path ../p --leave-running --tcp-established --ext-unix-sk --shell-job --file-locks --pre-dump --empty-ns network --manage-cgroups-mode full ctr
t_fails_with "checkpoint: every flag" "${CR:-ocirun: checkpoint: not implemented yet}"
t_run "$OCIRUN" --root "$T/r" restore --image-path "$T/i" --work-path "$T/w" --parent-path p --detach --pid-file "$T/pid" --no-pivot --no-new-keyring -no-subreaper --bundle "$T" --console-socket /s --lsm-profile selinux:x --lsm-mount-context=y ctr
t_fails_with "restore: every flag, -no-subreaper single-dash" "${CR:-ocirun: restore: not implemented yet}"
t_run "$OCIRUN" --root "$T/r" restore -no-subreaper -detach -bundle "$T" -image-path "$T/i" ctr
t_fails_with "restore: single-dash long options" "${CR:-ocirun: restore: not implemented yet}"
t_run "$OCIRUN" restore -no-subreaper --help
if [ -n "$CR" ]; then
  t_fails_with "restore -no-subreaper --help without CRIU" "$CR"
else
  t_is "restore -no-subreaper --help exits 0" "$RC" 0
fi
t_run "$OCIRUN" --root "$T/r" restore -zzz ctr
t_fails_with "restore: unknown single-dash option" "${CR:-ocirun: restore: unknown option \"-zzz\"}"
# podman's probe: "requires an argument" would tell it the flag exists; a
# build without checkpoint/restore says so instead.
t_run "$OCIRUN" restore --lsm-mount-context
t_fails_with "restore --lsm-mount-context probe (podman)" "${CR:-ocirun: restore: option \"--lsm-mount-context\" requires an argument}"
t_run "$OCIRUN" --root "$T/r" checkpoint -no-subreaper ctr
t_fails_with "checkpoint takes no single-dash long options" "${CR:-ocirun: checkpoint: unknown option \"-n\"}"

t_done
