#!/usr/bin/env bash
# Builds ccsim and runs the whole test suite:
#   1. under AddressSanitizer + UndefinedBehaviorSanitizer (preset asan),
#   2. each libFuzzer target for a short budget (scripts/fuzz.sh; CCSIM_FUZZ_SECONDS, default 10),
#   3. the optimized build with warnings as errors (preset ci): the benchmark guard (bench/guard.sh: fails only on
#      a gross slowdown against a reference measured in the same run), then ctest, whose summary closes the output.
# CCSIM_QUICK=1 runs only step 3.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh --test
if [ "${CCSIM_QUICK:-0}" != "1" ]; then
  echo "== tests under ASan + UBSan"
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$(nproc)" >/dev/null
  ctest --preset asan
  echo "== fuzzing"
  scripts/fuzz.sh "${CCSIM_FUZZ_SECONDS:-10}"
fi
echo "== tests (optimized build, warnings as errors)"
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"
bench/guard.sh build/ci
ctest --preset ci
