#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a budget.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET=20] [extra libFuzzer flags...]
#   e.g. scripts/fuzz.sh 0 -runs=10000000     (a long run: 10 million executions per target)
#   CCSIM_FUZZ_TARGETS="scenario" scripts/fuzz.sh ...   (a subset of scenario, set, sweep, batsim, swf, gpu_csv, report)
# Seeds: fuzz/seeds/<target> (the hostile classes of issue 17), scenarios/, tests/bad-inputs/ and, when present,
# ../shared/data. New inputs go to build/fuzz/corpus/.
# Exits non-zero on the first crash, leak, timeout or out-of-memory (the reproducer is left in build/fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
scripts/install-deps.sh --test # clang for libFuzzer
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" >/dev/null

run() {
  local target=$1
  shift
  local corpus="build/fuzz/corpus/$target"
  mkdir -p "$corpus"
  local budget=()
  [ "$seconds" != "0" ] && budget=(-max_total_time="$seconds")
  echo "fuzz: $target (${seconds}s budget) seeds: $*"
  (cd build/fuzz && "./fuzz/ccsim_fuzz_$target" "${budget[@]}" -max_len=16384 -timeout=10 -rss_limit_mb=2560 \
      -print_final_stats=1 "${EXTRA[@]}" "corpus/$target" "$@" 2>&1 | tail -n 14)
}

EXTRA=("$@")
seeds_scenario=("$PWD/fuzz/seeds/scenario" "$PWD/scenarios" "$PWD/scenarios/small" "$PWD/scenarios/chips" "$PWD/tests/bad-inputs")
seeds_set=("$PWD/fuzz/seeds/set")
seeds_sweep=("$PWD/fuzz/seeds/sweep")
seeds_batsim=("$PWD/fuzz/seeds/batsim" "$PWD/tests/bad-inputs/traces")
if [ -d ../shared/data/batsim/input ]; then
  seeds_batsim+=("$(cd ../shared/data/batsim/input && pwd)")
fi
seeds_swf=("$PWD/fuzz/seeds/swf" "$PWD/tests/bad-inputs/traces")
if [ -d ../shared/data/swf ]; then
  # Uncompressed seeds (the target reads text): the Lublin logs.
  seeds_swf+=("$(cd ../shared/data/swf && pwd)")
fi
seeds_gpu_csv=("$PWD/fuzz/seeds/gpu_csv" "$PWD/tests/bad-inputs/traces" "$PWD/tests/data/pai")
if [ -d ../shared/data/gpu/tiresias ]; then
  seeds_gpu_csv+=("$(cd ../shared/data/gpu/tiresias && pwd)")
fi
seeds_report=("$PWD/tests/data/report")
for target in ${CCSIM_FUZZ_TARGETS:-scenario set sweep batsim swf gpu_csv report}; do
  case "$target" in
    scenario) run scenario "${seeds_scenario[@]}" ;;
    set) run set "${seeds_set[@]}" ;;
    sweep) run sweep "${seeds_sweep[@]}" ;;
    batsim) run batsim "${seeds_batsim[@]}" ;;
    swf) run swf "${seeds_swf[@]}" ;;
    gpu_csv) run gpu_csv "${seeds_gpu_csv[@]}" ;;
    report) run report "${seeds_report[@]}" ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
  esac
done
