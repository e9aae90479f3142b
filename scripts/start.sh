#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, brings up RabbitMQ and FerretDB
# (scripts/ensure-infra.sh), then runs the three services with prefixed logs.
# Ctrl-C stops the services, then whatever this run started (FerretDB; RabbitMQ only if it
# was not running before).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

started_file="$(mktemp "${TMPDIR:-/tmp}/ecommerce-infra.XXXXXX")"
services_pid=''

stop_services() {
  [[ -n "$services_pid" ]] && kill -0 "$services_pid" 2>/dev/null || return 0
  say "Stopping the services"
  kill -TERM "$services_pid" 2>/dev/null || true
  # Each service exits within SHUTDOWN_TIMEOUT_MS (8 s by default); then no more mercy.
  local deadline=$((SECONDS + 15))
  while kill -0 "$services_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$services_pid" 2>/dev/null; then
    echo "The services did not stop within 15 s: killing them" >&2
    kill -KILL -- "-$services_pid" 2>/dev/null || true
  fi
  wait "$services_pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  # A second Ctrl-C (or npm passing the first one on) must not cut the clean-up short.
  trap '' INT TERM HUP
  stop_services
  bash scripts/ensure-infra.sh --stop "$started_file" || true
  rm -f "$started_file"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ensure_node_modules
say "Building (npm run build)"
npm run --silent build
say "Bringing up RabbitMQ and FerretDB"
bash scripts/ensure-infra.sh --started-file "$started_file"

cat <<EOF

  order-service         http://localhost:3001/api/health
  inventory-service     http://localhost:3002/api/health
  notification-service  http://localhost:3003/api/health
  RabbitMQ management   http://localhost:15672  (user / password)
  MongoDB               mongodb://127.0.0.1:$(mongo_port)

  Settings: .env.example and services/<name>/.env.example (copy to .env to change them).
  Ctrl-C stops everything this run started.

EOF

# The services run in a session of their own, so that Ctrl-C reaches only this script, which
# then asks concurrently to stop them: each service gets exactly one SIGTERM and shuts down
# gracefully (a second signal would make it exit at once).
setsid "$REPO_ROOT/node_modules/.bin/concurrently" \
  --names order,inventory,notification \
  --prefix-colors blue.bold,magenta.bold,cyan.bold \
  --prefix '[{name}]' --pad-prefix \
  --kill-others-on-fail \
  'exec node services/order-service/dist/main.js' \
  'exec node services/inventory-service/dist/main.js' \
  'exec node services/notification-service/dist/main.js' \
  </dev/null &
services_pid=$!
wait "$services_pid"
