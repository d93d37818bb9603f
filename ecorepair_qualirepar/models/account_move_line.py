from odoo import fields, models

from .product_template import PART_ORIGINS

BONUS_INVOICE_LINE_FIELDS = {"product_id", "quantity", "price_unit", "discount", "tax_ids", "account_id"}


class AccountMoveLine(models.Model):
    """The bonus line of a repair invoice belongs to the eco-organism that owes it, on its receivable account."""

    _name = "account.move.line"
    _inherit = ["account.move.line", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset({"qualirepar_is_bonus", "qualirepar_bonus_partner_id"})

    qualirepar_part_origin = fields.Selection(PART_ORIGINS, string="Part origin")
    qualirepar_is_bonus = fields.Boolean(string="Bonus réparation line", readonly=True)
    qualirepar_bonus_partner_id = fields.Many2one(
        "res.partner", string="Eco-organism", readonly=True, index="btree_not_null",
        help="The eco-organism that owes this bonus: the partner of the journal item, whatever the invoice's.")

    def _qualirepar_guarded_changes(self, vals):
        """The bonus lines are the invoice of the quotes' bonus lines (sale_order_line._prepare_invoice_line), or
        their credit note; their amount is checked at posting: a person changes none of them."""
        if not self:
            sale_lines = self.env["sale.order.line"].browse(
                self._fields["sale_line_ids"].convert_to_cache(vals.get("sale_line_ids") or [], self.browse()))
            reversed_move = self.env["account.move"].browse(vals.get("move_id")).reversed_entry_id
            if (sale_lines and all(sale_lines.mapped("qualirepar_is_bonus"))) or \
                    reversed_move.line_ids.filtered("qualirepar_is_bonus"):
                return set()
        return super()._qualirepar_guarded_changes(vals) | self.filtered("qualirepar_is_bonus")._qualirepar_changed(
            vals, BONUS_INVOICE_LINE_FIELDS)

    def _compute_partner_id(self):
        bonus_lines = self.filtered("qualirepar_bonus_partner_id")
        for line in bonus_lines:
            line.partner_id = line.qualirepar_bonus_partner_id
        return super(AccountMoveLine, self - bonus_lines)._compute_partner_id()

    def _compute_account_id(self):
        super()._compute_account_id()
        for line in self.filtered("qualirepar_is_bonus"):
            line.account_id = line.move_id.company_id.qualirepar_bonus_account_id or line.account_id

    def _compute_tax_ids(self):
        bonus_lines = self.filtered("qualirepar_is_bonus")
        bonus_lines.tax_ids = False
        return super(AccountMoveLine, self - bonus_lines)._compute_tax_ids()

    def write(self, vals):
        """Odoo sets every line of an invoice to the customer when the invoice is posted or its customer
        changes: the bonus lines keep their eco-organism."""
        bonus_lines = self.filtered("qualirepar_bonus_partner_id") if "partner_id" in vals else self.browse()
        if not bonus_lines:
            return super().write(vals)
        result = super(AccountMoveLine, self - bonus_lines).write(vals)
        for partner, lines in bonus_lines.grouped("qualirepar_bonus_partner_id").items():
            super(AccountMoveLine, lines).write({**vals, "partner_id": partner.id})
        return result
