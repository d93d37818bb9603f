"""18.0.1.4.0: the stock of the parts (F12, F24). Each company with a warehouse gets its location of used and PIEC
parts, and the putaway rule that sends them there (README, "Spare parts: purchase, stock and traceability")."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    env["res.company"]._qualirepar_setup_parts_stock()
