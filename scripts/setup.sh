#!/usr/bin/env bash
# Installs whatever is missing to run and test the add-on. Safe to run again.
set -euo pipefail
source "$(dirname "$0")/env.sh"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# 1. System packages (Debian): PostgreSQL, wkhtmltopdf, Chromium, build headers. wkhtmltopdf draws with the
#    system's fonts: Noto CJK for Chinese, Japanese and Korean names, Symbola for emoji (monochrome).
DEBS=(postgresql postgresql-client wkhtmltopdf chromium fonts-dejavu-core fonts-noto-cjk fonts-symbola poppler-utils
      libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev
      python3-venv git curl)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. PostgreSQL server, started, with a superuser role for the current user.
start_postgres

# 3. Odoo 18.0 source: $ODOO_SRC, else clone the public repository there.
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
  log "No Odoo source in $ODOO_SRC: cloning Odoo 18.0"
  git clone --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_SRC"
fi
grep -q "^version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
  || { echo "$ODOO_SRC is not Odoo 18.0" >&2; exit 1; }

# 4. Python virtual environment with Odoo's and the add-on's requirements.
if [ ! -x "$VENV/bin/python" ]; then
  log "Creating the virtual environment $VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha1"
want=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-test.txt" \
       "$ROOT/scripts/pip-constraints.txt" "$ROOT/tools/pyproject.toml" "$ROOT"/tools/eco_sandbox/*.py | sha1sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "Installing Python requirements"
  # The constraints (scripts/pip-constraints.txt) say why.
  # PIP_CONSTRAINT reaches the build environment with pip < 26.2, PIP_BUILD_CONSTRAINT after.
  export PIP_CONSTRAINT="$ROOT/scripts/pip-constraints.txt" PIP_BUILD_CONSTRAINT="$ROOT/scripts/pip-constraints.txt"
  "$VENV/bin/pip" install -q --upgrade pip wheel "setuptools<70"
  "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt"
  # OCA add-ons (odoo-addon-*): their wheels require "odoo", which is not on PyPI for 18.0 (Odoo comes from
  # $ODOO_SRC), so they are installed without dependencies, theirs being listed in requirements.txt.
  "$VENV/bin/pip" install -q -r <(grep -v '^odoo-addon-' "$ROOT/requirements.txt") -r "$ROOT/requirements-test.txt"
  "$VENV/bin/pip" install -q --no-deps -r <(grep '^odoo-addon-' "$ROOT/requirements.txt")
  # Odoo (from $ODOO_SRC) finds them in the virtual environment's odoo/addons (scripts/env.sh adds it to the path).
  # The sandbox of the eco-organisms' APIs, which the add-on's tests import (a copy, made again when it changes).
  "$VENV/bin/pip" install -q --force-reinstall --no-deps "$ROOT/tools"
  echo "$want" > "$stamp"
fi
log "Set-up done: Odoo in $ODOO_SRC, Python in $VENV"
