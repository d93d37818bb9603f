"""Packages the add-on like a published Odoo add-on: ``pip install .`` puts it in ``odoo.addons``."""

import ast
import os

from setuptools import setup

ADDON = "ecorepair_qualirepar"
HERE = os.path.dirname(os.path.abspath(__file__))
ADDON_DIR = os.path.join(HERE, ADDON)
with open(os.path.join(ADDON_DIR, "__manifest__.py"), encoding="utf-8") as manifest_file:
    MANIFEST = ast.literal_eval(manifest_file.read())

walk = [(folder, files) for folder, _dirs, files in os.walk(ADDON_DIR) if "__pycache__" not in folder]
packages = [
    "odoo.addons." + os.path.relpath(folder, HERE).replace(os.sep, ".")
    for folder, files in walk if "__init__.py" in files
]
# Everything else, the migration scripts included (their folders are no Python packages).
data_files = [
    os.path.relpath(os.path.join(folder, name), ADDON_DIR)
    for folder, files in walk for name in files
    if not name.endswith(".pyc") and not (name.endswith(".py") and "__init__.py" in files)
]

setup(
    name=f"odoo-addon-{ADDON}",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    license=MANIFEST["license"],
    packages=packages,
    package_dir={f"odoo.addons.{ADDON}": ADDON},
    package_data={f"odoo.addons.{ADDON}": data_files},
    python_requires=">=3.10",
    install_requires=["requests", "python-stdnum"],
    classifiers=["Framework :: Odoo", "Framework :: Odoo :: 18.0", "Programming Language :: Python :: 3"],
)
