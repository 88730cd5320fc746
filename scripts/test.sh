#!/usr/bin/env bash
# Sets up a Debian 12 machine (packages, release build) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"

# the learner must never depend on MuJoCo or the simulator
if grep -rnE "^import (CMuJoCo|Sim)$" Sources/Learner Sources/Core; then
  echo "error: Learner/Core import MuJoCo or Sim" >&2
  exit 1
fi

# the code must be as `swift format` (shipped with the toolchain) leaves it under the committed .swift-format
formatted=$(mktemp -d)
cp -r Sources Tests Package.swift .swift-format "$formatted"/
(cd "$formatted" && swift format format --in-place --recursive --parallel Sources Tests Package.swift)
if ! changed=$(diff -rq Sources "$formatted/Sources" && diff -rq Tests "$formatted/Tests" \
               && diff -q Package.swift "$formatted/Package.swift"); then
  echo "$changed" | sed "s|$formatted/||" >&2
  echo "error: unformatted code; run: swift format format --in-place --recursive Sources Tests Package.swift" >&2
  rm -rf "$formatted"
  exit 1
fi
rm -rf "$formatted"

# TensorBoard's own reader checks our event files (tests skip that check without it)
python3 -c "import tensorboard" 2>/dev/null || python3 -m pip install --quiet tensorboard \
  || python3 -m pip install --quiet --user --break-system-packages tensorboard \
  || echo "note: could not install tensorboard; the TensorBoard reader checks are skipped"

# Minari loads our exported datasets in the command-line checks (they say so when it cannot be installed)
# (its HDF5 storage imports PIL, which no minari extra pulls in)
python3 -c "import minari, PIL" 2>/dev/null || python3 -m pip install --quiet minari pillow \
  || python3 -m pip install --quiet --user --break-system-packages minari pillow \
  || echo "note: could not install minari; the Minari loading check is skipped"

# Gymnasium itself checks our v5 tasks (scripts/gymnasium_parity.py); skipped only where PyPI cannot be reached
gymnasium_ready=1
python3 -c "import gymnasium, mujoco, h5py" 2>/dev/null || python3 -m pip install --quiet "gymnasium[mujoco]" h5py \
  || python3 -m pip install --quiet --user --break-system-packages "gymnasium[mujoco]" h5py || gymnasium_ready=0
if [ "$gymnasium_ready" = 0 ]; then
  if python3 -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/gymnasium/', timeout=20)" \
    2>/dev/null; then
    echo "error: PyPI is reachable but gymnasium[mujoco] did not install" >&2
    exit 1
  fi
  echo "note: PyPI is unreachable; the Gymnasium parity check is skipped"
fi

swift build --build-tests
swift test --skip-build --parallel --num-workers 2 2>&1 | tee .build/test.log
scripts/cli-checks.sh .build/release/mbmpo
# one run over 1, 2 and 3 MPI ranks gives the same bits; resume across rank counts; a killed rank ends the run
scripts/mpi-checks.sh .build/release/mbmpo
if [ "$gymnasium_ready" = 1 ]; then
  python3 scripts/gymnasium_parity.py .build/release/mbmpo "$(mktemp -d)"
fi
# the hostile-input soak, short form: kill -9 and resume, damaged files, configuration fuzz, bad models
python3 scripts/soak.py --short --binary .build/release/mbmpo
