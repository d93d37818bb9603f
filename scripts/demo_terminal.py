"""Demo of the field terminal (F22), run by scripts/run.sh through `odoo-bin shell`: Théo Atelier's on-site visits
not done yet are put on today (9:00 and 14:00, Paris time) and confirmed, their parts reserved from the stock, so
that the demo shows his day whenever it is started. Idempotent: nothing is written on a second run the same day."""
from datetime import datetime, time

import pytz

paris = pytz.timezone("Europe/Paris")
today = datetime.now(paris).date()
quant = env.ref("ecorepair_qualirepar.demo_quant_door_seal", raise_if_not_found=False)
if quant and quant.inventory_quantity_set:  # a demo database updated rather than created: the count not applied
    quant.action_apply_inventory()
day = []
for xmlid, hour in (("demo_repair_onsite_seal", 9), ("demo_repair_onsite_pump", 14)):
    repair = env.ref(f"ecorepair_qualirepar.{xmlid}", raise_if_not_found=False)
    if not repair or repair.state in ("done", "cancel"):
        continue
    when = paris.localize(datetime.combine(today, time(hour))).astimezone(pytz.UTC).replace(tzinfo=None)
    if repair.schedule_date != when:
        repair.schedule_date = when
    if repair.state == "draft":
        repair.action_validate()
    repair.move_ids.filtered(lambda m: m.state in ("confirmed", "partially_available"))._action_assign()
    day.append(repair.name)
env.cr.commit()
print("Demo field terminal: Théo Atelier's day today: %s" % ", ".join(day))
