#!/usr/bin/env python3
"""Phase times of one MB-MPO iteration on 1 and R ranks (Benchmarks/mpi_scaling.sh) and the time against R they
predict for ranks of `cores` cores each.

    python3 Benchmarks/mpi_model.py OUT_DIR 1 R...        (reads OUT_DIR/rN/progress.csv, config.json, rN.log)

The model: the ensemble fit's work units are (member, batch half) pairs, run in rounds of `threads` per rank, and a
rank trains ⌈K/R⌉ members at most (contiguous ranges); the outer TRPO step's units are tasks, ⌈M/R⌉ per rank, in
rounds of `threads`; sample processing and the inner steps split by task (⌈M/R⌉ tasks per rank), and so does imagined
sampling, where a rank also imagines the neighbouring tasks that share a prediction chunk of the ensemble with its own;
real sampling and evaluation split by environment (⌈N/R⌉ of the N real environments per rank); a phase computed on
`threads` threads instead of the measured run's takes (measured threads / threads) times as long; communication is
taken from the measured bytes and collectives at an assumed network (10 Gb/s, 50 µs per collective), ≈ 0 on one
machine.

    --traffic LOG    take the bytes and collectives from this rank-0 log instead of OUT_DIR's
"""
import csv, json, math, os, re, sys

PHASES = [("real sampling + evaluation", ["Time-EnvSampling", "Time-Evaluation"]),
          ("model fit", ["Time-ModelFit"]),
          ("imagined sampling", ["Time-DynSampling"]),
          ("sample processing + inner steps", ["Time-DynSampleProc", "Time-InnerStep"]),
          ("outer TRPO steps", ["Time-OuterStep"]),
          ("iteration", ["Time-Itr"])]


def load(out, ranks):
    folder = os.path.join(out, f"r{ranks}")
    row = list(csv.DictReader(open(os.path.join(folder, "progress.csv"))))[-1]
    config = json.load(open(os.path.join(folder, "config.json")))
    times = {name: sum(float(row[k]) for k in keys) for name, keys in PHASES}
    traffic = None
    log = os.path.join(out, f"r{ranks}.log")
    if os.path.exists(log):
        m = re.search(r"(\d+) collective operations, each rank sent ([\d.]+) MB and received ([\d.]+) MB",
                      open(log, errors="replace").read())
        if m:
            traffic = (int(m.group(1)), float(m.group(2)), float(m.group(3)))
    return times, config, traffic


def rounds(units, ranks, threads):
    """Rounds of `threads` parallel units on the busiest of `ranks` ranks owning contiguous unit ranges."""
    per_rank = max((r + 1) * units // ranks - r * units // ranks for r in range(ranks))
    return math.ceil(per_rank / threads)


CHUNK_ROWS = 128  # DynamicsEnsemble.chunkRows


def imagined_tasks(config, ranks):
    """Most tasks a rank imagines (ImaginedSampler.chunkClosure): its own contiguous range, grown until both ends are
    boundaries of the prediction chunks that DynamicsEnsemble.chunkBoundaries cuts."""
    members, tasks = config["dynamics"]["members"], config["meta"]["metaBatchSize"]
    per_task = config["sampling"]["imaginedRolloutsPerTask"]
    rows = tasks * per_task
    boundaries = {0}
    for m in range(members):
        start, count = m * rows // members, rows // members
        chunks = -(-count // CHUNK_ROWS)
        boundaries.update(start + (c + 1) * count // chunks for c in range(chunks))
    boundaries = sorted(boundaries)
    most = 0
    for r in range(ranks):
        lower, upper = r * tasks // ranks, (r + 1) * tasks // ranks
        while lower < upper:
            low = max(b for b in boundaries if b <= lower * per_task)
            high = min(b for b in boundaries if b >= upper * per_task)
            closed = (low // per_task, -(-high // per_task))
            if closed == (lower, upper):
                break
            lower, upper = closed
        most = max(most, upper - lower)
    return most


def predict(base, config, base_threads, ranks, threads, traffic=None, bandwidth=1.25e9, latency=50e-6):
    members, tasks = config["dynamics"]["members"], config["meta"]["metaBatchSize"]
    fit = base["model fit"] * rounds_members(members, ranks, threads) / rounds_members(members, 1, base_threads)
    outer = base["outer TRPO steps"] * rounds(tasks, ranks, threads) / rounds(tasks, 1, base_threads)
    thread_scale = base_threads / threads  # a phase run on `threads` threads of each rank
    task_share = max((r + 1) * tasks // ranks - r * tasks // ranks for r in range(ranks)) / tasks
    imagined_share = imagined_tasks(config, ranks) / tasks
    environments = tasks * config["sampling"]["realRolloutsPerTask"]
    environment_share = max((r + 1) * environments // ranks - r * environments // ranks for r in range(ranks)) \
        / environments
    rest = (base["imagined sampling"] * imagined_share + base["sample processing + inner steps"] * task_share) \
        * thread_scale \
        + base["real sampling + evaluation"] * thread_scale * environment_share
    comm = 0.0
    if traffic and ranks > 1:
        collectives, _, received = traffic
        comm = collectives * latency + received * 1e6 / bandwidth
    return fit + outer + rest + comm, fit, outer, rest, comm


def rounds_members(members, ranks, threads):
    """Rounds per batch step of the fit: (member, half) units of the busiest rank over its threads."""
    per_rank = max((r + 1) * members // ranks - r * members // ranks for r in range(ranks))
    return math.ceil(2 * per_rank / threads)


def main():
    arguments = sys.argv[1:]
    traffic_log = None
    if "--traffic" in arguments:
        at = arguments.index("--traffic")
        traffic_log = arguments[at + 1]
        del arguments[at:at + 2]
    out, counts = arguments[0], [int(a) for a in arguments[1:]]
    cores = os.cpu_count() or 1
    runs = {r: load(out, r) for r in counts}
    base, config, _ = runs[1]
    print("| phase | " + " | ".join(f"{r} rank{'s' if r > 1 else ''} × {max(cores // r, 1)} thread(s)"
                                      for r in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for name, _ in PHASES:
        print(f"| {name} | " + " | ".join(f"{runs[r][0][name]:.1f} s" for r in counts) + " |")
    for r in counts:
        if runs[r][2]:
            c, sent, received = runs[r][2]
            print(f"\n{r} ranks: {c} collectives, each rank sent {sent:.1f} MB and received {received:.1f} MB")
    print("\nmodel, checked against the measured rank counts (same machine, shared memory):")
    for r in counts:
        t = predict(base, config, cores, r, max(cores // r, 1), None)
        print(f"  {r} ranks × {max(cores // r, 1)} threads: predicted {t[0]:.1f} s, measured {runs[r][0]['iteration']:.1f} s")
    traffic = next((runs[r][2] for r in counts if r > 1 and runs[r][2]), None)
    if traffic_log:
        m = re.search(r"(\d+) collective operations, each rank sent ([\d.]+) MB and received ([\d.]+) MB",
                      open(traffic_log, errors="replace").read())
        traffic = (int(m.group(1)), float(m.group(2)), float(m.group(3)))
    print(f"\npredicted iteration time for R ranks of {cores} cores each (10 Gb/s, 50 µs per collective):")
    print("| ranks | fit | outer steps | imagination, inner steps, real sampling | communication | iteration "
          "| speed-up |")
    print("|---|---|---|---|---|---|---|")
    for r in [1, 2, 4, 5, 10, 20]:
        total, fit, outer, rest, comm = predict(base, config, cores, r, cores, traffic)
        imagined = imagined_tasks(config, r)
        note = "" if imagined * r <= config["meta"]["metaBatchSize"] + r - 1 \
            else f" (a rank imagines {imagined} tasks)"
        print(f"| {r}{note} | {fit:.1f} s | {outer:.1f} s | {rest:.1f} s | {comm:.2f} s | {total:.1f} s | "
              f"{base['iteration'] / total:.2f}× |")


if __name__ == "__main__":
    main()
