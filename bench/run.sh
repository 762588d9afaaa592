#!/usr/bin/env bash
# Builds the Release benchmark and runs it; prints jobs/s, events/s, wall seconds and peak RSS.
# Default: 1,000,000 synthetic jobs on 10,000 accelerators under FCFS + first-fit (issue 2's target:
# <= 10 s and <= 1 GiB on one core). Extra arguments go to ccsim_bench_engine (--jobs, --accelerators, --load, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim_bench_engine >/dev/null
exec build/release/bench/ccsim_bench_engine "$@"
