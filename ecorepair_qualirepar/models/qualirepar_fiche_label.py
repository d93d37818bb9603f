from odoo import fields, models


class QualireparFicheLabel(models.Model):
    """The shop's labelling for one fiche métier (``qualirepar.fiche.metier``), as the eco-organism's API reports
    it (one of the repairer's ``BusinessSheets``, ``sheet_type`` being its code)."""

    _name = "qualirepar.fiche.label"
    _description = "Labelling per fiche métier"
    _order = "fiche_metier_id, sheet_type"

    backend_id = fields.Many2one("qualirepar.backend", string="Connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    sheet_type = fields.Char(string="Sheet type", required=True, readonly=True)
    fiche_metier_id = fields.Many2one("qualirepar.fiche.metier", string="Fiche métier")
    name = fields.Char(string="Description", readonly=True)
    label_number = fields.Char(string="Number", readonly=True, help="The number of the labelling (the API's NumberId).")
    institution = fields.Char(readonly=True)
    valid_from = fields.Date(readonly=True)
    valid_to = fields.Date(readonly=True)
    active = fields.Boolean(default=True)
