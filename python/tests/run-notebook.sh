#!/bin/sh
# Executes a notebook headless (Debian's jupyter-nbconvert), as the test python.notebook does:
#   python/tests/run-notebook.sh NOTEBOOK OUTPUT_DIR
# with PYTHONPATH at the build tree's python/ and CCSIM_SOURCE at the repository. A failing cell fails it. Exit 77
# (skipped) when ../shared/data, the traces the notebooks read, is absent.
set -eu
notebook=$1
out=$2
data="${CCSIM_SOURCE:?}/../shared/data/swf/KTH-SP2-1996-2.1-cln.swf.gz"
if [ ! -f "$data" ]; then
  echo "skipped: $data is absent (the example notebooks read the shared traces)"
  exit 77
fi
mkdir -p "$out"
cd "$(dirname "$notebook")"
PYDEVD_DISABLE_FILE_VALIDATION=1 exec jupyter-nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=600 --output-dir "$out" "$(basename "$notebook")"
