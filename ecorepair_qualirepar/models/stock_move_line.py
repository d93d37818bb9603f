from odoo import api, fields, models


class StockMoveLine(models.Model):
    """The traceability of a spare part (6.2.2): which supplier, order and receipt a part used on a repair came
    from, at what cost. The link is the receipt that brought it: the one ordered for the repair, else the receipt
    of its lot or serial number; a part without lot taken from the common stock has none."""

    _inherit = "stock.move.line"

    qualirepar_repair_id = fields.Many2one(
        "repair.order", string="Repair", related="move_id.repair_id", store=True, index="btree_not_null")
    qualirepar_part_origin = fields.Selection(
        string="Part origin", related="move_id.qualirepar_part_origin", store=True)
    qualirepar_receipt_move_id = fields.Many2one(
        "stock.move", string="Receipt of the part", compute="_compute_qualirepar_receipt_move_id", store=True,
        help="The supplier's receipt this part came in with.")
    qualirepar_purchase_line_id = fields.Many2one(
        "purchase.order.line", string="Purchase order line",
        related="qualirepar_receipt_move_id.purchase_line_id", store=True)
    qualirepar_purchase_id = fields.Many2one(
        "purchase.order", string="Purchase order", related="qualirepar_purchase_line_id.order_id", store=True)
    qualirepar_supplier_id = fields.Many2one(
        "res.partner", string="Supplier", related="qualirepar_purchase_line_id.partner_id", store=True)
    qualirepar_receipt_id = fields.Many2one(
        "stock.picking", string="Receipt", related="qualirepar_receipt_move_id.picking_id", store=True)
    qualirepar_receipt_date = fields.Datetime(
        string="Received on", related="qualirepar_receipt_move_id.date", store=True)
    qualirepar_supplier_bill_ids = fields.Many2many(
        "account.move", string="Supplier bills", compute="_compute_qualirepar_costs")
    qualirepar_currency_id = fields.Many2one(related="company_id.currency_id")
    qualirepar_unit_cost = fields.Monetary(
        string="Unit cost", compute="_compute_qualirepar_costs", currency_field="qualirepar_currency_id",
        help="The price paid to the supplier (in the company's currency), else the part's stock valuation.")
    qualirepar_cost = fields.Monetary(
        string="Cost", compute="_compute_qualirepar_costs", currency_field="qualirepar_currency_id")

    @api.depends("move_id.repair_id", "move_id.move_orig_ids.purchase_line_id", "lot_id")
    def _compute_qualirepar_receipt_move_id(self):
        parts = self.filtered(lambda l: l.move_id.repair_id and l.move_id.repair_line_type == "add")
        (self - parts).qualirepar_receipt_move_id = False
        lots = parts.filtered(lambda l: l.lot_id and not l.move_id.move_orig_ids.purchase_line_id).lot_id
        receipts = self.browse()
        if lots:
            receipts = self.sudo().search([
                ("lot_id", "in", lots.ids), ("state", "=", "done"), ("location_id.usage", "=", "supplier"),
                ("move_id.purchase_line_id", "!=", False)], order="date desc, id desc")
        receipt_of_lot = {}
        for receipt in receipts:
            receipt_of_lot.setdefault(receipt.lot_id.id, receipt.move_id)
        for line in parts:
            ordered = line.move_id.move_orig_ids.filtered("purchase_line_id")
            if ordered and line.lot_id:
                ordered = ordered.filtered(lambda m: line.lot_id in m.lot_ids) or ordered
            line.qualirepar_receipt_move_id = ordered[:1] or receipt_of_lot.get(line.lot_id.id, False)

    @api.depends("qualirepar_receipt_move_id.purchase_line_id.invoice_lines.move_id.state", "quantity")
    def _compute_qualirepar_costs(self):
        for line in self:
            receipt = line.sudo().qualirepar_receipt_move_id
            line.qualirepar_supplier_bill_ids = receipt.purchase_line_id.invoice_lines.move_id.filtered(
                lambda bill: bill.state != "cancel")
            if receipt:
                unit_cost = receipt.price_unit
            else:
                layers = line.sudo().move_id.stock_valuation_layer_ids
                quantity = sum(layers.mapped("quantity"))
                unit_cost = (sum(layers.mapped("value")) / quantity) if quantity else line.product_id.standard_price
            line.qualirepar_unit_cost = abs(unit_cost)
            line.qualirepar_cost = line.qualirepar_currency_id.round(abs(unit_cost) * line.quantity)
