#!/usr/bin/env bash
# nta vs nua measurement spike (docs/sip-layer-choice.md).
#
# Builds nta_server, nua_server and the su_duration_ceil preload shim (standalone CMake project,
# not part of the main build), then runs blocks of SIPp load, all UDP on 127.0.0.1, free ports:
#   reg   REGISTER ladder with ../shared/bench/sip/register.xml (no auth), STEP_S per rate
#   conc  memory per dialog: CONC_RATE calls/s for STEP_S with CONC_HOLD_MS hold (sipp -sn uac);
#         kB per call = (RSS 0.5 s before the first BYE - RSS before) / calls; at that moment all
#         calls are established and none has ended (needs CONC_HOLD_MS > STEP_S*1000 + 500), so it
#         covers the dialog plus its still-living INVITE transaction (T4 = 5 s after the ACK)
#   inv   call ladder with the built-in `sipp -sn uac` (0 hold), STEP_S per rate
#   drain after a ladder: CPU of the idle server for N s. nta keeps completed UDP non-INVITE
#         transactions for timer J = 64*T1 = 32 s, so part of the cost lands after the load;
#         "ladder+drain" = all server CPU of the block / all successful requests of the block.
# The server is restarted for every block. Variants (PLAN, one line per block):
#   nta      nta_server (default leg, every REGISTER gets a server transaction)
#   nua      nua_server
#   nta-sl   nta_server --stateless-register (REGISTER answered with nta_msg_treply, no transaction)
#   nta+ceil / nua+ceil: same binaries with LD_PRELOAD=libsu_duration_ceil.so, which rounds
#            sofia's sub-millisecond timer waits up instead of busy-polling (see the doc)
# Per step: offered rate (calls created per second while sending), completed, failed (created -
# successful), retransmissions, mean response time / call length, server CPU (utime+stime from
# /proc/PID/stat before/after the step, threads included) / successful requests, the same from
# schedstat (ns resolution), SIPp's own CPU, UDP drops at the server socket, server RSS.
#
# Output: $OUT (default bench/sofia_layers/results/<UTC timestamp>/): steps.csv, summary.txt,
# commands.txt, env.txt, server logs; raw sipp csv/out files in $WORK (/tmp).
# Everything is bounded in time: every sipp has -m, -recv_timeout and -timeout, plus a hard
# SIGTERM/SIGKILL by PID; servers are stopped by PID. Whole run with the default PLAN: ~5.5 min.
#
# Knobs: REG_RATES="2000 5000 10000" INV_RATES="500 1000 2000" STEP_S=5 DRAIN_S=33
#        CONC_RATE=1000 CONC_HOLD_MS=7000 BUILD_DIR=/tmp/sofia-layers SIPP_BUF=4194304
#        PLAN="variant kind rates drain_s; ..." (see the default below; several rates: 2000,5000),
#        QUICK=1 (default plan without the nta-sl and +ceil blocks, ~4 min)
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED_SIP=$(cd "$ROOT/../shared/bench/sip" 2>/dev/null && pwd) || { echo "missing ../shared/bench/sip" >&2; exit 1; }
REG_XML="$SHARED_SIP/register.xml"

REG_RATES=${REG_RATES:-"2000 5000 10000"}
INV_RATES=${INV_RATES:-"500 1000 2000"}
STEP_S=${STEP_S:-5}
DRAIN_S=${DRAIN_S:-33}
CONC_RATE=${CONC_RATE:-1000}
CONC_HOLD_MS=${CONC_HOLD_MS:-7000}
# variant kind rates drain_s  (rates "-" = the default ladder of that kind)
DEFAULT_PLAN="nta reg - $DRAIN_S; nta conc $CONC_RATE 0; nta inv - $DRAIN_S;
nua reg - $DRAIN_S; nua conc $CONC_RATE 0; nua inv - $DRAIN_S"
[ "${QUICK:-0}" = 1 ] || DEFAULT_PLAN="$DEFAULT_PLAN;
nta-sl reg - 3;
nta+ceil reg 10000 $DRAIN_S; nta+ceil inv 2000 $DRAIN_S;
nua+ceil reg 10000 0; nua+ceil inv 2000 0"
PLAN=${PLAN:-$DEFAULT_PLAN}
BUILD_DIR=${BUILD_DIR:-/tmp/sofia-layers}
SIPP_BUF=${SIPP_BUF:-4194304}
RECV_TIMEOUT_MS=${RECV_TIMEOUT_MS:-8000}
HOST=127.0.0.1
HZ=$(getconf CLK_TCK)

TS=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$HERE/results/$TS}
WORK=${WORK:-/tmp/sofia-layers-run.$TS}
mkdir -p "$OUT" "$WORK"
STEPS="$OUT/steps.csv"; SUMMARY="$OUT/summary.txt"; CMDS="$OUT/commands.txt"
T_START=$SECONDS

log() { printf '[%4ds] %s\n' $((SECONDS - T_START)) "$*" | tee -a "$SUMMARY"; }
die() { log "ERROR: $*"; exit 1; }
showcmd() { printf '%q ' "$@" >> "$CMDS"; echo >> "$CMDS"; }

# ------------------------------------------------------------------ processes ---
SRV_PID=""; SIPP_PID=""
stop_pid() { # PID NAME: SIGTERM, wait up to 12 s, then SIGKILL
  local p=$1 i
  [ -n "$p" ] || return 0
  kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null; return 0; }
  kill -TERM "$p" 2>/dev/null
  for i in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$p" 2>/dev/null; then log "$2 (pid $p) did not stop, SIGKILL"; kill -KILL "$p" 2>/dev/null; fi
  wait "$p" 2>/dev/null; return 0
}
cleanup() { stop_pid "$SIPP_PID" sipp; SIPP_PID=""; stop_pid "$SRV_PID" server; SRV_PID=""; }
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_free() { # nothing bound on 127.0.0.1:$1, UDP or TCP
  [ -z "$(ss -Hauln "sport = :$1" 2>/dev/null)" ] && [ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }
declare -A TAKEN
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    [ -z "${TAKEN[$p]:-}" ] && port_free "$p" && { TAKEN[$p]=1; echo "$p"; return 0; }
  done
  return 1
}

ticks() { # utime+stime of a process (all threads), clock ticks
  [ -r "/proc/$1/stat" ] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
sched_ns() { # sum of on-CPU time of all threads, ns
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s + 0 }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
sock_drops() { # kernel drops at the UDP socket bound to port $1
  ss -Huanm "sport = :$1" 2>/dev/null | grep -o 'd[0-9]*)' | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }'; }
csv_last() { awk -F';' -v f="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==f) c=i; next} c{v=$c} END{print v}' "$1" 2>/dev/null; }
csv_max() { awk -F';' -v f="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==f) c=i; next} c&&($c+0>m){m=$c+0} END{print m+0}' "$1" 2>/dev/null; }
send_rate() { # calls created per second while sending (rows before -m was reached)
  awk -F';' -v m="$2" 'NR==1{for(i=1;i<=NF;i++){if($i=="StartTime")cs=i; if($i=="CurrentTime")cc=i; if($i=="TotalCallCreated")ct=i}; next}
    { split($cs,a,"\t"); split($cc,b,"\t"); n=$ct+0; if (n>0 && n<m && b[3]>a[3]) r=n/(b[3]-a[3]) }
    END{ if (r=="") print ""; else printf "%.0f", r }' "$1" 2>/dev/null; }
hms_to_ms() { awk -F: '{ if (NF==4) printf "%.2f", $1*3600000+$2*60000+$3*1000+$4/1000; else print "NA" }' <<< "$1"; }

# --------------------------------------------------------------------- server ---
SRV_PORT=""
start_server() { # VARIANT LABEL
  local v=$1 bin args=() pre=""
  case "$v" in
    nta|nta+ceil) bin="$BUILD_DIR/nta_server" ;;
    nta-sl|nta-sl+ceil) bin="$BUILD_DIR/nta_server"; args=(--stateless-register) ;;
    nua|nua+ceil) bin="$BUILD_DIR/nua_server" ;;
    *) die "unknown variant $v" ;;
  esac
  case "$v" in *+ceil) pre="$BUILD_DIR/libsu_duration_ceil.so" ;; esac
  SRV_PORT=$(free_port) || die "no free port"
  local -a cmd=("$bin" --host "$HOST" --port "$SRV_PORT" "${args[@]}")
  { [ -n "$pre" ] && printf 'LD_PRELOAD=%q ' "$pre"; } >> "$CMDS"; showcmd "${cmd[@]}"
  if [ -n "$pre" ]; then LD_PRELOAD="$pre" "${cmd[@]}" >>"$OUT/$v.log" 2>&1 </dev/null &
  else "${cmd[@]}" >>"$OUT/$v.log" 2>&1 </dev/null & fi
  SRV_PID=$!
  local i
  for i in $(seq 1 50); do
    [ -n "$(ss -Huanp "sport = :$SRV_PORT" 2>/dev/null | grep "pid=$SRV_PID,")" ] && break
    kill -0 "$SRV_PID" 2>/dev/null || die "$v exited at start (see $OUT/$v.log)"
    sleep 0.1
  done
  log "$v ($2) pid $SRV_PID on $HOST:$SRV_PORT, RSS $(rss_kb "$SRV_PID") kB"
}
stop_server() { stop_pid "$SRV_PID" server; SRV_PID=""; }

# ------------------------------------------------------------------ one step ---
# run_step SERVER KIND RATE COUNT HOLD_MS -> one row in steps.csv
run_step() {
  local srv=$1 kind=$2 rate=$3 count=$4 hold=$5
  local label="${srv}_${kind}_${rate}"
  local csv="$WORK/$label.csv" out="$WORK/$label.out" err="$WORK/$label.err"
  local send_s=$(( (count + rate - 1) / rate ))
  local hard_s=$(( send_s + hold / 1000 + RECV_TIMEOUT_MS / 1000 + 6 ))
  local uac_port cp_port; uac_port=$(free_port) || die "no free port"; cp_port=$(free_port) || die "no free port"
  local -a cmd
  if [ "$kind" = reg ]; then
    cmd=(sipp "$HOST:$SRV_PORT" -sf "$REG_XML" -key user_prefix "${label}_${TS}_u")
  else
    cmd=(sipp "$HOST:$SRV_PORT" -sn uac -s service -d "$hold")
  fi
  cmd+=(-i "$HOST" -p "$uac_port" -cp "$cp_port" -r "$rate" -m "$count" -nostdin
        -buff_size "$SIPP_BUF" -recv_timeout "$RECV_TIMEOUT_MS" -timeout "${hard_s}s"
        -trace_stat -stf "$csv" -fd 1 -trace_err -error_file "$err" -max_log_size 2000000)
  showcmd "${cmd[@]}"

  local d0 c0 n0 r0 rpeak t0 t1
  d0=$(sock_drops "$SRV_PORT"); r0=$(rss_kb "$SRV_PID"); rpeak=$r0
  c0=$(ticks "$SRV_PID"); n0=$(sched_ns "$SRV_PID"); t0=${EPOCHREALTIME/./}
  "${cmd[@]}" >"$out" 2>&1 </dev/null &
  SIPP_PID=$!
  local sp=$SIPP_PID killed=0 e e_ms r sipp_ticks=0 rmid=""
  while kill -0 "$sp" 2>/dev/null; do
    e_ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 )); e=$(( e_ms / 1000 ))
    r=$(rss_kb "$SRV_PID"); [ "${r:-0}" -gt "$rpeak" ] && rpeak=$r
    # conc: RSS on the plateau (all calls established, no BYE yet) = dialogs + their INVITE txns
    [ "$kind" = conc ] && [ -z "$rmid" ] && [ "$e_ms" -ge $(( hold - 500 )) ] && rmid=$r
    sipp_ticks=$(ticks "$sp")
    if [ $killed = 0 ] && [ "$e" -gt $(( hard_s + 3 )) ]; then
      log "  step exceeded ${hard_s}s: SIGTERM sipp pid $sp"; kill -TERM "$sp" 2>/dev/null; killed=1
    elif [ $killed = 1 ] && [ "$e" -gt $(( hard_s + 8 )) ]; then
      kill -KILL "$sp" 2>/dev/null; killed=2
    fi
    sleep 0.25
  done
  wait "$sp"; local rc=$?; SIPP_PID=""
  local c1 n1 d1 r1
  c1=$(ticks "$SRV_PID"); n1=$(sched_ns "$SRV_PID"); t1=${EPOCHREALTIME/./}
  d1=$(sock_drops "$SRV_PORT"); r1=$(rss_kb "$SRV_PID")
  kill -0 "$SRV_PID" 2>/dev/null || log "  WARNING: server pid $SRV_PID is gone"

  local offered created okc failc retr lat peak
  offered=$(send_rate "$csv" "$count"); [ -n "$offered" ] || offered=$(csv_last "$csv" 'CallRate(C)')
  created=$(csv_last "$csv" 'TotalCallCreated'); okc=$(csv_last "$csv" 'SuccessfulCall(C)')
  retr=$(csv_last "$csv" 'Retransmissions(C)'); peak=$(csv_max "$csv" 'CurrentCall')
  if [ "$kind" = reg ]; then lat=$(hms_to_ms "$(csv_last "$csv" 'ResponseTime1(C)')")
  else lat=$(hms_to_ms "$(csv_last "$csv" 'CallLength(C)')"); fi
  created=${created:-0}; okc=${okc:-0}; retr=${retr:-0}; offered=${offered:-0}
  failc=$(( created - okc )); [ "$created" -lt "$count" ] && failc=$(( count - okc ))
  local wall us_stat us_sched cpu_pct sipp_pct fail_pct
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b-a)/1e6}')
  us_stat=$(awk -v a="$c0" -v b="$c1" -v n="$okc" -v hz="$HZ" 'BEGIN{ if (n>0) printf "%.1f", (b-a)*1e6/hz/n; else print "NA" }')
  us_sched=$(awk -v a="$n0" -v b="$n1" -v n="$okc" 'BEGIN{ if (n>0) printf "%.1f", (b-a)/1e3/n; else print "NA" }')
  cpu_pct=$(awk -v a="$n0" -v b="$n1" -v w="$wall" 'BEGIN{ if (w>0) printf "%.0f", (b-a)/1e7/w; else print "NA" }')
  sipp_pct=$(awk -v t="$sipp_ticks" -v w="$wall" -v hz="$HZ" 'BEGIN{ if (w>0) printf "%.0f", t*100/hz/w; else print "NA" }')
  fail_pct=$(awk -v f="$failc" -v c="$count" 'BEGIN{printf "%.2f", 100*f/c}')
  local kb_per_call="-"
  # calls established when rmid was taken: all of them if sending ended before the first BYE
  [ "$kind" = conc ] && kb_per_call=$(awk -v a="$r0" -v b="${rmid:-0}" -v c="$okc" -v s="$send_s" -v h="$hold" \
    'BEGIN{ if (b>0 && c>0 && s*1000 < h-500) printf "%.2f", (b-a)/c; else print "NA" }')
  echo "$srv,$kind,$rate,$count,$offered,$okc,$failc,$fail_pct,$retr,$lat,$peak,$wall,$((c1 - c0)),$us_stat,$us_sched,$cpu_pct,$sipp_pct,$((d1 - d0)),$r0,$rpeak,$kb_per_call" >> "$STEPS"
  log "  $srv $kind target ${rate}/s x$count${hold:+ hold ${hold}ms}: rc=$rc offered=${offered}/s ok=$okc failed=$failc (${fail_pct}%) retrans=$retr lat=${lat}ms peak=$peak | server ${cpu_pct}% cpu, ${us_stat} us/req (stat), ${us_sched} us/req (schedstat) | sipp ${sipp_pct}% | drops=$((d1 - d0)) rss ${r0}->${rpeak} kB$([ "$kind" = conc ] && echo ", ${rmid:-NA} kB before the first BYE: $kb_per_call kB per call")"
}

# drain SERVER KIND OK_TOTAL C_START N_START: idle period after a ladder (deferred frees)
drain() { # VARIANT KIND OK_TOTAL C_START N_START SECONDS
  local srv=$1 kind=$2 oktotal=$3 cs=$4 ns=$5 dsec=$6
  [ "$dsec" -gt 0 ] || return 0
  local c0 n0 c1 n1 r0 r1
  c0=$(ticks "$SRV_PID"); n0=$(sched_ns "$SRV_PID"); r0=$(rss_kb "$SRV_PID")
  sleep "$dsec"
  c1=$(ticks "$SRV_PID"); n1=$(sched_ns "$SRV_PID"); r1=$(rss_kb "$SRV_PID")
  local us_drain us_all
  us_drain=$(awk -v a="$n0" -v b="$n1" -v n="$oktotal" 'BEGIN{ if (n>0) printf "%.2f", (b-a)/1e3/n; else print "NA" }')
  us_all=$(awk -v a="$ns" -v b="$n1" -v n="$oktotal" 'BEGIN{ if (n>0) printf "%.1f", (b-a)/1e3/n; else print "NA" }')
  echo "$srv,${kind}_drain,0,0,0,$oktotal,0,0,0,NA,0,$dsec,$((c1 - c0)),$(awk -v a="$c0" -v b="$c1" -v n="$oktotal" -v hz="$HZ" 'BEGIN{ if (n>0) printf "%.2f", (b-a)*1e6/hz/n; else print "NA" }'),$us_drain,NA,NA,0,$r0,$r1,-" >> "$STEPS"
  log "  $srv ${kind} drain ${dsec}s: +${us_drain} us per request of the ladder (schedstat); ladder+drain = ${us_all} us/req; rss ${r0}->${r1} kB; total stat ticks ladder+drain $((c1 - cs))"
}

ladder() { # VARIANT KIND "RATES" DRAIN_S
  local srv=$1 kind=$2 rates=$3 dsec=$4 rate oktotal=0 cs ns ok
  cs=$(ticks "$SRV_PID"); ns=$(sched_ns "$SRV_PID")
  for rate in $rates; do
    run_step "$srv" "$kind" "$rate" $(( rate * STEP_S )) 0
    ok=$(tail -1 "$STEPS" | cut -d, -f6); oktotal=$(( oktotal + ${ok:-0} ))
    sleep 0.5
  done
  drain "$srv" "$kind" "$oktotal" "$cs" "$ns" "$dsec"
}

# ----------------------------------------------------------------------- main ---
command -v sipp >/dev/null || die "sipp not found (Debian sip-tester)"
[ -r "$REG_XML" ] || die "missing $REG_XML"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

{
  echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
  echo "host: $(uname -srm), $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "sofia-sip: $(dpkg-query -W -f='${Version}' libsofia-sip-ua-dev 2>/dev/null) (pkg-config $(pkg-config --modversion sofia-sip-ua 2>/dev/null))"
  echo "sipp: $(dpkg-query -W -f='${Version}' sip-tester 2>/dev/null) ($(sipp -v 2>/dev/null | grep -o 'SIPp v[^ ]*' | head -1))"
  echo "g++: $(g++ --version | head -1)"
  echo "rmem_max/wmem_max: $(cat /proc/sys/net/core/rmem_max)/$(cat /proc/sys/net/core/wmem_max)"
  echo "REG_RATES=$REG_RATES INV_RATES=$INV_RATES STEP_S=$STEP_S DRAIN_S=$DRAIN_S CONC_RATE=$CONC_RATE CONC_HOLD_MS=$CONC_HOLD_MS"
  echo "PLAN=$PLAN"
} > "$OUT/env.txt"

log "build -> $BUILD_DIR"
cmake -S "$HERE" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$OUT/build.log" 2>&1 \
  && cmake --build "$BUILD_DIR" >>"$OUT/build.log" 2>&1 || die "build failed (see $OUT/build.log)"

echo "variant,kind,target_rate,count,offered_rate,ok,failed,failed_pct,retrans,latency_ms,peak_calls,wall_s,cpu_ticks,us_per_req_stat,us_per_req_sched,server_cpu_pct,sipp_cpu_pct,udp_drops,rss_before_kb,rss_peak_kb,kb_per_call" > "$STEPS"
log "results -> $OUT (raw sipp files in $WORK)"

IFS=';' read -ra BLOCKS <<< "$(tr '\n' ' ' <<< "$PLAN")"
for b in "${BLOCKS[@]}"; do
  read -r v kind rates dsec <<< "$b"
  [ -n "${v:-}" ] || continue
  rates=${rates//,/ }
  if [ "$rates" = - ]; then
    case "$kind" in reg) rates=$REG_RATES ;; inv) rates=$INV_RATES ;; conc) rates=$CONC_RATE ;; esac
  fi
  start_server "$v" "$kind"
  if [ "$kind" = conc ]; then
    run_step "$v" conc "$rates" $(( rates * STEP_S )) "$CONC_HOLD_MS"
  else
    ladder "$v" "$kind" "$rates" "${dsec:-0}"
  fi
  stop_server
  tail -1 "$OUT/$v.log" | grep "_server:" | sed 's/^/  server counters: /' | tee -a "$SUMMARY"
done

log "done in $((SECONDS - T_START)) s"
column -s, -t < "$STEPS" | tee -a "$SUMMARY"
