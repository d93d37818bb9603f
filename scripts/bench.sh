#!/usr/bin/env bash
# Runs the benchmarks of bench/ on a benchmark database (created once, without demo data).
# Benchmarks measure; they are not tests. Usage: scripts/bench.sh [reference_sync ...]
# BENCH_DB names the database; ODOO_PORT (and the next port) and SANDBOX_PORT are the ports of the servers a
# benchmark starts (claims_pipeline: an Odoo server in workers mode and the sandbox).
set -euo pipefail
source "$(dirname "$0")/env.sh"
BENCH_DB="${BENCH_DB:-qualirepar_bench}"
start_postgres
if ! psql -lqt | cut -d'|' -f1 | grep -qw "$BENCH_DB"; then
  log "Creating the benchmark database $BENCH_DB"
  "$PYTHON" "$ODOO_SRC/odoo-bin" --addons-path="$(odoo_addons_path)" -d "$BENCH_DB" -i ecorepair_qualirepar \
    --without-demo=all --stop-after-init --max-cron-threads=0 --log-level=warn --http-port="$ODOO_PORT"
else
  "$PYTHON" "$ODOO_SRC/odoo-bin" --addons-path="$(odoo_addons_path)" -d "$BENCH_DB" -u ecorepair_qualirepar \
    --stop-after-init --max-cron-threads=0 --log-level=warn --http-port="$ODOO_PORT"
fi
benches=("$@"); ((${#benches[@]})) || benches=(reference_sync)
for bench in "${benches[@]}"; do
  log "bench/$bench.py"
  ODOO_SRC="$ODOO_SRC" "$PYTHON" "$ROOT/bench/$bench.py" "$BENCH_DB" "$(odoo_addons_path)"
done
