from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    qualirepar_backend_ids = fields.One2many("qualirepar.backend", "company_id", string="QualiRépar connections")
    qualirepar_business_sheet_ids = fields.One2many(
        "qualirepar.business.sheet", "company_id", string="Labelled fiches métier")
