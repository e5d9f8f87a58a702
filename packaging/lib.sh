# shellcheck shell=bash
# The steps packaging/linux/build.sh and packaging/macos/build-dmg.sh share. Sourced (after scripts/lib.sh),
# not run; the working directory is the repository root.

# target/amk.jar and target/lib/, built when the sources are newer than the last build.
amk_pkg_build_jar() {
  if [ ! -f target/amk.jar ] || [ -n "$(find src/main pom.xml -newer target/amk.jar -print -quit)" ]; then
    amk_require_maven
    echo "Building target/amk.jar…" >&2
    mvn -B -q -DskipTests package >&2
  fi
}

# jpackage's input (target/package/input, named by jpackage.cfg): amk.jar and lib/ as Maven lays them out,
# minus the JavaFX jars without a platform classifier (empty stubs; the classes are in javafx-*-$1*.jar).
# $1: the JavaFX classifier of this platform (linux, mac).
amk_pkg_stage_input() {
  rm -rf target/package
  mkdir -p target/package/input/lib target/dist
  cp target/amk.jar target/package/input/
  local jar
  for jar in target/lib/*.jar; do
    case "$(basename "$jar")" in
      javafx-*-"$1"*.jar) cp "$jar" target/package/input/lib/ ;;
      javafx-*) ;;
      *) cp "$jar" target/package/input/lib/ ;;
    esac
  done
}

# The trimmed runtime, target/package/runtime (packaging/jlink.cfg). classes_nocoops.jsa serves only heaps
# over 32 GB; the app's is at most 256 MB.
amk_pkg_jlink() {
  echo "jlink: the trimmed runtime…" >&2
  jlink @packaging/jlink.cfg --output target/package/runtime
  rm -f target/package/runtime/lib/server/classes_nocoops.jsa
}

# target/package/identity.cfg: the lines of jpackage.cfg that name the package (name, version, vendor,
# description, copyright), for the package step, which starts from the finished app image: the options that
# made the image (main jar, Java options, launchers) are in it already, and jpackage refuses them there.
amk_pkg_identity_cfg() {
  grep -E '^--(name|app-version|vendor|description|copyright) ' jpackage.cfg > target/package/identity.cfg
}

# The product's version: jpackage.cfg's --app-version, checked against the strictest rule any platform applies,
# macOS's CFBundleVersion as jpackage 25 checks it: one to three dot-separated non-negative integers, the first
# above zero (openjdk jdk.jpackage/macosx/.../CFBundleVersion.java up to JDK 25: "first-number-not-zero",
# "too-many-components"; its ErrorTest expects '--app-version 0.2' to fail on a Mac). Checked on Linux too, so
# a version the Mac build would refuse never gets as far as a Mac. $1: the cfg file (default jpackage.cfg).
amk_pkg_version() {
  local cfg="${1:-jpackage.cfg}" v
  v="$(sed -n 's/^--app-version \(.*\)$/\1/p' "$cfg")"
  [ -n "$v" ] || amk_die "no --app-version line in $cfg."
  printf '%s' "$v" | grep -Eq '^[0-9]+(\.[0-9]+){0,2}$' \
    || amk_die "--app-version '$v' in $cfg: use one to three numbers separated by dots (1.0.0); macOS's CFBundleVersion allows nothing else."
  [ "$(printf '%s' "${v%%.*}" | sed 's/^0*//')" != "" ] \
    || amk_die "--app-version '$v' in $cfg: the first number must be above zero (jpackage refuses it for macOS's CFBundleVersion). Use 1.0.0 or higher."
  printf '%s\n' "$v"
}

# The Mach-O files inside jars (native libraries to sign before notarization), one 'JAR<TAB>ENTRY' a line.
# Chosen by content, not by name: jkeychain's osxkeychain.so (the macOS Keychain for java-keyring) ends in .so,
# and notarization checks every Mach-O in a jar whatever its name. packaging/macos/MachOEntries.java reads the
# magic numbers. $@: the jars.
amk_pkg_macho_entries() {
  java "${BASH_SOURCE[0]%/*}/macos/MachOEntries.java" "$@"
}

# Signs the Mach-O files inside jpackage's input jars in place (amk_pkg_macho_entries chooses them): each is
# extracted, signed with 'codesign "$@" FILE', and put back into its jar under the same name; the jar's other
# entries are not touched. Its list goes to target/package/macho.txt. $@: codesign's options.
amk_pkg_sign_jar_natives() {
  local list=target/package/macho.txt jar x entry root
  root="$(pwd)"
  amk_pkg_macho_entries target/package/input/*.jar target/package/input/lib/*.jar > "$list"
  while IFS= read -r jar <&3; do
    echo "Signing the native libraries in $(basename "$jar")…" >&2
    x="target/package/unpacked/$(basename "$jar" .jar)"
    rm -rf "$x"; mkdir -p "$x"
    local entries=()
    while IFS= read -r entry; do entries+=("$entry"); done < <(awk -F'\t' -v j="$jar" '$1 == j {print $2}' "$list")
    (cd "$x" && unzip -q "$root/$jar" "${entries[@]}")
    for entry in "${entries[@]}"; do codesign "$@" "$x/$entry"; done
    (cd "$x" && zip -q -X "$root/$jar" "${entries[@]}")
  done 3< <(cut -f1 "$list" | sort -u)
}
