from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    qualirepar_backend_ids = fields.One2many("qualirepar.backend", "company_id", string="QualiRépar connections")
    qualirepar_business_sheet_ids = fields.One2many(
        "qualirepar.business.sheet", "company_id", string="Labelled fiches métier")
    qualirepar_warranty_months = fields.Integer(
        string="Repair warranty (months)", default=3,
        help="A device coming back within this period after a finished repair is a warranty return (6.1.5).")
    qualirepar_max_distance_km = fields.Float(
        string="Maximum on-site distance (km)", default=100.0,
        help="The intervention zone declared at labelling (6.1.1): beyond it, an on-site repair needs a reason.")
    qualirepar_slip_show_payment = fields.Boolean(string="Intake slip: payment at intake", default=True)
    qualirepar_slip_show_bonus = fields.Boolean(string="Intake slip: bonus réparation", default=True)
    qualirepar_slip_show_consents = fields.Boolean(string="Intake slip: consents", default=True)
    qualirepar_slip_show_parts_info = fields.Boolean(
        string="Intake slip: model reference and purchase date", default=True,
        help="What is needed to order the parts.")
