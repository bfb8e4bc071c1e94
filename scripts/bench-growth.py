#!/usr/bin/env python3
"""CPU-time growth between sizes (median ratios and exponents) from kpx-bench results.json files.
Usage: scripts/bench-growth.py RESULTS.json [...]"""
import json, math, sys
res = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        if r.get("cpuMs"):
            res[(r["id"], r["n"])] = r
ids = []
for (i, n) in res:
    if i not in ids: ids.append(i)
print("| scenario | CPU 1k→5k | exponent | CPU 5k→10k | exponent | CPU 10k→20k | exponent |")
print("|---|---:|---:|---:|---:|---:|---:|")
for i in ids:
    if i == "agent-rss": continue
    c = {n: res[(i, n)]["cpuMs"]["median"] for (j, n) in res if j == i}
    cells = []
    for a, b in [(1000, 5000), (5000, 10000), (10000, 20000)]:
        if a in c and b in c and c[a] > 0:
            ratio = c[b] / c[a]
            cells += [f"×{ratio:.1f}", f"N^{math.log(ratio) / math.log(b / a):.2f}"]
        else:
            cells += ["-", "-"]
    print(f"| `{i}` | " + " | ".join(cells) + " |")
