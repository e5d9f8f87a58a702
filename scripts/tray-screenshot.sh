#!/usr/bin/env bash
# Renders docs/screenshots/tray-menu.png: the real app on a virtual display with a tray panel (Xvfb +
# trayer), seeded through the CLI with a few agents, its tray menu opened with a real right-click.
# Linux only; needs xdotool and ImageMagick (apt-get install xdotool imagemagick).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${AMK_TRAYSHOT_INNER:-}" ]; then
  export AMK_TRAYSHOT_INNER=1
  exec "$root/scripts/with-keyring.sh" "$root/scripts/with-tray-display.sh" "$0" "$@"
fi
. "$root/scripts/lib.sh"
amk_select_java
command -v xdotool >/dev/null || amk_die "xdotool is needed: apt-get install xdotool"
[ -f "$root/target/amk.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d)"; export AMK_HOME="$work/home"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
amk() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/target/amk.jar" "$@"; }
printf '%s' sk-tray-shot | amk connection add openai --provider openai >/dev/null
printf '%s' ghp_tray_shot | amk connection add github --provider github >/dev/null
amk agent create coding-agent --grant openai >/dev/null
amk agent create research-bot --grant github:read >/dev/null
amk agent create issue-triage --grant 'github:GET,POST:/repos/acme/*/issues/**' >/dev/null
amk agent create old-script --grant openai >/dev/null
amk agent revoke old-script >/dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/target/amk.jar" app --port 9323 --json > "$work/out" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 400); do grep -q ui_ready "$work/out" 2>/dev/null && break; sleep 0.05; done
sleep 1
# The icon sits at the right end of the 200 px trayer panel on the 1280 px wide display.
xdotool mousemove 1266 16 click 3
sleep 0.5
xdotool mousemove 1100 120   # onto the menu, away from the icon, so that its tooltip goes
sleep 1
mkdir -p "$root/docs/screenshots"
import -window root -crop 340x215+940+0 +repage "$root/docs/screenshots/tray-menu.png"
echo "wrote docs/screenshots/tray-menu.png"
