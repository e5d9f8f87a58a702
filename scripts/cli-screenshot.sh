#!/usr/bin/env bash
# Renders a real terminal session with the amk CLI to docs/screenshots/cli-session.png: a throw-away
# data folder and keyring, a loopback stand-in for the OpenAI API, and the commands a new user types.
# Needs ImageMagick (apt-get install imagemagick), curl and python3. Linux only (it uses the private keyring).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${AMK_KEYRING_INNER:-}" ]; then exec "$root/scripts/with-keyring.sh" "$0" "$@"; fi
. "$root/scripts/lib.sh"
amk_select_java
command -v convert >/dev/null && convert -version >/dev/null 2>&1 || amk_die "ImageMagick is needed: apt-get install imagemagick"
[ -f "$root/target/amk.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)

work="$(mktemp -d)"; export AMK_HOME="$work/home"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/api/v1"
printf '{"object":"list","data":[{"id":"gpt-5","object":"model"}]}' > "$work/api/v1/models"
python3 -m http.server 18080 --bind 127.0.0.1 --directory "$work/api" >/dev/null 2>&1 & pids+=($!)
amk() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/target/amk.jar" "$@"; }
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/target/amk.jar" serve --port 9323 > "$work/serve.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do grep -q serving "$work/serve.log" 2>/dev/null && break; sleep 0.1; done

transcript="$work/transcript.txt"
# Prints the prompt line, runs the command, appends its output. A key on screen is shortened after its first characters.
show() {
  local shown="$1"; shift
  printf '$ %s\n' "$shown" >> "$transcript"
  "$@" >> "$transcript" 2>&1 || true
  printf '\n' >> "$transcript"
}
printf '$ amk serve\n' >> "$transcript"; cat "$work/serve.log" >> "$transcript"; printf '\n' >> "$transcript"
export OPENAI_API_KEY="sk-proj-a-real-key-stays-in-the-keychain"
show 'printf %s "$OPENAI_API_KEY" | amk connection add openai --provider openai --base-url http://127.0.0.1:18080' \
  sh -c 'printf %s "$OPENAI_API_KEY" | "$0" --enable-native-access=ALL-UNNAMED -jar "$1" connection add openai --provider openai --base-url http://127.0.0.1:18080' \
  "$JAVA_HOME/bin/java" "$root/target/amk.jar"
show 'amk agent create research-bot --grant openai:read --expires 7d' amk agent create research-bot --grant openai:read --expires 7d
key="$(sed -n 's/^  \(amk_[0-9A-Za-z]*\)$/\1/p' "$transcript" | tail -1)"
short="${key:0:12}…"
curl_as_agent() { curl -s "$@" -H "Authorization: Bearer $key"; echo; }
show "curl http://127.0.0.1:9323/openai/v1/models -H 'Authorization: Bearer $short'" curl_as_agent http://127.0.0.1:9323/openai/v1/models
show "curl -X DELETE http://127.0.0.1:9323/openai/v1/models/gpt-5 -H 'Authorization: Bearer $short'" \
  curl_as_agent -X DELETE http://127.0.0.1:9323/openai/v1/models/gpt-5
show 'amk agent revoke research-bot' amk agent revoke research-bot
show "curl http://127.0.0.1:9323/openai/v1/models -H 'Authorization: Bearer $short'" curl_as_agent http://127.0.0.1:9323/openai/v1/models
sleep 0.3 # the audit writer commits in batches; give it one beat before reading
show 'amk agent list' amk agent list
show 'amk audit --limit 4' amk audit --limit 4
# Long JSON error lines wrap like a terminal would.
fold -s -w 118 "$transcript" > "$transcript.folded"; mv "$transcript.folded" "$transcript"

mkdir -p "$root/docs/screenshots"
# One label per line, stacked: ImageMagick 6 refuses a single multi-line label of this size.
labels=()
while IFS= read -r line; do
  line="${line//\\/\\\\}"; line="${line//%/%%}"
  if [ -z "$line" ]; then
    labels+=("(" -size 1x18 xc:'#1e1e2e' +size ")")  # a blank line (a label of spaces renders nothing)
  else
    labels+=("label:${line/#  /$'\xc2\xa0\xc2\xa0'}")  # ImageMagick trims leading spaces, not no-break spaces
  fi
done < "$transcript"
convert -background '#1e1e2e' -fill '#cdd6f4' -font DejaVu-Sans-Mono -pointsize 14 "${labels[@]}" \
  -gravity West -append -bordercolor '#1e1e2e' -border 24 "$root/docs/screenshots/cli-session.png"
echo "wrote docs/screenshots/cli-session.png"
