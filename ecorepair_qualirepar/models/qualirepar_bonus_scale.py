from odoo import api, fields, models


class QualireparScaleLineMixin(models.AbstractModel):
    """A line of a product type's scale, valid over a period."""

    _name = "qualirepar.scale.line.mixin"
    _description = "QualiRépar scale line"
    _order = "date_from desc"

    product_type_id = fields.Many2one("qualirepar.product.type", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="product_type_id.company_id", store=True)
    date_from = fields.Date(string="Valid from", required=True)
    date_to = fields.Date(string="Valid until")
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.ref("base.EUR"))
    active = fields.Boolean(default=True)

    @api.depends("date_from", "date_to")
    def _compute_period(self):
        for line in self:
            start = fields.Date.to_string(line.date_from) if line.date_from else ""
            line.period = f"{start} → {fields.Date.to_string(line.date_to) if line.date_to else '…'}"

    period = fields.Char(compute="_compute_period")


class QualireparBonusAmount(models.Model):
    _name = "qualirepar.bonus.amount"
    _inherit = "qualirepar.scale.line.mixin"
    _description = "QualiRépar bonus amount"

    amount = fields.Monetary(string="Bonus (incl. VAT)", required=True)


class QualireparBonusThreshold(models.Model):
    _name = "qualirepar.bonus.threshold"
    _inherit = "qualirepar.scale.line.mixin"
    _description = "QualiRépar minimum repair price"

    minimum_amount = fields.Monetary(string="Minimum repair price", required=True)
