#!/usr/bin/env bash
# The main job on an embedded default: a throwaway network namespace and the bundled example
# cluster (examples/, kube-proxy's own TestOverallIPTablesRules cluster). Needs root; touches
# nothing outside the namespace it creates.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (the demo creates a network namespace)" >&2; exit 1; }
# Debug build by default (shares the build with scripts/test.sh); KPX_RELEASE=1 for release timings.
config=debug; [ "${KPX_RELEASE:-0}" = 1 ] && config=release
swift build -c "$config" --product kpx-reconcile >&2
bin=$PWD/.build/$config/kpx-reconcile
ns=kpx-demo-$$
ip netns add "$ns"
ns6=kpx-demo6-$$
ip netns add "$ns6"
trap 'ip netns delete "$ns" 2>/dev/null || true; ip netns delete "$ns6" 2>/dev/null || true; echo; echo "cleanup: namespaces $ns, $ns6 deleted"' EXIT
read -r -a node < examples/node.flags
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1. First apply: empty namespace $ns -> the rules kube-proxy would program for examples/cluster.yaml"
run "$bin" --netns "$ns" --services examples/cluster.yaml "${node[@]}" --verify

step "2. The live nat table, read back over netlink (canonical iptables-save form)"
"$bin" dump --netns "$ns" --table nat | grep -E '^-A KUBE-(SVC|SEP)-' | head -10; echo "..."

step "3. A pod is rescheduled (ns1/svc1's endpoint 10.180.0.1 -> 10.180.0.11): --dry-run shows the minimal change"
set +e
run "$bin" --netns "$ns" --services examples/cluster-endpoint-replaced.yaml "${node[@]}" --dry-run
echo "(exit status $?: 2 = changes pending)"
set -e

step "4. Incremental apply: one small transaction"
run "$bin" --netns "$ns" --services examples/cluster-endpoint-replaced.yaml "${node[@]}" --verify

step "5. Run again: nothing to do"
run "$bin" --netns "$ns" --services examples/cluster-endpoint-replaced.yaml "${node[@]}"

step "6. iptables-save (the oracle) agrees: the replaced endpoint's rules"
ip netns exec "$ns" iptables-save -t nat | grep -E '10\.180\.0\.11|10\.180\.0\.1[:/]' || true

step "7. trace: where a packet from a pod to ns1/svc1 (172.30.0.41:80) goes, read from the live tables"
run "$bin" trace --netns "$ns" --src 10.0.0.2 --dst 172.30.0.41 --dport 80

step "8. A dual-stack node (node IPs of both families, no --ip-family): both families in ONE transaction"
dual=(--hostname-override node-a --node-ip 192.168.0.2 --node-ip 2001:db8::2 --cluster-cidr 10.244.0.0/16,fd00:10::/64)
run "$bin" --netns "$ns6" --services examples/dual-stack.yaml "${dual[@]}" --verify
echo "\$ ip netns exec $ns6 ip6tables-save -t nat | grep -- '-A KUBE-SERVICES' | head -4"
ip netns exec "$ns6" ip6tables-save -t nat | grep -- '-A KUBE-SERVICES' | head -4
