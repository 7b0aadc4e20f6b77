#!/bin/sh
# cli-spec.sh — `spec` (a runc-compatible default config.json, bundle.md)
# and `features` (features.md, features-linux.md).
. "$(dirname "$0")/lib.sh"

# spec writes ./config.json by default.
mkdir "$T/b1"
t_run sh -c 'cd "$1" && "$2" spec' - "$T/b1" "$OCIRUN"
t_is "spec exits 0" "$RC" 0
t_is "spec prints nothing" "$OUT$ERR" ""
t_ok "spec: config.json is valid JSON" jqe . "$T/b1/config.json"
t_is "spec: top-level keys (config.md)" "$(jq -c 'keys' "$T/b1/config.json")" \
  '["hostname","linux","mounts","ociVersion","process","root"]'
t_ok "spec: ociVersion is 1.x" jqe '.ociVersion | startswith("1.")' "$T/b1/config.json"
t_ok "spec: root.path is rootfs" jqe '.root.path == "rootfs"' "$T/b1/config.json"
t_ok "spec: process.args is a non-empty array" jqe '.process.args | length > 0' "$T/b1/config.json"
t_ok "spec: /proc is mounted" jqe '[.mounts[] | select(.destination == "/proc" and .type == "proc")] | length == 1' "$T/b1/config.json"
t_ok "spec: no user namespace by default" jqe '[.linux.namespaces[].type] | index("user") == null' "$T/b1/config.json"
t_ok "spec: mount, pid, ipc, uts namespaces" jqe '[.linux.namespaces[].type] as $t | ["mount","pid","ipc","uts"] | all(. as $n | $t | index($n))' "$T/b1/config.json"

# It never replaces an existing file (runc's words).
echo '{"mine":true}' >"$T/b1/keep.json"
cp "$T/b1/keep.json" "$T/b1/config.json"
t_run sh -c 'cd "$1" && "$2" spec' - "$T/b1" "$OCIRUN"
t_fails_with "spec twice" "ocirun: File config.json exists. Remove it first"
t_ok "spec twice: the existing file is untouched" cmp -s "$T/b1/keep.json" "$T/b1/config.json"
ln -s "$T/elsewhere" "$T/b1/dangling"
rm "$T/b1/config.json"
ln -s dangling "$T/b1/config.json"
t_run "$OCIRUN" spec --bundle "$T/b1"
t_is "spec does not follow a config.json symlink: exit 1" "$RC" 1
t_ok "spec does not follow a config.json symlink: nothing created" test ! -e "$T/elsewhere"

# --bundle / -b in both forms, --rootless.
mkdir "$T/b2" "$T/b3"
t_run "$OCIRUN" spec --bundle="$T/b2" --rootless
t_is "spec --bundle=DIR --rootless exits 0" "$RC" 0
t_ok "spec --rootless: user namespace" jqe '[.linux.namespaces[].type] | index("user") != null' "$T/b2/config.json"
t_ok "spec --rootless: uid and gid mappings" jqe '(.linux.uidMappings | length > 0) and (.linux.gidMappings | length > 0)' "$T/b2/config.json"
t_ok "spec --rootless: no network namespace" jqe '[.linux.namespaces[].type] | index("network") == null' "$T/b2/config.json"
t_run "$OCIRUN" spec -b "$T/b3"
t_ok "spec -b DIR" jqe '.process' "$T/b3/config.json"
t_run "$OCIRUN" spec -b "$T/missing"
t_is "spec into a missing directory: exit 1" "$RC" 1
t_is "spec into a missing directory: one line" "$ERR_LINES" 1
t_run "$OCIRUN" spec -b "$T/b3" extra
t_fails_with "spec takes no operand" "ocirun: spec: requires exactly 0 arguments"

# features: valid JSON with the features.md keys; only known names.
t_run "$OCIRUN" features
F="$T/features.json"
printf '%s\n' "$OUT" >"$F"
t_is "features exits 0" "$RC" 0
t_ok "features: valid JSON" jqe . "$F"
t_ok "features: ociVersionMin/Max" jqe '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0"' "$F"
t_is "features: hooks (config.md § POSIX-platform Hooks)" "$(jq -c .hooks "$F")" \
  '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
t_ok "features: mountOptions sorted and unique" jqe '.mountOptions | length > 0 and . == (unique)' "$F"
t_ok "features: mountOptions include ro, nosuid, rbind, rprivate" jqe '.mountOptions as $m | ["ro","nosuid","rbind","rprivate"] | all(. as $o | $m | index($o))' "$F"
t_ok "features: namespaces are config-linux.md names" jqe '.linux.namespaces - ["cgroup","ipc","mount","network","pid","time","user","uts"] == []' "$F"
t_ok "features: capabilities look like CAP_*" jqe '.linux.capabilities | length >= 38 and all(test("^CAP_[A-Z_]+$"))' "$F"
t_ok "features: CAP_CHOWN first, CAP_SYS_ADMIN listed" jqe '.linux.capabilities[0] == "CAP_CHOWN" and (.linux.capabilities | index("CAP_SYS_ADMIN"))' "$F"
t_ok "features: cgroup flags are booleans" jqe '.linux.cgroup | keys == ["rdma","systemd","systemdUser","v1","v2"] and all(.[]; type == "boolean")' "$F"
for k in seccomp apparmor selinux intelRdt netDevices; do
  t_ok "features: linux.$k.enabled is a boolean" jqe --arg k "$k" '.linux[$k].enabled | type == "boolean"' "$F"
done
t_ok "features: mountExtensions.idmap.enabled is a boolean" jqe '.linux.mountExtensions.idmap.enabled | type == "boolean"' "$F"
t_ok "features: seccomp lists actions when enabled" jqe '.linux.seccomp | (.enabled | not) or ((.actions | index("SCMP_ACT_ERRNO")) and (.archs | length > 0))' "$F"
t_ok "features: annotations are strings" jqe '.annotations | length > 0 and all(.[]; type == "string")' "$F"
t_ok "features: version annotation matches --version" sh -c '[ "$(jq -r ".annotations[\"io.github.ocirun.version\"]" "$1")" = "$("$2" --version | sed -n "1s/.* //p")" ]' - "$F" "$OCIRUN"
t_ok "features: potentiallyUnsafeConfigAnnotations is an array" jqe '.potentiallyUnsafeConfigAnnotations | type == "array"' "$F"
t_ok "features: two-space indentation" grep -q '^  "ociVersionMin": "1.0.0",$' "$F"
t_run "$OCIRUN" features extra
t_fails_with "features takes no operand" "ocirun: features: requires exactly 0 arguments"

t_done
