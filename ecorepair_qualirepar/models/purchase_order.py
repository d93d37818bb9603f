from odoo import api, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    @api.depends("order_line.move_dest_ids.repair_id", "order_line.move_ids.move_dest_ids.repair_id")
    def _compute_repair_count(self):
        """Odoo's purchase_repair count, also once the order is confirmed (its receipt links the repair)."""
        for order in self:
            order.repair_count = len(order.order_line.qualirepar_repair_ids)

    def action_view_repair_orders(self):
        self.ensure_one()
        repairs = self.order_line.qualirepar_repair_ids
        action = {"type": "ir.actions.act_window", "res_model": "repair.order", "views": [[False, "form"]]}
        if len(repairs) == 1:
            action["res_id"] = repairs.id
        else:
            action.update(name=self.env._("Repair Source of %s", self.name), views=[[False, "list"], [False, "form"]],
                          domain=[("id", "in", repairs.ids)])
        return action
