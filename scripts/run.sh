#!/usr/bin/env bash
# Starts the eco-organism sandbox and Odoo on http://localhost:$ODOO_PORT with a demo database:
# the add-on installed with its demo data, in French, both connections pointed at the sandbox and
# the reference data synchronised. Log in as admin / admin. Ctrl-C stops both.
# RESET=1 scripts/run.sh recreates the demo database.
set -euo pipefail
bash "$(dirname "$0")/setup.sh"  # what is missing, installed first (fast when nothing is)
source "$(dirname "$0")/env.sh"
ODOO_BIN=("$PYTHON" "$ODOO_SRC/odoo-bin")
ODOO_ARGS=(--addons-path="$(odoo_addons_path)" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" "$SERVER_WIDE_MODULES")

start_postgres

log "Starting the eco-organism sandbox on http://127.0.0.1:$SANDBOX_PORT"
"$PYTHON" -m eco_sandbox --host 127.0.0.1 --port "$SANDBOX_PORT" &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$SANDBOX_PORT/_control/claims" && break
  kill -0 $sandbox_pid 2>/dev/null || { echo "The sandbox did not start" >&2; exit 1; }
  sleep 0.2
done

[ "${RESET:-0}" = 1 ] && dropdb --if-exists "$DEMO_DB"
if ! psql -lqt | cut -d'|' -f1 | grep -qw "$DEMO_DB"; then
  log "Creating the demo database $DEMO_DB, a French company (about two minutes)"
  # As Odoo's database manager does it: French language and country, so that the French chart of
  # accounts (PCG) is the one Odoo sets up, with the eco-organism receivable account.
  PYTHONPATH="$ODOO_SRC" "$PYTHON" - "$DEMO_DB" "$(odoo_addons_path)" <<'PY'
import sys
from odoo.tools import config
config.parse_config([f"--addons-path={sys.argv[2]}", "--max-cron-threads=0", "--log-level=warn"])
from odoo.service import db
db.exp_create_database(sys.argv[1], True, "fr_FR", "admin", "admin", "FR")
PY
  "${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" -i ecorepair_qualirepar,ecorepair_qualirepar_helpdesk --stop-after-init --max-cron-threads=0 --log-level=warn
else
  log "Updating the add-ons in the demo database $DEMO_DB"
  # -i: the call centre (ecorepair_qualirepar_helpdesk) installed in a demo database made before it.
  "${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" -i ecorepair_qualirepar_helpdesk -u ecorepair_qualirepar,ecorepair_qualirepar_helpdesk --i18n-overwrite --stop-after-init --max-cron-threads=0 \
    --log-level=warn
fi

log "Pointing the demo connections at the sandbox and synchronising the reference data"
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --no-http --log-level=warn <<PY
backends = env["qualirepar.backend"].search([])
for backend in backends.filtered(lambda b: "127.0.0.1" in (b.base_url or "")):
    prefix = "/ecosystem" if backend.organism == "ecosystem" else "/ecologic/api/v1/ecosupport/"
    backend.base_url = "http://127.0.0.1:$SANDBOX_PORT" + prefix
env.ref("base.user_admin").lang = "fr_FR"
backends.action_sync_reference_data()
env.cr.commit()
print("%d product types synchronised" % env["qualirepar.product.type"].search_count([]))
PY

log "Demo quotes and invoices with the bonus réparation"
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --no-http --log-level=warn < "$ROOT/scripts/demo_accounting.py"

log "Demo spare part ordered from its supplier, received with its lot and billed"
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --no-http --log-level=warn < "$ROOT/scripts/demo_parts.py"

log "Demo technician's day: his on-site visits put on today (field terminal, login atelier / atelier)"
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --no-http --log-level=warn < "$ROOT/scripts/demo_terminal.py"

log "Odoo on http://localhost:$ODOO_PORT (database $DEMO_DB, login admin / admin)"
"${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" --http-port "$ODOO_PORT" "$@"
