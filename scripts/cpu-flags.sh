#!/usr/bin/env bash
# Prints the swift build flags for the widest target CPU this machine allows (nothing on
# CPUs without AVX2/FMA/F16C). Without them Swift turns every fused multiply-add into a libm
# call and the SIMD kernels run ~100× slower; a generic build stays correct, only slower.
if [ -r /proc/cpuinfo ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo; then
  echo "-Xswiftc -target-cpu -Xswiftc haswell"
fi
