from odoo import api, fields, models
from odoo.exceptions import UserError

from .product_template import PART_ORIGINS

SECOND_HAND = ("used", "piec")


class StockMove(models.Model):
    """A part carries its origin (AGEC): new, used or from the circular economy, from the supplier's receipt to the
    repair that uses it."""

    _inherit = "stock.move"

    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Part origin", compute="_compute_qualirepar_part_origin", store=True, readonly=False)

    @api.depends("product_id", "purchase_line_id.qualirepar_part_origin")
    def _compute_qualirepar_part_origin(self):
        for move in self:
            if move.purchase_line_id:
                move.qualirepar_part_origin = move.purchase_line_id.qualirepar_part_origin
            else:
                origin = move.product_id.qualirepar_part_origin or "new"
                move.qualirepar_part_origin = origin if move.repair_id else False

    # ------------------------------------------------------------------ the customer's consent (D.224-35)
    def _qualirepar_check_part_consent(self):
        """A used or PIEC part is reserved, ordered or used for a repair only when its customer accepted such
        parts: the rule of the quote, applied to the stock."""
        refused = self.filtered(lambda m: m.repair_id and m.repair_line_type == "add"
                                and m.state not in ("draft", "cancel")
                                and m.qualirepar_part_origin in SECOND_HAND
                                and not m.repair_id.qualirepar_consent_piec)
        if refused:
            repair = refused.repair_id[:1]
            raise UserError(self.env._(
                "The repair %(repair)s uses used or circular-economy parts (%(parts)s) but its customer has not "
                "accepted them: record the customer's consent on the repair (QualiRépar page), or use new parts.",
                repair=repair.name,
                parts=", ".join(refused.filtered(lambda m: m.repair_id == repair).product_id.mapped("display_name"))))

    def _action_confirm(self, merge=True, merge_into=False):
        moves = super()._action_confirm(merge=merge, merge_into=merge_into)
        moves._qualirepar_check_part_consent()
        return moves

    def write(self, vals):
        result = super().write(vals)
        if {"qualirepar_part_origin", "product_id", "repair_id"} & vals.keys():
            self._qualirepar_check_part_consent()
        return result
