"""Benchmark: 1,000 claims sent by the scheduled action against the sandbox answering each call in 50 ms.

Prints the wall time against its lower bound (calls × latency ÷ concurrency) and the SQL statements per claim.
Targets: within 1.5× of the bound, at most 15 statements per claim. Run it with scripts/bench.sh claims_pipeline;
CLAIMS, LATENCY_MS and CONCURRENCY (the system parameter ecorepair_qualirepar.claim_concurrency) override the
defaults. Exits non-zero when a target is missed or a claim is not sent.

The claims are made first (repairs, quotes, posted invoices: not measured). Their invoices carry a PDF, as the
invoices a shop has sent to its customers do; a claim whose invoice has none renders it once (wkhtmltopdf).
"""

import os
import sys
import time
from collections import Counter

from odoo_env import SqlCounter

import odoo

import claim_batch
import eco_sandbox

CLAIMS = int(os.environ.get("CLAIMS", 1000))
LATENCY_MS = int(os.environ.get("LATENCY_MS", 50))


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    odoo.tools.config.parse_config(["--addons-path", addons_path, "-d", database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(database)
    from odoo.addons.ecorepair_qualirepar.models import qualirepar_claim_transmission as transmission
    concurrency = int(os.environ.get("CONCURRENCY", transmission.CONCURRENCY))
    sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            start = time.perf_counter()
            backends = claim_batch.connect(env, sandbox.ecosystem_url, sandbox.ecologic_url, eco_sandbox.API_KEY,
                                           eco_sandbox.USERNAME, eco_sandbox.PASSWORD, timeout=10)
            claims = claim_batch.make_claims(env, backends, CLAIMS, str(int(time.time())))
            invoices = claims.invoice_id
            pdf, _kind = env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", invoices[:1].ids)
            invoices.invoice_pdf_report_file = pdf
            env["ir.config_parameter"].set_param(transmission.CONCURRENCY_PARAMETER, concurrency)
            cr.commit()
            print(f"{len(claims)} claims made in {time.perf_counter() - start:.0f} s "
                  f"({Counter(claims.mapped('state'))})")

            sandbox.state.set_faults(latency_ms=LATENCY_MS)
            calls_before = len(sandbox.state.request_log)
            counter = SqlCounter()
            with counter.measure(env):
                env["qualirepar.claim"]._cron_submit_claims()
            calls = len(sandbox.state.request_log) - calls_before
            claims.invalidate_recordset()
            states = Counter(claims.mapped("state"))
    finally:
        sandbox.stop()

    bound = calls * LATENCY_MS / 1000 / concurrency
    ratio = counter.seconds / bound
    per_claim = counter.total / len(claims)
    print(f"Claims sent: {len(claims)}, {LATENCY_MS} ms per call, concurrency {concurrency}: {dict(states)}")
    print(f"{'calls to the organisms':<34}{calls:>10}  ({calls / len(claims):.1f} per claim)")
    print(f"{'lower bound (s)':<34}{bound:>10.1f}  (calls × latency ÷ concurrency)")
    print(f"{'wall time (s)':<34}{counter.seconds:>10.1f}  ({ratio:.2f}× the bound; target ≤ 1.5×)")
    print(f"{'SQL statements':<34}{counter.total:>10}  ({per_claim:.1f} per claim; target ≤ 15)")
    print("  by verb: " + ", ".join(f"{verb} {n}" for verb, n in counter.verbs.most_common()))
    print("  reads:   " + ", ".join(f"{table} {n}" for table, n in counter.reads.most_common(12)))
    print("  writes:  " + ", ".join(f"{verb} {table} {n}" for (verb, table), n in counter.writes.most_common(8)))
    failed = [name for name, ok in (("wall time", ratio <= 1.5), ("queries", per_claim <= 15),
                                    ("all sent", states == {"sent": len(claims)})) if not ok]
    print(f"FAIL: {', '.join(failed)}" if failed else "OK: both targets met, every claim sent")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
