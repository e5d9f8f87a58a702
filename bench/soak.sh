#!/usr/bin/env bash
# Soak and crash (a benchmark, not a CI test): many requests from two agents through 'amk serve', with agent B
# revoked and enabled again every AMK_SOAK_TOGGLE_EVERY requests and the broker killed with SIGKILL and started
# again half-way, then checks what a person relies on after such a day:
#   - no error but the expected refusals: 401 revoked_key for B while it is revoked, connection refused (and
#     connections cut) while the broker is down — each counted apart; and never a 200 for B once its revocation
#     has had time to take effect;
#   - one audit row per answered request (after a graceful stop at the end; a kill -9 may lose queued rows);
#   - the broker's heap and RSS flat: sampled every AMK_SOAK_SAMPLE seconds (RSS from /proc, heap from
#     'jcmd PID GC.heap_info'), first / last / max reported per broker process;
#   - amk.db and audit.db pass 'PRAGMA integrity_check' right after the kill and at the end.
#
#   bench/soak.sh
#
# Setup as bench/proxy-overhead.sh: builds target/amk.jar if missing, installs nginx, sqlite3 and a private
# keyring if missing (apt-get), an nginx upstream on 127.0.0.1 answering a small JSON body, the broker in a
# private data folder. The load is bench/SoakLoad.java (java.net.http, virtual threads), which counts every
# outcome by what it means. Loopback only; bounded by AMK_SOAK_MAX_SECONDS; all child processes stopped on exit.
#
# Knobs (environment): AMK_SOAK_REQUESTS (1000000), AMK_SOAK_CONCURRENCY (connections per agent, 4),
# AMK_SOAK_TOGGLE_EVERY (10000), AMK_SOAK_CRASH_AT (request number of the kill -9; half of the requests),
# AMK_SOAK_SAMPLE (seconds between heap/RSS samples, 10), AMK_SOAK_HEAP (broker -Xmx, 256m: a leak shows as
# growth against a fixed ceiling), AMK_SOAK_MAX_SECONDS (no new request after this, 3600: the run stops by itself
# and says how many it sent), AMK_JAR (target/amk.jar),
# AMK_SOAK_KEEP=1 keeps the data folder and logs (kept anyway when a check failed).
# Exit status 1 when a check failed; every check prints one PASS or FAIL line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
self="$root/bench/$(basename "$0")"
. "$root/scripts/lib.sh"
. "$root/bench/lib.sh"

REQUESTS="${AMK_SOAK_REQUESTS:-1000000}"
CONCURRENCY="${AMK_SOAK_CONCURRENCY:-4}"
TOGGLE_EVERY="${AMK_SOAK_TOGGLE_EVERY:-10000}"
CRASH_AT="${AMK_SOAK_CRASH_AT:-$((REQUESTS / 2))}"
SAMPLE="${AMK_SOAK_SAMPLE:-10}"
HEAP="${AMK_SOAK_HEAP:-256m}"
MAX_SECONDS="${AMK_SOAK_MAX_SECONDS:-3600}"
jar="${AMK_JAR:-$root/target/amk.jar}"

# --- outside the private keyring: build and install what is missing, then re-enter through it ---
if [ -z "${AMK_SOAK_INNER:-}" ]; then
  amk_select_java
  bench_build_jar "$jar" "$root"
  [ "$(uname -s)" = Linux ] || amk_die "The soak runs on Linux (it reads /proc and uses a private gnome-keyring)."
  need=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
  command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
  command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
  bench_install "${need[@]}"
  export AMK_SOAK_INNER=1
  exec "$root/scripts/with-keyring.sh" "$self" "$@"
fi

amk_select_java
export PATH="$PATH:/usr/sbin:/sbin"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC)
amk() { "${JAVA[@]}" -jar "$jar" "$@"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/amk-soak.XXXXXX")"
export AMK_HOME="$work/amk-home"
nginx_pid=""; broker_pid=""; sampler_pid=""; load_pid=""; keep="${AMK_SOAK_KEEP:-}"
failures=()

cleanup() {
  set +e
  local p
  for p in $load_pid $sampler_pid $broker_pid $nginx_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $load_pid $sampler_pid $broker_pid $nginx_pid; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  if [ -n "$keep" ]; then echo "Data folder and logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

check() { # NAME CONDITION-EXIT-STATUS DETAIL
  if [ "$2" = 0 ]; then echo "PASS  $1: $3"; else echo "FAIL  $1: $3"; failures+=("$1"); keep=1; fi
}

# The broker on PORT (0 the first time: a free one), its pid in $work/broker.pid for the sampler.
start_broker() { # PORT LOG-NAME
  : >"$work/$2.out"
  "${JAVA[@]}" "-Xmx$HEAP" -jar "$jar" serve --port "$1" --json >"$work/$2.out" 2>"$work/$2.err" &
  broker_pid=$!
  echo "$broker_pid" >"$work/broker.pid"
  PORT=""
  for _ in $(seq 1 600); do
    PORT="$(sed -n 's/.*"event" *: *"ready".*"port" *: *\([0-9]*\).*/\1/p' "$work/$2.out" | head -1)"
    [ -n "$PORT" ] && return 0
    kill -0 "$broker_pid" 2>/dev/null || { cat "$work/$2.out" "$work/$2.err" >&2; amk_die "the broker exited"; }
    sleep 0.1
  done
  keep=1; amk_die "the broker did not report ready within 60 s"
}

integrity() { # DB → "ok" or sqlite3's complaint
  sqlite3 "$AMK_HOME/$1" 'PRAGMA integrity_check;' 2>&1 | tr '\n' ' ' | sed 's/ $//'
}

# Every SAMPLE seconds: seconds since start, pid, RSS (KiB), heap used (KiB, young + old generation).
sample_loop() {
  local start pid rss heap
  start=$(date +%s)
  while true; do
    pid="$(cat "$work/broker.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
      heap="$("$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | awk '/total.*used/ && !/Metaspace|class space/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?$/, "", v); s += v}} END {print s + 0}')"
      [ -n "$rss" ] && printf '%s\t%s\t%s\t%s\n' "$(( $(date +%s) - start ))" "$pid" "$rss" "$heap"
    fi
    sleep "$SAMPLE"
  done
}

echo "== Machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "system:  $(uname -srm), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java:    $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "amk jar: $jar (checkout at $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo "?"))"
echo "load:    $REQUESTS requests, $CONCURRENCY connections per agent, revoke/enable of B every $TOGGLE_EVERY, kill -9 at request $CRASH_AT, broker -Xmx$HEAP"

echo "== Setup"
bench_start_nginx "$work/nginx" '{"ok":true,"from":"soak-upstream"}'
echo "upstream: nginx on 127.0.0.1:$UPPORT"
amk connection add soak --provider custom --base-url "http://127.0.0.1:$UPPORT" --header Authorization --format 'Bearer {secret}' \
  <<<"sk-soak-secret" >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; amk_die "connection add failed"; }
for agent in soak-a soak-b; do
  amk agent create "$agent" --grant soak --json >"$work/$agent.json" 2>>"$work/setup.log" || { cat "$work/setup.log" >&2; amk_die "agent create failed"; }
done
key_a="$(sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p' "$work/soak-a.json" | head -1)"
key_b="$(sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p' "$work/soak-b.json" | head -1)"
[ -n "$key_a" ] && [ -n "$key_b" ] || amk_die "no key in 'agent create' output"
start_broker 0 broker-1
port="$PORT"
echo "broker: 127.0.0.1:$port (pid $broker_pid)"
sample_loop >"$work/samples.tsv" &
sampler_pid=$!

echo "== Load ($(date -u +%H:%M:%S))"
started=$(date +%s)
coproc LOAD { exec timeout -k 10 "$((MAX_SECONDS + 120))" "$JAVA_HOME/bin/java" -Xmx512m "$root/bench/SoakLoad.java" "http://127.0.0.1:$port/soak/anything" \
  "$key_a" "$key_b" "$REQUESTS" "$CONCURRENCY" "$TOGGLE_EVERY" "$CRASH_AT" "$MAX_SECONDS" 2>"$work/load.err"; }
load_pid=$LOAD_PID
# Own copies of the pipes: bash drops the coproc's variables as soon as it exits, before its last lines are read.
exec {from_load}<&"${LOAD[0]}" {to_load}>&"${LOAD[1]}"
declare -A result=()
# The load client may have finished while a revoke/enable was still running: a closed pipe is not an error then.
ack() { (echo "$1" >&"$to_load") 2>/dev/null || true; }
toggles=0; toggle_failures=0; crash_integrity=""; restart_seconds=""
while IFS= read -r line <&"$from_load"; do
  case "$line" in
    REVOKE|ENABLE)
      verb="$(printf '%s' "$line" | tr 'A-Z' 'a-z')"
      amk agent "$verb" soak-b >>"$work/toggles.log" 2>&1 || toggle_failures=$((toggle_failures + 1))
      toggles=$((toggles + 1))
      ack "ACK $line" ;;
    CRASH)
      echo "kill -9 of the broker (pid $broker_pid) at $(date -u +%H:%M:%S)"
      kill -KILL "$broker_pid"; wait "$broker_pid" 2>/dev/null || true
      crash_integrity="amk.db $(integrity amk.db), audit.db $(integrity audit.db)"
      echo "  integrity right after the kill: $crash_integrity"
      t0=$(date +%s%N)
      start_broker "$port" broker-2
      restart_seconds="$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')"
      echo "  restarted on the same port in $restart_seconds s (pid $broker_pid)"
      ack RESTARTED ;;
    DONE) ;;
    RESULT\ *) set -- $line; result[$2]="${line#RESULT $2 }" ;;
    *) echo "load: $line" ;;
  esac
done
wait "$load_pid" || echo "the load client exited with status $? (see $work/load.err)"
load_pid=""
elapsed=$(( $(date +%s) - started ))
echo "load finished in ${elapsed} s ($(date -u +%H:%M:%S)); $toggles revoke/enable commands"

# A graceful stop, so that every queued audit row is written before counting.
kill -TERM "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=""
kill -TERM "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""

echo
echo "== Results"
for k in seconds requests stopped_by_deadline requests_per_second answered served revoked_refusals refused_during_restart broken_by_kill served_while_revoked errors unanswered_errors statuses error_kinds; do
  printf '  %-24s %s\n' "$k" "${result[$k]:-?}"
done
rows="$(sqlite3 "$AMK_HOME/audit.db" 'SELECT count(*) FROM audit;')"
denied_rows="$(sqlite3 "$AMK_HOME/audit.db" "SELECT decision || ' ' || status || ' ' || coalesce(reason, '-') || ': ' || count(*) FROM audit GROUP BY decision, status, reason;" | tr '\n' ';')"
echo "  audit rows               $rows ($denied_rows)"
echo
echo "Heap and RSS of the broker (KiB; sampled every $SAMPLE s; first / last / max per process):"
awk -F'\t' '{ if (!($2 in first)) {order[++n] = $2; first[$2] = $3 "\t" $4; fr[$2] = $3; fh[$2] = $4}
  last[$2] = $3 "\t" $4; lr[$2] = $3; lh[$2] = $4; cnt[$2]++
  if ($3 > mr[$2]) mr[$2] = $3; if ($4 > mh[$2]) mh[$2] = $4 }
  END { for (i = 1; i <= n; i++) { p = order[i]
    printf "  broker pid %s, %d samples: RSS %d / %d / %d, heap used %d / %d / %d\n", p, cnt[p], fr[p], lr[p], mr[p], fh[p], lh[p], mh[p] } }' "$work/samples.tsv"

echo
echo "== Checks"
errors="${result[errors]:-missing}"
check "no unexpected errors" "$([ "$errors" = 0 ] && echo 0 || echo 1)" "$errors unexpected outcomes (${result[error_kinds]:-})"
check "no request of a revoked agent served" "$([ "${result[served_while_revoked]:-x}" = 0 ] && echo 0 || echo 1)" \
  "${result[served_while_revoked]:-?} served more than 2 s after the revocation was acknowledged"
check "revocation refused requests" "$([ "${result[revoked_refusals]:-0}" -gt 0 ] && echo 0 || echo 1)" \
  "${result[revoked_refusals]:-?} 401 revoked_key for B during its revoked windows"
check "revoke/enable commands succeeded" "$([ "$toggle_failures" = 0 ] && echo 0 || echo 1)" "$toggles run, $toggle_failures failed"
total=$(( ${result[answered]:-0} + ${result[refused_during_restart]:-0} + ${result[broken_by_kill]:-0} + ${result[unanswered_errors]:-0} ))
check "every request accounted for" "$([ "$total" = "${result[requests]:-x}" ] && echo 0 || echo 1)" \
  "answered ${result[answered]:-?} + refused ${result[refused_during_restart]:-?} + cut ${result[broken_by_kill]:-?} + unanswered errors ${result[unanswered_errors]:-?} = $total of ${result[requests]:-?} sent ($REQUESTS planned)"
# Every answered request must have its row. A row may also exist for a request cut by the kill after the broker
# answered it (java.net.http retries such a GET, which then meets the closed port): at most one per connection.
surplus=$(( rows - ${result[answered]:-0} ))
check "audit rows = requests answered" "$([ "$surplus" -ge 0 ] && [ "$surplus" -le $((2 * CONCURRENCY)) ] && echo 0 || echo 1)" \
  "$rows rows for ${result[answered]:-?} answered ($([ "$surplus" -lt 0 ] && echo "$((-surplus)) answered requests have no row: lost in the kill -9" || echo "$surplus more rows: requests the broker answered as it was killed, at most $((2 * CONCURRENCY))"))"
if [ -n "$restart_seconds" ]; then
  check "kill -9 and restart" 0 "restarted on the same port in $restart_seconds s"
else
  check "kill -9 and restart" 1 "the load ended before request $CRASH_AT"
fi
check "databases intact after the kill" "$([ "$crash_integrity" = "amk.db ok, audit.db ok" ] && echo 0 || echo 1)" "$crash_integrity"
final_integrity="amk.db $(integrity amk.db), audit.db $(integrity audit.db)"
check "databases intact at the end" "$([ "$final_integrity" = "amk.db ok, audit.db ok" ] && echo 0 || echo 1)" "$final_integrity"
# Flat: for each broker process, leaving out its first 60 s (JIT and heap warm-up), the highest sample of the last
# third is within 20 % (+16 MiB) of the highest of the first third.
flat="$(awk -F'\t' '{ if (!($2 in t0)) {t0[$2] = $1; order[++p] = $2} if ($1 - t0[$2] >= 60) {k = $2 SUBSEP (++n[$2]); r[k] = $3; h[k] = $4} }
  END { verdict = "flat"; text = ""
    for (i = 1; i <= p; i++) { pid = order[i]; c = n[pid]
      if (c < 6) { text = text sprintf("; pid %s: %d samples after warm-up, too few to judge", pid, c); continue }
      r1 = h1 = r3 = h3 = 0; third = int(c / 3); judged++
      for (j = 1; j <= third; j++) { k = pid SUBSEP j; if (r[k] > r1) r1 = r[k]; if (h[k] > h1) h1 = h[k] }
      for (j = c - third + 1; j <= c; j++) { k = pid SUBSEP j; if (r[k] > r3) r3 = r[k]; if (h[k] > h3) h3 = h[k] }
      ok = (r3 <= r1 * 1.2 + 16384 && h3 <= h1 * 1.2 + 16384); if (!ok) verdict = "GROWING"
      text = text sprintf("; pid %s: RSS max %d → %d KiB, heap max %d → %d KiB (%d samples)", pid, r1, r3, h1, h3, c) }
    if (!judged) verdict = "too few samples"
    print verdict text }' "$work/samples.tsv")"
check "heap and RSS flat" "$(case "$flat" in flat*) echo 0 ;; *) echo 1 ;; esac)" "$flat"
grep -hiE 'WARN|ERROR|Exception' "$work"/broker-*.err "$AMK_HOME"/logs/* 2>/dev/null | sort | uniq -c | sort -rn | head -10 | sed 's/^/  broker log: /' || true

echo
echo "Soak took $(( $(date +%s) - started )) s of load and checks."
[ ${#failures[@]} -eq 0 ] || { echo "FAILED: ${failures[*]}"; exit 1; }
