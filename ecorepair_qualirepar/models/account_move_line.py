from odoo import fields, models

from .product_template import PART_ORIGINS

# What makes the eco-organism's bonus item: set by the add-on when the invoice is posted.
BONUS_ITEM_FIELDS = {"account_id", "partner_id", "debit", "credit", "balance", "amount_currency"}


class AccountMoveLine(models.Model):
    """The bonus item: the eco-organism's receivable on 467100, with the organism as partner, one per repaired
    device, in the bonus entry of the invoice (account.move._qualirepar_bonus_entry_values)."""

    _name = "account.move.line"
    _inherit = ["account.move.line", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset({"qualirepar_is_bonus", "qualirepar_bonus_partner_id",
                                            "qualirepar_repair_id"})

    qualirepar_part_origin = fields.Selection(PART_ORIGINS, string="Part origin")
    qualirepar_is_bonus = fields.Boolean(string="Bonus réparation item", readonly=True)
    qualirepar_bonus_partner_id = fields.Many2one(
        "res.partner", string="Eco-organism", readonly=True, index="btree_not_null",
        help="The eco-organism that owes this bonus.")
    qualirepar_repair_id = fields.Many2one("repair.order", string="Repaired device", readonly=True)

    def _qualirepar_guarded_changes(self, vals):
        if not self and self.env["account.move"].browse(vals.get("move_id")).reversed_entry_id.line_ids.filtered(
                "qualirepar_is_bonus"):
            return set()  # the credit note of an invoice of an earlier version copies its bonus line
        return super()._qualirepar_guarded_changes(vals) | self.filtered("qualirepar_is_bonus")._qualirepar_changed(
            vals, BONUS_ITEM_FIELDS)
