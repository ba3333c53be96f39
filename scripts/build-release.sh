#!/usr/bin/env bash
# Release build with the widest target CPU this machine allows (scripts/cpu-flags.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a flags <<< "$(scripts/cpu-flags.sh)"
swift build -c release "${flags[@]}" "$@"
