#!/usr/bin/env bash
# Runs a command on a private virtual display (Xvfb) with a system-tray panel (trayer), for the tests and
# screenshots that need a real tray. Usage: scripts/with-tray-display.sh COMMAND [ARG…]
set -euo pipefail
display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "${tray:-}" "$xvfb" 2>/dev/null || true' EXIT
export DISPLAY="$display"
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
trayer --edge top --align right --widthtype pixel --width 200 --height 32 --SetDockType true >/dev/null 2>&1 &
tray=$!
# trayer claims the tray selection shortly after it starts; a Java tray created before that finds no tray.
for _ in $(seq 1 50); do xwininfo -root -children 2>/dev/null | grep -qi trayer && break; sleep 0.1; done
sleep 0.5
"$@"
