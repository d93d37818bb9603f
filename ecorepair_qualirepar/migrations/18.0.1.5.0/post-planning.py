"""18.0.1.5.0: one planning (F23). The repairs already confirmed (or booked online) get their slot in the calendar,
with their technician as attendee (README, "One planning")."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    env["repair.order"]._qualirepar_planning_init()
