#!/usr/bin/env bash
# Runs each libFuzzer target of tests/fuzz for a given time, from its committed seed corpus.
#   scripts/run_fuzzers.sh BUILD_DIR SECONDS TARGET...
# New inputs go to BUILD_DIR/fuzz-corpus/<target> (the committed corpus is only read); a crash,
# sanitizer report, leak, hang (> 10 s on one input) or escaped exception leaves its input in
# BUILD_DIR/fuzz-crashes/<target>/ and makes this script fail after all targets have run. Turn each
# such input into a regression test by copying it to tests/fuzz/regressions/<target>/.
set -uo pipefail
build="$1" seconds="$2"
shift 2
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
failed=()
for target in "$@"; do
  corpus="$build/fuzz-corpus/$target" crashes="$build/fuzz-crashes/$target"
  mkdir -p "$corpus" "$crashes"
  echo "== fuzz_$target for ${seconds} s"
  seeds=("$source_dir/tests/fuzz/corpus/$target")
  [ -d "$source_dir/tests/fuzz/regressions/$target" ] && seeds+=("$source_dir/tests/fuzz/regressions/$target")
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" \
      >"$build/fuzz-$target.log" 2>&1; then
    failed+=("$target")
    tail -n 60 "$build/fuzz-$target.log"
  fi
  grep -E "^stat::(number_of_executed_units|new_units_added)|^#[0-9]+ *DONE" "$build/fuzz-$target.log" | sed 's/^/   /'
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "Fuzzing found inputs that fail: ${failed[*]} (inputs under $build/fuzz-crashes/; logs $build/fuzz-<target>.log)" >&2
  exit 1
fi
echo "All fuzz targets ran ${seconds} s each without a failure: $*"
