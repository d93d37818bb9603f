from odoo import api, fields, models
from odoo.exceptions import UserError

DECISIONS = [("quote", "Quote"), ("warranty", "Under warranty"), ("free", "Free of charge")]


class RepairOrder(models.Model):
    """Who pays for the repair, decided before it starts: a quote, the warranty, or the shop (free of charge)."""

    _inherit = "repair.order"

    qualirepar_decision = fields.Selection(
        DECISIONS, string="Decision", compute="_compute_qualirepar_decision", store=True, readonly=False,
        tracking=True, copy=False,
        help="How the repair is paid: by a quote to the customer, under warranty or free of charge. A repair is "
        "neither started nor finished without it. Set from the quote and the warranty box; free of charge is "
        "chosen by hand.")

    @api.depends("sale_order_id", "under_warranty")
    def _compute_qualirepar_decision(self):
        for repair in self:
            if repair.sale_order_id:
                repair.qualirepar_decision = "quote"
            elif repair.under_warranty:
                repair.qualirepar_decision = "warranty"
            elif repair.qualirepar_decision in ("quote", "warranty"):
                repair.qualirepar_decision = False  # the quote was removed, the warranty box unticked
            else:
                repair.qualirepar_decision = repair.qualirepar_decision  # free of charge, or not decided yet

    def _qualirepar_check_decision(self, step):
        """Refuse ``step`` ("start" or "end") of the repairs that have no decision, or a quote that is missing
        or cancelled (checked by action_repair_start and action_repair_end)."""
        for repair in self:
            decision = repair.qualirepar_decision
            if decision in ("warranty", "free"):
                continue
            if decision == "quote" and repair.sale_order_id and repair.sale_order_id.state != "cancel":
                continue
            if decision == "quote":
                reason = self.env._("its quote is missing or cancelled")
            else:
                reason = self.env._("nobody decided yet who pays for it")
            message = (self.env._("The repair %(repair)s cannot start: %(reason)s.", repair=repair.name, reason=reason)
                       if step == "start" else
                       self.env._("The repair %(repair)s cannot end: %(reason)s.", repair=repair.name, reason=reason))
            raise UserError(message + "\n" + self.env._(
                "Create its quote, tick Under warranty, or choose Free of charge as its decision."))
