# Helpers shared by scripts/start.sh, scripts/test.sh, scripts/bench.sh and
# scripts/ensure-infra.sh. Source it; it defines functions and REPO_ROOT, reads the repository's
# .env, and runs nothing else.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# Go is installed at /usr/local/go on this project's machines, outside the default PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

# V8's heap for the services, wherever they run (start.sh, and the tests' and the bench's
# processes through tests-e2e/support/system.ts; the Dockerfile and deploy/kubernetes set the same
# flags, compose-file.test.ts checks). With no old-space limit V8 takes a quarter of the machine's
# memory as its bound and lets the heap grow up to four times the live set before collecting; under
# 256 MB it grows by a third at most. The smaller young generation (8 MB semi-spaces instead of
# 16) costs no measurable throughput. Measured by `npm run bench` (README, "Benchmarks"): a live
# set of about 30 MB, 115-120 MB resident after the spread phase, against 145-185 MB without.
# SERVICE_HEAP_FLAGS= (empty) runs them with V8's defaults.
export SERVICE_HEAP_FLAGS="${SERVICE_HEAP_FLAGS---max-old-space-size=256 --max-semi-space-size=8}"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_reset=$'\e[0m'
else
  _c_bold='' _c_red='' _c_reset=''
fi

say() { printf '%s==>%s %s\n' "$_c_bold" "$_c_reset" "$*"; }

# die WHAT [NEXT]: says what went wrong and, on the last line, what to do about it.
die() {
  printf '%serror:%s %s\n' "$_c_red" "$_c_reset" "$1" >&2
  [[ -n "${2:-}" ]] && printf '  what to do: %s\n' "$2" >&2
  exit 1
}

# load_dotenv FILE: exports each KEY=VALUE line of FILE whose KEY the environment does not set
# already (the environment wins, as in the services). Nothing in the file is executed.
load_dotenv() {
  local file="$1" line key value
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
    [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]] && value="${BASH_REMATCH[1]}"
    [[ -n "${!key:-}" ]] || export "$key=$value"
  done <"$file"
}
load_dotenv "$REPO_ROOT/.env"

# url_part URL PART: one part of a URL (protocol, username, password, hostname, port,
# pathname), decoded; the port falls back to DEFAULT_PORT when the URL has none.
url_part() {
  node -e '
    const [url, part, fallback] = process.argv.slice(1);
    const u = new URL(url);
    const value = part === "port" ? u.port || fallback : decodeURIComponent(u[part]);
    process.stdout.write(String(value ?? ""));
  ' "$1" "$2" "${3:-}"
}

# mongo_port: MONGO_PORT, else the (first) port in MONGODB_URI, else 27017.
mongo_port() {
  if [[ -n "${MONGO_PORT:-}" ]]; then
    echo "$MONGO_PORT"
    return
  fi
  local authority="${MONGODB_URI:-}" hostport
  authority="${authority#*://}"   # scheme
  authority="${authority%%[/?]*}" # database and options
  authority="${authority##*@}"    # credentials
  hostport="${authority%%,*}"     # the first host of a replica set
  if [[ "$hostport" =~ :([0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo 27017
  fi
}

# port_holder PORT: who listens on the local TCP port, as "name (pid N)" when it can be seen.
port_holder() {
  local line
  line="$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1)"
  if [[ "$line" =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
  else
    echo "a process that cannot be seen from here"
  fi
}

# ensure_node_modules: `npm ci` when node_modules is missing or older than package-lock.json.
# npm writes node_modules/.package-lock.json at every install, so its age is that of the install.
ensure_node_modules() {
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$marker" || "$REPO_ROOT/package-lock.json" -nt "$marker" ]]; then
    say "Installing dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --include=dev --no-audit --no-fund) ||
      die "npm ci failed (output above)" "check that the npm registry is reachable, then run npm ci"
  fi
}

# ensure_chromium: Debian's Chromium for the browser tests and the bench's console pages
# (CHROMIUM_PATH, else `chromium`), installed with apt-get when missing. Without it those tests
# fail, they never skip.
ensure_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    [[ -x "$CHROMIUM_PATH" ]] ||
      die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" "point CHROMIUM_PATH at Chromium, or unset it"
    return
  fi
  ensure_debian_package chromium chromium "the browser tests need Chromium" \
    "or set CHROMIUM_PATH to the browser's executable"
}

# ensure_prometheus: Debian's Prometheus (prometheus, promtool) for the tests of the compose
# file's Prometheus configuration and of the services' scrape targets.
ensure_prometheus() {
  ensure_debian_package prometheus prometheus "the Prometheus tests need prometheus and promtool"
}

# ensure_toxiproxy: Shopify's Toxiproxy server (fault injection between a service and a server,
# for `npm run chaos` and its test), built from the Go module proxy into .data/toxiproxy/server
# when missing. TOXIPROXY_SERVER names one of the user's own instead.
TOXIPROXY_VERSION=v2.12.0
export TOXIPROXY_SERVER="${TOXIPROXY_SERVER:-$REPO_ROOT/.data/toxiproxy/server}"
ensure_toxiproxy() {
  local own="$REPO_ROOT/.data/toxiproxy/server" version_file="$REPO_ROOT/.data/toxiproxy/version"
  if [[ "$TOXIPROXY_SERVER" != "$own" ]]; then
    [[ -x "$TOXIPROXY_SERVER" ]] ||
      die "TOXIPROXY_SERVER=$TOXIPROXY_SERVER is not an executable" "point it at Toxiproxy's server, or unset it"
    return
  fi
  [[ -x "$own" && "$(cat "$version_file" 2>/dev/null)" == "$TOXIPROXY_VERSION" ]] && return
  command -v go >/dev/null 2>&1 ||
    die "Go is needed to build Toxiproxy, and 'go' is neither on PATH nor at /usr/local/go/bin/go" \
      "install Go >= 1.22 and put it on PATH, or set TOXIPROXY_SERVER to a Toxiproxy server"
  say "Building Toxiproxy $TOXIPROXY_VERSION (go install, about a minute)"
  mkdir -p "$REPO_ROOT/.data/toxiproxy"
  GOBIN="$REPO_ROOT/.data/toxiproxy" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" ||
    die "building Toxiproxy failed (output above)" \
      "check that the Go module proxy is reachable, then run this again"
  echo "$TOXIPROXY_VERSION" >"$version_file"
}

# ensure_debian_package COMMAND PACKAGE WHY [HINT]: installs PACKAGE with apt-get unless COMMAND
# is on PATH; WHY and HINT go into the what-to-do line when it cannot.
ensure_debian_package() {
  local command="$1" package="$2" why="$3" hint="${4:-}"
  command -v "$command" >/dev/null 2>&1 && return
  command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]] ||
    die "$why, and $package cannot be installed here (no apt-get, or not root)" \
      "install it (Debian: apt-get install -y $package)${hint:+ $hint}"
  say "Installing $package for the tests (apt-get install $package, about a minute)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"; } >/dev/null 2>&1 ||
    die "apt-get could not install $package" "run: apt-get update && apt-get install -y $package   and read its errors"
  command -v "$command" >/dev/null 2>&1 ||
    die "apt-get installed $package, but there is no $command on PATH" "put $command on PATH${hint:+, $hint}"
}

# with_infra: brings up RabbitMQ and the database for the calling script, and stops at its exit
# whatever this call had to start (KEEP_INFRA=1 leaves it running). Call it once, early: it
# installs the EXIT trap, which then also runs the caller's own `on_exit` function if defined.
with_infra() {
  _infra_started_file="$(mktemp "${TMPDIR:-/tmp}/ecommerce-infra.XXXXXX")"
  trap _infra_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  say "Bringing up RabbitMQ and the database"
  bash "$REPO_ROOT/scripts/ensure-infra.sh" --started-file "$_infra_started_file"
}

# build_with_infra: how npm start, npm run bench and npm run chaos begin: installs what is
# missing, builds, and brings up RabbitMQ and the database (with_infra: stopped at exit if this
# run started them).
build_with_infra() {
  ensure_node_modules
  say "Building (npm run build)"
  npm run --silent build
  with_infra
}

_infra_exit() {
  local status=$?
  # A second Ctrl-C (or npm passing the first one on) must not cut the clean-up short.
  trap '' INT TERM HUP
  if declare -F on_exit >/dev/null; then on_exit || true; fi
  if [[ "${KEEP_INFRA:-}" != 1 ]]; then
    bash "$REPO_ROOT/scripts/ensure-infra.sh" --stop "$_infra_started_file" || true
  fi
  rm -f "$_infra_started_file"
  exit "$status"
}
