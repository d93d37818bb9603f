from odoo import api, fields, models

from .product_template import PART_ORIGINS

# A change of these fields on a quote line changes the bonus the quote is entitled to.
BONUS_INPUTS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id", "qualirepar_part_origin"}
# What makes the bonus line: the add-on sets it from the organism's answer.
BONUS_LINE_FIELDS = {"product_id", "name", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset({"qualirepar_is_bonus"})

    # The bonus line of a quote made before 18.0.1.3.0 (the bonus is now a field of the quote).
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

    # ------------------------------------------------------------------ the bonus follows the quote
    def _qualirepar_orders_to_update(self):
        if self.env.context.get("qualirepar_bonus_sync"):
            return self.env["sale.order"]
        return self.order_id.filtered(lambda o: o.qualirepar_repair_id and o.state in ("draft", "sent"))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()._qualirepar_update_bonus()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if BONUS_INPUTS & set(vals):
            self.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()._qualirepar_update_bonus()
        return result

    def unlink(self):
        orders = self.filtered(lambda l: not l.qualirepar_is_bonus)._qualirepar_orders_to_update()
        result = super().unlink()
        orders.exists()._qualirepar_update_bonus()
        return result

    # ------------------------------------------------------------------ invoicing
    def _prepare_invoice_line(self, **optional_values):
        values = super()._prepare_invoice_line(**optional_values)
        values["qualirepar_part_origin"] = self.qualirepar_part_origin
        return values
