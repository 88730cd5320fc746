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
expect_error "The value 'cheetah' is invalid for '--env <env>': choose one of: half-cheetah, ant" "$bin" rollout --env cheetah
expect_error "invalid for '--algo <algo>': choose one of: mb-mpo, me-trpo" "$bin" train --algo sac
# --env and --algo are typed: their values reach shell completion
completion_bash=$("$bin" --generate-completion-script bash) completion_zsh=$("$bin" --generate-completion-script zsh)
if grep -q "'half-cheetah'.*'pr2'" <<<"$completion_bash" && grep -q "me-trpo" <<<"$completion_zsh"; then
  echo "ok: shell completion lists the environments and algorithms"
else
  echo "FAIL: shell completion lacks the environment or algorithm names"; failures=$((failures + 1))
fi
expect_error "of Gymnasium's MuJoCo tasks only v5 is available: 'Hopper-v5'" "$bin" train --env Hopper-v4
completion=$("$bin" --generate-completion-script bash | sed "s/'\\$'\\\\n''/ /g")
if grep -q "'half-cheetah ant walker2d hopper swimmer pr2 HalfCheetah-v5 Hopper-v5 Walker2d-v5 Ant-v5 Swimmer-v5 Reacher-v5'" <<<"$completion" \
  && grep -q "'mb-mpo me-trpo mb-mpc trpo ppo'" <<<"$completion"; then
  echo "ok: shell completion offers the environment and algorithm names"
else
  echo "FAIL: the completion script lacks the environment or algorithm names"; failures=$((failures + 1))
fi
threads=$("$bin" config show | sed -n 's/^  "threads" : \([0-9]*\),$/\1/p')
[ "$threads" = "$(nproc)" ] && echo "ok: --threads defaults to the processor count ($threads)" \
  || { echo "FAIL: default threads $threads, processors $(nproc)"; failures=$((failures + 1)); }
expect_error "model folder not found" "$bin" rollout --env hopper --assets /nonexistent
tmp=$(mktemp -d)
cp -r "$(dirname "$0")/../Assets/xml/." "$tmp/"
echo "<mujoco><worldbody><body></worldbody>" > "$tmp/hopper.xml"
expect_error "cannot load model" "$bin" rollout --env hopper --assets "$tmp"
rm -rf "$tmp"
expect_error "episodes" "$bin" rollout --env hopper --episodes 0
# the meta-step benchmark times both product precisions side by side; bad values are one-line errors
meta=$("$bin" bench meta --tasks 2 --samples 300 --repeats 1 --threads 1 2>&1)
if grep -q "^1 | float64 |" <<<"$meta" && grep -q "^1 | float32 | .*time ×" <<<"$meta"; then
  echo "ok: bench meta compares float64 and float32 products"
else
  echo "FAIL: bench meta output: $meta"; failures=$((failures + 1))
fi
expect_error "float16" "$bin" bench meta --precision float16
expect_error "curvaturePrecision" "$bin" config show --set meta.trpo.curvaturePrecision=float16
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
else
  echo "note: ffmpeg is not on PATH; the MP4 rendering check is skipped"
fi
# Ctrl-C during a video stops at the next frame: the encoder's partial file goes, an existing video stays as it was
# (a stand-in encoder that copies the raw frames into its output, so that this runs without ffmpeg)
mkdir -p "$frames/encoder" && printf '#!/usr/bin/env bash\ncat > "${@: -1}"\n' > "$frames/encoder/ffmpeg"
chmod +x "$frames/encoder/ffmpeg" && printf 'an earlier video' > "$frames/kept.mp4" && cp "$frames/kept.mp4" "$frames/old.mp4"
PATH="$frames/encoder:$PATH" "$bin" render --env hopper --episodes 50 --width 64 --height 64 --out "$frames/kept.mp4" \
  >/dev/null 2>"$frames/stop.err" &
pid=$!
for _ in $(seq 200); do [ -s "$frames/.kept.mp4.part" ] && break; sleep 0.05; done
kill -INT "$pid"; wait "$pid"; code=$?
if [ $code -eq 130 ] && [ ! -e "$frames/.kept.mp4.part" ] && cmp -s "$frames/kept.mp4" "$frames/old.mp4" \
  && grep -q "^interrupted after [0-9]* frames: no video written, $frames/kept.mp4 left as it was$" "$frames/stop.err"; then
  echo "ok: Ctrl-C during an MP4 render leaves no partial file and the earlier video as it was (exit 130)"
else
  echo "FAIL: Ctrl-C during an MP4 render: exit $code, $(cat "$frames/stop.err"); $(ls -a "$frames")"
  failures=$((failures + 1))
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
else
  echo "note: xvfb-run is not on PATH; the viewer window check is skipped"
fi
# storage: trajectories, checkpoints, resume, export and their errors (scripts/storage-checks.sh)
"$(dirname "$0")/storage-checks.sh" "$bin" || failures=$((failures + 1))
# configuration: the resolved JSON, the reference, and one-line rejections naming the key
expect_ok "$bin" config show --env hopper --algo me-trpo --preset quick --set meta.trpo.maxKL=0.02
# the experiment presets and the deliberate model errors
expect_ok "$bin" config show --algo me-trpo --preset bad-models --set dynamics.imperfection.biasHigh=0.5 \
  --set dynamics.imperfection.noiseStd=0.1
expect_ok "$bin" config show --preset hyperparameter-study --set meta.innerStepSize=0 --set meta.tailoredExploration=false
expect_error "the bad-models preset is for mb-mpo and me-trpo only, not trpo" "$bin" train --algo trpo --preset bad-models
expect_error "the hyperparameter-study preset is for mb-mpo only, not mb-mpc" "$bin" config show --algo mb-mpc \
  --preset hyperparameter-study
expect_error "'dynamics.imperfection.biasHigh' must be at least dynamics.imperfection.biasLow (0.2), got 0.1" \
  "$bin" config show --set dynamics.imperfection.biasLow=0.2 --set dynamics.imperfection.biasHigh=0.1
expect_error "'dynamics.imperfection.noiseStd' applies to the model-based algorithms only (mb-mpo, me-trpo, mb-mpc), not to ppo, got 0.1" "$bin" config show \
  --algo ppo --set dynamics.imperfection.noiseStd=0.1
shown=$("$bin" config show --env hopper --set meta.trpo.maxKL=0.02)
if grep -q '"maxKL" : 0.02' <<<"$shown"; then
  echo "ok: config show applies --set"
else
  echo "FAIL: config show did not apply --set"; failures=$((failures + 1))
fi
reference=$("$bin" config reference)
if grep -q '^| `meta.trpo.maxKL` | number | `0.01` |' <<<"$reference"; then
  echo "ok: config reference lists meta.trpo.maxKL"
else
  echo "FAIL: config reference lacks meta.trpo.maxKL"; failures=$((failures + 1))
fi
work=$(mktemp -d)
expect_error "unknown plan 'nope'" env MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --plan nope "$work/plans"
expect_error "--until: cannot read 'soonish' as a time" env MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh \
  --until soonish "$work/plans"
# --until: each run gets the time left as its --time-limit; the first stops before its last iteration (after one
# or two, by the machine's speed), and the next is not started, as its algorithm's first iteration would not fit
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --until "now + 2 seconds" "$work/until" \
  "half-cheetah:mb-mpo:0:3:tiny:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5" \
  "hopper:mb-mpo:0:2:tiny:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5" 2>&1); code=$?
rows=$(($(wc -l < "$work/until/half-cheetah-tiny-mb-mpo-s0/progress.csv") - 1))
done_text="$rows iterations"; [ "$rows" -ne 1 ] || done_text="1 iteration"
if [ $code -eq 75 ] && [ "$rows" -ge 1 ] && [ "$rows" -lt 3 ] && [ ! -e "$work/until/hopper-tiny-mb-mpo-s0" ] \
  && grep -q "stopped for --until after $done_text\$" <<<"$out"; then
  echo "ok: paper_runs.sh --until stopped the first run after $rows of 3 iterations and started no other (exit 75)"
else
  echo "FAIL: paper_runs.sh --until: exit $code: $out"; failures=$((failures + 1))
fi
# a run resumes with the OpenBLAS kernels of its last iteration (its run-info.json's), so that sittings on machines
# set up differently chain to an uninterrupted run's results; collect records them from the same file. The stopped
# run is made to say Prescott's (which any x86-64 CPU runs) trained it
pinned=Prescott; grep -q "OpenBLAS Prescott kernels" "$work/until/half-cheetah-tiny-mb-mpo-s0.log" && pinned=Core2
python3 - "$work/until/half-cheetah-tiny-mb-mpo-s0/run-info.json" "$pinned" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
for entry in info["entries"]:  # its OpenBLAS build string names the family too
    entry["openblas"] = entry["openblas"].replace(entry["openblasKernels"], sys.argv[2])
    entry["openblasKernels"] = sys.argv[2]
json.dump(info, open(sys.argv[1], "w"))
EOF
mkdir -p "$work/pin/Benchmarks" && cp Benchmarks/results.py "$work/pin/Benchmarks/"
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --collect "$work/pin" "$work/until" \
  "half-cheetah:mb-mpo:0:3:tiny:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5" 2>&1); code=$?
log=$(cat "$work/until/half-cheetah-tiny-mb-mpo-s0.log")
if [ $code -eq 0 ] && grep -q "resuming after $done_text with OpenBLAS's $pinned kernels" <<<"$out" \
  && grep -q "3 iterations, .*OpenBLAS $pinned kernels" <<<"$log" && ! grep -q "^note: this run's last" <<<"$log" \
  && python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1]))['openblas_kernels'] != sys.argv[2])" \
    "$work/pin/Benchmarks/results/half-cheetah/mb-mpo/s0-tiny/run-info.json" "$pinned"; then
  echo "ok: paper_runs.sh resumed the run with the $pinned kernels of its last iteration, and collect recorded them"
else
  echo "FAIL: paper_runs.sh, resuming with the run's kernels: exit $code: $out / $log"; failures=$((failures + 1))
fi
expect_error "--collect: '$work/nowhere' is not an mbmpo checkout" env MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh \
  --collect "$work/nowhere" "$work/plans"
expect_error "--note goes with --collect" env MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --note x "$work/plans"
# --collect: a finished run's logs go into the named checkout's Benchmarks/results as soon as it is scored, with the
# build that ran it read from the run's run-info.json; a second call finds them there and rewrites nothing
mkdir -p "$work/repo/Benchmarks" && cp Benchmarks/results.py "$work/repo/Benchmarks/"
tiny_entry="half-cheetah:mb-mpo:0:2:tiny:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5"
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --collect "$work/repo" --note "a check" "$work/collect" \
  "$tiny_entry" 2>&1); code=$?
kept="$work/repo/Benchmarks/results/half-cheetah/mb-mpo/s0-tiny"
commit=$("$bin" --version | sed -n 's/.*(commit \([^,]*\),.*/\1/p'); commit=${commit:0:7}
again=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --collect "$work/repo" "$work/collect" "$tiny_entry" 2>&1)
if [ $code -eq 0 ] && cmp -s "$work/collect/half-cheetah-tiny-mb-mpo-s0/progress.csv" "$kept/progress.csv" \
  && [ -f "$kept/eval.json" ] && python3 -c "import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(0 if d['binary'] == sys.argv[2] + ' (iterations 0–1)' and d['note'] == 'a check' else 1)" \
    "$kept/run-info.json" "$commit" && grep -q "already holds its logs" <<<"$again"; then
  echo "ok: paper_runs.sh --collect copied the finished run's logs ($commit, iterations 0–1) and left them alone after"
else
  echo "FAIL: paper_runs.sh --collect: exit $code: $out / $again"; failures=$((failures + 1))
fi
# a run whose folder is not there but whose logs are committed (finished on another machine) is not run again
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --collect "$work/repo" "$work/elsewhere" "$tiny_entry" 2>&1)
if grep -q "committed (.*/s0-tiny holds it finished); not run again" <<<"$out" \
  && [ ! -e "$work/elsewhere/half-cheetah-tiny-mb-mpo-s0" ]; then
  echo "ok: paper_runs.sh does not run again a run whose logs Benchmarks/results holds"
else
  echo "FAIL: paper_runs.sh on a committed run: $out"; failures=$((failures + 1))
fi
# nor one that its step budget ended before its planned iterations (PPO's, where its batches overrun); one step short
# of its budget, it is not committed
kept_as() { echo "${kept%-tiny}-$1"; }  # the committed folder of the tiny run's copy under another variant name
cp -r "$kept" "$(kept_as budget)" && cp -r "$kept" "$(kept_as short)"
python3 - "${kept%-tiny}" <<'EOF'
import csv, json, sys
with open(sys.argv[1] + "-tiny/progress.csv", newline="") as f:
    steps = float(list(csv.DictReader(f))[-1]["n_timesteps"])
for variant, budget in (("budget", steps), ("short", steps + 1)):  # reached at its last row; one step short
    with open(f"{sys.argv[1]}-{variant}/config.json") as f:
        config = json.load(f)
    config.update(iterations=5, totalSteps=budget)
    with open(f"{sys.argv[1]}-{variant}/config.json", "w") as f:
        json.dump(config, f)
EOF
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh --collect "$work/repo" "$work/elsewhere" \
  "half-cheetah:mb-mpo:0:5:budget:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5" 2>&1); code=$?
short=$(python3 "$work/repo/Benchmarks/results.py" state "$work/elsewhere/half-cheetah-short-mb-mpo-s0" \
  half-cheetah mb-mpo 0 5)
if [ $code -eq 0 ] && grep -q "s0-budget holds it finished); not run again" <<<"$out" \
  && [ ! -e "$work/elsewhere/half-cheetah-budget-mb-mpo-s0" ] && [ "$short" = "- 0 $(kept_as short)" ]; then
  echo "ok: paper_runs.sh does not run again a committed run that its step budget ended (one step short of it, it is not committed)"
else
  echo "FAIL: paper_runs.sh on a budget-ended run: exit $code: $out / $short"; failures=$((failures + 1))
fi
rm -r "$(kept_as budget)" "$(kept_as short)"
expect_error "would share the run folder $work/plans/hopper-mb-mpo-s22" env MBMPO_BIN="$bin" \
  bash Benchmarks/paper_runs.sh "$work/plans" hopper:mb-mpo:22:25 hopper:mb-mpo:22:13
# a run that finishes after --until is scored on the next call, and the script says so with 75 (rerun), not 0; a
# stand-in binary whose train writes its one iteration and ends 2 s after the deadline
cat > "$work/late-mbmpo" <<'EOF'
#!/usr/bin/env bash
[ "$1" = train ] || exit 0
while [ $# -gt 1 ] && [ "$1" != --out ]; do shift; done
mkdir -p "$2" && echo '{"environment": "hopper", "algorithm": "trpo", "seed": 0, "iterations": 1}' > "$2/config.json"
printf 'n_timesteps,AverageReturn,Time-Itr\n50000,1.0,3.0\n' > "$2/progress.csv"
sleep 3
EOF
chmod +x "$work/late-mbmpo"
out=$(MBMPO_BIN="$work/late-mbmpo" bash Benchmarks/paper_runs.sh --until "now + 1 second" "$work/late" \
  hopper:trpo:0:1:late:preset=quick 2>&1); code=$?
if [ $code -eq 75 ] && grep -q "hopper-late-trpo-s0: finished; scored on the next call" <<<"$out" \
  && [ ! -e "$work/late/hopper-late-trpo-s0/eval.json" ]; then
  echo "ok: paper_runs.sh exits with 75 when a run finishes after --until, unscored"
else
  echo "FAIL: paper_runs.sh, a run finished after --until: exit $code: $out"; failures=$((failures + 1))
fi
# A stop reaches the running train once, as SIGUSR1 through the script, whether it is the terminal's Ctrl-C (INT to
# the script's process group), a TERM to the script alone or a TERM to its group; the script exits with 128 + its
# signal and starts no other run; a second Ctrl-C ends the run at once. A stand-in train records the signals it gets
# and lingers a second after the first, as a real one finishes its iteration; Python starts the script with SIGINT
# caught, as a terminal does.
cat > "$work/waiting-mbmpo" <<'EOF'
#!/usr/bin/env bash
[ "$1" = train ] || exit 0
while [ $# -gt 1 ] && [ "$1" != --out ]; do shift; done
mkdir -p "$2" && echo '{"environment": "hopper", "algorithm": "trpo", "seed": 0, "iterations": 2}' > "$2/config.json"
printf 'n_timesteps,AverageReturn,Time-Itr\n50000,1.0,3.0\n' > "$2/progress.csv"
got=
for name in INT TERM HUP USR1; do trap "echo $name >> '$2.signals'; got=\${got:-$name}" "$name"; done
touch "$2.ready"
for _ in $(seq 300); do sleep 0.1; [ -z "$got" ] || break; done
[ -n "$got" ] && sleep 1 && exit 138
EOF
chmod +x "$work/waiting-mbmpo"
for case in "INT group 130 1" "TERM script 143 1" "TERM group 143 1" "INT group 130 2"; do
  read -r name target expected times <<<"$case"
  folder="$work/signal-$name-$target-$times"
  code=$(MBMPO_BIN="$work/waiting-mbmpo" python3 - "$folder" "$name" "$target" "$times" <<'EOF'
import os, signal, subprocess, sys, time
folder, name, target, times = sys.argv[1:5]
script = subprocess.Popen(
    ["bash", "Benchmarks/paper_runs.sh", folder, "hopper:trpo:0:2:wait:preset=quick", "hopper:trpo:0:2:next:preset=quick"],
    stdout=open(folder + ".out", "w"), stderr=subprocess.STDOUT, start_new_session=True,
    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
for _ in range(300):
    if os.path.exists(os.path.join(folder, "hopper-wait-trpo-s0.ready")):
        break
    time.sleep(0.1)
number = getattr(signal, "SIG" + name)
for _ in range(int(times)):
    os.killpg(script.pid, number) if target == "group" else os.kill(script.pid, number)
    time.sleep(0.3)
print(script.wait(timeout=60))
EOF
)
  got=$(tr '\n' ' ' < "$folder/hopper-wait-trpo-s0.signals" 2>/dev/null)
  # once: train stops at its safe point and says so; twice: it is ended at once (SIGKILL), as a second Ctrl-C does
  said="hopper-wait-trpo-s0: stopped by a signal after 1 iteration$"
  [ "$times" -eq 1 ] || said="^stopped again: ending the runs at once; their current iterations are lost$"
  if [ "$code" = "$expected" ] && [ "$got" = "USR1 " ] && [ ! -e "$folder/hopper-next-trpo-s0" ] \
    && grep -q "$said" "$folder.out"; then
    how="once (as USR1)"; [ "$times" -eq 1 ] || how="as USR1, then the second as SIGKILL"
    echo "ok: paper_runs.sh passes $name to its $target on to train $how and exits with $expected"
  else
    echo "FAIL: paper_runs.sh, $name to its $target: exit $code, train got '$got': $(cat "$folder.out")"
    failures=$((failures + 1))
  fi
done
# an entry still to train whose configuration is refused here (a key this binary does not know; bfloat16 products on
# a CPU without AVX512-BF16) is passed over before anything runs, the others run, and the script ends with status 1;
# a finished run is not checked (its folder here holds a finished run under the refused entry's name)
mkdir -p "$work/refused" && cp -r "$work/collect/half-cheetah-tiny-mb-mpo-s0" "$work/refused/half-cheetah-done-mb-mpo-s0"
out=$(MBMPO_BIN="$bin" bash Benchmarks/paper_runs.sh "$work/refused" "half-cheetah:mb-mpo:0:2:typo:dynamics.noSuchKey=1" \
  "half-cheetah:mb-mpo:0:2:done:dynamics.noSuchKey=1" \
  "half-cheetah:mb-mpo:0:1:new:preset=quick,meta.stepsPerIteration=1,dynamics.maxEpochs=5" 2>&1); code=$?
if [ $code -eq 1 ] && [ ! -e "$work/refused/half-cheetah-typo-mb-mpo-s0" ] \
  && grep -q "typo-mb-mpo-s0: passed over, its configuration is refused here: --set dynamics.noSuchKey: unknown key" \
    <<<"$out" \
  && grep -q "done-mb-mpo-s0: 2 iterations done" <<<"$out" && ! grep -q "done-mb-mpo-s0: passed over" <<<"$out" \
  && [ -f "$work/refused/half-cheetah-new-mb-mpo-s0/eval.json" ] \
  && grep -q "^1 of the plan's runs passed over" <<<"$out"; then
  echo "ok: paper_runs.sh passes over a run to train whose configuration is refused, runs the rest and exits 1"
else
  echo "FAIL: paper_runs.sh with a refused entry: exit $code: $out"; failures=$((failures + 1))
fi
# status names the finished runs that Benchmarks/results does not hold, with the command that collects them
held=$(python3 "$work/repo/Benchmarks/results.py" status "$work/collect")
rm -r "$kept"
missing=$(python3 "$work/repo/Benchmarks/results.py" status "$work/collect")
if ! grep -q "not (or not all) in Benchmarks/results" <<<"$held" \
  && grep -q "in Benchmarks/results: 1; .* collect $work/collect/half-cheetah-tiny-mb-mpo-s0$" <<<"$missing"; then
  echo "ok: results.py status names the finished run that Benchmarks/results does not hold, and only then"
else
  echo "FAIL: results.py status: $held / $missing"; failures=$((failures + 1))
fi
echo '{"dynamics": {"rolling_average_persitency": 0.9}}' > "$work/typo.json"
expect_error "unknown key 'dynamics.rolling_average_persitency'" "$bin" config show --config "$work/typo.json"
expect_error "unknown key 'meta.trpo.maxkl'" "$bin" train --env hopper --set meta.trpo.maxkl=0.02 --out "$work/no"
expect_error "'dynamics.hiddenSizes' must be a list of integers, got 512" "$bin" config show --set dynamics.hiddenSizes=512
expect_error "'meta.trpo.maxKL' must lie in (0, 100], got -1" "$bin" config show --set meta.trpo.maxKL=-1
expect_error "'iterations' must lie in 1…1000000, got 0" "$bin" train --env hopper --iterations 0 --out "$work/no"
expect_error "cannot read configuration file" "$bin" config show --config "$work/missing.json"
"$bin" config show --env ant --preset quick > "$work/my.json"
expect_ok "$bin" config show --env ant --config "$work/my.json" --set dynamics.learningRate=3e-4 --iterations 3
expect_ok "$bin" config reference
expect_error "invalid for '--algo <algo>': choose one of" "$bin" config show --algo sac
# hopper trains at the original repository's final 0.02 s by default; --preset submission keeps the model file's
if "$bin" config show --env hopper | grep -q '"physicsTimestep" : 0.004' \
  && "$bin" config show --env hopper --preset submission | grep -q '"physicsTimestep" : null'; then
  echo "ok: hopper's default timing is 0.004 s × 5, the submission preset's the model file's"
else
  echo "FAIL: hopper's default or submission timing is wrong"; failures=$((failures + 1))
fi
[ ! -e "$work/no" ] || { echo "FAIL: a rejected configuration created its run folder"; failures=$((failures + 1)); }
# a tiny training run: config.json, progress.csv and a TensorBoard event file; then plots
tiny=(--env half-cheetah --preset quick --set meta.stepsPerIteration=1 --set dynamics.maxEpochs=5)
expect_ok "$bin" train "${tiny[@]}" --iterations 2 --out "$work/hc"
rows=$(($(wc -l < "$work/hc/progress.csv") - 1))
if [ "$rows" -eq 2 ] && head -n 1 "$work/hc/progress.csv" | grep -q "EnvTrajs-AverageReturn"; then
  echo "ok: progress.csv has 2 rows and the exploration columns"
else
  echo "FAIL: progress.csv has $rows rows or lacks EnvTrajs-AverageReturn"; failures=$((failures + 1))
fi
if "$bin" config show --config "$work/hc/config.json" | cmp -s - "$work/hc/config.json"; then
  echo "ok: config.json resolves to itself"
else
  echo "FAIL: config show --config config.json differs from config.json"; failures=$((failures + 1))
fi
if python3 -c "import tensorboard" 2>/dev/null; then
  if python3 "$(dirname "$0")/read_tfevents.py" "$work"/hc/events.out.tfevents.* | grep -q '"rollout/PrePolicy-AverageReturn", 9000'; then
    echo "ok: TensorBoard reads the event file"
  else
    echo "FAIL: TensorBoard could not read the event file"; failures=$((failures + 1))
  fi
else
  echo "note: tensorboard is not installed (PyPI unreachable?); the TensorBoard reader check is skipped"
fi
# --report ends with the learning curve and a picture strip of the final policy
cp -r "$work/hc" "$work/report"
expect_ok "$bin" train --resume "$work/report" --report
if grep -q "learning curve: $work/report/learning-curve" <<<"$out" && grep -q "final policy: $work/report/final-policy.png" <<<"$out" \
  && [ "$(head -c 4 "$work/report/final-policy.png" | tail -c 3)" = "PNG" ]; then
  echo "ok: --report wrote the learning curve and the final policy's picture strip"
else
  echo "FAIL: --report: $out"; failures=$((failures + 1))
fi
# the strip's episode is eval's first mean-action episode: the same return and share of upside-down states, to the
# strip's one decimal
strip=$(grep 'final policy:' <<<"$out")
expect_ok "$bin" eval --run "$work/report" --deterministic --episodes 1 --json "$work/report-eval.json"
if python3 - "$work/report-eval.json" "$strip" <<'PY'
import json, re, sys
e = json.load(open(sys.argv[1]))
m = re.search(r"return (-?[0-9.]+); torso upside down in ([0-9.]+) % of its states(: the flipped gait)?\)$", sys.argv[2])
ok = m and abs(float(m.group(1)) - e["returnMean"]) <= 0.05 + 1e-9 \
    and abs(float(m.group(2)) - 100 * e["upsideDownFraction"]) <= 0.05 + 1e-9 \
    and bool(m.group(3)) == (e["upsideDownEpisodes"] == 1)
sys.exit(0 if ok else 1)
PY
then
  echo "ok: the picture strip's return and upside-down share are eval's first mean-action episode's"
else
  echo "FAIL: picture strip against eval --deterministic --episodes 1: $strip / $(cat "$work/report-eval.json")"
  failures=$((failures + 1))
fi
# the original repository's final hopper timing (0.004 s × 5): header, config.json and export use it
expect_error "'physicsTimestep' must lie in \\[0.00001, 0.1\\]" "$bin" config show --set physicsTimestep=0
expect_error "'frameSkip' must lie in 1…1000" "$bin" config show --set frameSkip=0
expect_ok "$bin" train --env hopper --preset quick --set meta.stepsPerIteration=1 --set dynamics.maxEpochs=5 \
  --set physicsTimestep=0.004 --set frameSkip=5 --iterations 1 --out "$work/hop"
if grep -q "hopper (timestep 0.004 s, frame skip 5)" <<<"$out" && grep -q '"frameSkip" : 5' "$work/hop/config.json"; then
  echo "ok: the timing override reaches the header and config.json"
else
  echo "FAIL: the timing override is missing from the header or config.json"; failures=$((failures + 1))
fi
expect_ok "$bin" export --run "$work/hop" --episodes 2 --out "$work/hop.hdf5"
expect_error "cannot create its folder" "$bin" export --run "$work/hop" --episodes 1 --out "$work/hop.hdf5/data/main_data.hdf5"
# a Gymnasium task with its own settings: 1000-step episodes, 5 tasks, imagined paths of 200 steps from real states
expect_ok "$bin" train --env Hopper-v5 --set meta.stepsPerIteration=1 --set dynamics.maxEpochs=3 \
  --set sampling.imaginedRolloutsPerTask=4 --set 'dynamics.hiddenSizes=[32,32]' --iterations 2 --out "$work/hop5"
if grep -q "Hopper-v5, seed 0, 2 iterations (budget 200000 real steps)" <<<"$out" \
  && python3 -c "import json,sys; c=json.load(open(sys.argv[1])); s=c['sampling']; \
assert (s['horizon'], s['imaginedHorizon'], s['imaginedStart'], c['meta']['metaBatchSize']) == (1000, 200, 'real', 5)" \
    "$work/hop5/config.json" && [ "$(wc -l < "$work/hop5/progress.csv")" -eq 3 ]; then
  echo "ok: Hopper-v5 trains with its settings"
else
  echo "FAIL: Hopper-v5's run lacks its settings or its two progress rows"; failures=$((failures + 1))
fi
expect_ok "$bin" rollout --env Reacher-v5 --episodes 2 --record "$work/reacher-rec"
expect_error "already holds a trajectories.h5" "$bin" rollout --env Reacher-v5 --episodes 2 --record "$work/reacher-rec"
expect_error "did you mean 'Hopper-v5'" "$bin" rollout --env hopper-v5
# Minari itself loads an exported dataset (scripts/test.sh installs it from PyPI)
if python3 -c "import minari" 2>/dev/null; then
  expect_ok "$bin" export --run "$work/hop" --episodes 4 --out "$work/minari/main_data.hdf5"  # makes the folder
  expect_ok python3 "$(dirname "$0")/minari_check.py" "$work/minari" 4
  if python3 -c "import gymnasium.envs.mujoco, mujoco" 2>/dev/null; then
    expect_ok "$bin" export --run "$work/hop5" --episodes 2 --out "$work/minari5/main_data.hdf5"
    expect_ok python3 "$(dirname "$0")/minari_check.py" "$work/minari5" 2
    grep -q "recovered Gymnasium's Hopper-v5" <<<"$out" \
      || { echo "FAIL: the Hopper-v5 dataset did not recover Gymnasium's environment"; failures=$((failures + 1)); }
  fi
else
  echo "note: minari is not installed (PyPI unreachable?); the Minari loading check is skipped"
fi
expect_error "already holds a run" "$bin" train "${tiny[@]}" --iterations 1 --out "$work/hc"
# damaged run folders: one-line errors naming the file, never a hang; a folder without a checkpoint restarts
cp -r "$work/hc" "$work/fifo" && rm "$work/fifo/checkpoints/iter-0002.h5" && mkfifo "$work/fifo/checkpoints/iter-0002.h5"
expect_error "iter-0002.h5: is a FIFO, not a regular file" timeout 20 "$bin" train --resume "$work/fifo" --iterations 3
expect_error "iter-0002.h5: is a FIFO, not a regular file" timeout 20 "$bin" export --run "$work/fifo" --episodes 1 \
  --out "$work/fifo.hdf5"
cp -r "$work/hc" "$work/garbage" && printf '\377\376garbage' > "$work/garbage/checkpoints/latest"
expect_error "latest: is not UTF-8 text" "$bin" train --resume "$work/garbage" --iterations 3
cp -r "$work/hc" "$work/dup" && sed -i 's/^  "seed" : \(.*\),$/  "seed" : \1, "seed" : \1,/' "$work/dup/config.json"
expect_error "config.json: not valid JSON: line .*duplicate key \"seed\"" "$bin" train --resume "$work/dup"
cp -r "$work/hc" "$work/other" && sed -i 's/"horizon" : 200/"horizon" : 100/' "$work/other/config.json"
expect_error "checkpoint of another configuration" "$bin" export --run "$work/other" --episodes 1 --out "$work/o.hdf5"
# a folder whose checkpoints are gone but whose progress.csv holds more than the first iteration is not started again
# (which would overwrite its logs and recorded episodes); its files stay as they were
cp -r "$work/hc" "$work/lost" && rm -r "$work/lost/checkpoints"
before=$(cd "$work/lost" && find . -type f -exec md5sum {} + | sort)
expect_error "progress.csv holds 2 iterations but there is no checkpoint" "$bin" train --resume "$work/lost" \
  --iterations 3
if [ "$(cd "$work/lost" && find . -type f -exec md5sum {} + | sort)" = "$before" ]; then
  echo "ok: the refused resume left the folder's files as they were"
else
  echo "FAIL: a refused resume without checkpoints changed the folder"; failures=$((failures + 1))
fi
# a run stopped in its first iteration, after logging it but before its first checkpoint, restarts from iteration 0
cp -r "$work/hc" "$work/nockpt" && rm -r "$work/nockpt/checkpoints"
head -n 2 "$work/hc/progress.csv" > "$work/nockpt/progress.csv"
touch "$work/nockpt/.progress.csv.tmp" "$work/nockpt/.dat.nosync12ab" "$work/nockpt/trajectories/.iter-0001.h5.tmp"
expect_ok "$bin" train --resume "$work/nockpt" --iterations 1
if grep -q "has no checkpoint yet.*starting again from iteration 0" <<<"$out" \
  && [ "$(($(wc -l < "$work/nockpt/progress.csv") - 1))" -eq 1 ] && [ -s "$work/nockpt/checkpoints/latest" ] \
  && [ -z "$(find "$work/nockpt" -name '*.tmp' -o -name '.dat.nosync*')" ]; then
  echo "ok: a folder without a checkpoint restarts from iteration 0 (killed writers' temporary files removed)"
else
  echo "FAIL: resume without a checkpoint: $out"; failures=$((failures + 1))
fi
# a new run that a full disk stops in its first iteration is not stuck: with space again, --resume restarts it from
# iteration 0 and it ends as the uninterrupted run did (a 2 MB tmpfs, where this user may mount one)
strip_time() { python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); k=[i for i,c in enumerate(r[0]) if not c.startswith("Time-")]; print([[x[i] for i in k] for x in r])' "$1"; }
mkdir -p "$work/full"
if mount -t tmpfs -o size=2m tmpfs "$work/full" 2>/dev/null; then
  expect_error "trajectories/iter-0000.h5: cannot write: No space left on device" "$bin" train "${tiny[@]}" \
    --iterations 2 --out "$work/full/run"
  mount -o remount,size=64m "$work/full"
  expect_ok "$bin" train --resume "$work/full/run"
  if grep -q "has no checkpoint yet.*starting again from iteration 0" <<<"$out" \
    && [ "$(strip_time "$work/full/run/progress.csv")" = "$(strip_time "$work/hc/progress.csv")" ]; then
    echo "ok: a run stopped by a full disk in iteration 1 resumed from iteration 0 to the uninterrupted run's results"
  else
    echo "FAIL: resume after a full disk in iteration 1: $out"; failures=$((failures + 1))
  fi
  umount "$work/full"
else
  echo "note: cannot mount a small file system here; the full-disk-in-iteration-1 check is skipped"
fi
models=$(mktemp -d) && cp -r "$(dirname "$0")/../Assets/xml/." "$models/"
sed -i 's/gear="200"/gear="1e9"/g' "$models/hopper.xml"
expect_error "real sampling: the simulation diverged in every episode" "$bin" train --env hopper --preset quick \
  --set sampling.initialRandomSteps=100 --iterations 1 --assets "$models" --out "$models/run"
[ ! -e "$models/run" ] && echo "ok: the failed new run left no folder behind" \
  || { echo "FAIL: the failed run left $(ls -A "$models/run")"; failures=$((failures + 1)); }
rm -rf "$models"
expect_error "needs about 1.4 TB of memory" "$bin" train --env half-cheetah \
  --set 'dynamics.hiddenSizes=[65536,65536,65536]' --out "$work/no"
# the model-free baselines, tiny: train, resume, export the trained policy
mf=(--env half-cheetah --set sampling.realRolloutsPerTask=4 --set sampling.horizon=20)
for algo in trpo ppo; do
  expect_ok "$bin" train --algo "$algo" "${mf[@]}" --iterations 2 --out "$work/$algo"
  expect_ok "$bin" train --resume "$work/$algo" --iterations 3
  if [ "$(($(wc -l < "$work/$algo/progress.csv") - 1))" -eq 3 ] \
    && head -n 1 "$work/$algo/progress.csv" | grep -q "EnvTrajs-AverageReturn"; then
    echo "ok: $algo ran and resumed to 3 iterations"
  else
    echo "FAIL: $algo's progress.csv does not have 3 rows with EnvTrajs-AverageReturn"; failures=$((failures + 1))
  fi
  expect_ok "$bin" export --run "$work/$algo" --episodes 1 --out "$work/$algo.hdf5"
  expect_ok "$bin" eval --run "$work/$algo" --episodes 2 --json "$work/$algo-eval.json"
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); assert d['episodes'] == 2 and len(d['returns']) == 2" \
    "$work/$algo-eval.json" || { echo "FAIL: $algo eval JSON"; failures=$((failures + 1)); }
done
# eval scores the same episodes export records (same seed, same streams): equal mean returns
exported=$("$bin" export --run "$work/hc" --episodes 3 --seed 4 --out "$work/hc3.hdf5" | sed -n 's/.*mean return \([-0-9.]*\).*/\1/p')
evaluated=$("$bin" eval --run "$work/hc" --episodes 3 --seed 4 | sed -n 's/.*: return \([-0-9.]*\) ±.*/\1/p')
if [ -n "$exported" ] && [ "$exported" = "$evaluated" ]; then
  echo "ok: eval and export agree on the mean return ($evaluated)"
else
  echo "FAIL: eval's mean return '$evaluated' differs from export's '$exported'"; failures=$((failures + 1))
fi
expect_error "--policy adapted needs an MB-MPO run" "$bin" eval --run "$work/trpo" --policy adapted
# eval of a checkpoint file, of MB-MPO's adapted policies, with mean actions, and of MB-MPC and ME-TRPO runs
mean_return() { "$bin" eval "$@" | sed -n 's/.*: return \([-0-9.]*\) ±.*/\1/p'; }
finite_mean() {
  python3 -c "import json, math, sys; sys.exit(not math.isfinite(json.load(open(sys.argv[1]))['returnMean']))" "$1"
}
from_file=$(mean_return --checkpoint "$work/hc/checkpoints/iter-0002.h5" --episodes 3 --seed 4)
if [ -n "$from_file" ] && [ "$from_file" = "$evaluated" ]; then
  echo "ok: eval --checkpoint checkpoints/iter-0002.h5 scores as eval --run does ($from_file)"
else
  echo "FAIL: eval --checkpoint gave '$from_file', eval --run '$evaluated'"; failures=$((failures + 1))
fi
expect_ok "$bin" eval --run "$work/hc" --episodes 2 --policy adapted --json "$work/adapted.json"
if grep -q "adapted policies θ'_i" <<<"$out" && finite_mean "$work/adapted.json" \
  && grep -q '"policy" : "adapted"' "$work/adapted.json"; then
  echo "ok: eval --policy adapted scores an MB-MPO run's adapted policies"
else
  echo "FAIL: eval --policy adapted: $out"; failures=$((failures + 1))
fi
first=$(mean_return --run "$work/hc" --episodes 3 --seed 4 --deterministic)
second=$(mean_return --run "$work/hc" --episodes 3 --seed 4 --deterministic)
if [ -n "$first" ] && [ "$first" = "$second" ] && [ "$first" != "$evaluated" ]; then
  echo "ok: eval --deterministic repeats its mean ($first) and differs from sampled actions ($evaluated)"
else
  echo "FAIL: eval --deterministic: '$first', '$second', sampled '$evaluated'"; failures=$((failures + 1))
fi
mb=(--env half-cheetah --preset quick --set sampling.horizon=20 --set sampling.initialRandomSteps=200
    --set dynamics.maxEpochs=3 --set 'dynamics.hiddenSizes=[16,16]' --set dynamics.members=2)
expect_ok "$bin" train --algo mb-mpc "${mb[@]}" --set mpc.candidates=20 --set mpc.planningHorizon=3 --iterations 1 \
  --out "$work/models/mb-mpc"
expect_ok "$bin" train --algo me-trpo "${mb[@]}" --set meta.stepsPerIteration=1 \
  --set sampling.imaginedRolloutsPerTask=2 --iterations 1 --out "$work/models/me-trpo"
for algo in mb-mpc me-trpo; do
  expect_ok "$bin" eval --run "$work/models/$algo" --episodes 2 --json "$work/models/$algo-eval.json"
  if grep -q "^half-cheetah, $algo, .*: return " <<<"$out" && finite_mean "$work/models/$algo-eval.json" \
    && grep -q "^torso upside down (pitch past ±90°) in [0-9.]* % of the states; [0-2] of 2 episodes" <<<"$out" \
    && python3 -c "import json, sys; d = json.load(open(sys.argv[1]))
assert 0 <= d['upsideDownFraction'] <= 1 and d['upsideDownEpisodes'] in (0, 1, 2)" "$work/models/$algo-eval.json"; then
    echo "ok: eval scores the $algo run: $(sed -n 's/.*: return \([^(]*\).*/\1/p' <<<"$out") ($(grep -o '[0-9.]* % of the states' <<<"$out") upside down)"
  else
    echo "FAIL: eval of the $algo run: $out"; failures=$((failures + 1))
  fi
done
# export of an MB-MPC run records its planner's episodes, the ones eval scores (not the untrained policy network)
exported=$("$bin" export --run "$work/models/mb-mpc" --episodes 2 --seed 3 --out "$work/models/mpc.hdf5" \
  | sed -n 's/.*mean return \([-0-9.]*\) (the MPC planner.*/\1/p')
evaluated=$(mean_return --run "$work/models/mb-mpc" --episodes 2 --seed 3)
if [ -n "$exported" ] && [ "$exported" = "$evaluated" ]; then
  echo "ok: export of the MB-MPC run records its planner's episodes (mean return $exported, as eval scores)"
else
  echo "FAIL: MB-MPC export's mean return '$exported', eval's '$evaluated'"; failures=$((failures + 1))
fi
# nor does export write over one of the run's own files
cp "$work/hc/checkpoints/iter-0002.h5" "$work/iter-0002.copy"
expect_error "is one of the run's own files" "$bin" export --run "$work/hc" --episodes 1 \
  --out "$work/hc/checkpoints/iter-0002.h5"
cmp -s "$work/hc/checkpoints/iter-0002.h5" "$work/iter-0002.copy" \
  || { echo "FAIL: export wrote over a checkpoint"; failures=$((failures + 1)); }
# eval --recorded: the MB-MPO run's recorded real episodes per iteration and kind, every episode counted once
expect_ok "$bin" eval --run "$work/hc" --recorded --json "$work/models/recorded.json"
if python3 - "$work/models/recorded.json" "$work/hc/trajectories.h5" "$out" <<'EOF'
import json, sys, h5py
d, f = json.load(open(sys.argv[1])), h5py.File(sys.argv[2], "r")
recorded = [(int(i[5:]), k, len(f[i][k])) for i in f if i.startswith("iter-") for k in f[i]]
groups = [(g["iteration"], g["kind"], g["episodes"]) for g in d["groups"]]
assert sorted(groups) == sorted(recorded) and groups[0][1] == "random", (groups, recorded)
assert {"pre-update", "post-update", "exploration"} <= {k for _, k, _ in groups}, groups
assert all(0 <= g["upsideDownFraction"] <= 1 and 0 <= g["upsideDownEpisodes"] <= g["episodes"] for g in d["groups"])
assert f"{sum(n for *_, n in recorded)} recorded real episodes" in sys.argv[3]
EOF
then
  echo "ok: eval --recorded groups the run's recorded episodes by iteration and kind"
else
  echo "FAIL: eval --recorded: $out"; failures=$((failures + 1))
fi
expect_error "applies only to new episodes" "$bin" eval --run "$work/hc" --recorded --episodes 2
expect_error "has no trajectories.h5" "$bin" eval --run "$work/models" --recorded
# one-iteration MB-MPC and ME-TRPO runs have logged no return yet: a plot beside a run that has passes over them,
# saying so; a plot of them alone is an error
out=$("$bin" plot "$work/models" "$work/hc" --out "$work/passed-over.svg" 2>&1); code=$?
if [ $code -eq 0 ] && [ -s "$work/passed-over.svg" ] \
  && grep -q "^mbmpo plot: passing over '$work/models/mb-mpc/progress.csv' has no return logged yet" <<<"$out" \
  && grep -q "^wrote $work/passed-over.svg: half-cheetah/mb-mpo (1 run)$" <<<"$out"; then
  echo "ok: plot passes over the runs with no return logged yet and draws the other"
else
  echo "FAIL: plot beside runs with no return yet (exit $code): $out"; failures=$((failures + 1))
fi
expect_error "has no return logged yet (PrePolicy-AverageReturn or EnvTrajs-AverageReturn)" \
  "$bin" plot "$work/models" --out "$work/none.svg"
rm -rf "$work/models"
# a real-step budget: the run stops after the iteration that reaches it (hc logged 9 000 in 2 iterations)
cp -r "$work/hc" "$work/budget"
expect_ok "$bin" train --resume "$work/budget" --iterations 10 --total-steps 12000
if [ "$(($(wc -l < "$work/budget/progress.csv") - 1))" -eq 3 ] && grep -q '"totalSteps" : 12000' "$work/budget/config.json"; then
  echo "ok: --total-steps 12000 stopped the run after its third iteration (13 000 steps)"
else
  echo "FAIL: --total-steps: $(wc -l < "$work/budget/progress.csv") lines"; failures=$((failures + 1))
fi
# run-info.json: the start and the resume each left an entry with what can change results' last bits or the speed
if python3 - "$work/budget/run-info.json" <<'EOF'
import datetime, json, sys
entries = json.load(open(sys.argv[1]))["entries"]
assert [e["event"] for e in entries] == ["start", "resume"], [e["event"] for e in entries]
for e in entries:
    assert e["mbmpo"]["version"] and e["mbmpo"]["commit"] and e["mbmpo"]["build"] in ("release", "debug"), e["mbmpo"]
    assert e["compiler"].startswith("Swift") and e["mujoco"].count(".") == 2, (e["compiler"], e["mujoco"])
    assert e["openblas"].startswith("OpenBLAS ") and e["openblasKernels"], (e["openblas"], e["openblasKernels"])
    assert e["cpu"]["model"] and e["cpu"]["vectorLevel"] in ("avx512-bf16", "avx512", "avx2", "baseline"), e["cpu"]
    assert e["threads"] >= 1 and e["host"] and e["command"][1] == "train", (e["threads"], e["host"], e["command"])
    datetime.datetime.fromisoformat(e["time"])
assert "--resume" in entries[1]["command"] and entries[1]["fromIteration"] == 2, entries[1]
EOF
then
  echo "ok: run-info.json has the start's and the resume's entries (build, libraries, CPU, host, command, time)"
else
  echo "FAIL: run-info.json after a resume"; failures=$((failures + 1))
fi
# a resume with other OpenBLAS kernels than those that trained the last iteration says so and names the setting
# that resumes exactly; with the same kernels it says nothing
trained=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["entries"][-1]["openblasKernels"])' \
  "$work/hc/run-info.json")
other=Prescott; [ "$trained" != Prescott ] || other=Core2
cp -r "$work/hc" "$work/kernels" && rm -rf "$work/budget"
# also with --quiet: a resume that is no longer exact says so whatever the verbosity
out=$(OPENBLAS_CORETYPE=$other "$bin" train --resume "$work/kernels" --iterations 3 --quiet 2>&1); code=$?
if [ $code -eq 0 ] && grep -q "^note: this run's last iteration was trained with OpenBLAS's $trained kernels and it resumes with $other ones.*OPENBLAS_CORETYPE=$trained resumes it exactly" <<<"$out"; then
  echo "ok: a resume with $other kernels after $trained ones says how to resume exactly"
else
  echo "FAIL: resume with other kernels (exit $code): $out"; failures=$((failures + 1))
fi
out=$(OPENBLAS_CORETYPE=$trained "$bin" train --resume "$work/kernels" --iterations 4 2>&1); code=$?
# its last iteration was the $other one: back to $trained is a change too; then the same family again is not
if [ $code -eq 0 ] && grep -q "trained with OpenBLAS's $other kernels and it resumes with $trained ones" <<<"$out" \
  && out=$(OPENBLAS_CORETYPE=$trained "$bin" train --resume "$work/kernels" --iterations 5 2>&1) \
  && ! grep -q "^note: this run's last iteration" <<<"$out"; then
  echo "ok: the note follows the kernels of the last iteration, and a resume with the same ones has none"
else
  echo "FAIL: resume notes after a change of kernels: $out"; failures=$((failures + 1))
fi
rm -rf "$work/kernels"
# default run folders never collide: the second run of the same name gets a numbered suffix
absolute_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for _ in 1 2; do (cd "$work" && "$absolute_bin" train --algo trpo "${mf[@]}" --iterations 1 --quiet >/dev/null); done
if [ -s "$work/runs/half-cheetah-trpo-s0/progress.csv" ] && [ -s "$work/runs/half-cheetah-trpo-s0-2/progress.csv" ]; then
  echo "ok: a second default-named run went to runs/half-cheetah-trpo-s0-2"
else
  echo "FAIL: default run folders: $(ls "$work/runs" 2>&1)"; failures=$((failures + 1))
fi
expect_error "pass exactly one of --run DIR and --checkpoint FILE" "$bin" eval

expect_ok "$bin" plot "$work/hc" --out "$work/curves.svg"
if python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$work/curves.svg"; then
  echo "ok: the plot is well-formed SVG"
else
  echo "FAIL: the plot is not well-formed XML"; failures=$((failures + 1))
fi
if command -v rsvg-convert >/dev/null; then
  expect_ok "$bin" plot "$work" --out "$work/curves.png"
  [ "$(head -c 4 "$work/curves.png" | tail -c 3)" = "PNG" ] || { echo "FAIL: no PNG written"; failures=$((failures + 1)); }
else
  expect_error "rsvg-convert" "$bin" plot "$work/hc" --out "$work/curves.png"
fi
# a PNG rendering that fails leaves the existing file as it was (a stand-in rsvg-convert writes half a file and fails)
mkdir -p "$work/failing-rsvg" && printf 'old picture' > "$work/kept.png"
cat > "$work/failing-rsvg/rsvg-convert" <<'EOF'
#!/usr/bin/env bash
while [ $# -gt 0 ] && [ "$1" != --output ]; do shift; done
printf 'half' > "$2"; echo "out of memory" >&2; exit 1
EOF
chmod +x "$work/failing-rsvg/rsvg-convert"
expect_error "rsvg-convert could not write '$work/kept.png': out of memory" env PATH="$work/failing-rsvg:$PATH" \
  "$bin" plot "$work/hc" --out "$work/kept.png"
if [ "$(cat "$work/kept.png")" = "old picture" ] && [ -z "$(find "$work" -maxdepth 1 -name '.kept.png*')" ]; then
  echo "ok: a failed PNG rendering left the existing file and no temporary file"
else
  echo "FAIL: a failed PNG rendering changed $work/kept.png"; failures=$((failures + 1))
fi
expect_error "--out must end in .svg or .png" "$bin" plot "$work/hc" --out "$work/curves.pdf"
mkdir -p "$work/empty"
expect_error "holds no run" "$bin" plot "$work/empty" --out "$work/e.svg"
expect_ok "$bin" plot "$work/hc" --label-by meta.innerStepSize --label-by dynamics.imperfection.noiseStd \
  --out "$work/labelled.svg"
if grep -q 'data-series="mb-mpo, innerStepSize 0.001, noiseStd 0"' "$work/labelled.svg"; then
  echo "ok: plot --label-by names the settings in the series"
else
  echo "FAIL: plot --label-by did not name the settings"; failures=$((failures + 1))
fi
expect_error "has no setting 'meta.noSuchKey' to label the curves by" "$bin" plot "$work/hc" --label-by meta.noSuchKey \
  --out "$work/e.svg"
# Ctrl-C stops after the iteration's rows are written (exit 130, says how to resume); a second one quits at once
"$bin" train "${tiny[@]}" --iterations 50 --out "$work/int" >"$work/int.out" 2>"$work/int.err" &
pid=$!
for _ in $(seq 1 600); do grep -q "^itr 1/50" "$work/int.out" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid; wait $pid; code=$?
done_rows=$(sed -n 's/.*stopped after iteration \([0-9]*\) of 50.*/\1/p' "$work/int.err")
rows=$(($(wc -l < "$work/int/progress.csv") - 1))
if [ $code -eq 130 ] && [ -n "$done_rows" ] && [ "$rows" -eq "$done_rows" ] && [ "$rows" -lt 50 ] \
  && grep -q "mbmpo train --resume $work/int" "$work/int.err"; then
  echo "ok: Ctrl-C stopped after iteration $done_rows with its rows written (exit 130)"
else
  echo "FAIL: Ctrl-C: exit $code, $rows rows, message: $(cat "$work/int.err")"; failures=$((failures + 1))
fi
"$bin" train "${tiny[@]}" --iterations 50 --out "$work/int2" >/dev/null 2>"$work/int2.err" &
pid=$!
for _ in $(seq 1 600); do ls "$work"/int2/events.out.tfevents.* >/dev/null 2>&1 && break; sleep 0.1; done
kill -INT $pid; sleep 0.3; kill -INT $pid; wait $pid; code=$?
if [ $code -eq 130 ] && grep -q "quitting now" "$work/int2.err"; then
  echo "ok: a second Ctrl-C quits at once (exit 130)"
else
  echo "FAIL: second Ctrl-C: exit $code, $(cat "$work/int2.err")"; failures=$((failures + 1))
fi
# the run folder is locked while a run writes it: a second train, at start or on resume, gets one line naming the
# holder's PID; SIGTERM (what batch schedulers send) stops like Ctrl-C, with exit 143, and the run resumes
"$bin" train "${tiny[@]}" --iterations 50 --out "$work/lock" >"$work/lock.out" 2>"$work/lock.err" &
pid=$!
for _ in $(seq 1 600); do grep -q "^itr 1/50" "$work/lock.out" 2>/dev/null && break; sleep 0.1; done
expect_error "is in use by another mbmpo process (PID $pid)" "$bin" train --resume "$work/lock"
kill -TERM $pid; wait $pid; code=$?
if [ $code -eq 143 ] && grep -q "mbmpo train --resume $work/lock" "$work/lock.err"; then
  echo "ok: SIGTERM stopped the run after an iteration (exit 143)"
else
  echo "FAIL: SIGTERM: exit $code, message: $(cat "$work/lock.err")"; failures=$((failures + 1))
fi
expect_ok "$bin" train --resume "$work/lock" --iterations "$(($(wc -l < "$work/lock/progress.csv")))"
# a second `train --out` into a running run's folder, before and after its first row, gets one line naming the
# holder's PID and leaves config.json as it was; SIGHUP (a closed terminal) stops like Ctrl-C, with exit 129
"$bin" train "${tiny[@]}" --iterations 50 --out "$work/hup" >"$work/hup.out" 2>"$work/hup.err" &
pid=$!
for _ in $(seq 1 600); do
  [ "$(cat "$work/hup/.lock" 2>/dev/null)" = "$pid" ] && [ -s "$work/hup/config.json" ] && break; sleep 0.05
done
config=$(sha256sum < "$work/hup/config.json")
for when in before after; do
  if [ $when = after ]; then
    for _ in $(seq 1 600); do grep -q "^itr 1/50" "$work/hup.out" 2>/dev/null && break; sleep 0.1; done
  fi
  out=$("$bin" train "${tiny[@]}" --seed 5 --iterations 1 --out "$work/hup" 2>&1); code=$?
  rows=$(($(wc -l < "$work/hup/progress.csv") - 1))
  if [ $code -ne 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] \
    && grep -q "is in use by another mbmpo process (PID $pid)" <<<"$out" \
    && [ "$(sha256sum < "$work/hup/config.json")" = "$config" ]; then
    echo "ok (exit $code): a second train --out ($when the run's first row; $((rows < 0 ? 0 : rows)) rows) -> $out"
  else
    echo "FAIL: a second train --out into a running run ($when its first row): exit $code, config.json" \
      "$([ "$(sha256sum < "$work/hup/config.json")" = "$config" ] && echo unchanged || echo changed): $out"
    failures=$((failures + 1))
  fi
done
kill -HUP $pid; wait $pid; code=$?
done_rows=$(sed -n 's/.*stopped after iteration \([0-9]*\) of 50.*/\1/p' "$work/hup.err")
rows=$(($(wc -l < "$work/hup/progress.csv") - 1))
if [ $code -eq 129 ] && [ -n "$done_rows" ] && [ "$rows" -eq "$done_rows" ] && grep -q "SIGHUP" "$work/hup.err" \
  && grep -q "mbmpo train --resume $work/hup" "$work/hup.err"; then
  echo "ok: SIGHUP stopped the run after iteration $done_rows with its rows written (exit 129)"
else
  echo "FAIL: SIGHUP: exit $code, $rows rows, message: $(cat "$work/hup.err")"; failures=$((failures + 1))
fi
expect_ok "$bin" train --resume "$work/hup" --iterations "$((rows + 1))"
[ "$(($(wc -l < "$work/hup/progress.csv") - 1))" -eq "$((rows + 1))" ] && echo "ok: the run stopped by SIGHUP resumed" \
  || { echo "FAIL: the resume after SIGHUP did not add a row"; failures=$((failures + 1)); }
# --time-limit: the run stops at the first safe point whose next iteration would end past the limit (exit 75, says
# why and how to continue) and, resumed, ends as the uninterrupted run did; a malformed duration is refused
"$bin" train "${tiny[@]}" --iterations 2 --time-limit 0.1s --out "$work/limit" >/dev/null 2>"$work/limit.err"; code=$?
rows=$(($(wc -l < "$work/limit/progress.csv") - 1))
if [ $code -eq 75 ] && [ "$rows" -eq 1 ] \
  && grep -q "^time limit (.* used; the next iteration could take .*): stopped after iteration 1 of 2" \
    "$work/limit.err" && grep -q "mbmpo train --resume $work/limit" "$work/limit.err"; then
  echo "ok: --time-limit 0.1s stopped the run after iteration 1 of 2 (exit 75) and said why"
else
  echo "FAIL: --time-limit: exit $code, $rows rows, message: $(cat "$work/limit.err")"; failures=$((failures + 1))
fi
# resumed with a limit no longer than its last iteration (Time-Itr), no process could add one: one line, and nothing
# in the folder changes
before=$(ls -l --time-style=+%s.%N "$work/limit" "$work/limit/checkpoints" | sha256sum)
expect_error "--time-limit 0.1s is no longer than the run's last iteration" "$bin" train --resume "$work/limit" \
  --time-limit 0.1s
[ "$(ls -l --time-style=+%s.%N "$work/limit" "$work/limit/checkpoints" | sha256sum)" = "$before" ] \
  && echo "ok: the refused resume left the run folder as it was" \
  || { echo "FAIL: the refused resume changed the run folder"; failures=$((failures + 1)); }
expect_ok "$bin" train --resume "$work/limit" --time-limit 2h
if [ "$(strip_time "$work/limit/progress.csv")" = "$(strip_time "$work/hc/progress.csv")" ]; then
  echo "ok: the run stopped by its time limit resumed to the uninterrupted run's results"
else
  echo "FAIL: the run stopped by its time limit resumed to other results"; failures=$((failures + 1))
fi
expect_error "expected a positive duration such as 3h30m" "$bin" train "${tiny[@]}" --time-limit 1h30 --out "$work/no"
rm -rf "$work"
expect_ok "$bin" --version
for cmd in "" envs rollout bench "bench env" "bench render" replay render train export eval config "config show" "config reference" plot; do
  # shellcheck disable=SC2086
  expect_ok "$bin" $cmd --help
done
echo "cli checks: $failures failed"
[ $failures -eq 0 ]
