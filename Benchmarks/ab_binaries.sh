#!/usr/bin/env bash
# Two mbmpo binaries side by side on the same machine, taking turns (A B A B …) so that drift in the machine's load
# lands on both: the imagined step and training rates of `bench dynamics`, the meta-step of `bench meta`, and a
# short half-cheetah training run whose progress.csv must agree between the two on every value but the timings.
#
#   Benchmarks/ab_binaries.sh [--rounds N] [--precision P] BINARY_A BINARY_B OUT_DIR
#
# --precision sets the dynamics products of the training run (float32 or bfloat16; default float32). Prints one
# table; every raw output stays in OUT_DIR.
set -euo pipefail
rounds=2 precision=float32
usage="usage: Benchmarks/ab_binaries.sh [--rounds N] [--precision float32|bfloat16] BINARY_A BINARY_B OUT_DIR"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?$usage}; shift 2 ;;
    --precision) precision=${2:?$usage}; shift 2 ;;
    -*) echo "unknown option '$1'; $usage" >&2; exit 1 ;;
    *) break ;;
  esac
done
[ $# -eq 3 ] || { echo "$usage" >&2; exit 1; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive integer, got '$rounds'" >&2; exit 1; }
case "$precision" in
  float32|bfloat16) ;;
  *) echo "--precision is float32 or bfloat16, got '$precision'" >&2; exit 1 ;;
esac
a=$1 b=$2 out=$3
for bin in "$a" "$b"; do [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 1; }; done
mkdir -p "$out"

# One round of every measurement for binary $2 (label $1).
measure() {
  local label=$1 bin=$2 round=$3 dir
  "$bin" bench dynamics --threads 1 2 --repeats 5 --samples 20000 --precision "$precision" \
    >"$out/dynamics-$label-$round.txt" 2>&1
  "$bin" bench meta --threads 2 --repeats 3 --precision float32 >"$out/meta-$label-$round.txt" 2>&1
  dir="$out/train-$label-$round"
  rm -rf "$dir"
  # (dynamics.productPrecision: the former name of dynamics.matrixPrecision, accepted by binaries of either age)
  "$bin" train --env half-cheetah --seed 5 --iterations 2 --threads 2 --set meta.stepsPerIteration=5 \
    --set dynamics.maxEpochs=5 --set dynamics.productPrecision="$precision" --quiet --out "$dir" \
    >"$out/train-$label-$round.log" 2>&1
}

for round in $(seq 1 "$rounds"); do
  echo "round $round: A" >&2; measure A "$a" "$round"
  echo "round $round: B" >&2; measure B "$b" "$round"
done

python3 - "$out" "$rounds" <<'PY'
import csv, glob, os, re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def numbers(path, pattern):
    text = open(path).read()
    return [float(m.replace(",", "").replace(" ", "")) for m in re.findall(pattern, text)]
def progress(label, r):
    return list(csv.DictReader(open(os.path.join(out, f"train-{label}-{r}", "progress.csv"))))
rows = []
for r in range(1, rounds + 1):
    for label in "AB":
        runs = progress(label, r)
        total = lambda key: sum(float(x[key]) for x in runs)
        rows.append((label, r, total("Time-ModelFit"), total("Time-DynSampling"), total("Time-OuterStep"),
                     total("Time-Itr")))
print("| binary | round | Time-ModelFit (s) | Time-DynSampling (s) | Time-OuterStep (s) | Time-Itr (s) |")
print("|---|---|---|---|---|---|")
for label, r, *values in rows:
    print(f"| {label} | {r} | " + " | ".join(f"{v:.2f}" for v in values) + " |")
# every value but the timings must agree between the binaries (and between rounds)
reference = progress("A", 1)
same = True
for r in range(1, rounds + 1):
    for label in "AB":
        for x, y in zip(reference, progress(label, r)):
            for key in x:
                if not key.startswith("Time-") and x[key] != y[key]:
                    same = False
                    print(f"differs: {label} round {r}, iteration {x['Iteration']}, {key}: {x[key]} vs {y[key]}")
print("progress.csv values other than timings: " + ("identical in every run" if same else "DIFFERENT"))
# bench dynamics: model steps/s and samples·epochs/s per thread count; bench meta: the 2-thread meta-step time
def dynamics(path):
    result, threads = {}, None
    for line in open(path):
        m = re.search(r"threads (\d+):", line)
        if m: threads = int(m.group(1))
        m = re.search(r"imagined step.*?: (\d+) model steps/s", line)
        if m: result[f"imagined steps/s, {threads} thread(s)"] = float(m.group(1))
        m = re.search(r"training: (\d+) samples", line)
        if m: result[f"training samples·epochs/s, {threads} thread(s)"] = float(m.group(1))
    return result
def meta(path):
    for line in open(path):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 7 and cells[0] == "2" and cells[1] == "float32":
            return {"meta-step ms (bench meta, 2 threads)": float(cells[7].split()[0])}
    return {}
print("\n| measurement | A, each round | B, each round | B / A (means) |")
print("|---|---|---|---|")
table = {}
for label in "AB":
    for r in range(1, rounds + 1):
        found = dynamics(os.path.join(out, f"dynamics-{label}-{r}.txt"))
        found.update(meta(os.path.join(out, f"meta-{label}-{r}.txt")))
        for key, value in found.items():
            table.setdefault(key, {"A": [], "B": []})[label].append(value)
for key, values in table.items():
    a, b = values["A"], values["B"]
    ratio = (sum(b) / len(b)) / (sum(a) / len(a)) if a and b else float("nan")
    print(f"| {key} | {', '.join(f'{v:g}' for v in a)} | {', '.join(f'{v:g}' for v in b)} | {ratio:.3f} |")
PY
