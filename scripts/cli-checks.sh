#!/usr/bin/env bash
# End-to-end checks of the command-line tool: normal runs and one-line errors with a non-zero exit.
set -uo pipefail
bin=${1:-.build/release/mbmpo}
failures=0
expect_ok() {
  if ! out=$("$@" 2>&1); then echo "FAIL (exit $?): $*"; echo "$out"; failures=$((failures + 1)); return; fi
  echo "ok: $*"
}
expect_error() {  # command must fail with a one-line message containing $1
  local needle=$1; shift
  out=$("$@" 2>&1); code=$?
  if [ $code -eq 0 ] || ! grep -q -- "$needle" <<<"$out"; then
    echo "FAIL: expected an error mentioning '$needle' from: $*"; echo "$out"; failures=$((failures + 1)); return
  fi
  echo "ok (exit $code): $* -> $(head -n 1 <<<"$out")"
}
expect_ok "$bin" envs
expect_ok "$bin" rollout --env hopper --episodes 3 --seed 1
expect_ok "$bin" rollout --env pr2 --episodes 2 --threads 2
a=$("$bin" rollout --env ant --episodes 4 --seed 3 --threads 1 | sed 's/, [0-9]* env steps.*//')
b=$("$bin" rollout --env ant --episodes 4 --seed 3 --threads 2 | sed 's/, [0-9]* env steps.*//')
if [ "$a" = "$b" ]; then echo "ok: rollout is identical on 1 and 2 threads"; else echo "FAIL: $a != $b"; failures=$((failures + 1)); fi
expect_error "unknown environment 'cheetah'" "$bin" rollout --env cheetah
expect_error "model folder not found" "$bin" rollout --env hopper --assets /nonexistent
tmp=$(mktemp -d)
cp -r "$(dirname "$0")/../Assets/xml/." "$tmp/"
echo "<mujoco><worldbody><body></worldbody>" > "$tmp/hopper.xml"
expect_error "cannot load model" "$bin" rollout --env hopper --assets "$tmp"
rm -rf "$tmp"
expect_error "episodes" "$bin" rollout --env hopper --episodes 0
# headless rendering (EGL, no display): PNG frames, each a valid PNG
frames=$(mktemp -d)
expect_ok env -u DISPLAY "$bin" render --env half-cheetah --steps 10 --every 5 --width 64 --height 48 --out "$frames/hc"
n=$(ls "$frames/hc" | grep -c '^frame-.*\.png$')
if [ "$n" -eq 3 ] && [ "$(head -c 4 "$frames/hc/frame-000002.png" | tail -c 3)" = "PNG" ]; then
  echo "ok: render wrote 3 PNG frames"
else
  echo "FAIL: render wrote $n frames, expected 3"; failures=$((failures + 1))
fi
if command -v ffmpeg >/dev/null; then
  expect_ok "$bin" render --env hopper --steps 20 --width 64 --height 64 --out "$frames/clip.mp4"
  [ -s "$frames/clip.mp4" ] || { echo "FAIL: no MP4 written"; failures=$((failures + 1)); }
fi
expect_error "ffmpeg was not found" env PATH=/nonexistent "$bin" render --env hopper --out "$frames/x.mp4"
touch "$frames/file"
expect_error "it is a file" "$bin" render --env swimmer --steps 2 --out "$frames/file"
expect_error "--width and --height" "$bin" render --env swimmer --width 0 --out "$frames/y"
expect_error "none.h5: no such file" "$bin" render --trajectories "$frames/none.h5" --out "$frames/z"
expect_error "checkpoints/latest: no such file" "$bin" replay --run "$frames/run"
expect_error "pass --env NAME" "$bin" render --out "$frames/z"
# OpenGL context failures: one-line errors, non-zero exit
expect_error "cannot create a headless OpenGL context" env __EGL_VENDOR_LIBRARY_FILENAMES=/nonexistent.json \
  "$bin" render --env hopper --steps 2 --out "$frames/g"
expect_error "cannot create a headless OpenGL context" env LIBGL_DRIVERS_PATH=/nonexistent \
  "$bin" render --env hopper --steps 2 --out "$frames/g"
rm -rf "$frames"
# the viewer: no display is a clear error; under Xvfb it opens, draws and exits after --frames
expect_error "xvfb-run" env -u DISPLAY "$bin" replay --env ant
expect_error "xvfb-run" env DISPLAY=:9876 "$bin" replay --env ant
if command -v xvfb-run >/dev/null; then
  expect_ok timeout 60 xvfb-run -a -s "-screen 0 1024x768x24" "$bin" replay --env walker2d --frames 20 \
    --width 320 --height 240
fi
# storage: trajectories, checkpoints, resume, export and their errors (scripts/storage-checks.sh)
"$(dirname "$0")/storage-checks.sh" "$bin" || failures=$((failures + 1))
for cmd in "" envs rollout bench "bench env" "bench render" replay render train export; do
  # shellcheck disable=SC2086
  expect_ok "$bin" $cmd --help
done
echo "cli checks: $failures failed"
[ $failures -eq 0 ]
