#!/usr/bin/env python3
"""Writes scenarios/national.json: the national-scale benchmark scenario (issue 8, P2). Deterministic.

250 intelligent-computing sites in the regional shares of docs/sources.md (East 62.5 %,
Central 17.5 %, West 12.5 %, Northeast 7.5 %), ~300,000 accelerators of six types, racks with power caps
(15 kW legacy halls, 40 kW AI halls, 60 kW liquid-cooled halls), a PUE preset per site, and the 1/5/20 ms
tiers: every site hangs off its region's national hub (metro link for the hub city's sites, regional link for
the others) and the hubs form a full national mesh. One simulated week of generated jobs (training, inference,
HPC) whose input data lives in the large eastern sites; EASY backfilling with pue-aware placement.

Figures are illustrative planning values (prices in CNY per kWh, carbon in kg CO2 per kWh), not measurements.
"""
import json
import random
import sys

rng = random.Random(2026)

# Region -> (site count, hubs (name, city), PUE presets to draw from, price range, carbon, hall kinds)
REGIONS = {
    "east": (156, ["jingjinji", "changsanjiao", "yuehanao"], ["legacy-air", "legacy-air", "modern-air"],
             (0.70, 0.85), 0.58, ["legacy", "ai", "ai"]),
    "central": (44, ["central"], ["modern-air", "legacy-air"], (0.58, 0.68), 0.55, ["legacy", "ai"]),
    "west": (31, ["chengyu", "guizhou", "gansu", "ningxia", "neimenggu"], ["liquid-cooled"], (0.28, 0.40), 0.40,
             ["liquid", "ai"]),
    "northeast": (19, ["northeast"], ["modern-air"], (0.45, 0.55), 0.70, ["legacy", "ai"]),
}

# Accelerator mix by region (catalog names) and node base power, W.
TYPES = {
    "east": ["H100-SXM", "A100-SXM", "H20", "Ascend-910B"],
    "central": ["A100-SXM", "Ascend-910B", "H20"],
    "west": ["Ascend-910B", "H100-SXM", "MI300X", "MLU370-X8"],
    "northeast": ["A100-SXM", "Ascend-910B", "MLU370-X8"],
}
BASE_W = {"H100-SXM": 2000, "A100-SXM": 1800, "H20": 1500, "Ascend-910B": 1500, "MLU370-X8": 1000, "MI300X": 2200}
MAX_W = {"H100-SXM": 700, "A100-SXM": 400, "H20": 400, "Ascend-910B": 310, "MLU370-X8": 250, "MI300X": 750}
# Hall kinds: rack power cap (kW) and nodes per rack. Legacy 15 kW racks strand some accelerators of the
# hungriest nodes (docs/sources.md: mainstream density below 15 kW).
HALLS = {"legacy": (15, 2), "ai": (40, 4), "liquid": (60, 6)}

TARGET_ACCELERATORS = 300_000


def site_sizes(count, total):
    """Heavy-tailed site sizes in nodes (a few 10,000-card centers, many small ones) summing to about total."""
    weights = [rng.paretovariate(1.3) for _ in range(count)]
    scale = total / sum(weights)
    return [max(16, int(w * scale)) for w in weights]


def main():
    sites, hubs, links = [], [], []
    hub_names = []
    for region, (count, region_hubs, _, _, _, _) in REGIONS.items():
        for h in region_hubs:
            hub_names.append(f"hub-{h}")
    hubs = list(hub_names)
    # Full national mesh between hubs, 400 Gb/s.
    for i in range(len(hub_names)):
        for j in range(i + 1, len(hub_names)):
            links.append({"from": hub_names[i], "to": hub_names[j], "tier": "national", "bandwidth_gbps": 400})

    regions_total = sum(r[0] for r in REGIONS.values())
    data_sites = []
    for region, (count, region_hubs, pues, (p_lo, p_hi), carbon, halls) in REGIONS.items():
        accel_share = TARGET_ACCELERATORS * count / regions_total
        sizes = site_sizes(count, accel_share / 8)  # nodes of 8 accelerators
        for k in range(count):
            name = f"{region}-{k:03d}"
            hub = region_hubs[k % len(region_hubs)]
            # The first sites of each hub are in the hub's city (metro); the others are regional clusters.
            tier = "metro" if k < 2 * len(region_hubs) else "regional"
            links.append({"from": name, "to": f"hub-{hub}", "tier": tier,
                          "bandwidth_gbps": 400 if tier == "metro" else 200})
            nodes = sizes[k]
            types = rng.sample(TYPES[region], k=min(len(TYPES[region]), rng.choice([1, 2, 2, 3])))
            racks = []
            for g, acc in enumerate(types):
                hall = rng.choice(halls)
                cap_kw, per_rack = HALLS[hall]
                group_nodes = max(per_rack, nodes // len(types))
                racks.append({"name": f"h{g}-{hall}", "count": max(1, group_nodes // per_rack),
                              "nodes_per_rack": per_rack,
                              "node": {"accelerator": acc, "count": 8, "base_power_w": BASE_W[acc]},
                              "power_cap_kw": cap_kw})
            sites.append({"name": name, "region": region, "pue": rng.choice(pues),
                          "electricity_price_per_kwh": round(rng.uniform(p_lo, p_hi), 3),
                          "carbon_kg_per_kwh": carbon, "racks": racks})
            if region == "east" and nodes >= 100:
                data_sites.append({"site": name, "share": nodes})

    mix = [
        {"class": "training", "share": 0.25,
         "accelerators": {"dist": "empirical", "values": [8, 16, 32, 64, 128, 256], "weights": [30, 25, 20, 13, 8, 4]},
         "duration_s": {"dist": "lognormal", "median": 3 * 3600, "sigma": 1.0, "min": 600, "max": 7 * 86400},
         "walltime_factor": 1.5, "accept": ["H100-SXM", "A100-SXM", "Ascend-910B", "MI300X"],
         "data_sites": data_sites,
         "data_bytes": {"dist": "lognormal", "median": 2e10, "sigma": 1.0, "min": 1e8, "max": 2e12},
         "comm_share": 0.2},
        {"class": "inference", "share": 0.6,
         "accelerators": {"dist": "empirical", "values": [1, 2, 4, 8], "weights": [40, 30, 20, 10]},
         "duration_s": {"dist": "lognormal", "median": 1200, "sigma": 0.8, "min": 30, "max": 86400},
         "walltime_factor": 2},
        {"class": "hpc", "share": 0.15,
         "accelerators": {"dist": "empirical", "values": [8, 16, 32, 64], "weights": [40, 30, 20, 10]},
         "duration_s": {"dist": "lognormal", "median": 2 * 3600, "sigma": 0.7, "min": 300, "max": 2 * 86400},
         "walltime_factor": 1.5,
         "data_sites": data_sites,
         "data_bytes": {"dist": "lognormal", "median": 5e9, "sigma": 0.8, "min": 1e8, "max": 5e11},
         "comm_share": 0.1},
    ]
    scenario = {
        "$schema": "../schema/scenario.schema.json",
        "name": "national",
        "description": "National-scale benchmark (docs/performance.md, P2): 250 sites in the regional shares of "
                       "intelligent-computing centers, ~300,000 accelerators of six types, capped racks, a PUE per "
                       "site, 1/5/20 ms tiers through national hubs; one week of generated jobs with input data in "
                       "the large eastern sites; EASY + pue-aware. Written by scripts/make-national-scenario.py.",
        "seed": 1,
        "currency": "CNY",
        "sites": sites,
        "network": {"hubs": hubs, "links": links, "fabric": {"nic_gbps": 400, "storage_gbps": 800}},
        "workload": {"generate": {"arrival": {"process": "diurnal", "offered_load": 0.7, "amplitude": 0.3},
                                  "horizon_s": 7 * 86400, "mix": mix}},
        "scheduler": {"queue": "easy", "placement": "pue-aware", "staging": "hold"},
        "output": {"timeseries_interval_s": 3600},
    }
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(f"usage: {sys.argv[0]} [OUTPUT.json]  (default scenarios/national.json)", file=sys.stderr)
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    out = sys.argv[1] if len(sys.argv) > 1 else "scenarios/national.json"
    with open(out, "w") as f:
        json.dump(scenario, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
