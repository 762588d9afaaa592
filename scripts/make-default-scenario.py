#!/usr/bin/env python3
"""Writes scenarios/default.json: the bundled default scenario (deterministic; rerun after editing).

A small national network shaped by docs/sources.md: 16 sites with the regional shares of
intelligent-computing centers (East 10, Central 3, West 2, Northeast 1), a mix of NVIDIA GPUs and domestic
NPUs, and one week of training, inference and HPC jobs. Peak figures are vendor datasheet dense values
(TFLOP/s, TOP/s for int8); docs/scenario.md explains the fields.
"""
import json
import math
import random
import sys

# Accelerators come from ccsim's built-in catalog (catalog/accelerators.json, sources in docs/accelerators.md).
# Node base power (CPUs, memory, NICs, switches, fans) per accelerator type, W.
BASE_W = {"H100-SXM": 2000, "A100-SXM": 1800, "H20": 1500, "Ascend-910B": 1500, "MLU370-X8": 1000}

# Site facility and grid figures. PUE presets are docs/model.md's curves; prices (CNY per kWh) and grid carbon
# intensities (kg CO2 per kWh) are illustrative regional values, not measurements: override them for a study.
SITE_FIGURES = {
    "east": {"pue": "legacy-air", "electricity_price_per_kwh": 0.75, "carbon_kg_per_kwh": 0.58},
    "central": {"pue": "modern-air", "electricity_price_per_kwh": 0.65, "carbon_kg_per_kwh": 0.55},
    "west": {"pue": "liquid-cooled", "electricity_price_per_kwh": 0.38, "carbon_kg_per_kwh": 0.35},
    "northeast": {"pue": "modern-air", "electricity_price_per_kwh": 0.60, "carbon_kg_per_kwh": 0.70},
}

# (site, region, [(group, racks, nodes_per_rack, accelerator, per_node, power_cap_kw or None)])
# Legacy halls have 15 kW racks (docs/sources.md: mainstream density below 15 kW), new AI halls 40 kW.
SITES = [
    ("beijing", "east", [("hall-a", 8, 2, "H100-SXM", 8, 40), ("hall-b", 2, 4, "A100-SXM", 8, 15)]),
    ("tianjin", "east", [("hall-a", 2, 4, "A100-SXM", 8, 15)]),
    ("shanghai", "east", [("hall-a", 8, 2, "H100-SXM", 8, 40), ("hall-b", 4, 2, "H20", 8, 40)]),
    ("nanjing", "east", [("hall-a", 4, 2, "Ascend-910B", 8, 40)]),
    ("hangzhou", "east", [("hall-a", 2, 4, "A100-SXM", 8, 15), ("hall-b", 2, 2, "H20", 8, 40)]),
    ("suzhou", "east", [("hall-a", 4, 2, "H20", 8, 40)]),
    ("jinan", "east", [("hall-a", 1, 4, "MLU370-X8", 8, 15)]),
    ("guangzhou", "east", [("hall-a", 4, 2, "H100-SXM", 8, 40)]),
    ("shenzhen", "east", [("hall-a", 4, 2, "Ascend-910B", 8, 40), ("hall-b", 1, 4, "A100-SXM", 8, 15)]),
    ("fuzhou", "east", [("hall-a", 2, 2, "H20", 8, 40)]),
    ("wuhan", "central", [("hall-a", 4, 2, "Ascend-910B", 8, 40)]),
    ("zhengzhou", "central", [("hall-a", 2, 4, "A100-SXM", 8, 15)]),
    ("changsha", "central", [("hall-a", 1, 4, "MLU370-X8", 8, 15)]),
    ("chengdu", "west", [("hall-a", 8, 2, "Ascend-910B", 8, 40)]),
    ("zhongwei", "west", [("hall-a", 8, 2, "H20", 8, 40), ("hall-b", 4, 2, "A100-SXM", 8, 40)]),
    ("shenyang", "northeast", [("hall-a", 2, 4, "A100-SXM", 8, 15)]),
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
            if rng.random() < 0.3:  # large models: need 60 GiB per accelerator (rules out 48 GiB MLU370s)
                job["memory_gib"] = 60
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
                       "docs/sources.md), NVIDIA GPUs and domestic NPUs, one week of training, inference and "
                       "HPC jobs under FCFS with first-fit placement. Legacy halls have 15 kW racks, AI halls 40 kW; "
                       "prices and carbon intensities are illustrative regional values. Inference durations are as "
                       "measured on an A100-SXM: on other types they scale by peak at the job's precision "
                       "(docs/model.md, Runtime).",
        "seed": 42,
        "currency": "CNY",
        "sites": [dict({"name": s, "region": r},
                       **SITE_FIGURES[r],
                       racks=[dict({"name": g, "count": c, "nodes_per_rack": n,
                                    "node": {"accelerator": a, "count": k, "base_power_w": BASE_W[a]}},
                                   **({"power_cap_kw": cap} if cap else {}))
                              for (g, c, n, a, k, cap) in groups]) for (s, r, groups) in SITES],
        "workload": {"duration_reference": {"inference": "A100-SXM"}, "jobs": jobs(rng)},
        "scheduler": {"queue": "fcfs", "placement": "first-fit"},
        "output": {"dir": "results/default", "timeseries_interval_s": 3600},
    }
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(f"usage: {sys.argv[0]} [OUTPUT.json]  (default scenarios/default.json)", file=sys.stderr)
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    path = sys.argv[1] if len(sys.argv) > 1 else "scenarios/default.json"
    with open(path, "w") as f:
        text = json.dumps(scenario, indent=1)
        f.write(text + "\n")


if __name__ == "__main__":
    main()
