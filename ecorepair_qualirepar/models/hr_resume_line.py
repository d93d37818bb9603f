from odoo import api, fields, models
from odoo.exceptions import AccessError

from .qualirepar_access import MANAGER

HR_OFFICER = "hr.group_hr_user"
# What makes a resume line the add-on's: a qualification for a fiche métier (F18), or a training followed (F16).
QUALIREPAR_LINE_FIELDS = frozenset({"qualirepar_fiche_metier_id", "qualirepar_training_id"})


class HrResumeLine(models.Model):
    """A line of the employee's resume (hr_skills) that is a QualiRépar qualification or a training followed.

    A *certification* line with a fiche métier is the qualification that lets the technician take the repairs
    of that fiche between its start and end dates (F18): the one record that says what a technician may repair.
    A line made by a training marked done (F16) keeps the training it comes from and the attendee's certificate.
    Only a QualiRépar manager (or an HR officer) records them: an employee may edit his own resume, not qualify
    himself."""

    _name = "hr.resume.line"
    _inherit = ["hr.resume.line", "qualirepar.guarded.mixin"]

    qualirepar_fiche_metier_id = fields.Many2one(
        "qualirepar.fiche.metier", string="Qualified for the fiche métier", index="btree_not_null",
        ondelete="restrict",
        help="The technician may take the repairs of this fiche métier from the start date to the end date "
        "(no end date: without limit).")
    qualirepar_training_id = fields.Many2one(
        "calendar.event", string="QualiRépar training", index="btree_not_null", ondelete="set null", readonly=True,
        help="The training action this line was made from when it was marked done.")
    qualirepar_certificate = fields.Binary(
        string="Certificate", attachment=True, help="Scan of the certificate or attestation of training.")
    qualirepar_certificate_filename = fields.Char(string="Certificate file name")
    qualirepar_has_certificate = fields.Boolean(
        string="Certificate received", compute="_compute_qualirepar_has_certificate", store=True)
    qualirepar_trainer = fields.Char(related="qualirepar_training_id.qualirepar_trainer", string="Trainer or body")
    qualirepar_duration = fields.Float(related="qualirepar_training_id.duration", string="Duration (hours)")
    qualirepar_is_valid = fields.Boolean(
        string="Valid today", compute="_compute_qualirepar_is_valid", search="_search_qualirepar_is_valid")

    _qualirepar_guarded_fields = QUALIREPAR_LINE_FIELDS

    @api.depends("qualirepar_certificate")
    def _compute_qualirepar_has_certificate(self):
        for line in self:
            line.qualirepar_has_certificate = bool(line.qualirepar_certificate)

    @api.model
    def _qualirepar_domain_valid_on(self, date):
        """The lines in force on ``date`` (the end date is the last day of validity)."""
        return [("date_start", "<=", date), "|", ("date_end", "=", False), ("date_end", ">=", date)]

    @api.depends("date_start", "date_end")
    def _compute_qualirepar_is_valid(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.qualirepar_is_valid = bool(line.date_start and line.filtered_domain(
                self._qualirepar_domain_valid_on(today)))

    def _search_qualirepar_is_valid(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        domain = self._qualirepar_domain_valid_on(fields.Date.context_today(self))
        return domain if (operator == "=") == bool(value) else ["!", *domain]

    @api.model_create_multi
    def create(self, vals_list):
        qualification = self.env.ref("ecorepair_qualirepar.resume_type_qualirepar_qualification",
                                     raise_if_not_found=False)
        for vals in vals_list:
            if vals.get("qualirepar_fiche_metier_id"):
                vals.setdefault("display_type", "certification")
                if qualification and not vals.get("line_type_id") and not vals.get("qualirepar_training_id"):
                    vals["line_type_id"] = qualification.id
        return super().create(vals_list)

    @api.onchange("qualirepar_fiche_metier_id")
    def _onchange_qualirepar_fiche_metier_id(self):
        if self.qualirepar_fiche_metier_id:
            self.display_type = "certification"
            if not self.name:
                self.name = self.env._("Qualification %(fiche)s", fiche=self.qualirepar_fiche_metier_id.display_name)

    def _qualirepar_is_ours(self):
        return self.filtered(lambda line: line.qualirepar_fiche_metier_id or line.qualirepar_training_id)

    def _qualirepar_guarded_changes(self, vals):
        changed = super()._qualirepar_guarded_changes(vals)
        if self:
            # on a qualification or a training followed, what it says is evidence: its dates, holder, title,
            # certificate are the manager's
            changed |= self._qualirepar_is_ours()._qualirepar_changed(vals, {
                "employee_id", "name", "date_start", "date_end", "display_type", "qualirepar_certificate"})
        return changed

    def _qualirepar_check_guarded(self, vals):
        if self.env.user.has_group(HR_OFFICER):
            return
        super()._qualirepar_check_guarded(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_qualirepar_lines(self):
        if self.env.su or self.env.user.has_group(MANAGER) or self.env.user.has_group(HR_OFFICER):
            return
        if ours := self._qualirepar_is_ours():
            raise AccessError(self.env._(
                "Only a QualiRépar manager can delete a qualification or a training followed (%(lines)s).",
                lines=", ".join(ours.mapped("name"))))
