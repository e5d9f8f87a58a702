# Shared by the scripts in this folder: pick a Java 25 JDK and make sure Maven is there.
# Sourced, not run.

amk_die() { echo "error: $*" >&2; exit 1; }

amk_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }

# Sets JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if it qualifies, else a well-known location.
amk_select_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if [ "$(uname -s)" = "Darwin" ] && [ -x /usr/libexec/java_home ]; then
    candidates+=("$(/usr/libexec/java_home -v 25+ 2>/dev/null || true)")
  fi
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64)
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local c
  for c in "${candidates[@]}"; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    local major; major="$(amk_java_major "$c")"
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"; export PATH="$JAVA_HOME/bin:$PATH"; return 0
    fi
  done
  if [ "$(uname -s)" = "Darwin" ]; then
    amk_die "Java 25 is needed. Install it with 'brew install --cask temurin@25' (or from adoptium.net), then run this again."
  fi
  amk_die "Java 25 is needed. On Debian/Ubuntu install a Temurin 25 JDK (adoptium.net), or set JAVA_HOME to one, then run this again."
}

amk_require_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  if [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Maven (apt-get)…" >&2
    amk_apt_install maven
    return 0
  fi
  amk_die "Maven is needed: 'brew install maven' on macOS, 'apt-get install maven' on Debian/Ubuntu."
}

# apt-get install, as root or through sudo; updates the package lists once per run.
amk_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${AMK_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >/dev/null
    export AMK_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# JVM options (scripts/run.sh, the benchmarks). Both: a small serial-GC heap and no heap dumps or attach
# (a dump would hold secrets). They differ where throughput and footprint pull apart:
# - the CLI and 'amk serve', the broker's long-running mode: the full JIT, and a young generation of a fixed 48 MB
#   (-Xmn48m, so -Xms96m). The serial collector resizes its young generation only after a collection that leaves the
#   survivor spaces empty, which never happens while many streams are open: a broker started at -Xms16m met a burst of
#   2,000 streams with a 5-13 MB young generation and promoted nearly all it allocated (~90 pauses of 26-93 ms, then
#   full collections); with 48 MB, ~23 pauses, first events 1.3-1.8x sooner, peak RSS 20-25 MB lower (docs/benchmarks.md).
# - the menu-bar app: -Xms16m, and the JIT stopped at C1 with a small code cache: it idles at ~190 MB instead of
#   ~250 MB and its icon appears sooner, while a local agent's traffic never needs C2.
amk_common_java_options() {
  echo "-XX:+UseSerialGC -Xmx256m -XX:MaxMetaspaceSize=128m -XX:-HeapDumpOnOutOfMemoryError -XX:+DisableAttachMechanism"
}
amk_java_options() {
  echo "$(amk_common_java_options) -Xms96m -Xmn48m"
}
amk_app_java_options() {
  echo "$(amk_common_java_options) -Xms16m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m"
}
