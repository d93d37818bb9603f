"""The add-on installs with pip like a published OCA add-on (built with whool): the wheel holds every file the
manifest loads, and the add-on's own Odoo tests pass from the installed copy, away from this repository."""

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADDON = "ecorepair_qualirepar"
MANIFEST = ast.literal_eval((ROOT / ADDON / "__manifest__.py").read_text())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    env = dict(os.environ, WHOOL_POST_VERSION_STRATEGY_OVERRIDE="none")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT / ADDON)], check=True, cwd=out, env=env)
    (built,) = out.glob(f"odoo_addon_{ADDON}-{MANIFEST['version']}-*.whl")
    return built


def test_wheel_holds_the_whole_addon(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = [str(path.relative_to(ROOT / ADDON)) for path in (ROOT / ADDON / "migrations").rglob("*.py")]
    expected = MANIFEST["data"] + MANIFEST["demo"] + migrations + [
        "__manifest__.py", "i18n/fr.po", "i18n/ecorepair_qualirepar.pot", "clients/ecosystem.py", "tests/common.py"]
    missing = [path for path in expected if f"odoo/addons/{ADDON}/{path}" not in names]
    assert not missing
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: python-stdnum" in metadata


@pytest.mark.skipif(not os.environ.get("QUALIREPAR_TEST_DB"), reason="needs the test command's database server")
def test_odoo_tests_pass_from_the_installed_addon(wheel, tmp_path):
    """Installed elsewhere, without the repository on any path, the add-on's tests still find the sandbox."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    addons = target / "odoo" / "addons"
    odoo_src = Path(os.environ["ODOO_SRC"])
    database = os.environ["QUALIREPAR_TEST_DB"] + "_wheel"
    subprocess.run(["dropdb", "--if-exists", database], check=True)
    core = [str(odoo_src / "odoo" / "addons")] + ([str(odoo_src / "addons")] if (odoo_src / "addons").is_dir() else [])
    run = subprocess.run(
        [sys.executable, str(odoo_src / "odoo-bin"), f"--addons-path={','.join([str(addons), *core])}", "-d", database,
         "-i", ADDON, "--test-enable", "--test-tags", f"/{ADDON}:TestRoles,/{ADDON}:TestConnectionButton",
         "--http-port", os.environ.get("QUALIREPAR_WHEEL_HTTP_PORT", "8199"), "--stop-after-init",
         "--max-cron-threads=0", "--log-level=test"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900)
    subprocess.run(["dropdb", "--if-exists", database], check=False)
    log = run.stdout + run.stderr
    assert re.search(r" 0 failed, 0 error\(s\) of [1-9][0-9]* tests", log), log[-3000:]
    paths = re.search(r"addons paths: (\[.*\])", log).group(1)
    assert str(addons) in paths and str(ROOT) not in paths, "the tests ran from the installed copy"
    shutil.rmtree(target)
