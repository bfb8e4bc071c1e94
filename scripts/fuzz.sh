#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of one decoder for SECONDS.
#   scripts/fuzz.sh TARGET SECONDS     TARGET: manifest | restore | netlink | watch | all
# Seeds come from the fixtures (scripts/fuzz-seeds.py); the corpus grows in .build-fuzz/corpus/TARGET.
# KPX_FUZZ_NO_BUILD=1 reuses the last fuzz build. A crash is saved as .build-fuzz/crashes/TARGET-crash-* and fails the run (exit 1): copy it to
# Tests/Fixtures/fuzz/regressions/TARGET/ once fixed. Prints libFuzzer's final stats line.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:-60}
if [ "$target" = all ]; then
  for t in manifest restore netlink watch; do "$0" "$t" "$seconds"; done
  exit 0
fi
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:$PATH
scratch=.build-fuzz
runtime=$(ls "$(dirname "$(command -v swift)")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)
# libFuzzer's driver without its main (our @main calls LLVMFuzzerRunDriver), coverage as -fsanitize=fuzzer sets it.
mkdir -p "$scratch"
[ -n "${KPX_FUZZ_NO_BUILD:-}" ] || swift build --product kpx-fuzz --scratch-path "$scratch" -Xswiftc -DKPX_LIBFUZZER \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
  -Xlinker "$runtime" -Xlinker -lstdc++ >"$scratch/build.log" 2>&1 || { tail -20 "$scratch/build.log" >&2; exit 1; }
corpus=$scratch/corpus/$target
mkdir -p "$corpus" "$scratch/crashes"
python3 scripts/fuzz-seeds.py "$target" "$corpus"
log=$scratch/fuzz-$target.log
set +e
KPX_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$scratch/debug/kpx-fuzz" "$corpus" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$scratch/crashes/$target-" >"$log" 2>&1
status=$?
set -e
grep -E "^#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$log" | tail -4
if [ $status -ne 0 ]; then
  echo "fuzz $target: FAILED (exit $status); see $log and $scratch/crashes/" >&2
  grep -E "ERROR|panicked|Fatal error|SUMMARY|artifact" "$log" | head -10 >&2
  exit 1
fi
echo "fuzz $target: ${seconds}s, 0 crashes"
