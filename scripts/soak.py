#!/usr/bin/env python3
"""Hostile-user soak of the mbmpo release binary.

Usage: scripts/soak.py [--short | --full] [--binary PATH] [--seed N] [--workdir DIR] [--keep]
                       [--only kill,files,config,models]

Sections (all by default; on 2 cores --short takes about 2 minutes, --full about 3 to 5; BENCHMARKS.md):
  kill    One uninterrupted TINY run of 3 iterations (the reference, timed: T) and a control run that must equal it.
          Then runs started fresh, each killed with SIGKILL at a random time in (0, T), resumed with
          `train --resume` and killed again, up to k times, before being let finish. The finished run must equal the
          reference: progress.csv except the Time-* columns, and every HDF5 dataset (dtype, shape, raw bytes) of
          trajectories.h5, trajectories/*.h5 and the final checkpoint; leftover temporary files are reported.
  files   Damaged copies of a finished TINY run: each of config.json, progress.csv, checkpoints/latest, the newest
          checkpoint, trajectories.h5 and one trajectories/*.h5 emptied, truncated, a byte flipped, 16 bytes
          overwritten, garbage appended, replaced by a directory, a FIFO, a dangling symlink or a symlink to
          /dev/zero, or made unreadable; each copy is fed to `train --resume` (also with --iterations 4), `export`
          and `render` (policy, and recorded states for trajectory files). A command that exits 0 despite the
          damage must give the same results as on an undamaged copy.
  config  Edge-case `--set key=value` inputs for every key of `mbmpo config show`, typed by `mbmpo config
          reference`, and malformed JSON files for `--config`: each first through `mbmpo config show`, then the
          accepted ones through `train TINY --iterations 1`. JSON with trailing commas or duplicate keys must be
          rejected.
  models  A copy of Assets/xml with one model damaged per case (huge gears, timestep 1, 0 or nan, huge gravity,
          negative mass, empty, non-XML or cut files), passed with --assets to `train` and `rollout`.

Acceptance rule: a command is ACCEPTABLE when it was not killed by a signal (nor exited with a code >= 128), did
not time out (its process group is killed then: a hang), and either
  (a) it exited 0 and what it wrote is finite (progress.csv, the HDF5 files it wrote, the numbers it printed), or
  (b) it exited non-zero with a clear error: no crash text on stderr and exactly one non-empty stderr line apart
      from `mujoco warning:` lines, the last, starting with `Error:`; and it changed no file that existed before
      (fingerprint: relative path, size, mode, sha256; `.lock` excluded). Files it created are reported as "left
      files behind".
Every command runs in a process group of its own with RLIMIT_AS = 8 GiB (as `prlimit --as=8589934592 ...`), so an
over-allocation aborts (reported as "over-allocation") instead of swapping. Each failure prints one line with the
command and what went wrong; the distinct causes are listed at the end. Exit status 0 only if nothing failed.
"""

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("kill", "files", "config", "models")
MEMORY_LIMIT = 8 << 30
TINY_TIMEOUT = 60
QUICK_TIMEOUT = 30
OUTPUT_LIMIT = 64 << 20
LONG_ERROR = 10000
TINY_SETS = ("sampling.horizon=20", "sampling.imaginedRolloutsPerTask=2", "meta.stepsPerIteration=2",
             "dynamics.maxEpochs=3", "dynamics.hiddenSizes=[16,16]", "sampling.initialRandomSteps=200",
             "meta.metaBatchSize=4", "dynamics.members=2", "policy.hiddenSizes=[8,8]")
CRASH_TEXT = ("Swift runtime failure", "Fatal error", "fatal error", "backtrace", "Backtracing from", "Segmentation",
              "Illegal instruction", "Aborted", "Current stack trace", "Program crashed", "💣")
OVER_ALLOCATION = re.compile(r"failed to allocate|Cannot allocate memory|bad_alloc|out of memory", re.I)
TEMP_NAME = re.compile(r"\.nosync|\.tmp$|\.temp$|~$|\.part$|\.partial$|\.swp$|^\.#")
EVENTS_NAME = re.compile(r"(^|/)events\.out\.tfevents\.")
NON_FINITE_WORD = re.compile(r"(?<![A-Za-z])([+-]?(nan|inf|infinity))(?![A-Za-z])", re.I)
SIZES = {
    "short": dict(kill_runs=2, kill_max=2, flip_seeds=1, damages_per_target=9, config_inputs=300,
                  config_singles=0.75, config_trains=40, model_all_envs=False),
    "full": dict(kill_runs=24, kill_max=3, flip_seeds=3, damages_per_target=None, config_inputs=1000,
                 config_singles=1.0, config_trains=None, model_all_envs=True),
}


# ---------------------------------------------------------------------------------------------------------------
# Running commands


@dataclass
class Result:
    argv: list
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timeout: float
    timed_out: bool


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def read_tail(handle):
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - OUTPUT_LIMIT))
    return handle.read().decode("utf-8", errors="replace")


class Runner:
    """Starts every command in a new session (process group) and kills that whole group when done."""

    def __init__(self):
        self.active = None
        self.count = 0

    def _start(self, argv):
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        process = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True, preexec_fn=limit_memory)
        self.active = process
        self.count += 1
        return process, out, err

    def _kill_group(self, process):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"warning: process {process.pid} survived SIGKILL for 30 s", file=sys.stderr)
        self.active = None

    def _collect(self, argv, process, out, err, started, timeout, timed_out):
        self._kill_group(process)
        result = Result([str(a) for a in argv], process.returncode, read_tail(out), read_tail(err),
                        time.monotonic() - started, timeout, timed_out)
        out.close()
        err.close()
        return result

    def run(self, argv, timeout):
        started = time.monotonic()
        process, out, err = self._start(argv)
        try:
            process.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        return self._collect(argv, process, out, err, started, timeout, timed_out)

    def run_killed(self, argv, delay):
        """Runs argv and SIGKILLs its group after delay seconds; None if killed, else the Result of a quick exit."""
        started = time.monotonic()
        process, out, err = self._start(argv)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            self._collect(argv, process, out, err, started, delay, False)
            return None
        return self._collect(argv, process, out, err, started, delay, False)

    def stop_active(self):
        if self.active is not None and self.active.poll() is None:
            self._kill_group(self.active)


# ---------------------------------------------------------------------------------------------------------------
# Fingerprints and output checks


def sha256(path):
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        return f"unreadable ({error.strerror})"
    return digest.hexdigest()


def fingerprint(root):
    """Relative path -> description of every entry under root (or of root itself), never opening special files."""
    entries = {}

    def visit(path, rel):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return
        kind = stat.S_IFMT(info.st_mode)
        mode = f"{stat.S_IMODE(info.st_mode):o}"
        if kind == stat.S_IFDIR:
            entries[rel + "/"] = f"dir {mode}"
            try:
                names = sorted(os.listdir(path))
            except OSError as error:
                entries[rel + "/"] += f" unlistable ({error.strerror})"
                return
            for name in names:
                if name != ".lock":
                    visit(os.path.join(path, name), f"{rel}/{name}" if rel != "." else name)
        elif kind == stat.S_IFREG:
            entries[rel] = f"file {info.st_size} {mode} {sha256(path)}"
        elif kind == stat.S_IFLNK:
            entries[rel] = f"symlink -> {os.readlink(path)}"
        else:
            entries[rel] = f"special {kind:o} {mode}"

    visit(str(root), ".")
    return entries


def short(entry):
    return " ".join(entry.split()[:2] + [entry.split()[-1][:8]]) if entry and entry.startswith("file ") else entry


def fingerprint_changes(root, before):
    """(changed, created): 'path: before -> after' of changed entries, paths of new ones."""
    after = fingerprint(root)
    changed = [f"{rel}: {short(before[rel])} -> {short(after.get(rel, 'absent'))}"
               for rel in sorted(before) if after.get(rel) != before[rel]]
    created = sorted(rel for rel in after if rel not in before)
    return changed, created


def without(entries, skip):
    """The fingerprint without events files and without the paths (and their contents) in skip."""
    def kept(rel):
        return not EVENTS_NAME.search(rel) and not any(rel == s or rel.startswith(s + "/") for s in skip)
    return {rel: value for rel, value in entries.items() if kept(rel)}


def is_regular(path):
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def nonfinite_in_csv(path):
    problems = []
    with open(path, newline="", errors="replace") as handle:
        rows = list(csv.reader(handle))
    header = rows[0] if rows else []
    for number, row in enumerate(rows[1:], 1):
        for column, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                continue
            if not math.isfinite(value):
                name = header[column] if column < len(header) else f"#{column}"
                problems.append(f"row {number} {name} = {cell}")
    return problems


def nonfinite_in_h5(path):
    problems = []
    with h5py.File(path, "r") as handle:
        def visit(name, item):
            if isinstance(item, h5py.Dataset) and item.dtype.kind in "fc" and item.shape is not None:
                data = item[()]
                if not np.all(np.isfinite(data)):
                    problems.append(f"{name} has {int(np.size(data) - np.isfinite(data).sum())} nan/inf")
        handle.visititems(visit)
    return problems


def file_problems(path, checker, what):
    """Problems of one output file, or none when it is absent or not a regular file (a damage under test)."""
    if not is_regular(path):
        return []
    try:
        found = checker(path)
    except Exception as error:  # an unreadable file written by a command that exited 0 is a finding
        return [(f"exit 0 but {what} is unreadable", f"{path}: {error}")]
    return [(f"exit 0 but {what} has nan/inf", f"{path}: {'; '.join(found[:3])}")] if found else []


def run_outputs(run_dir, skip=()):
    """Finiteness of progress.csv and of every HDF5 file of a run folder, skipping relative paths in skip."""
    problems = []
    if "progress.csv" not in skip:
        problems += file_problems(run_dir / "progress.csv", nonfinite_in_csv, "progress.csv")
    for folder in ("trajectories", "checkpoints"):
        for path in sorted((run_dir / folder).glob("*.h5")) if is_dir(run_dir / folder) else []:
            if str(path.relative_to(run_dir)) not in skip:
                problems += file_problems(path, nonfinite_in_h5, "an HDF5 file")
    return problems


def is_dir(path):
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def printed_numbers(result):
    found = NON_FINITE_WORD.findall(result.stdout)
    return [("exit 0 but printed nan/inf", result.stdout.strip().splitlines()[-1][:200])] if found else []


# ---------------------------------------------------------------------------------------------------------------
# Comparing runs


def read_progress(path):
    if not is_regular(path):
        return ["(not a regular file)"], []
    with open(path, newline="", errors="replace") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def compare_progress(reference, other):
    """Differences of two progress.csv files in every column except Time-*, compared as strings."""
    header, rows = read_progress(reference)
    other_header, other_rows = read_progress(other)
    if header != other_header:
        return [f"progress.csv columns differ: {set(header) ^ set(other_header) or 'order'}"]
    if len(rows) != len(other_rows):
        return [f"progress.csv has {len(other_rows)} rows, the reference {len(rows)}"]
    diffs = []
    for number, (row, other_row) in enumerate(zip(rows, other_rows)):
        for name, a, b in zip(header, row, other_row):
            if not name.startswith("Time-") and a != b:
                diffs.append(f"progress.csv row {number} {name}: {a} != {b}")
    return diffs


def attribute_value(value):
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, repr(value.tolist()) if value.dtype.kind == "O" else value.tobytes())
    return repr(value)


def dataset_value(dataset):
    if dataset.shape is None:
        return ("null", dataset.dtype.str)
    data = dataset[()]
    raw = repr(np.asarray(data).tolist()) if dataset.dtype.kind == "O" else np.ascontiguousarray(data).tobytes()
    return (dataset.dtype.str, dataset.shape, raw)


def mask_checkpoint_timing(entries, handle):
    """A checkpoint stores the progress table: its Time-* columns are wall-clock durations and so differ between
    runs, and the crc32 attribute of progress/values is a checksum of those values. Both are masked; every other
    dataset and attribute (all inspected: counts, seeds, configuration, parameters, checksums) must match."""
    if "progress/values" not in entries or "progress/columns" not in handle:
        return
    columns = [c.decode() if isinstance(c, bytes) else str(c) for c in handle["progress/columns"][()]]
    values = np.array(handle["progress/values"][()])
    timing = [i for i, name in enumerate(columns) if name.startswith("Time-")]
    if values.ndim == 2 and timing and max(timing) < values.shape[1]:
        values[:, timing] = 0
    attributes = {k: v for k, v in entries["progress/values"][0].items() if k != "crc32"}
    entries["progress/values"] = (attributes, ("masked", values.dtype.str, values.shape, values.tobytes()))


def h5_snapshot(path):
    """Link name -> (attributes, content) of every link of an HDF5 file, not following external links."""
    entries = {}
    with h5py.File(path, "r") as handle:
        entries["/"] = ({k: attribute_value(v) for k, v in handle.attrs.items()}, "root")

        def visit(name, link):
            if isinstance(link, h5py.ExternalLink):
                entries[name] = ({}, ("external", link.filename, link.path))
            elif isinstance(link, h5py.SoftLink):
                entries[name] = ({}, ("soft", link.path))
            else:
                item = handle[name]
                attributes = {k: attribute_value(v) for k, v in item.attrs.items()}
                content = dataset_value(item) if isinstance(item, h5py.Dataset) else "group"
                entries[name] = (attributes, content)

        handle.visititems_links(visit)
        if handle.attrs.get("format") == "mbmpo-checkpoint":
            mask_checkpoint_timing(entries, handle)
    return entries


def compare_h5(reference, other, label):
    if not (is_regular(reference) and is_regular(other)):
        return [f"{label}: not a regular file"]
    try:
        a, b = h5_snapshot(reference), h5_snapshot(other)
    except Exception as error:  # a file h5py cannot read at all
        return [f"{label}: cannot read: {error}"]
    if a.keys() != b.keys():
        return [f"{label}: different links: {sorted(set(a) ^ set(b))[:5]}"]
    diffs = []
    for name in a:
        if a[name][1] != b[name][1]:
            diffs.append(f"{label}: {name} differs")
        elif a[name][0] != b[name][0]:
            keys = sorted(k for k in set(a[name][0]) | set(b[name][0]) if a[name][0].get(k) != b[name][0].get(k))
            diffs.append(f"{label}: attributes {keys} of {name} differ")
    return diffs


def latest_checkpoint(run_dir):
    path = run_dir / "checkpoints" / "latest"
    if not is_regular(path):
        return None
    try:
        return path.read_text()[:1000].strip()
    except (OSError, UnicodeDecodeError):
        return None


def compare_runs(reference, run_dir, skip=()):
    """Differences of a run folder from the reference: progress.csv (no Time-*), trajectory files, final checkpoint."""
    diffs = []
    if "progress.csv" not in skip:
        diffs += compare_progress(reference / "progress.csv", run_dir / "progress.csv")
    names = sorted(p.name for p in (reference / "trajectories").glob("*.h5"))
    other = sorted(p.name for p in (run_dir / "trajectories").glob("*.h5")) if is_dir(run_dir / "trajectories") else []
    if names != other:
        diffs.append(f"trajectories/ holds {other}, the reference {names}")
    files = ["trajectories.h5"] + [f"trajectories/{n}" for n in names if n in other]
    final, other_final = latest_checkpoint(reference), latest_checkpoint(run_dir)
    if final != other_final:
        diffs.append(f"checkpoints/latest names {other_final}, the reference {final}")
    else:
        files.append(f"checkpoints/{final}")
    for rel in files:
        if rel not in skip:
            diffs += compare_h5(reference / rel, run_dir / rel, rel)
    return diffs


def temporary_files(run_dir):
    return sorted(rel for rel in fingerprint(run_dir) if TEMP_NAME.search(rel.rstrip("/").rsplit("/", 1)[-1]))


# ---------------------------------------------------------------------------------------------------------------
# Judging outcomes


def signal_name(code):
    number = -code if code < 0 else code - 128
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def crashed_thread(stderr):
    """The crashed thread's part of a Swift backtrace (the whole text when there is no such backtrace)."""
    match = re.search(r"^Thread \d+ .*crashed:$(.*?)(?=^Thread \d+|\Z)", stderr, re.M | re.S)
    return match.group(1) if match else stderr


def source_location(stderr):
    """The first Swift source line of the crashed thread's backtrace, or of a `file F, line N` message; frames of
    other threads (idle workers) are not the crash site."""
    frame = re.search(r"at \S*?(Sources/\S+?\.swift):(\d+)", crashed_thread(stderr))
    match = frame or re.search(r"file \S*?(Sources/\S+?\.swift), line (\d+)", stderr)
    return f"{match.group(1)}:{match.group(2)}" if match else None


def crash_reason(stderr):
    for marker in ("Fatal error", "fatal error", "Swift runtime failure", "Program crashed", "Segmentation",
                   "Illegal instruction", "Aborted"):
        for line in stderr.splitlines():
            if marker in line:
                return line.strip().strip("*").strip()
    return None


def normalized(text):
    text = re.sub(r"( at)? 0x[0-9a-fA-F]+", "", text)
    return re.sub(r"\d{4,}", "N", text).strip()


def crash_problem(stderr, what):
    """(cause, detail) of a crash or of crash text, with the Swift source location when the backtrace has one."""
    reason, location = crash_reason(stderr), source_location(stderr)
    label = "over-allocation" if OVER_ALLOCATION.search(stderr) else "crash"
    cause = f"{label} ({what}): {normalized(reason or 'no message')}" + (f" at {location}" if location else "")
    detail = (reason or "no crash message") + (f" [{location}]" if location else "")
    return cause, detail


def error_problems(stderr):
    if any(marker in stderr for marker in CRASH_TEXT):
        return [crash_problem(stderr, "crash text on stderr of a non-zero exit")]
    lines = [line for line in stderr.splitlines() if line.strip()]
    others = [line for line in lines if not line.startswith("mujoco warning:")]
    if not lines or not lines[-1].startswith("Error:"):
        return [("error does not end with an 'Error:' line", (lines[-1] if lines else "(empty stderr)")[:300])]
    if len(others) != 1:
        return [("error is more than one line", " | ".join(others[:3])[:300])]
    if len(lines[-1]) > LONG_ERROR:
        return [(f"error line is longer than {LONG_ERROR} characters (echoes the input)",
                 f"{len(lines[-1])} characters: {lines[-1][:200]}")]
    return []


def judge(result, watched=(), outputs=None):
    """Problems (cause, detail) of one outcome; [] when it is ACCEPTABLE.

    watched: (path, fingerprint before) pairs a failed command must leave as they were; outputs: a function
    returning the problems of what an exit-0 command wrote."""
    command = subcommand(result.argv)
    code = result.returncode
    if result.timed_out:
        return [(f"{command}: hang", f"no exit within {result.timeout:.0f} s")]
    if code < 0 or code >= 128:
        cause, detail = crash_problem(result.stderr, signal_name(code))
        return [(f"{command}: {cause}", detail)]
    if code == 0:
        return [(f"{command}: {cause}", detail) for cause, detail in (outputs() if outputs else [])]
    problems = [(f"{command}: {cause}", detail) for cause, detail in error_problems(result.stderr)]
    for root, before in watched:
        changed, created = fingerprint_changes(root, before)
        if changed:
            problems.append((f"{command}: failed command changed existing files", f"{root}: {changed[:5]}"))
        if created:
            problems.append((f"{command}: failed command left files behind", f"{root}: {created[:5]}"))
    return problems


def subcommand(argv):
    names = ("train", "export", "render", "rollout", "config", "envs")
    position = next((i for i, word in enumerate(argv) if word in names), None)
    if position is None:
        return "?"
    return " ".join(argv[position:position + 2]) if argv[position] == "config" else argv[position]


def last_error(result):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"exit {result.returncode}, empty stderr"


# ---------------------------------------------------------------------------------------------------------------
# The soak


@dataclass
class Failure:
    section: str
    what: str
    cause: str
    detail: str


@dataclass
class Soak:
    binary: Path
    work: Path
    seed: int
    size: dict
    runner: Runner = field(default_factory=Runner)
    failures: list = field(default_factory=list)

    def rng(self, *names):
        return random.Random("-".join(str(n) for n in (self.seed,) + names))

    def command(self, *words):
        return [str(self.binary)] + [str(w) for w in words]

    def run(self, argv, timeout=TINY_TIMEOUT):
        return self.runner.run(argv, timeout)

    def fail(self, section, what, cause, detail):
        work = str(self.work)
        cause = re.sub(re.escape(work) + r"/[^/\s:'\"]+", "RUN", cause).replace(work, "WORK")
        self.failures.append(Failure(section, what, cause, detail))
        print(f"FAIL {section}: {what} -> {cause} | {detail}", flush=True)

    def check(self, section, what, result, watched=(), outputs=None, hint=None):
        """Judges one outcome, records its problems; True when ACCEPTABLE. hint (the input) is added to the cause
        of crashes and hangs without a source location, which would otherwise all look alike."""
        problems = judge(result, watched, outputs)
        for cause, detail in problems:
            vague = re.search(r"\b(crash|over-allocation|hang)\b", cause) and "Sources/" not in cause
            self.fail(section, what, f"{cause} [{hint}]" if hint and vague else cause, detail)
        return not problems

    def tiny(self, env="half-cheetah", omit=()):
        """TINY's options; omit: configuration keys an input sets itself, whose flag would override it."""
        flags = {"environment": ["--env", env], "seed": ["--seed", "7"], "threads": ["--threads", "1"]}
        words = ["--preset", "quick"] + [w for key, pair in flags.items() if key not in omit for w in pair]
        for setting in TINY_SETS:
            words += ["--set", setting]
        return words

    def train_tiny(self, out, iterations, *extra, env="half-cheetah", omit=()):
        return self.command("train", *self.tiny(env, omit), *extra, "--iterations", iterations, "--quiet",
                            "--out", out)

    def resume(self, run_dir, *extra):
        return self.command("train", "--resume", run_dir, "--quiet", *extra)

    def make_run(self, section, out):
        """A finished TINY run of 3 iterations, or None (a failure) when it cannot be made."""
        result = self.run(self.train_tiny(out, 3))
        if not self.check(section, shlex.join(result.argv), result, outputs=lambda: run_outputs(out)):
            return None
        if result.returncode != 0:
            self.fail(section, shlex.join(result.argv), "train: a plain TINY run failed", last_error(result))
            return None
        return result


# ---------------------------------------------------------------------------------------------------------------
# Section kill


def section_kill(soak):
    size = soak.size
    rng = soak.rng("kill")
    reference = soak.work / "kill-reference"
    made = soak.make_run("kill", reference)
    if made is None:
        return "kill: the reference run failed; nothing compared"
    duration = made.seconds
    control = soak.work / "kill-control"
    if soak.make_run("kill", control) is not None:
        for diff in compare_runs(reference, control)[:5]:
            soak.fail("kill", f"two uninterrupted runs: {shlex.join(made.argv)}", "two identical runs differ", diff)
    counts = dict(runs=0, kills=0, identical=0, failed=0)
    for number in range(size["kill_runs"]):
        counts["runs"] += 1
        outcome = killed_run(soak, rng, reference, soak.work / f"kill-{number:02d}", duration, counts)
        counts["identical" if outcome else "failed"] += 1
    return (f"kill: {counts['runs']} runs, {counts['kills']} kills, {counts['identical']} identical, "
            f"{counts['failed']} failed (T = {duration:.2f} s)")


def killed_run(soak, rng, reference, run_dir, duration, counts):
    """Kills a fresh run and its resumptions at random times, lets it finish; True if it equals the reference."""
    history = []
    argv = soak.train_tiny(run_dir, 3)
    result = None
    for _ in range(soak.size["kill_max"]):
        delay = rng.uniform(0, duration)
        before = fingerprint(run_dir)
        result = soak.runner.run_killed(argv, delay)
        if result is not None:
            break
        counts["kills"] += 1
        history.append(f"{shlex.join(argv)} [SIGKILL after {delay:.3f} s]")
        argv = soak.resume(run_dir) if run_dir.exists() else soak.train_tiny(run_dir, 3)
    if result is None:
        before = fingerprint(run_dir)
        result = soak.run(argv)
    what = " ; ".join(history + [shlex.join(argv)])
    if not soak.check("kill", what, result, watched=[(run_dir, before)], outputs=lambda: run_outputs(run_dir)):
        return False
    if result.returncode != 0:
        soak.fail("kill", what, f"train --resume after SIGKILL failed: {last_error(result)}", last_error(result))
        return False
    problems = [("killed and resumed run differs from the reference", d) for d in compare_runs(reference, run_dir)]
    leftovers = temporary_files(run_dir)
    if leftovers:
        problems.append(("leftover temporary files in a finished run", str(leftovers)))
    expected, found = without(fingerprint(reference), ()).keys(), without(fingerprint(run_dir), ()).keys()
    extra = sorted(set(found) - set(expected) - set(leftovers))
    if extra or set(expected) - set(found):
        problems.append(("finished run holds other files than the reference",
                         f"extra {extra}, missing {sorted(set(expected) - set(found))}"))
    for cause, detail in problems[:6]:
        soak.fail("kill", what, cause, detail)
    return not problems


# ---------------------------------------------------------------------------------------------------------------
# Section files


def damage_empty(path, rng):
    path.write_bytes(b"")
    return "emptied"


def damage_half(path, rng):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return f"truncated to {len(data) // 2} of {len(data)} bytes"


def damage_cut(path, rng):
    data = path.read_bytes()
    offset = rng.randrange(1, len(data)) if len(data) > 1 else 0
    path.write_bytes(data[:offset])
    return f"truncated at byte {offset} of {len(data)}"


def damage_flip(path, rng):
    data = bytearray(path.read_bytes())
    offset = rng.randrange(len(data))
    old = data[offset]
    data[offset] ^= rng.randrange(1, 256)
    path.write_bytes(bytes(data))
    return f"byte {offset} of {len(data)} changed 0x{old:02x} -> 0x{data[offset]:02x}"


def damage_overwrite(path, rng):
    data = bytearray(path.read_bytes())
    offset = rng.randrange(max(1, len(data) - 16))
    data[offset:offset + 16] = bytes(rng.randrange(256) for _ in range(16))
    path.write_bytes(bytes(data))
    return f"16 random bytes written at offset {offset} of {len(data)}"


def damage_append(path, rng):
    with open(path, "ab") as handle:
        handle.write(bytes(rng.randrange(256) for _ in range(100)))
    return "100 random bytes appended"


def damage_directory(path, rng):
    path.unlink()
    path.mkdir()
    return "replaced by an empty directory"


def damage_fifo(path, rng):
    path.unlink()
    os.mkfifo(path)
    return "replaced by a FIFO"


def damage_dangling(path, rng):
    path.unlink()
    path.symlink_to("no-such-file")
    return "replaced by a dangling symlink"


def damage_zero(path, rng):
    path.unlink()
    path.symlink_to("/dev/zero")
    return "replaced by a symlink to /dev/zero"


def damage_unreadable(path, rng):
    path.chmod(0)
    return "made unreadable (chmod 000)"


DAMAGES = {"empty": damage_empty, "half": damage_half, "cut": damage_cut, "flip": damage_flip,
           "overwrite16": damage_overwrite, "append": damage_append, "directory": damage_directory,
           "fifo": damage_fifo, "dangling-symlink": damage_dangling, "dev-zero": damage_zero,
           "chmod000": damage_unreadable}


def file_variants(soak, source, rng):
    """(target, damage, instance) triples; chmod 000 only when not root, since root reads such files anyway."""
    newest = f"checkpoints/{latest_checkpoint(source)}"
    trajectory = rng.choice(sorted(f"trajectories/{p.name}" for p in (source / "trajectories").glob("*.h5")))
    targets = ["config.json", "progress.csv", "checkpoints/latest", newest, "trajectories.h5", trajectory]
    damages = [d for d in DAMAGES if d != "chmod000" or os.geteuid() != 0]
    variants = []
    for target in targets:
        chosen = damages if soak.size["damages_per_target"] is None else rng.sample(damages,
                                                                                  soak.size["damages_per_target"])
        for damage in chosen:
            copies = soak.size["flip_seeds"] if damage == "flip" else 1
            variants += [(target, damage, instance) for instance in range(copies)]
    return variants


COMMANDS = ("resume", "extend", "export", "render-policy", "render-states")


def command_names(target):
    """The commands tried on a copy: render of recorded states only where the damaged file holds them."""
    return [name for name in COMMANDS if name != "render-states" or target.startswith("trajectories")]


def files_command(soak, name, copy, target, out):
    """(argv, check of what an exit-0 run wrote) of one command on one copy."""
    render = ["env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", str(soak.binary), "render", "--width", "32",
              "--height", "32", "--steps", "3", "--out", str(out / "frames")]
    if name == "resume":
        return soak.resume(copy), lambda: run_outputs(copy, {target})
    if name == "extend":
        return soak.resume(copy, "--iterations", "4"), lambda: run_outputs(copy, {target} - {"progress.csv"})
    if name == "export":
        export = out / "export.hdf5"
        return (soak.command("export", "--run", copy, "--episodes", "2", "--out", export),
                lambda: file_problems(export, nonfinite_in_h5, "the export"))
    if name == "render-policy":
        return render + ["--run", str(copy)], None
    return render + ["--trajectories", str(copy / target), "--episode", "1"], None


def differing(a, b):
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))[:5]


def same_results(name, baseline, copy, out, target):
    """Differences of an exit-0 result on a damaged copy from the result on the undamaged one."""
    base_copy, base_out = baseline
    if name == "resume":
        a, b = without(fingerprint(base_copy), {target}), without(fingerprint(copy), {target})
        return [f"run folder differs: {differing(a, b)}"] if a != b else []
    if name == "extend":
        return compare_runs(base_copy, copy, skip={target} - {"progress.csv"})
    if name == "export":
        return compare_h5(base_out / "export.hdf5", out / "export.hdf5", "export")
    a, b = fingerprint(base_out / "frames"), fingerprint(out / "frames")
    return [f"frames differ: {differing(a, b)}"] if a != b else []


def fresh_copy(source, folder):
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder / "run", symlinks=True)
    (folder / "out").mkdir()
    return folder / "run", folder / "out"


class Baseline:
    """Results of the commands on undamaged copies, made on first use: (copy, out), or None when it failed."""

    def __init__(self, soak, source):
        self.soak, self.source, self.results = soak, source, {}
        self.render = render_headless(soak)

    def get(self, name, target):
        key = (name, target if name == "render-states" else "")
        if key not in self.results:
            self.results[key] = self._make(name, target, len(self.results))
        return self.results[key]

    def _make(self, name, target, number):
        copy, out = fresh_copy(self.source, self.soak.work / "files" / f"baseline-{number}")
        argv, outputs = files_command(self.soak, name, copy, target, out)
        result = self.soak.run(argv)
        what = f"[undamaged copy] {shlex.join(argv)}"
        acceptable = self.soak.check("files", what, result, outputs=outputs)
        if acceptable and result.returncode == 0:
            return copy, out
        if name.startswith("render"):
            print(f"skip: files: render fails on an undamaged run ({last_error(result)}); render not tried")
            self.render = False
        elif acceptable:
            self.soak.fail("files", what, f"{name}: fails on an undamaged copy", last_error(result))
        return None


def render_headless(soak):
    result = soak.run(soak.command("render", "--help"), QUICK_TIMEOUT)
    if result.returncode == 0 and "EGL" in result.stdout and "no display" in result.stdout:
        return True
    print("skip: files: render not tried: its --help does not offer offscreen (EGL) rendering without a display")
    return False


def check_finished_resume(soak, source):
    """Resuming a finished run should say so and change nothing (a new events file is a change)."""
    copy, _ = fresh_copy(source, soak.work / "files" / "finished")
    before = fingerprint(copy)
    result = soak.run(soak.resume(copy))
    if not soak.check("files", shlex.join(result.argv), result) or result.returncode != 0:
        return
    said = (result.stdout + result.stderr).replace(str(copy), "RUN").strip()
    if not re.search(r"finished|already|complete|nothing to do", said, re.I):
        soak.fail("files", shlex.join(result.argv), "resume of a finished run does not say it is finished",
                  f"prints: {said[:200]!r}")
    changed, created = fingerprint_changes(copy, before)
    if changed or created:
        soak.fail("files", shlex.join(result.argv), "resume of a finished run changes its folder",
                  f"changed {changed[:5]}, created {created[:5]}")


def section_files(soak):
    rng = soak.rng("files")
    source = soak.work / "files-source"
    if soak.make_run("files", source) is None:
        return "files: the source run failed; nothing damaged"
    if os.geteuid() == 0:
        print("skip: files: chmod 000 not tried (running as root, which reads such files anyway)")
    check_finished_resume(soak, source)
    baseline = Baseline(soak, source)
    baseline.get("render-policy", "")
    variants = file_variants(soak, source, rng)
    commands = failed = 0
    for number, (target, damage, instance) in enumerate(variants):
        for name in command_names(target):
            expected = None if name.startswith("render") and not baseline.render else baseline.get(name, target)
            if name.startswith("render") and not baseline.render:
                continue
            folder = soak.work / "files" / f"v{number:03d}-{name}"
            copy, out = fresh_copy(source, folder)
            description = DAMAGES[damage](copy / target, soak.rng("files", target, damage, instance))
            argv, outputs = files_command(soak, name, copy, target, out)
            commands += 1
            what = f"[{target} {description}] {shlex.join(argv)}"
            hint = f"{target} {damage}"
            failed += not files_case(soak, what, argv, outputs, (name, expected, copy, out, target, hint))
            shutil.rmtree(folder, ignore_errors=True)
    return f"files: {len(variants)} variants, {commands} commands, {commands - failed} acceptable, {failed} failed"


def files_case(soak, what, argv, outputs, context):
    name, baseline, copy, out, target, hint = context
    watched = [(copy, fingerprint(copy)), (out, fingerprint(out))]
    result = soak.run(argv)
    if not soak.check("files", what, result, watched, outputs, hint):
        return False
    if result.returncode != 0 or baseline is None:
        return True
    diffs = same_results(name, baseline, copy, out, target)
    for diff in diffs[:3]:
        soak.fail("files", what, f"{name}: exit 0 on a damaged copy, but results differ from the undamaged copy's",
                  diff)
    return not diffs


# ---------------------------------------------------------------------------------------------------------------
# Section config

INT_VALUES = ["-1", "0", "1", "2", "3", "7", str(2**31), str(2**63 - 1), str(-(2**63)), str(10**9), str(10**12),
              "1e308", "1.5", "x", "true", "null", "[]", "{}"]
NUMBER_VALUES = ["0", "-0.0", "1e-320", "1e-300", "1e308", "-1e308", "100", "-100", "0.5", "NaN", "nan", "inf",
                 '"NaN"', "true", "x"]
LIST_VALUES = ["[]", "[0]", "[-1]", "[1]", "[16,16]", f"[{10**9}]", f"[{2**63 - 1}]",
               "[" + ",".join(str(i) for i in range(1, 21)) + "]"]
BOOL_VALUES = ["true", "false", "0", "1", '"true"', "null", "x"]


def flatten(tree, prefix=""):
    if isinstance(tree, dict):
        return {k: v for key, value in tree.items() for k, v in flatten(value, f"{prefix}{key}.").items()}
    return {prefix[:-1]: tree}


def reference_types(soak):
    """Key -> type text from the Markdown table of `mbmpo config reference` (empty when it cannot be read)."""
    result = soak.run(soak.command("config", "reference"), QUICK_TIMEOUT)
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \|", result.stdout, re.M) if result.returncode == 0 else []
    return {key: kind.strip() for key, kind in rows}


def values_for(key, default, kind, envs):
    """Edge-case value texts of one key, by its reference type (or, lacking one, by its default's JSON type)."""
    if kind.startswith("one of "):
        return [v.strip() for v in kind[len("one of "):].split(",")] + ["", "bogus"]
    if key == "environment":
        return envs + ["", "bogus"]
    if kind.startswith("list") or isinstance(default, list):
        return LIST_VALUES
    if kind.startswith("boolean") or isinstance(default, bool):
        return BOOL_VALUES
    if kind.startswith("integer") or (not kind and isinstance(default, int)):
        return INT_VALUES
    if kind.startswith("number") or isinstance(default, float):
        return NUMBER_VALUES + (["null"] if "null" in kind else [])
    return [json.dumps(default), "", "bogus"]


def config_space(soak):
    shown = soak.run(soak.command("config", "show", "--env", "half-cheetah", "--preset", "quick"), QUICK_TIMEOUT)
    try:
        keys = flatten(json.loads(shown.stdout))
    except json.JSONDecodeError:
        soak.fail("config", shlex.join(shown.argv), "config show: output is not JSON", last_error(shown))
        return {}
    types = reference_types(soak)
    missing = sorted(set(keys) - set(types))
    if missing:
        print(f"note: config: no reference type for {missing}; typed by their default values")
    listed = soak.run(soak.command("envs"), QUICK_TIMEOUT)
    envs = [line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()]
    return {key: values_for(key, default, types.get(key, ""), envs) for key, default in keys.items()}


JSON_BASE = '{"advantages": {"discount": 0.98}, "meta": {"innerStepSize": 0.002}}'
JSON_CASES = [
    ("valid", JSON_BASE, None),
    ("trailing comma in an object", '{"advantages": {"discount": 0.98,}}', "trailing comma"),
    ("trailing comma in an array", '{"ppo": {"valueHiddenSizes": [64, 64,]}}', "trailing comma"),
    ("duplicate key, same value", '{"advantages": {"discount": 0.98, "discount": 0.98}}', "duplicate key"),
    ("duplicate key, different values", '{"advantages": {"discount": 0.98, "discount": 0.5}}', "duplicate key"),
    ("duplicate section", '{"advantages": {"discount": 0.98}, "advantages": {"gaeLambda": 0.9}}', "duplicate key"),
    ("line comment", '// settings\n' + JSON_BASE, None),
    ("block comment", '{"advantages": {/* c */ "discount": 0.98}}', None),
    ("NaN literal", '{"advantages": {"discount": NaN}}', None),
    ("Infinity literal", '{"meta": {"innerStepSize": Infinity}}', None),
    ("-Infinity literal", '{"sampling": {"clipObservations": -Infinity}}', None),
    ("top-level array", "[1, 2, 3]", None),
    ("top-level null", "null", None),
    ("empty file", "", None),
    ("deeply nested arrays in a value", '{"ppo": {"valueHiddenSizes": ' + "[" * 10000 + "]" * 10000 + "}}", None),
    ("deeply nested arrays at top level", "[" * 10000 + "]" * 10000, None),
    ("deeply nested objects", '{"a": ' * 10000 + "1" + "}" * 10000, None),
    ("10 MB string", '{"environment": "' + "a" * (10 << 20) + '"}', None),
    ("10 MB key", '{"' + "k" * (10 << 20) + '": 1}', None),
    ("invalid UTF-8", b'{"environment": "half-\xff\xfe-cheetah"}', None),
    ("BOM", "\ufeff" + JSON_BASE, None),
    ("number 1e400", '{"advantages": {"discount": 1e400}}', None),
    ("integer 1e400", '{"mpc": {"candidates": 1e400}}', None),
    ("integer 2**64", '{"mpc": {"candidates": %d}}' % 2**64, None),
    ("seed 2**64", '{"seed": %d}' % 2**64, None),
    ("seed 2**64 - 1", '{"seed": %d}' % (2**64 - 1), None),
    ("unknown key", '{"advantages": {"discont": 0.98}}', None),
]


@dataclass
class ConfigInput:
    label: str
    options: list
    must_reject: str = None
    keys: tuple = ()

    def hint(self):
        return self.label if self.options[0] == "--config" else "settings " + ", ".join(self.keys)


def config_inputs(soak, space, rng):
    """The --set inputs (all single settings first in --full, a random mix in --short) and the JSON files."""
    folder = soak.work / "config-files"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, (label, text, must_reject) in enumerate(JSON_CASES):
        path = folder / f"case-{number:02d}.json"
        data = text if isinstance(text, bytes) else text.encode()
        path.write_bytes(data)
        flagged = tuple(key for key in ("environment", "seed", "threads") if f'"{key}"'.encode() in data)
        files.append(ConfigInput(f"--config {path.name} ({label})", ["--config", str(path)], must_reject, flagged))
    singles = [(key, value) for key, values in space.items() for value in values]
    rng.shuffle(singles)
    wanted = soak.size["config_inputs"] - len(files)
    keys = sorted(space)
    sets = [[single] for single in singles[:round(wanted * soak.size["config_singles"])]]
    while len(sets) < wanted and len(keys) > 1:
        first, second = rng.sample(keys, 2)
        sets.append([(first, rng.choice(space[first])), (second, rng.choice(space[second]))])
    inputs = [ConfigInput(" ".join(f"--set {k}={v}" for k, v in pairs),
                          [w for k, v in pairs for w in ("--set", f"{k}={v}")], keys=tuple(k for k, _ in pairs))
              for pairs in sets]
    return files + inputs


def section_config(soak):
    rng = soak.rng("config")
    space = config_space(soak)
    if not space:
        return "config: no configuration keys; nothing tried"
    inputs = config_inputs(soak, space, rng)
    accepted, failed = [], 0
    for item in inputs:
        argv = soak.command("config", "show", *soak.tiny(omit=item.keys), *item.options)
        result = soak.run(argv, QUICK_TIMEOUT)
        ok = soak.check("config", f"[{item.label[:120]}] {shlex.join(argv)}", result,
                        outputs=lambda: shown_numbers(result), hint=item.hint())
        if ok and result.returncode == 0:
            if item.must_reject:
                soak.fail("config", f"[{item.label}] {shlex.join(argv)}",
                          f"config show: accepted JSON with a {item.must_reject}", "exit 0 (must be rejected)")
                ok = False
            accepted.append(item)
        failed += not ok
    trains = pick_trains(soak, accepted, rng)
    for number, item in enumerate(trains):
        out = soak.work / "config-runs" / f"c{number:04d}"
        argv = soak.train_tiny(out, 1, *item.options, omit=item.keys)
        result = soak.run(argv)
        failed += not soak.check("config", f"[{item.label[:120]}] {shlex.join(argv)}", result,
                                 watched=[(out, {})], outputs=lambda: run_outputs(out), hint=item.hint())
        if item.must_reject and result.returncode == 0:
            soak.fail("config", f"[{item.label}] {shlex.join(argv)}", f"train: accepted JSON with a "
                      f"{item.must_reject}", "exit 0 (must be rejected)")
            failed += 1
        shutil.rmtree(out, ignore_errors=True)
    files = sum(1 for item in inputs if item.options[0] == "--config")
    return (f"config: {len(inputs)} inputs ({files} JSON files), {len(accepted)} accepted by config show, "
            f"{len(trains)} trained, {failed} failed")


def shown_numbers(result):
    try:
        numbers = [v for v in flatten(json.loads(result.stdout)).values() if isinstance(v, float)]
    except ValueError as error:
        return [("exit 0 but printed no valid JSON", str(error))]
    bad = [v for v in numbers if not math.isfinite(v)]
    return [("exit 0 but printed nan/inf", str(bad))] if bad else []


def pick_trains(soak, accepted, rng):
    limit = soak.size["config_trains"]
    if limit is None or len(accepted) <= limit:
        return accepted
    files = [item for item in accepted if item.options[0] == "--config"]
    sets = [item for item in accepted if item.options[0] != "--config"]
    print(f"note: config: training {limit} of the {len(accepted)} accepted inputs (--short), picked at random")
    return files + rng.sample(sets, max(0, limit - len(files)))


# ---------------------------------------------------------------------------------------------------------------
# Section models

MODEL_FILES = {"half-cheetah": "half_cheetah.xml", "hopper": "hopper.xml", "walker2d": "walker2d.xml",
               "ant": "ant.xml"}


def set_motor_gears(text, value):
    changed, count = re.subn(r'(<motor\b[^>]*?\bgear=")[^"]*(")', rf"\g<1>{value}\g<2>", text)
    return changed if count else None


def set_option(text, name, value):
    match = re.search(r"<option\b[^>]*?/?>", text)
    if match is None:
        head = re.search(r"<mujoco\b[^>]*>", text)
        return text[:head.end()] + f'\n  <option {name}="{value}"/>' + text[head.end():] if head else None
    element = match.group(0)
    if re.search(rf'\b{name}="[^"]*"', element):
        element = re.sub(rf'\b{name}="[^"]*"', f'{name}="{value}"', element)
    else:
        element = element.replace("<option", f'<option {name}="{value}"', 1)
    return text[:match.start()] + element + text[match.end():]


def negative_mass(text):
    """The first geom inside a body gets mass -1 (the models derive masses from geoms)."""
    body = re.search(r"<body\b", text)
    geom = re.compile(r"<geom\b").search(text, body.end()) if body else None
    if geom is None:
        return None
    return text[:geom.end()] + ' mass="-1"' + text[geom.end():]


def model_cases(all_envs):
    """(label, env, edit) where edit maps the model's text to the damaged text (None: not applicable)."""
    cases = [("hopper gear 1e9 on every motor", "hopper", lambda t: set_motor_gears(t, "1e9")),
             ("hopper timestep 1.0", "hopper", lambda t: set_option(t, "timestep", "1.0")),
             ("walker2d gear 1e9 on every motor", "walker2d", lambda t: set_motor_gears(t, "1e9")),
             ("half-cheetah gear 1e12 on every motor", "half-cheetah", lambda t: set_motor_gears(t, "1e12")),
             ("half-cheetah timestep nan", "half-cheetah", lambda t: set_option(t, "timestep", "nan")),
             ("half-cheetah gravity 0 0 -1e30", "half-cheetah", lambda t: set_option(t, "gravity", "0 0 -1e30")),
             ("ant timestep 1.0", "ant", lambda t: set_option(t, "timestep", "1.0"))]
    for env in (MODEL_FILES if all_envs else ["hopper"]):
        cases += [(f"{env} timestep 0", env, lambda t: set_option(t, "timestep", "0")),
                  (f"{env} negative mass", env, negative_mass)]
    for env in (MODEL_FILES if all_envs else ["half-cheetah"]):
        cases += [(f"{env} empty file", env, lambda t: ""),
                  (f"{env} non-XML file", env, lambda t: "this is not XML {\x00}\n"),
                  (f"{env} file cut in half", env, lambda t: t[:len(t) // 2])]
    return cases


def section_models(soak):
    source = REPO / "Assets" / "xml"
    if not source.is_dir():
        return f"models: skipped: no assets folder {source}"
    cases = model_cases(soak.size["model_all_envs"])
    commands = failed = 0
    for number, (label, env, edit) in enumerate(cases):
        assets = soak.work / "models" / f"m{number:02d}" / "assets"
        shutil.copytree(source, assets)
        model = assets / MODEL_FILES[env]
        damaged = edit(model.read_text())
        if damaged is None:
            print(f"skip: models: {label}: the edit found nothing to change in {model.name}")
            continue
        model.write_text(damaged)
        out = assets.parent / "run"
        for argv in (soak.train_tiny(out, 2, "--assets", assets, env=env),
                     soak.command("rollout", "--env", env, "--assets", assets, "--episodes", "2", "--envs", "2")):
            watched = [(assets, fingerprint(assets)), (out, fingerprint(out))]
            result = soak.run(argv)
            commands += 1
            outputs = (lambda: run_outputs(out)) if "train" in argv else (lambda: printed_numbers(result))
            failed += not soak.check("models", f"[{label}] {shlex.join(argv)}", result, watched, outputs, label)
        shutil.rmtree(assets.parent, ignore_errors=True)
    return f"models: {len(cases)} cases, {commands} commands, {commands - failed} acceptable, {failed} failed"


# ---------------------------------------------------------------------------------------------------------------
# Main


def parse_arguments():
    parser = argparse.ArgumentParser(description="Hostile-user soak of the mbmpo release binary.")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--short", action="store_const", dest="mode", const="short",
                      help="about 2 minutes on 2 cores (CI)")
    mode.add_argument("--full", action="store_const", dest="mode", const="full",
                      help="about 3 to 5 minutes on 2 cores (default)")
    parser.add_argument("--binary", default=str(REPO / ".build" / "release" / "mbmpo"), help="the mbmpo binary")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    parser.add_argument("--workdir", help="folder for the work folder (default: a fresh temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ",".join(SECTIONS))
    arguments = parser.parse_args()
    arguments.mode = arguments.mode or "full"
    arguments.only = [s.strip() for s in arguments.only.split(",") if s.strip()]
    unknown = sorted(set(arguments.only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    binary = Path(arguments.binary).resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        parser.error(f"{arguments.binary}: no executable binary (build it with swift build -c release)")
    arguments.binary = binary
    return arguments


def print_causes(failures):
    causes = {}
    for failure in failures:
        causes.setdefault(failure.cause, []).append(failure)
    print(f"distinct failure causes ({len(causes)}):")
    for cause, group in sorted(causes.items(), key=lambda item: -len(item[1])):
        example = group[0]
        print(f"  [{len(group)}x] {cause}\n        e.g. {example.section}: {example.what}\n"
              f"        {example.detail[:300]}")


def main():
    arguments = parse_arguments()
    if arguments.workdir:
        Path(arguments.workdir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="soak-", dir=arguments.workdir)).resolve()
    soak = Soak(arguments.binary, work, arguments.seed, SIZES[arguments.mode])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"soak --{arguments.mode} --seed {arguments.seed}: {arguments.binary}; work folder {work}; every command "
          f"under RLIMIT_AS {MEMORY_LIMIT >> 30} GiB", flush=True)
    started = time.monotonic()
    sections = {"kill": section_kill, "files": section_files, "config": section_config, "models": section_models}
    lines = []
    try:
        for name in arguments.only:
            section_started = time.monotonic()
            line = f"{sections[name](soak)} in {time.monotonic() - section_started:.0f} s"
            lines.append(line)
            print(line, flush=True)
    finally:
        soak.runner.stop_active()
        if arguments.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for line in lines:
        print(line)
    if soak.failures:
        print_causes(soak.failures)
    verdict = "FAILED" if soak.failures else "passed"
    print(f"summary: {verdict}: {len(lines)} sections, {soak.runner.count} commands, {len(soak.failures)} failures "
          f"in {time.monotonic() - started:.0f} s (--{arguments.mode} --seed {arguments.seed})")
    return 1 if soak.failures else 0


if __name__ == "__main__":
    sys.exit(main())
