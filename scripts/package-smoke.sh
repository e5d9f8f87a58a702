#!/usr/bin/env bash
# Packaging smoke test (Debian/Ubuntu, as root or through sudo): builds the Linux app image and .deb
# (packaging/linux/build.sh), installs the .deb, tests the installed product, then removes it again.
#  1. The package put 'amk' on the PATH (/usr/bin/amk -> /opt/agent-master-key/bin/amk) and a menu entry.
#  2. The installed 'amk serve' proxies one request to a loopback upstream: the upstream sees the real key,
#     never the agent's amk_ key.
#  3. The installed app starts on a virtual display with a tray panel (Xvfb + trayer) and shows its tray
#     icon; screenshots go to target/package-smoke/.
#  4. Launch at login: an autostart entry left from elsewhere (a checkout) is pointed at the installed
#     launcher when the installed app starts.
# Everything runs against a private keyring (scripts/with-keyring.sh), a throw-away data folder (AMK_HOME)
# and a test keychain service name (AMK_KEYCHAIN_SERVICE); the user's own data and keyring are not touched.
# Usage: scripts/package-smoke.sh [--keep]   (--keep: leave the package installed afterwards)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/lib.sh
out="$root/target/package-smoke"
pkg=agent-master-key
install_dir="/opt/$pkg"

# Each passed check is also counted in $out/checks, across the outer and the inner process, for the closing line.
check() { echo "  ok: $*"; echo "$*" >> "$out/checks"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

if [ -z "${AMK_PKGSMOKE_INNER:-}" ]; then
  [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null 2>&1 || amk_die "the package smoke test needs Debian/Ubuntu (apt-get)."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  keep=0
  [ "${1:-}" = "--keep" ] && keep=1
  amk_select_java
  missing=()
  command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
  command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
  command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb xauth)
  command -v xwininfo >/dev/null 2>&1 || missing+=(x11-utils)
  command -v trayer >/dev/null 2>&1 || missing+=(trayer)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing what the smoke test needs: ${missing[*]}" >&2
    amk_apt_install "${missing[@]}"
  fi
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
    amk_die "$pkg is installed already; the smoke test installs and removes its own build. Remove it first: ${sudo:+$sudo }apt-get purge -y $pkg"
  fi

  rm -rf "$out"; mkdir -p "$out"
  echo "== package-smoke: building the app image and the .deb" >&2
  start=$(date +%s)
  packaging/linux/build.sh
  debfile="$(ls target/dist/${pkg}_*.deb)"
  check "built the app image and $debfile in $(( $(date +%s) - start )) s"

  echo "== package-smoke: installing $debfile" >&2
  uninstall() {
    if [ "$keep" = 0 ]; then
      echo "== package-smoke: removing the package" >&2
      DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq "$pkg" >/dev/null || true
    fi
  }
  trap uninstall EXIT
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "./$debfile" >/dev/null
  check "installed $pkg $(dpkg-query -W -f='${Version}' "$pkg")"

  AMK_PKGSMOKE_INNER=1 scripts/with-keyring.sh scripts/with-tray-display.sh "$0"

  if [ "$keep" = 0 ]; then
    trap - EXIT
    uninstall
    [ ! -e /usr/bin/amk ] && [ ! -L /usr/bin/amk ] || fail "/usr/bin/amk is still there after removing the package"
    [ ! -e "$install_dir/bin/amk" ] || fail "$install_dir is still there after removing the package"
    [ ! -L /usr/share/applications/agent-master-key.desktop ] || fail "the menu entry is still there after removing the package"
    check "removed: no /usr/bin/amk, no menu entry, no $install_dir/bin"
  fi
  echo "Screenshots of the installed app: target/package-smoke/screen.png, target/package-smoke/tray.png"
  echo "package-smoke: $(wc -l < "$out/checks" | tr -d ' ') passed, 0 failed"
  exit 0
fi

# ---- inside a private keyring session and a virtual display with a tray ----------------------------------
amk_select_java
work="$(mktemp -d /tmp/amk-pkgsmoke.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export AMK_HOME="$work/home" AMK_KEYCHAIN_SERVICE="amk-package-smoke-$$" XDG_CONFIG_HOME="$work/config"
tools() { "$JAVA_HOME/bin/java" scripts/smoke/SmokeTools.java "$@"; }

echo "== 1. what the package installed" >&2
[ "$(command -v amk)" = /usr/bin/amk ] || fail "'amk' is not on the PATH as /usr/bin/amk (found: $(command -v amk || echo nothing))"
[ "$(readlink -f /usr/bin/amk)" = "$install_dir/bin/amk" ] || fail "/usr/bin/amk points to $(readlink -f /usr/bin/amk), not $install_dir/bin/amk"
check "amk on the PATH: /usr/bin/amk -> $install_dir/bin/amk"
desktop=/usr/share/applications/agent-master-key.desktop
grep -q "^Exec=\"$install_dir/bin/Agent Master Key\"$" "$desktop" 2>/dev/null || fail "no menu entry $desktop that starts $install_dir/bin/Agent Master Key"
[ -s /usr/share/icons/hicolor/256x256/apps/agent-master-key.png ] || fail "no menu icon in /usr/share/icons/hicolor/256x256/apps"
check "menu entry: $desktop, with its icon"
[ -s "$install_dir/lib/app/amk.aot" ] && check "AOT cache: $install_dir/lib/app/amk.aot" || echo "  note: the package has no AOT cache" >&2
version="$(sed -n 's/^--app-version \(.*\)$/\1/p' jpackage.cfg)"
[ "$(amk --version)" = "Agent Master Key $version" ] || fail "'amk --version' says '$(amk --version)', not version $version"
check "amk --version: $(amk --version)"

echo "== 2. the installed 'amk serve' swaps in the real key" >&2
# java itself in the background (not through tools()), so that $! is the JVM and the cleanup ends it.
"$JAVA_HOME/bin/java" scripts/smoke/SmokeTools.java upstream "$work/upstream.port" "$work/upstream.log" &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/upstream.port" ] && break; sleep 0.05; done
[ -s "$work/upstream.port" ] || fail "the loopback upstream did not start"
upstream_port="$(cat "$work/upstream.port")"
real_key="sk-package-smoke-$RANDOM$RANDOM"
printf '%s' "$real_key" | amk connection add up --provider openai --base-url "http://127.0.0.1:$upstream_port" >/dev/null
agent_key="$(amk agent create smoke-agent --grant up --json | sed -n 's/.*"key" *: *"\(amk_[^"]*\)".*/\1/p')"
[ -n "$agent_key" ] || fail "'amk agent create' printed no key"
amk serve --port 0 --json > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
port=""
for _ in $(seq 1 400); do
  port="$(sed -n 's/.*"event":"ready".*"port":\([0-9]*\).*/\1/p' "$work/serve.out")"
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$work/serve.err" >&2; fail "the installed 'amk serve' did not get ready"; }
check "amk serve ready on 127.0.0.1:$port"
answer="$(tools get "http://127.0.0.1:$port/up/v1/models" "Bearer $agent_key")"
[ "$answer" = '200 {"upstream":"ok"}' ] || fail "proxied request answered '$answer'"
grep -q "GET /v1/models | Authorization: Bearer $real_key" "$work/upstream.log" || fail "the upstream did not see the real key: $(cat "$work/upstream.log")"
! grep -q amk_ "$work/upstream.log" || fail "the agent's amk_ key reached the upstream"
check "proxied: the agent sent its amk_ key, the upstream saw the real key (and no amk_ key)"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true

echo "== 3 and 4. the installed app: tray icon, launch at login" >&2
# An autostart entry as a checkout would have left it: the installed app must point it at itself.
mkdir -p "$XDG_CONFIG_HOME/autostart"
entry="$XDG_CONFIG_HOME/autostart/agent-master-key.desktop"
printf '[Desktop Entry]\nType=Application\nName=Agent Master Key\nExec=/usr/bin/java -jar /home/someone/amk/target/amk.jar app\n' > "$entry"
"$install_dir/bin/Agent Master Key" app --port 0 --json > "$work/app.out" 2> "$work/app.err" &
app_pid=$!
pids+=("$app_pid")
for _ in $(seq 1 600); do grep -q ui_ready "$work/app.out" 2>/dev/null && break; sleep 0.05; done
grep -q '"ui_ready","tray":true,"shown":true' "$work/app.out" \
  || { cat "$work/app.out" "$work/app.err" >&2; fail "the installed app did not show its tray icon"; }
check "tray icon shown after $(sed -n 's/.*"ms_since_start":\([0-9]*\).*/\1/p' "$work/app.out") ms"
sleep 1
# with-tray-display.sh: a 1280x800 screen, trayer 200 px wide at the top right.
tools screenshot "$out/screen.png"
tools screenshot "$out/tray.png" 1080 0 200 32
check "screenshots: target/package-smoke/screen.png, target/package-smoke/tray.png"
for _ in $(seq 1 100); do grep -q "^Exec=\"$install_dir/bin/Agent Master Key\"$" "$entry" && break; sleep 0.05; done
grep -q "^Exec=\"$install_dir/bin/Agent Master Key\"$" "$entry" || fail "launch at login still starts: $(grep Exec "$entry")"
check "launch at login: the entry now starts $install_dir/bin/Agent Master Key"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true
