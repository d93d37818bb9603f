from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    qualirepar_qualification_ids = fields.One2many(
        "qualirepar.qualification", "employee_id", string="QualiRépar qualifications",
        groups="hr.group_hr_user")

    def _qualirepar_is_qualified(self, fiche, date):
        """Whether this employee holds a qualification for ``fiche`` valid on ``date``."""
        self.ensure_one()
        Qualification = self.env["qualirepar.qualification"].sudo()
        return bool(Qualification.search_count([
            ("employee_id", "=", self.id), ("fiche_metier_id", "=", fiche.id),
            *Qualification._domain_valid_on(date)], limit=1))
