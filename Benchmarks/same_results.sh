#!/usr/bin/env bash
# Checks that two mbmpo binaries compute the same thing: a short run of every algorithm (MB-MPO in float32 and
# bfloat16 where the CPU has AVX512-BF16, ME-TRPO, MB-MPC) with each binary, then every progress.csv value but the
# timings, every dataset of trajectories.h5 and of the last checkpoint compared bit for bit (h5py, by
# scripts/compare_runs.py).
#
#   Benchmarks/same_results.sh BINARY_A BINARY_B OUT_DIR
#
# Prints one line per algorithm and exits non-zero if any differs. For speed side by side, see ab_binaries.sh.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: Benchmarks/same_results.sh BINARY_A BINARY_B OUT_DIR" >&2; exit 1; }
a=$1 b=$2 out=$3
for bin in "$a" "$b"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 1; }; done
python3 -c "import h5py" 2>/dev/null || { echo "same_results.sh needs h5py (pip install h5py)" >&2; exit 1; }
mkdir -p "$out"

# dynamics.productPrecision is the former name of dynamics.matrixPrecision; binaries of either age accept it.
small=(--seed 7 --iterations 2 --threads 2 --set sampling.horizon=50 --set sampling.imaginedRolloutsPerTask=4
       --set meta.stepsPerIteration=3 --set dynamics.maxEpochs=5 --set 'dynamics.hiddenSizes=[64,64]'
       --set sampling.initialRandomSteps=1000 --set meta.metaBatchSize=6 --set dynamics.members=3
       --set mpc.candidates=64 --set mpc.planningHorizon=5)
# ALGORITHM:PRECISION, PRECISION being the model products' (float32, bfloat16) or float64-curvature (float32 model
# products, the policy's curvature products in float64: meta.trpo.productPrecision, the former name of
# meta.trpo.curvaturePrecision).
cases=(mb-mpo:float32 me-trpo:float32 mb-mpc:float32 mb-mpo:float64-curvature me-trpo:float64-curvature
       trpo:float32 ppo:float32)
grep -qw avx512_bf16 /proc/cpuinfo 2>/dev/null && cases+=(mb-mpo:bfloat16)

for entry in "${cases[@]}"; do
  algo=${entry%%:*} precision=${entry#*:}
  case $precision in
    float64-curvature) settings=(--set meta.trpo.productPrecision=float64) ;;
    *) settings=(--set dynamics.productPrecision="$precision") ;;
  esac
  # the model-free algorithms: one batch of 8 environments (their preset has 250)
  case $algo in trpo|ppo) settings+=(--set meta.metaBatchSize=1 --set sampling.realRolloutsPerTask=8) ;; esac
  for label in A B; do
    bin=$a
    [ $label = B ] && bin=$b
    dir="$out/$algo-$precision-$label"
    rm -rf "$dir"
    "$bin" train --env half-cheetah --algo "$algo" "${small[@]}" "${settings[@]}" \
      --quiet --out "$dir" >"$dir.log" 2>&1 || { echo "$algo $precision: binary $label failed (see $dir.log)"; exit 1; }
  done
done

pairs=()
for entry in "${cases[@]}"; do
  algo=${entry%%:*} precision=${entry#*:}
  pairs+=("$(printf '%-8s %-9s' "$algo" "$precision")" "$out/$algo-$precision-A" "$out/$algo-$precision-B")
done
python3 "$(dirname "$0")/../scripts/compare_runs.py" "${pairs[@]}"
