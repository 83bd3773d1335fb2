#!/usr/bin/env bash
# Codec and transcoding costs per 20 ms frame: bench/media/transcode_bench.cpp in a Release
# build. Arguments go to the benchmark binary. Results belong in docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../../tools/dev-env.sh"
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" "${JUNCTION_BENCH_PACKAGES[@]}"
junction_configure "$JUNCTION_ROOT/build/bench" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$JUNCTION_ROOT/build/bench" --target transcode_bench >/dev/null
"$JUNCTION_ROOT/build/bench/bin/transcode_bench" --benchmark_repetitions="${REPETITIONS:-3}" \
  --benchmark_report_aggregates_only=true "$@"
