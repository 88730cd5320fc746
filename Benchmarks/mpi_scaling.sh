#!/usr/bin/env bash
# One paper-setting MB-MPO iteration on R MPI ranks against one process, side by side on the same machine: the
# logged phase times of each (rank 0's, which waits for the others at every exchange) and the bytes each rank sent
# and received, then the time against R that these measurements predict (Benchmarks/mpi_model.py).
#
#   Benchmarks/mpi_scaling.sh OUT_DIR [RANKS...]        (default ranks: 2; binary: MBMPO_BIN or .build/release/mbmpo)
#
# Every configuration uses the machine's cores: one process with all of them as threads, R ranks with cores/R
# threads each. Extra settings for every run go in MBMPO_SCALING_SETTINGS (e.g. "--set meta.stepsPerIteration=5").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MBMPO_BIN:-$root/.build/release/mbmpo}
out=${1:?usage: Benchmarks/mpi_scaling.sh OUT_DIR [RANKS...]}
shift
ranks=("$@")
[ ${#ranks[@]} -gt 0 ] || ranks=(2)
cores=$(nproc)
launcher=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && launcher+=(--allow-run-as-root)
mkdir -p "$out"
# shellcheck disable=SC2206
extra=(${MBMPO_SCALING_SETTINGS:-})
common=(train --env half-cheetah --seed 22 --iterations 1 "${extra[@]}")
echo "1 process x $cores threads"
"$bin" "${common[@]}" --quiet --threads "$cores" --out "$out/r1" 2>"$out/r1.log"
for r in "${ranks[@]}"; do
  threads=$(( cores / r )); [ "$threads" -ge 1 ] || threads=1
  echo "$r ranks x $threads threads"
  "${launcher[@]}" -n "$r" "$bin" "${common[@]}" --threads "$threads" --out "$out/r$r" >/dev/null 2>"$out/r$r.log"
  tail -n 1 "$out/r$r.log"
done
python3 "$root/Benchmarks/mpi_model.py" "$out" 1 "${ranks[@]}"
