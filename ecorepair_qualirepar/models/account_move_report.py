"""What the detailed invoice of a repair (référentiel 6.3.2) prints besides Odoo's own invoice."""

from odoo import models

from .sale_order_report import qualirepar_report_sections, qualirepar_report_totals


class AccountMove(models.Model):
    _inherit = "account.move"

    def _qualirepar_report_sections(self):
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda l: l.display_type == "product" and not l.qualirepar_is_bonus)
        return qualirepar_report_sections(self.env, lines.sorted(lambda l: (l.sequence, l.id)))

    def _qualirepar_report_totals(self):
        self.ensure_one()
        tax_totals = self.tax_totals
        items = self.qualirepar_bonus_move_id.line_ids.filtered("qualirepar_is_bonus")
        bonuses = [(self.env._("Bonus réparation QualiRépar (%s)", item.partner_id.name), abs(item.balance))
                   for item in items]
        legacy = self.invoice_line_ids.filtered("qualirepar_is_bonus")
        if legacy:  # an invoice of an earlier version, printed again: its bonus is a line Odoo's totals deduct
            bonuses = [(line.name, -line.price_total) for line in legacy]
            added = sum(amount for _label, amount in bonuses)
            tax_totals = dict(tax_totals, base_amount_currency=tax_totals["base_amount_currency"] + added,
                              total_amount_currency=tax_totals["total_amount_currency"] + added)
        return qualirepar_report_totals(tax_totals, bonuses, self.currency_id)
