#!/usr/bin/env bash
# Spool -> SMTP delivery benchmark (bench/messages/delivery_bench.cpp in a Release build) against
# Postfix's smtp-sink on a free 127.0.0.1 port: delivered/s and CPU per message with
# spool.parallel 4/8/16 (burst of N messages), then the latency from accept to the sink's 250,
# one message at a time (idle) and at fixed rates (under load), with the recording's write and
# read in front (--recording). Results belong in docs/benchmarks.md with the machine.
#
#   bench/messages/run_delivery_smtp.sh            # about 2-3 minutes on a quiet 2-vCPU VM
#
# Environment (defaults in brackets): N [1000] messages per burst run, REPEATS [3] (runs are
# interleaved), PARALLELS ["4 8 16"], WORKERS [0: as many delivery threads as the parallel setting, as junctiond], PART_BYTES [110000],
# LAT_N [200] messages for the idle latency, RATES ["100 200"] messages/s for latency under
# load, RATE_SECONDS [10] per rate run (LAT_N=0 and RATES="" leave the latency runs out), DIR [/tmp] where the spools go (the disk measured),
# QUIET_BUSY [30] % of both cores that counts as quiet before a run, QUIET_MAX_S [600] how long
# to wait for that at most, OUT [/tmp/delivery-smtp-bench/<UTC time>].
#
# smtp-sink comes with Debian's postfix package. It is installed as ../shared/bench/mail/run.sh
# does: preseeded "No configuration" (no main.cf, nothing listens on port 25), a system master
# that the install may have started is stopped by its PID, postfix.service is left disabled.
# Postfix itself is never started here. Every process this script starts is bounded by
# `timeout` and stopped by its PID.
set -euo pipefail
export LC_ALL=C
source "$(dirname "$0")/../../tools/dev-env.sh"

N=${N:-1000}
REPEATS=${REPEATS:-3}
PARALLELS=${PARALLELS:-"4 8 16"}
WORKERS=${WORKERS:-0}
PART_BYTES=${PART_BYTES:-110000}
LAT_N=${LAT_N:-200}
RATES=${RATES-"100 200"}
RATE_SECONDS=${RATE_SECONDS:-10}
DIR=${DIR:-/tmp}
QUIET_BUSY=${QUIET_BUSY:-30}
QUIET_MAX_S=${QUIET_MAX_S:-600}
OUT=${OUT:-/tmp/delivery-smtp-bench/$(date -u +%Y%m%dT%H%M%SZ)}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}  # seconds, hard bound per benchmark process

log() { printf '[%s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root (apt-get, smtp-sink -u postfix)"
mkdir -p "$OUT"

# ---------------------------------------------------------------- packages and build
junction_install_packages "${JUNCTION_BUILD_PACKAGES[@]}" "${JUNCTION_BENCH_PACKAGES[@]}"
if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q 'install ok installed'; then
  log "installing postfix for smtp-sink (debconf: No configuration; not started)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  { DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y --no-install-recommends postfix ||
    { timeout 120 apt-get update && DEBIAN_FRONTEND=noninteractive timeout 240 apt-get install -y --no-install-recommends postfix; }
  } >> "$OUT/install.log" 2>&1 || die "apt-get install postfix failed (see $OUT/install.log)"
  spf=/var/spool/postfix/pid/master.pid
  if [[ -r $spf ]]; then
    sp=$(tr -dc 0-9 < "$spf")
    if [[ -n $sp && -d /proc/$sp && $(readlink "/proc/$sp/exe") == */postfix/sbin/master ]]; then
      log "the install started the system postfix master (PID $sp): kill -TERM $sp"
      kill -TERM "$sp"
    fi
  fi
  command -v systemctl >/dev/null && systemctl disable postfix.service >> "$OUT/install.log" 2>&1 || true
fi
command -v smtp-sink >/dev/null || die "smtp-sink missing (postfix package)"
junction_configure "$JUNCTION_ROOT/build/bench" -DCMAKE_BUILD_TYPE=Release -DJUNCTION_BUILD_TESTS=OFF -DJUNCTION_BUILD_BENCH=ON
cmake --build "$JUNCTION_ROOT/build/bench" --target delivery_bench >/dev/null
BENCH=$JUNCTION_ROOT/build/bench/bin/delivery_bench

# ---------------------------------------------------------------- the sink
port_listening() { [[ -n $(ss -ltnH "sport = :$1" 2>/dev/null) ]]; }
PORT=""
for _ in $(seq 50); do
  p=$((32100 + RANDOM % 900))
  port_listening "$p" || { PORT=$p; break; }
done
[[ -n $PORT ]] || die "no free port found in 32100-32999"
SINK_USER=postfix; id postfix >/dev/null 2>&1 || SINK_USER=nobody
SINK_PID=""
cleanup() {
  if [[ -n $SINK_PID ]] && kill -0 "$SINK_PID" 2>/dev/null; then
    kill -TERM "$SINK_PID" 2>/dev/null || true
    wait "$SINK_PID" 2>/dev/null || true
  fi
  rm -rf "$DIR/delivery-smtp-$$"  # left only by a run that timed out
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# smtp-sink: one process, answers 250 to everything and keeps nothing; -c counts sessions and
# messages on stdout (a cross-check of the benchmark's own count).
timeout 3600 smtp-sink -u "$SINK_USER" -c "127.0.0.1:$PORT" 1024 > "$OUT/sink.counts" 2> "$OUT/sink.err" &
SINK_PID=$!
for _ in $(seq 50); do port_listening "$PORT" && break; sleep 0.1; done
port_listening "$PORT" || die "smtp-sink did not come up on 127.0.0.1:$PORT ($(cat "$OUT/sink.err"))"
# The real smtp-sink process (timeout forks it): for its CPU.
SINK_REAL=$(ps -o pid= --ppid "$SINK_PID" | tr -d ' ' | head -1)
log "smtp-sink on 127.0.0.1:$PORT (timeout PID $SINK_PID, smtp-sink PID ${SINK_REAL:-?})"

# ---------------------------------------------------------------- quiet machine
busy_pct() {  # both cores' busy share over 2 s, from /proc/stat
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); sleep 2
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); printf "%d", (y[2]-x[2]) ? 100*(y[1]-x[1])/(y[2]-x[2]) : 0}'
}
wait_quiet() {
  local waited=0 busy
  while busy=$(busy_pct); (( busy > QUIET_BUSY && waited < QUIET_MAX_S )); do
    log "machine busy (${busy}% of both cores; $(cut -d' ' -f1-3 /proc/loadavg)): waiting"
    sleep 10; waited=$((waited + 12))
  done
  echo "$busy"
}
sink_cpu_ticks() { [[ -n $SINK_REAL && -r /proc/$SINK_REAL/stat ]] && awk '{print $14+$15}' "/proc/$SINK_REAL/stat" || echo 0; }

{ echo "date_utc=$(date -u +%FT%TZ) host=$(hostname) kernel=$(uname -r) cpus=$(nproc) cpu_model=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "fs=$(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$DIR") postfix=$(dpkg-query -W -f='${Version}' postfix) libcurl=$(curl-config --version 2>/dev/null || echo ?)"
  echo "sink=127.0.0.1:$PORT N=$N repeats=$REPEATS parallels=$PARALLELS workers=$WORKERS part_bytes=$PART_BYTES lat_n=$LAT_N rates=$RATES"
} | tee "$OUT/env.txt" >&2

run() {  # label, then delivery_bench arguments after the count
  local label=$1 busy t0 t1 line; shift
  busy=$(wait_quiet)
  t0=$(sink_cpu_ticks)
  if ! line=$(timeout "$RUN_TIMEOUT" "$BENCH" "$@" --smtp "smtp://127.0.0.1:$PORT" --workers "$WORKERS" \
      --part-bytes "$PART_BYTES" --label "$label" 2>>"$OUT/bench.err" | tee -a "$OUT/bench.out" | grep '^RESULT'); then
    log "$label: FAILED (see $OUT/bench.out, bench.err)"
    return 0
  fi
  t1=$(sink_cpu_ticks)
  echo "$line busy_before_pct=$busy sink_cpu_s=$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz}')" >> "$OUT/results.txt"
  log "$(tail -1 "$OUT/results.txt" | cut -c1-220)"
}

# ---------------------------------------------------------------- the runs (interleaved)
# The parallels' order turns by one each repeat: every run leaves a few thousand deleted inodes
# behind, which ext4 skips when it allocates new ones for a minute or more (find_inode_bit,
# recently_deleted), so later runs of a series are slower; turning the order spreads that.
read -ra PARALLEL_LIST <<< "$PARALLELS"
for r in $(seq "$REPEATS"); do
  for i in "${!PARALLEL_LIST[@]}"; do
    p=${PARALLEL_LIST[$(( (i + r - 1) % ${#PARALLEL_LIST[@]} ))]}
    run "burst-p$p" "$N" "$DIR/delivery-smtp-$$" --mode burst --parallel "$p"
  done
  (( LAT_N > 0 )) && run "serial" "$LAT_N" "$DIR/delivery-smtp-$$" --mode serial --parallel 4 --recording
  for rate in $RATES; do
    run "rate-$rate" $((rate * RATE_SECONDS)) "$DIR/delivery-smtp-$$" --mode rate --rate "$rate" --parallel 4 --recording
  done
done

# ---------------------------------------------------------------- summary
{
  cat "$OUT/env.txt"; echo
  echo "per label: runs, then min-max over the runs"
  awk '{ delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
         k = f["label"]; if (!(k in n)) ord[++no] = k; n[k]++
         for (m in f) if (m != "label" && m != "mode" && m != "connector") {
           if (!((k, m) in lo) || f[m] + 0 < lo[k, m]) lo[k, m] = f[m] + 0
           if (!((k, m) in hi) || f[m] + 0 > hi[k, m]) hi[k, m] = f[m] + 0 } }
       function r(k, m) { return (lo[k, m] == hi[k, m]) ? sprintf("%g", lo[k, m]) : sprintf("%g-%g", lo[k, m], hi[k, m]) }
       END { printf "%-10s %4s | %-13s %-13s %-11s %-12s | %-13s %-13s %-13s | %-11s %-13s %-13s | %s\n", "label", "runs",
               "accepted/s", "delivered/s", "cpu ms/msg", "of it kernel", "stored p50", "deliv. p50", "deliv. p99", "wav w+r p50",
               "hang-up p50", "hang-up p99", "busy% before"
             for (i = 1; i <= no; i++) { k = ord[i]
               printf "%-10s %4d | %-13s %-13s %-11s %-12s | %-13s %-13s %-13s | %-11s %-13s %-13s | %s\n", k, n[k],
                 r(k, "accepted_per_s"), r(k, "delivered_per_s"), r(k, "cpu_ms_per_msg"), r(k, "sys_ms_per_msg"), r(k, "accept_p50_ms"),
                 r(k, "delivered_p50_ms"), r(k, "delivered_p99_ms"), r(k, "write_read_p50_ms"), r(k, "hangup_p50_ms"),
                 r(k, "hangup_p99_ms"), r(k, "busy_before_pct") } }' "$OUT/results.txt"
  echo
  echo "smtp-sink counted: $(tr '\r' '\n' < "$OUT/sink.counts" | grep mesg= | tail -1)"
  echo "latencies in ms from spool.accept() (stored: its answer; deliv.: the connector's 250 from smtp-sink);"
  echo "hang-up: from the start of the recording's WAV write (save_wav, fsync) and read-back, as record + save_message{}"
} | tee "$OUT/summary.txt"
log "results in $OUT (results.txt, summary.txt, bench.out)"
