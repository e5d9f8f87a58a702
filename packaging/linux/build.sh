#!/usr/bin/env bash
# Builds the Linux packages of Agent Master Key into target/dist/:
#   target/dist/Agent Master Key/                 the app image (runs in place: bin/Agent Master Key, bin/amk)
#   target/dist/agent-master-key_VERSION_ARCH.deb  installs to /opt/agent-master-key, with a menu entry
#                                                  (packaging/linux/agent-master-key.desktop) and /usr/bin/amk
#                                                  (the CLI on the PATH); launch at login is the app's own
#                                                  setting (~/.config/autostart/agent-master-key.desktop)
# Steps: the jar (Maven), a trimmed Java runtime (jlink @packaging/jlink.cfg), the app image (jpackage
# @jpackage.cfg), its AOT cache (packaging/train-aot.sh), then the .deb made from that very image.
# Usage: packaging/linux/build.sh [--app-image-only] [--no-aot]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/lib.sh
. packaging/lib.sh

deb=1
aot=1
for arg in "$@"; do
  case "$arg" in
    --app-image-only) deb=0 ;;
    --no-aot) aot=0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) amk_die "unknown option '$arg' (see --help)" ;;
  esac
done

[ "$(uname -s)" = "Linux" ] || amk_die "packaging/linux/build.sh builds Linux packages; on macOS use packaging/macos/build-dmg.sh."
amk_pkg_version jpackage.cfg >/dev/null || exit 1   # the same version rule as the Mac build (CFBundleVersion)
amk_select_java
[ -x "$JAVA_HOME/bin/jpackage" ] && [ -x "$JAVA_HOME/bin/jlink" ] \
  || amk_die "$JAVA_HOME has no jpackage/jlink: a full JDK 25 is needed (not a JRE)."
if [ "$deb" = 1 ]; then
  # jpackage's .deb step runs fakeroot, dpkg-deb and objdump (for the package's library dependencies).
  missing=()
  command -v fakeroot >/dev/null 2>&1 || missing+=(fakeroot)
  command -v objdump >/dev/null 2>&1 || missing+=(binutils)
  command -v dpkg-deb >/dev/null 2>&1 || amk_die "dpkg-deb is missing: the .deb can be built on Debian/Ubuntu only (or use --app-image-only)."
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || amk_die "Missing: ${missing[*]}."
    echo "Installing ${missing[*]} (apt-get)…" >&2
    amk_apt_install "${missing[@]}"
  fi
fi

# 1-3. The jar, jpackage's input, the trimmed runtime.
amk_pkg_build_jar
rm -rf "target/dist/Agent Master Key" target/dist/*.deb
amk_pkg_stage_input linux
amk_pkg_jlink

# 4. The app image.
echo "jpackage: the app image…" >&2
jpackage @jpackage.cfg --type app-image --runtime-image target/package/runtime \
  --icon icons/app/png/agent-master-key-256.png --dest target/dist
image="target/dist/Agent Master Key"

# 5. The menu entry and its icons, in lib/desktop/ of the image (jpackage's .deb takes bin/ and lib/ only),
#    for the .deb's postinst to link into /usr/share.
mkdir -p "$image/lib/desktop"
cp packaging/linux/agent-master-key.desktop "$image/lib/desktop/"
for png in icons/app/png/agent-master-key-*.png; do
  size="$(basename "$png" .png)"; size="${size##*-}"
  [ "$size" -le 512 ] || continue
  mkdir -p "$image/lib/desktop/icons/${size}x${size}"
  cp "$png" "$image/lib/desktop/icons/${size}x${size}/agent-master-key.png"
done

# 5b. One whole-second modification time on every file of the image: the AOT cache records each class-path jar's
#     time, and step 7 gives the packaged files the same one.
stamp="$(date +%s)"
find "$image" -exec touch -h -d "@$stamp" {} +

# 6. Its AOT cache, trained on the image itself: on the menu-bar app when there is a display, or one can be
#    made (Xvfb with a tray panel, as the tests use), else on 'amk serve'.
if [ "$aot" = 1 ]; then
  train=(packaging/train-aot.sh "$image/lib/app" "$image/bin/Agent Master Key" "$image/bin/amk")
  if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null 2>&1 && command -v trayer >/dev/null 2>&1 && command -v xwininfo >/dev/null 2>&1; then
    scripts/with-tray-display.sh "${train[@]}"
  else
    "${train[@]}"
  fi
fi
[ "$deb" = 1 ] || { echo "Built: $image"; exit 0; }

# 7. The .deb, from that image, named by the same lines of jpackage.cfg.
amk_pkg_identity_cfg
echo "jpackage: the .deb…" >&2
jpackage @target/package/identity.cfg --type deb --app-image "$image" \
  --linux-package-name agent-master-key --linux-deb-maintainer packaging@agent-master-key.invalid \
  --linux-app-category utils \
  --linux-package-deps "libgtk-3-0 | libgtk-3-0t64" \
  --icon icons/app/png/agent-master-key-256.png \
  --resource-dir packaging/linux/resources --dest target/dist
# jpackage copies the image into the package without its modification times, and the AOT cache checks them: an
# installed jar newer than the cache makes the JVM warn on every start and run without it. So the package is
# unpacked, its files given the image's time again, and packed once more (same control files, same contents).
deb="$(ls target/dist/*.deb)"
if [ "$aot" = 1 ]; then
  repack="$(mktemp -d "${TMPDIR:-/tmp}/amk-deb.XXXXXX")"
  dpkg-deb -R "$deb" "$repack/root"
  find "$repack/root" -path "$repack/root/DEBIAN" -prune -o -exec touch -h -d "@$stamp" {} +
  dpkg-deb --root-owner-group -b "$repack/root" "$deb" >/dev/null
  rm -rf "$repack"
fi
echo "Built: $image and $deb"
