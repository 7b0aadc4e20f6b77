# tests/bench/common.sh — sourced by run.sh and profile.sh (which set $build, $top, $ocirun
# and die()).

# ocirun_binary: $ocirun if given, else a release build of this checkout in $build.
ocirun_binary() {
  if [ -z "$ocirun" ]; then
    if [ ! -f "$build/build.ninja" ]; then
      meson setup "$build" "$top" --buildtype=release >/dev/null
    fi
    ninja -C "$build" -j2 src/ocirun >/dev/null
    ocirun=$build/src/ocirun
  fi
  [ -x "$ocirun" ] || die "no ocirun at \"$ocirun\""
}
