"""PyTorch CPU reference for `mbmpo bench dynamics` (development only: `pip install torch`).

Same computation as the Swift benchmark: 5 members, each a weight-normalized MLP (17+6) -> 512 -> 512 -> 17 with
ReLU, float32.
  (a) imagined step: 1000 rows cut into 5 contiguous blocks of 200, block k through member k, next = obs + denorm(delta),
      under no_grad; per-member loop, and a batched variant (torch.bmm over the 5 members).
  (b) training: 10 000 samples, each member its own 80/20 split, batches of 500 in shuffled order, MSE loss,
      backward, Adam(lr 1e-3, eps 1e-8); samples x epochs per second (every sample visits all 5 members).
Prints the best of --repeats timings, per thread count.
"""
import argparse
import time

import torch

OBS, ACT, HIDDEN, MEMBERS = 17, 6, (512, 512), 5


def make_member(gen):
    sizes = [OBS + ACT, *HIDDEN, OBS]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = (6.0 / (fan_in + fan_out)) ** 0.5
        v = (torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * limit
        params += [v.requires_grad_(), torch.ones(fan_out, requires_grad=True), torch.zeros(fan_out, requires_grad=True)]
    return params


def forward(params, x):
    layers = len(params) // 3
    for l in range(layers):
        v, g, b = params[3 * l: 3 * l + 3]
        x = torch.addmm(b, x, v * (g / v.norm(dim=0)))
        if l < layers - 1:
            x = torch.relu(x)
    return x


def best_of(repeats, fn):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench(threads, rows, steps, samples, epochs, repeats):
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    members = [make_member(gen) for _ in range(MEMBERS)]
    mu_o, sd_o = torch.zeros(OBS), torch.ones(OBS)
    mu_a, sd_a = torch.zeros(ACT), torch.ones(ACT)
    mu_d, sd_d = torch.zeros(OBS), torch.ones(OBS)
    state = torch.randn(rows, OBS, generator=gen)
    actions = torch.rand(rows, ACT, generator=gen) * 2 - 1
    block = rows // MEMBERS

    def imagine():
        with torch.no_grad():
            for _ in range(steps):
                x = torch.cat([(state - mu_o) / sd_o, (actions - mu_a) / sd_a], dim=1)
                for k, params in enumerate(members):
                    rows_k = slice(k * block, (k + 1) * block)
                    state[rows_k] += forward(params, x[rows_k]) * sd_d + mu_d

    def imagine_batched():
        with torch.no_grad():
            ws = [torch.stack([p[3 * l] * (p[3 * l + 1] / p[3 * l].norm(dim=0)) for p in members]) for l in range(3)]
            bs = [torch.stack([p[3 * l + 2] for p in members]).unsqueeze(1) for l in range(3)]
            for _ in range(steps):
                x = torch.cat([(state - mu_o) / sd_o, (actions - mu_a) / sd_a], dim=1).view(MEMBERS, block, -1)
                for l in range(3):
                    x = torch.baddbmm(bs[l], x, ws[l])
                    if l < 2:
                        x = torch.relu(x)
                state.add_((x.reshape(rows, OBS)) * sd_d + mu_d)

    step = best_of(repeats, imagine) / steps
    step_batched = best_of(repeats, imagine_batched) / steps

    # training data from a fixed nonlinear map, normalized
    obs = torch.randn(samples, OBS, generator=gen)
    act = torch.rand(samples, ACT, generator=gen) * 2 - 1
    delta = 0.1 * torch.tanh(obs + act[:, :1])
    x_all = torch.cat([obs, act], dim=1)
    x_all = (x_all - x_all.mean(0)) / (x_all.std(0, unbiased=False) + 1e-10)
    y_all = (delta - delta.mean(0)) / (delta.std(0, unbiased=False) + 1e-10)
    train = samples - samples // 5
    batch = 500
    optimizers = [torch.optim.Adam(p, lr=1e-3, eps=1e-8) for p in members]
    splits = [torch.randperm(samples, generator=gen)[:train] for _ in members]
    batches = [[(xi, yi) for xi, yi in zip(x_all[s].split(batch), y_all[s].split(batch))] for s in splits]

    def train_epochs():
        for _ in range(epochs):
            for params, opt, member_batches in zip(members, optimizers, batches):
                for i in torch.randperm(len(member_batches), generator=gen).tolist():
                    xb, yb = member_batches[i]
                    loss = torch.mean((forward(params, xb) - yb) ** 2)
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()

    # batched variant: the 5 members as one stacked layer (bmm), every member stepping on its own batch at once;
    # Adam is element-wise, so one optimizer over the stacked tensors equals 5 per-member optimizers
    stacked = [torch.stack([p[i].detach() for p in members]).clone().requires_grad_() for i in range(9)]
    stacked_opt = torch.optim.Adam(stacked, lr=1e-3, eps=1e-8)
    n_batches = len(batches[0])
    xs = [torch.stack([batches[k][i][0] for k in range(MEMBERS)]) for i in range(n_batches)]
    ys = [torch.stack([batches[k][i][1] for k in range(MEMBERS)]) for i in range(n_batches)]

    def train_epochs_batched():
        for _ in range(epochs):
            for i in torch.randperm(n_batches, generator=gen).tolist():
                x = xs[i]
                for l in range(3):
                    v, g, b = stacked[3 * l: 3 * l + 3]
                    x = torch.baddbmm(b.unsqueeze(1), x, v * (g / v.norm(dim=1)).unsqueeze(1))
                    if l < 2:
                        x = torch.relu(x)
                loss = torch.mean((x - ys[i]) ** 2, dim=(1, 2)).sum()
                stacked_opt.zero_grad(set_to_none=True)
                loss.backward()
                stacked_opt.step()

    epoch = best_of(repeats, train_epochs) / epochs
    epoch_batched = best_of(repeats, train_epochs_batched) / epochs
    print(f"threads {threads}:")
    print(f"  imagined step ({rows} rows, blocks): per-member loop {rows / step:,.0f} model steps/s "
          f"({step * 1e3:.3f} ms/step); batched bmm {rows / step_batched:,.0f} model steps/s "
          f"({step_batched * 1e3:.3f} ms/step)")
    print(f"  training: per-member loop {train / epoch:,.0f} samples·epochs/s ({epoch * 1e3:.1f} ms/epoch); "
          f"batched bmm {train / epoch_batched:,.0f} samples·epochs/s ({epoch_batched * 1e3:.1f} ms/epoch)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, float32, {MEMBERS} members x {HIDDEN} ReLU, weight-normalized, "
          f"obs {OBS}, act {ACT}, batch 500")
    for t in args.threads:
        bench(t, args.rows, args.steps, args.samples, args.epochs, args.repeats)


if __name__ == "__main__":
    main()
