#!/usr/bin/env bash
# `npm run chaos`: installs and builds what is missing, brings up RabbitMQ and the database
# (scripts/ensure-infra.sh) and Toxiproxy, runs the chaos run (scripts/chaos.ts; arguments go to
# it, --help lists them), and stops what it started. It crashes this machine's PostgreSQL and
# RabbitMQ on purpose: whatever else uses them meanwhile sees the same faults.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

ensure_toxiproxy
build_with_infra
say "Chaos (scripts/chaos.ts $*)"
node_modules/.bin/ts-node --transpile-only scripts/chaos.ts "$@"
