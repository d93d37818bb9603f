from odoo import api, fields, models
from odoo.exceptions import UserError

from .qualirepar_access import WORKSHOP, check_role


class SaleOrder(models.Model):
    """The quote of a QualiRépar repair: its bonus (F4) and the circular-economy parts option (D.224-35).

    The quote's lines and totals are the repair's full price with its VAT; the bonus is not a line: it is kept on
    the quote, shown as deducted, and becomes the eco-organism's part of the payment of the invoice."""

    _name = "sale.order"
    _inherit = ["sale.order", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset({"qualirepar_bonus_amount"})

    qualirepar_repair_id = fields.Many2one(
        "repair.order", string="Repaired device", compute="_compute_qualirepar_repair_id", store=True,
        index="btree_not_null", help="The repair this quote is for, when it is for exactly one device.")
    qualirepar_organism = fields.Selection(related="qualirepar_repair_id.qualirepar_organism")
    qualirepar_bonus_message = fields.Text(string="Bonus réparation", readonly=True, copy=False)
    qualirepar_bonus_amount = fields.Monetary(
        string="Bonus deducted", readonly=True, copy=False, tracking=True,
        help="The bonus réparation deducted from the price incl. VAT: the eco-organism pays it.")
    qualirepar_amount_net = fields.Monetary(
        string="Net to pay", compute="_compute_qualirepar_amount_net",
        help="What the customer pays: the total incl. VAT minus the bonus.")
    qualirepar_consent_piec = fields.Boolean(
        related="qualirepar_repair_id.qualirepar_consent_piec", readonly=False,
        string="Circular-economy parts accepted")
    qualirepar_consent_piec_date = fields.Datetime(related="qualirepar_repair_id.qualirepar_consent_piec_date")
    qualirepar_consent_piec_user_id = fields.Many2one(related="qualirepar_repair_id.qualirepar_consent_piec_user_id")
    qualirepar_piec_unavailable = fields.Boolean(
        string="No circular-economy part available in time", tracking=True,
        help="No part from the circular economy can be had by the agreed repair date: the quote prints the "
        "exception of article R.224-31 of the French consumer code instead of the option.")

    @api.depends("repair_order_ids")
    def _compute_qualirepar_repair_id(self):
        for order in self:
            repairs = order.sudo().repair_order_ids
            order.qualirepar_repair_id = repairs if len(repairs) == 1 else False

    # ------------------------------------------------------------------ the customer's acceptance
    @api.depends("repair_order_ids")
    def _compute_require_signature(self):
        """A repair quote is accepted by the customer's signature ("bon pour accord")."""
        super()._compute_require_signature()
        for order in self:
            if order.sudo().repair_order_ids:
                order.require_signature = True

    @api.depends("repair_order_ids")
    def _compute_require_payment(self):
        """A repair is paid when the device is handed back: its quote asks for no online payment, unless the shop
        asks for a deposit on the quote (*Online payment* and its percentage, tab *Other info*)."""
        super()._compute_require_payment()
        for order in self:
            if order.sudo().repair_order_ids:
                order.require_payment = False

    @api.depends("amount_total", "qualirepar_bonus_amount")
    def _compute_qualirepar_amount_net(self):
        for order in self:
            order.qualirepar_amount_net = order.amount_total - order.qualirepar_bonus_amount

    # ------------------------------------------------------------------ bonus
    def _qualirepar_priced_lines(self):
        """The lines the bonus is deducted from (a quote of an earlier version may still have a bonus line)."""
        return self.order_line.filtered(lambda l: not l.display_type and not l.qualirepar_is_bonus)

    def _qualirepar_update_bonus(self, remote=False, strict=False):
        """Keep on the quote the bonus the repair is entitled to (0 when there is none).

        Ecologic is asked only with ``remote``; unless ``strict``, a failure keeps its last answer and says so."""
        for order in self.with_context(qualirepar_bonus_sync=True):
            repair = order.qualirepar_repair_id
            if not repair or order.state not in ("draft", "sent", "sale") or order.order_line.invoice_lines:
                continue
            lines = order._qualirepar_priced_lines()
            total = sum(lines.mapped("price_total"))
            piec = "piec" in lines.mapped("qualirepar_part_origin")
            day = fields.Date.context_today(order)
            try:
                bonus, message = repair._qualirepar_store_lookup(total, day, piec=piec, remote=remote)
            except UserError as error:
                if strict or not remote:
                    raise
                bonus, message = repair._qualirepar_store_lookup(total, day, piec=piec, remote=False)
                message = self.env._("%(error)s The bonus stays as the organism last gave it.",
                                     error=error.args[0])
                order.message_post(body=message)
            values = {"qualirepar_bonus_message": message or False}
            if order.currency_id.compare_amounts(order.qualirepar_bonus_amount, bonus):
                values["qualirepar_bonus_amount"] = bonus
            order.sudo().write(values)  # the bonus is the organism's answer, not a person's

    def action_qualirepar_check_bonus(self):
        """F3 on the quote: ask the eco-organism now; an unreachable organism is an error for the user."""
        check_role(self.env, WORKSHOP)
        self.check_access("write")
        orders = self.filtered("qualirepar_repair_id")
        if not orders:
            raise UserError(self.env._("This quote is not the quote of one QualiRépar repair."))
        orders._qualirepar_update_bonus(remote=True, strict=True)
        return True

    # ------------------------------------------------------------------ confirmation
    def _qualirepar_check_piec_consent(self):
        for order in self.filtered("qualirepar_repair_id"):
            parts = order.order_line.filtered(lambda l: l.qualirepar_part_origin in ("used", "piec")
                                              and l.product_uom_qty)
            if parts and not order.qualirepar_consent_piec:
                raise UserError(self.env._(
                    "The quote %(order)s has used or circular-economy parts (%(parts)s) but the customer has not "
                    "accepted them. Record the customer's choice on the quote, or use new parts.",
                    order=order.name, parts=", ".join(parts.product_id.mapped("display_name"))))

    def action_confirm(self):
        """Confirming uses the bonus last known: no eco-organism is asked in the user's transaction."""
        self._qualirepar_check_piec_consent()
        self.filtered("qualirepar_repair_id")._qualirepar_update_bonus()
        return super().action_confirm()
