#!/usr/bin/env bash
# The paper-setting learning runs, resumable: a finished run is skipped, a stopped one is continued from its latest
# checkpoint (`mbmpo train --resume`), a missing one is started.
#
#   Benchmarks/paper_runs.sh [--jobs N] [--threads T] [--plan NAME] [--until TIME] [--collect REPO [--note TEXT]]
#                            [--list] RUNS_DIR [ENV:ALGO:SEED:ITERATIONS[:VARIANT:KEY=VALUE,...] ...]
#
# Without a list it runs the plan NAME (default `results`), with the seeds BENCHMARKS.md names:
#   results      MB-MPO on all six tasks for seeds 22, 33, 12 to 101 000 real steps (25 iterations), ME-TRPO and
#                MB-MPC on all six for seed 22 to 52 000 (13 iterations), half-cheetah with bfloat16 model products
#                for seeds 22, 33, 12 (variant bf16, on AVX512-BF16 CPUs), and hopper at the submitted code's 0.008 s
#                step for seeds 22, 33 (variant dt0008).
#   robustness   the bad-models experiment: MB-MPO and ME-TRPO on half-cheetah with the bad-models preset, offsets
#                from [0, b] for b = 0, 0.5, 1, noise σ = 0 and 0.1, seeds 22 and 33, 40 iterations (variants
#                bad-bB-nσ).
#   adaptation   MB-MPO's hyperparameter studies on half-cheetah (hyperparameter-study preset, seeds 22 and 33, 50
#                iterations): inner step α ∈ {0.01, 0.005, 0.001, 0} (variants study-alphaα; α = 0.001 is also the
#                30-meta-step point), meta-steps ∈ {5, 15, 60} (study-stepsS), ensemble size K ∈ {1, 5, 10, 20} with
#                K tasks and (20, 4, 2, 1) real, (100, 40, 20, 10) imagined rollouts per task (study-modelsK).
#   exploration  tailored exploration on and off: MB-MPO on half-cheetah, paper settings with a rolling-average
#                persistence of 0.95, seeds 23, 54, 62, 25 iterations (variants explore-on, explore-off).
#   gymnasium    Gymnasium's v5 tasks with their long-horizon settings: MB-MPO on HalfCheetah-v5 and Hopper-v5 for
#                seeds 22, 33 to 200 000 real steps (40 iterations), TRPO and PPO on all six for seed 22 to 10^6 (20
#                and 500 iterations, the step budget ending PPO's sooner where its batches overrun).
# Each run lives in RUNS_DIR/ENV-ALGO-sSEED (ENV-VARIANT-ALGO-sSEED for a variant, whose KEY=VALUE settings go to
# `mbmpo train --set`; the pseudo-setting preset=NAME goes to `--preset NAME`) and logs to that name plus .log; two
# entries with one folder are refused. A run with no folder there whose finished logs (all its iterations, or its
# step budget reached) Benchmarks/results already holds (the checkout's of --collect, else the script's own; a run
# finished on another machine) is not run again.
# A run is resumed with the OpenBLAS kernels that trained its last iteration (OPENBLAS_CORETYPE set from its
# run-info.json, whatever the environment says) where this CPU can run them, since kernel families can round
# differently.
# --jobs N runs N of them at once, each with T worker threads (default: the processor count divided by N, at least
# 1; without --jobs, the configuration's own). Results do not depend on either. Ctrl-C, TERM, HUP or USR1 stops
# the current runs at a safe point and starts no new one (rerun the script to continue; it exits with 130, 143, 129
# or 138); a second one ends them at once.
# A finished run's final policy is scored on 20 episodes into its eval.json (`mbmpo eval`), its recorded episodes per
# iteration into recorded.json (`mbmpo eval --recorded`). --until TIME (anything `date -d` reads: "06:10",
# "2026-12-07 06:10", "now + 170 minutes", a batch job's end time) gives every run the time left as its
# `train --time-limit`, so that it stops at the end of its last iteration that ends by then. A run is not resumed when
# its last iteration (Time-Itr) would not end by then, and not started when the longest first iteration of its
# algorithm among RUNS_DIR's runs (or, without one, among the committed runs of the entry's other seeds) would not; a
# finished run is scored only before TIME (else on the next call). The script then exits with 75: rerun it to continue.
# --collect REPO copies each finished and scored run's logs into that checkout's Benchmarks/results at once
# (`REPO/Benchmarks/results.py collect --changed-only`, with --note TEXT as the note, e.g. what shared the machine), so
# that they are in the working tree to commit even if RUNS_DIR does not outlive the machine.
# Before anything runs, the configuration of every run still to train is checked (`mbmpo config show`): one refused
# here (bfloat16 products on a CPU without AVX512-BF16, a setting this binary does not know) is passed over with its
# reason, the others run, and the script then exits with 1 (with 75, 130, 143, 129 or 138 where it stopped first, and
# with train's own status where a run failed, which also ends the script).
# --list prints the plan's runs, one `mbmpo train` command line each, and runs nothing. Tables:
# python3 Benchmarks/results.py tables; where the runs stand: python3 Benchmarks/results.py status RUNS_DIR.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MBMPO_BIN:-$root/.build/release/mbmpo}
usage="usage: Benchmarks/paper_runs.sh [--jobs N] [--threads T] [--plan results|robustness|adaptation|exploration|gymnasium] [--until TIME] [--collect REPO [--note TEXT]] [--list] RUNS_DIR [ENV:ALGO:SEED:ITERATIONS ...]"
jobs=1 threads= plan_name=results list=0 until= collect= note=
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --threads) threads=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --plan) plan_name=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --until) until=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --collect) collect=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --note) note=${2:-}; shift 2 || { echo "$usage" >&2; exit 1; } ;;
    --list) list=1; shift ;;
    --) shift; break ;;
    -*) echo "unknown option '$1'; $usage" >&2; exit 1 ;;
    *) break ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "--jobs needs a positive integer, got '$jobs'" >&2; exit 1; }
[ -z "$threads" ] || [[ "$threads" =~ ^[1-9][0-9]*$ ]] \
  || { echo "--threads needs a positive integer, got '$threads'" >&2; exit 1; }
if [ -n "$collect" ]; then
  [ -f "$collect/Benchmarks/results.py" ] \
    || { echo "--collect: '$collect' is not an mbmpo checkout (no Benchmarks/results.py in it)" >&2; exit 1; }
  collect=$(cd "$collect" && pwd) || exit 1
elif [ -n "$note" ]; then
  echo "--note goes with --collect" >&2; exit 1
fi
deadline=
if [ -n "$until" ]; then
  deadline=$(date -d "$until" +%s.%N 2>/dev/null) \
    || { echo "--until: cannot read '$until' as a time (date -d)" >&2; exit 1; }
  [ "${deadline%.*}" -gt "$(date +%s)" ] || { echo "--until: $(date -d "@${deadline%.*}") has passed" >&2; exit 1; }
fi
if [ -z "$threads" ] && [ "$jobs" -gt 1 ]; then
  threads=$(( $(nproc) / jobs ))
  [ "$threads" -ge 1 ] || threads=1
fi
runs=${1:?$usage}
shift
plan=("$@")
if [ ${#plan[@]} -eq 0 ]; then
  tasks=(half-cheetah hopper walker2d ant swimmer pr2)
  case "$plan_name" in
    results)
      for seed in 22 33 12; do for env in "${tasks[@]}"; do plan+=("$env:mb-mpo:$seed:25"); done; done
      for algo in me-trpo mb-mpc; do for env in "${tasks[@]}"; do plan+=("$env:$algo:22:13"); done; done
      for seed in 22 33 12; do plan+=("half-cheetah:mb-mpo:$seed:25:bf16:dynamics.matrixPrecision=bfloat16"); done
      for seed in 22 33; do plan+=("hopper:mb-mpo:$seed:25:dt0008:physicsTimestep=0.002,frameSkip=4"); done
      ;;
    robustness)
      # every cell's first seed before any second one, so that a partial plan still covers the table
      for seed in 22 33; do for bias in 0 0.5 1; do for noise in 0 0.1; do for algo in mb-mpo me-trpo; do
        plan+=("half-cheetah:$algo:$seed:40:bad-b$bias-n$noise:preset=bad-models,dynamics.imperfection.biasHigh=$bias,dynamics.imperfection.noiseStd=$noise")
      done; done; done; done
      ;;
    adaptation)
      for seed in 22 33; do
        for alpha in 0 0.001 0.01 0.005; do
          plan+=("half-cheetah:mb-mpo:$seed:50:study-alpha$alpha:preset=hyperparameter-study,meta.innerStepSize=$alpha")
        done
        for steps in 5 15 60; do
          plan+=("half-cheetah:mb-mpo:$seed:50:study-steps$steps:preset=hyperparameter-study,meta.stepsPerIteration=$steps")
        done
        # (K, real, imagined rollouts per task) as the original's study: (1, 20, 100), (5, 4, 40), (10, 2, 20), (20, 1, 10)
        for row in 1:20:100 5:4:40 10:2:20 20:1:10; do
          IFS=: read -r models real imagined <<<"$row"
          plan+=("half-cheetah:mb-mpo:$seed:50:study-models$models:preset=hyperparameter-study,dynamics.members=$models,meta.metaBatchSize=$models,sampling.realRolloutsPerTask=$real,sampling.imaginedRolloutsPerTask=$imagined")
        done
      done
      ;;
    exploration)
      for seed in 23 54 62; do for arm in on off; do
        tailored=true; [ "$arm" = on ] || tailored=false
        plan+=("half-cheetah:mb-mpo:$seed:25:explore-$arm:dynamics.rollingAveragePersistence=0.95,meta.tailoredExploration=$tailored")
      done; done
      ;;
    gymnasium)
      # 200 000 real steps for MB-MPO (5 000 an iteration), 10^6 for TRPO (50 000) and PPO (2 000)
      for seed in 22 33; do for env in HalfCheetah-v5 Hopper-v5; do plan+=("$env:mb-mpo:$seed:40"); done; done
      for env in HalfCheetah-v5 Hopper-v5 Walker2d-v5 Ant-v5 Swimmer-v5 Reacher-v5; do
        plan+=("$env:trpo:22:20" "$env:ppo:22:500")
      done
      ;;
    *) echo "unknown plan '$plan_name'; $usage" >&2; exit 1 ;;
  esac
fi
thread_args=()
[ -z "$threads" ] || thread_args=(--threads "$threads")

# Splits entry $1 into env, algo, seed, iterations, variant, settings; fails (with a message) if it is malformed.
parse_entry() {
  IFS=: read -r env algo seed iterations variant settings <<<"$1"
  if [ -z "$env" ] || [ -z "$algo" ] || ! [[ "$seed" =~ ^[0-9]+$ ]] || ! [[ "$iterations" =~ ^[1-9][0-9]*$ ]] \
     || { [ -n "$variant" ] && [ -z "$settings" ]; }; then
    echo "bad entry '$1' (expected ENV:ALGO:SEED:ITERATIONS[:VARIANT:KEY=VALUE,...], SEED and ITERATIONS numbers)" >&2
    return 1
  fi
}

# "1 iteration", "3 iterations".
iterations_text() {
  if [ "$1" -eq 1 ]; then echo "1 iteration"; else echo "$1 iterations"; fi
}

# The iterations run folder $1 has logged (0 without a progress.csv).
logged_rows() {
  local lines
  lines=$({ wc -l < "$1/progress.csv"; } 2>/dev/null) || lines=1
  echo $((lines > 0 ? lines - 1 : 0))
}

# Checks every entry before anything starts.
for entry in "${plan[@]}"; do parse_entry "$entry" || exit 1; done

# Sets dir (the entry's run folder) and start (the train command that starts it) for entry $1.
entry_command() {
  local pairs pair
  parse_entry "$1" || return 1
  local sets=()
  if [ -n "$settings" ]; then
    IFS=, read -r -a pairs <<<"$settings"
    for pair in "${pairs[@]}"; do
      case "$pair" in
        preset=*) sets+=(--preset "${pair#preset=}") ;;
        *) sets+=(--set "$pair") ;;
      esac
    done
  fi
  dir="$runs/$env${variant:+-$variant}-$algo-s$seed"
  settings_args=(--env "$env" --algo "$algo" --seed "$seed" --iterations "$iterations" "${sets[@]}" "${thread_args[@]}")
  start=("$bin" train "${settings_args[@]}" --out "$dir")
}

# Two entries with one run folder (the same task, algorithm, seed and variant; the folder's name leaves out the
# iteration count and the settings) would train it twice, at once with --jobs.
declare -A entry_of=()
for entry in "${plan[@]}"; do
  entry_command "$entry"
  if [ -n "${entry_of[$dir]:-}" ]; then
    echo "the entries '${entry_of[$dir]}' and '$entry' would share the run folder $dir" >&2; exit 1
  fi
  entry_of[$dir]=$entry
done

# A word as a POSIX shell (and Python's shlex, which results.py reads the list with) reads it: as it is when it has
# only safe characters, else in single quotes.
quoted() {
  if [[ "$1" =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
if [ "$list" -eq 1 ]; then
  for entry in "${plan[@]}"; do
    entry_command "$entry" || exit 1
    line=$(quoted "$bin")
    for word in "${start[@]:1}"; do line+=" $(quoted "$word")"; done
    echo "$line"
  done
  exit 0
fi
[ -x "$bin" ] || { echo "no mbmpo binary at $bin (run scripts/setup.sh, or set MBMPO_BIN)" >&2; exit 1; }
mkdir -p "$runs" || exit 1

# Scores a finished run's final policy on 20 fresh episodes (`mbmpo eval`: return, and for the planar robots how
# much of them it spent upside down) into its eval.json, which `results.py collect` keeps with the logs.
evaluate() {
  local rows=$(($(wc -l < "$1/progress.csv") - 1))
  # kept only if it scores this many iterations and has the posture keys (an older binary's has not)
  python3 -c "import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(0 if d.get('iteration') == int(sys.argv[2]) and 'upsideDownFraction' in d else 1)" \
    "$1/eval.json" "$rows" 2>/dev/null && return 0
  "$bin" eval --run "$1" --episodes 20 --json "$1/eval.json" >>"$1.log" 2>&1 \
    || echo "$1: eval failed (see $1.log)" >&2
}

# Scores the run's own recorded real episodes per iteration (`mbmpo eval --recorded`: return, and when a flipped gait
# began) into its recorded.json, also kept with the logs; rewritten when the run's progress.csv is newer.
score_recorded() {
  [ -f "$1/trajectories.h5" ] || return 0
  [ "$1/recorded.json" -nt "$1/progress.csv" ] && return 0
  "$bin" eval --help 2>/dev/null | grep -- --recorded >/dev/null || return 0  # a binary from before --recorded
  "$bin" eval --run "$1" --recorded --json "$1/recorded.json" >>"$1.log" 2>&1 \
    || echo "$1: eval --recorded failed (see $1.log)" >&2
}

# A finished run: scored (eval.json, recorded.json), then with --collect its logs copied into REPO's Benchmarks/results.
finish() {
  stop_requested && { echo "$1: finished; scored on the next call (a stop signal came)"; return 138; }
  evaluate "$1"
  stop_requested && { echo "$1: scoring stopped by a signal; scored on the next call"; return 138; }
  score_recorded "$1"
  stop_requested && { echo "$1: scoring stopped by a signal; scored on the next call"; return 138; }
  [ -n "$collect" ] || return 0
  [ -f "$1/eval.json" ] || { echo "$1: not collected, its final policy is not scored" >&2; return 0; }
  python3 "$collect/Benchmarks/results.py" collect "$1" --changed-only ${note:+--note "$note"} \
    || echo "$1: collect failed" >&2
}

# Seconds (with decimals) left before --until; negative once it has passed.
seconds_left() {
  awk -v deadline="$deadline" -v now="$(date +%s.%N)" 'BEGIN { printf "%.3f", deadline - now }'
}

# The seconds an iteration is expected to take, from Time-Itr (results.py estimate): `--resume DIR` reads the last
# row of DIR/progress.csv, `--runs-dir RUNS_DIR --algo ALGO --env ENV --variant VARIANT` the longest first row among
# RUNS_DIR's runs of ALGO, or where none has one, among the committed runs of that entry's other seeds
# (Benchmarks/results/ENV/ALGO/sN[-VARIANT], measured on other machines); prints nothing without such a row. A folder
# whose files cannot be read is passed over.
iteration_seconds() {
  python3 "${collect:-$root}/Benchmarks/results.py" estimate "$@" 2>/dev/null
}

# Sets rows (the iterations in the entry's folder), kept (where Benchmarks/results would hold its logs) and state for
# the entry entry_command last read: "committed" when its folder is not here but Benchmarks/results holds the run
# done (finished on another machine), "finished" when its folder holds it done, else "". Done: all its iterations
# logged, or its step budget (totalSteps) reached. results.py decides (`state`), as its status and collect do.
training_state() {
  local line
  line=$(python3 "${collect:-$root}/Benchmarks/results.py" state "$dir" "$env" "$algo" "$seed" "$iterations") \
    || { echo "$dir: results.py state failed" >&2; return 1; }
  read -r state rows kept <<<"$line"
  [ "$state" != - ] || state=
}

# Every entry still to train has its configuration checked before anything runs (`mbmpo config show`, which refuses
# what `train` would): one this machine or the binary refuses (bfloat16 products on a CPU without AVX512-BF16, a
# setting the binary does not know) is passed over with its reason, and the script ends with status 1 once the
# others are done. Committed and finished runs are not checked: they need no training here.
declare -A refused=()
for entry in "${plan[@]}"; do
  entry_command "$entry"
  training_state || exit 1
  [ -z "$state" ] || continue
  if ! reason=$("$bin" config show "${settings_args[@]}" 2>&1 >/dev/null); then
    refused[$entry]=1
    echo "$dir: passed over, its configuration is refused here: ${reason#Error: }" >&2
  fi
done
# The line that ends a plan with entries passed over, and its status; 0 when none was.
passed_over() {
  [ ${#refused[@]} -eq 0 ] && return 0
  echo "${#refused[@]} of the plan's runs passed over (their configuration is refused here; see above)" >&2
  return 1
}

# Whether a stop came: the script's stop file (made before any signal is passed on, so that a run launched just
# then, before its trap was set, still sees it) or this run's subshell's trap. What the run does before train
# (results.py, eval) may have been stopped by it too, and no train or scoring is started after it.
stop_requested() { [ -n "${stop_pending:-}" ] || [ -e "$stop_file" ]; }

# Runs train ("$@") in the background of this run's subshell, in the run's process group, and waits for it. A stop
# passed on to the group reaches train directly; one that came while train was being started (between fork and
# exec, where the subshell's trap took it) is passed on once more. Until train has installed its handler (first
# thing) SIGUSR1 ends it, exit 138, before it has written anything of this start.
train_waiting() {
  local pid
  "$@" &
  pid=$!
  stop_requested && kill -USR1 "$pid" 2>/dev/null
  # a wait the trap interrupts returns > 128 while train still runs; once train has ended, its status (bash keeps
  # it for a second wait, also where the trap interrupted the first just as train ended)
  while wait "$pid"; kill -0 "$pid" 2>/dev/null; do :; done
  wait "$pid"
}

# The results.py that reads a run's kernels: this script's own, which knows its `kernels` command, else (a copy of the
# script outside a checkout) the --collect checkout's.
kernels_py=$root/Benchmarks/results.py
[ -f "$kernels_py" ] || kernels_py=${collect:-$root}/Benchmarks/results.py

# Runs (or resumes, or skips) one entry; returns train's exit status (75 when --until stopped it or left no time,
# 138 when a stop came before train ran).
run_entry() {
  local env algo seed iterations variant settings dir start settings_args rows kept state code limit=()
  [ -z "${refused[$1]:-}" ] || return 0
  entry_command "$1" || return 1
  training_state || { stop_requested && return 138; return 1; }
  # a run whose folder is gone (another machine) but whose complete logs are committed is not run again
  if [ "$state" = committed ]; then
    echo "$dir: committed ($kept holds it finished); not run again"
    return 0
  fi
  if [ -n "$deadline" ] && awk -v left="$(seconds_left)" 'BEGIN { exit !(left <= 0) }'; then
    echo "$dir: not touched, the --until time has passed"
    return 75
  fi
  if [ "$state" = finished ]; then
    echo "$dir: $(iterations_text "$rows") done"
    finish "$dir"
    return
  fi
  if [ -n "$deadline" ]; then
    local left estimate what=started
    if [ -e "$dir/checkpoints/latest" ]; then
      what=resumed estimate=$(iteration_seconds --resume "$dir")
    else
      estimate=$(iteration_seconds --runs-dir "$runs" --algo "$algo" --env "$env" --variant "$variant")
    fi
    left=$(seconds_left)
    if ! awk -v left="$left" -v estimate="${estimate:-0}" 'BEGIN { exit !(left > estimate) }'; then
      echo "$dir: not $what: ${left%.*} s left before --until, and an iteration takes ≈ ${estimate%.*} s"
      return 75
    fi
    limit=(--time-limit "$left")
  fi
  if stop_requested; then
    echo "$dir: not started, a stop signal came first"
    return 138
  fi
  # a folder that train has started (config.json written) is resumed: from its checkpoint, or where it has none
  # (killed during its first iteration), from config.json again; `train --out` would refuse it
  # With the OpenBLAS kernels that trained its last iteration where this CPU runs them (OPENBLAS_CORETYPE, read from
  # its run-info.json), so that sittings on machines set up differently give the results of an uninterrupted run:
  # kernel families can round differently. Where it cannot, the reason goes to the log, and train's own note there
  # says more.
  if [ -e "$dir/config.json" ]; then
    local pin=() kernels with=
    if [ "$rows" -gt 0 ] \
      && kernels=$(python3 "$kernels_py" kernels "$dir" 2>>"$dir.log"); then
      pin=(env "OPENBLAS_CORETYPE=$kernels") with=" with OpenBLAS's $kernels kernels"
    fi
    echo "$dir: resuming after $(iterations_text "$rows")$with"
    train_waiting "${pin[@]}" "$bin" train --resume "$dir" --iterations "$iterations" "${thread_args[@]}" \
      "${limit[@]}" >>"$dir.log" 2>&1
  else
    echo "$dir: starting"
    train_waiting "${start[@]}" "${limit[@]}" >>"$dir.log" 2>&1
  fi
  code=$?
  if [ $code -eq 0 ] && [ -n "$deadline" ] && awk -v left="$(seconds_left)" 'BEGIN { exit !(left <= 0) }'; then
    echo "$dir: finished; scored on the next call (the --until time has passed)"
    return 75
  elif [ $code -eq 0 ]; then
    finish "$dir"
    return
  elif [ $code -eq 75 ]; then
    echo "$dir: stopped for --until after $(iterations_text "$(logged_rows "$dir")")"
  elif stopped_by_signal $code; then
    echo "$dir: stopped by a signal after $(iterations_text "$(logged_rows "$dir")")"
  else
    echo "$dir: train exited with $code (see $dir.log)" >&2
  fi
  return $code
}

# N at once (one by default): a new run starts whenever one ends, until the plan is done, a run fails, a run stops
# for --until, or a stop signal: Ctrl-C, TERM, HUP (a batch scheduler's) or USR1 (a batch script's trap passing one
# on). It is passed on to every running train as SIGUSR1, which stops train at its next safe point and never makes
# it quit at once, so a train that gets the stop directly as well (a scheduler signalling every process of a job)
# still finishes its iteration; the script then exits with 128 + the number of the signal it got. A second Ctrl-C
# or TERM ends the runs at once (SIGKILL: their current iterations are lost, as train's own second Ctrl-C loses
# its; a second HUP or USR1 does not, as a closing terminal may send HUP twice). Job control gives each run its own
# process group, so the terminal's Ctrl-C reaches the trains only through this script. Started with SIGINT ignored
# (in the background of a non-interactive shell), the script cannot catch Ctrl-C: stop it with TERM. With
# `stty tostop` set, a run writing to the terminal from its background group would be stopped: unset it.
stopping=0 failed=0 stop_code=130 interrupted=0
declare -A running=()
set -m
stopped_by_signal() { [ "$1" -eq 130 ] || [ "$1" -eq 143 ] || [ "$1" -eq 129 ] || [ "$1" -eq 138 ]; }
stops=0 stop_file=$(mktemp "${TMPDIR:-/tmp}/paper_runs-stop.XXXXXX") && rm -f "$stop_file"
trap 'rm -f "$stop_file"' EXIT
# $1: the script's exit status for the signal; $2: 1 for Ctrl-C and TERM, whose second one ends the runs at once
stop_all() {
  stopping=1
  [ "$2" -eq 0 ] || stops=$((stops + 1))
  [ "$interrupted" -ne 0 ] || interrupted=$1
  : > "$stop_file"
  local pid signal=USR1
  if [ $stops -ge 2 ]; then
    signal=KILL
    echo "stopped again: ending the runs at once; their current iterations are lost" >&2
  fi
  for pid in "${!running[@]}"; do kill -"$signal" -- "-$pid" 2>/dev/null; done
}
trap 'stop_all 130 1' INT
trap 'stop_all 143 1' TERM
trap 'stop_all 129 0' HUP
trap 'stop_all 138 0' USR1
if grep -q '^SigIgn:' /proc/$$/status 2>/dev/null \
  && (( (16#$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status) >> 1) & 1 )); then
  echo "note: SIGINT is ignored here (started in the background of a non-interactive shell); stop the runs with TERM"
fi
reap_one() {
  local pid= code
  wait -n -p pid "${!running[@]}"; code=$?
  [ -n "${pid:-}" ] || return 0  # interrupted by the trap: the run is still going
  unset "running[$pid]"
  if stopped_by_signal $code || [ $code -eq 137 ]; then stopping=1 stop_code=$code
  elif [ $code -eq 75 ]; then stopping=1 stop_code=75
  elif [ $code -ne 0 ]; then failed=$code; stopping=1
  fi
}
for entry in "${plan[@]}"; do
  while [ ${#running[@]} -ge "$jobs" ]; do reap_one; done
  [ $stopping -eq 0 ] || break
  # the signal passed on to the run's group reaches this subshell too: it notes it (starting no train after it)
  # and waits for its train to stop; a stop that came while the subshell was being launched, before its trap was
  # set, left the stop file
  { trap 'stop_pending=1' INT TERM HUP USR1; run_entry "$entry"; } &
  running[$!]=1
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
if [ $failed -ne 0 ]; then exit $failed; fi
[ $interrupted -eq 0 ] || stop_code=$interrupted  # the signal's status, also where a run stopped for --until meanwhile
if [ $stopping -ne 0 ]; then
  [ $stop_code -ne 75 ] || echo "--until: stopped; rerun to continue" >&2
  [ $stop_code -eq 75 ] || echo "stopped; rerun to continue" >&2
  exit $stop_code
fi
passed_over || exit 1
echo "all runs done"
