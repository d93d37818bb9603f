from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    qualirepar_qualification_ids = fields.One2many(
        "hr.resume.line", "employee_id", string="QualiRépar qualifications",
        domain=[("qualirepar_fiche_metier_id", "!=", False)],
        groups="hr.group_hr_user,ecorepair_qualirepar.group_qualirepar_manager",
        help="Certifications of the resume that qualify the employee for a fiche métier.")

    def _qualirepar_is_qualified(self, fiche, date):
        """Whether this employee holds a qualification for ``fiche`` valid on ``date``."""
        self.ensure_one()
        Line = self.env["hr.resume.line"].sudo()
        return bool(Line.search_count([
            ("employee_id", "=", self.id), ("qualirepar_fiche_metier_id", "=", fiche.id),
            *Line._qualirepar_domain_valid_on(date)], limit=1))
