#!/usr/bin/env bash
# Release build with the widest target CPU this machine allows. Without AVX2/FMA code
# generation Swift turns every fused multiply-add into a libm call and the SIMD kernels run
# ~100× slower; on CPUs without them the build stays generic (slower, still correct).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=()
if [ -r /proc/cpuinfo ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo; then
  flags=(-Xswiftc -target-cpu -Xswiftc haswell)
fi
swift build -c release "${flags[@]}" "$@"
