from odoo import api, fields, models

from .product_template import PART_ORIGINS


class PurchaseOrderLine(models.Model):
    """The origin of a part bought (new, used, PIEC): the repair's need when ordered for a repair, else the
    product's; the receipt and the repair line keep it."""

    _inherit = "purchase.order.line"

    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Part origin", compute="_compute_qualirepar_part_origin", store=True, readonly=False,
        help="New, used or from the circular economy (PIEC): kept on the receipt and on the repair line.")
    qualirepar_repair_ids = fields.Many2many(
        "repair.order", string="Repairs", compute="_compute_qualirepar_repair_ids",
        help="The repairs this part was ordered for.")

    @api.depends("product_id")
    def _compute_qualirepar_part_origin(self):
        for line in self:
            part = line.product_id and line.product_id.qualirepar_line_kind == "part"
            line.qualirepar_part_origin = part and (line.product_id.qualirepar_part_origin or "new")

    @api.depends("move_dest_ids.repair_id", "move_ids.move_dest_ids.repair_id")
    def _compute_qualirepar_repair_ids(self):
        for line in self:
            # a request for quotation links the repair's part; once confirmed, Odoo links its receipt instead
            line.qualirepar_repair_ids = line.move_dest_ids.repair_id | line.move_ids.move_dest_ids.repair_id

    @api.model
    def _prepare_purchase_order_line_from_procurement(self, product_id, product_qty, product_uom, location_dest_id,
                                                      name, origin, company_id, values, po):
        res = super()._prepare_purchase_order_line_from_procurement(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values, po)
        origins = set(values.get("move_dest_ids", self.env["stock.move"]).mapped("qualirepar_part_origin")) - {False}
        if len(origins) == 1:
            res["qualirepar_part_origin"] = origins.pop()
        return res
