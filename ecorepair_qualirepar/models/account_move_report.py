"""What the detailed invoice of a repair (référentiel 6.3.2) prints besides Odoo's own invoice."""

from odoo import fields, models

from .sale_order_report import qualirepar_report_sections, qualirepar_report_totals


class AccountMove(models.Model):
    _inherit = "account.move"

    qualirepar_legal_warning = fields.Text(
        related="company_id.qualirepar_legal_warning", string="Missing on the repair documents")

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
            tax_totals = dict(
                tax_totals,
                base_amount_currency=tax_totals["base_amount_currency"] + added,
                total_amount_currency=tax_totals["total_amount_currency"] + added,
                subtotals=[dict(subtotal, base_amount_currency=subtotal["base_amount_currency"] + added)
                           for subtotal in tax_totals["subtotals"]],
            )
        return qualirepar_report_totals(tax_totals, bonuses, refund=self.move_type in ("out_refund", "in_refund"))

    def _qualirepar_operation_scopes(self):
        """What the repair invoice sells, for l10n_fr's "Operation type": "service" and/or "consu", from the
        products of its lines (labour and travel are services, parts are goods), rather than from the scope of
        their taxes: the French chart's default 20 % tax is the goods' one, also on labour."""
        self.ensure_one()
        scopes = set()
        for line in self.invoice_line_ids.filtered(lambda l: l.display_type == "product" and not l.qualirepar_is_bonus):
            if line.product_id.type in ("service", "consu"):
                scopes.add(line.product_id.type)
            else:
                scopes.update(scope for scope in line.tax_ids.mapped("tax_scope") if scope)
        return sorted(scopes)

    def _qualirepar_business_customer(self):
        """A business customer: the invoice then states the payment terms, penalties and the 40 € fee (D.441-5)."""
        self.ensure_one()
        return self.commercial_partner_id.is_company

    def _qualirepar_payments(self):
        """The customer's payments of the invoice: [{"date", "method", "amount"}], for the "acquittée" mention
        (the organism's bonus, matched with the invoice too, is printed as deducted, not as a payment; a credit
        note matched with it is named as such, not as the sales journal it is in)."""
        self.ensure_one()
        content = [vals for vals in (self.sudo().invoice_payments_widget or {}).get("content", [])
                   if not vals.get("is_exchange") and vals.get("move_id") != self.qualirepar_bonus_move_id.id]
        moves = self.env["account.move"].sudo().browse([vals["move_id"] for vals in content])
        return [{"date": vals["date"], "amount": vals["amount"],
                 "method": self.env._("credit note %s", move.name) if move.move_type == "out_refund"
                 else vals.get("payment_method_name") or vals.get("journal_name")}
                for vals, move in zip(content, moves)]
