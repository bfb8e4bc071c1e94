#!/usr/bin/env bash
# The node agent on a throwaway network namespace, fed from a manifest directory (no cluster
# needed): first sync, an endpoint replaced by editing the file, drift (someone flushes
# KUBE-SERVICES) repaired at once, metrics and health scraped, SIGTERM with the rules left in place.
# Needs root; touches nothing outside the namespace it creates; servers bind 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (the demo creates a network namespace)" >&2; exit 1; }
if [ -z "${KPX_BIN:-}" ]; then
    swift build -c release --product kpx-reconcile >&2
fi
bin=${KPX_BIN:-$PWD/.build/release/kpx-reconcile}
ns=kpx-agent-demo-$$
dir=$(mktemp -d)
log=$dir/agent.log
ip netns add "$ns"
agent=""
cleanup() {
    [ -n "$agent" ] && kill "$agent" 2>/dev/null || true
    ip netns delete "$ns" 2>/dev/null || true
    rm -rf "$dir"
    echo; echo "cleanup: namespace $ns deleted"
}
trap cleanup EXIT
read -r -a node < examples/node.flags
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
wait_for() { for _ in $(seq 1 100); do grep -q "$1" "$log" && return 0; sleep 0.1; done; echo "timeout waiting for: $1" >&2; return 1; }

mkdir -p "$dir/manifests"
cp examples/cluster.yaml "$dir/manifests/cluster.yaml"
step "1. Start the agent on $ns, reading $dir/manifests"
"$bin" agent --netns "$ns" --services-dir "$dir/manifests" "${node[@]}" \
    --metrics-bind-address 127.0.0.1:19249 --healthz-bind-address 127.0.0.1:19256 >"$log" 2>&1 &
agent=$!
wait_for "reason=initial"
grep "reason=initial" "$log"

step "2. A pod is rescheduled: edit the manifest; one small transaction follows"
cp examples/cluster-endpoint-replaced.yaml "$dir/manifests/cluster.yaml"
wait_for "reason=changes"
grep "reason=changes" "$log"

step "3. Someone flushes nat KUBE-SERVICES: repaired from the nf_tables change notification (read=chains: only the changed chains are re-read)"
ip netns exec "$ns" iptables -t nat -F KUBE-SERVICES
wait_for "reason=drift"
grep "reason=drift" "$log"
ip netns exec "$ns" iptables-save -t nat | grep -c '^-A KUBE-SERVICES' | sed 's/^/KUBE-SERVICES rules now: /'

step "4. kube-proxy's metrics and health"
curl -s 127.0.0.1:19249/metrics | grep -E '^(kubeproxy_sync_proxy_rules_(iptables_total|endpoint_changes_total|duration_seconds_count)|kpx_reconcile_(drift_repairs|operations)_total)'
curl -s 127.0.0.1:19256/healthz; echo

step "5. SIGTERM: the agent stops between transactions; the rules stay"
kill -TERM "$agent"; wait "$agent" || true; agent=""
tail -2 "$log"
"$bin" --netns "$ns" --services examples/cluster-endpoint-replaced.yaml "${node[@]}" --verify
