#!/usr/bin/env bash
# The main job on an embedded default: a throwaway network namespace and the bundled example
# cluster (examples/). Needs root; touches nothing outside the namespace it creates.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (the demo creates a network namespace)" >&2; exit 1; }
swift build -c release --product kpx-reconcile >&2
bin=.build/release/kpx-reconcile
ns=kpx-demo-$$
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. kube-proxy programs the node (iptables-restore of its rules for examples/cluster.yaml) in namespace $ns"
ip netns exec "$ns" nfacct add ct_state_invalid_dropped_pkts
ip netns exec "$ns" nfacct add localhost_nps_accepted_pkts
ip netns exec "$ns" iptables-restore < examples/kube-proxy-rules.iptables

step "2. kpx-reconcile reads the live nat table and prints it canonically"
ip netns exec "$ns" iptables-save -t nat | "$bin" dump --input - --table nat

step "done: namespace $ns removed"
