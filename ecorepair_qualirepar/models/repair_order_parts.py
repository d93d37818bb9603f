from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .qualirepar_access import FRONT_OFFICE, check_role

# A part's need still open: Odoo's states of a move waiting for its goods.
MISSING_STATES = ("confirmed", "waiting", "partially_available")


class RepairOrder(models.Model):
    """The parts of a repair ordered from their supplier (F12, 6.2.2), through Odoo's purchase and procurement:
    the request for quotation's receipt is chained to the repair's part, so that the part received is reserved
    for it and the purchase order and the repair link to each other (Odoo's purchase_repair)."""

    _inherit = "repair.order"

    def _qualirepar_purchase_orders(self):
        """The orders of the repairs' parts: requested (Odoo's link of a request for quotation), or confirmed
        (Odoo then links the order's receipt to the part)."""
        return (self.move_ids.created_purchase_line_ids.order_id
                | self.move_ids.move_orig_ids.purchase_line_id.order_id)

    @api.depends("move_ids.created_purchase_line_ids.order_id", "move_ids.move_orig_ids.purchase_line_id.order_id")
    def _compute_purchase_count(self):
        for repair in self:
            repair.purchase_count = len(repair._qualirepar_purchase_orders())

    def action_view_purchase_orders(self):
        """Odoo's purchase_repair button, also once the orders are confirmed."""
        self.ensure_one()
        orders = self._qualirepar_purchase_orders()
        action = {"type": "ir.actions.act_window", "res_model": "purchase.order", "views": [[False, "form"]]}
        if len(orders) == 1:
            action["res_id"] = orders.id
        else:
            action.update(name=self.env._("Purchase Orders"), views=[[False, "list"], [False, "form"]],
                          domain=[("id", "in", orders.ids)])
        return action

    @api.constrains("qualirepar_consent_piec")
    def _check_qualirepar_parts_consent(self):
        self.move_ids._qualirepar_check_part_consent()

    def _qualirepar_parts_to_order(self):
        """The repairs' parts still missing, with the quantity to order for each (in the part's unit)."""
        missing = []
        for move in self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state in MISSING_STATES
                                           and m.product_id.is_storable):
            # requested (RFQ), or confirmed and on its way (Odoo then links the receipt, not the order line)
            ordered = sum(line.product_uom._compute_quantity(line.product_qty, move.product_uom)
                          for line in move.created_purchase_line_ids if line.state != "cancel")
            ordered += sum(incoming.product_uom._compute_quantity(incoming.product_uom_qty, move.product_uom)
                           for incoming in move.move_orig_ids
                           if incoming.purchase_line_id and incoming.state not in ("done", "cancel"))
            quantity = move.product_uom_qty - move.quantity - ordered
            if float_compare(quantity, 0, precision_rounding=move.product_uom.rounding) > 0:
                missing.append((move, quantity))
        return missing

    def action_qualirepar_order_parts(self):
        """Ask the parts' suppliers for the parts the repair is missing (requests for quotation, one per supplier,
        gathered with the other requests not yet sent); each received part is then reserved for the repair."""
        check_role(self.env, FRONT_OFFICE)
        self.check_access("write")
        repairs = self.sudo()
        not_confirmed = repairs.filtered(lambda r: r.state not in ("confirmed", "under_repair"))
        if not_confirmed:
            raise UserError(self.env._(
                "The repair %s is not confirmed: confirm it first, its parts are then reserved from the stock and "
                "only the missing ones are ordered.", not_confirmed[0].name))
        missing = repairs._qualirepar_parts_to_order()
        if not missing:
            raise UserError(self.env._(
                "The repair %s is missing no part: every part is reserved or already ordered.", repairs[:1].name))
        Procurement = self.env["procurement.group"].Procurement
        buy = self.env.ref("purchase_stock.route_warehouse0_buy")
        procurements = []
        for move, quantity in missing:
            if not move.product_id.seller_ids.filtered(lambda s: not s.company_id or s.company_id == move.company_id):
                raise UserError(self.env._(
                    "The part %(part)s has no supplier: add its supplier and price on the product (Purchase tab), "
                    "then order it again.", part=move.product_id.display_name))
            values = move._prepare_procurement_values()
            values.update(move_dest_ids=move, route_ids=buy, warehouse_id=move.warehouse_id
                          or move.picking_type_id.warehouse_id)
            procurements.append(Procurement(
                move.product_id, quantity, move.product_uom, move.location_id, move.reference,
                move.repair_id.name, move.company_id, values))
        self.env["procurement.group"].sudo().run(procurements)
        orders = repairs.move_ids.created_purchase_line_ids.order_id
        for repair in repairs:
            repair.message_post(body=self.env._(
                "Parts ordered from the supplier: %s.", ", ".join(
                    repair.move_ids.created_purchase_line_ids.order_id.mapped("name"))))
        if len(orders) == 1:
            return {"type": "ir.actions.act_window", "res_model": "purchase.order", "res_id": orders.id,
                    "views": [[False, "form"]]}
        return {"type": "ir.actions.act_window", "res_model": "purchase.order", "name": self.env._("Parts ordered"),
                "domain": [("id", "in", orders.ids)], "views": [[False, "list"], [False, "form"]]}
