#!/usr/bin/env bash
# Start-up and idle footprint of the menu-bar app ('amk app'): time from process start until the tray
# icon is in the tray, idle RSS and idle CPU over 30 s after a 10 s settle. Three runs; prints each and the
# medians. Linux: runs on a private virtual display with a tray (Xvfb + trayer) and a private keyring.
# macOS: runs in your session's menu bar. AMK_JAVA_OPTS replaces the JVM options (default: scripts/lib.sh's).
# The app is a returning person's: its data folder has one connection, so it starts in the menu bar with its window
# closed. A first run (no connection) opens the window on "Keys found" and scans the home folder, and a shown window
# keeps its once-a-second refresh going: AMK_FOOTPRINT_FIRST_RUN=1 measures that instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(uname -s)" = "Linux" ] && [ -z "${AMK_FOOTPRINT_INNER:-}" ]; then
  export AMK_FOOTPRINT_INNER=1
  exec "$root/scripts/with-keyring.sh" "$root/scripts/with-tray-display.sh" "$0" "$@"
fi
. "$root/scripts/lib.sh"
amk_select_java
[ -f "$root/target/amk.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
runs="${AMK_FOOTPRINT_RUNS:-3}"
hz="$(getconf CLK_TCK)"
results=()
for run in $(seq 1 "$runs"); do
  home="$(mktemp -d)"; out="$home/out"
  if [ -z "${AMK_FOOTPRINT_FIRST_RUN:-}" ]; then
    AMK_HOME="$home" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/target/amk.jar" connection add footprint \
      --provider custom --base-url "http://127.0.0.1:9" --header Authorization --format 'Bearer {secret}' <<<"sk-footprint" >/dev/null
  fi
  # shellcheck disable=SC2086 # AMK_JAVA_OPTS is a list of options
  AMK_HOME="$home" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${AMK_JAVA_OPTS:-$(amk_app_java_options)} -jar "$root/target/amk.jar" \
    app --port 0 --json > "$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 400); do grep -q ui_ready "$out" 2>/dev/null && break; sleep 0.05; done
  icon_ms="$(sed -n 's/.*"ui_ready".*"ms_since_start":\([0-9]*\).*/\1/p' "$out")"
  sleep 10
  t0="$(awk '{print $14+$15}' /proc/$pid/stat)"; sleep 30; t1="$(awk '{print $14+$15}' /proc/$pid/stat)"
  cpu="$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN {printf "%.2f", d / hz / 30 * 100}')"
  rss="$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$home"
  echo "run $run: icon in tray after ${icon_ms} ms, idle RSS ${rss} MB, idle CPU ${cpu} %"
  results+=("$icon_ms $rss $cpu")
done
median() { printf '%s\n' "${results[@]}" | awk -v col="$1" '{print $col}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "median of $runs: icon in tray after $(median 1) ms (target 2500), idle RSS $(median 2) MB (target 200), idle CPU $(median 3) % (target 1)"
