#!/usr/bin/env bash
# Proves the image content without a container engine: the release binary links no Swift runtime
# library, and inside the root filesystem scripts/image.sh assembled (chroot, a fresh network
# namespace, nothing else) `kpx-reconcile --version` runs and a reconcile of the example cluster
# programs the namespace, checked from outside with iptables-save. Prints one closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-image
[ -x "$out/rootfs/usr/local/bin/kpx-reconcile" ] || { echo "image-test: run scripts/image.sh first" >&2; exit 1; }
passed=0; failed=0
check() { if "$@"; then passed=$((passed + 1)); else echo "image-test: FAILED: $*" >&2; failed=$((failed + 1)); fi; }

no_swift_runtime() { ! ldd "$out/kpx-reconcile" | grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime'; }
check no_swift_runtime
ldd "$out/kpx-reconcile" | sed 's/^/  ldd: /'

version() { chroot "$out/rootfs" /usr/local/bin/kpx-reconcile --version | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+ \(revision '; }
check version

ns=kpx-image-$$
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
mkdir -p "$out/rootfs/work"
cp examples/cluster.yaml "$out/rootfs/work/cluster.yaml"
reconcile() {
  ip netns exec "$ns" chroot "$out/rootfs" /usr/local/bin/kpx-reconcile --services /work/cluster.yaml \
    --hostname-override test-node --node-ip 192.168.0.2 --cluster-cidr 10.0.0.0/8 >/dev/null
}
check reconcile
programmed() { ip netns exec "$ns" iptables-save -t nat | grep -q 'KUBE-SVC-'; }
check programmed
echo "image-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
