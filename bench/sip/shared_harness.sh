#!/usr/bin/env bash
# junctiond under ../shared/bench/sip/run_baseline.sh, the harness that measures Kamailio on
# this machine: the same REGISTER ladder, call ladder (INVITE/ACK/BYE through the server to a
# SIPp UAS, hold 0), CPU per REGISTER and per call at fixed rates, and 1000 calls/s held 10 s
# (concurrent calls, PSS). Junction does a B2BUA's work here (two dialogs per call, the Lua
# flow, routing through the location service, a call detail record), Kamailio a proxy's.
#
#   bench/sip/shared_harness.sh                 # AUTH=1: digest on every REGISTER and INVITE
#   AUTH=0 bench/sip/shared_harness.sh          # no auth: junctiond still challenges, so AUTH=0 fails
#   PASSES=2 bench/sip/shared_harness.sh        # the harness's knobs pass through
#
# The harness's contract (any user, password bench-secret, realm bench.local; R-URI user
# `service` relayed to where `service` registered) is met with `open_directory`, a config key
# meant for benchmarks only. Results: ../shared/bench/sip/results/<ts>/ (summary.txt).
set -euo pipefail
source "$(dirname "$0")/../../tools/dev-env.sh"

harness="$JUNCTION_ROOT/../shared/bench/sip/run_baseline.sh"
[ -x "$harness" ] || { echo "no harness at $harness" >&2; exit 2; }
build="$JUNCTION_ROOT/build/bench"
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" sip-tester
junction_configure "$build" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$build" --target junctiond sip prefix_routes >/dev/null

work=$(mktemp -d /tmp/junction-sharedbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
port=${SUT_PORT:-5070}
cp -r "$JUNCTION_ROOT/scripts" "$work/scripts"
cat > "$work/junction.yaml" <<YAML
node: { id: bench }
log: { level: warn }
admin: { enabled: false }
state_directory: $work/var
plugins:
  - name: sip
    config:
      realm: ${AUTH_REALM:-bench.local}
      listen: [ { transport: udp, address: 127.0.0.1, port: $port } ]
      digest_algorithms: [md5]
      auth_throttle: { max_failures: 1000 }
      registrar: { max_contacts: 10 }
scripts: { directory: $work/scripts }
routing: { strategies: [lua, registered_users] }
open_directory: { password: ${AUTH_PASSWORD:-bench-secret} }
YAML

AUTH=${AUTH:-1} SUT=cmd SUT_NAME=junctiond SUT_PORT="$port" \
  SUT_CMD="$build/bin/junctiond --config $work/junction.yaml" "$harness"
