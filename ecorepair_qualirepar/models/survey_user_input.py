from odoo import fields, models


class SurveyUserInput(models.Model):
    """An answer to the satisfaction survey, linked to its repair, and what the shop does about it (6.4.3)."""

    _inherit = "survey.user_input"

    qualirepar_repair_id = fields.Many2one("repair.order", string="Repair", index="btree_not_null",
                                           ondelete="set null", readonly=True)
    qualirepar_action = fields.Text(string="Action taken", tracking=True,
                                    help="What the shop does about the customer's answers and suggestions.")
    qualirepar_handled = fields.Boolean(string="Handled", tracking=True)
