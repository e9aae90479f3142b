#!/usr/bin/env bash
# Brings up what the services and their tests need on this machine, and leaves alone whatever
# already runs (safe to run again and again):
#   - RabbitMQ from Debian's package, with the management plugin (HTTP API) and the login of
#     RABBITMQ_URL as an administrator with every permission on "/" (the tests create vhosts);
#   - PostgreSQL (the one that answers at FERRETDB_POSTGRESQL_URL, else Debian's package), with
#     FerretDB's login and database;
#   - FerretDB, a MongoDB-wire server built from scripts/ferretdb (no mongod can be installed
#     here), storing its data in that PostgreSQL database; its log is .data/ferretdb.log.
# "Already running" means that the right server answers in its own protocol (an AMQP login, a
# MongoDB ping, a PostgreSQL query), not merely that a port is open.
#
# Usage:
#   scripts/ensure-infra.sh [--started-file FILE] [rabbitmq] [database]
#                                            bring up those (default: both)
#   scripts/ensure-infra.sh --stop FILE      stop what the runs that wrote FILE started
#
# --started-file FILE (or env STARTED_FILE): append one line per component this run started
# ("ferretdb <pid>", "postgresql <version>", "rabbitmq"), so that the caller can stop exactly
# those with --stop FILE.
#
# Environment (also read from the repository's .env; the environment wins):
#   RABBITMQ_URL               AMQP URL whose login and port to ensure
#                              (default: amqp://user:password@127.0.0.1:5672)
#   RABBITMQ_MANAGEMENT_PORT   port of the management HTTP API (default: 15672)
#   MONGO_PORT                 FerretDB's port (default: the port of MONGODB_URI, else 27017)
#   FERRETDB_POSTGRESQL_URL    where FerretDB keeps its data
#                              (default: postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb)
#   FERRETDB_UNSAFE_ASYNC_COMMIT=true  FerretDB acknowledges writes before PostgreSQL has them on
#                              disk: faster, and a crash of PostgreSQL then loses the last
#                              acknowledged writes (orders answered 201 among them). Default: off.
#   INFRA_TIMEOUT_S            how long to wait for a server to answer (default: 120)
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

RABBIT_URL="${RABBITMQ_URL:-amqp://user:password@127.0.0.1:5672}"
MANAGEMENT_PORT="${RABBITMQ_MANAGEMENT_PORT:-15672}"
POSTGRESQL_URL="${FERRETDB_POSTGRESQL_URL:-postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb}"
TIMEOUT_S="${INFRA_TIMEOUT_S:-120}"
case "${FERRETDB_UNSAFE_ASYNC_COMMIT:-false}" in
  true | 1) FERRET_FLAGS=(-unsafe-async-commit) ;;
  false | 0 | '') FERRET_FLAGS=() ;;
  *) die "FERRETDB_UNSAFE_ASYNC_COMMIT must be true or false, not '$FERRETDB_UNSAFE_ASYNC_COMMIT'" \
    "leave it unset (durable writes), or set it to true to trade durability for speed" ;;
esac

FERRET_DIR="$REPO_ROOT/scripts/ferretdb"
FERRET_BIN="$FERRET_DIR/bin/ferretdb"
DATA_DIR="$REPO_ROOT/.data"
FERRET_LOG="$DATA_DIR/ferretdb.log"
# One pid file per port: FerretDBs on other ports (a test's own, say) are other servers.
FERRET_PID_FILE="$DATA_DIR/ferretdb-$(mongo_port).pid"

report() { printf '%-20s %s\n' "$1:" "$2"; }

record_started() {
  [[ -n "$STARTED_FILE" ]] && echo "$*" >>"$STARTED_FILE"
  return 0
}

# probe amqp|mongodb URL: ok, refused, none or foreign, then a detail (scripts/lib/probe.js).
probe() { (cd "$REPO_ROOT" && node scripts/lib/probe.js "$@"); }

# held_by PORT VARIABLE: the end of a message about a port that the wrong program holds.
held_by() {
  echo "port $1 is held by $(port_holder "$1"), which is not the expected server"
}

_apt_updated=''
# apt_install PACKAGE…: installs Debian packages, or says what to do where that is not allowed.
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "$* is not installed and there is no apt-get here" "install $* by hand, then run this again"
  [[ "$(id -u)" == 0 ]] ||
    die "$* is not installed, and apt-get needs root" "run: sudo apt-get install -y $*   then run this again"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "$_apt_updated" ]]; then
    apt-get update -qq >/dev/null 2>&1 ||
      die "apt-get update failed" "check that Debian's package mirror is reachable, then run: apt-get update"
    _apt_updated=1
  fi
  # Without systemd a package's post-install may fail to start its server: that is fine as long
  # as its files are there (the caller starts the server).
  apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    echo "ensure-infra: apt-get install $* reported an error; carrying on" >&2
}

# wait_until SECONDS COMMAND…: runs COMMAND every half second until it succeeds; fails after
# SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ

AMQP_PORT="$(url_part "$RABBIT_URL" port 5672)"
RABBIT_USER="$(url_part "$RABBIT_URL" username)"
RABBIT_PASSWORD="$(url_part "$RABBIT_URL" password)"

# amqp_answers: true when a broker speaks AMQP on the port (whether or not it takes the login).
amqp_answers() {
  local verdict
  verdict="$(probe amqp "$RABBIT_URL")"
  [[ "$verdict" == ok* || "$verdict" == refused* ]]
}

ensure_rabbitmq() {
  if ! command -v rabbitmqctl >/dev/null 2>&1; then
    report rabbitmq "installing (apt-get install rabbitmq-server)"
    apt_install rabbitmq-server
    command -v rabbitmqctl >/dev/null 2>&1 ||
      die "apt-get did not install rabbitmq-server" "run: apt-get install -y rabbitmq-server   and read its errors"
  fi

  local verdict
  verdict="$(probe amqp "$RABBIT_URL")"
  case "$verdict" in
    ok* | refused*)
      report rabbitmq "already running (amqp://127.0.0.1:$AMQP_PORT)"
      return
      ;;
    foreign*)
      die "$(held_by "$AMQP_PORT") (${verdict#foreign })" \
        "stop that program, or put the port of your RabbitMQ in RABBITMQ_URL"
      ;;
  esac

  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    # The node runs but nothing speaks AMQP on the port: it is booting, its app was stopped
    # (`rabbitmqctl stop_app`, as the reconnect tests do), or it listens on another port.
    rabbitmqctl -q -t "$TIMEOUT_S" await_startup >/dev/null 2>&1 || true
    if amqp_answers; then
      report rabbitmq "was booting, now up (amqp://127.0.0.1:$AMQP_PORT)"
    elif [[ "$(rabbitmqctl -q eval 'rabbit:is_running().' 2>/dev/null)" == false ]]; then
      rabbitmqctl -q start_app >/dev/null ||
        die "rabbitmqctl start_app failed" "read /var/log/rabbitmq/ and start it: rabbitmqctl start_app"
      report rabbitmq "its app was stopped: started it (amqp://127.0.0.1:$AMQP_PORT)"
    else
      die "RabbitMQ runs, but not on port $AMQP_PORT" \
        "put its AMQP port (rabbitmq-diagnostics listeners) in RABBITMQ_URL"
    fi
  else
    # A broker started here listens where the variables say.
    RABBITMQ_NODE_PORT="$AMQP_PORT" \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-rabbitmq_management tcp_config [{port,$MANAGEMENT_PORT}]" \
      rabbitmq-server -detached >/dev/null 2>&1 ||
      die "rabbitmq-server -detached failed" "read /var/log/rabbitmq/, fix what it says, run this again"
    record_started rabbitmq
    # await_startup fails at once while the node is not yet reachable: retry until the deadline.
    wait_until "$TIMEOUT_S" rabbitmqctl -q -t "$TIMEOUT_S" await_startup >/dev/null 2>&1 ||
      die "RabbitMQ did not start within ${TIMEOUT_S}s" "read /var/log/rabbitmq/, fix what it says, run this again"
    report rabbitmq "started (amqp://127.0.0.1:$AMQP_PORT)"
  fi

  wait_until "$TIMEOUT_S" amqp_answers ||
    die "RabbitMQ runs but does not speak AMQP on port $AMQP_PORT" \
      "put its AMQP port (rabbitmq-diagnostics listeners) in RABBITMQ_URL"
}

# management_state: ok when RabbitMQ's management API answers on its port (asked without a
# login, it answers 401 with its own realm: exact, whatever users exist), none when nothing
# listens there, foreign when something else does.
management_state() {
  local headers
  headers="$(curl -s -o /dev/null -D - --max-time 5 "http://127.0.0.1:$MANAGEMENT_PORT/api/overview" || true)"
  if [[ -z "$headers" ]]; then
    # No HTTP answer: nothing there, or something that does not speak HTTP.
    if timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$MANAGEMENT_PORT" 2>/dev/null; then
      echo foreign
    else
      echo none
    fi
  elif [[ "$headers" == *'realm="RabbitMQ Management"'* ]]; then
    echo ok
  else
    echo foreign
  fi
}
management_answers() { [[ "$(management_state)" == ok ]]; }

ensure_rabbitmq_management() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  local state="already enabled"
  if ! rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1; then
    [[ "$(management_state)" == none ]] ||
      die "$(held_by "$MANAGEMENT_PORT")" "stop that program, or set RABBITMQ_MANAGEMENT_PORT to a free port"
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null ||
      die "could not enable the rabbitmq_management plugin" "run: rabbitmq-plugins enable rabbitmq_management   and read its errors"
    state="enabled"
  fi
  if [[ "$(management_state)" == foreign ]]; then
    die "$(held_by "$MANAGEMENT_PORT")" "stop that program, or set RABBITMQ_MANAGEMENT_PORT to the port of RabbitMQ's management API"
  fi
  wait_until "$TIMEOUT_S" management_answers ||
    die "the RabbitMQ management API does not answer on port $MANAGEMENT_PORT" \
      "set RABBITMQ_MANAGEMENT_PORT to its port (rabbitmq-diagnostics listeners)"
  report "rabbitmq management" "$state (http://localhost:$MANAGEMENT_PORT)"
}

# rabbit_user_facts: "absent", or "present <administrator|not-administrator>
# <all-permissions|missing-permissions>", read from rabbitmqctl's JSON output (never from its
# human-readable tables, whose header line looks like a user).
rabbit_user_facts() {
  local users permissions='[]'
  users="$(rabbitmqctl -q list_users --formatter json)" ||
    die "rabbitmqctl cannot list the broker's users" "run rabbitmqctl as root (or as the rabbitmq user) on the broker's machine"
  if node -e 'process.exit(JSON.parse(process.argv[1]).some((u) => u.user === process.argv[2]) ? 0 : 1)' \
    "$users" "$RABBIT_USER"; then
    permissions="$(rabbitmqctl -q list_user_permissions "$RABBIT_USER" --formatter json)"
  fi
  node -e '
    const [users, permissions, name] = process.argv.slice(1);
    const user = JSON.parse(users).find((u) => u.user === name);
    if (!user) {
      console.log("absent");
    } else {
      const tags = Array.isArray(user.tags) ? user.tags : String(user.tags).split(/[\s,]+/);
      const root = JSON.parse(permissions).find((p) => p.vhost === "/");
      const all = !!root && root.configure === ".*" && root.write === ".*" && root.read === ".*";
      const admin = tags.includes("administrator") ? "administrator" : "not-administrator";
      console.log(`present ${admin} ${all ? "all-permissions" : "missing-permissions"}`);
    }
  ' "$users" "$permissions" "$RABBIT_USER"
}

ensure_rabbitmq_user() {
  [[ -n "$RABBIT_USER" && -n "$RABBIT_PASSWORD" ]] ||
    die "RABBITMQ_URL has no user and password ($RABBIT_URL)" "set RABBITMQ_URL=amqp://<user>:<password>@127.0.0.1:$AMQP_PORT"
  local facts repairs=() state
  facts="$(rabbit_user_facts)" ||
    die "could not read the broker's users" "run: rabbitmqctl list_users --formatter json   and read its errors"
  if [[ "$facts" == absent ]]; then
    rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
    rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator >/dev/null
    rabbitmqctl -q set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
    state="created (administrator, all permissions on /)"
  else
    if ! rabbitmqctl -q authenticate_user "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null 2>&1; then
      rabbitmqctl -q change_password "$RABBIT_USER" "$RABBIT_PASSWORD" >/dev/null
      repairs+=(password)
    fi
    if [[ "$facts" == *not-administrator* ]]; then
      rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator >/dev/null
      repairs+=("administrator tag")
    fi
    if [[ "$facts" == *missing-permissions* ]]; then
      rabbitmqctl -q set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
      repairs+=("permissions on /")
    fi
    if ((${#repairs[@]} == 0)); then
      state="already fine"
    else
      state="repaired ($(
        IFS=,
        echo "${repairs[*]}" | sed 's/,/, /g'
      ))"
    fi
  fi

  local verdict
  verdict="$(probe amqp "$RABBIT_URL")"
  [[ "$verdict" == ok* ]] ||
    die "the broker refuses the AMQP login of RABBITMQ_URL (${verdict#* })" \
      "check the user with: rabbitmqctl list_users; rabbitmqctl authenticate_user '$RABBIT_USER' <password>"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$RABBIT_USER:$RABBIT_PASSWORD" \
    "http://127.0.0.1:$MANAGEMENT_PORT/api/whoami")" == 200 ]] ||
    die "the management API refuses the login of '$RABBIT_USER'" \
      "give it the administrator tag: rabbitmqctl set_user_tags '$RABBIT_USER' administrator"
  report "rabbitmq user" "'$RABBIT_USER' $state"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL, where FerretDB keeps its data

PG_HOST="$(url_part "$POSTGRESQL_URL" hostname)"
PG_PORT="$(url_part "$POSTGRESQL_URL" port 5432)"
PG_USER="$(url_part "$POSTGRESQL_URL" username)"
PG_PASSWORD="$(url_part "$POSTGRESQL_URL" password)"
PG_DATABASE="$(url_part "$POSTGRESQL_URL" pathname)"
PG_DATABASE="${PG_DATABASE#/}"

pg_is_local() { [[ "$PG_HOST" == 127.0.0.1 || "$PG_HOST" == localhost || "$PG_HOST" == ::1 ]]; }

# pg_login: FerretDB's own login; prints psql's error when it fails.
pg_login() {
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" \
    -U "$PG_USER" -d "$PG_DATABASE" -c 'select 1' 2>&1 >/dev/null
}

# pg_admin: runs the SQL on standard input as a superuser, with psql variables u, p and d set
# to FerretDB's user, password and database: through the local socket as the postgres system
# user (peer authentication, how a fresh Debian cluster lets its owner in), else over TCP as
# `postgres` (trust authentication, as on this project's machines).
pg_admin() {
  local vars=(-v "u=$PG_USER" -v "p=$PG_PASSWORD" -v "d=$PG_DATABASE" -v ON_ERROR_STOP=1)
  if pg_is_local && id postgres >/dev/null 2>&1 &&
    runuser -u postgres -- psql -X -Atq -p "$PG_PORT" -d postgres -c 'select 1' >/dev/null 2>&1; then
    runuser -u postgres -- psql -X -Atq -p "$PG_PORT" -d postgres "${vars[@]}"
  else
    PGCONNECT_TIMEOUT=5 psql -X -Atq -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres "${vars[@]}"
  fi
}

pg_start_local_cluster() {
  command -v pg_ctlcluster >/dev/null 2>&1 || {
    report postgresql "installing (apt-get install postgresql)"
    apt_install postgresql
  }
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$version" ]] ||
    die "PostgreSQL is installed but has no cluster" "create one: pg_createcluster --start 15 main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 ||
    die "PostgreSQL $version would not start" "read /var/log/postgresql/, fix what it says, run this again"
  record_started postgresql "$version"
  report postgresql "started (cluster $version/main)"
}

ensure_postgresql() {
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  local error
  if ! error="$(pg_login)"; then
    case "$error" in
      *"Connection refused"* | *"No such file"*)
        pg_is_local ||
          die "PostgreSQL at $PG_HOST:$PG_PORT does not answer" "start it, or set FERRETDB_POSTGRESQL_URL to one that runs"
        pg_start_local_cluster
        wait_until 30 bash -c "PGCONNECT_TIMEOUT=2 psql -X -h '$PG_HOST' -p '$PG_PORT' -d postgres -c '' 2>&1 | grep -qv 'Connection refused'" ||
          die "PostgreSQL does not answer on $PG_HOST:$PG_PORT" "set FERRETDB_POSTGRESQL_URL to the port of your cluster (pg_lsclusters)"
        ;;
      *"password authentication failed"* | *"no password supplied"* | *"does not exist"*) ;;
      *)
        if pg_is_local && [[ -z "$(ss -Hltnp "sport = :$PG_PORT" 2>/dev/null | grep postgres)" ]]; then
          die "$(held_by "$PG_PORT")" "stop that program, or set FERRETDB_POSTGRESQL_URL to your PostgreSQL"
        fi
        die "PostgreSQL at $PG_HOST:$PG_PORT refuses FerretDB's login: $error" \
          "fix the login in FERRETDB_POSTGRESQL_URL ($POSTGRESQL_URL)"
        ;;
    esac
    # The login or its database is missing (or the password is not the URL's): make both. The
    # login may also CHECKPOINT (PostgreSQL 15 on): the benchmark has its bulk fill written to
    # disk before it measures (scripts/bench/volume.ts).
    pg_admin >/dev/null <<'SQL' ||
SELECT format('CREATE ROLE %I LOGIN', :'u') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') WHERE :'p' <> '' \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'d', :'u') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'d') \gexec
SELECT format('GRANT pg_checkpoint TO %I', :'u') WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_checkpoint') \gexec
SQL
      die "could not create FerretDB's login and database in PostgreSQL" \
        "create them yourself: CREATE ROLE $PG_USER LOGIN PASSWORD '…'; CREATE DATABASE $PG_DATABASE OWNER $PG_USER"
    error="$(pg_login)" ||
      die "PostgreSQL still refuses FerretDB's login: $error" \
        "let $PG_USER log in over TCP (pg_hba.conf), or set FERRETDB_POSTGRESQL_URL to a login that works"
    report postgresql "login '$PG_USER' and database '$PG_DATABASE' ready ($PG_HOST:$PG_PORT)"
  else
    report postgresql "already running ($PG_HOST:$PG_PORT, database '$PG_DATABASE')"
  fi
}

# ---------------------------------------------------------------------------------------------
# FerretDB

build_ferretdb() {
  command -v go >/dev/null 2>&1 ||
    die "Go is needed to build FerretDB (scripts/ferretdb), and 'go' is neither on PATH nor at /usr/local/go/bin/go" \
      "install Go >= 1.24 and put it on PATH"
  local started=$SECONDS
  report ferretdb "building scripts/ferretdb/bin/ferretdb (the first build takes about 2 minutes)"
  bash "$FERRET_DIR/build.sh" ||
    die "building FerretDB failed (output above)" \
      "check that the Go module proxy is reachable, then: bash scripts/ferretdb/build.sh"
  report ferretdb "built in $((SECONDS - started))s"
}

ferretdb_needs_build() {
  [[ ! -x "$FERRET_BIN" ]] && return 0
  local source
  for source in "$FERRET_DIR"/*.go "$FERRET_DIR"/{go.mod,go.sum,build.sh} "$FERRET_DIR"/patches/{series,*.patch}; do
    [[ "$source" -nt "$FERRET_BIN" ]] && return 0
  done
  return 1
}

# ferretdb_pid: the pid in .data/ferretdb-<port>.pid when that process is a live ferretdb.
ferretdb_pid() {
  local pid
  [[ -f "$FERRET_PID_FILE" ]] || return 1
  pid="$(<"$FERRET_PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ferretdb &&
    echo "$pid"
}

# check_running_ferretdb: a FerretDB that this script started earlier (it has a pid file here) must
# run the current build, with the durability asked for; else it would go on with its old
# behaviour unseen (an earlier build acknowledged writes before they were on disk).
check_running_ferretdb() {
  local pid running_unsafe=false wanted_unsafe=false
  pid="$(ferretdb_pid)" || return 0
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *-unsafe-async-commit* ]] && running_unsafe=true
  ((${#FERRET_FLAGS[@]} > 0)) && wanted_unsafe=true
  [[ "$running_unsafe" == "$wanted_unsafe" ]] ||
    die "FerretDB (pid $pid) runs with FERRETDB_UNSAFE_ASYNC_COMMIT=$running_unsafe, not $wanted_unsafe as asked" \
      "stop it (kill $pid) and run this again, which starts it as asked"
  if ferretdb_needs_build || [[ "$(readlink "/proc/$pid/exe")" == *" (deleted)" ]]; then
    die "FerretDB (pid $pid) runs a build older than scripts/ferretdb (older builds did not write durably)" \
      "stop it (kill $pid) and run this again, which builds and starts the current one"
  fi
}

ensure_ferretdb() {
  local port pid state verdict url
  port="$(mongo_port)"
  url="mongodb://127.0.0.1:$port"
  verdict="$(probe mongodb "$url")"
  case "$verdict" in
    ok*)
      check_running_ferretdb
      report ferretdb "already running ($url answers ping)"
      return
      ;;
    foreign*)
      die "$(held_by "$port") (${verdict#foreign })" \
        "stop that program, or set MONGO_PORT (or the port in MONGODB_URI) to a free port"
      ;;
  esac

  mkdir -p "$DATA_DIR"
  if pid="$(ferretdb_pid)"; then
    state="was starting (pid $pid)" # another run started it a moment ago: wait for it
  else
    ensure_postgresql
    if ferretdb_needs_build; then build_ferretdb; fi
    # setsid: its own session, so that a Ctrl-C meant for the caller does not reach it; the
    # caller stops it after the services (which need it to shut down cleanly).
    setsid "$FERRET_BIN" -listen "127.0.0.1:$port" -postgresql-url "$POSTGRESQL_URL" "${FERRET_FLAGS[@]}" \
      </dev/null >>"$FERRET_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$FERRET_PID_FILE"
    record_started ferretdb "$pid"
    state="started (pid $pid, $url, data in PostgreSQL $PG_HOST:$PG_PORT/$PG_DATABASE, log .data/ferretdb.log${FERRET_FLAGS[*]:+; UNSAFE: writes acknowledged before they reach the disk})"
  fi

  local deadline=$((SECONDS + TIMEOUT_S))
  until [[ "$(probe mongodb "$url")" == ok* ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$FERRET_LOG" >&2 || true
      die "FerretDB exited at start-up (log above, in .data/ferretdb.log)" \
        "fix what the log says (often FERRETDB_POSTGRESQL_URL), then run this again"
    fi
    ((SECONDS < deadline)) ||
      die "FerretDB does not answer a ping on port $port after ${TIMEOUT_S}s" "read .data/ferretdb.log"
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
        local pid_file
        for pid_file in "$DATA_DIR"/ferretdb-*.pid; do
          if [[ -f "$pid_file" && "$(<"$pid_file")" == "$pid" ]]; then rm -f "$pid_file"; fi
        done
        ;;
      postgresql)
        pg_ctlcluster --skip-systemctl-redirect "$pid" main stop >/dev/null 2>&1 &&
          report postgresql "stopped (cluster $pid/main)"
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
components=()
while (($# > 0)); do
  case "$1" in
    --started-file)
      [[ $# -ge 2 ]] || die "--started-file needs a file name" "see scripts/ensure-infra.sh --help"
      STARTED_FILE="$2"
      shift 2
      ;;
    --stop)
      [[ $# -ge 2 ]] || die "--stop needs a file name" "see scripts/ensure-infra.sh --help"
      stop_started "$2"
      exit 0
      ;;
    rabbitmq | database)
      components+=("$1")
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $1" "see scripts/ensure-infra.sh --help" ;;
  esac
done
((${#components[@]} > 0)) || components=(rabbitmq database)

[[ -d "$REPO_ROOT/node_modules/amqplib" ]] ||
  die "the scripts' dependencies are not installed" "run npm ci (npm start and npm test do it)"

for component in "${components[@]}"; do
  case "$component" in
    rabbitmq)
      ensure_rabbitmq
      ensure_rabbitmq_management
      ensure_rabbitmq_user
      ;;
    database) ensure_ferretdb ;;
  esac
done
