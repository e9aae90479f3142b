# Helpers shared by scripts/start.sh, scripts/test.sh and scripts/ensure-infra.sh.
# Source it; it defines functions and REPO_ROOT, and runs nothing else.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# Go is installed at /usr/local/go on this project's machines, outside the default PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_reset=$'\e[0m'
else
  _c_bold='' _c_red='' _c_reset=''
fi

say() { printf '%s==>%s %s\n' "$_c_bold" "$_c_reset" "$*"; }
die() {
  printf '%serror:%s %s\n' "$_c_red" "$_c_reset" "$*" >&2
  exit 1
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
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

# ensure_node_modules: `npm ci` when node_modules is missing or older than package-lock.json.
# npm writes node_modules/.package-lock.json at every install, so its age is that of the install.
ensure_node_modules() {
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ ! -f "$marker" || "$REPO_ROOT/package-lock.json" -nt "$marker" ]]; then
    say "Installing dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --include=dev --no-audit --no-fund)
  fi
}
