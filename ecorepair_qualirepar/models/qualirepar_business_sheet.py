from odoo import fields, models


class QualireparBusinessSheet(models.Model):
    """A fiche métier the shop is labelled for, as the eco-organism's API reports it."""

    _name = "qualirepar.business.sheet"
    _description = "QualiRépar labelled fiche métier"
    _order = "fiche_metier_id, sheet_type"

    backend_id = fields.Many2one("qualirepar.backend", string="Connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    sheet_type = fields.Char(string="Sheet type", required=True, readonly=True)
    fiche_metier_id = fields.Many2one("qualirepar.fiche.metier", string="Fiche métier")
    name = fields.Char(string="Description", readonly=True)
    number_id = fields.Char(string="Number", readonly=True)
    institution = fields.Char(readonly=True)
    valid_from = fields.Date(readonly=True)
    valid_to = fields.Date(readonly=True)
    active = fields.Boolean(default=True)
