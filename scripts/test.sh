#!/usr/bin/env bash
# The test command: builds Agent Master Key and runs every test against real parts
# (the OS keychain, SQLite files, loopback HTTP servers, the proxy over real sockets).
#  - macOS: uses your login Keychain (test items are created and removed under a test service name).
#  - Debian/Ubuntu: installs what is missing (apt-get) and runs inside a private D-Bus session
#    with its own unlocked gnome-keyring, so your own keyring is never touched; the tray tests run
#    on a virtual display (Xvfb) with a tray panel (trayer); the OAuth sign-in tests drive a headless Chromium;
#    then scripts/package-smoke.sh builds, installs, smoke-tests and removes the .deb.
# This full run is what CI runs (.ci/run). scripts/test.sh --fast is the quick loop while you work (a few minutes,
# installs nothing): the unit and end-to-end tests headless, with the end-to-end tests' secrets in an in-memory
# store; it leaves out the tests of the OS keychain itself (tag 'keychain'), the tray tests and the .deb.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dtest=ProxyEndToEndTest or scripts/test.sh --fast -Dtest='dev.amk.proxy.**'
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

fast=0
for arg in "$@"; do
  shift
  if [ "$arg" = --fast ]; then fast=1; else set -- "$@" "$arg"; fi
done

amk_select_java
amk_require_maven

if [ "$fast" = 1 ]; then
  case "$(uname -s)" in
    Darwin|Linux) ;;
    *) amk_die "Unsupported system $(uname -s): use macOS or Linux." ;;
  esac
  # -Pfast leaves out the tests tagged 'keychain'; without a session bus nothing else can reach a keyring either
  # (yours included), so the run is the same on a machine with or without one.
  exec env -u DBUS_SESSION_BUS_ADDRESS mvn -B -Pfast verify "$@"
fi

# The full run must exercise the real keychain: a test that needs it fails instead of skipping when it is missing.
export AMK_REQUIRE_KEYRING=1

case "$(uname -s)" in
  Darwin)
    npm ci --prefix src/test/node/mcp --no-audit --no-fund   # the official MCP TypeScript SDK for McpSdkTest
    export AMK_REQUIRE_MCP_SDK=1
    npm ci --prefix src/test/node/aws-js --no-audit --no-fund   # the AWS SDK for JavaScript on Node 24, for AwsJsSdkTest
    export AMK_REQUIRE_AWS_JS_SDK=1
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
    command -v gh >/dev/null 2>&1 || missing+=(gh)   # proxy mode: `gh api user` through `amk run`
    /usr/bin/python3 -c 'import requests, httpx' >/dev/null 2>&1 || missing+=(python3-requests python3-httpx)   # proxy mode's Python clients
    command -v aws >/dev/null 2>&1 || missing+=(awscli)   # the cloud tests' real AWS CLI (AwsProxyTest)
    /usr/bin/python3 -c 'import botocore, boto3' >/dev/null 2>&1 || missing+=(python3-botocore python3-boto3)   # their fake's signer, and boto3
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)   # the fake AWS makes its TLS certificate with it
    command -v npm >/dev/null 2>&1 || missing+=(npm)   # installs the MCP SDK for McpSdkTest
    if [ ${#missing[@]} -gt 0 ]; then
      echo "Installing test dependencies: ${missing[*]}" >&2
      amk_apt_install "${missing[@]}"
    fi
    export AMK_REQUIRE_BROWSER=1
    npm ci --prefix src/test/node/mcp --no-audit --no-fund   # the official MCP TypeScript SDK for McpSdkTest
    export AMK_REQUIRE_MCP_SDK=1
    npm ci --prefix src/test/node/aws-js --no-audit --no-fund   # the AWS SDK for JavaScript on Node 24, for AwsJsSdkTest
    export AMK_REQUIRE_AWS_JS_SDK=1
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

# --- Fuzzing (issue 10, item 8) -------------------------------------------------------------------------------
# The run above replayed every fuzz target's committed corpus (src/test/resources/<package>/<Test>Inputs/<method>/).
# Here each @FuzzTest method that is not @Disabled is fuzzed for AMK_FUZZ_SECONDS (default 20; 0 skips), one JVM
# at a time. A finding fails the run and leaves its input in that Inputs folder: fix the bug, commit the input.
fuzz_seconds="${AMK_FUZZ_SECONDS:-20}"
if [ "$fuzz_seconds" != 0 ]; then
  for source in $(find src/test/java -name '*FuzzTest.java' | sort); do
    for target in $(awk -v class="$(basename "$source" .java)" '/@FuzzTest/ {pending = 1; disabled = 0}
        pending && /Disabled\(/ {disabled = 1}
        pending && match($0, /void [A-Za-z0-9_]+\(/) {if (!disabled) print class "#" substr($0, RSTART + 5, RLENGTH - 6); pending = 0}' "$source"); do
      echo "Fuzzing $target for ${fuzz_seconds}s" >&2
      JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${fuzz_seconds}s" mvn -B -q surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false
    done
  done
fi
# --- end of fuzzing ---------------------------------------------------------------------------------------------
