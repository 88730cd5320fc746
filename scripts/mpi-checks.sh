#!/usr/bin/env bash
# One training run over several MPI ranks gives the bits of one process: a tiny configuration of every algorithm with 1
# (no mpirun), 2 and 3 ranks (and PPO's real environments split unevenly over 4), compared bit for bit (progress.csv,
# trajectories, last checkpoint); a run checkpointed with 2 ranks and resumed with 3; SIGUSR1 to mpirun and --time-limit
# stop every rank at one safe point; a rank killed mid-run ends the run with an error and no hang, and the folder
# resumes; a stopped rank makes the others give up after MBMPO_MPI_TIMEOUT seconds.
#
#   scripts/mpi-checks.sh [BINARY]     (default .build/release/mbmpo)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/mbmpo}
failures=0
command -v mpirun >/dev/null || { echo "mpi checks: mpirun not found (apt-get install openmpi-bin)"; exit 1; }
python3 -c "import h5py" 2>/dev/null || { echo "mpi checks: need h5py (pip install h5py)"; exit 1; }
launcher=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && launcher+=(--allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tiny=(--env half-cheetah --seed 5 --threads 1 --quiet --set sampling.horizon=50 --set sampling.initialRandomSteps=1000
      --set sampling.imaginedRolloutsPerTask=2 --set meta.stepsPerIteration=2 --set dynamics.maxEpochs=3
      --set 'dynamics.hiddenSizes=[32,32]' --set meta.metaBatchSize=5 --set mpc.candidates=32 --set mpc.planningHorizon=3)

pairs=()
for algo in mb-mpo me-trpo mb-mpc trpo ppo; do
  extra=()
  case $algo in trpo|ppo) extra=(--set meta.metaBatchSize=1 --set sampling.realRolloutsPerTask=6) ;; esac
  "$bin" train --algo "$algo" "${tiny[@]}" "${extra[@]}" --iterations 2 --out "$work/$algo-1" >/dev/null 2>&1 \
    || { echo "FAIL: $algo on one process"; failures=$((failures + 1)); continue; }
  for ranks in 2 3; do
    if "${launcher[@]}" -n $ranks "$bin" train --algo "$algo" "${tiny[@]}" "${extra[@]}" --iterations 2 \
         --out "$work/$algo-$ranks" >"$work/$algo-$ranks.log" 2>&1; then
      pairs+=("$(printf '%-8s 1 vs %d ranks' "$algo" "$ranks")" "$work/$algo-1" "$work/$algo-$ranks")
    else
      echo "FAIL: $algo on $ranks ranks:"; tail -5 "$work/$algo-$ranks.log"; failures=$((failures + 1))
    fi
  done
done
# Open MPI gives the ranks a pseudo-terminal whatever mpirun's own output is: under mpirun only the per-iteration
# lines reach a log, no redrawn status line
loud=(); for word in "${tiny[@]}"; do [ "$word" = --quiet ] || loud+=("$word"); done
"${launcher[@]}" -n 2 "$bin" train --algo me-trpo "${loud[@]}" --iterations 1 --out "$work/lines" >"$work/lines.log" 2>&1
if grep -q "^itr 1/1 | steps 1000" "$work/lines.log" && ! grep -q $'\e\[\|\r' "$work/lines.log"; then
  echo "ok: under mpirun the log holds the iteration lines and no terminal control"
else
  echo "FAIL: under mpirun the log is not plain lines:"; cat -v "$work/lines.log" | tail -5; failures=$((failures + 1))
fi
# ranks that compute differently (here one with OpenBLAS's Prescott kernels beside one with Core2's, which any x86-64
# CPU runs) would drift apart: every rank stops before anything is written, with one line naming the second rank
"${launcher[@]}" -n 1 env OPENBLAS_CORETYPE=Prescott "$bin" train --algo trpo "${tiny[@]}" --iterations 1 \
  --out "$work/mixed" : -n 1 env OPENBLAS_CORETYPE=Core2 "$bin" train --algo trpo "${tiny[@]}" --iterations 1 \
  --out "$work/mixed" >"$work/mixed.log" 2>&1; code=$?
if [ $code -ne 0 ] && [ ! -e "$work/mixed" ] && [ "$(grep -c "does not compute as" "$work/mixed.log")" -eq 1 ] \
   && grep -q "^error: rank 0 of 2: rank 1 (host .*) does not compute as rank 0 (host .*) does: OpenBLAS kernels Core2 against Prescott.*OPENBLAS_CORETYPE=Prescott" \
     "$work/mixed.log"; then
  echo "ok: ranks with other OpenBLAS kernels stop with one line naming them, and write nothing"
else
  echo "FAIL: ranks with other OpenBLAS kernels (exit $code):"; tail -5 "$work/mixed.log"; failures=$((failures + 1))
fi
# MB-MPO's imagined rows split by task: hopper (imagined paths that end early, so ranks reset different numbers of
# rows each step), noisy, offset models (noise draws per row skipped for the other ranks' rows) and paths started from
# real states of the buffer with their own length (Gymnasium's settings), and hopper with noise, 4 tasks and 2 members,
# where on 5 ranks (rank 0 owning no task) each other rank imagines its task's chunk partner too, 1 vs 2 and 5 ranks
for variant in hopper noisy real shared; do
  case $variant in
    hopper) extra=(--env hopper) ;;
    shared) extra=(--env hopper --set dynamics.imperfection.noiseStd=0.1 --set meta.metaBatchSize=4
                   --set dynamics.members=2) ;;
    noisy) extra=(--set dynamics.imperfection.noiseStd=0.1 --set dynamics.imperfection.biasHigh=0.5) ;;
    real) extra=(--env hopper --set sampling.imaginedStart=real --set sampling.imaginedHorizon=7) ;;
  esac
  "$bin" train --algo mb-mpo "${tiny[@]}" "${extra[@]}" --iterations 2 --out "$work/$variant-1" >/dev/null 2>&1 \
    || { echo "FAIL: mb-mpo $variant on one process"; failures=$((failures + 1)); continue; }
  for ranks in 2 5; do
    if "${launcher[@]}" -n $ranks "$bin" train --algo mb-mpo "${tiny[@]}" "${extra[@]}" --iterations 2 \
         --out "$work/$variant-$ranks" >"$work/$variant-$ranks.log" 2>&1; then
      pairs+=("$(printf 'mb-mpo   %-6s 1 vs %d ranks' "$variant" "$ranks")" "$work/$variant-1" "$work/$variant-$ranks")
    else
      echo "FAIL: mb-mpo $variant on $ranks ranks:"; tail -5 "$work/$variant-$ranks.log"; failures=$((failures + 1))
    fi
  done
done
# members whose rows are several prediction chunks (4 tasks x 100 rollouts over 2 members: 2 chunks of 100 rows each),
# so that rank boundaries fall inside a member's block, on 4 ranks; and 50 rollouts, whose 100-row chunks 4 ranks
# would cut, so that each rank imagines its chunk partner's task too
chunks=(--set meta.metaBatchSize=4 --set dynamics.members=2 --set sampling.horizon=20)
for rollouts in 100 50; do
  "$bin" train --algo mb-mpo "${tiny[@]}" "${chunks[@]}" --set sampling.imaginedRolloutsPerTask=$rollouts \
    --iterations 2 --out "$work/chunks$rollouts-1" >/dev/null 2>&1 \
    || { echo "FAIL: mb-mpo, $rollouts rollouts, on one process"; failures=$((failures + 1)); continue; }
  if "${launcher[@]}" -n 4 "$bin" train --algo mb-mpo "${tiny[@]/--quiet/--verbose}" "${chunks[@]}" \
       --set sampling.imaginedRolloutsPerTask=$rollouts --iterations 2 --out "$work/chunks$rollouts-4" \
       >"$work/chunks$rollouts-4.log" 2>&1; then
    expected="imagined rollouts by task$"; [ $rollouts -eq 50 ] && expected="a rank imagines up to 2 of the 4 tasks"
    grep -q "$expected" "$work/chunks$rollouts-4.log" \
      || { echo "FAIL: $rollouts rollouts on 4 ranks did not say '$expected'"; failures=$((failures + 1)); }
    pairs+=("$(printf 'mb-mpo   %3d rollouts 1 vs 4 ranks' $rollouts)" "$work/chunks$rollouts-1" "$work/chunks$rollouts-4")
  else
    echo "FAIL: mb-mpo, $rollouts rollouts, on 4 ranks:"; tail -5 "$work/chunks$rollouts-4.log"; failures=$((failures + 1))
  fi
done
# real environments split unevenly (6 environments over 4 ranks: 2, 2, 1, 1), with hopper's early terminations, so
# that ranks restart environments at different steps
"$bin" train --algo ppo "${tiny[@]}" --env hopper --set meta.metaBatchSize=1 --set sampling.realRolloutsPerTask=6 \
  --iterations 2 --out "$work/uneven-1" >/dev/null 2>&1 \
  || { echo "FAIL: ppo on hopper on one process"; failures=$((failures + 1)); }
if "${launcher[@]}" -n 4 "$bin" train --algo ppo "${tiny[@]/--quiet/--verbose}" --env hopper \
     --set meta.metaBatchSize=1 --set sampling.realRolloutsPerTask=6 --iterations 2 --out "$work/uneven-4" \
     >"$work/uneven-4.log" 2>&1; then
  grep -q "4 ranks: the real environments split by environment" "$work/uneven-4.log" \
    || { echo "FAIL: ppo on 4 ranks did not say that the real environments are split"; failures=$((failures + 1)); }
  pairs+=("ppo      hopper 1 vs 4 ranks" "$work/uneven-1" "$work/uneven-4")
else
  echo "FAIL: ppo on hopper on 4 ranks:"; tail -5 "$work/uneven-4.log"; failures=$((failures + 1))
fi
# checkpointed after one iteration on 2 ranks, resumed on 3 to the second
if "${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${tiny[@]}" --iterations 1 --out "$work/resumed" >/dev/null 2>&1 \
   && "${launcher[@]}" -n 3 "$bin" train --resume "$work/resumed" --iterations 2 --quiet >/dev/null 2>&1; then
  pairs+=("mb-mpo   2 ranks, resumed on 3" "$work/mb-mpo-1" "$work/resumed")
else
  echo "FAIL: mb-mpo checkpointed on 2 ranks and resumed on 3"; failures=$((failures + 1))
fi

# A run that $1 (its label) stopped on 2 ranks with exit status $2 in folder $3: status $4 ("non-zero" for any), at
# least one and fewer than $5 rows, one stop message matching $6, and the folder resumes on one process; it is then
# compared with the uninterrupted run $7.
check_stopped() {
  local label=$1 status=$2 folder=$3 expected=$4 planned=$5 pattern=$6 straight=$7 rows stops
  rows=$(($(wc -l <"$folder/progress.csv") - 1))
  stops=$(grep -c "$pattern" "$folder.log")
  if { [ "$expected" = non-zero ] && [ "$status" -ne 0 ] || [ "$status" = "$expected" ]; } \
     && [ "$rows" -ge 1 ] && [ "$rows" -lt "$planned" ] && [ "$stops" -eq 1 ] \
     && "$bin" train --resume "$folder" --quiet >/dev/null 2>&1; then
    echo "ok: $label stopped both ranks after iteration $rows of $planned (exit $status), one message; resumed on one process"
    pairs+=("mb-mpo   $label on 2 ranks, resumed on 1" "$straight" "$folder")
  else
    echo "FAIL: $label: exit $status, $rows rows, $stops stop messages, or the folder did not resume"
    tail -5 "$folder.log"; failures=$((failures + 1))
  fi
}
# SIGUSR1 to mpirun (which passes it on to every rank) stops all ranks at the same safe point; the folder resumes on
# one process to the same bits as an uninterrupted run
long=("${tiny[@]}" --set dynamics.maxEpochs=200 --iterations 4)
"$bin" train --algo mb-mpo "${long[@]}" --out "$work/straight" >/dev/null 2>&1 \
  || { echo "FAIL: the 4-iteration run on one process"; failures=$((failures + 1)); }
"${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${long[@]}" --out "$work/stopped" >"$work/stopped.log" 2>&1 &
launcher_pid=$!
for _ in $(seq 1 100); do [ -e "$work/stopped/checkpoints/latest" ] && break; sleep 0.1; done
kill -USR1 $launcher_pid
wait $launcher_pid
check_stopped "SIGUSR1 to mpirun" $? "$work/stopped" non-zero 4 "^interrupted: stopped after iteration" \
  "$work/straight"
# --time-limit over 2 ranks: the ranks agree to stop at the same safe point (exit 75, rank 0's one message), and the
# folder resumes on one process to the bits of the uninterrupted run
"${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${tiny[@]}" --iterations 2 --time-limit 0.1s \
  --out "$work/limited" >"$work/limited.log" 2>&1
check_stopped "--time-limit" $? "$work/limited" 75 2 "^time limit (.*): stopped after iteration 1 of 2" \
  "$work/mb-mpo-1"
# resumed over 2 ranks with a time limit: a complete run ends at once (exit 0, nothing to agree on); a limit no longer
# than the run's last iteration is refused with rank 0's one line and no rank left waiting
if timeout 120 "${launcher[@]}" -n 2 "$bin" train --resume "$work/limited" --time-limit 1h >"$work/complete.log" 2>&1 \
   && grep -q "is complete" "$work/complete.log"; then
  echo "ok: a complete run resumed on 2 ranks with --time-limit ended at once"
else
  echo "FAIL: a complete run resumed on 2 ranks with --time-limit: $(head -3 "$work/complete.log")"
  failures=$((failures + 1))
fi
out=$(timeout 120 "${launcher[@]}" -n 2 "$bin" train --resume "$work/limited" --iterations 3 --time-limit 0.001s 2>&1)
status=$?
if [ $status -ne 0 ] && [ $status -ne 124 ] \
   && [ "$(grep -c "time-limit 0.001s is no longer than the run's last iteration" <<<"$out")" -eq 1 ]; then
  echo "ok: a limit shorter than the run's last iteration, on 2 ranks: one line (exit $status)"
else
  echo "FAIL: a too-short limit on 2 ranks: exit $status: $out"; failures=$((failures + 1))
fi
if [ ${#pairs[@]} -gt 0 ]; then
  python3 scripts/compare_runs.py "${pairs[@]}" || failures=$((failures + 1))
fi

# a rank killed mid-run: every rank ends (no hang), with a non-zero status, and the folder resumes on one process
"${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${long[@]}" --out "$work/killed" >"$work/killed.log" 2>&1 &
launcher_pid=$!
for _ in $(seq 1 100); do [ -e "$work/killed/checkpoints/latest" ] && break; sleep 0.2; done
victim=$(pgrep -f -- "--out $work/killed" | while read -r pid; do
  grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$pid/environ" 2>/dev/null && echo "$pid"; done | head -n 1)
if [ -n "$victim" ]; then
  kill -9 "$victim"
  status=0
  for _ in $(seq 1 300); do kill -0 $launcher_pid 2>/dev/null || break; sleep 0.2; done
  if kill -0 $launcher_pid 2>/dev/null; then
    echo "FAIL: the run hung after rank 1 was killed"; kill -9 $launcher_pid; failures=$((failures + 1))
  else
    wait $launcher_pid; status=$?
    left=$(pgrep -f -- "--out $work/killed" | wc -l)
    if [ $status -ne 0 ] && [ "$left" -eq 0 ] && "$bin" train --resume "$work/killed" --quiet >/dev/null 2>&1; then
      echo "ok: a killed rank ended the run (exit $status, no rank left) and the folder resumed on one process"
    else
      echo "FAIL: after a killed rank: exit $status, $left processes left, or the folder did not resume"
      tail -5 "$work/killed.log"; failures=$((failures + 1))
    fi
  fi
else
  echo "FAIL: could not find rank 1 of the run to kill"; failures=$((failures + 1)); kill $launcher_pid 2>/dev/null
fi
# a rank that hangs (stopped) instead of dying: the others give up after MBMPO_MPI_TIMEOUT seconds with one line, and
# mpirun ends the job; a timeout that is not a number is refused with one line
MBMPO_MPI_TIMEOUT=3 "${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${long[@]}" --out "$work/hung" \
  >"$work/hung.log" 2>&1 &
launcher_pid=$!
for _ in $(seq 1 100); do [ -e "$work/hung/checkpoints/latest" ] && break; sleep 0.1; done
stopped=$(pgrep -f -- "--out $work/hung" | while read -r pid; do
  grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$pid/environ" 2>/dev/null && echo "$pid"; done | head -n 1)
[ -n "$stopped" ] && kill -STOP "$stopped"
for _ in $(seq 1 300); do kill -0 $launcher_pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $launcher_pid 2>/dev/null; then
  echo "FAIL: the run hung with rank 1 stopped"; kill -9 $launcher_pid; failures=$((failures + 1))
elif wait $launcher_pid; then
  echo "FAIL: the run with rank 1 stopped exited 0"; failures=$((failures + 1))
elif grep -q "^error: rank 0 of 2: no answer from the other ranks for 3.0 s" "$work/hung.log" \
     && [ "$(pgrep -f -- "--out $work/hung" | wc -l)" -eq 0 ]; then
  echo "ok: with rank 1 stopped, rank 0 gave up after 3 s (MBMPO_MPI_TIMEOUT) and no rank was left"
else
  echo "FAIL: with rank 1 stopped: $(head -3 "$work/hung.log")"; failures=$((failures + 1))
fi
# the whole job suspended longer than the timeout (a scheduler's SIGSTOP to every rank), then continued: it finishes
MBMPO_MPI_TIMEOUT=2 "${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${long[@]}" --out "$work/suspended" \
  >"$work/suspended.log" 2>&1 &
launcher_pid=$!
for _ in $(seq 1 100); do [ -e "$work/suspended/checkpoints/latest" ] && break; sleep 0.1; done
ranks_pids=$(pgrep -f -- "^$bin train .*--out $work/suspended")
[ "$(wc -w <<<"$ranks_pids")" -eq 2 ] && kill -STOP $ranks_pids && sleep 5 && kill -CONT $ranks_pids
if [ "$(wc -w <<<"$ranks_pids")" -eq 2 ] && wait $launcher_pid \
   && [ "$(($(wc -l <"$work/suspended/progress.csv") - 1))" -eq 4 ]; then
  echo "ok: a job suspended for 5 s with a 2 s timeout finished when continued"
else
  echo "FAIL: the suspended job: $(head -3 "$work/suspended.log")"; failures=$((failures + 1))
fi
out=$(MBMPO_MPI_TIMEOUT=soon "${launcher[@]}" -n 2 "$bin" train --algo mb-mpo "${tiny[@]}" --out "$work/bad" 2>&1)
if [ "$(grep -c "MBMPO_MPI_TIMEOUT must be" <<<"$out")" -eq 1 ] && [ ! -e "$work/bad" ]; then
  echo "ok: MBMPO_MPI_TIMEOUT=soon is refused with one line"
else
  echo "FAIL: MBMPO_MPI_TIMEOUT=soon: $out"; failures=$((failures + 1))
fi
echo "mpi checks: $failures failed"
[ $failures -eq 0 ]
