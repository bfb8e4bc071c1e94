#!/usr/bin/env bash
# Times kpx-reconcile dump/restore (netlink) against iptables-save/iptables-restore on a generated
# kube-proxy-style nat ruleset of N services, each in a fresh network namespace. Not a test.
# Usage: scripts/bench-netlink.sh [N=10000] [path/to/kpx-reconcile]
set -euo pipefail
N=${1:-10000}
BIN=${2:-.build/release/kpx-reconcile}
[ -x "$BIN" ] || { echo "build first: swift build -c release (or pass the binary)" >&2; exit 1; }
work=$(mktemp -d); ns1=kpxbench-$$-a; ns2=kpxbench-$$-b
cleanup() { ip netns delete "$ns1" 2>/dev/null || true; ip netns delete "$ns2" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
python3 - "$N" > "$work/rules" <<'PY'
import sys
n = int(sys.argv[1])
def h(s):
    import hashlib, base64
    return base64.b32encode(hashlib.sha256(s.encode()).digest()).decode()[:16]
decl = [":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
        ":KUBE-MARK-MASQ - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-SERVICES - [0:0]"]
rules = ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
         '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
         '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
         '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
         '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
         '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
         '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully']
for s in range(n):
    spn = f"ns{s % 50}/svc{s}:p80"; svc = "KUBE-SVC-" + h(spn + "tcp"); cip = f"172.30.{s // 250}.{s % 250 + 1}"
    decl.append(f":{svc} - [0:0]")
    rules.append(f'-A KUBE-SERVICES -d {cip}/32 -p tcp -m comment --comment "{spn} cluster IP" -m tcp --dport 80 -j {svc}')
    rules.append(f'-A {svc} ! -s 10.0.0.0/8 -d {cip}/32 -p tcp -m comment --comment "{spn} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ')
    for e in range(2):
        ip = f"10.{1 + s // 60000}.{(s // 250) % 240}.{s % 250 + 1 + e}"; sep = "KUBE-SEP-" + h(spn + "tcp" + ip + ":8080")
        decl.append(f":{sep} - [0:0]")
        stat = " -m statistic --mode random --probability 0.5000000000" if e == 0 else ""
        rules.append(f'-A {svc} -m comment --comment "{spn} -> {ip}:8080"{stat} -j {sep}')
        rules.append(f'-A {sep} -s {ip}/32 -m comment --comment "{spn}" -j KUBE-MARK-MASQ')
        rules.append(f'-A {sep} -p tcp -m comment --comment "{spn}" -m tcp -j DNAT --to-destination {ip}:8080')
rules.append('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
print("*nat"); print("\n".join(decl)); print("\n".join(rules)); print("COMMIT")
PY
t() { local s e; s=$(date +%s.%N); "$@" > "$work/out" ; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.3f}')"; }
ip netns add "$ns1"; ip netns add "$ns2"
echo "N=$N services, $(grep -c '^-A' "$work/rules") rules, $(grep -c '^:' "$work/rules") chains; kernel $(uname -r)"
echo "iptables-restore (flush, empty ns):   $(t ip netns exec "$ns1" iptables-restore "$work/rules") s"
echo "kpx-reconcile restore (empty ns):     $(t "$BIN" restore --netns "$ns2" --input "$work/rules") s"
echo "iptables-save:                        $(t ip netns exec "$ns1" iptables-save) s"
echo "kpx-reconcile dump:                   $(t "$BIN" dump --netns "$ns1") s"
ip netns exec "$ns1" iptables-save | grep -v '^#' > "$work/a"; ip netns exec "$ns2" iptables-save | grep -v '^#' > "$work/b"
cmp -s "$work/a" "$work/b" && echo "restored rulesets identical (iptables-save)" || echo "DIFFERENT restored rulesets"
"$BIN" dump --netns "$ns1" | grep -v '^#' > "$work/c"; cmp -s "$work/a" "$work/c" && echo "dump identical to iptables-save" || echo "DUMP DIFFERS"
