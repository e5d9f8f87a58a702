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
