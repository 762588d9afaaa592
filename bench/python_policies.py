#!/usr/bin/python3
"""What a policy written in Python costs (docs/performance.md "Policies in Python").

Runs KTH-SP2 (28,475 jobs on 100 accelerators) under FCFS + first-fit four ways: both built in, a Python FCFS, a
Python first-fit, both in Python (python/tests/test_policies.py's classes; same jobs.csv every time), in interleaved
rounds, every run through the same fork (a Python policy is registered), and prints each way's median simulation
wall time (run.json's wall_s: from reading the scenario to the last file written, in the child) and the cost per
call: the extra time over the built-ins divided by the decision passes (queue policy) or by the placements
(placement policy: FCFS asks placement only for a job that fits, once per job).

    PYTHONPATH=build/release/python CCSIM_SOURCE=$PWD /usr/bin/python3 bench/python_policies.py [rounds]
"""

import json
import os
import statistics
import sys
import tempfile

import ccsim

SOURCE = os.environ.get("CCSIM_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(SOURCE, "python", "tests"))
import test_policies  # noqa: E402  (registers py-fcfs and py-first-fit)

KTH = os.path.join(SOURCE, "scenarios", "traces", "kth-sp2.json")
WAYS = ["fcfs+first-fit", "py-fcfs+first-fit", "fcfs+py-first-fit", "py-fcfs+py-first-fit"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not os.path.exists(KTH) or not os.path.isdir(os.path.join(SOURCE, "..", "shared", "data")):
        sys.exit("needs ../shared/data (KTH-SP2)")
    scenario = ccsim.Scenario.load(KTH)
    wall = {w: [] for w in WAYS}
    facts = {}
    with tempfile.TemporaryDirectory(prefix="ccsim-pybench-") as tmp:
        for r in range(rounds):
            for w in WAYS:
                out = os.path.join(tmp, "%s-%d" % (w.replace("+", "_"), r))
                result = ccsim.run(scenario, policy=w, out=out)
                with open(os.path.join(out, "run.json")) as f:
                    info = json.load(f)
                wall[w].append(info["wall_s"])
                facts[w] = (info["decision_points"], len(result.jobs))
    base = statistics.median(wall[WAYS[0]])
    passes, jobs = facts[WAYS[0]]
    print("KTH-SP2: %d jobs, %d decision passes; median of %d interleaved rounds" % (jobs, passes, rounds))
    print("%-22s %9s %9s %s" % ("policies", "wall_s", "extra_s", "per call"))
    for w in WAYS:
        m = statistics.median(wall[w])
        per = ""
        if w == "py-fcfs+first-fit":
            per = "%.2f us per decision pass" % ((m - base) / passes * 1e6)
        elif w == "fcfs+py-first-fit":
            per = "%.2f us per placement" % ((m - base) / jobs * 1e6)
        elif w == "py-fcfs+py-first-fit":
            per = "%.2f us per pass + placement" % ((m - base) / passes * 1e6)
        print("%-22s %9.3f %9.3f %s" % (w, m, m - base, per))


if __name__ == "__main__":
    main()
