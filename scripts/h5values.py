#!/usr/bin/env python3
"""Prints datasets and attributes of an HDF5 file as JSON, as h5py reads them (floats in exact hex form).

Usage: h5values.py FILE [OBJECT ...]   (OBJECT: a dataset path, or PATH@ATTRIBUTE for an attribute)
With MINARI_DIR set, also loads that folder with minari.MinariDataset and reports its totals and first episode.
Exit status 3 when h5py is missing.
"""
import json
import os
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:
    print(f"h5py unavailable: {error}", file=sys.stderr)
    sys.exit(3)


def encode(value):
    array = np.asarray(value)
    if array.dtype.kind == "f":
        flat = [float(x).hex() for x in array.astype(np.float64).ravel()]
    elif array.dtype.kind in "iub":
        flat = [int(x) for x in array.ravel()]
    else:
        flat = [x.decode() if isinstance(x, bytes) else str(x) for x in array.ravel()]
    return {"dtype": str(array.dtype), "shape": list(array.shape), "values": flat}


def main():
    result = {}
    with h5py.File(sys.argv[1], "r") as file:
        for name in sys.argv[2:]:
            if "@" in name:
                path, attribute = name.split("@", 1)
                result[name] = encode(file[path or "/"].attrs[attribute])
            else:
                result[name] = encode(file[name][()])
    minari_dir = os.environ.get("MINARI_DIR")
    if minari_dir:
        try:
            import minari
        except ImportError as error:
            result["minari"] = {"unavailable": str(error)}
        else:
            dataset = minari.MinariDataset(minari_dir)
            episode = next(dataset.iterate_episodes())
            result["minari"] = {"total_episodes": dataset.total_episodes, "total_steps": dataset.total_steps,
                                "rewards": encode(episode.rewards), "qpos": encode(episode.infos["qpos"])}
    print(json.dumps(result))


main()
