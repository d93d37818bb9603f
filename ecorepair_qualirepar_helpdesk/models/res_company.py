from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    qualirepar_ticket_answer_days = fields.Integer(
        string="Answer delay of a request (working days)", default=2,
        help="The working days within which a request that is not a complaint is answered (a complaint: 8 working "
        "days, as the QualiRépar label asks). Counted on the company's working schedule, public holidays deducted.")
