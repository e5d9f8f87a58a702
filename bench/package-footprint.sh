#!/usr/bin/env bash
# Start-up and idle footprint of the packaged app (jpackage image), with and without its AOT cache, in the
# same run: AMK_PKG_RUNS rounds (default 5), each running both modes, of
#   - 'amk serve' (the image's CLI launcher): time from launch until the broker prints its ready line (it
#     listens then), and its RSS after a 5 s settle;
#   - the app (the image's main launcher): time from process start until the tray icon is in the tray (the
#     app's ui_ready line), and its RSS after a 10 s settle.
# "without" runs the same image with -XX:AOTMode=off (the JVM then ignores the cache), so the only difference
# is the cache. Prints each run and the medians.
# Usage: bench/package-footprint.sh [IMAGE]   (default: target/dist/Agent Master Key; the installed .deb is
# /opt/agent-master-key). Linux: runs on a private virtual display with a tray and a private keyring.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
image="${1:-$root/target/dist/Agent Master Key}"
if [ "$(uname -s)" = "Linux" ] && [ -z "${AMK_PKGBENCH_INNER:-}" ]; then
  [ -x "$image/bin/amk" ] || "$root/packaging/linux/build.sh" --app-image-only
  export AMK_PKGBENCH_INNER=1
  exec "$root/scripts/with-keyring.sh" "$root/scripts/with-tray-display.sh" "$0" "$@"
fi
case "$(uname -s)" in
  Darwin) cli="$image/Contents/MacOS/amk"; app="$image/Contents/MacOS/Agent Master Key" ;;
  *) cli="$image/bin/amk"; app="$image/bin/Agent Master Key" ;;
esac
[ -x "$cli" ] && [ -x "$app" ] || { echo "no packaged app at $image" >&2; exit 1; }
runs="${AMK_PKG_RUNS:-5}"
# Milliseconds; GNU date has %N, macOS's date does not (perl is there instead).
if [ "$(date +%N)" != "N" ]; then now_ms() { echo $(( $(date +%s%N) / 1000000 )); }; else now_ms() { perl -MTime::HiRes=time -e 'printf "%d\n", time * 1000'; }; fi
rss_mb() { if [ -r "/proc/$1/status" ]; then awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; else ps -o rss= -p "$1" | awk '{printf "%.0f", $1 / 1024}'; fi; }

# The modes alternate within each round, so that load from anything else on the machine hits both alike.
# (Plain variables, not an associative array: macOS's bash is 3.2.)
results_aot=""
results_off=""
for run in $(seq 1 "$runs"); do
  for mode in aot off; do
    opts=""
    [ "$mode" = off ] && opts="-XX:AOTMode=off"
    home="$(mktemp -d)"
    t0="$(now_ms)"
    JAVA_TOOL_OPTIONS="$opts" AMK_HOME="$home" AMK_KEYCHAIN_SERVICE=amk-bench "$cli" serve --port 0 --json > "$home/serve.out" 2>/dev/null &
    pid=$!
    for _ in $(seq 1 2000); do grep -q '"ready"' "$home/serve.out" 2>/dev/null && break; sleep 0.005; done
    serve_ms=$(( $(now_ms) - t0 ))
    sleep 5
    serve_rss="$(rss_mb "$pid")"
    kill "$pid"; wait "$pid" 2>/dev/null || true

    JAVA_TOOL_OPTIONS="$opts" AMK_HOME="$home" AMK_KEYCHAIN_SERVICE=amk-bench "$app" app --port 0 --json > "$home/app.out" 2>/dev/null &
    pid=$!
    for _ in $(seq 1 400); do grep -q ui_ready "$home/app.out" 2>/dev/null && break; sleep 0.05; done
    icon_ms="$(sed -n 's/.*"ui_ready".*"tray":true.*"ms_since_start":\([0-9]*\).*/\1/p' "$home/app.out")"
    sleep 10
    app_rss="$(rss_mb "$pid")"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$home"
    echo "round $run, $mode: serve ready ${serve_ms} ms, serve RSS ${serve_rss} MB; icon in tray ${icon_ms:-none} ms, app idle RSS ${app_rss} MB"
    line="$serve_ms $serve_rss ${icon_ms:-99999} $app_rss"
    if [ "$mode" = aot ]; then results_aot+="$line"$'\n'; else results_off+="$line"$'\n'; fi
  done
done
median() { printf '%s' "$1" | awk -v col="$2" 'NF {print $col}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for mode in aot off; do
  if [ "$mode" = aot ]; then r="$results_aot"; label="with the AOT cache"; else r="$results_off"; label="without (-XX:AOTMode=off)"; fi
  echo "median of $runs, $label: serve ready $(median "$r" 1) ms (target 1000), serve RSS $(median "$r" 2) MB; icon in tray $(median "$r" 3) ms (target 2500), app idle RSS $(median "$r" 4) MB (target 200)"
done
