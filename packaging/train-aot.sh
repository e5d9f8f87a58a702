#!/usr/bin/env bash
# Gives a jpackage app image an AOT cache (JEP 514/515, Java 25): one training run of the packaged app records
# which classes load and link and how its methods behave, into APP_DIR/amk.aot, and every launcher's .cfg in
# APP_DIR gets -XX:AOTCache=$APPDIR/amk.aot. Both the menu-bar app and 'amk serve' then start sooner
# (docs/benchmarks.md). Called by packaging/linux/build.sh and packaging/macos/build-dmg.sh after the app
# image is made and before it is signed or packed.
#
# Usage: packaging/train-aot.sh APP_DIR APP_LAUNCHER CLI_LAUNCHER
#   APP_DIR       the image's app folder with the launchers' .cfg files (IMAGE/lib/app; IMAGE.app/Contents/app)
#   APP_LAUNCHER  the image's main launcher (IMAGE/bin/Agent Master Key; IMAGE.app/Contents/MacOS/Agent Master Key)
#   CLI_LAUNCHER  the image's amk launcher (IMAGE/bin/amk; IMAGE.app/Contents/MacOS/amk)
#
# The workload: with a display (Linux: $DISPLAY, e.g. inside scripts/with-tray-display.sh; macOS: unless
# AMK_TRAIN_GUI=0) the menu-bar app itself, until its tray icon shows, which also starts the broker; without
# one, 'amk serve'. Either way one request goes through the broker with an unknown agent key, refused with 401
# before any secret is looked up, so the training needs no keychain and no network: it runs the request path up
# to the key check in a throw-away data folder. A cache trained on the app serves 'amk serve' as well (the
# broker's classes are the same); one trained on 'amk serve' helps the app less. A failed training is not
# fatal: the package then starts without a cache, as before.
set -euo pipefail
app_dir="$1"
app_launcher="$2"
cli_launcher="$3"
[ -d "$app_dir" ] || { echo "train-aot: no app folder at $app_dir" >&2; exit 1; }
[ -x "$app_launcher" ] && [ -x "$cli_launcher" ] || { echo "train-aot: no launchers at $app_launcher, $cli_launcher" >&2; exit 1; }
cache="$(cd "$app_dir" && pwd)/amk.aot"
rm -f "$cache"
gui=0
case "$(uname -s)" in
  Darwin) [ "${AMK_TRAIN_GUI:-1}" = 1 ] && gui=1 ;;
  *) [ -n "${DISPLAY:-}" ] && [ "${AMK_TRAIN_GUI:-1}" = 1 ] && gui=1 ;;
esac
work="$(mktemp -d "${TMPDIR:-/tmp}/amk-aot.XXXXXX")"
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

# The launcher's own options stay as they are; JAVA_TOOL_OPTIONS adds the training flag (the JVM reads it
# itself; the quotes keep a path with spaces, such as "Agent Master Key", in one piece).
export AMK_HOME="$work/home" AMK_KEYCHAIN_SERVICE="amk-aot-training" JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput='$cache'"
if [ "$gui" = 1 ]; then
  workload="the menu-bar app"
  "$app_launcher" app --port 0 --json > "$work/out" 2> "$work/err" &
else
  workload="amk serve"
  "$cli_launcher" serve --port 0 --json > "$work/out" 2> "$work/err" &
fi
pid=$!
unset JAVA_TOOL_OPTIONS
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's/.*"event":"ready".*"port":\([0-9]*\).*/\1/p' "$work/out" 2>/dev/null)"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "train-aot: the training run ($workload) did not start; no AOT cache. Its output:" >&2
  cat "$work/err" >&2
  exit 0
fi
# One request on the proxy path (bash's /dev/tcp: no curl needed).
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /openai/v1/models HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: Bearer amk_training\r\nConnection: close\r\n\r\n' "$port" >&3
head -1 <&3 >/dev/null || true
exec 3<&-
if [ "$gui" = 1 ]; then
  for _ in $(seq 1 300); do grep -q ui_ready "$work/out" 2>/dev/null && break; sleep 0.05; done
  grep -q '"tray":true' "$work/out" || echo "train-aot: note: the app showed no tray icon during training" >&2
  sleep 1
fi
# SIGTERM: the app stops cleanly and the JVM writes the cache as it exits.
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
pid=""
if [ ! -s "$cache" ]; then
  echo "train-aot: the JVM wrote no AOT cache ($workload); the package starts without one. Its output:" >&2
  cat "$work/err" >&2
  exit 0
fi
n=0
for cfg in "$app_dir"/*.cfg; do
  # Appended to [JavaOptions], the last section of a jpackage launcher .cfg.
  tail -c1 "$cfg" | od -An -c | grep -q '\\n' || echo >> "$cfg"
  # shellcheck disable=SC2016 # $APPDIR is for the launcher to expand, not the shell
  echo 'java-options=-XX:AOTCache=$APPDIR/amk.aot' >> "$cfg"
  n=$((n + 1))
done
echo "AOT cache: $cache ($(du -k "$cache" | cut -f1) KB, trained on $workload), used by $n launchers"
