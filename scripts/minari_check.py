#!/usr/bin/env python3
"""Loads a dataset folder written by `mbmpo export --format minari` with Minari itself and checks what a user relies
on: the episode and step counts, the spaces' shapes against the data, the termination/truncation flags (exactly one
episode end each), and a distinct reset seed on every episode. Prints one summary line; exit status 1 on a failed
check. A dataset of a Gymnasium task must recover Gymnasium's environment with the same spaces. Usage:
scripts/minari_check.py FOLDER EPISODES. Needs `python3 -m pip install minari`."""
import sys

import minari


def main(folder, episodes):
    dataset = minari.MinariDataset(folder)
    assert dataset.total_episodes == episodes, f"{dataset.total_episodes} episodes, expected {episodes}"
    steps, seeds = 0, []
    for episode, metadata in zip(dataset.iterate_episodes(), dataset.storage.get_episode_metadata(range(episodes))):
        length = len(episode.actions)
        steps += length
        assert episode.observations.shape == (length + 1,) + dataset.observation_space.shape, "observation shape"
        assert episode.actions.shape == (length,) + dataset.action_space.shape, "action shape"
        assert dataset.action_space.contains(episode.actions[0]), "an action outside the action space"
        ends = episode.terminations.astype(bool) | episode.truncations.astype(bool)
        assert ends[-1] and not ends[:-1].any(), "an episode must end exactly at its last step"
        seeds.append(metadata["seed"])
    assert steps == dataset.total_steps, f"{steps} steps, metadata says {dataset.total_steps}"
    assert len(set(seeds)) == episodes, "episodes need distinct reset seeds"
    # a Gymnasium task's dataset names Gymnasium's environment: Minari makes it, with the dataset's spaces
    if dataset.spec.env_spec is not None:
        env = dataset.recover_environment()
        assert env.spec.id == dataset.spec.env_spec.id, "recovered another environment"
        assert env.observation_space.shape == dataset.observation_space.shape, "observation space differs from Gymnasium's"
        assert env.action_space.shape == dataset.action_space.shape, "action space differs from Gymnasium's"
        observation, _ = env.reset(seed=0)
        assert dataset.observation_space.contains(observation), "Gymnasium's observation is outside the dataset's space"
        print(f"recovered Gymnasium's {env.spec.id} (time limit {env.spec.max_episode_steps})")
    print(f"minari {minari.__version__} loaded {dataset.spec.dataset_id}: {episodes} episodes, {steps} steps, "
          f"dataset format {dataset.spec.minari_version}")


if __name__ == "__main__":
    try:
        main(sys.argv[1], int(sys.argv[2]))
    except (AssertionError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
