#!/usr/bin/env bash
# Scaling of the engine (issue 8): wall time and peak RSS against jobs and accelerators, EASY + best-fit on the
# heterogeneous synthetic platform (4 sites x 4 types), one core per run. Prints a Markdown table.
# Usage: bench/scaling.sh [--quick]   (--quick: the smaller half of the grid)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim_bench_engine >/dev/null
bench=build/release/bench/ccsim_bench_engine
jobs_grid=(10000 100000 1000000)
accel_grid=(1000 10000 100000 300000)
if [ "${1:-}" = "--quick" ]; then
  jobs_grid=(10000 100000)
  accel_grid=(1000 10000)
fi
echo "| jobs | accelerators | simulate s | wall s | jobs/s | events/s | peak RSS MiB | mean wait s |"
echo "|---|---|---|---|---|---|---|---|"
for jobs in "${jobs_grid[@]}"; do
  for acc in "${accel_grid[@]}"; do
    out=$("$bench" --jobs "$jobs" --accelerators "$acc" --sites 4 --types 4 --queue easy --placement best-fit)
    get() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$out" | head -1; }
    echo "| $jobs | $(get accelerators) | $(get simulate_s) | $(get wall_s) | $(get jobs_per_s) | $(get events_per_s) | $(get peak_rss_mib) | $(get mean_wait_s) |"
  done
done
