#!/usr/bin/env bash
# Regenerates every icon from its source: the menu-bar / tray icons (icons/src/TrayIcons.java) into
# src/main/resources/dev/amk/ui/tray/, and the app icon (icons/src/AppIcon.java) into icons/app/
# (PNG sizes for Linux, AppIcon.icns for macOS). Needs only a JDK 25.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib.sh"
amk_select_java
cd "$root"
java icons/src/TrayIcons.java src/main/resources/dev/amk/ui/tray
java icons/src/AppIcon.java icons/app
