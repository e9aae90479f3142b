#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, brings up RabbitMQ and FerretDB
# (scripts/ensure-infra.sh), then runs the three services and the console with prefixed logs.
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

management_port="${RABBITMQ_MANAGEMENT_PORT:-15672}"
rabbit_url="${RABBITMQ_URL:-amqp://user:password@127.0.0.1:5672}"
cat <<EOF

  console               http://localhost:${CONSOLE_PORT:-3000}/   (the web page: orders, stock, dead letters)
  order-service         http://localhost:3001/api/health
  inventory-service     http://localhost:3002/api/health
  notification-service  http://localhost:3003/api/health
  RabbitMQ management   http://localhost:$management_port  ($(url_part "$rabbit_url" username) / $(url_part "$rabbit_url" password))
  MongoDB               mongodb://127.0.0.1:$(mongo_port)

  Settings: .env.example and services/<name>/.env.example (copy to .env to change them).
  Ctrl-C stops everything this run started.

EOF

# run_service NAME: the command that runs one service. With MONGO_PORT moved (and no
# MONGODB_URI of the user's own), each service's database is on that port.
run_service() {
  local uri=''
  if [[ -n "${MONGO_PORT:-}" && -z "${MONGODB_URI:-}" ]]; then
    uri="MONGODB_URI=mongodb://127.0.0.1:$MONGO_PORT/$1 "
  fi
  echo "${uri}exec node services/$1/dist/main.js"
}

# The services run in a session of their own, so that Ctrl-C reaches only this script, which
# then asks concurrently to stop them: each service gets exactly one SIGTERM and shuts down
# gracefully (a second signal would make it exit at once).
setsid "$REPO_ROOT/node_modules/.bin/concurrently" \
  --names order,inventory,notification,console \
  --prefix-colors blue.bold,magenta.bold,cyan.bold,green.bold \
  --prefix '[{name}]' --pad-prefix \
  --kill-others-on-fail \
  "$(run_service order-service)" \
  "$(run_service inventory-service)" \
  "$(run_service notification-service)" \
  'exec node services/console/dist/server/main.js' \
  </dev/null &
services_pid=$!
wait "$services_pid"
