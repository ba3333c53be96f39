#!/usr/bin/env bash
# Installs the Debian packages (and, for tests, the Python peers) Baton needs — only the
# missing ones, so repeated runs cost nothing.
#   scripts/setup-system.sh run    build and run: OpenBLAS, HDF5, RtMidi, pkg-config
#   scripts/setup-system.sh test   also the real peers the integration tests talk to
set -euo pipefail
profile=${1:-run}

packages=(libopenblas-dev libhdf5-dev zlib1g-dev librtmidi-dev pkg-config)
if [ "$profile" = test ]; then
  # jackd2: a JACK server on its dummy backend is the MIDI system the MIDI tests play through.
  # time: GNU time measures peak memory in the hostile-file tests.
  packages+=(liblo-tools puredata-core chromium chromium-driver tmux jackd2 time)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "error: missing packages ${missing[*]} and no apt-get to install them (hint: install them with your package manager)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$profile" = test ]; then
  need=()
  python3 -c "import pythonosc" 2>/dev/null || need+=(python-osc)
  python3 -c "import selenium" 2>/dev/null || need+=(selenium)
  python3 -c "import websockets" 2>/dev/null || need+=(websockets)
  python3 -c "import numpy" 2>/dev/null || need+=(numpy)
  python3 -c "import pytest" 2>/dev/null || need+=(pytest)
  python3 -c "import h5py" 2>/dev/null || need+=(h5py)
  python3 -c "import safetensors" 2>/dev/null || need+=(safetensors)
  python3 -c "import rtmidi" 2>/dev/null || need+=(python-rtmidi)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing Python test peers: ${need[*]}" >&2
    python3 -m pip install --quiet "${need[@]}"
  fi
  # PyTorch for the round-trip and torchrun tests (python/). A CPU-only wheel in pip's
  # find-links folder (CI images keep one in /opt/wheels) comes first: PyPI's newest torch
  # is a CUDA build that pulls gigabytes of GPU libraries. Then PyTorch's CPU index, then PyPI.
  if ! python3 -c "import torch" 2>/dev/null; then
    links=$(python3 -m pip config get global.find-links 2>/dev/null || true)
    wheel=$(ls ${PIP_FIND_LINKS:-} $links /opt/wheels 2>/dev/null | grep -E '^torch-.*\+cpu-.*\.whl$' | sort -V | tail -1 || true)
    for folder in ${PIP_FIND_LINKS:-} $links /opt/wheels; do
      [ -n "$wheel" ] && [ -f "$folder/$wheel" ] && { wheel="$folder/$wheel"; break; }
    done
    echo "installing PyTorch (CPU) for the PyTorch round-trip tests" >&2
    { [ -f "$wheel" ] && python3 -m pip install --quiet "$wheel"; } ||
      python3 -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu --extra-index-url https://pypi.org/simple ||
      python3 -m pip install --quiet torch
  fi
fi
