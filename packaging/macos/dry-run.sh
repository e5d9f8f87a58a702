#!/usr/bin/env bash
# Runs packaging/macos/build-dmg.sh on Linux with stand-ins for the macOS tools it calls (uname, jpackage, jlink,
# codesign, security, xcrun, spctl, plutil, PlistBuddy, hdiutil), twice: unsigned, as a fork's CI or a first
# try builds it, and signed + notarized. Every step of the script runs for real around them (the version check,
# staging the jars, choosing and re-packing the native libraries, the order of jpackage calls, the .dmg's name),
# and the stand-ins check the options they are given. What this cannot show is that Apple's tools accept the
# result: packaging/README.md's "first Mac run" checklist lists that.
# The stand-in jpackage fills packaging/macos/Info.plist's DEPLOY_* placeholders as jpackage's MacAppImageBuilder
# does; plutil and PlistBuddy are python3's plistlib. Output: target/dry-run/ (calls.log per run). JavaFX's macOS
# jars are not among them (Maven resolves the Linux ones here), so their .dylib files are not part of the run.
# Usage: packaging/macos/dry-run.sh   (builds target/amk.jar first when it is out of date, as build-dmg.sh does)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/lib.sh
. packaging/lib.sh

[ "$(uname -s)" = "Linux" ] || amk_die "dry-run.sh stands in for macOS on Linux; on a Mac run packaging/macos/build-dmg.sh itself."
command -v python3 >/dev/null 2>&1 || amk_die "python3 is needed for the plist stand-ins (apt-get install python3)."
if ! command -v zip >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then amk_die "zip and unzip are needed (apt-get install zip unzip)."; fi
amk_select_java
real_java_home="$JAVA_HOME"
amk_pkg_build_jar   # with the real JDK, before the stand-ins take its place

dry="$root/target/dry-run"
rm -rf "$dry"
mkdir -p "$dry/bin" "$dry/jdk/bin"
# A JDK whose java is the real one and whose jpackage and jlink are stand-ins: build-dmg.sh puts $JAVA_HOME/bin first.
for tool in java javac jar; do ln -s "$real_java_home/bin/$tool" "$dry/jdk/bin/$tool"; done

stub() { # $1: where, $2: name; the body on stdin. Each stand-in logs its arguments to $AMK_DRY_LOG first.
  # shellcheck disable=SC2016 # the $ expressions are for the stand-in, not for here
  { printf '#!/usr/bin/env bash\nset -euo pipefail\nprintf "%%s" "%s" >> "$AMK_DRY_LOG"; printf " [%%s]" "$@" >> "$AMK_DRY_LOG"; echo >> "$AMK_DRY_LOG"\n' "$2"
    cat; } > "$1/$2"
  chmod +x "$1/$2"
}

stub "$dry/bin" uname <<'EOF'
if [ "${1:-}" = "-s" ]; then echo Darwin; else /usr/bin/uname "$@"; fi
EOF
stub "$dry/jdk/bin" jlink <<'EOF'
out=""; prev=""
for a; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done
[ -n "$out" ] || { echo "jlink: no --output" >&2; exit 2; }
mkdir -p "$out/lib/server" "$out/bin"; : > "$out/lib/server/classes_nocoops.jsa"
EOF
stub "$dry/jdk/bin" jpackage <<'EOF'
declare -A opt=(); name=""; version=""; prev=""
for a; do
  case "$a" in
    @*) f="${a#@}"; [ -f "$f" ] || { echo "jpackage: no argfile $f" >&2; exit 2; }
        name="$(sed -n 's/^--name "\(.*\)"$/\1/p' "$f")"; version="$(sed -n 's/^--app-version \(.*\)$/\1/p' "$f")" ;;
    --*) opt[$a]=1 ;;
    *) [ -n "$prev" ] && opt[$prev]="$a" ;;
  esac
  case "$a" in --*) prev="$a" ;; *) prev="" ;; esac
done
type="${opt[--type]:-}"
if [ "$type" = app-image ] && [ -z "${opt[--app-image]:-}" ]; then
  for o in --runtime-image --icon --resource-dir --mac-package-identifier --dest; do
    [ -n "${opt[$o]:-}" ] || { echo "jpackage: app image without $o" >&2; exit 2; }
  done
  [ -d "${opt[--runtime-image]}" ] || { echo "jpackage: no runtime image" >&2; exit 2; }
  [ -f "${opt[--icon]}" ] || { echo "jpackage: no icon ${opt[--icon]}" >&2; exit 2; }
  app="${opt[--dest]}/$name.app"
  mkdir -p "$app/Contents/MacOS" "$app/Contents/app" "$app/Contents/runtime" "$app/Contents/Resources"
  printf '#!/bin/sh\n' > "$app/Contents/MacOS/$name"; printf '#!/bin/sh\n' > "$app/Contents/MacOS/amk"
  chmod +x "$app/Contents/MacOS/$name" "$app/Contents/MacOS/amk"
  cp target/package/input/*.jar "$app/Contents/app/"
  # MacAppImageBuilder's placeholders, filled from the options as jpackage does.
  sed -e "s|DEPLOY_LAUNCHER_NAME|$name|" -e "s|DEPLOY_ICON_FILE|$name.icns|" -e "s|DEPLOY_BUNDLE_NAME|$name|" \
      -e "s|DEPLOY_BUNDLE_SHORT_VERSION|$version|" -e "s|DEPLOY_BUNDLE_CFBUNDLE_VERSION|$version|" \
      -e "s|DEPLOY_BUNDLE_COPYRIGHT|(c)|" -e "s|DEPLOY_FILE_ASSOCIATIONS||" \
      "${opt[--resource-dir]}/Info.plist" > "$app/Contents/Info.plist"
elif [ "$type" = app-image ]; then
  [ -d "${opt[--app-image]}" ] || { echo "jpackage: no app image to sign" >&2; exit 2; }
  [ -n "${opt[--mac-sign]:-}" ] && [ -n "${opt[--mac-app-image-sign-identity]:-}" ] && [ -f "${opt[--mac-entitlements]:-/none}" ] \
    || { echo "jpackage: signing an app image needs --mac-sign, an identity and an entitlements file" >&2; exit 2; }
elif [ "$type" = dmg ]; then
  [ -d "${opt[--app-image]:-/none}" ] || { echo "jpackage: the .dmg needs --app-image" >&2; exit 2; }
  [ -n "$name" ] && [ -n "$version" ] || { echo "jpackage: the .dmg needs the identity argfile" >&2; exit 2; }
  : > "${opt[--dest]}/$name-$version.dmg"
else
  echo "jpackage: unexpected --type '$type'" >&2; exit 2
fi
EOF
stub "$dry/bin" plutil <<'EOF'
if [ "${1:-}" = "-lint" ]; then python3 -c 'import plistlib,sys; plistlib.load(open(sys.argv[1],"rb"))' "$2"; fi
EOF
stub "$dry/bin" PlistBuddy <<'EOF'
# Only what build-dmg.sh uses: -c 'Print :KEY' FILE, and -c 'Add …' (logged, not applied).
cmds=(); file=""
while [ $# -gt 0 ]; do case "$1" in -c) cmds+=("$2"); shift 2 ;; *) file="$1"; shift ;; esac; done
for c in "${cmds[@]}"; do
  case "$c" in
    "Print :"*) python3 -c 'import plistlib,sys; v=plistlib.load(open(sys.argv[1],"rb"))[sys.argv[2]]; print(str(v).lower() if isinstance(v,bool) else v)' "$file" "${c#Print :}" ;;
    "Add :"*) ;;
    *) echo "PlistBuddy stand-in: unsupported '$c'" >&2; exit 2 ;;
  esac
done
EOF
stub "$dry/bin" codesign <<'EOF'
case " $* " in
  *" -d "*) echo '<key>com.apple.security.cs.allow-jit</key>' ;;   # the entitlements of a signed app
  *" --verify "*) ;;
  *) for f; do last="$f"; done; [ -e "$last" ] || { echo "codesign: no $last" >&2; exit 2; }
     if [ -f "$last" ]; then printf 'SIGNED' >> "$last"; fi ;;
esac
EOF
stub "$dry/bin" security <<'EOF'
echo '  1) 0123456789ABCDEF "Developer ID Application: Dry Run (TEAM123456)"'
EOF
stub "$dry/bin" xcrun <<'EOF'
if [ "${1:-}" = "--find" ]; then echo "/usr/bin/$2"; fi
EOF
stub "$dry/bin" spctl <<'EOF'
EOF
stub "$dry/bin" hdiutil <<'EOF'
EOF

# build-dmg.sh with the stand-ins; $1: a name for the run, the rest: environment assignments.
run() {
  local label="$1"; shift
  echo "== dry run: $label" >&2
  export AMK_DRY_LOG="$dry/$label.calls.log"
  : > "$AMK_DRY_LOG"
  env -u AMK_MAC_SIGN_IDENTITY -u AMK_MAC_SIGNING_KEYCHAIN -u AMK_MAC_PROVISIONING_PROFILE -u AMK_NOTARY_PROFILE \
    -u AMK_NOTARY_APPLE_ID -u AMK_NOTARY_TEAM_ID -u AMK_NOTARY_PASSWORD \
    JAVA_HOME="$dry/jdk" PATH="$dry/bin:$PATH" AMK_PLISTBUDDY="$dry/bin/PlistBuddy" "$@" \
    packaging/macos/build-dmg.sh --no-aot
}
expect() { # $1: run, $2: a fixed string its calls.log must contain, $3: what that shows
  grep -qF -- "$2" "$dry/$1.calls.log" || amk_die "dry run '$1': expected $3 ($2) in $dry/$1.calls.log"
  echo "   ok: $3" >&2
}
refuse() {
  if grep -qF -- "$2" "$dry/$1.calls.log"; then amk_die "dry run '$1': did not expect $3 ($2)"; fi
  echo "   ok: $3" >&2
}

version="$(sed -n 's/^--app-version \(.*\)$/\1/p' jpackage.cfg)"
dmg="target/dist/Agent Master Key-$version.dmg"

run unsigned
[ -f "$dmg" ] || amk_die "dry run 'unsigned': no $dmg"
echo "   ok: $dmg" >&2
expect unsigned "jpackage [@jpackage.cfg] [--type] [app-image]" "the app image from jpackage.cfg"
expect unsigned "codesign [--force] [--deep] [--sign] [-]" "the ad-hoc signature renewed after the bundle changed"
expect unsigned "jpackage [@target/package/identity.cfg] [--type] [dmg]" "the .dmg from the same app image"
refuse unsigned "--mac-sign" "no Developer ID signing"
refuse unsigned "osxkeychain.so" "no native library re-signed"
refuse unsigned "notarytool" "no notarization"

run signed AMK_MAC_SIGN_IDENTITY="Developer ID Application: Dry Run (TEAM123456)" AMK_NOTARY_PROFILE=dry-run
[ -f "$dmg" ] || amk_die "dry run 'signed': no $dmg"
expect signed "unpacked/jkeychain-1.1.0/osxkeychain.so]" "jkeychain's osxkeychain.so signed (chosen by content)"
expect signed "libjnidispatch.jnilib]" "JNA's library signed"
expect signed "libsqlitejdbc.dylib]" "sqlite-jdbc's library signed"
expect signed "[--timestamp] [-s] [Developer ID Application: Dry Run (TEAM123456)] [-o] [runtime]" "the jars' natives signed with the hardened runtime"
expect signed "[--mac-sign] [--mac-app-image-sign-identity] [Developer ID Application: Dry Run (TEAM123456)]" "the app image signed by jpackage"
expect signed "notarytool] [submit]" "the .dmg notarized"
expect signed "stapler] [staple]" "the ticket stapled"
unzip -p target/package/input/lib/jkeychain-1.1.0.jar osxkeychain.so | tail -c 6 | grep -qx SIGNED \
  || amk_die "dry run 'signed': osxkeychain.so in the staged jkeychain jar was not replaced by its signed copy"
echo "   ok: the signed osxkeychain.so is back in its jar" >&2
rm -rf "target/dist/Agent Master Key.app" "$dmg"   # stand-ins' output, not a real app: gone before anyone opens it
echo "Dry runs passed: build-dmg.sh unsigned and signed + notarized, with stand-ins for the macOS tools (logs in $dry)." >&2
