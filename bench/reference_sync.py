"""Benchmark: a full reference sync of both eco-organisms against the local sandbox.

Prints wall time and SQL statements of a first sync and of a second, unchanged one. The second may
write nothing to the reference tables: it exits non-zero when it does. Run it with scripts/bench.sh.
"""

import os
import sys

from odoo_env import SqlCounter, odoo_env

import eco_sandbox


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
    try:
        with odoo_env(database, addons_path) as env:
            Backend = env["qualirepar.backend"]
            Backend.search([]).write({"active": False})
            backends = Backend.create([
                {"name": "bench ecosystem", "organism": "ecosystem", "environment": "sandbox",
                 "base_url": sandbox.ecosystem_url, "username": eco_sandbox.USERNAME, "password": eco_sandbox.PASSWORD},
                {"name": "bench Ecologic", "organism": "ecologic", "environment": "sandbox",
                 "base_url": sandbox.ecologic_url, "api_key": eco_sandbox.API_KEY},
            ])
            env.flush_all()
            runs = []
            for label in ("first sync", "second sync (no change)"):
                counter = SqlCounter()
                with counter.measure(env):
                    backends.action_sync_reference_data()
                runs.append((label, counter))
            types = env["qualirepar.product.type"].search_count([("backend_id", "in", backends.ids)])
            codes = env["qualirepar.repair.code"].search_count([("product_type_id.backend_id", "in", backends.ids)])
    finally:
        sandbox.stop()

    print(f"Reference sync of both organisms: {types} product types, {codes} repair/IRIS codes")
    print(f"{'run':<26}{'wall (s)':>10}{'queries':>10}{'SELECT':>8}{'INSERT':>8}{'UPDATE':>8}{'DELETE':>8}")
    for label, counter in runs:
        v = counter.verbs
        print(f"{label:<26}{counter.seconds:>10.3f}{counter.total:>10}{v['SELECT']:>8}{v['INSERT']:>8}"
              f"{v['UPDATE']:>8}{v['DELETE']:>8}")
    second = runs[1][1]
    reference_writes = {k: n for k, n in second.writes.items() if k[1] != "qualirepar_backend"}
    backend_writes = {k: n for k, n in second.writes.items() if k[1] == "qualirepar_backend"}
    print(f"second sync writes outside the reference data: {backend_writes or 'none'} (last synchronisation time)")
    if reference_writes:
        print(f"FAIL: the unchanged sync wrote reference data: {reference_writes}")
        return 1
    print("OK: the unchanged sync wrote no reference data (no INSERT, no UPDATE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
