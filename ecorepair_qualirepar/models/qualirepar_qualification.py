from odoo import api, fields, models


class QualireparQualification(models.Model):
    """An employee's qualification for a fiche métier over a validity period (F18)."""

    _name = "qualirepar.qualification"
    _description = "QualiRépar technician qualification"
    _order = "employee_id, fiche_metier_id, date_from desc"

    employee_id = fields.Many2one(
        "hr.employee", string="Technician", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="employee_id.company_id", store=True, index=True)
    fiche_metier_id = fields.Many2one(
        "qualirepar.fiche.metier", string="Fiche métier", required=True, index=True, ondelete="restrict")
    date_from = fields.Date(string="Valid from", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="Valid until", help="Leave empty for a qualification without an end date.")
    reference = fields.Char(help="Reference of the training, certificate or attestation.")
    certificate = fields.Binary(attachment=True, help="Scan of the certificate or attestation.")
    certificate_filename = fields.Char()
    note = fields.Text()
    is_valid = fields.Boolean(
        string="Valid today", compute="_compute_is_valid", search="_search_is_valid")

    _sql_constraints = [
        ("dates_check", "CHECK(date_to IS NULL OR date_to >= date_from)",
         "A qualification cannot end before it starts."),
    ]

    @api.model
    def _domain_valid_on(self, date):
        return [("date_from", "<=", date), "|", ("date_to", "=", False), ("date_to", ">=", date)]

    @api.depends("date_from", "date_to")
    def _compute_is_valid(self):
        today = fields.Date.context_today(self)
        for qualification in self:
            qualification.is_valid = qualification.filtered_domain(self._domain_valid_on(today)) == qualification

    def _search_is_valid(self, operator, value):
        domain = self._domain_valid_on(fields.Date.context_today(self))
        return domain if (operator == "=") == bool(value) else ["!", *domain]

    @api.depends("employee_id", "fiche_metier_id")
    def _compute_display_name(self):
        for qualification in self:
            qualification.display_name = (
                f"{qualification.employee_id.name} – {qualification.fiche_metier_id.display_name}")
