# Shared settings of the project's commands (sourced, not run).
# Every value can be overridden from the environment.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ODOO_SRC="${ODOO_SRC:-$HOME/odoo-18.0}"
export ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
export ECOREPAIR_HOME="${ECOREPAIR_HOME:-$HOME/.cache/ecorepair_qualirepar}"
export VENV="${VENV:-$ECOREPAIR_HOME/venv}"
export PGHOST="${PGHOST:-/var/run/postgresql}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-$(id -un)}"
export SANDBOX_PORT="${SANDBOX_PORT:-8077}"
export ODOO_PORT="${ODOO_PORT:-8069}"
export DEMO_DB="${DEMO_DB:-qualirepar_demo}"
export PYTHON="$VENV/bin/python"
# OCA queue_job runs the claims' jobs: a server-wide module (its job runner starts with the server). Its channels
# are configured per database (the QualiRépar setting "Claims sent at once" is the capacity of root.qualirepar),
# within the most jobs a server runs at once for a database (queue_job's max_capacity).
export ODOO_QUEUE_JOB_MAX_CAPACITY="${ODOO_QUEUE_JOB_MAX_CAPACITY:-4}"
SERVER_WIDE_MODULES="--load=base,web,queue_job"

# The add-ons path: a release archive holds the standard add-ons in odoo/addons,
# a git checkout also has addons/ at its top; the OCA add-ons installed by pip (queue_job) are in the
# virtual environment's odoo/addons.
odoo_addons_path() {
  local path="$ROOT,$ODOO_SRC/odoo/addons"
  [ -d "$ODOO_SRC/addons/web" ] && path="$path,$ODOO_SRC/addons"
  local oca
  oca=$(ls -d "$VENV"/lib/python3*/site-packages/odoo/addons 2>/dev/null | head -n 1)
  [ -n "$oca" ] && path="$path,$oca"
  echo "$path"
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Starts the local PostgreSQL server if it is not running (Debian cluster).
start_postgres() {
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    log "Starting PostgreSQL"
    local cluster
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
      pg_createcluster 15 main >/dev/null
      cluster="15 main"
    fi
    pg_ctlcluster $cluster start
    for _ in $(seq 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
  fi
  local as_postgres=(env -u PGUSER -u PGHOST runuser -u postgres --)
  if ! "${as_postgres[@]}" psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" | grep -q 1; then
    log "Creating PostgreSQL role $PGUSER"
    "${as_postgres[@]}" createuser --superuser "$PGUSER"
  fi
}
