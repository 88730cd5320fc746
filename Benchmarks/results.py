#!/usr/bin/env python3
"""The committed learning logs (Benchmarks/results) and what README.md and BENCHMARKS.md report from them.

    python3 Benchmarks/results.py collect RUN_DIR... [--binary NAME] [--note TEXT] [--changed-only]
    python3 Benchmarks/results.py tables [--write | --check]
    python3 Benchmarks/results.py figures [--mbmpo BINARY]
    python3 Benchmarks/results.py status RUNS_DIR [--plan NAME]
    python3 Benchmarks/results.py state RUN_DIR ENV ALGO SEED ITERATIONS
    python3 Benchmarks/results.py estimate (--resume RUN_DIR | --runs-dir RUNS_DIR --algo ALGO --env ENV
                                            [--variant NAME])
    python3 Benchmarks/results.py kernels RUN_DIR
    python3 Benchmarks/results.py selftest

collect   copies a finished run's config.json and progress.csv (and eval.json, recorded.json where the run has
          them) to Benchmarks/results/<env>/<algo>/s<seed>/ (a variant, named as Benchmarks/paper_runs.sh names its
          folders ENV-VARIANT-ALGO-sSEED, goes to s<seed>-<variant>; a folder named otherwise is refused, lest a run
          of other settings join the default seeds) and writes run-info.json beside them: the binary (--binary, or
          else read from the run's own run-info.json, which names the build of every start and resume: 'a0880b7
          (iterations 0–12)'), the CPU and the OpenBLAS kernels that trained it (from the same file, per range of
          iterations where they changed; for a run without it, this machine's CPU and the kernels its log names), its wall-clock time
          (the sum of Time-Itr) and a note (e.g. that it shared the machine). --changed-only leaves a run alone whose
          logs the folder already holds byte for byte (its run-info.json is not rewritten).
tables    computes the headline table (per task: the model-free asymptote, marked where its curve is still rising
          or fell from a higher peak; MB-MPO at 100 000 steps over its seeds, each seed's mean over its last 3 logged
          iterations up to 101 000; the real steps TRPO and PPO need to first reach that return — the first row where
          the mean of 5 consecutive logged returns does, averaged over the seeds that do, the others named — and that
          count over the 101 000 steps MB-MPO's return was logged at; the model-based baselines, likewise the mean of
          their last 3 iterations up to 52 000, beside MB-MPO's read the same way; an asymptote whose run stopped
          before its planned iterations says so) from the committed logs, and the same numbers in words, per task (whether the paper's claim holds
          against TRPO and PPO: MB-MPO's return within REACHES of the method's asymptote, and the method needing at
          least SAMPLE_RATIO times MB-MPO's steps to first reach it, or never doing so; the model-based methods'
          order at 52 000 steps) and counted over the tasks; prints both, writes them between the results-table
          and results-verdict markers of README.md and BENCHMARKS.md (--write), or exits 1 unless both files
          already hold exactly them (--check, what the test suite runs); likewise
          BENCHMARKS.md's table of every TRPO and PPO curve (its return at 10⁶ … 10⁸ steps, wall-clock time).
          Also BENCHMARKS.md's table of Gymnasium's v5 tasks (MB-MPO at 100 000 and 200 000 steps over its seeds, read
          the same way, TRPO and PPO at 200 000 and 10⁶); the tables of the paper's other experiments (robustness to
          bad models, the adaptation studies, tailored exploration; `Benchmarks/paper_runs.sh --plan …`): per setting,
          the mean ± std over seeds of each finished run's mean return over its last 3 logged iterations (MB-MPO's
          pre-update return, ME-TRPO's exploration return); and the list of half-cheetah runs scored by `mbmpo eval`
          (their eval.json: how many episodes of the final policy run upside down, the flipped gait; their
          recorded.json, `mbmpo eval --recorded`: the first iteration whose own real episodes mostly were).
figures   draws docs/results-<env>.png for every task (Gymnasium's too) with `mbmpo plot` (all committed runs of the task), and
          docs/experiment-<name>.png for each of those experiments that has runs (curves told apart by their
          settings, `mbmpo plot --label-by`).
status    lists the run folders of RUNS_DIR (Benchmarks/paper_runs.sh's): per run its iterations against the planned
          count, real steps, last return and the mean of its last 3, wall-clock so far (the sum of Time-Itr) and a rough
          time left (train's own ETA from the run's log, RUNS_DIR/NAME.log, where it is for the last logged
          iteration; otherwise the mean of its last 3 iterations times the iterations left), whether a process is
          training it now, whether its eval.json scores its final policy, and whether Benchmarks/results holds it
          (and as many iterations). Folders without a config.json are not runs and are passed over; one whose files
          cannot be read is skipped with a note. With --plan NAME (one of Benchmarks/paper_runs.sh's plans) it also
          lists the plan's runs that have no folder yet, as committed (Benchmarks/results holds them) or not started,
          and ends with a count of the plan's runs per state and the hours of training left: each listed run's time
          left, and for each run not started the mean wall clock of the complete runs of its algorithm and length
          among RUNS_DIR's folders, or else the committed ones (measured on other machines). Last comes the collect
          command for the finished runs that Benchmarks/results does not hold (or holds with fewer iterations), as
          a run folder may not outlive its machine. Exits 1 only if RUNS_DIR cannot be listed. A run is done when
          it logged its planned iterations or reached its step budget (totalSteps, which ends PPO's runs early
          where its batches overrun).
state     prints where one entry of Benchmarks/paper_runs.sh's plan stands, as 'STATE ROWS KEPT', which the script
          reads: STATE is 'committed' (no RUN_DIR, but Benchmarks/results holds the run done), 'finished' (RUN_DIR
          holds it done, ITERATIONS logged or its step budget reached) or '-'; ROWS the iterations RUN_DIR logged;
          KEPT the folder of Benchmarks/results that holds (or would hold) its logs.
kernels   prints the OpenBLAS kernel family that trained the last iteration of RUN_DIR's newest checkpoint (its
          run-info.json's last start, resume or restart at or before it), where this CPU can run it, for
          Benchmarks/paper_runs.sh to resume the run with as OPENBLAS_CORETYPE (kernel families can round differently);
          otherwise a one-line reason on standard error and exit 1.
estimate  prints the seconds the script's --until expects an entry's next iteration to take, from Time-Itr (nothing
          where no row tells): for a run it resumes, RUN_DIR's last logged iteration; for one it starts, the longest
          first iteration of ALGO among RUNS_DIR's run folders, or where none has one, among the committed runs of
          the same ENV, ALGO and variant (the entry's other seeds, measured on other machines).
selftest  checks the reading rules above (the settled return, the asymptote's notes, the first crossing) on made-up
          curves; the test suite runs it.

Only the standard library.
"""
import argparse
import csv
import glob
import json
import math
import os
import platform
import re
import shlex
import subprocess
import signal
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "Benchmarks", "results")
TASKS = ["half-cheetah", "ant", "walker2d", "hopper", "swimmer", "pr2"]
GYMNASIUM_TASKS = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Swimmer-v5", "Reacher-v5"]
START, END = "<!-- results-table:start -->", "<!-- results-table:end -->"
VERDICT_START, VERDICT_END = "<!-- results-verdict:start -->", "<!-- results-verdict:end -->"
CURVES_START, CURVES_END = "<!-- model-free-curves:start -->", "<!-- model-free-curves:end -->"
CURVE_POINTS = [1e6, 2.5e6, 5e6, 1e7, 2.5e7, 5e7, 1e8]
CURVE_LABELS = ["10⁶", "2.5·10⁶", "5·10⁶", "10⁷", "2.5·10⁷", "5·10⁷", "10⁸"]
# MB-MPO's point of comparison, the paper's 100 000 real steps (a 25-iteration run logs 101 000)
MBMPO_STEPS = 101_000
# the model-based baselines' runs end at 52 000 logged steps (13 iterations after 4 000 random steps)
BASELINE_STEPS = 52_000


def read_progress(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(row, key):
    try:
        value = float(row.get(key, ""))
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def curve(rows, algorithm):
    """(n_timesteps, return) pairs: MB-MPO's pre-update return, the others' exploration return."""
    key = "PrePolicy-AverageReturn" if algorithm == "mb-mpo" else "EnvTrajs-AverageReturn"
    points = [(number(r, "n_timesteps"), number(r, key)) for r in rows]
    return [(s, v) for s, v in points if s is not None and v is not None]


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return platform.processor() or "unknown"
    name = re.search(r"^model name\s*:\s*(.*)$", text, re.M)
    family = re.search(r"^cpu family\s*:\s*(\d+)$", text, re.M)
    model = re.search(r"^model\s*:\s*(\d+)$", text, re.M)
    flags = cpu_flags()
    vector = "AVX512-BF16" if "avx512_bf16" in flags else "AVX-512" if "avx512f" in flags else \
        "AVX2" if "avx2" in flags else "SSE"
    return (f"{name.group(1) if name else 'unknown'} (family {family.group(1) if family else '?'}, "
            f"model {model.group(1) if model else '?'}, {vector}, {os.cpu_count()} logical CPUs)")


def result_folder(name, config):
    """Where `collect` puts the run folder `name` (a variant, ENV-VARIANT-ALGO-sSEED, goes to s<seed>-<variant>), and
    the variant with its leading dash ('' for none)."""
    env, algo, seed = config["environment"], config["algorithm"], config["seed"]
    match = re.fullmatch(rf"{re.escape(env)}-(.+)-{re.escape(algo)}-s{seed}", name)
    variant = f"-{match.group(1)}" if match else ""
    return os.path.join(RESULTS, env, algo, f"s{seed}{variant}"), variant


def run_relative(content, folder):
    """A JSON file's bytes with the paths into the run `folder` (eval.json's checkpoint, recorded.json's trajectories,
    as `mbmpo eval` was given the folder; `collect` passes every JSON file it copies) made relative to it, so that no
    committed file names this machine's folders; nothing else changes."""
    for prefix in sorted({folder, os.path.abspath(folder), os.path.realpath(folder)}, key=len, reverse=True):
        quoted = json.dumps(prefix.rstrip("/") + "/")[:-1].encode()  # '"' + the prefix, JSON-escaped
        # the same with the slashes escaped, as some JSON writers do
        for form in (quoted, quoted.replace(b"/", b"\\/")):
            content = content.replace(form, b'"')
    return content


def collect(args):
    for folder in args.runs:
        folder = folder.rstrip("/")
        try:
            with open(os.path.join(folder, "config.json")) as f:
                config = json.load(f)
            rows = read_progress(os.path.join(folder, "progress.csv"))
        except (OSError, ValueError) as error:
            sys.exit(f"{folder}: not a finished run folder ({error})")
        env, algo, seed = config["environment"], config["algorithm"], config["seed"]
        name = os.path.basename(folder)
        if not re.fullmatch(rf"{re.escape(env)}(-.+)?-{re.escape(algo)}-s{seed}", name):
            # the name says whether the run is a variant: a run of other settings must not join the default seeds
            sys.exit(f"{folder}: name the folder {env}-{algo}-s{seed}, or {env}-VARIANT-{algo}-s{seed} for a run of "
                     "other settings than the defaults (as Benchmarks/paper_runs.sh does), so that collect knows "
                     "where it belongs")
        target, variant = result_folder(name, config)
        try:
            logs = log_files(folder)
        except OSError as error:
            sys.exit(f"{folder}: cannot read its logs ({error})")
        if args.changed_only and holds(target, logs):
            print(f"{folder}: {os.path.relpath(target, ROOT)} already holds its logs")
            continue
        os.makedirs(target, exist_ok=True)
        for file, content in logs.items():
            with open(os.path.join(target, file), "wb") as out:
                out.write(content)
        # the machines and kernels that trained the run, from its run-info.json; a folder without one (an older
        # binary's) is described by its log's header and this machine
        kernels = entry_values(folder, len(rows), lambda e: e["openblasKernels"])
        cpu = entry_values(folder, len(rows), entry_cpu)
        if kernels is None:
            try:
                with open(folder + ".log") as log:
                    found = re.search(r"OpenBLAS (\S+) kernels", log.read())
                    kernels = found.group(1) if found else None
            except OSError:
                pass
        try:
            with open(os.path.join(folder, "eval.json")) as f:
                scored = json.load(f).get("iteration")
            if scored != len(rows):
                print(f"{folder}: eval.json scores iteration {scored}, the run has {len(rows)}; rerun "
                      "Benchmarks/paper_runs.sh (or mbmpo eval) to score the final policy", file=sys.stderr)
        except (OSError, ValueError):
            pass
        recorded = os.path.join(folder, "recorded.json")
        progress = os.path.join(folder, "progress.csv")
        if os.path.exists(recorded) and os.path.getmtime(recorded) < os.path.getmtime(progress):
            print(f"{folder}: recorded.json is older than progress.csv; rerun Benchmarks/paper_runs.sh (or mbmpo eval "
                  "--recorded) to read the whole run", file=sys.stderr)
        last = rows[-1] if rows else {}
        binary = args.binary if args.binary is not None else binaries(folder, len(rows))
        info = {
            "run": name, "environment": env, "algorithm": algo, "seed": seed, "variant": variant[1:] or None,
            "iterations": len(rows), "n_timesteps": number(last, "n_timesteps"),
            "wall_clock_seconds": round(sum(number(r, "Time-Itr") or 0 for r in rows), 1),
            "binary": binary, "cpu": cpu or cpu_name(), "openblas_kernels": kernels, "note": args.note,
        }
        with open(os.path.join(target, "run-info.json"), "w") as out:
            json.dump(info, out, indent=2, sort_keys=True)
            out.write("\n")
        print(f"{folder} → {os.path.relpath(target, ROOT)}: {len(rows)} iterations")


def log_files(folder):
    """The run `folder`'s logs as collect commits them, file name → bytes: config.json and progress.csv, and where
    the run has them (Benchmarks/paper_runs.sh writes both) eval.json, the final policy scored on fresh episodes, and
    recorded.json, the run's own real episodes per iteration; the JSON files' paths into the run made relative."""
    logs = {}
    for file in ("config.json", "progress.csv", "eval.json", "recorded.json"):
        path = os.path.join(folder, file)
        if file in ("eval.json", "recorded.json") and not os.path.exists(path):
            continue
        with open(path, "rb") as source:
            content = source.read()
        logs[file] = run_relative(content, folder) if file.endswith(".json") else content
    return logs


def holds(target, logs):
    """Whether the folder `target` already holds every one of `logs` (log_files), byte for byte."""
    for file, content in logs.items():
        try:
            with open(os.path.join(target, file), "rb") as copy:
                if copy.read() != content:
                    return False
        except OSError:
            return False
    return True


def entry_starts(folder, pick):
    """(first iteration, pick(entry)) for every start, restart and resume that the run `folder`'s run-info.json
    records (`mbmpo train` adds an entry, with the first iteration it ran, each time), in order; None where the file
    is missing or unreadable, or an entry lacks what `pick` reads (an older binary's)."""
    path = os.path.join(folder, "run-info.json")
    try:
        if not os.path.isfile(path):  # a FIFO would hang the read
            return None
        with open(path) as f:
            entries = json.load(f)["entries"]
        starts = [(e["fromIteration"], pick(e)) for e in entries if e.get("event") in ("start", "restart", "resume")]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return None
    # an integer as JSON writes one (not 2.5, "5" or true)
    if not all(isinstance(first, int) and not isinstance(first, bool) for first, _ in starts):
        return None
    return starts


def binaries(folder, iterations):
    """Which builds trained the run `folder`, read from its run-info.json: 'a0880b7 (iterations 0–12)', or one
    range per build in order ('2deadb2 (iterations 0–20), 8e4796c (21–24)'); None where the file is missing or
    unreadable."""
    starts = entry_starts(folder, lambda e: e["mbmpo"]["commit"][:7])
    return binary_ranges(starts, iterations) if starts is not None else None


def entry_values(folder, iterations, pick):
    """What pick(entry) reads from the run-info.json entries that trained the run `folder`'s iterations: the value
    alone when one value covers them all ('Cooperlake'), else one range per value as `binaries` gives them
    ('Haswell (iterations 0–6), Cooperlake (7–24)'); None where the file or a value is missing or not text."""
    starts = entry_starts(folder, pick)
    ranges = iteration_ranges(starts, iterations) if starts else None
    if not ranges or any(not isinstance(value, str) for _, _, value in ranges):
        return None
    return ranges[0][2] if len(ranges) == 1 else ranges_text(ranges)


# how run-info.json's vectorLevel reads in a CPU's description (cpu_name's words)
VECTOR_LEVELS = {"avx512-bf16": "AVX512-BF16", "avx512": "AVX-512", "avx2": "AVX2", "baseline": "SSE"}


def entry_cpu(entry):
    """The CPU of one run-info.json entry, described as cpu_name describes this machine's."""
    cpu = entry["cpu"]
    return (f"{cpu['model']} (family {cpu['family']}, model {cpu['modelNumber']}, "
            f"{VECTOR_LEVELS.get(cpu['vectorLevel'], cpu['vectorLevel'])}, {cpu['logicalCPUs']} logical CPUs)")


def trained_kernels(folder, iteration):
    """The OpenBLAS kernel family that trained iteration `iteration` (0-based) of the run `folder`: that of the last
    run-info.json entry that started at or before it (a resume that went back trained it again), as `mbmpo train`
    reads it for its note on a resume with other kernels; None where nothing records it."""
    found = None
    for first, kernels in entry_starts(folder, lambda e: e.get("openblasKernels")) or []:
        if first <= iteration:
            found = kernels if isinstance(kernels, str) else None
    return found


# the /proc/cpuinfo flags each OpenBLAS kernel family needs (lower-case names, as OPENBLAS_CORETYPE takes them)
KERNEL_FLAGS = {
    "cooperlake": {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"},
    "skylakex": {"avx512f", "avx512bw", "avx512dq", "avx512vl"},
    "haswell": {"avx2", "fma"}, "zen": {"avx2", "fma"}, "sandybridge": {"avx"}, "nehalem": {"sse4_2"},
    "penryn": {"sse4_1"}, "core2": {"ssse3"}, "prescott": {"pni"},
}


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            found = re.search(r"^flags\s*:\s*(.*)$", f.read(), re.M)
    except OSError:
        return set()
    return set(found.group(1).split()) if found else set()


def checkpoint_iterations(folder):
    """The iterations the checkpoint that `mbmpo train --resume` continues from holds: the N of the iter-N.h5 that
    checkpoints/latest names, else of the newest iter-N.h5; None where there is none (the run restarts from 0)."""
    pattern = re.compile(r"iter-(\d+)\.h5")
    latest = os.path.join(folder, "checkpoints", "latest")
    try:
        if not os.path.isfile(latest):  # missing, or a FIFO that would hang the read
            raise OSError(f"{latest} is not a regular file")
        with open(latest) as f:
            named = pattern.fullmatch(f.read().strip())
        if named:
            return int(named.group(1))
    except (OSError, ValueError):
        pass
    try:
        found = [int(m.group(1)) for m in map(pattern.fullmatch, os.listdir(os.path.join(folder, "checkpoints"))) if m]
    except OSError:
        return None
    return max(found) if found else None


def kernels(args):
    """Prints the OpenBLAS kernel family that trained the last iteration of the checkpoint a resume continues from
    (`checkpoint_iterations`; progress.csv may hold a row more, written by a process killed before its checkpoint),
    as `mbmpo train --resume` reads it, for paper_runs.sh to resume the run with (OPENBLAS_CORETYPE), when this CPU
    can run it; otherwise says why on standard error and exits 1."""
    done = checkpoint_iterations(args.folder)
    if not done:
        sys.exit(f"{args.folder}: no checkpoint to resume from; the run starts again from its first iteration")
    name = trained_kernels(args.folder, done - 1)
    if name is None:
        sys.exit(f"{args.folder}: its run-info.json does not name the kernels of iteration {done - 1}")
    needed = KERNEL_FLAGS.get(name.lower())
    if needed is None or not needed <= cpu_flags():
        sys.exit(f"{args.folder}: its last iteration was trained with OpenBLAS's {name} kernels, which this CPU "
                 + ("cannot run" if needed is not None else "may not run (a family this script does not know)"))
    print(name)


def binary_ranges(starts, iterations):
    """(first iteration, commit) per start or resume, in order → 'C1 (iterations a–b), C2 (c–d)' (None for no
    range)."""
    return ranges_text(iteration_ranges(starts, iterations))


def ranges_text(ranges):
    """[first, last, value] per run of iterations (`iteration_ranges`) → 'V1 (iterations a–b), V2 (c–d)'; None for
    none."""
    if not ranges:
        return None
    # the first range says what the numbers are (a value may hold parentheses of its own: a CPU's description)
    parts = []
    for i, (a, b, c) in enumerate(ranges):
        word = ("iterations " if a < b else "iteration ") if i == 0 else ""
        parts.append(f"{c} ({word}{a}–{b})" if a < b else f"{c} ({word}{a})")
    return ", ".join(parts)


def iteration_ranges(starts, iterations):
    """(first iteration, value) per start or resume, in order → [first, last, value] per run of iterations with one
    value; a later entry that went back (a restart, or a resume from an earlier checkpoint) replaces what it
    overlaps, and one that ran no iteration is left out."""
    kept = []
    for first, value in starts:
        kept = [(f, c) for f, c in kept if f < first]
        kept.append((first, value))
    ranges = []
    for i, (first, value) in enumerate(kept):
        last = (kept[i + 1][0] if i + 1 < len(kept) else iterations) - 1
        if last < first:
            continue
        if ranges and ranges[-1][2] == value:
            ranges[-1][1] = last
        else:
            ranges.append([first, last, value])
    return ranges


def runs():
    """Every committed run: (env, algo, seed folder name, rows). Files beside the folders are passed over; a
    progress.csv that cannot be read ends the program with a one-line error."""
    def folders(*parts):
        path = os.path.join(RESULTS, *parts)
        return sorted(n for n in os.listdir(path) if os.path.isdir(os.path.join(path, n))) if os.path.isdir(path) else []

    found = []
    for env in folders():
        for algo in folders(env):
            for seed in sorted(folders(env, algo), key=seed_order):
                path = os.path.join(RESULTS, env, algo, seed, "progress.csv")
                if os.path.isfile(path):
                    try:
                        found.append((env, algo, seed, read_progress(path)))
                    except (OSError, ValueError, csv.Error) as error:
                        sys.exit(f"{path}: cannot be read ({error})")
    return found


def seed_order(name):
    """s12 < s22 < s33 < s100, then variants."""
    match = re.fullmatch(r"s(\d+)(.*)", name)
    return (int(match.group(1)), match.group(2)) if match else (math.inf, name)


# a crossing is read from the mean of this many consecutive logged returns, so that one lucky batch does not count
SMOOTHING = 5


def first_reaching(points, target):
    """The steps of the first row whose trailing mean over SMOOTHING rows reaches `target`, if any."""
    for i in range(SMOOTHING - 1, len(points)):
        window = points[i - SMOOTHING + 1:i + 1]
        if sum(v for _, v in window) / SMOOTHING >= target:
            return points[i][0]
    return None


def value_at(points, steps):
    """The return of the last row logged at or before `steps` real steps, if the run got there."""
    before = [v for s, v in points if s <= steps]
    return before[-1] if before and points[-1][0] >= steps else None


def settled_at(points, steps):
    """The mean of the last FINAL_ROWS rows logged at or before `steps` real steps, if the run got there: a run's
    return at a point of comparison, read like the model-free curves' crossings (one row is a 20-episode mean, and
    the single row at a run's end is as likely to be a lucky batch as any other)."""
    before = [v for s, v in points if s <= steps]
    if not before or points[-1][0] < steps:
        return None
    tail = before[-FINAL_ROWS:]
    return sum(tail) / len(tail)


# how a model-free curve's last tenth is read: still rising if it is more than RISING above the tenth before it, and
# off its peak if its best SMOOTHING-row mean lies more than OFF_PEAK above it (both relative to the magnitude)
RISING, OFF_PEAK = 0.05, 0.10


def asymptote(points):
    """The mean of the last 10 % of a curve's rows, and a note where that is not an asymptote: the curve is still
    rising, or it had come higher before."""
    n = max(1, len(points) // 10)
    last = sum(v for _, v in points[-n:]) / n
    notes = []
    before = points[-2 * n:-n]
    if len(before) == n:
        previous = sum(v for _, v in before) / n
        if last - previous > RISING * abs(previous):
            notes.append("still rising")
    # the best SMOOTHING-row mean, placed at its window's middle row (the first such window where several tie)
    peak = at = None
    for i in range(SMOOTHING - 1, len(points)):
        mean = sum(v for _, v in points[i - SMOOTHING + 1:i + 1]) / SMOOTHING
        if peak is None or mean > peak:
            peak, at = mean, points[i - SMOOTHING // 2][0]
    if peak is not None and peak - last > OFF_PEAK * abs(last):
        notes.append(f"peak {peak:.1f} at {steps_text(at)}")
    return last, notes


def mean_std(values):
    """The mean and the population standard deviation (ddof 0: with n seeds, √((n−1)/n) of the sample one)."""
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def steps_text(steps):
    return f"{steps / 1e6:.1f}·10⁶" if steps >= 1e6 else f"{steps / 1e3:.0f}·10³"


def seeds_cell(values):
    """A table cell for one value per seed: `mean ± std (seeds)`, `value (1)`, or a dash for none."""
    if not values:
        return "–"
    mean, std = mean_std(values)
    return f"{mean:.1f} ± {std:.1f} ({len(values)})" if len(values) > 1 else f"{mean:.1f} (1)"


def complete(config, rows, planned=None):
    """Whether a run of `config` that logged `rows` is done: it logged its planned iterations (`planned`, else the
    config's), or reached its step budget (`totalSteps`, which ends PPO's runs before their iterations where its
    batches overrun). Without a planned count it is not."""
    planned = config.get("iterations") if planned is None else planned
    budget = config.get("totalSteps")
    steps = number(rows[-1], "n_timesteps") if rows else None
    return (isinstance(planned, int) and len(rows) >= planned) or (
        isinstance(budget, (int, float)) and steps is not None and steps >= budget)


def shortfall(env, algo, seed, rows):
    """'N of M iterations' for a committed run that stopped before its planned iterations and step budget (its
    config.json), else None."""
    try:
        with open(os.path.join(RESULTS, env, algo, seed, "config.json")) as f:
            config = json.load(f)
    except (OSError, ValueError):
        return None
    planned = config.get("iterations") if isinstance(config, dict) else None
    if not isinstance(planned, int) or complete(config, rows):
        return None
    return f"{len(rows)} of {planned} iterations"


def headline():
    """Per task (in TASKS' order), what the headline table and the verdict read from the committed default-setting
    runs: each model-free method's asymptote (mean over its seeds), the steps its shortest curve reached and the
    curves' notes; MB-MPO's settled return at 100 000 steps per seed and their mean (None without one); the steps
    each model-free method took to first reach that mean (the mean over its seeds that do; None where none does) and
    the steps reached by each of its seeds that does not ("missed"); and the settled returns at 52 000 steps of
    MB-MPO and the model-based baselines per seed."""
    by_task, short = {}, {}
    for env, algo, seed, rows in runs():
        if "-" in seed:  # variants (bfloat16 products, the submission timing) are reported on their own
            continue
        by_task.setdefault(env, {}).setdefault(algo, []).append(curve(rows, algo))
        note = shortfall(env, algo, seed, rows)
        if note:
            short.setdefault((env, algo), []).append(note)
    tasks = []
    for env in TASKS:
        algos = by_task.get(env, {})
        task = {"env": env, "model_free": {}, "crossing": {}, "missed": {}}
        for algo in ("trpo", "ppo"):
            curves = [p for p in algos.get(algo, []) if p]
            if not curves:
                continue
            read = [asymptote(p) for p in curves]
            notes = [f"{len(curves)} seeds"] if len(curves) > 1 else []
            notes += sorted({n for _, ns in read for n in ns if not n.startswith("peak")})
            notes += [n for _, ns in read for n in ns if n.startswith("peak")]
            notes += [f"stopped at {n}" for n in short.get((env, algo), [])]
            task["model_free"][algo] = {
                "algo": algo, "asymptote": sum(a for a, _ in read) / len(read), "reach": min(p[-1][0] for p in curves),
                "notes": notes, "curves": curves}
        task["finals"] = [v for v in (settled_at(p, MBMPO_STEPS) for p in algos.get("mb-mpo", [])) if v is not None]
        task["final"] = sum(task["finals"]) / len(task["finals"]) if task["finals"] else None
        if task["finals"]:
            for algo, read in task["model_free"].items():
                reached = [first_reaching(p, task["final"]) for p in read["curves"]]
                hits = [r for r in reached if r is not None]
                task["crossing"][algo] = sum(hits) / len(hits) if hits else None
                task["missed"][algo] = [p[-1][0] for p, r in zip(read["curves"], reached) if r is None]
        task["baselines"] = {
            algo: [v for v in (settled_at(p, BASELINE_STEPS) for p in algos.get(algo, [])) if v is not None]
            for algo in ("mb-mpo", "me-trpo", "mb-mpc")}
        tasks.append(task)
    return tasks


def shown_ratio(steps):
    """The ratio of `steps` to MB-MPO's 101 000 as the tables print it (one decimal below 10, whole above), which
    is also the value the verdict compares with SAMPLE_RATIO, so that the words and the printed ratio agree."""
    ratio = steps / MBMPO_STEPS
    return round(ratio, 1) if ratio < 10 else round(ratio)


def counted(count, noun):
    """'1 seed', '3 seeds', '0 tasks'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def ratio_text(steps, missed=(), seeds=1):
    """The steps and their ratio to MB-MPO's 101 000: '46.0·10⁶ (×456)'; where some of the method's `seeds` never
    get there (`missed`: the steps each of those reached), the mean is over the others, and the text says so."""
    ratio = shown_ratio(steps)
    text = f"{steps_text(steps)} (×{ratio:.1f})" if ratio < 10 else f"{steps_text(steps)} (×{ratio:.0f})"
    if missed:
        others = "the other does not" if len(missed) == 1 else f"the other {len(missed)} do not"
        text += f", in {seeds - len(missed)} of {counted(seeds, 'seed')} ({others} get there within {steps_text(min(missed))})"
    return text


def table(tasks):
    lines = ["| task | TRPO asymptote (steps) | PPO asymptote (steps) | MB-MPO at 100 000 steps (seeds) "
             "| TRPO steps to MB-MPO's return (ratio) | PPO steps to MB-MPO's return (ratio) "
             "| MB-MPO at 52 000 | ME-TRPO at 52 000 | MB-MPC at 52 000 |", "|---|---|---|---|---|---|---|---|---|"]
    for task in tasks:
        cells = [task["env"]]
        for algo in ("trpo", "ppo"):
            read = task["model_free"].get(algo)
            cells.append(f"{read['asymptote']:.1f} ({', '.join([steps_text(read['reach'])] + read['notes'])})"
                         if read else "–")
        cells.append(seeds_cell(task["finals"]))
        for algo in ("trpo", "ppo"):
            read = task["model_free"].get(algo)
            if not task["finals"] or not read:
                cells.append("–")
            elif task["crossing"][algo] is None:
                cells.append(f"not within {steps_text(read['reach'])}")
            else:
                cells.append(ratio_text(task["crossing"][algo], task["missed"][algo], len(read["curves"])))
        # MB-MPO and the model-based baselines at the same real steps
        cells += [seeds_cell(task["baselines"][algo]) for algo in ("mb-mpo", "me-trpo", "mb-mpc")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# the verdict's reading of the paper's claim against one model-free method: MB-MPO's return at 100 000 steps reaches
# the method's asymptote if it is at most REACHES below it (relative to the asymptote's magnitude), and the method
# takes "about two orders of magnitude" more real steps if its first crossing of that return comes at least
# SAMPLE_RATIO times 101 000 steps in (or never, within its run)
REACHES, SAMPLE_RATIO = 0.05, 50
NAMES = {"trpo": "TRPO", "ppo": "PPO", "mb-mpo": "MB-MPO", "me-trpo": "ME-TRPO", "mb-mpc": "MB-MPC"}


def claim_against(final, read, crossing, missed=()):
    """One model-free method's verdict for a task, MB-MPO's return at 100 000 steps being `final`: (whether the claim
    holds, the words). The asymptote's notes in the table that qualify it (a curve still rising, a higher peak
    before, a run stopped short) are repeated here. `crossing` is the mean over the method's seeds that reach
    `final`, `missed` the steps reached by each seed that does not (the ratio is read from the mean; a seed that
    never gets there only strengthens the claim)."""
    name, level = NAMES[read["algo"]], read["asymptote"]
    seeds = len(read.get("curves", [None]))
    qualifiers = []
    if "still rising" in read["notes"]:
        qualifiers.append(f"its curve was still rising at {steps_text(read['reach'])}, so it may lie higher")
    qualifiers += [f"its curve's {n}" for n in read["notes"] if n.startswith("peak")]
    qualifiers += [f"its run {n}" for n in read["notes"] if n.startswith("stopped at")]
    asymptote_words = f"its asymptote {level:.1f}" + (f" ({'; '.join(qualifiers)})" if qualifiers else "")
    if level - final > REACHES * abs(level):
        share = f", {final / level:.0%} of it" if level > 0 and final > 0 else ""
        where = (f"{name} gets there in {ratio_text(crossing, missed, seeds)}" if crossing is not None
                 else f"{name} does not get there within {steps_text(read['reach'])}")
        return False, f"does not hold against {name}: below {asymptote_words}{share}; {where}"
    if crossing is None:
        return True, (f"holds against {name}: {asymptote_words} reached, and {name} does not reach MB-MPO's return "
                      f"within {steps_text(read['reach'])}")
    if shown_ratio(crossing) >= SAMPLE_RATIO:
        return True, (f"holds against {name}: {asymptote_words} reached, and {name} needs "
                      f"{ratio_text(crossing, missed, seeds)} to reach MB-MPO's return")
    return False, (f"holds in return but not in samples against {name}: {asymptote_words} reached, but {name} needs "
                   f"only {ratio_text(crossing, missed, seeds)}")


def ordering(baselines):
    """The model-based methods at 52 000 steps, best first, with their seed counts ('MB-MPO 446.9 (3 seeds) >
    ME-TRPO 112.3 (1 seed)'), those without a finished run, and whether MB-MPO comes first, strictly (None until
    all three have one)."""
    means = {algo: sum(v) / len(v) for algo, v in baselines.items() if v}
    ranked = sorted(means, key=lambda algo: -means[algo])
    text = " > ".join(f"{NAMES[a]} {means[a]:.1f} ({counted(len(baselines[a]), 'seed')})" for a in ranked)
    missing = [NAMES[a] for a in baselines if a not in means]
    first = None if missing else all(means["mb-mpo"] > v for a, v in means.items() if a != "mb-mpo")
    return text, missing, first


def verdict_rules():
    """The sentence that states the verdict's reading rules, from the constants themselves."""
    return (f"Reading rules: MB-MPO reaches a model-free method's asymptote when its 100 000-step return is at "
            f"most {REACHES * 100:g} % (of the asymptote's magnitude) below it, and the claim holds against that "
            f"method when it does and the method needs at least {SAMPLE_RATIO} times MB-MPO's 101 000 steps (the "
            "ratio as the table prints it) to first reach that return, or never does within its run; the paper's "
            "ordering is MB-MPO first among the three model-based methods at 52 000 steps.")


def verdict(tasks):
    """The headline claim and the paper's ordering, per task, in words, from the same numbers as the table."""
    lines, holds, measured, firsts, ranked = [], {"trpo": 0, "ppo": 0}, {"trpo": 0, "ppo": 0}, 0, 0
    for task in tasks:
        parts = []
        final = task["final"]
        if final is not None:
            parts.append(f"MB-MPO {final:.1f} at 100 000 steps ({counted(len(task['finals']), 'seed')})")
            for algo in ("trpo", "ppo"):
                read = task["model_free"].get(algo)
                if read is None:
                    parts.append(f"no {NAMES[algo]} run")
                    continue
                ok, words = claim_against(final, read, task["crossing"][algo], task["missed"][algo])
                measured[algo] += 1
                holds[algo] += ok
                parts.append(words)
        else:
            parts.append("no MB-MPO seed at 100 000 steps yet, so the claim is not measured")
        text, missing, first = ordering(task["baselines"])
        if text:
            parts.append(f"at 52 000 steps {text}"
                         + (f"; no finished run yet for {' and '.join(missing)}" if missing else ""))
        else:
            parts.append("no model-based run at 52 000 steps yet")
        if first is not None:
            ranked += 1
            firsts += first
            parts[-1] += ": MB-MPO first, the paper's ordering" if first else ": not the paper's ordering"
        lines.append(f"- **{task['env']}**: " + "; ".join(parts) + ".")
    lines.append("")
    against = " and ".join(f"against {NAMES[a]} on {holds[a]} of the {counted(measured[a], 'task')} measured"
                           for a in ("trpo", "ppo"))
    order = (f"MB-MPO comes first among the model-based methods on {firsts} of the {counted(ranked, 'task')} "
             "where all three have a finished run" if ranked
             else "no task has a finished run of all three model-based methods yet")
    lines.append(f"Of the {len(tasks)} tasks, the claim holds {against}; {order}.")
    lines.append("")
    lines.append(verdict_rules())
    return "\n".join(lines) + "\n"


def model_free_curves():
    """Every committed TRPO and PPO run: its return at 10⁶ … 10⁸ steps, its last row, and its wall-clock time."""
    columns = CURVE_LABELS
    lines = ["| task | algorithm | seed | " + " | ".join(columns) + " | last (steps) | iterations | wall clock | machine |",
             "|---" * (len(columns) + 7) + "|"]
    for env, algo, seed, rows in runs():
        if algo not in ("trpo", "ppo"):
            continue
        points = curve(rows, algo)
        cells = [env, algo, seed]
        for target in CURVE_POINTS:
            value = value_at(points, target) if points else None
            cells.append(f"{value:.1f}" if value is not None else "–")
        cells.append(f"{points[-1][1]:.1f} ({steps_text(points[-1][0])})" if points else "–")
        try:
            with open(os.path.join(RESULTS, env, algo, seed, "run-info.json")) as f:
                info = json.load(f)
        except (OSError, ValueError):
            info = {}
        cells.append(str(len(rows)))
        seconds = info.get("wall_clock_seconds")
        cells.append(f"{seconds / 60:.0f} min" if seconds is not None else "–")
        cells.append(info.get("note") or "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# The paper's other experiments (Benchmarks/paper_runs.sh --plan robustness|adaptation|exploration): their runs are
# variants s<seed>-<prefix>…, grouped by the settings their config.json holds, not by their names.
EXPERIMENTS = {"robustness": "bad-", "adaptation": "study-", "exploration": "explore-"}
# an experiment run's result: the mean of its last FINAL_ROWS logged returns (one row is a noisy 20-episode mean)
FINAL_ROWS = 3


def setting(config, path, default=None):
    node = config
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def experiment_runs(prefix):
    """The finished runs of one experiment: (algo, config, final return)."""
    found = []
    for env, algo, seed, rows in runs():
        variant = seed.split("-", 1)[1] if "-" in seed else ""
        if not variant.startswith(prefix):
            continue
        path = os.path.join(RESULTS, env, algo, seed, "config.json")
        try:
            with open(path) as f:
                config = json.load(f)
        except (OSError, ValueError) as error:
            sys.exit(f"{path}: cannot be read ({error})")
        points = curve(rows, algo)
        if not complete(config, rows) or not points:
            continue  # unfinished
        found.append((algo, config, settled_at(points, points[-1][0])))
    return found


def cell(values):
    if not values:
        return "–"
    mean, std = mean_std(values)
    return f"{mean:.1f} ± {std:.1f} ({len(values)})" if len(values) > 1 else f"{mean:.1f} (1)"


def number_text(value):
    return f"{value:g}"


def robustness_table():
    found = experiment_runs(EXPERIMENTS["robustness"])

    def values(algo, bias, noise):
        return [r for a, c, r in found if a == algo and setting(c, "dynamics.imperfection.biasHigh", 0) == bias
                and setting(c, "dynamics.imperfection.noiseStd", 0) == noise]

    lines = ["| offsets b_k from | noise σ | MB-MPO | ME-TRPO |", "|---|---|---|---|"]
    for bias in (0, 0.5, 1):
        for noise in (0, 0.1):
            cells = [f"[0, {number_text(bias)}]", number_text(noise)]
            for algo in ("mb-mpo", "me-trpo"):
                text, perfect = cell(values(algo, bias, noise)), values(algo, 0, 0)
                if values(algo, bias, noise) and perfect and mean_std(perfect)[0] > 0 and (bias, noise) != (0, 0):
                    share = mean_std(values(algo, bias, noise))[0] / mean_std(perfect)[0]
                    text += f", {100 * share:.0f} % of its exact-model return"
                cells.append(text)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def adaptation_table():
    found = [(c, r) for a, c, r in experiment_runs(EXPERIMENTS["adaptation"]) if a == "mb-mpo"]

    def runs_with(**wanted):
        return [r for c, r in found if all(setting(c, k.replace("_", "."), None) == v for k, v in wanted.items())]

    base = {"meta_metaBatchSize": 10, "dynamics_members": 5, "sampling_imaginedRolloutsPerTask": 50}
    lines = ["| study | value | MB-MPO |", "|---|---|---|"]
    for alpha in (0.01, 0.005, 0.001, 0):
        label = f"{number_text(alpha)}" + (" (no adaptation)" if alpha == 0 else "")
        lines.append(f"| inner step α (30 meta-steps) | {label} | "
                     f"{cell(runs_with(meta_innerStepSize=alpha, meta_stepsPerIteration=30, **base))} |")
    for steps in (5, 15, 30, 60):
        lines.append(f"| meta-steps per iteration (α = 0.001) | {steps} | "
                     f"{cell(runs_with(meta_innerStepSize=0.001, meta_stepsPerIteration=steps, **base))} |")
    for models, real, imagined in ((1, 20, 100), (5, 4, 40), (10, 2, 20), (20, 1, 10)):
        values = runs_with(dynamics_members=models, meta_metaBatchSize=models, meta_innerStepSize=0.001,
                           sampling_realRolloutsPerTask=real, sampling_imaginedRolloutsPerTask=imagined)
        lines.append(f"| ensemble size K (K tasks; {real} real, {imagined} imagined rollouts per task) | {models} | "
                     f"{cell(values)} |")
    return "\n".join(lines) + "\n"


def exploration_table():
    found = [(c, r) for a, c, r in experiment_runs(EXPERIMENTS["exploration"]) if a == "mb-mpo"]
    lines = ["| tailored exploration | MB-MPO |", "|---|---|"]
    for tailored in (True, False):
        values = [r for c, r in found if setting(c, "meta.tailoredExploration", True) == tailored]
        lines.append(f"| {'on (θ′ᵢ explore)' if tailored else 'off (θ explores)'} | {cell(values)} |")
    return "\n".join(lines) + "\n"


def gymnasium_table():
    """Gymnasium's v5 tasks: MB-MPO at 100 000 and 200 000 real steps (mean ± std over seeds of each seed's last 3
    iterations up to the point), TRPO and PPO at 200 000 and 10⁶ (mean ± std over seeds; the published numbers to
    set beside them are in BENCHMARKS.md's section, with their sources)."""
    by_task = {}
    for env, algo, seed, rows in runs():
        if env in GYMNASIUM_TASKS and "-" not in seed:
            by_task.setdefault(env, {}).setdefault(algo, []).append(curve(rows, algo))
    lines = ["| task | MB-MPO at 100 000 (seeds) | MB-MPO at 200 000 (seeds) | TRPO at 200 000 / 10⁶ (seeds) | "
             "PPO at 200 000 / 10⁶ (seeds) |", "|---|---|---|---|---|"]
    for env in GYMNASIUM_TASKS:
        algos = by_task.get(env, {})
        if not algos:
            continue
        cells = [env]
        for steps in (100_000, 200_000):
            values = [v for v in (settled_at(p, steps) for p in algos.get("mb-mpo", [])) if v is not None]
            if values:
                mean, std = mean_std(values)
                cells.append(f"{mean:.1f} ± {std:.1f} ({len(values)})")
            else:
                cells.append("–")
        for algo in ("trpo", "ppo"):
            cells.append(model_free_cell(algos.get(algo, []), (200_000, 1_000_000)))
        lines.append("| " + " | ".join(cells) + " |")
    if len(lines) == 2:
        lines.append("| (no finished run yet) | – | – | – | – |")
    return "\n".join(lines) + "\n"


def model_free_cell(curves, points):
    """`a / b (seeds)`: each seed's return at each of `points` real steps, as mean ± std over the seeds that got
    there (a dash where none did), and how many seeds there are."""
    pair = []
    for steps in points:
        values = [v for v in (value_at(p, steps) for p in curves if p) if v is not None]
        if not values:
            pair.append("–")
            continue
        mean, std = mean_std(values)
        pair.append(f"{mean:.1f} ± {std:.1f}" if len(values) > 1 else f"{mean:.1f}")
    seeds = sum(1 for p in curves if p)
    return " / ".join(pair) + (f" ({seeds})" if seeds else "")


def posture_table():
    """Every committed half-cheetah run whose final policy was scored with `mbmpo eval` (its eval.json): the return
    on those episodes and how much of them the torso spent upside down (the flipped gait: upside down for more than
    half of an episode's states)."""
    lines = ["| task | algorithm | run | eval return | states upside down | episodes flipped | flipped gait began |",
             "|---|---|---|---|---|---|---|"]
    flipped_runs = scored = 0
    for env, algo, seed, rows in runs():
        if env not in ("half-cheetah", "HalfCheetah-v5"):
            continue
        try:
            with open(os.path.join(RESULTS, env, algo, seed, "eval.json")) as f:
                scores = json.load(f)
        except (OSError, ValueError):
            continue
        if scores.get("upsideDownEpisodes") is None:
            continue
        scored += 1
        flipped = scores["upsideDownEpisodes"]
        flipped_runs += flipped * 2 > scores["episodes"]
        lines.append(f"| {env} | {algo} | {seed} | {scores['returnMean']:.1f} ± {scores['returnStd']:.1f} "
                     f"| {100 * scores['upsideDownFraction']:.1f} % | {flipped} of {scores['episodes']} "
                     f"| {flip_onset(os.path.join(RESULTS, env, algo, seed, 'recorded.json'), rows)} |")
    if not scored:
        lines.append("| (no scored run yet) | – | – | – | – | – | – |")
    return "\n".join(lines) + f"\n\nRuns whose final policy is flipped in most episodes: {flipped_runs} of {scored}.\n"


def flip_onset(path, rows):
    """When a run's own real episodes were first mostly upside down (its recorded.json, `mbmpo eval --recorded`):
    "iteration k (S steps)", with S the real steps logged at that iteration; "never" if no iteration was; "–" without
    the file."""
    try:
        with open(path) as f:
            first = json.load(f).get("firstFlippedIteration")
    except (OSError, ValueError):
        return "–"
    if first is None:
        return "never"
    steps = number(rows[first], "n_timesteps") if 0 <= first < len(rows) else None
    return f"iteration {first}" + (f" ({steps:,.0f} steps)".replace(",", " ") if steps is not None else "")


EXPERIMENT_TABLES = {"robustness": robustness_table, "adaptation": adaptation_table,
                     "exploration": exploration_table}


def replace_between(name, start_marker, end_marker, generated, args):
    """Writes or checks one generated block of a Markdown file; returns whether it failed."""
    path = os.path.join(ROOT, name)
    with open(path) as f:
        text = f.read()
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        print(f"{name}: no {start_marker} … {end_marker} markers", file=sys.stderr)
        return True
    current = text[start + len(start_marker):end].strip("\n") + "\n"
    if args.write:
        with open(path, "w") as f:
            f.write(text[:start + len(start_marker)] + "\n" + generated + text[end:])
    elif args.check and current != generated:
        print(f"{name}: a generated table differs from the committed logs; run "
              "python3 Benchmarks/results.py tables --write", file=sys.stderr)
        return True
    return False


def tables(args):
    tasks = headline()
    generated, words, curves = table(tasks), verdict(tasks), model_free_curves()
    failed = False
    for name in ("README.md", "BENCHMARKS.md"):
        failed |= replace_between(name, START, END, generated, args)
        failed |= replace_between(name, VERDICT_START, VERDICT_END, words, args)
    failed |= replace_between("BENCHMARKS.md", CURVES_START, CURVES_END, curves, args)
    gymnasium = gymnasium_table()
    failed |= replace_between(
        "BENCHMARKS.md", "<!-- gymnasium-table:start -->", "<!-- gymnasium-table:end -->", gymnasium, args)
    posture = posture_table()
    failed |= replace_between(
        "BENCHMARKS.md", "<!-- half-cheetah-posture:start -->", "<!-- half-cheetah-posture:end -->", posture, args)
    experiments = {name: make() for name, make in EXPERIMENT_TABLES.items()}
    for name, text in experiments.items():
        failed |= replace_between(
            "BENCHMARKS.md", f"<!-- experiment-{name}:start -->", f"<!-- experiment-{name}:end -->", text, args)
    if not args.check:
        sys.stdout.write(generated + "\n" + words + "\n" + curves + "\n" + gymnasium + "\n" + posture
                         + "".join("\n" + text for text in experiments.values()))
    sys.exit(1 if failed else 0)


# the settings each experiment's figure tells its curves apart by (`mbmpo plot --label-by`)
EXPERIMENT_LABELS = {
    "robustness": ["dynamics.imperfection.biasHigh", "dynamics.imperfection.noiseStd"],
    "adaptation": ["meta.innerStepSize", "meta.stepsPerIteration", "dynamics.members"],
    "exploration": ["meta.tailoredExploration"],
}


def plot(mbmpo, arguments, out):
    """`mbmpo plot ARGUMENTS --out OUT`; a missing binary or a failed plot ends the program with a one-line error."""
    try:
        done = subprocess.run([mbmpo, "plot", *arguments, "--out", out])
    except OSError as error:
        sys.exit(f"cannot run {mbmpo} ({error.strerror}); build it (scripts/setup.sh) or pass --mbmpo")
    if done.returncode != 0:
        sys.exit(f"mbmpo plot failed for {os.path.relpath(out, ROOT)} (exit {done.returncode}, above)")


def figures(args):
    for env in TASKS + GYMNASIUM_TASKS:
        folders = sorted({os.path.join(RESULTS, e, a, s) for e, a, s, _ in runs() if e == env and "-" not in s})
        if not folders:
            continue
        plot(args.mbmpo, folders, os.path.join(ROOT, "docs", f"results-{env}.png"))
    for name, prefix in EXPERIMENTS.items():
        folders = sorted({os.path.join(RESULTS, e, a, s) for e, a, s, _ in runs()
                          if "-" in s and s.split("-", 1)[1].startswith(prefix)})
        if not folders:
            continue
        labels = [part for key in EXPERIMENT_LABELS[name] for part in ("--label-by", key)]
        plot(args.mbmpo, folders + labels, os.path.join(ROOT, "docs", f"experiment-{name}.png"))


def training_folders():
    """The real paths of the folders that running processes were given as arguments (`mbmpo train --out DIR`,
    `--resume DIR`), from /proc; empty where there is no /proc."""
    found = set()
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if len(argv) > 1 and argv[1] == "train":
            found.update(os.path.realpath(os.path.join(cwd, a)) for a in argv[2:])
    return found


def logged_eta(log, rows):
    """`train`'s own time left (its ETA, which extends the trend of the iteration times) from the last iteration
    line of a run's log, in hours, if that line is for the run's last logged iteration."""
    try:
        with open(log, errors="replace") as f:
            lines = [line for line in f if line.startswith("itr ")]
    except OSError:
        return None
    # `train` writes it as "1h 02m", "3m 05s" or "12s"
    found = re.match(r"itr (\d+)/\d+ .*\| ETA (?:(\d+)h)? ?(?:(\d+)m)? ?(?:(\d+)s)?\s*$", lines[-1]) if lines else None
    if not found or int(found.group(1)) != rows:
        return None
    hours, minutes, seconds = (int(found.group(i) or 0) for i in (2, 3, 4))
    return hours + minutes / 60 + seconds / 3600


def read_run(folder):
    """(config, rows) of a run folder, ({}, []) for what it lacks or cannot be read (a run just started has no
    progress.csv yet)."""
    try:
        with open(os.path.join(folder, "config.json")) as f:
            config = json.load(f)
    except (OSError, ValueError):
        config = {}
    try:
        rows = read_progress(os.path.join(folder, "progress.csv"))
    except (OSError, ValueError, csv.Error):
        rows = []
    return config if isinstance(config, dict) else {}, rows


def entry_state(folder, config, iterations):
    """Where a plan entry stands (Benchmarks/paper_runs.sh asks through `state`): ("committed", rows, kept) where its
    run folder is not there but Benchmarks/results holds it done (finished on another machine), ("finished", rows,
    kept) where the folder holds it done, else ("", rows, kept); rows are the folder's logged iterations, kept the
    committed folder. Done: `iterations` logged, or the run's step budget reached (`complete`)."""
    kept = result_folder(os.path.basename(folder), config)[0]
    if not os.path.isdir(folder):
        kept_config, kept_rows = read_run(kept)
        return ("committed" if kept_rows and complete(kept_config, kept_rows, iterations) else ""), 0, kept
    own_config, rows = read_run(folder)
    return ("finished" if rows and complete(own_config, rows, iterations) else ""), len(rows), kept


def state(args):
    """Prints 'STATE ROWS KEPT' for one plan entry (STATE '-' for none), for paper_runs.sh."""
    config = {"environment": args.env, "algorithm": args.algo, "seed": args.seed}
    found, rows, kept = entry_state(args.folder.rstrip("/"), config, args.iterations)
    print(found or "-", rows, kept)


def first_iteration_seconds(folder, algorithm):
    """The wall clock of a run folder's first logged iteration if it ran `algorithm`, else None."""
    config, rows = read_run(folder)
    return number(rows[0], "Time-Itr") if rows and config.get("algorithm") == algorithm else None


def expected_seconds(resume=None, runs_dir=None, algo=None, env=None, variant=""):
    """The seconds Benchmarks/paper_runs.sh expects an entry's next iteration to take, None where nothing tells: for
    a run it resumes (`resume`, its folder), its last logged iteration; for one it starts, the longest first
    iteration of `algo` among `runs_dir`'s folders, else among the committed seeds of the same task, algorithm and
    variant (their wall clocks come from the machines that ran them)."""
    if resume:
        rows = read_run(resume)[1]
        return number(rows[-1], "Time-Itr") if rows else None
    suffix = f"-{variant}" if variant else ""
    committed = [folder for folder in glob.glob(os.path.join(RESULTS, glob.escape(env), glob.escape(algo), "s*"))
                 if re.fullmatch(r"s\d+" + re.escape(suffix), os.path.basename(folder))]
    for folders in (glob.glob(os.path.join(glob.escape(runs_dir), "*")), committed):
        times = [t for t in (first_iteration_seconds(f, algo) for f in folders) if t is not None]
        if times:
            return max(times)
    return None


def estimate(args):
    """Prints `expected_seconds` for paper_runs.sh, nothing where nothing tells."""
    seconds = expected_seconds(args.resume, args.runs_dir, args.algo, args.env, args.variant)
    if seconds is not None:
        print(seconds)


def hours_left(planned, rows, finished, eta_hours=None):
    """The hours of training a run still needs: 0 when finished; `train`'s own ETA where its log has one; else the
    iterations left at the mean of its last iteration times; None when nothing tells."""
    left = max(0, planned - len(rows)) if isinstance(planned, int) and not finished else 0
    if not left:
        return 0
    if eta_hours is not None:
        return eta_hours
    recent = [t for t in (number(r, "Time-Itr") for r in rows) if t is not None][-FINAL_ROWS:]
    return left * sum(recent) / len(recent) / 3600 if recent else None


def typical_hours(measured, algorithm, iterations):
    """The hours a run of `algorithm` with `iterations` iterations takes: the mean over `measured`, a list of
    (algorithm, iterations, hours) of complete runs; None without one alike."""
    alike = [hours for algo, count, hours in measured if algo == algorithm and count == iterations]
    return sum(alike) / len(alike) if alike else None


def measured_runs(runs_dir):
    """(algorithm, iterations, hours) of every complete run, from RUNS_DIR's folders, or, for an algorithm and length
    that none of them has, from Benchmarks/results (whose wall clocks come from the machines that ran them)."""
    def measured(folder):
        config, rows = read_run(folder)
        if not rows or not complete(config, rows):
            return None
        return config.get("algorithm"), config.get("iterations"), sum(number(r, "Time-Itr") or 0 for r in rows) / 3600

    here = [run for run in map(measured, glob.glob(os.path.join(runs_dir, "*"))) if run]
    kinds = {(algo, count) for algo, count, _ in here}
    committed = [run for run in map(measured, glob.glob(os.path.join(RESULTS, "*", "*", "*"))) if run]
    return here + [run for run in committed if run[:2] not in kinds]


def run_status(folder, config, rows, training, kept_rows, eta_hours=None):
    """One row of `status`: the cells for a run folder (see the module's text); `eta_hours` is `train`'s own
    estimate where its log has one for the last iteration."""
    planned = config.get("iterations")
    points = curve(rows, config.get("algorithm"))
    steps = number(rows[-1], "n_timesteps") if rows else None
    finished = complete(config, rows)
    times = [t for t in (number(r, "Time-Itr") for r in rows) if t is not None]
    left = hours_left(planned, rows, finished, eta_hours)
    eta = f"≈ {left:.1f} h" if left else "–"
    try:
        with open(os.path.join(folder, "eval.json")) as f:
            scores = json.load(f)
        scored = isinstance(scores, dict) and scores.get("iteration") == len(rows) > 0
    except (OSError, ValueError):
        scored = False
    state = "training" if training else "finished" if finished else "stopped"
    kept = "–" if kept_rows is None else "yes" if kept_rows == len(rows) else f"{kept_rows} iterations"
    return [os.path.basename(folder), state, f"{len(rows)}/{planned if isinstance(planned, int) else '?'}",
            "–" if steps is None else f"{steps:.0f}",
            f"{points[-1][1]:.1f}" if points else "–",
            f"{settled_at(points, points[-1][0]):.1f}" if points else "–",
            f"{sum(times) / 3600:.2f} h", eta, "yes" if scored else "no", kept]


def status(args):
    training = training_folders()
    try:
        names = sorted(os.listdir(args.runs_dir))
    except OSError as error:
        sys.exit(f"{args.runs_dir}: cannot list the run folders ({error.strerror})")
    lines = ["| run | state | iterations | steps | last return | last 3 | wall clock | left | scored "
             "| in Benchmarks/results |", "|---|---|---|---|---|---|---|---|---|---|"]
    states, hours_by_name = {}, {}
    uncollected = []
    for name in names:
        folder = os.path.join(args.runs_dir, name)
        if not os.path.isfile(os.path.join(folder, "config.json")):
            continue
        try:
            with open(os.path.join(folder, "config.json")) as f:
                config = json.load(f)
            if not isinstance(config, dict):
                raise ValueError("config.json is not an object")
            # a run that has just started has no progress.csv yet
            progress = os.path.join(folder, "progress.csv")
            rows = read_progress(progress) if os.path.exists(progress) else []
            # how many iterations Benchmarks/results holds of it, None for none
            kept = len(read_run(result_folder(name, config)[0])[1]) or None
        except (OSError, ValueError, KeyError) as error:
            print(f"{folder}: skipped, not a readable run folder ({error})", file=sys.stderr)
            continue
        eta = logged_eta(folder + ".log", len(rows))
        cells = run_status(folder, config, rows, os.path.realpath(folder) in training, kept, eta)
        lines.append("| " + " | ".join(cells) + " |")
        states[name] = cells[1]
        if cells[1] == "finished" and (kept is None or kept < len(rows)):
            uncollected.append(folder)
        hours_by_name[name] = hours_left(config.get("iterations"), rows, cells[1] == "finished", eta)
    if args.plan:
        counts, planned_hours = {}, []
        measured = measured_runs(args.runs_dir)
        for name, config, iterations in planned_runs(args.plan, args.runs_dir):
            if name not in states:
                kept_config, kept_rows = read_run(result_folder(name, config)[0])
                done = bool(kept_rows) and complete(kept_config, kept_rows, iterations)
                states[name] = "committed" if done else "not started"
                lines.append(f"| {name} | {states[name]} | {len(kept_rows)}/{iterations} | – | – | – | – | – | – "
                             f"| {'yes' if kept_rows else '–'} |")
                hours_by_name[name] = 0 if done else typical_hours(measured, config["algorithm"], iterations)
            planned_hours.append(hours_by_name.get(name))
            counts[states[name]] = counts.get(states[name], 0) + 1
        left = sum(h for h in planned_hours if h is not None)
        unknown = sum(h is None for h in planned_hours)
        lines.append("")
        lines.append(f"plan {args.plan}: {counted(sum(counts.values()), 'run')}; "
                     + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
        lines.append(f"training left: ≈ {left:.0f} h (the plan's runs, each at its own pace; for the runs not started, "
                     "the complete runs of the same algorithm and length: RUNS_DIR's, else the committed ones, from "
                     "other machines)"
                     + (f"; {counted(unknown, 'run')} without a measure not counted" if unknown else ""))
    if uncollected:
        # a run folder may not outlive its machine: its logs are safe only once committed
        lines.append("")
        lines.append(f"finished, but not (or not all) in Benchmarks/results: {len(uncollected)}; before the run "
                     "folders go, run: python3 Benchmarks/results.py collect " + " ".join(uncollected))
    print("\n".join(lines))


def planned_runs(plan, runs_dir):
    """The runs of a Benchmarks/paper_runs.sh plan: (folder name, the config keys collect needs, iterations), read
    from its --list."""
    script = os.path.join(ROOT, "Benchmarks", "paper_runs.sh")
    listed = subprocess.run([script, "--plan", plan, "--list", runs_dir], capture_output=True, text=True)
    if listed.returncode != 0:
        sys.exit(listed.stderr.strip() or f"paper_runs.sh --plan {plan} --list failed")
    found = []
    for line in listed.stdout.splitlines():
        words = shlex.split(line)
        value = {words[i]: words[i + 1] for i in range(len(words) - 1) if words[i].startswith("--")}
        try:
            config = {"environment": value["--env"], "algorithm": value["--algo"], "seed": int(value["--seed"])}
            found.append((os.path.basename(value["--out"]), config, int(value["--iterations"])))
        except (KeyError, ValueError):
            continue
    return found


def selftest(_args):
    """The reading rules on made-up curves: a failed check prints what it expected and exits 1."""
    failures = []

    def check(what, got, expected):
        if got != expected:
            failures.append(f"{what}: got {got!r}, expected {expected!r}")

    check("run_relative: the paths into the run, plain and with escaped slashes",
          run_relative(b'{"checkpoint" : "/r/a-s1/checkpoints/i.h5", "t": "\\/r\\/a-s1\\/t.h5", '
                       b'"other" : "/r/a-s10/x", "name" : "/r/a-s1"}', "/r/a-s1"),
          b'{"checkpoint" : "checkpoints/i.h5", "t": "t.h5", "other" : "/r/a-s10/x", "name" : "/r/a-s1"}')
    run = [(5_000, 0.0), (89_000, 50.0), (93_000, 1.0), (97_000, 2.0), (101_000, 6.0)]
    check("settled_at: the last 3 rows", settled_at(run, 101_000), 3.0)
    check("settled_at: rows up to the point only", settled_at(run, 97_000), (50.0 + 1.0 + 2.0) / 3)
    check("settled_at: a run that stopped short", settled_at(run[:-1], 101_000), None)
    check("settled_at: fewer rows than 3", settled_at(run[:2], 89_000), 25.0)
    check("value_at: the single row", value_at(run, 100_000), 2.0)
    rising = [(i * 50_000, float(i)) for i in range(20)]
    check("asymptote: a rising curve", asymptote(rising), (18.5, ["still rising"]))
    flat = [(i * 50_000, 100.0 + (i % 2)) for i in range(20)]
    check("asymptote: a flat curve", asymptote(flat), (100.5, []))
    fell = [(i * 50_000, 300.0 if 8 <= i < 13 else 100.0) for i in range(20)]
    check("asymptote: a curve off its peak", asymptote(fell), (100.0, ["peak 300.0 at 500·10³"]))
    negative = [(i * 50_000, -10.0 + 0.5 * i) for i in range(20)]
    check("asymptote: rising towards zero from below", asymptote(negative)[1], ["still rising"])
    lucky = [(i * 50_000, 500.0 if i == 3 else 0.0) for i in range(10)]
    check("first_reaching: one lucky row does not count", first_reaching(lucky, 200.0), None)
    steady = [(i * 50_000, 10.0 * i) for i in range(10)]
    check("first_reaching: the first 5-row mean that reaches", first_reaching(steady, 40.0), 300_000)
    rows = [{"n_timesteps": str(4000 * (i + 1)), "EnvTrajs-AverageReturn": str(10.0 * i), "Time-Itr": "600"}
            for i in range(4)]
    config = {"algorithm": "me-trpo", "iterations": 13, "totalSteps": None}
    check("status: a stopped run", run_status("/nonexistent/hopper-me-trpo-s22", config, rows, False, None),
          ["hopper-me-trpo-s22", "stopped", "4/13", "16000", "30.0", "20.0", "0.67 h", "≈ 1.5 h", "no", "–"])
    check("status: training, committed with fewer rows",
          run_status("/nonexistent/r", config, rows, True, 3)[1::8], ["training", "3 iterations"])
    check("status: finished by its iterations",
          [run_status("/nonexistent/r", dict(config, iterations=4), rows, False, 4)[i] for i in (1, 7, 9)],
          ["finished", "–", "yes"])
    check("status: no planned count, not finished",
          run_status("/nonexistent/r", {"algorithm": "trpo"}, rows, False, None)[1:3], ["stopped", "4/?"])
    check("status: just started, no rows", run_status("/nonexistent/r", config, [], True, None)[1:7],
          ["training", "0/13", "–", "–", "–", "0.00 h"])
    check("hours_left: finished, train's ETA, the last iterations' mean, nothing to tell",
          [hours_left(4, rows, True), hours_left(13, rows, False, 2.5), hours_left(13, rows, False),
           hours_left(13, [{"n_timesteps": "1"}], False)], [0, 2.5, 9 * 600 / 3600, None])
    short, long = [(100_000, 5.0), (200_000, 7.0)], [(200_000, 1.0), (1_000_000, 3.0)]
    check("model_free_cell: one seed, two seeds, one seed short of 10⁶, none",
          [model_free_cell([short], (200_000, 1_000_000)), model_free_cell([long, long], (200_000, 1_000_000)),
           model_free_cell([short, long], (200_000, 1_000_000)), model_free_cell([], (200_000, 1_000_000))],
          ["7.0 / – (1)", "1.0 ± 0.0 / 3.0 ± 0.0 (2)", "4.0 ± 3.0 / 3.0 (2)", "– / –"])
    check("binary_ranges: one build, a change of build, a resume that went back, the same build twice, nothing run",
          [binary_ranges([(0, "a")], 13), binary_ranges([(0, "a"), (3, "b")], 13),
           binary_ranges([(0, "a"), (5, "b"), (3, "c")], 13), binary_ranges([(0, "a"), (3, "a"), (9, "b")], 13),
           binary_ranges([(0, "a"), (13, "b")], 13), binary_ranges([], 13), binary_ranges([(0, "a"), (1, "b")], 2)],
          ["a (iterations 0–12)", "a (iterations 0–2), b (3–12)", "a (iterations 0–2), c (3–12)",
           "a (iterations 0–8), b (9–12)", "a (iterations 0–12)", None, "a (iteration 0), b (1)"])
    with tempfile.TemporaryDirectory() as scratch:
        def entry(first, kernels, event="resume", family=25):
            return {"event": event, "fromIteration": first, "openblasKernels": kernels, "mbmpo": {"commit": "abc1234"},
                    "cpu": {"model": "AMD EPYC", "family": family, "modelNumber": 17, "vectorLevel": "avx512-bf16",
                            "logicalCPUs": 2}}
        with open(os.path.join(scratch, "run-info.json"), "w") as f:
            json.dump({"entries": [entry(0, "Cooperlake", "start"), entry(5, "Haswell", family=26),
                                   entry(3, "SkylakeX"), entry(9, "Cooperlake", "eval")]}, f)
        check("entry_values, trained_kernels: a resume that went back retrains, other events count for nothing",
              [entry_values(scratch, 13, lambda e: e["openblasKernels"]), entry_values(scratch, 3, entry_cpu),
               entry_values(scratch, 13, lambda e: e["mbmpo"]["commit"]),
               [trained_kernels(scratch, i) for i in (0, 2, 3, 12)], entry_values(scratch + "/none", 13, entry_cpu)],
              ["Cooperlake (iterations 0–2), SkylakeX (3–12)", "AMD EPYC (family 25, model 17, AVX512-BF16, 2 logical "
               "CPUs)", "abc1234", ["Cooperlake", "Cooperlake", "SkylakeX", "SkylakeX"], None])
        os.makedirs(os.path.join(scratch, "checkpoints"))
        for name in ("iter-0003.h5", "iter-0004.h5", "iter-0010.h5.part"):
            open(os.path.join(scratch, "checkpoints", name), "w").close()
        newest = checkpoint_iterations(scratch)
        with open(os.path.join(scratch, "checkpoints", "latest"), "w") as f:
            f.write("iter-0003.h5\n")
        with open(os.path.join(scratch, "run-info.json"), "w") as f:
            json.dump({"entries": [entry(0, "Haswell", "start"), entry(7, "Haswell", family=26)]}, f)
        check("entry_values: a run resumed on another CPU, whose description holds parentheses",
              entry_values(scratch, 13, entry_cpu),
              "AMD EPYC (family 25, model 17, AVX512-BF16, 2 logical CPUs) (iterations 0–6), AMD EPYC (family 26, model "
              "17, AVX512-BF16, 2 logical CPUs) (7–12)")
        check("checkpoint_iterations: the newest checkpoint, then the one latest names",
              [newest, checkpoint_iterations(scratch), checkpoint_iterations(scratch + "/none")], [4, 3, None])
        for text in ('{"entries": [{"event": "start", "fromIteration": 1e400}]}',
                     '{"entries": [{"event": "start", "fromIteration": "0"}]}', "[" * 100_000 + "]" * 100_000,
                     '{"entries": [{"event": "start", "fromIteration": 0, "openblasKernels": 7}]}'):
            with open(os.path.join(scratch, "run-info.json"), "w") as f:
                f.write(text)
            check(f"entry_values, trained_kernels: a hostile run-info.json ({text[:40]}) reads as nothing",
                  [entry_values(scratch, 3, lambda e: e["openblasKernels"]), trained_kernels(scratch, 0),
                   binaries(scratch, 3) if "1e400" in text or "[" * 10 in text else None], [None, None, None])
    measured = [("mb-mpo", 25, 3.0), ("mb-mpo", 25, 4.0), ("mb-mpo", 13, 1.0), ("me-trpo", 25, 9.0)]
    check("seeds_cell: none, one, two (population std)", [seeds_cell([]), seeds_cell([5.0]), seeds_cell([1.0, 3.0])],
          ["–", "5.0 (1)", "2.0 ± 1.0 (2)"])
    check("typical_hours: the mean of the runs alike, none alike",
          [typical_hours(measured, "mb-mpo", 25), typical_hours(measured, "mb-mpc", 13)], [3.5, None])
    check("status: train's ETA where the log has one", run_status("/nonexistent/r", config, rows, False, None, 1.5)[7],
          "≈ 1.5 h")
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "r.log")
        with open(log, "w") as f:
            f.write("me-trpo on hopper\nitr 3/13 | steps 12000 | explore 91.5 | 505.2 s | ETA 4h 22m\n"
                    "itr 4/13 | steps 16000 | explore 123.8 | fit 497 ep | 450.0 s | ETA 58m 42s\n\nCtrl-C\n")
        check("logged_eta: the last iteration's", logged_eta(log, 4), 58 / 60 + 42 / 3600)
        check("logged_eta: not for the last logged iteration", logged_eta(log, 5), None)
        check("logged_eta: no log", logged_eta(log + ".missing", 4), None)
        with open(log, "a") as f:
            f.write("itr 5/13 | steps 20000 | fit 426 ep | 486.9 s | ETA 2h 42m\n")
        check("logged_eta: an hour or more (no seconds)", logged_eta(log, 5), 2 + 42 / 60)
        with open(log, "a") as f:
            f.write("itr 6/13 | steps 24000 | 3.1 s | ETA 9s\n")
        check("logged_eta: seconds only", logged_eta(log, 6), 9 / 3600)
    check("status: finished by its step budget",
          run_status("/nonexistent/r", dict(config, totalSteps=16000), rows, False, None)[1], "finished")
    with tempfile.TemporaryDirectory() as scratch:
        recorded = os.path.join(scratch, "recorded.json")
        logged = [{"n_timesteps": str(4000 * (i + 1))} for i in range(5)]
        check("flip_onset: no file", flip_onset(recorded, logged), "–")
        for first, expected in ((2, "iteration 2 (12 000 steps)"), (None, "never"), (9, "iteration 9")):
            with open(recorded, "w") as f:
                json.dump({"firstFlippedIteration": first}, f)
            check(f"flip_onset: first flipped {first}", flip_onset(recorded, logged), expected)
    with tempfile.TemporaryDirectory() as scratch:
        for name, algo, times in (("a", "mb-mpo", (100, 7)), ("b", "mb-mpo", (300, 8)), ("c", "me-trpo", (900,)),
                                  ("d", "mb-mpo", ())):
            os.makedirs(os.path.join(scratch, name))
            with open(os.path.join(scratch, name, "config.json"), "w") as f:
                json.dump({"algorithm": algo}, f)
            with open(os.path.join(scratch, name, "progress.csv"), "w") as f:
                f.write("n_timesteps,Time-Itr\n" + "".join(f"{i},{t}\n" for i, t in enumerate(times)))
        check("expected_seconds: a resumed run's last iteration, none logged yet",
              [expected_seconds(os.path.join(scratch, "b")), expected_seconds(os.path.join(scratch, "d"))], [8.0, None])
        check("expected_seconds: the longest first iteration of the algorithm among the runs",
              [expected_seconds(None, scratch, "mb-mpo", "hopper"), expected_seconds(None, scratch, "me-trpo", "x")],
              [300.0, 900.0])
        kept = [read_run(os.path.join(RESULTS, "half-cheetah", "mb-mpo", seed))[1] for seed in ("s22", "s33", "s12")]
        firsts = [number(rows[0], "Time-Itr") for rows in kept if rows]
        check("expected_seconds: none here, the committed seeds' longest first iteration, none committed",
              [expected_seconds(None, os.path.join(scratch, "none"), "mb-mpo", "half-cheetah"),
               expected_seconds(None, os.path.join(scratch, "none"), "mb-mpo", "nowhere")],
              [max(firsts) if firsts else None, None])
    with tempfile.TemporaryDirectory() as scratch:
        planned = planned_runs("results", os.path.join(scratch, "runs"))
        check("planned_runs: --list makes no folder", os.path.exists(os.path.join(scratch, "runs")), False)
    check("planned_runs: the first run", planned[0] if planned else None,
          ("half-cheetah-mb-mpo-s22", {"environment": "half-cheetah", "algorithm": "mb-mpo", "seed": 22}, 25))
    variants = {name: os.path.relpath(result_folder(name, config)[0], RESULTS) for name, config, _ in planned
                if "bf16" in name}
    check("planned_runs: a variant's committed folder", variants.get("half-cheetah-bf16-mb-mpo-s12"),
          os.path.join("half-cheetah", "mb-mpo", "s12-bf16"))
    level = {"algo": "trpo", "asymptote": 100.0, "reach": 10_000_000, "notes": []}
    check("claim_against: reached, crossed at ×60; at ×20; never crossed; below the asymptote",
          [claim_against(98.0, level, 60 * MBMPO_STEPS)[0], claim_against(98.0, level, 20 * MBMPO_STEPS)[0],
           claim_against(120.0, level, None)[0], claim_against(94.0, level, 2 * MBMPO_STEPS)[0]],
          [True, False, True, False])
    check("claim_against: the words for a return below the asymptote",
          claim_against(80.0, level, 2 * MBMPO_STEPS)[1],
          "does not hold against TRPO: below its asymptote 100.0, 80% of it; TRPO gets there in 202·10³ (×2.0)")
    check("claim_against: negative returns, 5 % of the magnitude below and just inside it",
          [claim_against(-4.3, dict(level, asymptote=-4.0), None)[0],
           claim_against(-4.19, dict(level, asymptote=-4.0), None)[0]], [False, True])
    check("claim_against: a still-rising curve says so",
          "still rising at 10.0·10⁶" in claim_against(120.0, dict(level, notes=["still rising"]), None)[1], True)
    check("ordering: best first with seed counts, a missing method, MB-MPO first, second, tied",
          [ordering({"mb-mpo": [1.0, 3.0], "me-trpo": [5.0], "mb-mpc": []}),
           ordering({"mb-mpo": [6.0], "me-trpo": [5.0], "mb-mpc": [-1.0]})[2],
           ordering({"mb-mpo": [4.0], "me-trpo": [5.0], "mb-mpc": [-1.0]})[2],
           ordering({"mb-mpo": [5.0], "me-trpo": [5.0], "mb-mpc": [-1.0]})[2]],
          [("ME-TRPO 5.0 (1 seed) > MB-MPO 2.0 (2 seeds)", ["MB-MPC"], None), True, False, False])
    check("claim_against: the ratio compared as printed (×49.96 shows ×50 and holds; ×49.4 shows ×49 and not)",
          [claim_against(98.0, level, 49.96 * MBMPO_STEPS)[0], claim_against(98.0, level, 49.4 * MBMPO_STEPS)[0]],
          [True, False])
    check("claim_against: exactly 5 % below the asymptote still reaches it", claim_against(95.0, level, None)[0], True)
    check("claim_against: a stopped run and a higher peak qualify the asymptote",
          claim_against(120.0, dict(level, notes=["peak 130.0 at 2.0·10⁶", "stopped at 3 of 9 iterations"]), None)[1],
          "holds against TRPO: its asymptote 100.0 (its curve's peak 130.0 at 2.0·10⁶; its run stopped at 3 of 9 "
          "iterations) reached, and TRPO does not reach MB-MPO's return within 10.0·10⁶")
    two_seeds = dict(level, curves=[[], []])
    check("claim_against: one of two seeds crosses at ×60, the other never: read from the one, and said",
          claim_against(98.0, two_seeds, 60 * MBMPO_STEPS, [50_000_000]),
          (True, "holds against TRPO: its asymptote 100.0 reached, and TRPO needs 6.1·10⁶ (×60), in 1 of 2 seeds "
                 "(the other does not get there within 50.0·10⁶) to reach MB-MPO's return"))
    check("ratio_text: two of three seeds miss, the shorter run named",
          ratio_text(2 * MBMPO_STEPS, [10_000_000, 50_000_000], 3),
          "202·10³ (×2.0), in 1 of 3 seeds (the other 2 do not get there within 10.0·10⁶)")
    made_up = [{"env": "a", "model_free": {"trpo": level}, "crossing": {"trpo": None}, "missed": {"trpo": []},
                "finals": [110.0],
                "final": 110.0, "baselines": {"mb-mpo": [9.0], "me-trpo": [5.0], "mb-mpc": [1.0]}},
               {"env": "b", "model_free": {}, "crossing": {}, "missed": {}, "finals": [], "final": None,
                "baselines": {"mb-mpo": [], "me-trpo": [], "mb-mpc": []}}]
    check("verdict: a task's line", verdict(made_up).splitlines()[0],
          "- **a**: MB-MPO 110.0 at 100 000 steps (1 seed); holds against TRPO: its asymptote 100.0 reached, and TRPO "
          "does not reach MB-MPO's return within 10.0·10⁶; no PPO run; at 52 000 steps MB-MPO 9.0 (1 seed) > ME-TRPO "
          "5.0 (1 seed) > MB-MPC 1.0 (1 seed): MB-MPO first, the paper's ordering.")
    check("verdict: the closing count", verdict(made_up).splitlines()[-3],
          "Of the 2 tasks, the claim holds against TRPO on 1 of the 1 task measured and against PPO on 0 of the 0 "
          "tasks measured; MB-MPO comes first among the model-based methods on 1 of the 1 task where all three "
          "have a finished run.")
    for line in failures:
        print(line, file=sys.stderr)
    sys.exit(1 if failures else 0)


def main():
    # `status ... | head` ends quietly, as other commands do, rather than with a BrokenPipeError
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("collect")
    c.add_argument("runs", nargs="+")
    c.add_argument("--binary", default=None,
                   help="the binary that ran it (e.g. its commit); by default the builds the run's run-info.json names")
    c.add_argument("--note", default=None, help="e.g. that the run shared the machine")
    c.add_argument("--changed-only", action="store_true",
                   help="leave a run alone whose logs Benchmarks/results already holds, as they are")
    t = commands.add_parser("tables")
    mode = t.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    f = commands.add_parser("figures")
    f.add_argument("--mbmpo", default=os.path.join(ROOT, ".build", "release", "mbmpo"))
    st = commands.add_parser("status")
    st.add_argument("runs_dir")
    st.add_argument("--plan", default=None, help="also list this paper_runs.sh plan's runs that have no folder")
    sa = commands.add_parser("state")
    sa.add_argument("folder")
    sa.add_argument("env")
    sa.add_argument("algo")
    sa.add_argument("seed", type=int)
    sa.add_argument("iterations", type=int)
    es = commands.add_parser("estimate")
    es.add_argument("--resume", default=None, metavar="DIR", help="the run folder to be resumed")
    es.add_argument("--runs-dir", default=None)
    es.add_argument("--algo", default=None)
    es.add_argument("--env", default=None)
    es.add_argument("--variant", default="")
    kn = commands.add_parser("kernels")
    kn.add_argument("folder")
    commands.add_parser("selftest")
    args = parser.parse_args()
    if args.command == "estimate" and not args.resume and None in (args.runs_dir, args.algo, args.env):
        parser.error("estimate: give --resume DIR, or --runs-dir, --algo and --env")
    {"collect": collect, "tables": tables, "figures": figures, "status": status, "state": state,
     "estimate": estimate, "kernels": kernels, "selftest": selftest}[args.command](args)


if __name__ == "__main__":
    main()
