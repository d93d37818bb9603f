"""The bonus entry points at its invoice (account.move.qualirepar_bonus_invoice_id): the invoice's link to its entry
(qualirepar_bonus_move_id) is computed from it and no longer written on the invoice. The column is made and filled
here, before the update, from the links the invoices hold."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    if not openupgrade.column_exists(env.cr, "account_move", "qualirepar_bonus_invoice_id"):
        openupgrade.logged_query(env.cr, "ALTER TABLE account_move ADD COLUMN qualirepar_bonus_invoice_id INTEGER")
    openupgrade.logged_query(env.cr, """
        UPDATE account_move entry SET qualirepar_bonus_invoice_id = move.id
          FROM account_move move
         WHERE move.qualirepar_bonus_move_id = entry.id AND entry.qualirepar_bonus_invoice_id IS NULL
    """)
