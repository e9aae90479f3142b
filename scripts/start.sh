#!/usr/bin/env bash
# `npm start`: installs and builds what is missing, brings up RabbitMQ and FerretDB
# (scripts/ensure-infra.sh), then runs the three services and the console with prefixed logs.
# REPLICAS=<n> (1 to 9, default 1) runs n instances of each service, competing for its queue:
# the first on its usual port (3001, 3002, 3003), instance i on 30<s><i> (order 3012…3019,
# inventory 3022…3029, notification 3032…3039).
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

replicas="${REPLICAS:-1}"
[[ "$replicas" =~ ^[1-9]$ ]] ||
  die "REPLICAS must be a whole number from 1 to 9, not '$replicas'" "run: REPLICAS=2 npm start"

build_with_infra

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

# run_service NAME [PORT]: the command that runs one instance of a service (on PORT, else its
# own). With MONGO_PORT moved (and no MONGODB_URI of the user's own), each service's database
# is on that port.
run_service() {
  local env=''
  if [[ -n "${MONGO_PORT:-}" && -z "${MONGODB_URI:-}" ]]; then
    env="MONGODB_URI=mongodb://127.0.0.1:$MONGO_PORT/$1 "
  fi
  [[ -n "${2:-}" ]] && env+="PORT=$2 "
  echo "${env}exec node $SERVICE_HEAP_FLAGS services/$1/dist/main.js"
}

# Every instance: name, colour and command, the first of each service on its usual port.
names=()
colours=()
commands=()
service_number=0
for service in order-service inventory-service notification-service; do
  service_number=$((service_number + 1))
  colour=$(echo blue.bold magenta.bold cyan.bold | cut -d' ' -f"$service_number")
  for ((instance = 1; instance <= replicas; instance++)); do
    name="${service%-service}"
    port=''
    if ((instance > 1)); then
      name+="-$instance"
      port="30$service_number$instance"
    fi
    names+=("$name")
    colours+=("$colour")
    commands+=("$(run_service "$service" "$port")")
  done
done
if ((replicas > 1)); then
  others() { ((replicas == 2)) && echo "30${1}2" || echo "30${1}2–30${1}$replicas"; }
  echo "  $replicas instances of each service; the others on order $(others 1), inventory $(others 2), notification $(others 3)"
  echo
fi

# The services run in a session of their own, so that Ctrl-C reaches only this script, which
# then asks concurrently to stop them: each service gets exactly one SIGTERM and shuts down
# gracefully (a second signal would make it exit at once).
join() { local IFS=,; echo "$*"; }
setsid "$REPO_ROOT/node_modules/.bin/concurrently" \
  --names "$(join "${names[@]}" console)" \
  --prefix-colors "$(join "${colours[@]}" green.bold)" \
  --prefix '[{name}]' --pad-prefix \
  --kill-others-on-fail \
  "${commands[@]}" \
  'exec node services/console/dist/server/main.js' \
  </dev/null &
services_pid=$!
wait "$services_pid"
