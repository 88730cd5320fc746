#!/usr/bin/env bash
# Installs what mbmpo needs on Debian 12 (only the packages that are missing) and builds it in release mode.
# Usage: scripts/setup.sh            (set MBMPO_SKIP_BUILD=1 to only install packages)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libmujoco-dev libopenblas-dev libhdf5-dev zlib1g-dev libglfw3-dev libgl-dev libegl-dev libgl1-mesa-dri
          xvfb xauth pkg-config librsvg2-bin libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# h5py for the Python cross-check of our HDF5 files (the test records a skip reason only if this fails)
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import h5py" 2>/dev/null; then
  python3 -m pip install --quiet h5py || echo "warning: could not install h5py; the Python HDF5 check will be skipped" >&2
fi

if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "error: the Swift toolchain (6.0 or newer) is not installed; get it from https://www.swift.org/install/linux/" >&2
  exit 1
fi

if [ "${MBMPO_SKIP_BUILD:-0}" != "1" ]; then
  swift build -c release --product mbmpo 2>&1 | grep -vE "^\[[0-9]+/[0-9]+\]" || true
  test -x .build/release/mbmpo || { echo "error: release build failed" >&2; exit 1; }
fi
