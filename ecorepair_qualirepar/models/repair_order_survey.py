from odoo import fields, models

from .qualirepar_access import WORKSHOP, check_role


class RepairOrder(models.Model):
    _inherit = "repair.order"

    qualirepar_survey_input_ids = fields.One2many("survey.user_input", "qualirepar_repair_id",
                                                  string="Satisfaction answers", groups="survey.group_survey_user")

    def _qualirepar_invite_to_survey(self):
        """One invitation to the company's satisfaction survey per finished repair (when it is done)."""
        for repair in self.sudo().filtered(lambda r: r.company_id.qualirepar_survey_id and r.partner_id
                                           and not r.qualirepar_survey_input_ids):
            survey = repair.company_id.qualirepar_survey_id.sudo()
            survey._create_answer(partner=repair.partner_id, check_attempts=False,
                                  qualirepar_repair_id=repair.id)

    def _qualirepar_survey_invitation(self):
        """The customer's unanswered invitation, or an empty recordset."""
        return self.qualirepar_survey_input_ids.filtered(lambda a: a.state != "done")[:1]

    def action_qualirepar_survey_answers(self):
        check_role(self.env, WORKSHOP)
        action = self.env["ir.actions.act_window"]._for_xml_id("ecorepair_qualirepar.action_qualirepar_survey_answers")
        action["domain"] = [("qualirepar_repair_id", "in", self.ids)]
        action["context"] = {}
        return action
