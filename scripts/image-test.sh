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

no_swift_runtime() { local libs; libs=$(ldd "$out/kpx-reconcile"); ! grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime' <<<"$libs"; }
check no_swift_runtime
ldd "$out/kpx-reconcile" | sed 's/^/  ldd: /'

# The root as a container runtime gives it: a private mount namespace with /proc (the statically
# linked runtime reads the command line from /proc/self/cmdline) and nothing of the host's files.
in_root() {
  unshare --mount --fork sh -c 'mkdir -p "$0/proc" && mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$out/rootfs" "$@"
}
version() { in_root /usr/local/bin/kpx-reconcile --version | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+ \(revision '; }
check version

ns=kpx-image-$$
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
mkdir -p "$out/rootfs/work"
cp examples/cluster.yaml "$out/rootfs/work/cluster.yaml"
reconcile() {
  ip netns exec "$ns" bash -c "$(declare -f in_root); out=$out; in_root /usr/local/bin/kpx-reconcile --services /work/cluster.yaml \
    --hostname-override test-node --node-ip 192.168.0.2 --cluster-cidr 10.0.0.0/8" >/dev/null
}
check reconcile
programmed() { local saved; saved=$(ip netns exec "$ns" iptables-save -t nat); grep -q 'KUBE-SVC-' <<<"$saved"; }
check programmed
echo "image-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
