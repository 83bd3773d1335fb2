#!/usr/bin/env bash
# Authenticated REGISTERs per second against junctiond's SIP plugin, with SIPp on loopback.
# Each SIPp "call" registers a different user (r<step>u<N>) with digest auth (401, then
# credentials, then 200). Reports, per rate step: offered rate, failures, and junctiond's CPU
# per REGISTER; at the end, junctiond's resident memory per registration held.
#
#   bench/sip/register_rate.sh                  # rates 1000 2000 4000, 5 s each
#   RATES="2000" SECONDS_PER_STEP=10 bench/sip/register_rate.sh
#
# Uses build/bench (Release). Binds 127.0.0.1 only, stops every process it starts by PID.
set -euo pipefail
source "$(dirname "$0")/../../tools/dev-env.sh"

RATES=${RATES:-"1000 2000 4000"}
SECONDS_PER_STEP=${SECONDS_PER_STEP:-5}
build="$JUNCTION_ROOT/build/bench"
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" sip-tester
junction_configure "$build" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$build" --target junctiond sip prefix_routes >/dev/null

work=$(mktemp -d /tmp/junction-regbench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port=$(port)
cp -r "$JUNCTION_ROOT/scripts" "$work/scripts"
{
  echo "node: { id: regbench }"
  echo "log: { level: warn }"
  echo "admin: { enabled: false }"
  echo "state_directory: $work/var"
  echo "plugins:"
  echo "  - name: sip"
  echo "    config:"
  echo "      realm: bench.local"
  echo "      listen: [ { transport: udp, address: 127.0.0.1, port: $sip_port } ]"
  echo "      digest_algorithms: [md5]"
  echo "      auth_throttle: { max_failures: 1000 }"
  echo "scripts: { directory: $work/scripts }"
  echo "open_directory: { password: bench-secret }   # every r<step>u<N> is a user"
} > "$work/junction.yaml"

"$build/bin/junctiond" --config "$work/junction.yaml" 2> "$work/junctiond.log" &
jd=$!
pids+=("$jd")
for _ in $(seq 50); do grep -q "ready:" "$work/junctiond.log" && break; sleep 0.1; done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
rss_before=$(rss_kb "$jd")
held=0
hz=$(getconf CLK_TCK)

printf "%-8s %-10s %-8s %-8s %-14s\n" rate offered ok failed us_per_register
first=1
for rate in $RATES; do
  count=$((rate * SECONDS_PER_STEP))
  before=$(cpu_ticks "$jd")
  sipp "127.0.0.1:$sip_port" -sf "$(dirname "$0")/../../../shared/bench/sip/register_auth.xml" \
    -key user_prefix "r${rate}u" -key auth_pass bench-secret -r "$rate" -m "$count" -i 127.0.0.1 -p "$(port)" \
    -cp "$(port)" -recv_timeout 5000 -timeout $((SECONDS_PER_STEP * 4)) -nostdin -trace_stat \
    -stf "$work/stat.csv" -fd 1 -bg > "$work/sipp.out" 2>&1 || true
  sipp_pid=$(pgrep -n -f "sipp 127.0.0.1:$sip_port" || true)
  [ -n "$sipp_pid" ] && pids+=("$sipp_pid") && while kill -0 "$sipp_pid" 2>/dev/null; do sleep 0.2; done
  after=$(cpu_ticks "$jd")
  last=$(tail -1 "$work/stat.csv")
  ok=$(echo "$last" | awk -F';' '{print $16}')      # SuccessfulCall(C)
  failed=$(echo "$last" | awk -F';' '{print $18}')  # FailedCall(C)
  [ "$first" = 1 ] && first=0
  us=$(awk -v t=$((after - before)) -v hz="$hz" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "-" }')
  printf "%-8s %-10s %-8s %-8s %-14s\n" "$rate" "$count" "${ok:-?}" "${failed:-?}" "$us"
  held=$((held + ${ok:-0}))
  rm -f "$work/stat.csv"
done
rss_after=$(rss_kb "$jd")
awk -v b="$rss_before" -v a="$rss_after" -v n="$held" 'BEGIN {
  printf "registrations held: %d, junctiond RSS %d -> %d KiB: %.0f bytes per registration\n", n, b, a, (n > 0 ? (a - b) * 1024 / n : 0) }'
