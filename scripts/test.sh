#!/usr/bin/env bash
# The test command: builds Agent Master Key and runs every test against real parts
# (the OS keychain, SQLite files, loopback HTTP servers, the proxy over real sockets).
#  - macOS: uses your login Keychain (test items are created and removed under a test service name).
#  - Debian/Ubuntu: installs what is missing (apt-get) and runs inside a private D-Bus session
#    with its own unlocked gnome-keyring, so your own keyring is never touched; the tray tests run
#    on a virtual display (Xvfb) with a tray panel (trayer); the OAuth sign-in tests drive a headless Chromium;
#    then scripts/package-smoke.sh builds, installs, smoke-tests and removes the .deb.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=ProxyEndToEndTest
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

amk_select_java
amk_require_maven

case "$(uname -s)" in
  Darwin)
    mvn -B verify "$@"
    mvn -B -Ptray surefire:test "$@"   # the real menu bar
    ;;
  Linux)
    missing=()
    command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
    command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
    command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb xauth x11-utils)
    command -v trayer >/dev/null 2>&1 || missing+=(trayer)
    [ -e /usr/lib/x86_64-linux-gnu/libgtk-3.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libgtk-3.so.0 ] || missing+=(libgtk-3-0)
    [ -x /usr/bin/chromium ] || missing+=(chromium)   # the real browser for the OAuth sign-in tests
    for tool in curl python3 git; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done   # TLS clients of the local CA's tests
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    if [ ${#missing[@]} -gt 0 ]; then
      echo "Installing test dependencies: ${missing[*]}" >&2
      amk_apt_install "${missing[@]}"
    fi
    export AMK_REQUIRE_KEYRING=1 AMK_REQUIRE_BROWSER=1
    # Everything headless first (UI tests through Monocle), then the tray tests on a virtual display with a tray.
    scripts/with-keyring.sh mvn -B verify "$@"
    AMK_REQUIRE_TRAY=1 scripts/with-keyring.sh scripts/with-tray-display.sh mvn -B -Ptray surefire:test "$@"
    # Then the packages: build the app image and the .deb, install it, smoke-test the installed product,
    # remove it (about 2 minutes). AMK_SKIP_PACKAGE_SMOKE=1 skips this stage.
    if [ "${AMK_SKIP_PACKAGE_SMOKE:-}" != 1 ]; then
      scripts/package-smoke.sh
    fi
    ;;
  *)
    amk_die "Unsupported system $(uname -s): use macOS or Debian/Ubuntu."
    ;;
esac
