#!/usr/bin/env python3
"""Compares two sets of kpx-bench results (e.g. main vs a branch): median wall and CPU time per
scenario and size. Usage: scripts/bench-compare.py BASE.json[,BASE2.json] NEW.json[,NEW2.json]"""
import json
import sys


def load(arg):
    out = {}
    for path in arg.split(","):
        for r in json.load(open(path))["results"]:
            if r.get("wallMs"):
                out[(r["id"], r["n"])] = r
    return out


def fmt(ms):
    return "-" if ms is None else (f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms")


def main(base_arg, new_arg):
    base, new = load(base_arg), load(new_arg)
    keys = sorted(set(base) & set(new), key=lambda k: (k[1], k[0]))
    print("| scenario | N | wall before | wall after | CPU before | CPU after | CPU speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for sid, n in keys:
        if sid == "agent-rss":
            b, a = base[(sid, n)], new[(sid, n)]
            print(f"| {sid} (peak RSS) | {n} | {b['maxRSSKB'] / 1024:.0f} MB | {a['maxRSSKB'] / 1024:.0f} MB | | | |")
            continue
        b, a = base[(sid, n)], new[(sid, n)]
        bc, ac = b["cpuMs"]["median"], a["cpuMs"]["median"]
        speed = f"{bc / ac:.1f}x" if ac > 0 else "-"
        print(f"| {sid} | {n} | {fmt(b['wallMs']['median'])} | {fmt(a['wallMs']['median'])} | {fmt(bc)} | {fmt(ac)} | {speed} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
