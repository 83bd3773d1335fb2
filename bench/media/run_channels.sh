#!/usr/bin/env bash
# The media engine's pacing under load: bench/media/channel_bench.cpp in a Release build.
#   bench/media/run_channels.sh                 # 5 s per step: 500 1000 2000 3000 4000 channels
#   bench/media/run_channels.sh 10 2000 2500    # seconds per step, then channel counts
# Results belong in docs/benchmarks.md with the machine. Binds 127.0.0.1 only.
set -euo pipefail
source "$(dirname "$0")/../../tools/dev-env.sh"
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" "${JUNCTION_BENCH_PACKAGES[@]}"
junction_configure "$JUNCTION_ROOT/build/bench" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$JUNCTION_ROOT/build/bench" --target channel_bench >/dev/null
ulimit -n "$(ulimit -Hn)"  # one socket per channel
"$JUNCTION_ROOT/build/bench/bin/channel_bench" "$@"  # MEDIA_THREADS=n spreads channels over n threads
