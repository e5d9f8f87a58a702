#!/usr/bin/env bash
# Proxy mode's own cost (issue 12): a request through an intercepted tunnel against the same request sent straight to
# the loopback upstream, the first request on a new tunnel, and what `amk run` adds to a command's start.
#
#   bench/tunnel.sh
#
# Setup as bench/proxy-overhead.sh: builds target/amk.jar if missing, a private keyring (Linux), nginx answering a
# small JSON body on 127.0.0.1 over plain HTTP and, on the next port, over TLS (a P-256 leaf signed by a throwaway P-256
# CA, made with openssl in the run's temporary folder: the same chain work for the client as the broker's leaves), `amk serve` in a private data folder with an openai connection
# whose api.openai.com is mapped to nginx's plain port (`--host-map api.openai.com=http://127.0.0.1:PORT`) and an
# agent 'tunneler'. Then:
#   - bench/TunnelLatency.java (OkHttp, on the jar's lib/ class path): AMK_TUNNEL_N (2000) GETs kept alive through
#     one tunnel (CONNECT + TLS with the local CA's leaf, HTTP/1.1 inside) interleaved with the same GETs sent straight
#     to nginx over plain HTTP and over TLS (issue 12's baseline: "added" is against direct TLS); and AMK_TUNNEL_NEW
#     (200) first requests, each on a new connection (CONNECT, full handshake, one request), interleaved with as many
#     straight to nginx over TLS on a new connection each (full handshake, one request).
#   - `amk run tunneler -- true` against `amk agent list` (the CLI's own start) and `true`, 10 times each.
# Each round first warms both sides up (JIT) for AMK_TUNNEL_WARMUP seconds (20: half kept-alive requests of every kind,
# half new connections of both kinds, as bench/proxy-overhead.sh warms 10 s + 10 s); AMK_TUNNEL_WARMUP=0 warms with
# 500 kept-alive requests and 50 new connections only, which measures a broker that has just started.
# AMK_TUNNEL_CURL (100): also curl's first request on a new connection, direct over TLS and through a new tunnel (0: skip),
# and curl's kept-alive requests, direct over TLS and through one tunnel (AMK_TUNNEL_CURL_KEPT per run, 500; four runs each).
# With curl, each round first warms the broker with AMK_TUNNEL_CURL_WARMUP (10) rounds of those kept-alive runs (40,000
# requests), before the JVM client's own warm-up.
# AMK_TUNNEL_ROUNDS (1): rounds, each with a broker started afresh; with more than one, the table shows each measure's
# median over the rounds. AMK_BASE_JAR: a second jar (e.g. main's) measured the same way in every round, alternating
# with AMK_JAR, so that before and after share the machine's moment.
# AMK_TUNNEL_SKIP_RUN=1 leaves out `amk run`'s start. AMK_BENCH_PIN=1 puts nginx and the broker on CPU 0 and the client on CPU 1. Loopback only; stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
self="$root/bench/$(basename "$0")"
. "$root/scripts/lib.sh"
. "$root/bench/lib.sh"

N="${AMK_TUNNEL_N:-2000}"
NEW="${AMK_TUNNEL_NEW:-200}"
CURLS="${AMK_TUNNEL_CURL:-100}"
jar="${AMK_JAR:-$root/target/amk.jar}"
base_jar="${AMK_BASE_JAR:-}"
ROUNDS="${AMK_TUNNEL_ROUNDS:-1}"
WARMUP="${AMK_TUNNEL_WARMUP:-20}"
PIN="${AMK_BENCH_PIN:-}"

amk_select_java
bench_build_jar "$jar" "$root"
nginx_need=(); command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || nginx_need=(nginx-light)
[ "$(uname -s)" = Darwin ] && ! command -v nginx >/dev/null 2>&1 && amk_die "nginx is needed: brew install nginx"
bench_reenter_in_keyring "$self" "${nginx_need[@]}" -- "$@"

amk_select_java
export PATH="$PATH:/usr/sbin:/sbin"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
server_pin=(); load_pin=()
if [ -n "$PIN" ] && command -v taskset >/dev/null 2>&1; then server_pin=(taskset -c 0); load_pin=(taskset -c 1); fi
work="$(mktemp -d "${TMPDIR:-/tmp}/amk-tunnel.XXXXXX")"
export AMK_HOME="$work/amk-home"
nginx_pid=""; broker_pid=""
cleanup() {
  set +e
  for p in $broker_pid $nginx_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $broker_pid $nginx_pid; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  "${JAVA[@]}" -jar "$jar" connection remove openai >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

bench_make_tls_cert "$work/nginx"
bench_start_nginx "$work/nginx" '{"data":[{"id":"gpt-bench"}]}' "${server_pin[@]}"
amk() { "${JAVA[@]}" -jar "$jar" "$@"; }
amk connection add openai --provider openai --host-map "api.openai.com=http://127.0.0.1:$UPPORT" <<<"sk-tunnel-bench-secret" >/dev/null
KEY="$(amk agent create tunneler --grant openai --json | sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p')"
CA="$(amk ca path)"
# start_broker JAR: `amk serve` from JAR on a free port, pinned like nginx; sets PORT and broker_pid.
start_broker() {
  : >"$work/broker.out"
  local extra; read -r -a extra <<<"${AMK_BENCH_BROKER_OPTS:-}"   # e.g. a profiler agent
  "${server_pin[@]}" "${JAVA[@]}" -XX:+UseSerialGC "${extra[@]}" -jar "$1" serve --port 0 --json >"$work/broker.out" 2>"$work/broker.err" &
  broker_pid=$!
  bench_wait_ready "$work/broker.out" "$broker_pid"
}
stop_broker() {
  kill -TERM "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
}
# measure JAR: one round's line of TunnelLatency against a broker from JAR.
measure() {
  start_broker "$1"
  # The JVM client's own warm-up below reaches too few tunnel requests for the JIT (the client is slower than the
  # broker): with it alone, a kept-alive tunnel request measured 0.3-0.4 ms added, after this one 0.1 ms.
  if [ "$CURLS" -gt 0 ] && command -v curl >/dev/null 2>&1; then
    for _ in $(seq 1 "${AMK_TUNNEL_CURL_WARMUP:-10}"); do curl_kept >/dev/null; done
  fi
  "${load_pin[@]}" "${JAVA[@]}" -cp "$(dirname "$jar")/lib/*" "$root/bench/TunnelLatency.java" "$PORT" tunneler "$KEY" "$CA" "$UPPORT" \
    "$N" "$NEW" "$UPTLSPORT" "$work/nginx/tls/ca.pem" "$WARMUP"
  [ "$CURLS" -gt 0 ] && command -v curl >/dev/null 2>&1 && curl_first && curl_kept
  stop_broker
}
# curl_first: the first request on a new connection with curl (OpenSSL, as git, Python and most CLIs use), AMK_TUNNEL_CURL
# times each, alternating: straight to nginx over TLS, and through a new intercepted tunnel (CONNECT, handshake, request).
# curl's own time for the transfer (%{time_total}), so its process start is not counted. Runs after the JVM client's
# warm-up, so the broker's handshake path is compiled.
curl_first() {
  local i direct=() tunnel=()
  for i in $(seq 1 "$CURLS"); do
    direct+=("$("${load_pin[@]}" curl -sS -o /dev/null -w '%{time_total}' --cacert "$work/nginx/tls/ca.pem" "https://127.0.0.1:$UPTLSPORT/v1/models")")
    tunnel+=("$("${load_pin[@]}" curl -sS -o /dev/null -w '%{time_total}' --proxy "http://tunneler:$KEY@127.0.0.1:$PORT" --cacert "$CA" \
      -H 'Authorization: Bearer placeholder' https://api.openai.com/v1/models)")
  done
  printf 'curl_direct_p50_ms=%s curl_first_p50_ms=%s\n' \
    "$(printf '%s\n' "${direct[@]}" | median | awk '{printf "%.3f", $1 * 1000}')" \
    "$(printf '%s\n' "${tunnel[@]}" | median | awk '{printf "%.3f", $1 * 1000}')"
}
# curl_kept: kept-alive requests with curl, one connection per curl run (a URL range: curl reuses the connection, and
# through the proxy the same tunnel): straight to nginx over TLS, and through an intercepted tunnel, alternating in runs
# of AMK_TUNNEL_CURL_KEPT (500), four of each; each transfer's own time (%{time_total}), the first of a run (its
# connection's set-up) left out.
curl_kept() {
  local n="${AMK_TUNNEL_CURL_KEPT:-500}" i
  : >"$work/kept.direct"; : >"$work/kept.tunnel"
  for i in 1 2 3 4; do
    "${load_pin[@]}" curl -sS -o /dev/null -w '%{time_total}\n' --cacert "$work/nginx/tls/ca.pem" "https://127.0.0.1:$UPTLSPORT/v1/models?[1-$n]" \
      | tail -n +2 >>"$work/kept.direct"
    "${load_pin[@]}" curl -sS -o /dev/null -w '%{time_total}\n' --proxy "http://tunneler:$KEY@127.0.0.1:$PORT" --cacert "$CA" \
      -H 'Authorization: Bearer placeholder' "https://api.openai.com/v1/models?[1-$n]" | tail -n +2 >>"$work/kept.tunnel"
  done
  printf 'curl_kept_tls_p50_ms=%s curl_kept_tunnel_p50_ms=%s\n' \
    "$(median <"$work/kept.direct" | awk '{printf "%.3f", $1 * 1000}')" "$(median <"$work/kept.tunnel" | awk '{printf "%.3f", $1 * 1000}')"
}
field() { sed -n "s/.*\(^\| \)$1=\([^ ]*\).*/\2/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# med FILE NAME: the median of NAME's values over the rounds' lines in FILE.
med() { field "$2" <"$1" | median; }

jars=("$jar"); [ -n "$base_jar" ] && jars=("$base_jar" "$jar")
echo "== Intercepted tunnel against direct ($N kept-alive requests each, $NEW new connections each, ${WARMUP}s warm-up, $ROUNDS round(s)$([ -n "$PIN" ] && echo '; pinned'))"
for round in $(seq 1 "$ROUNDS"); do
  order=("${jars[@]}")
  [ $((round % 2)) -eq 0 ] && [ ${#jars[@]} -eq 2 ] && order=("${jars[1]}" "${jars[0]}")
  for j in "${order[@]}"; do
    tag=candidate; [ "$j" = "$base_jar" ] && tag=base
    line="$(measure "$j")"
    echo "round $round $tag: $line"
    echo "$line" >>"$work/lines.$tag"
  done
done

table() {
  local f="$1"
  echo
  echo "| measure | p50 | p99 |"
  echo "| --- | ---: | ---: |"
  echo "| direct, plain HTTP, kept alive | $(med "$f" direct_p50_ms) ms | $(med "$f" direct_p99_ms) ms |"
  echo "| direct over TLS, kept alive (baseline) | $(med "$f" tls_p50_ms) ms | $(med "$f" tls_p99_ms) ms |"
  echo "| through the tunnel (TLS to the broker), kept alive | $(med "$f" tunnel_p50_ms) ms | $(med "$f" tunnel_p99_ms) ms |"
  echo "| added by the tunnel over direct TLS (target ≤ 0.3 ms) | $(awk -v a="$(med "$f" tunnel_p50_ms)" -v b="$(med "$f" tls_p50_ms)" 'BEGIN{printf "%.3f", a-b}') ms | |"
  echo "| direct over TLS, new connection each (full handshake) | $(med "$f" tlsnew_p50_ms) ms | $(med "$f" tlsnew_p99_ms) ms |"
  echo "| first request on a new tunnel (CONNECT + handshake + request; target ≤ 3 ms) | $(med "$f" first_p50_ms) ms | $(med "$f" first_p99_ms) ms |"
  if grep -q curl_first "$f"; then
    echo "| curl: direct over TLS, new connection | $(med "$f" curl_direct_p50_ms) ms | |"
    echo "| curl: first request on a new tunnel (target ≤ 3 ms) | $(med "$f" curl_first_p50_ms) ms | |"
  fi
  if grep -q curl_kept "$f"; then
    echo "| curl: direct over TLS, kept alive | $(med "$f" curl_kept_tls_p50_ms) ms | |"
    echo "| curl: through the tunnel, kept alive | $(med "$f" curl_kept_tunnel_p50_ms) ms | |"
    echo "| curl: added by the tunnel, kept alive (target ≤ 0.3 ms) | $(awk -v a="$(med "$f" curl_kept_tunnel_p50_ms)" -v b="$(med "$f" curl_kept_tls_p50_ms)" 'BEGIN{printf "%.3f", a-b}') ms | |"
  fi
}
if [ -n "$base_jar" ]; then
  echo; echo "== AMK_BASE_JAR ($base_jar)"; table "$work/lines.base"
  echo; echo "== AMK_JAR ($jar)"
fi
table "$work/lines.candidate"
[ -n "${AMK_TUNNEL_SKIP_RUN:-}" ] && exit 0
echo
echo "== amk run's start (10 runs each, wall clock)"
start_broker "$jar"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
t_true="$(for _ in $(seq 1 10); do ms true; done | median)"
t_cli="$(for _ in $(seq 1 10); do ms amk agent list; done | median)"
t_run="$(for _ in $(seq 1 10); do ms amk run tunneler -- true; done | median)"
echo "true: ${t_true} ms; amk agent list (the CLI's start): ${t_cli} ms; amk run tunneler -- true: ${t_run} ms (median)"
