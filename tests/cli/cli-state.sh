#!/bin/sh
# cli-state.sh — `state` and `list` (runtime.md § State, § Query State;
# ENGINES.md: `list -f json` is an array of state objects, pid 0 once
# stopped).  Records are hand-made <root>/<id>/state.json files in the shape
# libcontainer/state.c writes.
. "$(dirname "$0")/lib.sh"

R="$T/root"

t_run "$OCIRUN" --root "$R" state nosuch
t_fails_with "state of a missing container (missing root)" 'ocirun: container "nosuch" does not exist'
mkdir -p "$R"
t_run "$OCIRUN" --root "$R" state nosuch
t_fails_with "state of a missing container" 'ocirun: container "nosuch" does not exist'
for bad in ../x .hidden 'a/b' 'a b'; do
  t_run "$OCIRUN" --root "$R" state "$bad"
  t_is "state \"$bad\": exit 1" "$RC" 1
  t_ok "state \"$bad\": one line naming the invalid id" sh -c '[ "$1" = 1 ] && printf "%s" "$2" | grep -q "^ocirun: invalid container id \"$3\""' - "$ERR_LINES" "$ERR" "$bad"
done

# Empty and missing roots: header only, an empty array, nothing.
for root in "$R" "$T/missing"; do
  t_run "$OCIRUN" --root "$root" list
  t_is "list on $(basename "$root") root: header only" "$OUT" \
    "ID          PID         STATUS      BUNDLE      CREATED     OWNER"
  t_run "$OCIRUN" --root "$root" list -f json
  t_is "list -f json on $(basename "$root") root: []" "$OUT" "[]"
  t_run "$OCIRUN" --root "$root" list --format=json
  t_is "list --format=json on $(basename "$root") root: []" "$OUT" "[]"
  t_run "$OCIRUN" --root "$root" list -q
  t_is "list -q on $(basename "$root") root: nothing" "$OUT$ERR" ""
done
t_run "$OCIRUN" --root "$R" list -f yaml
t_fails_with "list with a bad format" 'ocirun: list: invalid format "yaml" (expected table or json)'

# Hand-made records: one whose process is gone, one alive and started, one
# alive and waiting on exec.fifo.
sh -c 'exit 0' &
DEAD=$!
wait "$DEAD"
sleep 300 &
LIVE=$!
trap 'kill "$LIVE" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
START=$(sed 's/.*) //' "/proc/$LIVE/stat" | cut -d' ' -f20)
CREATED=2026-01-02T03:04:05.123456789Z
record() { # id pid pidStart status
  mkdir -p "$R/$1"
  : >"$R/$1/lock"
  cat >"$R/$1/state.json" <<JSON
{"ociVersion":"1.3.0","id":"$1","pid":$2,"status":"$4","bundle":"$T/bundle-$1","rootfs":"$T/bundle-$1/rootfs","created":"$CREATED","owner":"","annotations":{"k":"v"},"pidStart":$3,"creatorPid":0,"creatorStart":0,"cgroupPath":null,"paused":false,"systemdCgroup":false,"configPath":"$T/bundle-$1/config.json"}
JSON
}
record zz-dead "$DEAD" 12345 running
record aa-live "$LIVE" "$START" running
record mm-created "$LIVE" "$START" created
mkfifo "$R/mm-created/exec.fifo"

t_run "$OCIRUN" --root "$R" state zz-dead
t_is "state of a dead container exits 0" "$RC" 0
t_ok "state: valid JSON" sh -c 'printf "%s" "$1" | jq -e . >/dev/null' - "$OUT"
t_is "state: dead process -> stopped" "$(printf '%s' "$OUT" | jq -r .status)" stopped
t_is "state: stopped -> pid 0" "$(printf '%s' "$OUT" | jq -r .pid)" 0
t_is "state: fields (runtime.md § State)" "$(printf '%s' "$OUT" | jq -c '[.ociVersion,.id,.bundle,.rootfs,.created,.annotations.k]')" \
  "[\"1.3.0\",\"zz-dead\",\"$T/bundle-zz-dead\",\"$T/bundle-zz-dead/rootfs\",\"$CREATED\",\"v\"]"
t_is "state: owner is empty (like runc)" "$(printf '%s' "$OUT" | jq -r .owner)" ""
t_ok "state: pretty-printed" sh -c 'printf "%s\n" "$1" | grep -q "^  \"id\": \"zz-dead\",$"' - "$OUT"
t_run "$OCIRUN" --root "$R" state aa-live
t_is "state: live process -> running" "$(printf '%s' "$OUT" | jq -r .status)" running
t_is "state: running -> its pid" "$(printf '%s' "$OUT" | jq -r .pid)" "$LIVE"
t_run "$OCIRUN" --root "$R" state mm-created
t_is "state: exec.fifo present -> created" "$(printf '%s' "$OUT" | jq -r .status)" created

ME=$(id -un)
t_run "$OCIRUN" --root "$R" list -q
t_is "list -q: ids sorted" "$OUT" "$(printf 'aa-live\nmm-created\nzz-dead')"
t_run "$OCIRUN" --root "$R" list -f json
t_is "list -f json exits 0" "$RC" 0
t_is "list -f json: one line" "$(printf '%s\n' "$OUT" | wc -l)" 1
t_is "list -f json: ids, statuses, pids" "$(printf '%s' "$OUT" | jq -c '[.[] | [.id, .status, .pid]]')" \
  "[[\"aa-live\",\"running\",$LIVE],[\"mm-created\",\"created\",$LIVE],[\"zz-dead\",\"stopped\",0]]"
t_ok "list -f json: owner filled" sh -c 'printf "%s" "$1" | jq -e --arg me "$2" "all(.[]; .owner == \$me)" >/dev/null' - "$OUT" "$ME"
t_ok "list -f json: state keys" sh -c 'printf "%s" "$1" | jq -e "all(.[]; has(\"ociVersion\") and has(\"id\") and has(\"pid\") and has(\"status\") and has(\"bundle\") and has(\"rootfs\") and has(\"created\"))" >/dev/null' - "$OUT"

# The table: columns as wide as max(12, widest cell + 3), OWNER unpadded.
t_run "$OCIRUN" --root "$R" list
t_is "list: header + 3 rows" "$(printf '%s\n' "$OUT" | wc -l)" 4
BW=$(( ${#T} + 21 ))   # "$T/bundle-mm-created" (18 + ${#T}) + 3
[ "$BW" -lt 12 ] && BW=12
EXPECT=$(printf "%-13s%-12s%-12s%-${BW}s%-33s%s\n" ID PID STATUS BUNDLE CREATED OWNER \
  aa-live "$LIVE" running "$T/bundle-aa-live" "$CREATED" "$ME" \
  mm-created "$LIVE" created "$T/bundle-mm-created" "$CREATED" "$ME" \
  zz-dead 0 stopped "$T/bundle-zz-dead" "$CREATED" "$ME")
t_is "list: table aligned like runc's tabwriter" "$OUT" "$EXPECT"

kill "$LIVE"
t_done
