from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualirepar_ticket_answer_days = fields.Integer(related="company_id.qualirepar_ticket_answer_days", readonly=False)
