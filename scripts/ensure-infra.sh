#!/usr/bin/env bash
# Brings up what the services and their tests need on this machine, and leaves alone whatever
# already runs (safe to run again and again):
#   - RabbitMQ from Debian's package, with the management plugin (HTTP API on 15672) and the
#     user `user` / `password` (administrator: the tests create vhosts with it);
#   - FerretDB, a MongoDB-wire server built from scripts/ferretdb (no mongod can be installed
#     here), with its data in .data/ferretdb and its log in .data/ferretdb.log.
#
# Usage:
#   scripts/ensure-infra.sh [--started-file FILE]   bring everything up
#   scripts/ensure-infra.sh --stop FILE             stop what the runs that wrote FILE started
#
# --started-file FILE (or env STARTED_FILE): append one line per component this run started
# ("ferretdb <pid>", "rabbitmq"), so that the caller can stop exactly those with --stop FILE.
#
# Environment:
#   MONGO_PORT          FerretDB's port (default: the port of MONGODB_URI, else 27017)
#   RABBITMQ_USER       the user to ensure (default: user)
#   RABBITMQ_PASSWORD   its password (default: password)
#   INFRA_TIMEOUT_S     how long to wait for a server to answer (default: 120)
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

AMQP_PORT=5672
MANAGEMENT_PORT=15672
RABBIT_USER="${RABBITMQ_USER:-user}"
RABBIT_PASSWORD="${RABBITMQ_PASSWORD:-password}"
TIMEOUT_S="${INFRA_TIMEOUT_S:-120}"

FERRET_DIR="$REPO_ROOT/scripts/ferretdb"
FERRET_BIN="$FERRET_DIR/bin/ferretdb"
DATA_DIR="$REPO_ROOT/.data"
FERRET_DATA="$DATA_DIR/ferretdb"
FERRET_LOG="$DATA_DIR/ferretdb.log"
FERRET_PID_FILE="$DATA_DIR/ferretdb.pid"

report() { printf '%-20s %s\n' "$1:" "$2"; }

# http_status URL [USER:PASSWORD]: the HTTP status code, or 000 when nothing answers.
http_status() {
  local args=(-s -o /dev/null -w '%{http_code}' --max-time 5)
  [[ -n "${2:-}" ]] && args+=(-u "$2")
  if command -v curl >/dev/null 2>&1; then
    curl "${args[@]}" "$1" || true
  else
    node -e '
      const [url, auth] = process.argv.slice(1);
      const headers = auth ? { authorization: "Basic " + Buffer.from(auth).toString("base64") } : {};
      fetch(url, { headers, signal: AbortSignal.timeout(5000) })
        .then((r) => console.log(r.status), () => console.log("000"));
    ' "$1" "${2:-}"
  fi
}

# http_get URL USER:PASSWORD: the body, or nothing.
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fs --max-time 5 -u "$2" "$1" || true
  else
    node -e '
      const [url, auth] = process.argv.slice(1);
      const headers = { authorization: "Basic " + Buffer.from(auth).toString("base64") };
      fetch(url, { headers, signal: AbortSignal.timeout(5000) })
        .then((r) => (r.ok ? r.text() : ""), () => "")
        .then((t) => process.stdout.write(t));
    ' "$1" "$2"
  fi
}

record_started() {
  [[ -n "$STARTED_FILE" ]] && echo "$*" >>"$STARTED_FILE"
  return 0
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ

ensure_rabbitmq() {
  if ! command -v rabbitmqctl >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 ||
      die "rabbitmqctl is missing and apt-get is not available: install RabbitMQ (>= 3.10) by hand"
    report rabbitmq "installing (apt-get install rabbitmq-server)"
    export DEBIAN_FRONTEND=noninteractive
    # Without systemd the package's post-install may fail to start the broker; that is fine
    # as long as the package's files are there: the broker is started below.
    { apt-get update -qq && apt-get install -y -qq rabbitmq-server; } >/dev/null ||
      echo "ensure-infra: apt-get install rabbitmq-server reported an error; carrying on" >&2
    command -v rabbitmqctl >/dev/null 2>&1 || die "could not install rabbitmq-server with apt-get"
  fi

  if port_open 127.0.0.1 "$AMQP_PORT"; then
    report rabbitmq "already running (amqp://127.0.0.1:$AMQP_PORT)"
    return
  fi

  local deadline=$((SECONDS + TIMEOUT_S))
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    # The node runs but its AMQP listener does not: it is booting, or its app was stopped
    # (`rabbitmqctl stop_app`, as the reconnect tests do). Let it boot, then start the app.
    rabbitmqctl -q -t "$TIMEOUT_S" await_startup >/dev/null 2>&1 || true
    if port_open 127.0.0.1 "$AMQP_PORT"; then
      report rabbitmq "was booting, now up (amqp://127.0.0.1:$AMQP_PORT)"
    else
      rabbitmqctl -q start_app >/dev/null || die "rabbitmqctl start_app failed"
      report rabbitmq "its app was stopped: started it (amqp://127.0.0.1:$AMQP_PORT)"
    fi
  else
    rabbitmq-server -detached >/dev/null 2>&1 ||
      die "rabbitmq-server -detached failed (see /var/log/rabbitmq/)"
    record_started rabbitmq
    # await_startup fails at once while the node is not yet reachable: retry until the deadline.
    until rabbitmqctl -q -t "$TIMEOUT_S" await_startup >/dev/null 2>&1; do
      ((SECONDS < deadline)) ||
        die "RabbitMQ did not start within ${TIMEOUT_S}s (see /var/log/rabbitmq/)"
      sleep 1
    done
    report rabbitmq "started (amqp://127.0.0.1:$AMQP_PORT)"
  fi

  until port_open 127.0.0.1 "$AMQP_PORT"; do
    ((SECONDS < deadline)) ||
      die "RabbitMQ runs but does not accept AMQP connections on port $AMQP_PORT"
    sleep 0.5
  done
}

ensure_rabbitmq_management() {
  local state="already enabled"
  if ! rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1; then
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null ||
      die "could not enable the rabbitmq_management plugin"
    state="enabled"
  fi
  local deadline=$((SECONDS + TIMEOUT_S))
  until [[ "$(http_status "http://127.0.0.1:$MANAGEMENT_PORT/api/overview")" != 000 ]]; do
    ((SECONDS < deadline)) ||
      die "the RabbitMQ management API does not answer on port $MANAGEMENT_PORT"
    sleep 0.5
  done
  report "rabbitmq management" "$state (http://localhost:$MANAGEMENT_PORT)"
}

ensure_rabbitmq_user() {
  local auth="$RABBIT_USER:$RABBIT_PASSWORD" api="http://127.0.0.1:$MANAGEMENT_PORT/api"
  local user_path perms
  user_path="$(node -p 'encodeURIComponent(process.argv[1])' "$RABBIT_USER")"
  perms="$(http_get "$api/permissions/%2F/$user_path" "$auth")"
  # Logged in (right password), administrator (whoami answers only to management users; the
  # tag is checked below), and configure/write/read ".*" on vhost "/".
  if [[ "$(http_get "$api/whoami" "$auth")" == *administrator* &&
    "$perms" == *'"configure":".*"'* && "$perms" == *'"write":".*"'* && "$perms" == *'"read":".*"'* ]]; then
    report "rabbitmq user" "'$RABBIT_USER' ok"
    return
  fi

  local state
  if rabbitmqctl -q list_users | awk '{print $1}' | grep -qxF "$RABBIT_USER"; then
    rabbitmqctl -q change_password "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
    state="updated"
  else
    rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
    state="created"
  fi
  rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator >/dev/null
  rabbitmqctl -q set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
  [[ "$(http_status "$api/whoami" "$auth")" == 200 ]] ||
    die "the RabbitMQ user '$RABBIT_USER' cannot log in to the management API"
  report "rabbitmq user" "'$RABBIT_USER' $state (administrator, all permissions on /)"
}

# ---------------------------------------------------------------------------------------------
# FerretDB

build_ferretdb() {
  command -v go >/dev/null 2>&1 ||
    die "Go is needed to build FerretDB (scripts/ferretdb) but 'go' is neither on PATH nor at /usr/local/go/bin/go: install Go >= 1.24 and put it on PATH"
  local started=$SECONDS
  report ferretdb "building scripts/ferretdb/bin/ferretdb (the first build takes a few minutes)"
  # Build to a temporary name, so that an interrupted build leaves no broken binary behind.
  (cd "$FERRET_DIR" && CGO_ENABLED=0 go build -trimpath -o bin/ferretdb.tmp . && mv bin/ferretdb.tmp bin/ferretdb) ||
    die "building FerretDB failed (cd scripts/ferretdb && CGO_ENABLED=0 go build -trimpath -o bin/ferretdb .)"
  report ferretdb "built in $((SECONDS - started))s"
}

ferretdb_needs_build() {
  [[ ! -x "$FERRET_BIN" ]] && return 0
  local source
  for source in "$FERRET_DIR/main.go" "$FERRET_DIR/go.mod" "$FERRET_DIR/go.sum"; do
    [[ "$source" -nt "$FERRET_BIN" ]] && return 0
  done
  return 1
}

# ferretdb_pid: the pid in .data/ferretdb.pid when that process is a live ferretdb.
ferretdb_pid() {
  local pid
  [[ -f "$FERRET_PID_FILE" ]] || return 1
  pid="$(<"$FERRET_PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ferretdb &&
    echo "$pid"
}

ensure_ferretdb() {
  local port pid state
  port="$(mongo_port)"
  if port_open 127.0.0.1 "$port"; then
    report ferretdb "already running (mongodb://127.0.0.1:$port)"
    return
  fi

  mkdir -p "$FERRET_DATA"
  if pid="$(ferretdb_pid)"; then
    state="was starting (pid $pid)" # another run started it a moment ago: wait for it
  else
    if ferretdb_needs_build; then build_ferretdb; fi
    # setsid: its own session, so that a Ctrl-C meant for the caller does not reach it; the
    # caller stops it after the services (which need it to shut down cleanly).
    setsid "$FERRET_BIN" -listen "127.0.0.1:$port" -data "$FERRET_DATA" \
      </dev/null >>"$FERRET_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$FERRET_PID_FILE"
    record_started ferretdb "$pid"
    state="started (pid $pid, mongodb://127.0.0.1:$port, log .data/ferretdb.log)"
  fi

  local deadline=$((SECONDS + TIMEOUT_S))
  until port_open 127.0.0.1 "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$FERRET_LOG" >&2 || true
      die "FerretDB exited at start-up (log above, in .data/ferretdb.log)"
    fi
    ((SECONDS < deadline)) || die "FerretDB does not answer on port $port after ${TIMEOUT_S}s (see .data/ferretdb.log)"
    sleep 0.2
  done
  report ferretdb "$state"
}

# ---------------------------------------------------------------------------------------------
# --stop FILE

stop_started() {
  local file="$1" kind pid
  [[ -f "$file" ]] || return 0
  # Last started, first stopped.
  tac "$file" | while read -r kind pid; do
    case "$kind" in
      ferretdb)
        if kill -0 "$pid" 2>/dev/null; then
          kill -TERM "$pid" 2>/dev/null || true
          local deadline=$((SECONDS + 10))
          while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
          kill -KILL "$pid" 2>/dev/null || true
          report ferretdb "stopped (pid $pid)"
        fi
        if [[ -f "$FERRET_PID_FILE" && "$(<"$FERRET_PID_FILE")" == "$pid" ]]; then
          rm -f "$FERRET_PID_FILE"
        fi
        ;;
      rabbitmq)
        if rabbitmqctl -q stop >/dev/null 2>&1; then
          report rabbitmq "stopped"
        else
          report rabbitmq "could not be stopped (rabbitmqctl stop failed)"
        fi
        ;;
      '') ;;
      *) echo "ensure-infra: unknown entry in $file: $kind $pid" >&2 ;;
    esac
  done
  : >"$file"
}

# ---------------------------------------------------------------------------------------------

STARTED_FILE="${STARTED_FILE:-}"
while (($# > 0)); do
  case "$1" in
    --started-file)
      [[ $# -ge 2 ]] || die "--started-file needs a file name"
      STARTED_FILE="$2"
      shift 2
      ;;
    --stop)
      [[ $# -ge 2 ]] || die "--stop needs a file name"
      stop_started "$2"
      exit 0
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

ensure_rabbitmq
ensure_rabbitmq_management
ensure_rabbitmq_user
ensure_ferretdb
