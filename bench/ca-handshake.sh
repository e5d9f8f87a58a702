#!/usr/bin/env bash
# Benchmark (not a test): the local CA on an intercepted tunnel's path. Leaf issuance (a host's first leaf,
# cold and warm; a cached look-up) and a new loopback TLS connection with a cached leaf (full handshake +
# one small request, TLS 1.3 and 1.2, p50/p99), JDK client and server with the CA's SniKeyManager.
#
#   bench/ca-handshake.sh [HANDSHAKES (2000)] [HOSTS (500)]
#
# Builds the classes if needed (mvn compile), then runs bench/CaHandshake.java on the project's class path
# with the JVM options 'amk serve' gets (scripts/lib.sh). Loopback only; nothing outside the temp folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib.sh"
amk_select_java
amk_require_maven
cp_file="$root/target/bench-classpath.txt"
(cd "$root" && mvn -B -q -DskipTests compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file") >&2
# shellcheck disable=SC2046 # amk_java_options is a list of options
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $(amk_java_options) -cp "$root/target/classes:$(cat "$cp_file")" \
  "$root/bench/CaHandshake.java" "$@"
