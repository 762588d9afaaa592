#!/usr/bin/env python3
"""Mutation testing: plants named bugs one at a time in a copy of ccsim and runs the test suite against each.

Each mutant below is a small, plausible bug (an off-by-one at a boundary, a tie broken the other way, a term
dropped from a formula). A mutant is *killed* when at least one test fails with it planted; it *survives* when the
whole suite still passes, which means no test checks the behaviour it breaks. The tests named in each mutant's
`guard` are the ones written to catch it (their comments name the mutant).

Usage (from the repository root; ./test.sh or CCSIM_QUICK=1 ./test.sh first installs what the build needs):
    scripts/mutate.py                      # every mutant, the whole ctest suite each time
    scripts/mutate.py --list               # the mutants and what they break
    scripts/mutate.py kill-boundary ...    # only these
    scripts/mutate.py --tests 'unit\\.'    # ctest -R REGEX instead of the whole suite (faster, weaker)
    scripts/mutate.py --work DIR           # the copy and its build (default /tmp/ccsim-mutants; reused)

The copy is configured once with the `ci` preset (optimized, assertions on, warnings as errors) and rebuilt
incrementally per mutant. The source tree itself is never modified. Each mutant's guard tests run first; the whole
suite (or --tests) runs only when they miss it. Exit code: 0 when every mutant was killed by its guard tests,
1 when some survived or were caught only by other tests (they are listed), 2 when a mutant no longer applies (its code moved: update it here).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

MUTANTS = [
    {
        "name": "easy-reservation-tie",
        "what": "EASY reserves the highest of equally early pools instead of the lowest",
        "file": "src/policy/builtin/easy.cpp",
        "find": "return t < best_t || (t == best_t && p < best_pool);",
        "replace": "return t < best_t || (t == best_t && p > best_pool);",
        "guard": "unit.QueuePolicy.BackfillingReservesTheLowestPoolAmongEqualStarts",
    },
    {
        "name": "conservative-reservation-tie",
        "what": "conservative backfilling reserves the highest of equally early pools",
        "file": "src/policy/builtin/conservative.cpp",
        "find": "if (fit && (not best || fit->start < best->start))",
        "replace": "if (fit && (not best || fit->start <= best->start))",
        "guard": "unit.QueuePolicy.BackfillingReservesTheLowestPoolAmongEqualStarts",
    },
    {
        "name": "job-energy-base-share",
        "what": "a job is charged its nodes' whole base power, not its share of it",
        "file": "src/metrics/metrics.cpp",
        "find": "cluster.node_base_w[piece.node] * n / cluster.node_accels[piece.node];",
        "replace": "cluster.node_base_w[piece.node];",
        "guard": "unit.Energy.AJobIsChargedItsShareOfItsNodesBasePower",
    },
    {
        "name": "kill-boundary",
        "what": "a job whose run time equals its walltime is killed (>= for >)",
        "file": "src/engine/dispatcher.cpp",
        "find": "if (spec_.kill_at_walltime && run > job.walltime_s) {",
        "replace": "if (spec_.kill_at_walltime && run >= job.walltime_s) {",
        "guard": "unit.Dispatcher.AJobWhoseRunTimeEqualsItsWalltimeIsNotKilled",
    },
    {
        "name": "reference-peak-order",
        "what": "the reference peak falls back to fp32 before fp16",
        "file": "src/metrics/metrics.cpp",
        "find": "{Precision::BF16, Precision::FP16, Precision::FP32,",
        "replace": "{Precision::BF16, Precision::FP32, Precision::FP16,",
        "guard": "unit.Flops.ReferencePeakFallsBackInTheDocumentedOrder",
    },
    {
        "name": "meter-finish-skips-idle",
        "what": "the energy meter's finish() skips each idle site's last stretch (energy under-counted)",
        "file": "src/power/energy.cpp",
        "find": "  for (auto& m : sites_) {\n    m.it_j += m.it_w * (end - m.last_s);",
        "replace": "  for (auto& m : sites_) {\n    if (m.it_w == cluster_->sites[static_cast<std::size_t>(&m - sites_.data())].idle_w)\n"
                   "      continue;\n    m.it_j += m.it_w * (end - m.last_s);",
        "guard": "unit.Energy.EachSiteIsIntegratedUpToTheMakespanWithItsOwnPuePriceAndCarbon, "
                 "cli.Cli.BenchScenariosMatchTheirBaselines",
    },
    {
        "name": "easy-backfill-boundary",
        "what": "EASY refuses a job that would end exactly at the reservation (< for <=)",
        "file": "src/policy/builtin/easy.cpp",
        "find": "if (now + job.walltime_s <= t_res) {",
        "replace": "if (now + job.walltime_s < t_res) {",
        "guard": "unit.QueuePolicy.AJobEndingExactlyAtTheReservationMayBackfill",
    },
    {
        "name": "conservative-backfill-boundary",
        "what": "conservative's profile treats a window ending exactly at a reservation as overlapping it",
        "file": "src/policy/slot_profile.cpp",
        "find": "for (auto it = std::next(holding); it != free_.end() && it->first < t + duration; ++it) {",
        "replace": "for (auto it = std::next(holding); it != free_.end() && it->first <= t + duration; ++it) {",
        "guard": "unit.QueuePolicy.AJobEndingExactlyAtTheReservationMayBackfill",
    },
    {
        "name": "best-fit-tie",
        "what": "best-fit breaks a tie between equal nodes of one run to the highest node",
        "file": "src/policy/builtin/scored_placement.cpp",
        "find": "static_cast<std::uint32_t>(std::find(scores_.data() + a, scores_.data() + b, m) - scores_.data());",
        "replace": "static_cast<std::uint32_t>(std::find(std::make_reverse_iterator(scores_.data() + b),\n"
                   "                                      std::make_reverse_iterator(scores_.data() + a), m)\n"
                   "                                .base() - 1 - scores_.data());",
        "guard": "unit.Placement.BestFitBreaksTiesToTheLowestNode",
    },
    {
        "name": "sample-at-event",
        "what": "a timeseries sample at an event's time shows the state before the event",
        "file": "src/power/energy.cpp",
        "find": "for (double at = static_cast<double>(next_sample_) * interval_s_; at < t;",
        "replace": "for (double at = static_cast<double>(next_sample_) * interval_s_; at <= t;",
        "guard": "unit.Energy.ASampleAtAnEventTimeShowsTheStateAfterTheEvent",
    },
    {
        "name": "pue-preset-value",
        "what": "a PUE preset value differs from docs/model.md's table",
        "file": "src/scenario/pue.cpp",
        "find": "PueCurve::overhead(0.12, 0.18)",
        "replace": "PueCurve::overhead(0.12, 0.16)",
        "guard": "unit.Pue.EveryPresetHasTheValuesOfDocsModel",
    },
    {
        "name": "errors-shown",
        "what": "the error list prints 21 problems before '... and N more'",
        "file": "src/app/main.cpp",
        "find": "constexpr std::size_t SHOWN = 20;",
        "replace": "constexpr std::size_t SHOWN = 21;",
        "guard": "cli.Cli.MoreThanTwentyErrorsShowTheFirstTwentyThenTheRestsCount",
    },
    {
        "name": "first-fit-ignores-rack-cap",
        "what": "first fit stops counting a rack's power-cap allowance down as it takes slots",
        "file": "src/policy/policy.cpp",
        "find": "    needed -= k;\n    allowance -= k;\n",
        "replace": "    needed -= k;\n",
        "guard": "unit.Placement.MultiNodeJobsRespectRackCapsAndAscendingNodes",
    },
    {
        "name": "queue-override-ignored",
        "what": "ccsim run ignores --queue (a plug-in's policy would never run)",
        "file": "src/prepare/prepare.cpp",
        "find": "    s.scheduler.queue_policy = o.queue_policy;\n",
        "replace": "",
        "guard": "cli.Cli.PolicyPluginEndToEnd",
    },
]


def run(cmd, cwd, log, timeout=None):
    with open(log, "a") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode


def copy_tree(src, dst):
    """Copies the tracked and untracked (not ignored) files of the repository, without build folders."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=src, check=True,
                           capture_output=True).stdout.decode().split("\0")
    keep = set()
    for f in files:
        if not f or f.startswith("build/"):
            continue
        keep.add(f)
        s, d = os.path.join(src, f), os.path.join(dst, f)
        if not os.path.isfile(s):
            continue
        os.makedirs(os.path.dirname(d), exist_ok=True)
        # Keep timestamps of unchanged files so that the incremental build stays incremental across runs.
        if not os.path.exists(d) or open(s, "rb").read() != open(d, "rb").read():
            shutil.copy2(s, d)
    # Files the repository no longer has (moved or deleted since the last run) go too.
    for root, dirs, names in os.walk(dst):
        rel_root = os.path.relpath(root, dst)
        if rel_root == "build" or rel_root.startswith("build" + os.sep):
            dirs[:] = []
            continue
        for n in names:
            rel = os.path.normpath(os.path.join(rel_root, n))
            if rel not in keep:
                os.remove(os.path.join(root, n))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--tests", default="", help="ctest -R regex (default: the whole suite)")
    parser.add_argument("--work", default="/tmp/ccsim-mutants", help="folder of the copy and its build")
    args = parser.parse_args()

    if args.list:
        for m in MUTANTS:
            print(f"{m['name']:<32} {m['what']}\n{'':<32} caught by {m['guard']}")
        return 0
    unknown = [n for n in args.names if n not in {m["name"] for m in MUTANTS}]
    if unknown:
        print("unknown mutants: " + ", ".join(unknown), file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.names or m["name"] in args.names]

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = os.path.abspath(args.work)
    src = os.path.join(work, "src")
    os.makedirs(src, exist_ok=True)
    copy_tree(repo, src)
    # ../shared beside the copy, so tests that read the shared traces run as they do in the repository.
    shared = os.path.join(os.path.dirname(repo), "shared")
    link = os.path.join(work, "shared")
    if os.path.isdir(shared) and not os.path.exists(link):
        os.symlink(shared, link)
    log = os.path.join(work, "mutate.log")
    open(log, "w").close()

    # Every mutant must apply to the pristine copy exactly once.
    for m in chosen:
        text = open(os.path.join(src, m["file"])).read()
        if text.count(m["find"]) != 1:
            print(f"mutant {m['name']}: its code occurs {text.count(m['find'])} times in {m['file']} "
                  f"(expected once): update scripts/mutate.py", file=sys.stderr)
            return 2

    print(f"mutate: building the pristine copy in {work} (log: {log})", flush=True)
    if run(["cmake", "--preset", "ci"], src, log) != 0 or run(["cmake", "--build", "--preset", "ci", "-j",
                                                                 str(os.cpu_count() or 2)], src, log) != 0:
        print("mutate: the pristine copy does not build (see the log)", file=sys.stderr)
        return 2
    # The format and layers checks are not behaviour: a mutant is not "caught" because it is badly formatted.
    ctest = ["ctest", "--preset", "ci", "--stop-on-failure", "-E", "^(format|layers)$"] + \
        (["-R", args.tests] if args.tests else [])
    if run(ctest, src, log) != 0:
        print("mutate: the pristine copy fails its tests (see the log): fix that first", file=sys.stderr)
        return 2

    survivors, missed_by_guard = [], []
    for m in chosen:
        path = os.path.join(src, m["file"])
        original = open(path).read()
        start = time.time()
        # Its guard tests first (do they catch it, as their comments claim?), then, if they do not, the whole suite.
        guard = "^(" + "|".join(re.escape(t.strip()) for t in m["guard"].split(",")) + ")$"
        try:
            open(path, "w").write(original.replace(m["find"], m["replace"]))
            built = run(["cmake", "--build", "--preset", "ci", "-j", str(os.cpu_count() or 2)], src, log) == 0
            by_guard = not built or run(["ctest", "--preset", "ci", "-R", guard], src, log) != 0
            killed = by_guard or run(ctest, src, log) != 0
        finally:
            open(path, "w").write(original)
        if not built:
            verdict = "killed (does not compile)"
        elif by_guard:
            verdict = "killed by its guard"
        elif killed:
            verdict = "killed, NOT by its guard"
            missed_by_guard.append(m)
        else:
            verdict = "SURVIVED"
            survivors.append(m)
        print(f"{m['name']:<32} {verdict:<28} {time.time() - start:6.0f} s", flush=True)
    # Leave the copy's build matching its pristine sources for the next run.
    run(["cmake", "--build", "--preset", "ci", "-j", str(os.cpu_count() or 2)], src, log)

    print(f"mutate: {len(chosen) - len(survivors)} of {len(chosen)} mutants killed, "
          f"{len(chosen) - len(survivors) - len(missed_by_guard)} by their guard tests")
    for m in missed_by_guard:
        print(f"  its guard missed it: {m['name']}: {m['what']} (guard: {m['guard']})")
    for m in survivors:
        print(f"  survived: {m['name']}: {m['what']} (expected to be caught by {m['guard']})")
    return 1 if survivors or missed_by_guard else 0


if __name__ == "__main__":
    sys.exit(main())
