#!/usr/bin/env bash
# `npm run bench`: installs and builds what is missing, brings up RabbitMQ and the database
# (scripts/ensure-infra.sh), runs the benchmark (scripts/bench.ts), and stops what it started.
# Extra arguments go to scripts/bench.ts.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

build_with_infra
# The volume phase loads the console's pages in Chromium, as the browser tests do.
ensure_chromium
# The burst phase holds thousands of connections at once, each a file descriptor in the bench and
# in the order service (which inherits the limit): up to the hard limit, where the soft one is lower.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "Benchmark (scripts/bench.ts)"
node_modules/.bin/ts-node --transpile-only scripts/bench.ts "$@"
