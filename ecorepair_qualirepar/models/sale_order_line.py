from odoo import api, fields, models
from odoo.exceptions import UserError

from .product_template import PART_ORIGINS

# A change of these fields on a quote line changes the bonus the quote is entitled to.
BONUS_INPUTS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id", "qualirepar_part_origin"}
# What makes the bonus line: the add-on sets it from the organism's answer.
BONUS_LINE_FIELDS = {"product_id", "name", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset({"qualirepar_is_bonus"})

    qualirepar_is_bonus = fields.Boolean(string="Bonus réparation line", readonly=True, copy=False)
    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Part origin", compute="_compute_qualirepar_part_origin", store=True, readonly=False,
        help="New, used, or from the circular economy (PIEC): from the repair's part, else from the product.")

    @api.depends("product_id", "move_ids.qualirepar_part_origin")
    def _compute_qualirepar_part_origin(self):
        for line in self:
            if line.qualirepar_is_bonus or line.product_id.qualirepar_line_kind != "part":
                line.qualirepar_part_origin = False
            else:
                line.qualirepar_part_origin = (line.move_ids[:1].qualirepar_part_origin
                                               or line.product_id.qualirepar_part_origin or "new")

    def _qualirepar_guarded_changes(self, vals):
        return super()._qualirepar_guarded_changes(vals) | self.filtered("qualirepar_is_bonus")._qualirepar_changed(
            vals, BONUS_LINE_FIELDS)

    def _compute_tax_id(self):
        bonus_lines = self.filtered("qualirepar_is_bonus")
        bonus_lines.tax_id = False  # the bonus is part of a price whose VAT is due in full: it bears none
        return super(SaleOrderLine, self - bonus_lines)._compute_tax_id()

    # ------------------------------------------------------------------ the bonus follows the quote
    def _qualirepar_orders_to_update(self):
        if self.env.context.get("qualirepar_bonus_sync"):
            return self.env["sale.order"]
        return self.order_id.filtered(lambda o: o.qualirepar_repair_id and o.state in ("draft", "sent"))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()._qualirepar_update_bonus_line()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if BONUS_INPUTS & set(vals):
            self.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()._qualirepar_update_bonus_line()
        return result

    def unlink(self):
        orders = self.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()
        result = super().unlink()
        orders.exists()._qualirepar_update_bonus_line()
        return result

    # ------------------------------------------------------------------ invoicing
    def _prepare_invoice_line(self, **optional_values):
        values = super()._prepare_invoice_line(**optional_values)
        values["qualirepar_part_origin"] = self.qualirepar_part_origin
        if self.qualirepar_is_bonus:
            company = self.order_id.company_id
            if not company.qualirepar_bonus_account_id:
                raise UserError(self.env._(
                    "No eco-organism receivable account is set for %s: choose it in Settings > QualiRépar.",
                    company.name))
            partner = self.order_id.qualirepar_repair_id.qualirepar_product_type_id.backend_id.partner_id
            values.update({
                "name": self.name,
                "qualirepar_is_bonus": True,
                "qualirepar_bonus_partner_id": partner.id,
                "account_id": company.qualirepar_bonus_account_id.id,
                "tax_ids": [(5, 0, 0)],
            })
        return values
