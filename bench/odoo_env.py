"""Opens an Odoo environment on a benchmark database and counts the SQL a block of code sends."""

import os
import sys
import time
from collections import Counter
from contextlib import contextmanager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.environ["ODOO_SRC"])

import odoo  # noqa: E402
from odoo.sql_db import Cursor  # noqa: E402
from odoo.tools import SQL  # noqa: E402


@contextmanager
def odoo_env(database, addons_path):
    """A superuser environment whose transaction is rolled back at the end."""
    odoo.tools.config.parse_config(["--addons-path", addons_path, "-d", database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        try:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        finally:
            cr.rollback()


class SqlCounter:
    """Counts the statements executed, by verb and by (verb, table) for writes."""

    def __init__(self):
        self.verbs = Counter()
        self.writes = Counter()
        self.reads = Counter()
        self.seconds = 0.0

    @contextmanager
    def measure(self, env):
        execute = Cursor.execute

        def counting(cr, query, params=None, log_exceptions=True):
            words = (query.code if isinstance(query, SQL) else str(query)).split()
            verb = words[0].upper() if words else ""
            self.verbs[verb] += 1
            if verb in ("INSERT", "UPDATE", "DELETE"):
                table = words[2] if verb in ("INSERT", "DELETE") else words[1]
                self.writes[(verb, table.strip('"'))] += 1
            elif verb == "SELECT" and "FROM" in words:
                self.reads[words[words.index("FROM") + 1].strip('"')] += 1
            return execute(cr, query, params, log_exceptions)

        Cursor.execute = counting
        start = time.perf_counter()
        try:
            yield self
            env.flush_all()
        finally:
            self.seconds = time.perf_counter() - start
            Cursor.execute = execute

    @property
    def total(self):
        return sum(self.verbs.values())
