#!/usr/bin/env bash
# Builds ccsim (Release) if needed and runs a scenario; with no argument, the bundled default.
# Usage: ./run.sh [ccsim run arguments...]     e.g. ./run.sh scenarios/small/fcfs-3jobs.json --out /tmp/r
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target ccsim >/dev/null
exec build/release/ccsim run "$@"
