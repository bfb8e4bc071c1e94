#!/usr/bin/env bash
# What the shipped binary holds (issue 17's nevers, checked on the symbols of the built
# kpx-reconcile): no generator, oracle or fake from the testing modules, and libnftnl functions
# actually called (the C boundary is real, not just linked).
# Usage: scripts/check-binary.sh [path to kpx-reconcile] (default .build/debug/kpx-reconcile)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/kpx-reconcile}
[ -x "$binary" ] || { echo "error: $binary not built" >&2; exit 1; }
symbols=$(nm "$binary" 2>/dev/null | swift demangle --simplified 2>/dev/null || nm -C "$binary")
failed=0
# Swift symbols of the testing modules, and the test-only types by name.
testonly=$(echo "$symbols" | grep -E "ReconcilerTesting|NetlinkBridgeTesting|TestSupport|\b(ClusterGenerator|GeneratedCluster|RestoreTextNormalizer|InMemoryBackend|FakeExchange|FollowingBackend)\b" | head -5 || true)
if [ -n "$testonly" ]; then
  echo "$testonly" >&2
  echo "error: test-only code is linked into $binary" >&2
  failed=1
fi
# libnftnl calls (undefined dynamic symbols the binary resolves from libnftnl.so).
nftnl=$(nm -D --undefined-only "$binary" | awk '{print $2}' | grep -E "^nftnl_" | sort -u || true)
if [ -z "$nftnl" ]; then
  echo "error: $binary calls no libnftnl function" >&2
  failed=1
else
  echo "check-binary: no test-only code; libnftnl calls: $(echo $nftnl | tr ' ' ',')"
fi
exit $failed
