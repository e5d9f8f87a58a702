#!/usr/bin/env bash
# Builds the macOS app and its .dmg into target/dist/:
#   target/dist/Agent Master Key.app                      the app (menu-bar only; Contents/MacOS/amk is the CLI)
#   target/dist/Agent Master Key-VERSION.dmg              drag the app to Applications
# Steps: the jar (Maven), a trimmed Java runtime (jlink @packaging/jlink.cfg), the app (jpackage @jpackage.cfg
# with packaging/macos/Info.plist), its AOT cache (packaging/train-aot.sh), signing, the .dmg, notarization.
#
# Signing (optional, but it matters: macOS ties Keychain "Always Allow" to the code signature, so an unsigned
# or ad-hoc signed app asks again after every update):
#   AMK_MAC_SIGN_IDENTITY          "Developer ID Application: Name (TEAMID)" in your keychain; without it the
#                                  app is left unsigned by us (jpackage's ad-hoc signature only) and the script
#                                  says so
#   AMK_MAC_SIGNING_KEYCHAIN       the keychain holding it (default: the search list)
#   AMK_MAC_PROVISIONING_PROFILE   optional Developer ID provisioning profile: then the app also gets the
#                                  keychain-access-groups entitlement TEAMID.dev.amk.AgentMasterKey
# Notarization (needs signing):
#   AMK_NOTARY_PROFILE             a notarytool keychain profile ('xcrun notarytool store-credentials'), or
#   AMK_NOTARY_APPLE_ID, AMK_NOTARY_TEAM_ID, AMK_NOTARY_PASSWORD (an app-specific password)
# Usage: packaging/macos/build-dmg.sh [--no-aot]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/lib.sh
. packaging/lib.sh

aot=1
for arg in "$@"; do
  case "$arg" in
    --no-aot) aot=0 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) amk_die "unknown option '$arg' (see --help)" ;;
  esac
done

# ---- preconditions, each with what to do about it ---------------------------------------------------------
[ "$(uname -s)" = "Darwin" ] || amk_die "a .dmg can only be built on macOS (jpackage has no dmg type elsewhere). On Linux use packaging/linux/build.sh."
amk_select_java
[ -x "$JAVA_HOME/bin/jpackage" ] && [ -x "$JAVA_HOME/bin/jlink" ] \
  || amk_die "$JAVA_HOME has no jpackage/jlink: install a full JDK 25 ('brew install --cask temurin@25')."
command -v hdiutil >/dev/null 2>&1 || amk_die "hdiutil is missing; it is part of macOS. Is this a full macOS install?"
command -v codesign >/dev/null 2>&1 || amk_die "codesign is missing: install the Xcode command line tools ('xcode-select --install')."
identity="${AMK_MAC_SIGN_IDENTITY:-}"
if [ -n "$identity" ]; then
  case "$identity" in
    "Developer ID Application: "*) ;;
    *) amk_die "AMK_MAC_SIGN_IDENTITY must be a 'Developer ID Application: Name (TEAMID)' certificate, got '$identity'." ;;
  esac
  # Arrays are expanded as ${a[@]+"${a[@]}"}: macOS's bash 3.2 calls an empty "${a[@]}" unbound under set -u.
  codesign_opts=(--force --timestamp -s "$identity")
  keychain=()
  if [ -n "${AMK_MAC_SIGNING_KEYCHAIN:-}" ]; then
    keychain=("$AMK_MAC_SIGNING_KEYCHAIN")
    codesign_opts+=(--keychain "$AMK_MAC_SIGNING_KEYCHAIN")
  fi
  security find-identity -v -p codesigning ${keychain[@]+"${keychain[@]}"} | grep -qF "\"$identity\"" \
    || amk_die "the signing identity '$identity' is not in your keychain ('security find-identity -v -p codesigning' lists what is). Import the Developer ID certificate with its private key, or unset AMK_MAC_SIGN_IDENTITY to build unsigned."
  team="$(printf '%s' "$identity" | sed -n 's/.*(\([A-Z0-9]*\))$/\1/p')"
  [ -n "$team" ] || amk_die "cannot read the team ID from '$identity' (expected '… (TEAMID)')."
  if [ -n "${AMK_MAC_PROVISIONING_PROFILE:-}" ]; then
    [ -f "$AMK_MAC_PROVISIONING_PROFILE" ] || amk_die "AMK_MAC_PROVISIONING_PROFILE: no file at $AMK_MAC_PROVISIONING_PROFILE."
  fi
else
  echo "Note: AMK_MAC_SIGN_IDENTITY is not set, so the app is NOT signed with a Developer ID. It runs on this Mac," >&2
  echo "      but Gatekeeper blocks it elsewhere, it cannot be notarized, and Keychain 'Always Allow' does not" >&2
  echo "      survive an update. Set AMK_MAC_SIGN_IDENTITY='Developer ID Application: Name (TEAMID)' to sign." >&2
fi
notarize=0
if [ -n "${AMK_NOTARY_PROFILE:-}" ] || [ -n "${AMK_NOTARY_APPLE_ID:-}" ]; then
  [ -n "$identity" ] || amk_die "notarization needs a signed app: set AMK_MAC_SIGN_IDENTITY too."
  command -v xcrun >/dev/null 2>&1 && xcrun --find notarytool >/dev/null 2>&1 \
    || amk_die "notarytool is missing: install Xcode 13 or newer (or its command line tools)."
  if [ -z "${AMK_NOTARY_PROFILE:-}" ]; then
    [ -n "${AMK_NOTARY_TEAM_ID:-}" ] && [ -n "${AMK_NOTARY_PASSWORD:-}" ] \
      || amk_die "AMK_NOTARY_APPLE_ID needs AMK_NOTARY_TEAM_ID and AMK_NOTARY_PASSWORD (an app-specific password) too."
  fi
  notarize=1
elif [ -n "$identity" ]; then
  echo "Note: no notarization credentials (AMK_NOTARY_PROFILE, or AMK_NOTARY_APPLE_ID/TEAM_ID/PASSWORD): the .dmg is signed but not notarized." >&2
fi

name="Agent Master Key"
plistbuddy="${AMK_PLISTBUDDY:-/usr/libexec/PlistBuddy}"   # not on the PATH; packaging/macos/dry-run.sh passes a stand-in
version="$(amk_pkg_version jpackage.cfg)" || exit 1
app="target/dist/$name.app"

# ---- 1-2. the jar, jpackage's input ----------------------------------------------------------------------
amk_pkg_build_jar
rm -rf "$app" "target/dist/$name"*.dmg
amk_pkg_stage_input mac
# Notarization rejects unsigned native code anywhere in the bundle, jars included: sign every Mach-O inside the
# jars before jpackage copies them (and before the AOT cache records the jars' sizes). Chosen by content, not by
# name: besides JNA's .jnilib, sqlite-jdbc's and JavaFX's .dylib files there is jkeychain's osxkeychain.so, the
# JNI library java-keyring uses for the macOS Keychain (its x86_64 slice is unsigned, its arm64 slice only
# ad-hoc signed). Only those entries are replaced in the jar; everything else in it stays byte for byte.
if [ -n "$identity" ]; then
  amk_pkg_sign_jar_natives "${codesign_opts[@]}" -o runtime
fi

# ---- 3. the trimmed runtime -------------------------------------------------------------------------------
amk_pkg_jlink

# ---- 4. the app, unsigned for now (the AOT cache goes in before the signature seals the bundle) -----------
echo "jpackage: the app…" >&2
jpackage @jpackage.cfg --type app-image --runtime-image target/package/runtime \
  --icon icons/app/AppIcon.icns --resource-dir packaging/macos \
  --mac-package-identifier dev.amk.AgentMasterKey --dest target/dist
plutil -lint "$app/Contents/Info.plist" >/dev/null || amk_die "jpackage wrote an invalid Info.plist from packaging/macos/Info.plist."
"$plistbuddy" -c 'Print :LSUIElement' "$app/Contents/Info.plist" | grep -q true \
  || amk_die "the app's Info.plist lacks LSUIElement: jpackage did not use packaging/macos/Info.plist."
"$plistbuddy" -c 'Print :CFBundleVersion' "$app/Contents/Info.plist" | grep -qx "$version" \
  || amk_die "the app's CFBundleVersion is not $version: jpackage did not fill packaging/macos/Info.plist's placeholders."

# ---- 5. its AOT cache -------------------------------------------------------------------------------------
if [ "$aot" = 1 ]; then
  # On the menu-bar app (it shows in the menu bar for a few seconds); AMK_TRAIN_GUI=0 trains on 'amk serve'.
  packaging/train-aot.sh "$app/Contents/app" "$app/Contents/MacOS/$name" "$app/Contents/MacOS/amk"
fi

# ---- 6. signing -------------------------------------------------------------------------------------------
if [ -n "$identity" ]; then
  entitlements="packaging/macos/App.entitlements"
  if [ -n "${AMK_MAC_PROVISIONING_PROFILE:-}" ]; then
    entitlements="target/package/App.entitlements"
    cp packaging/macos/App.entitlements "$entitlements"
    "$plistbuddy" -c 'Add :keychain-access-groups array' \
      -c "Add :keychain-access-groups:0 string $team.dev.amk.AgentMasterKey" \
      -c "Add :com.apple.application-identifier string $team.dev.amk.AgentMasterKey" \
      -c "Add :com.apple.developer.team-identifier string $team" "$entitlements"
    cp "$AMK_MAC_PROVISIONING_PROFILE" "$app/Contents/embedded.provisionprofile"
  fi
  echo "Signing $app as '$identity'…" >&2
  signing=(--mac-sign --mac-app-image-sign-identity "$identity" --mac-entitlements "$entitlements")
  [ -n "${AMK_MAC_SIGNING_KEYCHAIN:-}" ] && signing+=(--mac-signing-keychain "$AMK_MAC_SIGNING_KEYCHAIN")
  # jpackage signs an existing app image in place: the runtime, every launcher and library, with the
  # hardened runtime and these entitlements.
  jpackage --type app-image --app-image "$app" "${signing[@]}"
  codesign --verify --deep --strict --verbose=2 "$app"
  codesign -d --entitlements - "$app" 2>/dev/null | grep -q allow-jit || amk_die "the signed app lacks its entitlements."
else
  # jpackage gave the app an ad-hoc signature, and the AOT cache and the launcher settings changed the bundle
  # after it: sign it ad hoc again, or macOS would call a downloaded copy "damaged" instead of "unidentified".
  codesign --force --deep --sign - "$app"
fi

# ---- 7. the .dmg: the app and a link to /Applications to drag it onto ---------------------------------------
# Named by the same lines of jpackage.cfg; the signed app goes in as it is.
amk_pkg_identity_cfg
echo "jpackage: the .dmg…" >&2
jpackage @target/package/identity.cfg --type dmg --app-image "$app" \
  --mac-package-identifier dev.amk.AgentMasterKey --icon icons/app/AppIcon.icns --dest target/dist
dmg="$(ls "target/dist/$name"-*.dmg)"
if [ -n "$identity" ]; then
  codesign "${codesign_opts[@]}" "$dmg"
fi

# ---- 8. notarization --------------------------------------------------------------------------------------
if [ "$notarize" = 1 ]; then
  echo "Notarizing $dmg (this waits for Apple; usually a few minutes)…" >&2
  if [ -n "${AMK_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$AMK_NOTARY_PROFILE" --wait
  else
    xcrun notarytool submit "$dmg" --apple-id "$AMK_NOTARY_APPLE_ID" --team-id "$AMK_NOTARY_TEAM_ID" --password "$AMK_NOTARY_PASSWORD" --wait
  fi
  xcrun stapler staple "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose "$dmg"
fi
echo "Built: $app and $dmg (version $version)"
[ -n "$identity" ] || echo "Unsigned: fine for trying it on this Mac; set AMK_MAC_SIGN_IDENTITY for a build to give to others."
