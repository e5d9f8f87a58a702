#!/usr/bin/env bash
# Renders the README's screenshots into docs/screenshots/: the window's views from a seeded, real broker
# (ScreenshotTour, headless) and, on Linux, the tray menu on a virtual display (Xvfb + trayer + xdotool).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
amk_select_java
amk_require_maven
out="$PWD/docs/screenshots"
mkdir -p "$out"
scripts/with-keyring.sh mvn -B -q test -Dsurefire.groups=screenshots -Dsurefire.excludedGroups= -Dtest=ScreenshotTour \
  -Dsurefire.failIfNoSpecifiedTests=false -Damk.screenshots.dir="$out" -DargLine="\${test.jvm.args} -Damk.screenshots.dir=$out"
ls -l "$out"
