#!/usr/bin/env bash
# End-to-end checks of trajectories, checkpoints, resume and export: results, and one-line errors with a non-zero
# exit that leave every existing file intact. Usage: scripts/storage-checks.sh [path/to/mbmpo]
set -uo pipefail
bin=$(realpath "${1:-.build/release/mbmpo}")
failures=0
expect_ok() {
  if ! out=$("$@" 2>&1); then echo "FAIL (exit $?): $*"; echo "$out"; failures=$((failures + 1)); return; fi
  echo "ok: $*"
}
expect_error() {  # command must fail with a one-line message containing $1
  local needle=$1; shift
  out=$("$@" 2>&1); code=$?
  if [ $code -eq 0 ] || ! grep -q -- "$needle" <<<"$out" || [ "$(wc -l <<<"$out")" -gt 1 ]; then
    echo "FAIL: expected a one-line error mentioning '$needle' from: $*"; echo "$out"; failures=$((failures + 1)); return
  fi
  echo "ok (exit $code): $* -> $out"
}
check() {  # description, then a test command
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
fingerprint() { find "$1" -type f -not -name '.*' | sort | xargs sha256sum; }
tiny=(--env half-cheetah --threads 1 --quiet --set sampling.horizon=10 --set sampling.initialRandomSteps=100
      --set meta.metaBatchSize=4 --set dynamics.members=2 --set "dynamics.hiddenSizes=[16,16]"
      --set dynamics.maxEpochs=3 --set "policy.hiddenSizes=[8,8]" --set sampling.imaginedRolloutsPerTask=2
      --set meta.stepsPerIteration=2)
tmp=$(mktemp -d)
trap 'umount "$tmp/small" "$tmp/ro" 2>/dev/null; chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

# a run writes trajectories and checkpoints; resuming a shorter run gives the same progress values
expect_ok "$bin" train "${tiny[@]}" --iterations 3 --out "$tmp/a"
expect_ok "$bin" train "${tiny[@]}" --iterations 2 --keep-checkpoints 1 --out "$tmp/b"
check "only the newest checkpoint is kept" test "$(ls "$tmp/b/checkpoints")" = "$(printf 'iter-0002.h5\nlatest')"
expect_ok "$bin" train --resume "$tmp/b" --iterations 3
strip_time() { python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); k=[i for i,c in enumerate(r[0]) if not c.startswith("Time-")]; print([[x[i] for i in k] for x in r])' "$1"; }
check "resumed progress.csv equals the uninterrupted one" test "$(strip_time "$tmp/a/progress.csv")" = "$(strip_time "$tmp/b/progress.csv")"
expect_ok "$bin" export --run "$tmp/a" --episodes 3 --out "$tmp/a-minari.hdf5"
# a Minari folder's metadata.json goes with its main_data.hdf5: a D4RL file written over that takes ours away, and
# leaves someone else's metadata.json alone
expect_ok "$bin" export --run "$tmp/a" --episodes 2 --out "$tmp/ds/main_data.hdf5"
check "a Minari export writes metadata.json" test -f "$tmp/ds/metadata.json"
expect_ok "$bin" export --run "$tmp/a" --episodes 2 --format d4rl --out "$tmp/ds/main_data.hdf5"
check "a D4RL export over it removes our metadata.json" test ! -e "$tmp/ds/metadata.json"
echo '{"author": "someone"}' > "$tmp/ds/metadata.json"
expect_ok "$bin" export --run "$tmp/a" --episodes 2 --format d4rl --out "$tmp/ds/main_data.hdf5"
check "and keeps another's" grep -q someone "$tmp/ds/metadata.json"
expect_ok "$bin" export --run "$tmp/a" --iteration 2 --episodes 2 --format d4rl --policy adapted --out "$tmp/a-d4rl.h5"
# a checkpoint file, as eval, replay and render take it, gives the same dataset as --run with --iteration
expect_ok "$bin" export --checkpoint "$tmp/a/checkpoints/iter-0002.h5" --episodes 2 --format d4rl --policy adapted \
  --out "$tmp/a-d4rl-file.h5"
check "export --checkpoint FILE equals --run --iteration" cmp -s <(python3 "$(dirname "$0")/h5values.py" "$tmp/a-d4rl.h5") \
  <(python3 "$(dirname "$0")/h5values.py" "$tmp/a-d4rl-file.h5")
expect_ok env -u DISPLAY "$bin" render --trajectories "$tmp/a/trajectories.h5" --episode 2 --width 32 --height 32 --out "$tmp/frames"
expect_ok env -u DISPLAY "$bin" render --run "$tmp/a" --steps 3 --width 32 --height 32 --out "$tmp/frames2"

# bad input: one line, non-zero exit, nothing changed
before=$(fingerprint "$tmp/a")
expect_error "no such run folder" "$bin" train --resume "$tmp/nothing"
expect_error "cannot be combined with it" "$bin" train --resume "$tmp/a" --seed 4
expect_error "is fewer" "$bin" train --resume "$tmp/a" --iterations 1
expect_error "no episode 999" "$bin" render --trajectories "$tmp/a/trajectories.h5" --episode 999 --out "$tmp/f"
expect_error "iter-0009.h5: no such file" "$bin" export --run "$tmp/a" --iteration 9 --episodes 1 --out "$tmp/x.h5"
expect_error "for the checkpoint after 2 iterations pass --run DIR --iteration 2" "$bin" export --run "$tmp/a" \
  --checkpoint 2 --episodes 1 --out "$tmp/x.h5"
expect_error "one of the run's own files" "$bin" export --checkpoint "$tmp/a/checkpoints/iter-0002.h5" --episodes 1 \
  --out "$tmp/a/checkpoints/iter-0001.h5"
"$bin" train "${tiny[@]}" --algo me-trpo --iterations 1 --out "$tmp/m" >/dev/null 2>&1
expect_error "needs an MB-MPO run" "$bin" export --run "$tmp/m" --episodes 1 --policy adapted --out "$tmp/x.h5"
check "failed commands left run a unchanged" test "$before" = "$(fingerprint "$tmp/a")"

cp -r "$tmp/a" "$tmp/c"
latest="$tmp/c/checkpoints/iter-0003.h5"
head -c 5000 "$tmp/a/checkpoints/iter-0003.h5" > "$latest"
expect_error "iter-0003.h5: truncated" "$bin" train --resume "$tmp/c" --iterations 4
cp "$tmp/a/checkpoints/iter-0003.h5" "$latest"
printf '\x55' | dd of="$latest" bs=1 seek=20000 conv=notrunc 2>/dev/null
expect_error "iter-0003.h5: file checksum mismatch" "$bin" train --resume "$tmp/c" --iterations 4
expect_error "iter-0003.h5: file checksum mismatch" "$bin" export --run "$tmp/c" --episodes 1 --out "$tmp/x.h5"
cp "$tmp/a/checkpoints/iter-0003.h5" "$latest"
echo "not a checkpoint" > "$latest"
expect_error "not an mbmpo-checkpoint file" "$bin" train --resume "$tmp/c" --iterations 4
cp "$tmp/a/checkpoints/iter-0003.h5" "$latest"
sed -i 's/"half-cheetah"/"hopper"/' "$tmp/c/config.json"
expect_error "checkpoint of 'half-cheetah', but the run folder trains 'hopper'" "$bin" train --resume "$tmp/c" --iterations 4
cp "$tmp/a/config.json" "$tmp/c/config.json"
sed -i 's/"learningRate" : 0.001/"learningRate" : 0.002/' "$tmp/c/config.json"
expect_error "checkpoint of another configuration" "$bin" train --resume "$tmp/c" --iterations 4
cp "$tmp/a/config.json" "$tmp/c/config.json"
rm "$latest"
expect_error "names 'iter-0003.h5', which does not exist" "$bin" train --resume "$tmp/c" --iterations 4
check "checkpoint 2 untouched by the failed resumes" cmp -s "$tmp/a/checkpoints/iter-0002.h5" "$tmp/c/checkpoints/iter-0002.h5"

# a full disk and a read-only folder (small tmpfs mounts where permitted, else permission bits for non-root)
mkdir -p "$tmp/small" "$tmp/ro"
if mount -t tmpfs -o size=1m tmpfs "$tmp/small" 2>/dev/null; then
  expect_error "No space left on device" "$bin" train "${tiny[@]}" --iterations 40 --out "$tmp/small/run"
  expect_ok "$bin" export --run "$tmp/small/run" --episodes 1 --out "$tmp/from-full-disk.h5"
  mount -t tmpfs -o size=10m tmpfs "$tmp/ro" && cp -r "$tmp/a" "$tmp/ro/run" && mount -o remount,ro "$tmp/ro"
  expect_error "not writable" "$bin" train --resume "$tmp/ro/run" --iterations 4
  expect_error "cannot create" "$bin" train "${tiny[@]}" --iterations 1 --out "$tmp/ro/new"
elif [ "$(id -u)" -ne 0 ]; then
  cp -r "$tmp/a" "$tmp/ro/run" && chmod -R a-w "$tmp/ro/run"
  expect_error "not writable" "$bin" train --resume "$tmp/ro/run" --iterations 4
else
  echo "note: cannot mount a small file system here; full-disk and read-only checks skipped"
fi
echo "storage checks: $failures failed"
[ $failures -eq 0 ]
