#!/usr/bin/env python3
"""Compares training runs bit for bit: every progress.csv value but the timings, every dataset of trajectories.h5,
of the trajectory part files and of the last checkpoint (h5py). Configurations compare as trees, with former key
names mapped to today's and the settings added since left out, so that runs of an older binary compare too.

    python3 scripts/compare_runs.py LABEL RUN_A RUN_B [LABEL RUN_A RUN_B ...]

Prints one line per pair and exits 1 if any differs. Used by Benchmarks/same_results.sh (two binaries) and
scripts/mpi-checks.sh (rank counts).
"""
import csv, glob, json, os, sys
import h5py, numpy as np

def progress(run):
    rows = list(csv.DictReader(open(os.path.join(run, "progress.csv"))))
    return [{k: v for k, v in row.items() if not k.startswith("Time")} for row in rows]

# checkpoints written before algorithm state moved to algorithm/<name>/ kept it under these groups
LEGACY = {"mbmpo/": "algorithm/mb-mpo/", "metrpo/": "algorithm/me-trpo/"}
# configuration keys renamed since (the precision settings' former name), by the group that holds them
RENAMED = {("dynamics", "productPrecision"): "matrixPrecision", ("trpo", "productPrecision"): "curvaturePrecision"}

def renamed(tree, parent=""):
    """A configuration tree with former key names replaced by today's."""
    if not isinstance(tree, dict):
        return tree
    return {RENAMED.get((parent, k), k): renamed(v, k) for k, v in tree.items()}

# settings added since, which older binaries do not write (their defaults change nothing the runs compute), as key
# paths: the PPO group, the real-step budget (null: none), the deliberate model errors (none), tailored exploration
# (on), the imagined path length and start (null: the horizon; reset)
ADDED = {
    "ppo", "totalSteps", "dynamics.imperfection", "meta.tailoredExploration", "sampling.imaginedHorizon",
    "sampling.imaginedStart",
}

def without_added(tree, prefix=""):
    if not isinstance(tree, dict):
        return tree
    return {k: without_added(v, f"{prefix}{k}.") for k, v in tree.items() if f"{prefix}{k}" not in ADDED}

def configuration(value):
    """A stored configuration (JSON text) as a tree with today's key names and without the settings added since;
    None if it is not a JSON object."""
    try:
        tree = renamed(json.loads(value.decode() if isinstance(value, bytes) else value))
    except (ValueError, AttributeError, TypeError):
        return None
    return without_added(tree) if isinstance(tree, dict) else None

def datasets(path):
    """Every dataset of an HDF5 file (earlier layouts' names mapped to today's); a progress table loses its
    timing columns."""
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                for old, new in LEGACY.items():
                    if name.startswith(old):
                        name = new + name[len(old):]
                found[name] = obj[()]
        f.visititems(visit)
        for table in [name[:-len("/columns")] for name in found if name.endswith("/columns")]:
            columns = [c.decode() if isinstance(c, bytes) else str(c) for c in found[table + "/columns"]]
            kept = [i for i, c in enumerate(columns) if not c.startswith("Time")]
            for key in (table + "/values", table + "/order"):
                if key in found and found[key].ndim == 2:
                    found[key] = found[key][:, kept]
    return found

def same_arrays(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind == "O" and x.size == 1 and configuration(x.item()) is not None:
        return y.size == 1 and configuration(x.item()) == configuration(y.item())
    if x.dtype.kind in "fc":
        return x.shape == y.shape and x.tobytes() == y.tobytes()
    return x.shape == y.shape and bool(np.all(x == y))


def compare(runs):
    """The problems found between two run folders (empty when identical) and the number of datasets compared."""
    problems = []
    if progress(runs[0]) != progress(runs[1]):
        problems.append("progress.csv")
    files = [("trajectories.h5", [os.path.join(r, "trajectories.h5") for r in runs])]
    parts = [sorted(os.path.basename(p) for p in glob.glob(os.path.join(r, "trajectories", "*.h5"))) for r in runs]
    if parts[0] != parts[1]:
        problems.append("trajectory part names")
    files += [(f"trajectories/{name}", [os.path.join(r, "trajectories", name) for r in runs]) for name in parts[0]]
    checkpoints = [sorted(glob.glob(os.path.join(r, "checkpoints", "*.h5"))) for r in runs]
    if [os.path.basename(p) for p in checkpoints[0]] != [os.path.basename(p) for p in checkpoints[1]]:
        problems.append("checkpoint names")
    elif checkpoints[0]:
        files.append((os.path.basename(checkpoints[0][-1]), [c[-1] for c in checkpoints]))
    compared = 0
    for name, (pa, pb) in files:
        da, db = datasets(pa), datasets(pb)
        if da.keys() != db.keys():
            problems.append(f"{name}: datasets {sorted(set(da) ^ set(db))}")
            continue
        for key in da:
            compared += 1
            if not same_arrays(da[key], db[key]):
                problems.append(f"{name}:{key}")
    return problems, compared


def main(arguments):
    if not arguments or len(arguments) % 3:
        sys.exit("usage: compare_runs.py LABEL RUN_A RUN_B [LABEL RUN_A RUN_B ...]")
    failed = False
    for i in range(0, len(arguments), 3):
        label, a, b = arguments[i:i + 3]
        problems, compared = compare([a, b])
        status = "identical" if not problems else "DIFFERENT: " + ", ".join(problems[:8])
        print(f"{label} {len(progress(a))} progress rows, {compared} datasets: {status}")
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
