#!/usr/bin/env python3
"""Writes scenarios/default.json: the bundled default scenario (deterministic; rerun after editing).

A small national network shaped by ../shared/docs/domain-facts.md: 16 sites with the regional shares of
intelligent-computing centers (East 10, Central 3, West 2, Northeast 1), a mix of NVIDIA GPUs and domestic
NPUs, and one week of training, inference and HPC jobs. Peak figures are vendor datasheet dense values
(TFLOP/s, TOP/s for int8); docs/scenario.md explains the fields.
"""
import json
import math
import random
import sys

CATALOG = {
    "H100-SXM": {"kind": "gpu", "peak_tflops": {"fp64": 67, "fp32": 67, "tf32": 494.7, "bf16": 989.4,
                                                "fp16": 989.4, "fp8": 1978.9, "int8": 1978.9},
                 "description": "NVIDIA H100 SXM5 80 GB, dense tensor-core peaks"},
    "A100-SXM": {"kind": "gpu", "peak_tflops": {"fp64": 19.5, "fp32": 19.5, "tf32": 156, "bf16": 312,
                                                "fp16": 312, "int8": 624},
                 "description": "NVIDIA A100 SXM4 80 GB, dense tensor-core peaks"},
    "H20": {"kind": "gpu", "peak_tflops": {"fp64": 1, "fp32": 44, "tf32": 74, "bf16": 148, "fp16": 148,
                                           "fp8": 296, "int8": 296},
            "description": "NVIDIA H20 96 GB, dense peaks"},
    "Ascend-910B": {"kind": "asic", "peak_tflops": {"fp32": 75, "bf16": 313, "fp16": 313, "int8": 626},
                    "description": "Huawei Ascend 910B NPU (no FP64)"},
    "MLU370-X8": {"kind": "asic", "peak_tflops": {"fp32": 24, "bf16": 96, "fp16": 96, "int8": 256},
                  "description": "Cambricon MLU370-X8 (no FP64)"},
}

# (site, region, [(group, racks, nodes_per_rack, accelerator, per_node)])
SITES = [
    ("beijing", "east", [("hall-a", 4, 4, "H100-SXM", 8), ("hall-b", 2, 4, "A100-SXM", 8)]),
    ("tianjin", "east", [("hall-a", 2, 4, "A100-SXM", 8)]),
    ("shanghai", "east", [("hall-a", 4, 4, "H100-SXM", 8), ("hall-b", 2, 4, "H20", 8)]),
    ("nanjing", "east", [("hall-a", 2, 4, "Ascend-910B", 8)]),
    ("hangzhou", "east", [("hall-a", 2, 4, "A100-SXM", 8), ("hall-b", 1, 4, "H20", 8)]),
    ("suzhou", "east", [("hall-a", 2, 4, "H20", 8)]),
    ("jinan", "east", [("hall-a", 1, 4, "MLU370-X8", 8)]),
    ("guangzhou", "east", [("hall-a", 2, 4, "H100-SXM", 8)]),
    ("shenzhen", "east", [("hall-a", 2, 4, "Ascend-910B", 8), ("hall-b", 1, 4, "A100-SXM", 8)]),
    ("fuzhou", "east", [("hall-a", 1, 4, "H20", 8)]),
    ("wuhan", "central", [("hall-a", 2, 4, "Ascend-910B", 8)]),
    ("zhengzhou", "central", [("hall-a", 2, 4, "A100-SXM", 8)]),
    ("changsha", "central", [("hall-a", 1, 4, "MLU370-X8", 8)]),
    ("chengdu", "west", [("hall-a", 4, 4, "Ascend-910B", 8)]),
    ("zhongwei", "west", [("hall-a", 4, 4, "H20", 8), ("hall-b", 2, 4, "A100-SXM", 8)]),
    ("shenyang", "northeast", [("hall-a", 2, 4, "A100-SXM", 8)]),
]

WEEK_S = 7 * 86400


def jobs(rng):
    out = []
    t = 0.0
    n = 3000
    mean_gap = WEEK_S / n
    for i in range(n):
        t += rng.expovariate(1.0 / mean_gap)
        submit = round(t)
        u = rng.random()
        if u < 0.35:   # training: work-based, bf16, 30 % of peak, 8..128 accelerators on GPUs or NPUs
            size = rng.choice([8, 8, 8, 16, 16, 32, 64])
            hours_on_a100 = rng.lognormvariate(math.log(6), 0.9)
            work = hours_on_a100 * 3600 * size * 312e12 * 0.3
            job = {"id": f"train-{i}", "submit_s": submit, "accelerators": size, "class": "training",
                   "work_flop": float(f"{work:.4g}"), "efficiency": 0.3, "accept": ["gpu", "asic"]}
        elif u < 0.90:  # inference: replayed duration, int8 or fp16, 1..8 accelerators
            size = rng.choice([1, 1, 1, 2, 4, 8])
            duration = round(rng.lognormvariate(math.log(1800), 1.0))
            job = {"id": f"infer-{i}", "submit_s": submit, "accelerators": size, "class": "inference",
                   "precision": rng.choice(["fp16", "int8"]), "duration_s": max(duration, 1),
                   "walltime_s": max(duration, 1) * 2}
        else:           # HPC: fp64 work on accelerators with real FP64 (H20's 1 TFLOP/s FP64 would take days)
            size = rng.choice([8, 16, 32])
            hours_on_a100 = rng.lognormvariate(math.log(3), 0.7)
            work = hours_on_a100 * 3600 * size * 19.5e12 * 0.6
            job = {"id": f"hpc-{i}", "submit_s": submit, "accelerators": size, "class": "hpc",
                   "work_flop": float(f"{work:.4g}"), "efficiency": 0.6, "accept": ["H100-SXM", "A100-SXM"]}
        out.append(job)
    return out


def main():
    rng = random.Random(2026)
    scenario = {
        "$schema": "../schema/scenario.schema.json",
        "name": "default",
        "description": "A small national network: 16 sites in East/Central/West/Northeast (shares of "
                       "domain-facts.md), NVIDIA GPUs and domestic NPUs, one week of training, inference and "
                       "HPC jobs under FCFS with first-fit placement.",
        "seed": 42,
        "accelerators": CATALOG,
        "sites": [{"name": s, "region": r,
                   "racks": [{"name": g, "count": c, "nodes_per_rack": n, "node": {"accelerator": a, "count": k}}
                             for (g, c, n, a, k) in groups]} for (s, r, groups) in SITES],
        "workload": {"jobs": jobs(rng)},
        "scheduler": {"queue": "fcfs", "placement": "first-fit"},
        "output": {"dir": "results/default"},
    }
    path = sys.argv[1] if len(sys.argv) > 1 else "scenarios/default.json"
    with open(path, "w") as f:
        text = json.dumps(scenario, indent=1)
        f.write(text + "\n")


if __name__ == "__main__":
    main()
