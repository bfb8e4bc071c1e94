#!/usr/bin/env python3
"""Plots wall time (median, min-max bars) vs number of services per scenario from kpx-bench's
results.json files (several runs are merged) and prints a scenario x N summary table (Markdown).
Usage: scripts/bench-plot.py OUT.png RESULTS.json [RESULTS.json...]  (needs matplotlib)"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

GROUPS = [
    ("Full sync / cold start", ["kp-full-empty", "kp-full-restart", "kp-restore-flush", "ours-cold", "ours-restart",
                                "ours-dump", "iptables-save"]),
    ("Incremental sync", ["kp-partial-1", "kp-partial-100", "ours-incr-1", "ours-incr-100", "ours-incr-foreign-1",
                          "ours-incr-foreign-100", "floor-1", "floor-100"]),
    # Issue 13: what a user runs, beside kube-proxy's flushing restore and full sync.
    ("Real paths", ["decode-yaml", "decode-json", "cli-cold-yaml", "agent-startup-api", "npl-1", "npl-burst-100",
                    "kp-restore-flush", "kp-full-empty"]),
]


def summary(by_id, titles):
    sizes = sorted({r["n"] for rows in by_id.values() for r in rows})
    lines = ["| scenario (median wall / CPU) | " + " | ".join(f"{n // 1000}k" if n % 1000 == 0 else str(n) for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    order = list(dict.fromkeys(sid for _, ids in GROUPS for sid in ids)) + ["agent-rss", "agent-api-rss"]
    for sid in order:
        rows = {r["n"]: r for r in by_id.get(sid, [])}
        if not rows:
            continue
        cells = []
        for n in sizes:
            r = rows.get(n)
            if not r:
                cells.append("-")
            elif sid in ("agent-rss", "agent-api-rss"):
                cells.append(f"{r['maxRSSKB'] / 1024:.0f} MB peak")
            else:
                def fmt(ms):
                    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"
                cells.append(f"{fmt(r['wallMs']['median'])} / {fmt(r['cpuMs']['median'])}")
        lines.append(f"| {titles[sid]} (`{sid}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(out, paths):
    by_id, titles, data = {}, {}, None
    for path in paths:
        data = json.load(open(path))
        for r in data["results"]:
            if r.get("wallMs"):
                by_id.setdefault(r["id"], []).append(r)
                titles[r["id"]] = r["title"]
    print(summary(by_id, titles))
    fig, grid = plt.subplots(2, len(GROUPS), figsize=(22, 11))
    for row, (metric, label) in enumerate([("wallMs", "wall time"), ("cpuMs", "CPU time")]):
        for ax, (title, ids) in zip(grid[row], GROUPS):
            for sid in ids:
                rows = sorted(by_id.get(sid, []), key=lambda r: r["n"])
                rows = [r for r in rows if r.get(metric) and r[metric]["median"] > 0]
                if not rows:
                    continue
                xs = [r["n"] for r in rows]
                med = [r[metric]["median"] for r in rows]
                lo = [m - r[metric]["min"] for m, r in zip(med, rows)]
                hi = [r[metric]["max"] - m for m, r in zip(med, rows)]
                style = "--" if sid.startswith(("kp-", "iptables")) else ":" if sid.startswith("floor") else "-"
                ax.errorbar(xs, med, yerr=[lo, hi], fmt="o" + style, capsize=3, label=sid)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("services (N)")
            ax.set_ylabel(f"{label}, ms (median; bars min-max)")
            ax.set_title(f"{title}: {label}")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
    m = data["machine"]
    fig.suptitle(f"kpx-reconcile vs kube-proxy (iptables-restore): {m['nproc']} cores, kernel {m['kernel']}, "
                 f"load {m['loadAverageBefore']} at start (shared machine)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
