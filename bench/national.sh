#!/usr/bin/env bash
# P2 (docs/performance.md): simulates scenarios/national.json (250 sites, ~300,000 accelerators, 1/5/20 ms tiers,
# one week of generated jobs with data staging over SimGrid) with the Release build on one core, and prints jobs/s,
# events/s, wall seconds and peak RSS from the run's run.json. Target: <= 60 s and <= 4 GiB.
# Extra arguments go to `ccsim run` (e.g. --placement locality).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/release/ccsim run scenarios/national.json --out "$out" -q "$@"
python3 - "$out/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
jobs = r["workload"]["kept"]
print(f"national: {jobs} jobs, {r['events']} events in {r['wall_s']:.1f} s wall: "
      f"{jobs / r['wall_s']:,.0f} jobs/s, {r['events'] / r['wall_s']:,.0f} events/s, "
      f"peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB, {r['clock_advances']} SimGrid clock advances")
PY
