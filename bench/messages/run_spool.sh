#!/usr/bin/env bash
# Durable messages per second into the spool: bench/messages/spool_bench.cpp in a Release
# build. Arguments: message count, directory (on the disk to measure). Results belong in
# docs/benchmarks.md with the machine.
set -euo pipefail
source "$(dirname "$0")/../../tools/dev-env.sh"
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" "${JUNCTION_BENCH_PACKAGES[@]}"
junction_configure "$JUNCTION_ROOT/build/bench" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$JUNCTION_ROOT/build/bench" --target spool_bench delivery_bench >/dev/null
"$JUNCTION_ROOT/build/bench/bin/spool_bench" "$@"
"$JUNCTION_ROOT/build/bench/bin/delivery_bench" "$@"
