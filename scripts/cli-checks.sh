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
for cmd in "" envs rollout bench "bench env"; do
  # shellcheck disable=SC2086
  expect_ok "$bin" $cmd --help
done
echo "cli checks: $failures failed"
[ $failures -eq 0 ]
