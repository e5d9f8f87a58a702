#!/usr/bin/env bash
# Runs Agent Master Key from a source checkout: builds target/amk.jar when the sources are newer, then
# starts it. With no arguments it runs the menu-bar app with its broker (on a machine without a display,
# the broker alone, as 'amk serve'); any arguments are an amk command, e.g.
#   scripts/run.sh agent list
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib.sh"

amk_select_java
jar="$root/target/amk.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
  amk_require_maven
  echo "Building target/amk.jar…" >&2
  (cd "$root" && mvn -B -q -DskipTests package) >&2
fi

options="$(amk_java_options)"
if [ $# -eq 0 ] || [ "$1" = "app" ]; then options="$(amk_app_java_options)"; fi
# shellcheck disable=SC2086 # the options are a list
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $options -jar "$jar" "$@"
