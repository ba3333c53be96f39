#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Targets/*) with AddressSanitizer in .build-fuzz and
# runs each in turn for SECONDS, from its seed corpus plus what earlier runs found.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (make fuzz: 600 s each; make test: 20 s each)
# Crashes land in .build-fuzz/crashes/TARGET/; one line per run is appended to
# .build-fuzz/fuzz-stats.tsv (date, target, seconds, executions, result). Exits non-zero when
# a target crashed. Without libFuzzer (macOS toolchains) the corpus is replayed instead.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(ls Fuzz/Targets)
scratch=.build-fuzz

swiftc_path=$(readlink -f "$(command -v swiftc)")
runtime=$(ls "$(dirname "$swiftc_path")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -1 || true)
if [ -z "$runtime" ]; then
  echo "fuzz: this toolchain has no libFuzzer runtime; replaying the seed corpora instead" >&2
  swift build
  for t in "${targets[@]}"; do ".build/debug/fuzz-$t"; done
  exit 0
fi

# -sanitize=fuzzer goes to the frontend only (coverage instrumentation); the link takes
# libFuzzer without its main, because each target keeps its own (Fuzz/Support/FuzzDriver.swift).
read -r -a cpu <<< "$(scripts/cpu-flags.sh)"
flags=(-c release --scratch-path "$scratch" -Xswiftc -DFUZZING -Xswiftc -sanitize=address
       -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer,address -Xlinker "$runtime" -Xlinker -lstdc++ "${cpu[@]}")
mkdir -p "$scratch/logs"
for t in "${targets[@]}"; do
  echo "fuzz: building fuzz-$t" >&2
  if ! swift build "${flags[@]}" --product "fuzz-$t" > "$scratch/logs/build-$t.log" 2>&1; then
    grep -v "ld.gold: warning" "$scratch/logs/build-$t.log" | tail -20 >&2
    exit 1
  fi
done

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/corpus/$t" "$scratch/crashes/$t"
  log="$scratch/logs/$t.log"
  options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
           -artifact_prefix="$scratch/crashes/$t/")
  [ -f "Fuzz/Dictionaries/$t.dict" ] && options+=(-dict="Fuzz/Dictionaries/$t.dict")
  [ -f "Fuzz/Options/$t.options" ] && mapfile -t -O "${#options[@]}" options < <(grep -v '^#' "Fuzz/Options/$t.options" | grep .)
  echo "fuzz: running fuzz-$t for ${seconds}s (log $log)" >&2
  status=0
  SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp" "$scratch/release/fuzz-$t" "${options[@]}" "$scratch/corpus/$t" "Fuzz/Corpus/$t" > "$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  result=ok
  if [ "$status" -ne 0 ]; then
    result=crash
    failed+=("$t")
    grep -E "ERROR|Fatal error|==.*==|SUMMARY|Test unit written|ParseDictionary" "$log" | head -8 >&2 || true
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "$runs" "$result" >> "$scratch/fuzz-stats.tsv"
  echo "fuzz: $t: $runs executions in ${seconds}s, $result" >&2
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]} (inputs in $scratch/crashes/; replay one with $scratch/release/fuzz-TARGET FILE)" >&2
  exit 1
fi
