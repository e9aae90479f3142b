#!/usr/bin/env bash
# `npm test`: lint, type-check, build, bring up RabbitMQ and FerretDB, then every jest project
# (unit, integration, e2e). Extra arguments go to jest: `npm test -- --selectProjects unit`.
# What this run had to start (FerretDB, RabbitMQ) is stopped at the end; what already ran is
# left running. KEEP_INFRA=1 leaves it all running.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

export NODE_ENV=test
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# The tests find the broker at TEST_RABBITMQ_URL and the database at TEST_MONGODB_URL: bring
# them up there.
export RABBITMQ_URL="${TEST_RABBITMQ_URL:-${RABBITMQ_URL:-amqp://user:password@127.0.0.1:5672}}"
export TEST_RABBITMQ_URL="$RABBITMQ_URL"
if [[ -n "${TEST_MONGODB_URL:-}" && -z "${MONGO_PORT:-}" ]]; then
  MONGO_PORT="$(MONGODB_URI="$TEST_MONGODB_URL" mongo_port)"
  export MONGO_PORT
fi

ensure_node_modules
ensure_chromium
ensure_prometheus
ensure_toxiproxy
say "Lint (npm run lint)"
npm run --silent lint
say "Type-check (npm run typecheck)"
npm run --silent typecheck
say "Build (npm run build)"
npm run --silent build
with_infra
results_dir="$(mktemp -d "${TMPDIR:-/tmp}/ecommerce-results.XXXXXX")"
on_exit() { rm -rf "$results_dir"; }
say "Tests (jest --ci $*)"
status=0
npx jest --ci --json --outputFile="$results_dir/main.json" "$@" || status=$?
# Tests that stop RabbitMQ for everyone run last and alone; with arguments, only if selected.
if [[ $# -eq 0 ]]; then
  say "Serial tests (jest --ci --selectProjects serial --runInBand)"
  JEST_SERIAL=1 npx jest --ci --selectProjects serial --runInBand \
    --json --outputFile="$results_dir/serial.json" || status=$?
fi
# One closing line for the whole run, in the form CI tools read.
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$results_dir"
exit "$status"
