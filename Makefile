# Benchmarks (root, network namespaces). Tests never run these.
.PHONY: bench bench-quick microbench
# Full run: 1k/5k/10k/20k services (~25 minutes on 2 cores, 11 of them kube-proxy's quadratic full syncs at 20k).
bench:
	scripts/bench.sh
# 1k and 5k only, 3 repetitions.
bench-quick:
	scripts/bench.sh --sizes 1000,5000 --reps 3
# In-process micro-benchmarks (ordo-one/benchmark, nested package Benchmarks/).
microbench:
	cd Benchmarks && swift package benchmark
