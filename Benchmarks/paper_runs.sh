#!/usr/bin/env bash
# The paper-setting learning runs, one after another, resumable: a finished run is skipped, a stopped one is
# continued from its latest checkpoint (`mbmpo train --resume`), a missing one is started.
#
#   Benchmarks/paper_runs.sh RUNS_DIR [ENV:ALGO:SEED:ITERATIONS[:VARIANT:KEY=VALUE,...] ...]
#
# Without a list it runs the learning results BENCHMARKS.md reports on: half-cheetah and hopper with MB-MPO for
# seeds 22, 33, 12 to 101 000 real steps (25 iterations), then the other tasks and the two baselines to
# 53 000 (13 iterations), then hopper with the original repository's final timing (variant dt002).
# Each run lives in RUNS_DIR/ENV-ALGO-sSEED (ENV-VARIANT-ALGO-sSEED for a variant, whose KEY=VALUE settings go to
# `mbmpo train --set`) and logs to that name plus .log. Ctrl-C stops the current run at a safe point (rerun the
# script to continue). Tables: python3 Benchmarks/learning_table.py RUNS_DIR/...
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MBMPO_BIN:-$root/.build/release/mbmpo}
runs=${1:?usage: Benchmarks/paper_runs.sh RUNS_DIR [ENV:ALGO:SEED:ITERATIONS ...]}
shift
plan=("$@")
if [ ${#plan[@]} -eq 0 ]; then
  plan=(half-cheetah:mb-mpo:22:25 hopper:mb-mpo:22:25 half-cheetah:mb-mpo:33:25 hopper:mb-mpo:33:25
        half-cheetah:mb-mpo:12:25 hopper:mb-mpo:12:25
        walker2d:mb-mpo:22:13 ant:mb-mpo:22:13 swimmer:mb-mpo:22:13 pr2:mb-mpo:22:13
        half-cheetah:me-trpo:22:13 half-cheetah:mb-mpc:22:13 hopper:me-trpo:22:13 hopper:mb-mpc:22:13
        hopper:mb-mpo:22:25:dt002:physicsTimestep=0.004,frameSkip=5)
fi
[ -x "$bin" ] || { echo "no mbmpo binary at $bin (run scripts/setup.sh, or set MBMPO_BIN)" >&2; exit 1; }
mkdir -p "$runs" || exit 1
for entry in "${plan[@]}"; do
  IFS=: read -r env algo seed iterations variant settings <<<"$entry"
  if [ -z "$env" ] || [ -z "$algo" ] || [ -z "$seed" ] || [ -z "$iterations" ] \
     || { [ -n "$variant" ] && [ -z "$settings" ]; }; then
    echo "bad entry '$entry' (expected ENV:ALGO:SEED:ITERATIONS[:VARIANT:KEY=VALUE,...])" >&2; exit 1
  fi
  sets=()
  if [ -n "$settings" ]; then
    IFS=, read -r -a pairs <<<"$settings"
    for pair in "${pairs[@]}"; do sets+=(--set "$pair"); done
  fi
  dir="$runs/$env${variant:+-$variant}-$algo-s$seed"
  rows=0
  [ -f "$dir/progress.csv" ] && rows=$(($(wc -l < "$dir/progress.csv") - 1))
  if [ "$rows" -ge "$iterations" ]; then
    echo "$dir: $rows iterations done"
    continue
  fi
  if [ -e "$dir/checkpoints/latest" ]; then
    echo "$dir: resuming after $rows iterations"
    "$bin" train --resume "$dir" --iterations "$iterations" >>"$dir.log" 2>&1
  else
    echo "$dir: starting"
    "$bin" train --env "$env" --algo "$algo" --seed "$seed" --iterations "$iterations" "${sets[@]}" --out "$dir" \
      >>"$dir.log" 2>&1
  fi
  code=$?
  if [ $code -ne 0 ]; then
    echo "$dir: train exited with $code (see $dir.log)" >&2
    exit $code
  fi
done
echo "all runs done"
