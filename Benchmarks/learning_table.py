#!/usr/bin/env python3
"""Markdown learning-curve table of one or more `mbmpo train` run folders (their progress.csv).

    python3 Benchmarks/learning_table.py runs/half-cheetah-s22 [more runs...] [--every 2]

One row per iteration: logged real steps, the pre-update (meta-policy) return (the paper's curve), the
post-update and exploration returns (the baselines' curve), model epochs, the model-fit, policy and iteration
times. "policy (s)" is MB-MPO's 30 meta-steps, ME-TRPO's 30 TRPO steps with their imagined rollouts, or MB-MPC's
real sampling (where its planning runs). With several runs the returns are mean ± population std over the runs
that reached the row. Only the standard library.
"""
import argparse
import csv
import math
import os
import sys


def read(folder):
    path = os.path.join(folder, "progress.csv")
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as error:
        sys.exit(f"{path}: {error.strerror}")


def number(row, key):
    try:
        value = float(row.get(key, ""))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    mean = sum(values) / len(values)
    if len(values) == 1:
        return f"{mean:.1f}"
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return f"{mean:.1f} ± {std:.1f}"


def policy_time(row):
    """Seconds an iteration spent on the policy: meta-steps, TRPO steps, or MPC planning while sampling."""
    mamls = number(row, "Time-MAMLSteps")
    if mamls is not None:
        return mamls
    if number(row, "Time-OuterStep") is not None:
        return sum(number(row, key) or 0.0
                   for key in ("Time-DynSampling", "Time-DynSampleProc", "Time-InnerStep", "Time-OuterStep"))
    return number(row, "Time-EnvSampling")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="run folders")
    parser.add_argument("--every", type=int, default=1, help="print every k-th iteration (and the last)")
    args = parser.parse_args()
    runs = [read(folder) for folder in args.runs]
    length = max(len(rows) for rows in runs)
    print("| iteration | n_timesteps | PrePolicy | PostPolicy | EnvTrajs | epochs/member | model fit (s) "
          "| policy (s) | iteration (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for index in range(length):
        if index % max(args.every, 1) and index != length - 1:
            continue
        rows = [rows[index] for rows in runs if index < len(rows)]
        steps = [number(r, "n_timesteps") for r in rows]
        cells = [str(index), " / ".join(sorted({str(int(s)) for s in steps if s is not None})) or "–"]
        for key in ("PrePolicy-AverageReturn", "PostPolicy-AverageReturn", "EnvTrajs-AverageReturn",
                    "AvgEpochsPerModel", "Time-ModelFit"):
            cells.append(summary([number(r, key) for r in rows]))
        cells.append(summary([policy_time(r) for r in rows]))
        cells.append(summary([number(r, "Time-Itr") for r in rows]))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
