#!/usr/bin/env bash
# Runs the add-on's Odoo tests on a fresh database through Odoo's own runner, then the pytest suite
# of tests/. Fails on any failure, error or skipped test (a tour skipped for want of Chromium counts).
# TEST_TAGS narrows the Odoo tests (e.g. TEST_TAGS=/ecorepair_qualirepar:TestReferenceSync); by default both add-ons'
# (ecorepair_qualirepar and its call-centre glue ecorepair_qualirepar_helpdesk, on OCA helpdesk_mgmt).
set -euo pipefail
bash "$(dirname "$0")/setup.sh"  # what is missing, installed first (fast when nothing is)
source "$(dirname "$0")/env.sh"
TEST_DB="${TEST_DB:-qualirepar_test}"
TEST_HTTP_PORT="${TEST_HTTP_PORT:-8169}"
TEST_TAGS="${TEST_TAGS:-/ecorepair_qualirepar,/ecorepair_qualirepar_helpdesk}"
LOG_DIR="$ECOREPAIR_HOME/logs"
mkdir -p "$LOG_DIR"
odoo_log="$LOG_DIR/odoo-tests-$TEST_DB.log"

start_postgres
log "Odoo tests of ecorepair_qualirepar and ecorepair_qualirepar_helpdesk on a fresh database ($TEST_DB)"
dropdb --if-exists "$TEST_DB"
set +e
# A hung test (a browser or wkhtmltopdf waiting forever) must not hold CI: 25 minutes at most.
timeout "${ODOO_TEST_TIMEOUT:-1500}" "$PYTHON" "$ODOO_SRC/odoo-bin" --addons-path="$(odoo_addons_path)" -d "$TEST_DB" \
  "$SERVER_WIDE_MODULES" -i l10n_fr_account,ecorepair_qualirepar,ecorepair_qualirepar_helpdesk --test-enable --test-tags "$TEST_TAGS" \
  --http-port "$TEST_HTTP_PORT" --stop-after-init --log-level=info --max-cron-threads=0 \
  2>&1 | tee "$odoo_log" | grep -E " (WARNING|ERROR|CRITICAL) |odoo\.tests\.(result|stats)|: skipped |Ran [0-9]+ tests|post-tests in"
odoo_rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$odoo_log" | tail -n 1 || true)
skipped=$(grep -cE " INFO .*: skipped " "$odoo_log" || true)
if [ "$odoo_rc" -ne 0 ] || ! grep -qE " 0 failed, 0 error\(s\) of [1-9][0-9]* tests" <<<"$summary" \
   || grep -qE " (ERROR|CRITICAL) " "$odoo_log" || [ "$skipped" -ne 0 ]; then
  echo "Odoo tests failed (exit $odoo_rc, $skipped skipped): see $odoo_log" >&2
  exit 1
fi

log "pytest: clients, sandbox, and 200 claims sent by two Odoo processes (tests/)"
cd "$ROOT"
# tests/ needs no Odoo registry: pytest-odoo, if a venv has it, stays out.
# The end-to-end claims test runs the scheduled actions in Odoo processes on the database just tested.
QUALIREPAR_TEST_DB="$TEST_DB" ODOO_SRC="$ODOO_SRC" QUALIREPAR_ADDONS_PATH="$(odoo_addons_path)" \
  "$PYTHON" -m pytest tests -p no:cacheprovider -p no:odoo -rs
