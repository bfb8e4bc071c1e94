#!/usr/bin/env python3
"""Writes the seed corpus of one fuzz target (scripts/fuzz.sh) from the repository's fixtures.

usage: fuzz-seeds.py TARGET OUTDIR    (TARGET: manifest, restore, netlink, watch)
netlink seeds are NEWRULE datagrams (as a GETRULE dump reply carries them) built from the
golden captures in Tests/Fixtures/netlink (one datagram per chain) plus the recorded batch.
"""
import glob, os, shutil, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "Fixtures")


def attr(kind, payload):
    data = struct.pack("<HH", 4 + len(payload), kind) + payload
    return data + b"\0" * (-len(data) % 4)


def newrule(family, table, chain, handle, exprs, seq):
    payload = struct.pack("<BBH", family, 0, 0)
    payload += attr(1, table.encode() + b"\0") + attr(2, chain.encode() + b"\0")
    payload += attr(3, struct.pack(">Q", handle)) + attr(4 | 0x8000, exprs)
    return struct.pack("<IHHII", 16 + len(payload), (10 << 8) | 6, 0x2, seq, 0) + payload


def netlink_seeds(out):
    n = 0
    for path in sorted(glob.glob(os.path.join(FIX, "netlink", "*.golden"))):
        family, table, chains, rule = 2, "filter", {}, None
        for line in open(path):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "family":
                family = 2 if words[1] == "ipv4" else 10
            elif words[0] == "table":
                table = words[1]
            elif words[0] == "rule":
                rule = (words[1], int(words[2]))
            elif words[0] == "exprs" and rule:
                chains.setdefault((table, rule[0]), []).append(newrule(family, table, rule[0], rule[1], bytes.fromhex(words[1]), len(chains)))
        for (table, chain), msgs in chains.items():
            done = struct.pack("<IHHII", 20, 3, 0x2, 0, 0) + b"\0" * 4  # NLMSG_DONE
            open(os.path.join(out, f"{os.path.basename(path)}-{table}-{chain}.bin"), "wb").write(b"".join(msgs[:40]) + done)
            n += 1
    for path in glob.glob(os.path.join(FIX, "netlink", "*.hex")):
        hexes = "".join(l.strip() for l in open(path) if not l.startswith("#"))
        open(os.path.join(out, os.path.basename(path) + ".bin"), "wb").write(bytes.fromhex(hexes))
        n += 1
    return n


def copy_seeds(patterns, out):
    n = 0
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            rel = os.path.relpath(path, ROOT).replace("/", "_")
            shutil.copyfile(path, os.path.join(out, rel))
            n += 1
    return n


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if target == "manifest":
        n = copy_seeds(["examples/*.yaml", "Tests/Fixtures/clusters/*", "Tests/Fixtures/kube-proxy-cases/**/*.yaml",
                        "Tests/Fixtures/fuzz/regressions/manifest/*"], out)
    elif target == "restore":
        n = copy_seeds(["examples/*.iptables", "Tests/Fixtures/real-dumps/*.iptables", "Tests/Fixtures/netlink/inputs/*",
                        "Tests/Fixtures/kube-proxy-cases/**/*.iptables", "Tests/Fixtures/fuzz/regressions/restore/*"], out)
    elif target == "netlink":
        n = netlink_seeds(out) + copy_seeds(["Tests/Fixtures/fuzz/regressions/netlink/*"], out)
    elif target == "watch":
        n = copy_seeds(["Tests/Fixtures/fuzz/watch/*", "Tests/Fixtures/fuzz/regressions/watch/*"], out)
    else:
        sys.exit(f"unknown target {target}")
    print(f"{target}: {n} seeds in {out}")


main()
