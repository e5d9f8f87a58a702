#!/usr/bin/env bash
# Benchmark (not a test): the latency the broker adds to a request, against direct calls to the same
# loopback upstream, and how soon a running broker refuses a key after 'amk agent revoke'.
#
#   bench/proxy-overhead.sh
#
# What it does: builds target/amk.jar if missing, installs wrk and nginx if missing (apt-get), starts an
# nginx upstream on 127.0.0.1 that answers every request with a small JSON body, starts the broker
# ('amk serve') in a private data folder (and, on Linux, a private unlocked gnome-keyring), adds a
# connection 'bench' to the upstream and an agent 'bencher', warms both paths up, then measures
# interleaved rounds (direct, then through the broker, alternating the order each round):
#   wrk -t1 -c1  -d10s --latency   p50 / p99 at 1 connection
#   wrk -t2 -c64 -d10s --latency   requests/s at 64 connections
# and reports medians over the rounds. Last, bench/RevokeLatency.java times revoke → refusal.
# Loopback only; every run is bounded; all child processes are stopped on exit.
#
# Beside the broker, every round also measures, in the same run and so on the same machine state:
#  - 'bare': bench/BareForwarder.java, a Jetty 12 + OkHttp forwarder on virtual threads with no key check,
#    policy, masking, tracking or audit: the floor for a forwarder built from the broker's parts;
#  - 'baseline' (only with AMK_BASELINE_JAR=path/to/amk.jar): another build of the broker, e.g. the commit
#    before a change, so that before/after figures are a ratio measured side by side;
#  - with AMK_BENCH_CONTROLS=1 (issue 15), three more paths through the same broker, to compare an agent with every
#    control against one with none on the same connection and request:
#      'controls'      a second agent, 'bench-controls', on the same connection 'bench' (same GET) with a
#                      requests-per-minute limit and a concurrency cap, agent-wide and on the connection, set far
#                      above what the bench sends, budgets (daily and monthly dollars, daily tokens, pause on
#                      budget) and a model list; on this 'custom' connection only the rate and concurrency limits
#                      apply (budgets and model lists are for OpenAI, Anthropic and Gemini connections);
#      'llm'           the agent 'bencher' on 'bench-llm', an 'openai' connection to the same nginx, POSTing a
#                      small chat-completions JSON body (wrk -s, a script the bench writes);
#      'llm-controls'  'bench-controls' on 'bench-llm', the same POST: every limit applies, the budgets are
#                      checked and the answer metered, and the body's model is checked against the list.
#    The tripwire is always on, for every agent and path through the broker: it is in all of them.
# For each server process the CPU time it used during each run is read from /proc (Linux) and divided by
# the requests served: "CPU per request".
#
# Knobs (environment): AMK_BENCH_ROUNDS (5), AMK_BENCH_DURATION (seconds per wrk run, 10),
# AMK_BENCH_WARMUP (seconds, 10), AMK_BENCH_REVOKE_TRIALS (20), AMK_JAR (target/amk.jar),
# AMK_BASELINE_JAR (unset), AMK_BENCH_CONTROLS=1 (the agent-control paths above), AMK_BENCH_PIN=1 (Linux: every server process on CPU 0, wrk on CPU 1, the
# steadiest way to compare on shared cores; unpinned by default),
# AMK_BENCH_JFR=FILE.jfr records a CPU profile of the broker under test (JFR, method sampling every 10 ms)
# and prints its hottest methods and allocations at the end,
# AMK_BENCH_BROKER_OPTS adds JVM options to the measured broker only (not the baseline: with AMK_BASELINE_JAR set to
# the same jar, an option's effect is a ratio measured side by side),
# AMK_BENCH_KEEP=1 keeps the raw wrk outputs and broker logs (kept anyway when something went wrong).
# Exit status 1 when any request failed (non-2xx, socket errors) or a revoke trial failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
self="$root/bench/$(basename "$0")"
. "$root/scripts/lib.sh"
. "$root/bench/lib.sh"

ROUNDS="${AMK_BENCH_ROUNDS:-5}"
DURATION="${AMK_BENCH_DURATION:-10}"
WARMUP="${AMK_BENCH_WARMUP:-10}"
TRIALS="${AMK_BENCH_REVOKE_TRIALS:-20}"
jar="${AMK_JAR:-$root/target/amk.jar}"
baseline_jar="${AMK_BASELINE_JAR:-}"
PIN="${AMK_BENCH_PIN:-}"
CONTROLS="${AMK_BENCH_CONTROLS:-}"
JFR="${AMK_BENCH_JFR:-}"

# --- outside the private keyring: build and install what is missing, then re-enter through it ---
if [ -z "${AMK_BENCH_INNER:-}" ]; then
  amk_select_java
  bench_build_jar "$jar" "$root"
  case "$(uname -s)" in
    Linux)
      need=()
      command -v wrk >/dev/null 2>&1 || need+=(wrk)
      command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
      command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
      command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
      bench_install "${need[@]}"
      export AMK_BENCH_INNER=1
      exec "$root/scripts/with-keyring.sh" "$self" "$@"
      ;;
    Darwin)
      command -v wrk >/dev/null 2>&1 || amk_die "wrk is needed: brew install wrk"
      command -v nginx >/dev/null 2>&1 || amk_die "nginx is needed: brew install nginx"
      export AMK_BENCH_INNER=1   # the real login Keychain; a connection 'bench' is added to a private AMK_HOME
      ;;
    *) amk_die "Unsupported system $(uname -s): use macOS or Debian/Ubuntu." ;;
  esac
fi

amk_select_java
export PATH="$PATH:/usr/sbin:/sbin"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC)
amk() { "${JAVA[@]}" -jar "$jar" "$@"; }
# "${bounded[@]}" SECONDS COMMAND…: COMMAND, killed after SECONDS (where coreutils' timeout exists).
if command -v timeout >/dev/null 2>&1; then bounded=(timeout -k 5); else bounded=(bounded_none); fi
bounded_none() { shift; "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/amk-bench.XXXXXX")"
raw="$work/raw"; mkdir -p "$raw"
export AMK_HOME="$work/amk-home"
nginx_pid=""; broker_pid=""; bare_pid=""; baseline_pid=""; child_pid=""; connection_added=""; keep="${AMK_BENCH_KEEP:-}"
# Pinned mode: the servers share CPU 0, the load generator has CPU 1 to itself.
server_pin=(); load_pin=()
if [ -n "$PIN" ]; then
  command -v taskset >/dev/null 2>&1 || amk_die "AMK_BENCH_PIN needs taskset (util-linux)"
  server_pin=(taskset -c 0); load_pin=(taskset -c 1)
fi

cleanup() {
  set +e
  local p
  for p in $child_pid $broker_pid $bare_pid $baseline_pid $nginx_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $child_pid $broker_pid $bare_pid $baseline_pid $nginx_pid; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  # On macOS the secret went to the real login Keychain: removing the connection removes that item.
  [ -n "$connection_added" ] && [ "$(uname -s)" = Darwin ] && amk connection remove bench >/dev/null 2>&1
  if [ -n "$keep" ]; then echo "Raw outputs and logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Runs a command in the background so that the trap can stop it, and waits for it.
run_child() { "$@" & child_pid=$!; local rc=0; wait "$child_pid" || rc=$?; child_pid=""; return "$rc"; }

# One HTTP/1.1 GET (or, with BODY, a JSON POST) over bash's /dev/tcp; prints the response.
http_get() { # PORT PATH AUTH [BODY]
  exec 4<>"/dev/tcp/127.0.0.1/$1"
  if [ -n "${4:-}" ]; then
    printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
      "$2" "$1" "$3" "${#4}" "$4" >&4
  else
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n' "$2" "$1" "$3" >&4
  fi
  "${bounded[@]}" 5 cat <&4 || true
  exec 4<&- 4>&-
}

echo "== Machine"
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "system:  $(uname -srm)"
  echo "cpus:    $(nproc 2>/dev/null || sysctl -n hw.ncpu) ($( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //') || sysctl -n machdep.cpu.brand_string 2>/dev/null))"
  echo "java:    $("$JAVA_HOME/bin/java" -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "wrk:     $(wrk -v 2>&1 | head -1)"
  echo "nginx:   $(nginx -v 2>&1)"
  echo "amk jar: $jar (checkout at $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo "?"))"
} | tee "$work/machine.txt"

echo "== Setup"
bench_start_nginx "$work/nginx" '{"ok":true,"from":"bench-upstream","note":"amk proxy overhead"}' "${server_pin[@]}"
echo "upstream: nginx on 127.0.0.1:$UPPORT"

# A broker (JAR, AMK_HOME) with the connection 'bench' and the agent 'bencher'; sets KEY, PORT and PID.
start_broker() { # NAME JAR HOME [JVM-OPTION…]
  local name="$1" bjar="$2" home="$3" out="$work/$1"; shift 3
  mkdir -p "$out"
  AMK_HOME="$home" "${JAVA[@]}" -jar "$bjar" connection add bench --provider custom --base-url "http://127.0.0.1:$UPPORT" \
    --header Authorization --format 'Bearer {secret}' <<<"sk-bench-secret" >"$out/setup.log" 2>&1 \
    || { cat "$out/setup.log" >&2; amk_die "$name: connection add failed"; }
  connection_added=1
  AMK_HOME="$home" "${JAVA[@]}" -jar "$bjar" agent create bencher --grant bench --json >"$out/agent.json" 2>>"$out/setup.log" \
    || { cat "$out/setup.log" "$out/agent.json" >&2; amk_die "$name: agent create failed"; }
  KEY="$(sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p' "$out/agent.json" | head -1)"
  [ -n "$KEY" ] || { cat "$out/agent.json" >&2; amk_die "$name: no key in 'agent create' output"; }
  # Before 'serve', so that the broker starts with every agent and limit in place.
  [ -n "$CONTROLS" ] && [ "$name" = amk ] && setup_controls "$home" "$bjar" "$out"
  AMK_HOME="$home" "${server_pin[@]}" "${JAVA[@]}" "$@" -jar "$bjar" serve --port 0 --json >"$out/broker.out" 2>"$out/broker.err" &
  PID=$!
  PORT=""
  for _ in $(seq 1 300); do
    PORT="$(sed -n 's/.*"event" *: *"ready".*"port" *: *\([0-9]*\).*/\1/p' "$out/broker.out" | head -1)"
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$out/broker.out" "$out/broker.err" >&2; amk_die "$name: the broker exited"; }
    sleep 0.1
  done
  [ -n "$PORT" ] || { keep=1; amk_die "$name: the broker did not report ready within 30 s"; }
  echo "$name: 127.0.0.1:$PORT (pid $PID, $bjar)"
}

# AMK_BENCH_CONTROLS: the connection 'bench-llm' (provider openai, to the same nginx), 'bencher' granted it too, and
# the agent 'bench-controls' on both connections with every limit, set so that none refuses during the run: the
# rate bucket holds 10^6 requests (the most the CLI takes) and refills at 16,667/s, more than one 64-connection
# run sends; the budgets are far above $0, what answers without usage cost. Sets CONTROLS_KEY.
setup_controls() { # HOME JAR OUT
  local home="$1" bjar="$2" out="$3" conn
  amkc() { AMK_HOME="$home" "${JAVA[@]}" -jar "$bjar" "$@" >>"$out/setup.log" 2>&1 || { cat "$out/setup.log" >&2; amk_die "controls setup failed: amk $*"; }; }
  amkc connection add bench-llm --provider openai --base-url "http://127.0.0.1:$UPPORT" <<<"sk-bench-llm-secret"
  amkc agent set-grants bencher --grant bench --grant bench-llm
  AMK_HOME="$home" "${JAVA[@]}" -jar "$bjar" agent create bench-controls --grant bench --grant bench-llm --json >"$out/controls.json" 2>>"$out/setup.log" \
    || { cat "$out/setup.log" "$out/controls.json" >&2; amk_die "agent create bench-controls failed"; }
  CONTROLS_KEY="$(sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p' "$out/controls.json" | head -1)"
  [ -n "$CONTROLS_KEY" ] || { cat "$out/controls.json" >&2; amk_die "no key in 'agent create bench-controls' output"; }
  amkc agent limit bench-controls --rpm 1000000 --concurrent 1000 --daily-usd 1000 --monthly-usd 10000 \
    --daily-tokens 1000000000 --models 'gpt-4o*,bench-*' --pause-on-budget
  for conn in bench bench-llm; do amkc agent limit bench-controls --connection "$conn" --rpm 1000000 --concurrent 1000; done
  AMK_HOME="$home" "${JAVA[@]}" -jar "$bjar" agent show bench-controls >>"$out/setup.log" 2>&1 || true
}

# The secret goes in on stdin (a here-string), the way a person would pipe it.
jfr_options=()
[ -n "$JFR" ] && jfr_options=("-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
read -r -a broker_options <<<"${AMK_BENCH_BROKER_OPTS:-}"
start_broker amk "$jar" "$AMK_HOME" "${jfr_options[@]}" "${broker_options[@]}"; key="$KEY"; broker_pid="$PID"; PORT_AMK="$PORT"
if [ -n "$baseline_jar" ]; then
  [ -f "$baseline_jar" ] || amk_die "AMK_BASELINE_JAR=$baseline_jar does not exist"
  start_broker baseline "$baseline_jar" "$work/baseline-home"; baseline_key="$KEY"; baseline_pid="$PID"; PORT_BASELINE="$PORT"
fi

# The bare forwarder, on the jar's own dependencies (target/lib beside it).
bench_start_bare "$jar" "http://127.0.0.1:$UPPORT" "Bearer sk-bench-secret" "$work" "${server_pin[@]}" "$JAVA_HOME/bin/java" -XX:+UseSerialGC
bare_pid="$BARE_PID"; PORT_BARE="$BARE_PORT"
echo "bare forwarder: 127.0.0.1:$PORT_BARE (pid $bare_pid)"

PORT="$PORT_AMK"
PROXY_URL="http://127.0.0.1:$PORT/bench/anything"

# Each measured path: its URL, the Authorization it sends, and the server process whose CPU it costs.
paths=(direct amk bare)
[ -n "$baseline_jar" ] && paths+=(baseline)
[ -n "$CONTROLS" ] && paths+=(controls llm llm-controls)
# The agent-control paths and the path each is compared with (the same request from the agent without controls).
controls_pairs=(controls:amk llm-controls:llm)
path_url() { case "$1" in
  direct) echo "http://127.0.0.1:$UPPORT/anything" ;;
  amk|controls) echo "http://127.0.0.1:$PORT_AMK/bench/anything" ;;
  llm|llm-controls) echo "http://127.0.0.1:$PORT_AMK/bench-llm/v1/chat/completions" ;;
  bare) echo "http://127.0.0.1:$PORT_BARE/anything" ;;
  baseline) echo "http://127.0.0.1:$PORT_BASELINE/bench/anything" ;;
esac; }
path_auth() { case "$1" in
  direct|bare) echo "Bearer sk-bench-secret" ;;   # what the broker sends upstream: every path carries the same header
  amk|llm) echo "Bearer $key" ;;
  controls|llm-controls) echo "Bearer $CONTROLS_KEY" ;;
  baseline) echo "Bearer $baseline_key" ;;
esac; }
path_pid() { case "$1" in
  direct) echo "$nginx_pid" ;; amk|controls|llm|llm-controls) echo "$broker_pid" ;; bare) echo "$bare_pid" ;; baseline) echo "$baseline_pid" ;;
esac; }
# The body a path POSTs (none: a GET); the same small chat-completions request wrk's script sends.
CHAT_BODY='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say ok."}],"max_tokens":4}'
path_body() { case "$1" in llm|llm-controls) echo "$CHAT_BODY" ;; esac; }
path_port() { path_url "$1" | sed 's#http://127.0.0.1:\([0-9]*\)/.*#\1#'; }
path_path() { path_url "$1" | sed 's#http://127.0.0.1:[0-9]*##'; }
# wrk's options for a path's request shape: a POST script for the LLM paths.
wrk_script="$work/post-chat.lua"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "'$CHAT_BODY'" >"$wrk_script"
path_wrk_options() { case "$1" in llm|llm-controls) echo "-s $wrk_script" ;; esac; }

check() { # PATH-NAME
  local r; r="$(http_get "$(path_port "$1")" "$(path_path "$1")" "$(path_auth "$1")" "$(path_body "$1")")"
  printf '%s: %s\n' "$1" "$(printf '%s' "$r" | head -1 | tr -d '\r')"
  # Here-strings, not pipes: grep -q stops reading at its match, and under pipefail the writer's SIGPIPE fails the check.
  if ! { head -1 <<<"$r" | grep -q ' 200' && grep -q 'bench-upstream' <<<"$r"; }; then
    printf '%s\n' "$r" >&2; keep=1; amk_die "$1 did not return the upstream's 200"
  fi
}
for p in "${paths[@]}"; do check "$p"; done
# The broker must refuse a wrong key (and so never be measured doing less than it should).
bad="$(http_get "$PORT" /bench/anything "Bearer amk_wrong" | head -1 | tr -d '\r')"
echo "wrong key: $bad"
if [ -n "$CONTROLS" ]; then
  # The model list must apply on the controls agent's LLM path (else 'llm-controls' would measure less than it says).
  denied="$(http_get "$PORT" /bench-llm/v1/chat/completions "Bearer $CONTROLS_KEY" '{"model":"gpt-3.5-turbo","messages":[]}' | head -1 | tr -d '\r')"
  echo "controls agent, a model not on its list: $denied"
  case "$denied" in *" 403"*) ;; *) keep=1; amk_die "the controls agent's model list did not refuse gpt-3.5-turbo" ;; esac
fi

# CPU time (user + system, in clock ticks) a process has used so far; empty where /proc is not there.
cpu_ticks() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

# --- wrk runs ---
anomalies=()
results="$work/results.tsv"   # round path conns p50_ms p99_ms rps requests non2xx socket_errors cpu_us_per_request
: >"$results"
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); printf "%.4f\n", v/1000}
  else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.4f\n", v}
  else if (v ~ /m$/)  {sub(/m$/,"",v);  printf "%.4f\n", v*60000}
  else if (v ~ /h$/)  {sub(/h$/,"",v);  printf "%.4f\n", v*3600000}
  else if (v ~ /s$/)  {sub(/s$/,"",v);  printf "%.4f\n", v*1000}
  else print "NaN"}'; }

wrk_run() { # NAME ROUND PATH THREADS CONNS SECONDS
  local name="$1" round="$2" path="$3" t="$4" c="$5" d="$6" url auth out pid before after
  url="$(path_url "$path")"; auth="$(path_auth "$path")"; pid="$(path_pid "$path")"
  out="$raw/$name.txt"
  local shape=(); read -r -a shape <<<"$(path_wrk_options "$path")"
  before="$(cpu_ticks "$pid")"
  run_child "${bounded[@]}" $((d + 30)) "${load_pin[@]}" wrk -t"$t" -c"$c" -d"${d}s" --latency "${shape[@]}" -H "Authorization: $auth" "$url" >"$out" 2>&1 \
    || { keep=1; anomalies+=("$name: wrk exited non-zero"); }
  after="$(cpu_ticks "$pid")"
  local p50 p99 rps reqs non2xx serr cpu
  p50="$(awk '/Latency Distribution/{f=1;next} f && $1=="50%"{print $2; exit}' "$out" | to_ms)"
  p99="$(awk '/Latency Distribution/{f=1;next} f && $1=="99%"{print $2; exit}' "$out" | to_ms)"
  rps="$(awk '/^Requests\/sec:/{print $2; exit}' "$out")"
  reqs="$(awk '/requests in/{print $1; exit}' "$out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/{print $NF; exit}' "$out")"; non2xx="${non2xx:-0}"
  serr="$(awk -F'[ ,]+' '/Socket errors:/{s=0; for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) s+=$i; print s; exit}' "$out")"; serr="${serr:-0}"
  cpu="NaN"
  if [ -n "$before" ] && [ -n "$after" ] && [ "${reqs:-0}" -gt 0 ] 2>/dev/null; then
    cpu="$(awk -v a="$before" -v b="$after" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {printf "%.1f", (b - a) * 1e6 / hz / n}')"
  fi
  if [ "$non2xx" != 0 ] || [ "$serr" != 0 ] || [ -z "$rps" ]; then
    keep=1; anomalies+=("$name: non-2xx=$non2xx socket-errors=$serr (see $out)")
  fi
  [ "$round" = warmup ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$path" "$c" "$p50" "$p99" "$rps" "$reqs" "$non2xx" "$serr" "$cpu" >>"$results"
  printf '  %-24s p50 %8s ms  p99 %8s ms  %10s req/s  %9s requests  CPU %6s µs/req  non-2xx %s  socket errors %s\n' \
    "$name" "$p50" "$p99" "${rps:-?}" "${reqs:-?}" "$cpu" "$non2xx" "$serr"
}

echo "== Warm-up (JIT): ${WARMUP}s at 64 connections on each path, then ${WARMUP}s at 1 connection on each proxy"
for p in "${paths[@]}"; do wrk_run "warmup-$p-c64" warmup "$p" 2 64 "$WARMUP"; done
for p in "${paths[@]}"; do [ "$p" = direct ] || wrk_run "warmup-$p-c1" warmup "$p" 1 1 "$WARMUP"; done

echo "== $ROUNDS interleaved rounds of ${DURATION}s runs$([ -n "$PIN" ] && echo ', servers pinned to CPU 0, wrk to CPU 1')"
for r in $(seq 1 "$ROUNDS"); do
  # Rotate the order each round so that no path always runs first or last.
  n=${#paths[@]}; order=()
  for i in $(seq 0 $((n - 1))); do order+=("${paths[$(( (i + r) % n ))]}"); done
  for p in "${order[@]}"; do wrk_run "r$r-$p-c1" "$r" "$p" 1 1 "$DURATION"; done
  for p in "${order[@]}"; do wrk_run "r$r-$p-c64" "$r" "$p" 2 64 "$DURATION"; done
done

echo "== Revoke → refusal ($TRIALS trials)"
revoke_line=""
run_child "${bounded[@]}" 300 "$JAVA_HOME/bin/java" "$root/bench/RevokeLatency.java" "$PROXY_URL" "$key" bencher "$TRIALS" \
  "${JAVA[@]}" -jar "$jar" >"$raw/revoke.txt" 2>&1 || { keep=1; anomalies+=("revoke latency: some trials failed (see $raw/revoke.txt)"); }
sed 's/^/  /' "$raw/revoke.txt"
revoke_line="$(grep '^revoke_latency_ms' "$raw/revoke.txt" || true)"

# --- summary: medians over rounds ---
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "NaN"; else if (NR%2) printf "%.3f\n", a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -F'\t' -v p="$1" -v c="$2" -v k="$3" '$2==p && $3==c {print $k}' "$results" | median; }
added() { # PATH COLUMN: per-round PATH − direct at 1 connection, then the median
  awk -F'\t' -v p="$1" -v k="$2" '$3==1 {v[$1,$2]=$k; r[$1]=1} END {for (i in r) printf "%.4f\n", v[i,p]-v[i,"direct"]}' "$results" | median
}
ratio() { # PATH: per-round PATH ÷ direct requests/s at 64 connections, then the median
  awk -F'\t' -v p="$1" '$3==64 {v[$1,$2]=$6; r[$1]=1} END {for (i in r) printf "%.4f\n", v[i,p]/v[i,"direct"]}' "$results" | median
}
versus() { # PATH REF COLUMN CONNS: per-round PATH − REF, then the median
  awk -F'\t' -v p="$1" -v q="$2" -v k="$3" -v c="$4" '$3==c {v[$1,$2]=$k; r[$1]=1} END {for (i in r) printf "%.4f\n", v[i,p]-v[i,q]}' "$results" | median
}
versus_ratio() { # PATH REF: per-round PATH ÷ REF requests/s at 64 connections, then the median
  awk -F'\t' -v p="$1" -v q="$2" '$3==64 {v[$1,$2]=$6; r[$1]=1} END {for (i in r) printf "%.4f\n", v[i,p]/v[i,q]}' "$results" | median
}
int() { awk -v v="$1" 'BEGIN {printf "%.0f", v}'; }
rp50="$(printf '%s\n' "$revoke_line" | sed -n 's/.*p50=\([^ ]*\).*/\1/p')"
rmax="$(printf '%s\n' "$revoke_line" | sed -n 's/.*max=\([^ ]*\).*/\1/p')"
a50="$(added amk 4)"

{
  echo
  echo "== Results (medians over $ROUNDS rounds; latency in ms; $([ -n "$PIN" ] && echo 'pinned: servers on CPU 0, wrk on CPU 1' || echo unpinned))"
  echo
  echo "| path | p50, 1 conn | added p50 | p99, 1 conn | added p99 | req/s, 64 conns | ratio to direct | CPU per request, 64 conns |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for p in "${paths[@]}"; do
    if [ "$p" = direct ]; then
      echo "| direct (nginx) | $(col direct 1 4) | | $(col direct 1 5) | | $(int "$(col direct 64 6)") | 1.00 | (upstream) |"
    else
      echo "| $p | $(col "$p" 1 4) | **$(added "$p" 4)** | $(col "$p" 1 5) | $(added "$p" 5) | $(int "$(col "$p" 64 6)") | **$(ratio "$p" | awk '{printf "%.2f", $1}')** | $(int "$(col "$p" 64 10)") µs |"
    fi
  done
  if [ -n "$CONTROLS" ]; then
    echo
    echo "Every agent control against none, same broker, same connection and request (per-round difference, then the median):"
    echo
    echo "| path | against | p50 difference, 1 conn | p99 difference, 1 conn | req/s ratio, 64 conns | CPU per request difference, 64 conns |"
    echo "| --- | --- | ---: | ---: | ---: | ---: |"
    for pair in "${controls_pairs[@]}"; do
      p="${pair%%:*}"; q="${pair##*:}"
      echo "| $p | $q | **$(versus "$p" "$q" 4 1 | awk '{printf "%+.3f", $1}')** | $(versus "$p" "$q" 5 1 | awk '{printf "%+.3f", $1}')" \
        "| $(versus_ratio "$p" "$q" | awk '{printf "%.3f", $1}') | $(versus "$p" "$q" 10 64 | awk '{printf "%+.1f", $1}') µs |"
    done
    echo
    echo "Target (issue 15): every control adds at most 0.05 ms to p50: $(awk -v a="$(versus controls amk 4 1)" -v b="$(versus llm-controls llm 4 1)" \
      'BEGIN {print (a <= 0.05 && b <= 0.05 ? "met" : "NOT met")}') (in this run)"
  fi
  echo
  echo "Revoke → refusal (from the CLI's exit): p50 ${rp50:-?} ms, max ${rmax:-?} ms ($revoke_line)"
  echo "Target: added p50 < 0.5 ms: $(awk -v a="$a50" 'BEGIN {print (a < 0.5 ? "met" : "NOT met")}');" \
    "revoke within 100 ms: $(awk -v m="${rmax:-1e9}" 'BEGIN {print (m < 100 ? "met" : "NOT met")}')"
} | tee "$work/summary.md"

if [ -n "$JFR" ]; then
  # The recording is written when the broker exits: stop it now, then summarise.
  kill -TERM "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null || true; broker_pid=""
  echo; echo "== CPU profile of the broker ($JFR)"
  "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$JFR" | head -40
  "$JAVA_HOME/bin/jfr" view --width 160 allocation-by-class "$JFR" | head -25
  paths=("${paths[@]/amk}")
fi

# Anything a broker said on stderr or logged as a warning/error is part of the result.
broker_noise="$(cat "$work"/amk/broker.err "$work"/baseline/broker.err 2>/dev/null; grep -rhiE 'WARN|ERROR|Exception' "$AMK_HOME/logs" 2>/dev/null | head -50 || true)"
if [ -n "$broker_noise" ]; then
  echo; echo "== Broker stderr / log warnings"; printf '%s\n' "$broker_noise" | head -50
fi
for p in "${paths[@]}"; do
  [ -n "$p" ] || continue
  kill -0 "$(path_pid "$p")" 2>/dev/null || anomalies+=("the $p server exited during the run")
done
if [ ${#anomalies[@]} -gt 0 ]; then
  keep=1
  echo; echo "== ANOMALIES (treat as bugs)"; printf '  %s\n' "${anomalies[@]}"
  exit 1
fi
