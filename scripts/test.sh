#!/usr/bin/env bash
# Runs every test: pure unit tests and real-kernel tests in throwaway network namespaces.
# Must run as root (network namespaces, nf_tables). Never touches the host's own firewall.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (tests create network namespaces)" >&2; exit 1; }
ip netns add kpx-probe-$$ && ip netns delete kpx-probe-$$ || { echo "error: cannot create network namespaces" >&2; exit 1; }
export KPX_NETNS_TESTS=1
build_log=${KPX_BUILD_LOG:-/tmp/kpx-build.log}
swift build --build-tests 2>&1 | tee "$build_log"
# Our own code builds without warnings (Swift 6 strict concurrency included); on a clean build this
# sees every file, on an incremental one the files it recompiled.
# A warning inside a macro expansion (e.g. #expect) names our file on the line after it.
warnings=$( (grep -E "^$PWD/(Sources|Tests|Plugins)/[^:]*:[0-9]+:[0-9]+: warning:" "$build_log";
             grep -A1 -E "^macro expansion [^:]*:[0-9]+:[0-9]+: warning:" "$build_log" |
               grep -oE "$PWD/(Sources|Tests|Plugins)/[^:]*:[0-9]+:[0-9]+" | sed 's/$/: warning in a macro expansion/') |
           sort -u || true)
if [ -n "$warnings" ]; then
  echo "$warnings" >&2
  echo "error: $(echo "$warnings" | wc -l) compiler warnings in our code (see above)" >&2
  exit 1
fi
# The shipped binary holds no generator, oracle or fake, and calls libnftnl (issue 17).
./scripts/check-binary.sh .build/debug/kpx-reconcile
test_log=${KPX_TEST_LOG:-/tmp/kpx-test.log}
set +e
swift test --skip-build 2>&1 | tee "$test_log"
status=${PIPESTATUS[0]}
set -e
# Every test runs here (KPX_NETNS_TESTS=1): a skipped test or suite is a failure, not a pass.
skipped=$(grep -E "^.{0,4}(Test|Suite) .* skipped(:|$)" "$test_log" || true)
if [ -n "$skipped" ]; then
  echo "$skipped" >&2
  echo "error: $(echo "$skipped" | wc -l) tests or suites were skipped; namespace tests must all run" >&2
  exit 1
fi
exit "$status"
