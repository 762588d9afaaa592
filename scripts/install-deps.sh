#!/usr/bin/env bash
# Installs the Debian packages ccsim needs, only those missing. Uses sudo when not root.
# Called by run.sh, and with --test (the test-only tools too) by test.sh, so a fresh Debian 12 machine needs
# nothing else.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libsimgrid-dev          # discrete-event engine (SimGrid 3.32, pkg-config only)
  libboost-graph-dev      # network topology graph
  nlohmann-json3-dev      # scenario and result JSON
  libspdlog-dev           # logging
  libcli11-dev            # command line
  libssl-dev              # SHA-256 of scenario files (libcrypto EVP)
  zlib1g-dev              # gzip-compressed traces (.swf.gz)
  libcsv-dev              # RFC 4180 CSV parsing of GPU traces (openb, PAI, Tiresias)
  libsqlite3-dev          # ccsim sweep results database
  libopenmpi-dev openmpi-bin # ccsim sweep --mpi (optional at build time; tested in CI)
  libgtest-dev googletest # tests
  libbenchmark-dev        # bench/
  libvalijson-dev         # JSON Schema validation of scenario files
  libhwy-dev              # Highway: portable SIMD with runtime dispatch (placement kernel)
  libjs-chart.js          # Chart.js, compiled into ccsim report's self-contained HTML page
  python3-dev pybind11-dev # the Python module (python/, docs/python.md)
  python3-numpy python3-pandas # its results as DataFrames
)
if [ "${1:-}" = "--test" ]; then
  packages+=(
    clang libclang-rt-14-dev # libFuzzer and the sanitizer runtimes for scripts/fuzz.sh
    clang-format             # the format test (.clang-format)
    chromium                 # headless browser: cli.Cli.ReportRendersItsChartsInHeadlessChromium
    jupyter-nbconvert python3-nbclient python3-ipykernel python3-matplotlib # python.notebook (examples/python)
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "ccsim: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
