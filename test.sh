#!/usr/bin/env bash
# Builds ccsim and its tests (warnings are errors) and runs the whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci
