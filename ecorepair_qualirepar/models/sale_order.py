from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .qualirepar_access import WORKSHOP, check_role


class SaleOrder(models.Model):
    """The quote of a QualiRépar repair: bonus line (F4) and the circular-economy parts option (D.224-35)."""

    _inherit = "sale.order"

    qualirepar_repair_id = fields.Many2one(
        "repair.order", string="Repaired device", compute="_compute_qualirepar_repair_id", store=True,
        index="btree_not_null", help="The repair this quote is for, when it is for exactly one device.")
    qualirepar_organism = fields.Selection(related="qualirepar_repair_id.qualirepar_organism")
    qualirepar_bonus_message = fields.Text(string="Bonus réparation", readonly=True, copy=False)
    qualirepar_bonus_amount = fields.Monetary(
        string="Bonus deducted", compute="_compute_qualirepar_amounts",
        help="The bonus réparation deducted from the price incl. VAT.")
    qualirepar_amount_before_bonus = fields.Monetary(
        string="Total incl. VAT before bonus", compute="_compute_qualirepar_amounts")
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

    @api.depends("order_line.price_total", "order_line.qualirepar_is_bonus")
    def _compute_qualirepar_amounts(self):
        for order in self:
            bonus_lines = order.order_line.filtered("qualirepar_is_bonus")
            order.qualirepar_bonus_amount = -sum(bonus_lines.mapped("price_total"))
            order.qualirepar_amount_before_bonus = order.amount_total + order.qualirepar_bonus_amount

    # ------------------------------------------------------------------ bonus line
    def _qualirepar_bonus_line_values(self, amount):
        self.ensure_one()
        organism = dict(self.qualirepar_repair_id._fields["qualirepar_organism"]._description_selection(self.env))
        return {
            "product_id": self.env.ref("ecorepair_qualirepar.product_qualirepar_bonus").id,
            "name": self.env._("Bonus réparation QualiRépar (%s)",
                               organism.get(self.qualirepar_repair_id.qualirepar_organism, "")),
            "product_uom_qty": 1,
            "price_unit": -amount,
            "tax_id": [Command.clear()],
            "sequence": max(self.order_line.mapped("sequence") or [0]) + 1,
            "qualirepar_is_bonus": True,
        }

    def _qualirepar_update_bonus_line(self, remote=False, strict=False):
        """Put the bonus the repair is entitled to on the quote, take it off when there is none.

        Ecologic is asked only with ``remote``; unless ``strict``, a failure keeps its last answer and says so."""
        for order in self.with_context(qualirepar_bonus_sync=True):
            repair = order.qualirepar_repair_id
            bonus_lines = order.order_line.filtered("qualirepar_is_bonus")
            if not repair or order.state not in ("draft", "sent", "sale") or bonus_lines.invoice_lines:
                continue
            other_lines = order.order_line - bonus_lines
            total = sum(other_lines.mapped("price_total"))
            piec = "piec" in other_lines.mapped("qualirepar_part_origin")
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
            order.qualirepar_bonus_message = message or False
            if not bonus and not bonus_lines:
                continue
            if not bonus:
                order._qualirepar_drop_lines(bonus_lines)
            elif bonus_lines:
                if bonus_lines[0].price_unit != -bonus or bonus_lines[0].product_uom_qty != 1:
                    bonus_lines[0].sudo().write({"price_unit": -bonus, "product_uom_qty": 1})
                order._qualirepar_drop_lines(bonus_lines[1:])
            else:
                self.env["sale.order.line"].sudo().create(
                    {"order_id": order.id, **order._qualirepar_bonus_line_values(bonus)})

    def _qualirepar_drop_lines(self, lines):
        """Lines of a confirmed order cannot be deleted: they go to quantity 0 (bonus lines: the add-on's own)."""
        lines = lines.sudo()
        locked = lines._check_line_unlink()
        locked.write({"product_uom_qty": 0})
        (lines - locked).unlink()

    def action_qualirepar_check_bonus(self):
        """F3 on the quote: ask the eco-organism now; an unreachable organism is an error for the user."""
        check_role(self.env, WORKSHOP)
        self.check_access("write")
        orders = self.filtered("qualirepar_repair_id")
        if not orders:
            raise UserError(self.env._("This quote is not the quote of one QualiRépar repair."))
        orders._qualirepar_update_bonus_line(remote=True, strict=True)
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
        self._qualirepar_check_piec_consent()
        self.filtered("qualirepar_repair_id")._qualirepar_update_bonus_line(remote=True)
        return super().action_confirm()

    # ------------------------------------------------------------------ invoicing
    def _get_invoiceable_lines(self, final=False):
        """The bonus goes on an invoice only with something it is deducted from."""
        lines = super()._get_invoiceable_lines(final)
        bonus_lines = lines.filtered("qualirepar_is_bonus")
        if bonus_lines and not (lines - bonus_lines).filtered(lambda l: not l.display_type):
            return lines - bonus_lines
        return lines
