"""Benchmark: warranty-return detection at intake with 200,000 past repairs.

Measures the SQL queries of one intake (a repair.order created with a serial number) on an empty history and
on 200,000 finished repairs, and the time of the return lookup itself, with the plan PostgreSQL uses. The
history is seeded by copying one repair row in SQL (200,000 ORM creates would take a long while and measure
nothing of interest); everything is rolled back at the end. Run it with scripts/bench.sh returns_lookup.
"""

import statistics
import sys
import time

from datetime import datetime, timedelta

from odoo_env import SqlCounter, odoo_env

PAST_REPAIRS = 200_000
LOOKUPS = 200


def intake(env, product, partner, serial):
    """Two intakes of ``serial``; the second is measured (the first warms the ORM's caches up)."""
    for _run in range(2):
        counter = SqlCounter()
        with counter.measure(env):
            repair = env["repair.order"].create({
                "partner_id": partner.id, "product_id": product.id, "qualirepar_serial_number": serial})
    return repair, counter


def seed_history(env, template):
    """PAST_REPAIRS finished repairs, each with its own serial number (and its key, the same: no separator),
    copied from ``template`` in SQL."""
    env.flush_all()
    cr = env.cr
    cr.execute("""SELECT column_name FROM information_schema.columns
                  WHERE table_name = 'repair_order' AND column_name NOT IN
                  ('id', 'name', 'state', 'qualirepar_serial_number', 'qualirepar_serial_key',
                   'qualirepar_done_date')""")
    columns = ", ".join(f'"{name}"' for (name,) in cr.fetchall())
    cr.execute(f"""
        INSERT INTO repair_order ({columns}, name, state, qualirepar_serial_number, qualirepar_serial_key,
                                  qualirepar_done_date)
        SELECT {columns}, 'HIST/' || n, 'done', 'HIST' || lpad(n::text, 9, '0'), 'HIST' || lpad(n::text, 9, '0'),
               now() - mod(n, 720) * interval '1 day'
          FROM repair_order, generate_series(1, %s) AS n
         WHERE repair_order.id = %s""", (PAST_REPAIRS, template.id))
    cr.execute("ANALYZE repair_order")


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    with odoo_env(database, addons_path) as env:
        product = env["product.product"].create({"name": "Lave-linge (bench)"})
        partner = env["res.partner"].create({"name": "Client bench"})
        template, _warm_up = intake(env, product, partner, "TEMPLATE")
        template.write({"state": "done", "qualirepar_done_date": datetime.now() - timedelta(days=10)})
        _repair, empty_new = intake(env, product, partner, "EMPTY-HISTORY-1")
        _repair, empty_return = intake(env, product, partner, "TEMPLATE")
        seed_history(env, template)
        earlier = env["repair.order"].search([("qualirepar_serial_number", "=", "HIST000000010")])
        _fresh, full_new = intake(env, product, partner, "NEVER-SEEN-1")
        returned, full_return = intake(env, product, partner, "HIST000000010")
        assert returned.qualirepar_return_of_id == earlier, "the return was not detected"

        timings = []
        for _ in range(LOOKUPS):
            start = time.perf_counter()
            returned._qualirepar_find_earlier_repair()
            timings.append((time.perf_counter() - start) * 1000)
            env.invalidate_all()
        env.cr.execute("""EXPLAIN SELECT id FROM repair_order WHERE state = 'done' AND company_id = %s
                          AND qualirepar_done_date >= now() - interval '3 months'
                          AND (qualirepar_serial_key IN ('HIST000000010') OR qualirepar_imei IN ('HIST000000010'))
                          ORDER BY qualirepar_done_date DESC LIMIT 1""", (returned.company_id.id,))
        plan = "\n".join(f"    {line}" for (line,) in env.cr.fetchall())
        total = env["repair.order"].search_count([])

    print(f"Warranty-return detection with {total:,} repairs in the database ({PAST_REPAIRS:,} finished)")
    print(f"{'intake':<44}{'queries':>8}{'wall (ms)':>11}")
    for label, counter in (("a new device, empty history", empty_new),
                           (f"a new device, {PAST_REPAIRS:,} past repairs", full_new),
                           ("a warranty return, empty history", empty_return),
                           (f"a warranty return, {PAST_REPAIRS:,} past repairs", full_return)):
        print(f"{label:<44}{counter.total:>8}{counter.seconds * 1000:>11.1f}")
    print(f"return lookup over {LOOKUPS} runs: median {statistics.median(timings):.2f} ms, "
          f"max {max(timings):.2f} ms")
    print("plan of the lookup:\n" + plan)
    if full_new.total != empty_new.total or full_return.total != empty_return.total:
        print("FAIL: an intake's queries grow with the number of past repairs")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
