#!/usr/bin/env bash
# Bursts of new streams (issue 11): how long the first token of a freshly opened server-sent-events stream takes
# when hundreds or thousands of agents open theirs at the same moment, through 'amk serve' against the same
# requests sent directly to the upstream and through the bare forwarder (bench/BareForwarder.java: Jetty and OkHttp on
# virtual threads as the broker, none of its work), in the same run.
#
#   bench/burst.sh
#
# For each burst size in AMK_BURST_SIZES (default "200 2000"), first directly, then through the bare forwarder, then
# through the broker:
#   - STREAMS new connections opened at once (bench/BurstLoad.java: raw sockets, one virtual thread each), each
#     asking for one stream that sends a first event at once, then one every 100 ms for AMK_BURST_HOLD_MS (default
#     5000), then [DONE]: time to first event p50 and max, how many completed;
#   - once half of them have their first event, five more new streams 100 ms apart: the "probes", what a new request
#     waits during the burst (while the first half stream and the rest are still being set up, on every path alike):
#     their median and, in brackets, their max.
# Each with the CPU seconds the forwarding process (broker or bare forwarder) and the upstream spent during it, and the
# forwarder's garbage-collection pauses (jstat).
# Then the broker's heap after a full GC (jcmd GC.heap_info) and its peak RSS (VmHWM in /proc), and the bare
# forwarder's, both with the JVM options of the packaged 'amk serve' (serial GC, -Xmx256m, a 48 MB young generation).
#
# Setup as bench/proxy-overhead.sh: builds target/amk.jar if missing, a private keyring (Linux), the broker in a
# private data folder with a connection 'burst' to the upstream (bench/BurstLoad.java upstream, JDK HttpServer on
# virtual threads, backlog 4096) and 32 agents 'burster-N' taking the streams in turn. Loopback only; everything stopped on exit.
# Knobs: AMK_BURST_SIZES, AMK_BURST_HOLD_MS, AMK_BURST_WARMUP (seconds of steady load first, 20; 0 for the cold JIT),
# AMK_BURST_WARM_BURSTS (full bursts of each size, at the full hold, before the measured ones: 2), AMK_BURST_BARE=0
# (leaves the bare forwarder out), AMK_JAR (target/amk.jar), AMK_BENCH_PIN=1 (servers on CPU 0, the load on
# CPU 1), AMK_BENCH_JFR=FILE.jfr records a profile of the broker, AMK_BENCH_KEEP=1 keeps the logs, AMK_BENCH_PCAP=1
# captures each burst through the broker on loopback (tcpdump, installed when missing) and prints where its time went
# (bench/burst_timeline.py: the agents' requests, the broker's new upstream connections, the first bytes back; then
# each probe's own steps: its request in, its request upstream, the upstream's first byte, the broker's),
# AMK_BENCH_BROKER_OPTS adds JVM options to the broker's (e.g. a profiler agent: -agentpath:…/libasyncProfiler.so=…),
# AMK_BENCH_BROKER_JAVA=app runs the broker with the menu-bar app's JVM options (-Xms16m, C1 only) instead of 'amk serve''s,
# AMK_BENCH_NMT=1 prints the broker's native memory by kind at the end (Native Memory Tracking: what its RSS is made of),
# AMK_BENCH_HISTO=1 prints what the broker's heap holds half-way through each burst (a class histogram after a full GC:
# the live set per stream),
# AMK_BURST_CONTROLS=1 (issue 15) adds two paths through the same broker to an OpenAI-type connection 'burst-llm' (so
# usage metering reads each stream): 8 agents without controls ("amk-llm") and 8 with every control that applies to a
# stream (rate and concurrency limits agent-wide and per connection, daily and monthly budgets, token budget,
# pause-on-budget; none reached; model lists need a request body, which these GET streams have not) ("amk-llm-controls").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
self="$root/bench/$(basename "$0")"
. "$root/scripts/lib.sh"
. "$root/bench/lib.sh"

SIZES="${AMK_BURST_SIZES:-200 2000}"
HOLD="${AMK_BURST_HOLD_MS:-5000}"
WARMUP="${AMK_BURST_WARMUP:-20}"
WARM_BURSTS="${AMK_BURST_WARM_BURSTS:-2}"
jar="${AMK_JAR:-$root/target/amk.jar}"
PIN="${AMK_BENCH_PIN:-}"
JFR="${AMK_BENCH_JFR:-}"
PCAP="${AMK_BENCH_PCAP:-}"
CONTROLS="${AMK_BURST_CONTROLS:-}"
BARE="${AMK_BURST_BARE:-1}"
HISTO="${AMK_BENCH_HISTO:-}"

amk_select_java
bench_build_jar "$jar" "$root"
if [ -n "$PCAP" ] && ! command -v tcpdump >/dev/null 2>&1; then bench_install tcpdump; fi
bench_reenter_in_keyring "$self" -- "$@"

amk_select_java
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
# A launcher's JVM options from scripts/lib.sh (amk_java_options, amk_app_java_options), attach allowed for jcmd.
attachable_options() { "$1" | sed 's/ -XX:+DisableAttachMechanism//'; }
# As the packaged 'amk serve' (packaging/amk-cli.properties).
read -r -a PACKAGED <<<"$(attachable_options amk_java_options)"
# AMK_BENCH_BROKER_JAVA=app: the broker with the menu-bar app's JVM options instead (-Xms16m, C1 only), the broker as
# the app hosts it, without the window.
read -r -a BROKER_OPTIONS <<<"$(attachable_options "$([ "${AMK_BENCH_BROKER_JAVA:-}" = app ] && echo amk_app_java_options || echo amk_java_options)")"
server_pin=(); load_pin=()
if [ -n "$PIN" ] && command -v taskset >/dev/null 2>&1; then server_pin=(taskset -c 0); load_pin=(taskset -c 1); fi
ulimit -n 65536 2>/dev/null || true

work="$(mktemp -d "${TMPDIR:-/tmp}/amk-burst.XXXXXX")"
export AMK_HOME="$work/amk-home"
keep="${AMK_BENCH_KEEP:-}"
upstream_pid=""; broker_pid=""; bare_pid=""
cleanup() {
  set +e
  for p in $broker_pid $bare_pid $upstream_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $broker_pid $bare_pid $upstream_pid; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  [ -n "$broker_pid" ] && AMK_HOME="$AMK_HOME" "${JAVA[@]}" -jar "$jar" connection remove burst >/dev/null 2>&1
  if [ -n "$keep" ]; then echo "Logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"${server_pin[@]}" "${JAVA[@]}" "$root/bench/BurstLoad.java" upstream "$work/upstream.port" >"$work/upstream.log" 2>&1 &
upstream_pid=$!
for _ in $(seq 1 300); do [ -s "$work/upstream.port" ] && break; sleep 0.1; done
UPPORT="$(cat "$work/upstream.port")"

"${JAVA[@]}" -jar "$jar" connection add burst --provider custom --base-url "http://127.0.0.1:$UPPORT" \
  --header Authorization --format 'Bearer {secret}' <<<"sk-burst-secret" >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; exit 1; }
# 32 agents: each agent may run 64 requests at once (issue 10's per-agent cap), 2,000 streams need several.
AUTHS=""
for i in $(seq 1 32); do
  key="$("${JAVA[@]}" -jar "$jar" agent create "burster-$i" --grant burst --json | sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p')"
  AUTHS="${AUTHS:+$AUTHS,}Bearer $key"
done
PATHS="direct amk"; [ "$BARE" = 1 ] && PATHS="direct bare amk"
if [ -n "$CONTROLS" ]; then
  amkb() { "${JAVA[@]}" -jar "$jar" "$@" >>"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; amk_die "burst controls setup failed: amk $*"; }; }
  amkb connection add burst-llm --provider openai --base-url "http://127.0.0.1:$UPPORT" <<<"sk-burst-llm-secret"
  LLM_AUTHS=""; CONTROL_AUTHS=""
  for i in $(seq 1 8); do
    amkb agent set-grants "burster-$i" --grant burst --grant burst-llm
    LLM_AUTHS="${LLM_AUTHS:+$LLM_AUTHS,}$(cut -d, -f"$i" <<<"$AUTHS")"
    key="$("${JAVA[@]}" -jar "$jar" agent create "burster-ctl-$i" --grant burst --grant burst-llm --json | sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p')"
    CONTROL_AUTHS="${CONTROL_AUTHS:+$CONTROL_AUTHS,}Bearer $key"
    amkb agent limit "burster-ctl-$i" --rpm 1000000 --concurrent 1000 --daily-usd 1000 --monthly-usd 10000 --daily-tokens 1000000000 --pause-on-budget
    amkb agent limit "burster-ctl-$i" --connection burst-llm --rpm 1000000 --concurrent 1000
  done
  PATHS="$PATHS amk-llm amk-llm-controls"
fi
jfr_options=()
[ -n "$JFR" ] && jfr_options=("-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
read -r -a extra_options <<<"${AMK_BENCH_BROKER_OPTS:-}"
[ -n "${AMK_BENCH_NMT:-}" ] && extra_options+=(-XX:NativeMemoryTracking=summary)
jfr_options+=("${extra_options[@]}")
"${server_pin[@]}" "${JAVA[@]}" "${BROKER_OPTIONS[@]}" "${jfr_options[@]}" -jar "$jar" serve --port 0 --json >"$work/broker.out" 2>"$work/broker.err" &
broker_pid=$!
bench_wait_ready "$work/broker.out" "$broker_pid"
if [ "$BARE" = 1 ]; then
  bench_start_bare "$jar" "http://127.0.0.1:$UPPORT" "Bearer sk-burst-secret" "$work" "${server_pin[@]}" "${JAVA[@]}" "${PACKAGED[@]}"
  bare_pid="$BARE_PID"
fi

# AMK_BENCH_ASYNC_PROFILER=/path/to/libasyncProfiler.so (tools.profiler:async-profiler from Maven Central, linux-x64/ in
# its jar): the broker's CPU during each burst through it, and nothing else, in collapsed stacks (burst-SIZE.collapsed,
# kept with AMK_BENCH_KEEP=1 or printed as the top frames). Loaded into the running broker with jcmd.
# AMK_BENCH_PROFILE_EVENT=alloc profiles what the broker allocates instead (bytes, by the allocating stack).
profiler="${AMK_BENCH_ASYNC_PROFILER:-}"
profile_event="${AMK_BENCH_PROFILE_EVENT:-cpu}"
profile_what="event=cpu,interval=1ms"
[ "$profile_event" = alloc ] && profile_what="event=alloc,total"
profile_start() {
  [ -n "$profiler" ] || return 0
  "$JAVA_HOME/bin/jcmd" "$broker_pid" JVMTI.agent_load "$profiler" "\"start,$profile_what,file=$work/burst-$1.collapsed,collapsed\"" >/dev/null
}
profile_stop() {
  [ -n "$profiler" ] || return 0
  "$JAVA_HOME/bin/jcmd" "$broker_pid" JVMTI.agent_load "$profiler" "\"stop,file=$work/burst-$1.collapsed,collapsed\"" >/dev/null
}
load() { "${load_pin[@]}" "${JAVA[@]}" -Xss256k "$root/bench/BurstLoad.java" load "$@"; }
# "A warmed amk serve" (issue 11): a broker that has served for a while has its request path compiled by the JIT. A few
# hundred requests leave it in the JIT's profiling tier, and the first bursts then spend about half the broker's CPU
# compiling (async-profiler, 2026-12-04). Short streams are not enough either: the relay of many long streams at once
# reaches code shapes the JIT compiles only then (its share of the broker's CPU in successive 2,000-stream bursts of 3 s:
# 37 %, 28 %, then 7.6 %). So: WARMUP seconds of short streams, bursts of 64, then WARM_BURSTS full bursts of each
# measured size at the full hold (the pool keeps 64 idle, so the measured burst still opens new upstream connections).
# warm_up URL AUTHS: the sequence above against one forwarder.
warm_up() {
  "${load_pin[@]}" "${JAVA[@]}" -Xss256k "$root/bench/BurstLoad.java" warm "$1" "$2" "$WARMUP" 64
  for _ in $(seq 1 5); do load "$1" "$2" 64 100 >/dev/null; done
  for size in $SIZES; do
    for _ in $(seq 1 "$WARM_BURSTS"); do load "$1" "$2" "$size" "$HOLD" >/dev/null; done
  done
}
echo "== Warm-up: ${WARMUP}s of short streams (64 at a time), 5 bursts of 64, $WARM_BURSTS full burst(s) of each size, through the broker$([ "$BARE" = 1 ] && echo ' and through the bare forwarder')"
warm_up "http://127.0.0.1:$PORT/burst/v1/stream" "$AUTHS"
if [ "$BARE" = 1 ]; then warm_up "http://127.0.0.1:$BARE_PORT/v1/stream" ""; fi
if [ -n "$CONTROLS" ]; then
  for _ in $(seq 1 3); do
    load "http://127.0.0.1:$PORT/burst-llm/v1/stream" "$LLM_AUTHS" 64 100 >/dev/null
    load "http://127.0.0.1:$PORT/burst-llm/v1/stream" "$CONTROL_AUTHS" 64 100 >/dev/null
  done
fi

echo "== Bursts (hold ${HOLD} ms per stream; $([ -n "$PIN" ] && echo 'pinned: servers on CPU 0, load on CPU 1' || echo unpinned))"
echo
echo "| burst | path | first token p50 | max | completed | new request's first token during the burst | CPU: forwarder, upstream | forwarder's GC pauses |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
# CPU seconds a process spent (user + system) since it started, from /proc: what each burst cost the broker and the
# upstream (they share a core when pinned, so a slow burst is either work or waiting, and this says which).
cpu_seconds() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat" || echo 0; }
# The collector's counters of a JVM (jstat: young and full collections and their seconds, "YGC YGCT FGC FGCT"): what
# each burst cost the forwarder in stop-the-world pauses, on the core it shares with the upstream.
gc_counters() { [ -n "$1" ] && "$JAVA_HOME/bin/jstat" -gc "$1" 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
  NR == 2 {print $c["YGC"], $c["YGCT"], $c["FGC"], $c["FGCT"]}' || echo "0 0 0 0"; }
for size in $SIZES; do
  for path in $PATHS; do
    case "$path" in direct) forwarder_pid="" ;; bare) forwarder_pid="$bare_pid" ;; *) forwarder_pid="$broker_pid" ;; esac
    forwarder_cpu0="$(cpu_seconds "$forwarder_pid")"; upstream_cpu0="$(cpu_seconds "$upstream_pid")"; gc0="$(gc_counters "$forwarder_pid")"
    if [ "$path" = direct ]; then
      line="$(load "http://127.0.0.1:$UPPORT/v1/stream" "" "$size" "$HOLD")"
    elif [ "$path" = bare ]; then
      line="$(load "http://127.0.0.1:$BARE_PORT/v1/stream" "" "$size" "$HOLD")"
    elif [ "$path" = amk-llm ]; then
      line="$(load "http://127.0.0.1:$PORT/burst-llm/v1/stream" "$LLM_AUTHS" "$size" "$HOLD")"
    elif [ "$path" = amk-llm-controls ]; then
      line="$(load "http://127.0.0.1:$PORT/burst-llm/v1/stream" "$CONTROL_AUTHS" "$size" "$HOLD")"
    else
      [ -n "$PCAP" ] && { tcpdump -i lo -s 160 -U -w "$work/burst-$size.pcap" "tcp port $PORT or tcp port $UPPORT" >/dev/null 2>&1 & tcpdump_pid=$!
        for _ in $(seq 1 50); do [ -s "$work/burst-$size.pcap" ] && break; sleep 0.1; done; }   # its file header: it listens
      profile_start "$size"
      if [ -n "$HISTO" ]; then   # half the hold, plus a second for the streams to open
        { sleep "$(awk -v h="$HOLD" 'BEGIN {print h / 2000 + 1}')"
          "$JAVA_HOME/bin/jcmd" "$broker_pid" GC.class_histogram >"$work/histo-$size.txt" 2>&1; } & histo_pid=$!
      fi
      line="$(load "http://127.0.0.1:$PORT/burst/v1/stream" "$AUTHS" "$size" "$HOLD")"
      if [ -n "$HISTO" ]; then wait "$histo_pid" || true; fi
      profile_stop "$size"
      [ -n "$PCAP" ] && { sleep 0.5; kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; }
    fi
    gc="$([ -z "$forwarder_pid" ] && echo – || awk -v a="$gc0" -v b="$(gc_counters "$forwarder_pid")" \
      'BEGIN {split(a, x); split(b, y); s = y[2] + y[4] - x[2] - x[4]; printf "%.2f s (%d young, %d full)", s < 0.005 ? 0 : s, y[1] - x[1], y[3] - x[3]}')"
    field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$line"; }
    cpu="$(awk -v f="$forwarder_pid" -v f0="$forwarder_cpu0" -v f1="$(cpu_seconds "$forwarder_pid")" -v u0="$upstream_cpu0" \
      -v u1="$(cpu_seconds "$upstream_pid")" 'BEGIN {if (f == "") printf "–, %.2f s", u1 - u0; else printf "%.2f s, %.2f s", f1 - f0, u1 - u0}')"
    echo "| $size | $path | $(field ttft_p50_ms) ms | $(field ttft_max_ms) ms | $(field completed)/$size$([ "$(field failures)" != 0 ] && echo " ($(field failures) failed)") | $(field probe_ttft_ms) ms ($(field probe_max_ms)) | $cpu | $gc |"
  done
done

if [ -n "$PCAP" ]; then
  for size in $SIZES; do
    echo; echo "Where the time of the $size-stream burst through the broker went (loopback capture):"; echo
    python3 "$root/bench/burst_timeline.py" "$work/burst-$size.pcap" "$PORT" "$UPPORT"
  done
fi

if [ -n "$HISTO" ]; then
  for size in $SIZES; do
    echo; echo "What the broker's heap held in the middle of the $size-stream burst (jcmd GC.class_histogram, after a full GC):"; echo
    sed -n '1,28p' "$work/histo-$size.txt"; tail -1 "$work/histo-$size.txt"
  done
fi

if [ -n "$profiler" ]; then
  for size in $SIZES; do
    if [ "$profile_event" = alloc ]; then
      echo; echo "What the broker allocated during the $size-stream burst (async-profiler): by class and the last frame of ours, Jetty's, OkHttp's or Okio's"; echo
      awk '{total += $NF} END {printf "%.0f MB in all\n", total / 1048576}' "$work/burst-$size.collapsed"
      awk '{n = $NF; sub(/ [0-9]+$/, ""); k = split($0, f, ";"); at = "?"; for (i = k - 1; i > 0; i--) if (f[i] ~ /dev\/amk|okhttp|okio|jetty/) { at = f[i]; break }
             by[f[k] " <- " at] += n; total += n} END {for (x in by) printf "%5.1f %% %s\n", 100 * by[x] / total, substr(x, 1, 140)}' \
        "$work/burst-$size.collapsed" | sort -rn | awk 'NR <= 20'   # awk, not head: sort must not die of SIGPIPE (pipefail)
      continue
    fi
    echo; echo "The broker's CPU during the $size-stream burst (async-profiler, 1 ms samples): the JIT's share and the top frames"; echo
    awk '{n = $NF; total += n; if ($0 ~ /CompileBroker::/) jit += n} END {printf "samples %d, JIT compiler threads %.1f %%\n", total, 100 * jit / total}' "$work/burst-$size.collapsed"
    awk '{n = $NF; sub(/ [0-9]+$/, ""); k = split($0, f, ";"); self[f[k]] += n; total += n} END {for (x in self) printf "%5.1f %% %s\n", 100 * self[x] / total, substr(x, 1, 120)}' \
      "$work/burst-$size.collapsed" | sort -rn | awk 'NR <= 15'
  done
fi

echo
# Serial GC prints one line per generation: "DefNew total NK, used NK" and "Tenured …" (before Java 25: "def new
# generation total …" and "tenured generation …").
heap="$("$JAVA_HOME/bin/jcmd" "$broker_pid" GC.run >/dev/null 2>&1; "$JAVA_HOME/bin/jcmd" "$broker_pid" GC.heap_info 2>/dev/null \
  | awk '/(generation|DefNew|Tenured) +total/ {gsub(/[K,]/, ""); for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i+1); if ($i == "used") u += $(i+1) } }
         END { if (t) printf "heap %.0f MB used of %.0f MB committed (after a full GC)", u/1024, t/1024 }')"
peak_rss() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "n/a (no /proc)"; }
echo "Broker after the bursts: ${heap:-heap n/a}; peak RSS $(peak_rss "$broker_pid")"
if [ -n "$bare_pid" ]; then echo "Bare forwarder after the bursts: peak RSS $(peak_rss "$bare_pid")"; fi
if [ -n "${AMK_BENCH_NMT:-}" ]; then
  echo; echo "The broker's memory by kind (Native Memory Tracking; committed now, and the peak where the JVM keeps one):"; echo
  "$JAVA_HOME/bin/jcmd" "$broker_pid" VM.native_memory summary scale=MB 2>/dev/null | sed -n '/^Total/p; /^-/,/^$/p' | grep -v '^$' || echo "n/a"
fi
