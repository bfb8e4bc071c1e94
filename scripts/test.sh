#!/usr/bin/env bash
# Runs every test: pure unit tests and real-kernel tests in throwaway network namespaces.
# Must run as root (network namespaces, nf_tables). Never touches the host's own firewall.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (tests create network namespaces)" >&2; exit 1; }
ip netns add kpx-probe-$$ && ip netns delete kpx-probe-$$ || { echo "error: cannot create network namespaces" >&2; exit 1; }
export KPX_NETNS_TESTS=1
swift build --build-tests
swift test --skip-build 2>&1 | tee "${KPX_TEST_LOG:-/tmp/kpx-test.log}"
exit "${PIPESTATUS[0]}"
