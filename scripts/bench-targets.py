#!/usr/bin/env python3
"""Issue 6's targets from kpx-bench results.json files (merged): every ratio is of medians
measured in the same run, at every size. Prints Markdown.
Usage: scripts/bench-targets.py RESULTS.json [RESULTS.json...]"""
import json
import sys


def load(paths):
    by = {}
    for path in paths:
        for r in json.load(open(path))["results"]:
            by[(r["id"], r["n"])] = r
    return by


def med(by, sid, n, key="wallMs"):
    r = by.get((sid, n))
    return r[key]["median"] if r and r.get(key) else None


def extra(by, sid, n, key):
    r = by.get((sid, n))
    return (r or {}).get("extraMedians", {}).get(key)


def fmt(ms):
    if ms is None:
        return "-"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else (f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms")


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def rows(by, sizes):
    out = []
    def line(label, cells):
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    for k in (1, 100):
        line(f"incremental {k}: ours / raw-netlink floor (target <= 1.15x)",
             [f"{fmt(med(by, f'ours-incr-{k}', n))} / {fmt(med(by, f'floor-{k}', n))} = {ratio(med(by, f'ours-incr-{k}', n), med(by, f'floor-{k}', n))}" for n in sizes])
        line(f"incremental {k}: our own computation, timed where it runs (target <= 2 ms, flat)",
             [fmt(extra(by, f"ours-incr-{k}", n, "ownMs")) for n in sizes])
        line(f"incremental {k}: wall time outside the kernel's commit",
             [fmt(extra(by, f"ours-incr-{k}", n, "userspaceMs")) for n in sizes])
        line(f"incremental {k}: kube-proxy partial / ours (target >= 10x)",
             [f"{fmt(med(by, f'kp-partial-{k}', n))} / {fmt(med(by, f'ours-incr-{k}', n))} = {ratio(med(by, f'kp-partial-{k}', n), med(by, f'ours-incr-{k}', n))}" for n in sizes])
        line(f"incremental {k} after a foreign write: ours / floor",
             [f"{fmt(med(by, f'ours-incr-foreign-{k}', n))} = {ratio(med(by, f'ours-incr-foreign-{k}', n), med(by, f'floor-{k}', n))}" for n in sizes])
    line("cold apply: kube-proxy noflush full sync / ours (target >= 50x)",
         [f"{fmt(med(by, 'kp-full-empty', n))} / {fmt(med(by, 'ours-cold', n))} = {ratio(med(by, 'kp-full-empty', n), med(by, 'ours-cold', n))}" for n in sizes])
    line("cold apply: flushing iptables-restore / ours (target >= 2x)",
         [f"{fmt(med(by, 'kp-restore-flush', n))} / {fmt(med(by, 'ours-cold', n))} = {ratio(med(by, 'kp-restore-flush', n), med(by, 'ours-cold', n))}" for n in sizes])
    def sys_ms(sid, n):
        r = by.get((sid, n))
        vals = sorted(s["sysMs"] for s in (r or {}).get("samples", []) if "sysMs" in s)
        return vals[len(vals) // 2] if vals else None
    line("cold apply: our commit (kernel) / flushing iptables-restore's system time",
         [f"{fmt(extra(by, 'ours-cold', n, 'commitMs'))} / {fmt(sys_ms('kp-restore-flush', n))}" for n in sizes])
    line("restart, table in sync (target <= 1.5 s at 10k, zero writes)", [fmt(med(by, "ours-restart", n)) for n in sizes])
    line("dump + decode: ours / iptables-save (target < 1)",
         [f"{fmt(med(by, 'ours-dump', n))} / {fmt(med(by, 'iptables-save', n))} = {ratio(med(by, 'ours-dump', n), med(by, 'iptables-save', n))}" for n in sizes])
    def rss(n):
        r = by.get(("agent-rss", n))
        if not r:
            return "-"
        s = r["samples"][0]
        e = s.get("extra", {})
        return f"{s['maxRSSKB'] / 1024:.0f} / {e.get('runningPeakRSSKB', 0) / 1024:.0f} / {e.get('steadyRSSKB', 0) / 1024:.0f} MB"
    line("agent RSS: start-up peak / running peak / steady (target <= 150 MB)", [rss(n) for n in sizes])
    return out


def main(paths):
    by = load(paths)
    sizes = sorted({n for (_, n) in by})
    print("| target | " + " | ".join(f"{n // 1000}k" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    print("\n".join(rows(by, sizes)))


if __name__ == "__main__":
    main(sys.argv[1:])
