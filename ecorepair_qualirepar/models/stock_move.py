from odoo import api, fields, models

from .product_template import PART_ORIGINS


class StockMove(models.Model):
    """A part of a repair carries its origin (AGEC): new, used or from the circular economy."""

    _inherit = "stock.move"

    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Part origin", compute="_compute_qualirepar_part_origin", store=True, readonly=False)

    @api.depends("product_id")
    def _compute_qualirepar_part_origin(self):
        for move in self:
            move.qualirepar_part_origin = move.repair_id and (move.product_id.qualirepar_part_origin or "new")
