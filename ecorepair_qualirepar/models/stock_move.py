from odoo import api, fields, models
from odoo.exceptions import UserError

from .product_template import PART_ORIGINS

SECOND_HAND = ("used", "piec")
# The states of a repair's part still waiting for its product.
WAITING_STATES = ("waiting", "confirmed", "partially_available")


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

    # ------------------------------------------------------------------ the parts have arrived (F14)
    def _qualirepar_waiting_repairs(self, moves):
        """The repairs not told yet whose ``moves`` still wait for their part."""
        return self.env["repair.order"].sudo().search([
            ("state", "in", ("confirmed", "under_repair")),
            ("qualirepar_parts_received_sent", "=", False),
            ("move_ids", "any", [("id", "in", moves.ids), ("repair_line_type", "=", "add"),
                                 ("state", "in", WAITING_STATES)]),
        ]) if moves else self.env["repair.order"]

    def _action_done(self, cancel_backorder=False):
        """A part ordered for a repair is reserved for it as soon as it is received (chained moves)."""
        waiting = self._qualirepar_waiting_repairs(self.move_dest_ids)
        result = super()._action_done(cancel_backorder=cancel_backorder)
        waiting._qualirepar_notify_parts_received()
        return result

    def _trigger_assign(self):
        """Received parts are reserved for the moves waiting for them: the repairs that were waiting for them
        and now have all their parts tell their customer."""
        waiting = self.env["repair.order"]
        if self:
            waiting = waiting.sudo().search([
                ("state", "in", ("confirmed", "under_repair")),
                ("qualirepar_parts_received_sent", "=", False),
                ("move_ids", "any", [("repair_line_type", "=", "add"), ("state", "in", WAITING_STATES),
                                     ("product_id", "in", self.product_id.ids)]),
            ])
        result = super()._trigger_assign()
        waiting._qualirepar_notify_parts_received()
        return result
