#!/usr/bin/env bash
# Memory against the horizon (issue 16): `ccsim run bench/horizon.json` with 1 M to 30 M generated jobs (Release,
# one core), every output written; prints a Markdown table of wall time and peak RSS from each run's run.json.
# Memory should be flat apart from the 8 bytes kept per finished job that waited, for exact wait quantiles
# (docs/metrics.md); at this load few jobs wait.
# Usage: bench/horizon.sh [JOBS...]   (default: 1000000 3000000 10000000 30000000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim >/dev/null
grid=("$@")
[ ${#grid[@]} -gt 0 ] || grid=(1000000 3000000 10000000 30000000)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| jobs | simulated days | wall s | jobs/s | peak RSS MiB | mean wait s |"
echo "|---|---|---|---|---|---|"
for jobs in "${grid[@]}"; do
  build/release/ccsim run bench/horizon.json -q --out "$out/r" --set "/workload/generate/jobs=$jobs"
  python3 - "$out/r" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/run.json"))
s = json.load(open(sys.argv[1] + "/summary.json"))
jobs = r["workload"]["kept"]
print(f"| {jobs:,} | {r['simulated_s'] / 86400:,.0f} | {r['wall_s']:.1f} | {jobs / r['wall_s']:,.0f} | "
      f"{r['peak_rss_bytes'] / 2**20:.0f} | {s['wait_s']['mean']:.2f} |")
PY
done
