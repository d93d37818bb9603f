from odoo import fields, models


class QualireparRepairSite(models.Model):
    """A repair place of the shop as the eco-organism knows it (synchronised)."""

    _name = "qualirepar.repair.site"
    _description = "QualiRépar repair site"
    _order = "name"

    backend_id = fields.Many2one("qualirepar.backend", string="Connection", required=True, ondelete="cascade", index=True)
    organism = fields.Selection(related="backend_id.organism", store=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    kind = fields.Selection([("repair", "Repair site"), ("deposit", "Drop-off site")], required=True, default="repair")
    code = fields.Char(string="Identifier", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    street = fields.Char(readonly=True)
    street2 = fields.Char(readonly=True)
    zip = fields.Char(readonly=True)
    city = fields.Char(readonly=True)
    siret = fields.Char(string="SIRET", readonly=True)
    active = fields.Boolean(default=True)
