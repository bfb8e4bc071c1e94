#!/usr/bin/env bash
# End-to-end benchmark: kube-proxy's iptables-restore vs kpx-reconcile at 1k/5k/10k/20k services,
# in throwaway network namespaces (root). Writes bench-results/results.{json,md} and bench.png.
# Usage: sudo scripts/bench.sh [kpx-bench run options]   e.g. --sizes 1000,5000 --reps 3
# Defaults: --sizes 1000,5000,10000,20000 --reps 5 --slow-reps 3 --slow-limit 60
# kube-proxy's full sync is roughly quadratic (58 s at 10k, 321 s at 20k on 2 cores); a scenario
# whose first repetition exceeds --slow-limit seconds is measured once. The default run takes about
# 25 minutes on 2 cores; --kube-proxy-full-max 10000 skips kube-proxy's full syncs above 10k (~10 min).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
[ "$(id -u)" = 0 ] || { echo "error: run as root (the benchmark creates network namespaces)" >&2; exit 1; }
out=bench-results
sizes=1000,5000,10000,20000
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
# GNU time gives iptables-restore's own peak RSS (optional).
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || true; }
scratch=${SCRATCH_PATH:-.build}   # e.g. SCRATCH_PATH=.build-bench for a second build folder
swift build -c release --scratch-path "$scratch" --product kpx-bench >&2
# The real-path scenarios run the product binary beside kpx-bench.
swift build -c release --scratch-path "$scratch" --product kpx-reconcile >&2
"$scratch/release/kpx-bench" run --sizes "$sizes" --output "$out" ${args[@]+"${args[@]}"}
dir=$out
if python3 -c 'import matplotlib' 2>/dev/null || pip install --quiet matplotlib >/dev/null 2>&1; then
  python3 scripts/bench-plot.py "$dir/bench.png" "$dir/results.json" > "$dir/summary.md" && echo "plot: $dir/bench.png"
else
  echo "matplotlib unavailable: no plot (pip install matplotlib; scripts/bench-plot.py $dir/bench.png $dir/results.json)" >&2
fi
echo "results: $dir/results.md"
