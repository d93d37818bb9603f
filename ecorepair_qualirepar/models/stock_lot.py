from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _qualirepar_repair_lines(self):
        """The parts of this lot or serial number used on repairs (traceability report, per lot)."""
        return self.env["stock.move.line"].search([
            ("lot_id", "in", self.ids), ("qualirepar_repair_id", "!=", False),
            ("move_id.repair_line_type", "=", "add"), ("state", "!=", "cancel")], order="date, id")

    def _qualirepar_receipt_lines(self):
        """Where this lot came from: its receipts from suppliers."""
        return self.env["stock.move.line"].search([
            ("lot_id", "in", self.ids), ("state", "=", "done"), ("location_id.usage", "=", "supplier")],
            order="date, id")
