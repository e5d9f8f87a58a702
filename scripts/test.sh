#!/usr/bin/env bash
# The test command: builds Agent Master Key and runs every test against real parts
# (the OS keychain, SQLite files, loopback HTTP servers, the proxy over real sockets).
#  - macOS: uses your login Keychain (test items are created and removed under a test service name).
#  - Debian/Ubuntu: installs what is missing (apt-get) and runs inside a private D-Bus session
#    with its own unlocked gnome-keyring, so your own keyring is never touched.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=ProxyEndToEndTest
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

amk_select_java
amk_require_maven

case "$(uname -s)" in
  Darwin)
    exec mvn -B verify "$@"
    ;;
  Linux)
    missing=()
    command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
    command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
    if [ ${#missing[@]} -gt 0 ]; then
      echo "Installing test dependencies: ${missing[*]}" >&2
      amk_apt_install "${missing[@]}"
    fi
    export AMK_REQUIRE_KEYRING=1
    exec scripts/with-keyring.sh mvn -B verify "$@"
    ;;
  *)
    amk_die "Unsupported system $(uname -s): use macOS or Debian/Ubuntu."
    ;;
esac
