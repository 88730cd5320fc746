#!/usr/bin/env python3
"""Checks mbmpo's Gymnasium v5 tasks against Gymnasium itself (pip's `gymnasium[mujoco]`, MuJoCo 3.x or later).

For every task it records random-action episodes with `mbmpo rollout --record` (MuJoCo 2.2.2) and replays their
states in Gymnasium:

* exact (asserted bit for bit): every observation entry that the state determines (for Ant-v5 all but the contact
  forces, for Reacher-v5 all but the fingertip-target offset, which both come from data one physics step behind the
  state); the forward reward from the recorded positions with Gymnasium's dt; the control cost; the healthy reward;
  the termination; the whole reward where it has no lagging term (HalfCheetah, Hopper, Walker2d, Swimmer); the reward
  against our own observation where the observation holds every term (Reacher-v5: -|offset| - sum a^2, to
  1e-15: NumPy's norm may add with a fused multiply-add);
* measured (printed, not asserted): the one-step dynamics difference between the two MuJoCo versions (Gymnasium
  stepped from our state with our action, against our next state), and the lagging quantities after that step
  (Ant-v5's contact forces and forward reward, Reacher-v5's offset);
* the models' facts (asserted): ours and Gymnasium's own model files compiled by pip's MuJoCo give the same nq, nv,
  nu, nbody, timestep, integrator, gravity, body masses and inertias, gears, control and joint ranges, damping,
  armature, stiffness and friction.

Usage: scripts/gymnasium_parity.py BINARY WORK_DIR [--episodes N] [--tasks A,B]. Prints a table; exit status 1 on
a failed check. Needs `python3 -m pip install "gymnasium[mujoco]" h5py`.
"""
import argparse
import os
import subprocess
import sys

import gymnasium
import gymnasium.envs.mujoco
import h5py
import mujoco
import numpy as np

TASKS = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Swimmer-v5", "Reacher-v5"]
# our model file per task, and Gymnasium's
MODELS = {
    "HalfCheetah-v5": ("half_cheetah.xml", "half_cheetah.xml"),
    "Hopper-v5": ("hopper.xml", "hopper.xml"),
    "Walker2d-v5": ("walker2d_v5.xml", "walker2d_v5.xml"),
    "Ant-v5": ("ant.xml", "ant.xml"),
    "Swimmer-v5": ("swimmer.xml", "swimmer.xml"),
    "Reacher-v5": ("reacher_v5.xml", "reacher.xml"),
}
# observation entries that come from data one physics step behind the state (not determined by it)
LAGGING = {"Ant-v5": slice(27, 105), "Reacher-v5": slice(8, 10)}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def record(binary, task, folder, episodes, seed):
    if not os.path.exists(os.path.join(folder, "trajectories.h5")):
        subprocess.run(
            [binary, "rollout", "--env", task, "--episodes", str(episodes), "--envs", str(episodes),
             "--seed", str(seed), "--record", folder], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(os.path.join(folder, "trajectories.h5"), "r") as f:
        group = f["iter-0000/random"]
        return [{k: group[name][k][()] for k in group[name]} for name in sorted(group)]


def parts(env, task, action):
    """Gymnasium's reward terms that the state after the step and the action determine (forward aside)."""
    unwrapped = env.unwrapped
    terms = {}
    if task == "Reacher-v5":
        terms["control"] = -np.square(action).sum() * unwrapped._reward_control_weight
    else:
        terms["control"] = -unwrapped.control_cost(action)
    if hasattr(unwrapped, "healthy_reward"):
        terms["alive"] = unwrapped.healthy_reward
        terms["terminated"] = not unwrapped.is_healthy
    else:
        terms["terminated"] = False
    return terms


def gym_reward(task, forward, terms):
    """The reward as Gymnasium's step adds it up."""
    if task in ("HalfCheetah-v5", "Swimmer-v5"):
        return forward - (-terms["control"])
    if task in ("Hopper-v5", "Walker2d-v5"):
        return (forward + terms["alive"]) - (-terms["control"])
    raise ValueError(task)


def compare_task(env, task, episodes, dt_ours):
    unwrapped = env.unwrapped
    check(abs(unwrapped.dt - dt_ours) == 0, f"{task}: dt {dt_ours} against Gymnasium's {unwrapped.dt}")
    exact_mask = np.ones(env.observation_space.shape[0], dtype=bool)
    if task in LAGGING:
        exact_mask[LAGGING[task]] = False
    steps = 0
    worst = {"qpos": 0.0, "qvel": 0.0, "lagging obs": 0.0, "reward": 0.0, "qvel steps": []}
    for episode in episodes:
        qpos, qvel, obs = episode["qpos"], episode["qvel"], episode["observations"]
        actions, rewards, ends = episode["actions"], episode["rewards"], episode["terminations"]
        env.reset(seed=0)
        # the start state's observation: the lagging parts are current after a reset, so the state determines them
        # too, up to the two MuJoCo versions' rounding in the forward kinematics
        unwrapped.set_state(qpos[0], qvel[0])
        first = unwrapped._get_obs()
        check(np.array_equal(first[exact_mask], obs[0][exact_mask]) and np.allclose(first, obs[0], rtol=0, atol=1e-12),
              f"{task}: start observation differs by {np.abs(first - obs[0]).max()}")
        for t in range(len(rewards)):
            steps += 1
            unwrapped.set_state(qpos[t + 1], qvel[t + 1])
            theirs = unwrapped._get_obs()
            check(np.array_equal(theirs[exact_mask], obs[t + 1][exact_mask]),
                  f"{task}: step {t} observation differs at {np.flatnonzero(theirs[exact_mask] != obs[t + 1][exact_mask])}")
            terms = parts(env, task, actions[t])
            check(terms["terminated"] == bool(ends[t]),
                  f"{task}: step {t} terminated {bool(ends[t])}, Gymnasium says {terms['terminated']}")
            if task == "Reacher-v5":
                offset = np.array([obs[t + 1][8], obs[t + 1][9], 0.0])
                expected = -np.linalg.norm(offset) * unwrapped._reward_dist_weight + terms["control"]
                check(abs(expected - rewards[t]) <= 1e-15,
                      f"{task}: step {t} reward {rewards[t]} against {expected} from its observation")
            elif task != "Ant-v5":
                forward = unwrapped._forward_reward_weight * ((qpos[t + 1][0] - qpos[t][0]) / unwrapped.dt)
                expected = gym_reward(task, forward, terms)
                check(expected == rewards[t], f"{task}: step {t} reward {rewards[t]} against Gymnasium's {expected}")
            # one step in Gymnasium from our state with our action
            unwrapped.set_state(qpos[t], qvel[t])
            stepped, reward, _, _, _ = env.step(actions[t])
            worst["qpos"] = max(worst["qpos"], np.abs(unwrapped.data.qpos - qpos[t + 1]).max())
            worst["qvel steps"].append(np.abs(unwrapped.data.qvel - qvel[t + 1]).max())
            worst["qvel"] = max(worst["qvel"], worst["qvel steps"][-1])
            if task in LAGGING:
                lag = LAGGING[task]
                worst["lagging obs"] = max(worst["lagging obs"], np.abs(stepped[lag] - obs[t + 1][lag]).max())
            worst["reward"] = max(worst["reward"], abs(reward - rewards[t]))
    return steps, worst


def episode_lengths(binary, task, folder, episodes):
    """Random-action episode lengths, ours (recorded) and Gymnasium's (its own resets and action sampling)."""
    ours = [len(e["rewards"]) for e in record(binary, task, folder, episodes, seed=11)]
    env = gymnasium.make(task)
    env.action_space.seed(11)
    theirs = []
    for episode in range(episodes):
        env.reset(seed=episode)
        length, done = 0, False
        while not done:
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            length, done = length + 1, terminated or truncated
        theirs.append(length)
    return ours, theirs


def compare_models(task, ours_folder):
    ours_file, theirs_file = MODELS[task]
    ours = mujoco.MjModel.from_xml_path(os.path.join(ours_folder, ours_file))
    assets = os.path.join(os.path.dirname(gymnasium.envs.mujoco.__file__), "assets")
    theirs = mujoco.MjModel.from_xml_path(os.path.join(assets, theirs_file))
    for name in ["nq", "nv", "nu", "nbody", "njnt"]:
        check(getattr(ours, name) == getattr(theirs, name),
              f"{task}: {name} {getattr(ours, name)} against Gymnasium's {getattr(theirs, name)}")
    check(ours.opt.timestep == theirs.opt.timestep and ours.opt.integrator == theirs.opt.integrator,
          f"{task}: timestep/integrator differ")
    facts = [
        ("gravity", ours.opt.gravity, theirs.opt.gravity),
        ("body masses", ours.body_mass, theirs.body_mass),
        ("body inertias", ours.body_inertia, theirs.body_inertia),
        ("gears", ours.actuator_gear[:, 0], theirs.actuator_gear[:, 0]),
        ("control ranges", ours.actuator_ctrlrange, theirs.actuator_ctrlrange),
        ("actuated joints", ours.actuator_trnid[:, 0], theirs.actuator_trnid[:, 0]),
        ("joint types", ours.jnt_type, theirs.jnt_type),
        ("joint limits", ours.jnt_limited * ours.jnt_range.T, theirs.jnt_limited * theirs.jnt_range.T),
        ("damping", ours.dof_damping, theirs.dof_damping),
        ("armature", ours.dof_armature, theirs.dof_armature),
        ("stiffness", ours.jnt_stiffness, theirs.jnt_stiffness),
        ("friction", ours.geom_friction, theirs.geom_friction),
        ("qpos0", ours.qpos0, theirs.qpos0),
    ]
    for name, a, b in facts:
        check(np.allclose(a, b, rtol=1e-9, atol=1e-12), f"{task}: {name} differ:\n ours {a}\n Gymnasium's {b}")
    return len(facts) + 7


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("work")
    parser.add_argument("--episodes", type=int, default=4)
    parser.add_argument("--lengths", type=int, default=40, help="random episodes per task for the length comparison")
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "..", "Assets", "xml"))
    args = parser.parse_args()
    binary, assets, work = (os.path.abspath(p) for p in (args.binary, args.assets, args.work))
    os.makedirs(work, exist_ok=True)
    os.chdir(work)  # pip's MuJoCo writes its warnings to MUJOCO_LOG.TXT in the working folder
    # the warnings it prints (the `settotalmass` deprecation of MuJoCo 4's compiler, for both sides' half-cheetah
    # files) are counted and reported once instead
    warnings = []
    if hasattr(mujoco, "set_mju_user_warning"):
        mujoco.set_mju_user_warning(warnings.append)
    print(f"gymnasium {gymnasium.__version__}, mujoco {mujoco.__version__} (ours: 2.2.2), numpy {np.__version__}")
    print("one step of Gymnasium from our state and action against our next state (MuJoCo 2.2.2), largest over the")
    print("steps (|Δqvel|: median too); the lagging observation entries and the reward after that step")
    print(f"{'task':15} {'steps':>6} {'facts':>5}  {'|Δqpos|':>8} {'|Δqvel| max':>11} {'median':>8} {'lagging obs':>11} {'reward':>8}")
    failed = False
    for task in args.tasks.split(","):
        try:
            facts = compare_models(task, assets)
            episodes = record(binary, task, os.path.join(work, task), args.episodes, seed=7)
            env = gymnasium.make(task)
            with h5py.File(os.path.join(work, task, "trajectories.h5"), "r") as f:
                dt = float(f.attrs["dt"])
            steps, worst = compare_task(env, task, episodes, dt)
            lag = f"{worst['lagging obs']:.1e}" if task in LAGGING else "-"
            print(f"{task:15} {steps:6d} {facts:5d}  {worst['qpos']:8.1e} {worst['qvel']:11.1e} "
                  f"{np.median(worst['qvel steps']):8.1e} {lag:>11} {worst['reward']:8.1e}")
        except Failure as error:
            failed = True
            print(f"{task:15} FAILED: {error}")
    if warnings:
        print(f"pip's MuJoCo warned {len(warnings)} times: {sorted(set(w.strip() for w in warnings))}")
    print(f"random-action episode lengths, {args.lengths} episodes (median, mean): ours (MuJoCo 2.2.2) | Gymnasium")
    for task in args.tasks.split(","):
        if task not in ("Hopper-v5", "Walker2d-v5", "Ant-v5"):
            continue
        ours, theirs = episode_lengths(binary, task, os.path.join(work, task + "-lengths"), args.lengths)
        print(f"{task:15} {np.median(ours):6.0f} {np.mean(ours):6.1f} | {np.median(theirs):6.0f} {np.mean(theirs):6.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
