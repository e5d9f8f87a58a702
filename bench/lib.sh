# shellcheck shell=bash
# Shared by the benchmark scripts in this folder (sourced, not run): installing what a benchmark needs and the
# loopback nginx upstream they measure against. Needs scripts/lib.sh sourced first (amk_die).

# bench_build_jar JAR ROOT: builds the checkout at ROOT (mvn package, offline first) when JAR does not exist yet.
bench_build_jar() {
  [ -f "$1" ] && return 0
  amk_require_maven
  echo "Building $1…" >&2
  (cd "$2" && { mvn -B -q -o -DskipTests package || mvn -B -q -DskipTests package; }) >&2
}

# bench_install NAME…: installs the Debian packages given (apt-get, through sudo when not root), quietly.
bench_install() {
  [ $# -gt 0 ] || return 0
  echo "Installing: $* (apt-get)" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 || {
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  }
}

# bench_start_nginx DIR BODY [PREFIX…]: nginx on a free 127.0.0.1 port, one worker, keep-alive without limits,
# answering every request 200 with BODY (JSON). PREFIX (e.g. taskset -c 0) runs before nginx. Sets UPPORT and
# nginx_pid (the caller's cleanup stops it). When DIR/tls/cert.pem and DIR/tls/key.pem exist (bench_make_tls_cert), the
# same answers are served over TLS on the next port too: UPTLSPORT.
bench_start_nginx() {
  local dir="$1" body="$2" port tls_listen="" user_line; shift 2
  mkdir -p "$dir/tmp"
  UPTLSPORT=""
  for _ in $(seq 1 20); do
    port=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # in use
    if [ -f "$dir/tls/cert.pem" ]; then
      (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null && continue
      tls_listen="listen 127.0.0.1:$((port + 1)) ssl; ssl_certificate $dir/tls/cert.pem; ssl_certificate_key $dir/tls/key.pem;"
      tls_listen="$tls_listen ssl_protocols TLSv1.2 TLSv1.3;"
    fi
    user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user nobody nogroup;"
    getent group nogroup >/dev/null 2>&1 || user_line="${user_line/nogroup/nobody}"
    cat >"$dir/nginx.conf" <<NGINX
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  tcp_nodelay on;
  server {
    listen 127.0.0.1:$port;
    $tls_listen
    default_type application/json;
    location / { return 200 '$body'; }
  }
}
NGINX
    "$@" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >>"$dir/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 1 50); do
      # shellcheck disable=SC2034 # UPPORT is what the caller reads
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        UPPORT=$port
        # shellcheck disable=SC2034 # UPTLSPORT is what the caller reads
        [ -z "$tls_listen" ] || UPTLSPORT=$((port + 1))
        return 0
      fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
  done
  cat "$dir/error.log" >&2 2>/dev/null || true
  amk_die "could not start nginx"
}

# bench_make_tls_cert DIR: a certificate for 127.0.0.1 (and localhost) signed by a throwaway bench CA, both ECDSA P-256
# with SHA-256 like the broker's local CA and its leaves, in DIR/tls: ca.pem (what a client trusts), cert.pem (the leaf
# then the CA, as the broker sends its chain) and key.pem, for bench_start_nginx DIR's TLS listener. A direct TLS
# request then costs the client the same handshake work (one chain to verify) as one through an intercepted tunnel.
bench_make_tls_cert() {
  local d="$1/tls"
  mkdir -p "$d"
  {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -nodes -days 2 -subj "/CN=amk bench CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -keyout "$d/ca.key" -out "$d/ca.pem" &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -nodes -subj "/CN=127.0.0.1" -keyout "$d/key.pem" -out "$d/leaf.csr" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >"$d/leaf.ext" &&
    openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 -sha256 -extfile "$d/leaf.ext" -out "$d/leaf.pem" &&
    cat "$d/leaf.pem" "$d/ca.pem" >"$d/cert.pem"
  } >/dev/null 2>&1 || amk_die "openssl could not make the bench's TLS certificates"
}

# bench_reenter_in_keyring SELF [PACKAGE…] (call with the script's own arguments after --): on Linux, installs the
# PACKAGEs given and a private keyring's, then runs SELF again inside a private unlocked gnome-keyring (exec); on macOS
# returns (the login Keychain serves); inside the re-run, returns at once.
bench_reenter_in_keyring() {
  [ -n "${AMK_BENCH_INNER:-}" ] && return 0
  local self="$1"; shift
  local need=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do need+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  case "$(uname -s)" in
    Linux)
      command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
      command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
      bench_install "${need[@]}"
      export AMK_BENCH_INNER=1
      exec "$(dirname "$self")/../scripts/with-keyring.sh" "$self" "$@"
      ;;
    Darwin) export AMK_BENCH_INNER=1 ;;
    *) amk_die "Unsupported system $(uname -s): use macOS or Debian/Ubuntu." ;;
  esac
}

# bench_wait_ready OUT PID: waits (30 s at most) for 'amk serve --json''s ready line in the file OUT, whose process is PID;
# sets PORT.
bench_wait_ready() {
  PORT=""
  for _ in $(seq 1 300); do
    PORT="$(sed -n 's/.*"event" *: *"ready".*"port" *: *\([0-9]*\).*/\1/p' "$1" | head -1)"
    [ -n "$PORT" ] && return 0
    kill -0 "$2" 2>/dev/null || amk_die "the broker exited before it was ready (see $1)"
    sleep 0.1
  done
  amk_die "the broker did not report ready within 30 s"
}

# bench_start_bare JAR UPSTREAM_URL AUTHORIZATION DIR JAVA…: starts bench/BareForwarder.java on the dependencies beside
# JAR (its lib/ folder), forwarding to UPSTREAM_URL with AUTHORIZATION injected; its output goes to DIR/bare.out and
# DIR/bare.err. JAVA… is the command that runs it, with any prefix and JVM options (e.g. taskset -c 0 java -Xmx256m).
# Waits until it listens (30 s at most); sets BARE_PID and BARE_PORT.
bench_start_bare() {
  local jar="$1" upstream="$2" auth="$3" dir="$4"; shift 4
  : >"$dir/bare.out"   # before the background job opens it: the wait below reads it at once
  "$@" -cp "$(dirname "$jar")/lib/*" "$(dirname "${BASH_SOURCE[0]}")/BareForwarder.java" "$upstream" "$auth" \
    >"$dir/bare.out" 2>"$dir/bare.err" &
  BARE_PID=$!
  BARE_PORT=""
  for _ in $(seq 1 300); do
    BARE_PORT="$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$dir/bare.out" | head -1)"
    [ -n "$BARE_PORT" ] && return 0
    kill -0 "$BARE_PID" 2>/dev/null || { cat "$dir/bare.out" "$dir/bare.err" >&2; amk_die "the bare forwarder exited"; }
    sleep 0.1
  done
  amk_die "the bare forwarder did not start within 30 s"
}
