#!/usr/bin/env bash
# Runs every shipped scenario (and the default and east-west scenarios under every policy choice) with one ccsim
# binary and keeps all their outputs but run.json (wall-clock figures), so that two builds can be compared byte for
# byte: a refactoring must leave every schedule and metric unchanged.
#
# Usage: scripts/snapshot-outputs.sh BINARY OUT_DIR          e.g. build/release/ccsim /tmp/before
#        diff -r /tmp/before /tmp/after && echo identical
# Scenarios reading ../shared/data are skipped when it is absent. national.json runs one day of its week
# (--set /workload/generate/horizon_s=86400) to keep the snapshot under a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out"

run() { # NAME ARGS...
  local name=$1
  shift
  if ! "$bin" run "$@" -q --out "$out/$name" >"$out/$name.log" 2>&1; then
    echo "snapshot: $name failed (exit $?):" >&2
    cat "$out/$name.log" >&2
    exit 1
  fi
  rm -f "$out/$name/run.json" "$out/$name.log"
  # jobs.csv is written in the order jobs end: its rows sorted, so that two builds compare by schedule.
  if [ -f "$out/$name/jobs.csv" ]; then
    { head -n 1 "$out/$name/jobs.csv"; tail -n +2 "$out/$name/jobs.csv" | LC_ALL=C sort; } >"$out/$name/jobs.sorted.csv"
    rm "$out/$name/jobs.csv"
  fi
}

have_data=0
[ -d ../shared/data ] && have_data=1
for f in scenarios/*.json scenarios/small/*.json scenarios/traces/*.json scenarios/fill/*.json; do
  case "$f" in
    scenarios/traces/* | scenarios/fill/*) [ $have_data = 1 ] || continue ;;
  esac
  name=$(basename "$f" .json)
  if [ "$name" = national ]; then
    run national scenarios/national.json --set /workload/generate/horizon_s=86400
  else
    run "$name" "$f"
  fi
done
for q in fcfs sjf priority easy conservative; do
  for p in first-fit best-fit packing spread dot-product power-aware heterogeneity-aware compact; do
    run "default-$q-$p" scenarios/default.json --queue "$q" --placement "$p"
  done
done
for p in locality pue-aware cost-aware compact; do
  run "east-west-$p" scenarios/east-west.json --placement "$p"
  run "east-west-$p-prefetch" scenarios/east-west.json --placement "$p" --set /scheduler/staging=\"prefetch\"
  run "east-west-$p-easy" scenarios/east-west.json --placement "$p" --queue easy
done
run east-west-span scenarios/east-west.json --queue easy --set /scheduler/span_sites=true
if [ $have_data = 1 ]; then
  for q in fcfs easy conservative; do
    run "kth-$q" scenarios/traces/kth-sp2.json --queue "$q"
  done
  # Every fill-mode policy the binary lists (a "fill-" prefix is dropped from the folder name, so that builds
  # that name them differently still compare).
  for p in $("$bin" list policies | sed -n '/^fill-mode/,$p' | tail -n +2 | awk '{print $1}'); do
    run "fill-${p#fill-}" scenarios/fill/openb-default.json --placement "$p"
  done
fi
echo "snapshot: $(find "$out" -type f | wc -l) files in $out"
