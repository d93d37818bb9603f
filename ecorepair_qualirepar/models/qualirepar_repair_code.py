from odoo import fields, models


class QualireparRepairCode(models.Model):
    """A repair-type code or an IRIS symptom code offered for a product type (synchronised)."""

    _name = "qualirepar.repair.code"
    _description = "QualiRépar repair or IRIS code"
    _order = "product_type_id, kind, code"
    _rec_names_search = ["code", "name"]

    product_type_id = fields.Many2one("qualirepar.product.type", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="product_type_id.company_id", store=True)
    organism = fields.Selection(related="product_type_id.organism", store=True)
    kind = fields.Selection([("repair", "Repair type"), ("iris", "IRIS symptom")], required=True)
    code = fields.Char(required=True)
    name = fields.Char(string="Label", required=True)
    active = fields.Boolean(default=True)

    def _compute_display_name(self):
        for code in self:
            code.display_name = f"{code.code} – {code.name}"
