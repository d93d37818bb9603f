"""Benchmark: posting a repair invoice with a bonus against posting the same invoice without one.

The same quote lines (labour 150 € excl. VAT) are invoiced for repairs entitled to the bonus (half ecosystem,
half Ecologic, their bonus asked on the quote) and for the same repairs declared under warranty (no bonus: the
invoice the shop would post without the add-on's bonus entry and claim). Each invoice is posted on its own, the
two kinds in turn, on the same database; prints the time and SQL statements per invoice of each kind, their
ratio, and the calls made to the eco-organisms while posting. Targets: ratio at most 1.3× and 0 calls. Run it
with scripts/bench.sh invoice_posting (INVOICES overrides the number of invoices of each kind). Exits non-zero
when a target is missed (VERBOSE=1 prints where the statements go). Everything is rolled back at the end.
"""

import os
import sys
from collections import Counter

from odoo_env import SqlCounter, odoo_env

from odoo import Command

import claim_batch
import eco_sandbox

INVOICES = int(os.environ.get("INVOICES", 40))
RATIO_TARGET = 1.3


def draft_invoices(env, backends, count, eligible):
    """``count`` draft invoices of repairs (alternately a laptop for ecosystem, a washer for Ecologic)."""
    items = claim_batch.catalogue(env, backends)
    laptop, washer, samsung, seb, labour = (items[k] for k in ("laptop", "washer", "samsung", "seb", "labour"))
    customer = env["res.partner"].create({"name": "Client Bench", "street": "1 rue de la Paix", "zip": "69002",
                                          "city": "Lyon", "email": "bench@example.com"})
    invoices = env["account.move"]
    for i in range(count):
        repair = env["repair.order"].create({
            "partner_id": customer.id, "product_id": (washer if i % 2 else laptop).id,
            "qualirepar_brand_id": (seb if i % 2 else samsung).id, "qualirepar_serial_number": f"BENCH-{eligible}-{i}",
            "qualirepar_out_of_warranty": eligible, "qualirepar_nameplate_photo": claim_batch.PNG_BASE64})
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.order_line = [Command.create({"product_id": labour.id})]
        order.action_qualirepar_check_bonus()
        order.action_confirm()
        invoices |= order._create_invoices()
    return invoices


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
    try:
        with odoo_env(database, addons_path) as env:
            backends = claim_batch.connect(env, sandbox.ecosystem_url, sandbox.ecologic_url, eco_sandbox.API_KEY,
                                           eco_sandbox.USERNAME, eco_sandbox.PASSWORD, timeout=10)
            kinds = {"with bonus": draft_invoices(env, backends, INVOICES + 1, True),
                     "without bonus": draft_invoices(env, backends, INVOICES + 1, False)}
            for invoices in kinds.values():
                invoices[0].action_post()  # warms the ORM's caches up
            env.flush_all()
            counters = {kind: [] for kind in kinds}
            calls_before = len(sandbox.state.request_log)
            for i in range(1, INVOICES + 1):
                for kind, invoices in kinds.items():
                    counter = SqlCounter()
                    with counter.measure(env):
                        invoices[i].action_post()
                        env.cr.flush()  # what its commit runs too: the ORM's flush and the tracking messages
                    counters[kind].append(counter)
            calls = len(sandbox.state.request_log) - calls_before
            with_bonus = kinds["with bonus"][1:]
            assert all(with_bonus.mapped("qualirepar_bonus_move_id")), "every eligible invoice has its bonus entry"
            assert not any(kinds["without bonus"].mapped("qualirepar_bonus_move_id"))
            assert set(with_bonus.mapped("payment_state")) == {"partial"}
    finally:
        sandbox.stop()

    figures = {kind: (sum(c.seconds for c in cs) / len(cs), sum(c.total for c in cs) / len(cs))
               for kind, cs in counters.items()}
    for kind, (seconds, statements) in figures.items():
        print(f"{kind:>14}: {seconds * 1000:7.1f} ms, {statements:6.1f} SQL statements per invoice")
    (t1, q1), (t0, q0) = figures["with bonus"], figures["without bonus"]
    print(f"ratio: time {t1 / t0:.2f}×, SQL statements {q1 / q0:.2f}× (target ≤ {RATIO_TARGET}×); "
          f"calls to the eco-organisms while posting: {calls} (target 0)")
    if os.environ.get("VERBOSE"):  # where the statements go, per invoice
        for kind, cs in counters.items():
            writes, reads = sum((c.writes for c in cs), Counter()), sum((c.reads for c in cs), Counter())
            print(kind, "writes", {k: v / len(cs) for k, v in writes.most_common(15)},
                  "reads", {k: v / len(cs) for k, v in reads.most_common(15)})
    if t1 / t0 > RATIO_TARGET or q1 / q0 > RATIO_TARGET or calls:
        sys.exit(1)


if __name__ == "__main__":
    main()
