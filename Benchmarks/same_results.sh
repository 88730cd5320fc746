#!/usr/bin/env bash
# Checks that two mbmpo binaries compute the same thing: a short run of every algorithm (MB-MPO in float32 and
# bfloat16 where the CPU has AVX512-BF16, ME-TRPO, MB-MPC) with each binary, then every progress.csv value but the
# timings, every dataset of trajectories.h5 and of the last checkpoint compared bit for bit (h5py).
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

python3 - "$out" "${cases[@]}" <<'PY'
import csv, glob, json, os, sys
import h5py, numpy as np
out, cases = sys.argv[1], sys.argv[2:]

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
# (on)
ADDED = {"ppo", "totalSteps", "dynamics.imperfection", "meta.tailoredExploration"}

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

failed = False
for case in cases:
    algo, precision = case.split(":")
    runs = [os.path.join(out, f"{algo}-{precision}-{label}") for label in "AB"]
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
    status = "identical" if not problems else "DIFFERENT: " + ", ".join(problems[:8])
    print(f"{algo:8s} {precision:9s} {len(progress(runs[0]))} progress rows, {compared} datasets: {status}")
    failed |= bool(problems)
sys.exit(1 if failed else 0)
PY
