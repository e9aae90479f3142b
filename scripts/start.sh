#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, brings up RabbitMQ and FerretDB
# (scripts/ensure-infra.sh), then runs the three services with prefixed logs.
# Ctrl-C stops the services, then whatever this run started (FerretDB; RabbitMQ only if it
# was not running before).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

services_pid=''

# Called at exit (scripts/lib/common.sh, with_infra): the services go before the servers they
# need to shut down cleanly.
on_exit() {
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

ensure_node_modules
say "Building (npm run build)"
npm run --silent build
with_infra

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
