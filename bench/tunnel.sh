#!/usr/bin/env bash
# Proxy mode's own cost (issue 12): a request through an intercepted tunnel against the same request sent straight to
# the loopback upstream, the first request on a new tunnel, and what `amk run` adds to a command's start.
#
#   bench/tunnel.sh
#
# Setup as bench/proxy-overhead.sh: builds target/amk.jar if missing, a private keyring (Linux), nginx answering a
# small JSON body on 127.0.0.1, `amk serve` in a private data folder with an openai connection whose api.openai.com is
# mapped to nginx (`--host-map api.openai.com=http://127.0.0.1:PORT`) and an agent 'tunneler'. Then:
#   - bench/TunnelLatency.java (OkHttp, on the jar's lib/ class path): AMK_TUNNEL_N (2000) GETs kept alive through
#     one tunnel (CONNECT + TLS with the local CA's leaf, HTTP/1.1 inside) interleaved with the same GETs sent straight
#     to nginx over plain HTTP (so "added" is an upper bound: a direct TLS request would cost more than plain HTTP);
#     and AMK_TUNNEL_NEW (200) first requests, each on a new connection (CONNECT, full handshake, one request).
#   - `amk run tunneler -- true` against `amk agent list` (the CLI's own start) and `true`, 10 times each.
# AMK_BENCH_PIN=1 puts nginx and the broker on CPU 0 and the client on CPU 1. Loopback only; stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
self="$root/bench/$(basename "$0")"
. "$root/scripts/lib.sh"
. "$root/bench/lib.sh"

N="${AMK_TUNNEL_N:-2000}"
NEW="${AMK_TUNNEL_NEW:-200}"
jar="${AMK_JAR:-$root/target/amk.jar}"
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

bench_start_nginx "$work/nginx" '{"data":[{"id":"gpt-bench"}]}' "${server_pin[@]}"
amk() { "${JAVA[@]}" -jar "$jar" "$@"; }
amk connection add openai --provider openai --host-map "api.openai.com=http://127.0.0.1:$UPPORT" <<<"sk-tunnel-bench-secret" >/dev/null
KEY="$(amk agent create tunneler --grant openai --json | sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p')"
CA="$(amk ca path)"
"${server_pin[@]}" "${JAVA[@]}" -XX:+UseSerialGC -jar "$jar" serve --port 0 --json >"$work/broker.out" 2>"$work/broker.err" &
broker_pid=$!
bench_wait_ready "$work/broker.out" "$broker_pid"

echo "== Intercepted tunnel against direct ($N kept-alive requests each, $NEW new tunnels$([ -n "$PIN" ] && echo '; pinned'))"
line="$("${load_pin[@]}" "${JAVA[@]}" -cp "$(dirname "$jar")/lib/*" "$root/bench/TunnelLatency.java" "$PORT" tunneler "$KEY" "$CA" "$UPPORT" "$N" "$NEW")"
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$line"; }
echo
echo "| measure | p50 | p99 |"
echo "| --- | ---: | ---: |"
echo "| direct, plain HTTP, kept alive | $(field direct_p50_ms) ms | $(field direct_p99_ms) ms |"
echo "| through the tunnel (TLS to the broker), kept alive | $(field tunnel_p50_ms) ms | $(field tunnel_p99_ms) ms |"
echo "| added by the tunnel (upper bound) | $(awk -v a="$(field tunnel_p50_ms)" -v b="$(field direct_p50_ms)" 'BEGIN{printf "%.3f", a-b}') ms | |"
echo "| first request on a new tunnel (CONNECT + handshake + request) | $(field first_p50_ms) ms | $(field first_p99_ms) ms |"

echo
echo "== amk run's start (10 runs each, wall clock)"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t_true="$(for _ in $(seq 1 10); do ms true; done | median)"
t_cli="$(for _ in $(seq 1 10); do ms amk agent list; done | median)"
t_run="$(for _ in $(seq 1 10); do ms amk run tunneler -- true; done | median)"
echo "true: ${t_true} ms; amk agent list (the CLI's start): ${t_cli} ms; amk run tunneler -- true: ${t_run} ms (median)"
