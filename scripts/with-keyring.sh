#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME Keyring (Secret Service),
# so that tests and demos on Linux use a real keychain without touching the user's own.
# Usage: scripts/with-keyring.sh COMMAND [ARG…]
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "error: $0 needs $tool: install it with 'sudo apt-get install dbus gnome-keyring' (scripts/test.sh does)," \
      "or run the tests that need no keychain with 'scripts/test.sh --fast'." >&2
    exit 1
  }
done
if [ -z "${AMK_KEYRING_INNER:-}" ]; then
  export AMK_KEYRING_INNER=1
  exec dbus-run-session -- "$0" "$@"
fi
export XDG_DATA_HOME="$(mktemp -d /tmp/amk-keyring-data.XXXXXX)"
export XDG_RUNTIME_DIR="$(mktemp -d /tmp/amk-keyring-run.XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
cleanup() { rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; }
trap cleanup EXIT
# --unlock reads the new keyring's password from stdin, creates the 'login' collection and makes it the default.
export AMK_TEST_KEYRING_PASSWORD="amk-test-keyring-$$"
eval "$(printf '%s' "$AMK_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
for _ in $(seq 1 50); do
  if dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.1
done
export AMK_TEST_KEYRING=gnome-keyring
"$@"
