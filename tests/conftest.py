"""Fixtures: an in-process sandbox and the API clients, loaded by file path.

The clients are imported with importlib from ``ecorepair_qualirepar/clients/`` under the name
``qualirepar_clients`` so that the Odoo add-on's own ``__init__.py`` (which imports odoo) is never run.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIENTS_DIR = ROOT / "ecorepair_qualirepar" / "clients"
sys.path.insert(0, str(ROOT / "tools"))


def _load_clients():
    if "qualirepar_clients" in sys.modules:
        return sys.modules["qualirepar_clients"]
    spec = importlib.util.spec_from_file_location(
        "qualirepar_clients", CLIENTS_DIR / "__init__.py", submodule_search_locations=[str(CLIENTS_DIR)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["qualirepar_clients"] = module
    spec.loader.exec_module(module)
    return module


clients = _load_clients()

import eco_sandbox  # noqa: E402  (needs tools/ on sys.path)

# Short timeouts and back-off keep the fault tests fast.
CLIENT_OPTIONS = {"timeout": 2, "retries": 3, "backoff_factor": 0.01}


@pytest.fixture(scope="session")
def sandbox():
    server = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def clean_sandbox(sandbox):
    """Every test starts from the initial sandbox state."""
    sandbox.state.reset()
    yield sandbox.state


@pytest.fixture
def state(sandbox):
    return sandbox.state


@pytest.fixture
def ecosystem(sandbox):
    client = clients.EcosystemClient(sandbox.ecosystem_url, eco_sandbox.USERNAME, eco_sandbox.PASSWORD,
                                     **CLIENT_OPTIONS)
    yield client
    client.close()


@pytest.fixture
def ecologic(sandbox):
    client = clients.EcologicClient(sandbox.ecologic_url, eco_sandbox.API_KEY, **CLIENT_OPTIONS)
    yield client
    client.close()


def api_calls(state, fragment):
    """The logged API requests whose path contains ``fragment``: [(method, path, status)]."""
    return [entry for entry in state.request_log if fragment.lower() in entry[1].lower()]


@pytest.fixture
def calls(state):
    return lambda fragment: api_calls(state, fragment)


def pytest_sessionfinish(session, exitstatus):
    """A skipped test hides a missing dependency or service: the run fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1
