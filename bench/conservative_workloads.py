#!/usr/bin/env python3
"""Writes the conservative-at-depth workloads of docs/policies.md ("Conservative at depth") into a folder.

  burst-N.json   N jobs (500, 1,000, 2,000) submitted at once on one pool of 128 accelerators (16 nodes of 8):
                 each early end moves about half the queue.
  multi-S.json   3,000 jobs arriving faster than they run on 3 sites x 2 types (nodes of 4, 3 racks of 2 nodes per
                 type and site), 30 % accepting one type only; S = 3 adds a capped rack per type and site.

Usage: bench/conservative_workloads.py DIR, then e.g.
  /usr/bin/time build/release/ccsim run DIR/burst-2000.json -q --out /tmp/b   (same seeds, same files every time)
"""
import json
import os
import random
import sys

GPU = {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}
ASIC = {"kind": "asic", "peak_tflops": {"bf16": 80}, "memory_gib": 16, "power_w": {"idle": 10, "max": 90}}


def burst(n):
    """Draws from the generator as it stands (main() seeds it once, then draws 500, 1,000, 2,000 in turn)."""
    jobs = []
    for i in range(n):
        d = random.randint(10, 3600)
        jobs.append({"id": f"j{i}", "submit_s": 0, "accelerators": random.randint(1, 32), "duration_s": d,
                     "walltime_s": int(d * random.uniform(1, 3)) + 1})
    return {"name": f"burst{n}", "accelerators": {"G": GPU},
            "sites": [{"name": "s", "region": "east",
                       "racks": [{"count": 4, "nodes_per_rack": 4, "node": {"accelerator": "G", "count": 8}}]}],
            "workload": {"jobs": jobs}, "scheduler": {"queue": "conservative", "placement": "first-fit"}}


def multi(seed):
    random.seed(seed)

    def racks(t):
        r = [{"name": "u" + t, "count": 3, "nodes_per_rack": 2, "node": {"accelerator": t, "count": 4}}]
        if seed == 3:
            r.append({"name": "c" + t, "count": 1, "nodes_per_rack": 2, "node": {"accelerator": t, "count": 4},
                      "power_cap_kw": 0.6})
        return r

    sites = [{"name": n, "region": "east", "racks": racks("G") + racks("H")} for n in ("a", "b", "c")]
    jobs, t = [], 0
    for i in range(3000):
        t += random.randint(0, 5)
        d = random.randint(5, 600)
        j = {"id": f"j{i}", "submit_s": t, "accelerators": random.randint(1, 16), "duration_s": d,
             "walltime_s": int(d * random.uniform(1, 3)) + 1}
        if random.random() < 0.3:
            j["accept"] = [random.choice("GH")]
        jobs.append(j)
    return {"name": f"multi{seed}", "accelerators": {"G": GPU, "H": ASIC}, "sites": sites, "workload": {"jobs": jobs},
            "scheduler": {"queue": "conservative", "placement": "first-fit"}}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    random.seed(3)
    for n in (500, 1000, 2000):
        with open(os.path.join(out, f"burst-{n}.json"), "w") as f:
            json.dump(burst(n), f)
    for s in (1, 2, 3):
        with open(os.path.join(out, f"multi-{s}.json"), "w") as f:
            json.dump(multi(s), f)


if __name__ == "__main__":
    main()
