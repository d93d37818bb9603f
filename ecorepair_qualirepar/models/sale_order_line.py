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

    # ------------------------------------------------------------------ stock: the parts are the repair's
    def _qualirepar_repair_parts(self):
        """The goods of a repair's quote that are not a part of the repair yet: the repair uses them, no delivery
        order is to be made for them."""
        return self.filtered(
            lambda line: line.state == "sale" and not line.display_type and line.product_id.type == "consu"
            and line.product_uom_qty > 0 and not line.product_template_id.sudo().create_repair
            and not line.move_ids.sudo().repair_id and len(line.order_id.sudo().repair_order_ids) == 1
            and line.order_id.sudo().repair_order_ids.state != "cancel")

    def _qualirepar_add_to_repair(self):
        """Make each part a part of its repair (a stock move of the repair, linked to the quote's line), as Odoo
        does for a part added on the repair: it is consumed once, by the repair. A repair already done has used
        it: its move is done at once (for a part without lot or serial number; one that has one keeps Odoo's
        delivery, the lot to be chosen there)."""
        Move = self.env["stock.move"].sudo()
        values, done = [], []
        for line in self:
            repair = line.order_id.sudo().repair_order_ids
            if repair.state == "done" and line.product_id.tracking != "none":
                continue
            values.append({
                "repair_id": repair.id, "repair_line_type": "add", "product_id": line.product_id.id,
                "product_uom_qty": line.product_uom_qty, "product_uom": line.product_uom.id,
                "sale_line_id": line.id, "company_id": repair.company_id.id, "price_unit": line.price_unit,
                "qualirepar_part_origin": line.qualirepar_part_origin or "new",
            })
            done.append(repair.state == "done")
        moves = Move.create(values)
        used = Move.browse([move.id for move, is_done in zip(moves, done) if is_done])
        if used:
            used._action_confirm()
            for move in used:
                move.quantity = move.product_uom_qty
            used.picked = True
            used._action_done()
        return moves.sale_line_id

    def _action_launch_stock_rule(self, **kwargs):
        """A repair's quote delivers nothing: its parts are consumed by the repair (repair's own rule for the
        parts added on the repair, and the same for those added on the quote)."""
        if not self.env.context.get("skip_procurement"):
            self._qualirepar_repair_parts()._qualirepar_add_to_repair()
        return super()._action_launch_stock_rule(**kwargs)
