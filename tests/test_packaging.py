"""The add-on installs with pip like a published Odoo add-on: the wheel holds every file the manifest loads."""

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDON = "ecorepair_qualirepar"


def test_wheel_holds_the_whole_addon(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the work tree
    shutil.copytree(ROOT / ADDON, source / ADDON, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.py", source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(source)], check=True, cwd=tmp_path)
    manifest = ast.literal_eval((ROOT / ADDON / "__manifest__.py").read_text())
    (wheel,) = tmp_path.glob(f"odoo_addon_ecorepair_qualirepar-{manifest['version']}-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = [str(path.relative_to(ROOT / ADDON)) for path in (ROOT / ADDON / "migrations").rglob("*.py")]
    expected = manifest["data"] + manifest["demo"] + migrations + [
        "__manifest__.py", "i18n/fr.po", "clients/ecosystem.py"]
    missing = [path for path in expected if f"odoo/addons/{ADDON}/{path}" not in names]
    assert not missing
