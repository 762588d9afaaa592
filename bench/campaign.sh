#!/usr/bin/env bash
# P3 (docs/performance.md): the 1,020-run fill-to-capacity campaign of bench/fgd-campaign.json through
# `ccsim sweep -j 2` with the Release build; prints the total wall time and where the results are.
# Needs ../shared/data beside the repository. Usage: bench/campaign.sh [OUT_DIR] (default: a fresh temp folder).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/data/gpu/alibaba-openb-v2023 ]; then
  echo "campaign: ../shared/data/gpu/alibaba-openb-v2023 is absent: nothing to run" >&2
  exit 0
fi
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim >/dev/null
out=${1:-$(mktemp -d)/fgd-campaign}
start=$(date +%s.%N)
build/release/ccsim sweep bench/fgd-campaign.json --out "$out" -j 2
end=$(date +%s.%N)
python3 -c "import sys; print(f'campaign: 1,020 fill runs in {float(sys.argv[2]) - float(sys.argv[1]):.1f} s wall (-j 2)')" "$start" "$end"
echo "campaign: results in $out (sweep.sqlite, sweep.csv, deltas.csv)"
