from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

MANAGER_GROUP = "ecorepair_qualirepar.group_qualirepar_manager"


class RepairOrder(models.Model):
    """The technician of a repair, qualified for its fiche métier at its date (F18)."""

    _inherit = "repair.order"

    qualirepar_technician_id = fields.Many2one(
        "hr.employee", string="Technician", compute="_compute_qualirepar_technician_id", store=True,
        readonly=False, index=True, tracking=True, check_company=True,
        help="Proposed from the current user's employee when qualified for the fiche métier at the repair's date.")
    qualirepar_technician_qualified = fields.Boolean(
        string="Technician qualified", compute="_compute_qualirepar_technician_qualified")
    qualirepar_qualification_override_reason = fields.Text(
        string="Reason for assigning outside qualifications", tracking=True, copy=False,
        help="Given by a QualiRépar manager to assign a technician not qualified for the repair's fiche métier.")
    qualirepar_qualification_override_by_id = fields.Many2one(
        "res.users", string="Override by", readonly=True, copy=False)
    qualirepar_qualification_override_date = fields.Datetime(string="Override on", readonly=True, copy=False)

    def _qualirepar_date(self):
        return fields.Date.context_today(self, self.schedule_date)

    @api.depends("qualirepar_fiche_metier_id", "schedule_date", "company_id")
    def _compute_qualirepar_technician_id(self):
        for repair in self.filtered(lambda r: not r.qualirepar_technician_id and r.qualirepar_fiche_metier_id):
            employee = self.env.user.employee_ids.filtered(lambda e: e.company_id == repair.company_id)[:1]
            if employee and employee._qualirepar_is_qualified(repair.qualirepar_fiche_metier_id, repair._qualirepar_date()):
                repair.qualirepar_technician_id = employee

    @api.depends("qualirepar_technician_id", "qualirepar_fiche_metier_id", "schedule_date")
    def _compute_qualirepar_technician_qualified(self):
        for repair in self:
            repair.qualirepar_technician_qualified = not repair._qualirepar_technician_error()

    def _qualirepar_technician_error(self):
        """The reason why the technician may not take this repair, or an empty string."""
        self.ensure_one()
        technician, fiche = self.qualirepar_technician_id, self.qualirepar_fiche_metier_id
        if not technician or not fiche:
            return ""
        date = self._qualirepar_date()
        if technician._qualirepar_is_qualified(fiche, date):
            return ""
        args = {"technician": technician.name, "fiche": fiche.display_name, "date": format_date(self.env, date)}
        if self.env["hr.resume.line"].sudo().search_count(
                [("employee_id", "=", technician.id), ("qualirepar_fiche_metier_id", "=", fiche.id)], limit=1):
            return self.env._(
                "The qualification of %(technician)s for the fiche métier %(fiche)s is not valid on "
                "%(date)s (expired or not yet started).", **args)
        return self.env._("%(technician)s is not qualified for the fiche métier %(fiche)s.", **args)

    @api.constrains("qualirepar_technician_id", "qualirepar_fiche_metier_id", "schedule_date",
                    "qualirepar_qualification_override_reason")
    def _check_qualirepar_technician(self):
        for repair in self.filtered(lambda r: not r.qualirepar_qualification_override_reason):
            if error := repair._qualirepar_technician_error():
                raise ValidationError(self.env._(
                    "%(repair)s: %(error)s Assign a qualified technician, or ask a QualiRépar manager to give "
                    "a reason for this assignment.", repair=repair.display_name, error=error))

    def _qualirepar_override_values(self, reason):
        """Who and when of an override ``reason``; refused to anyone but a QualiRépar manager."""
        if not reason:
            return {"qualirepar_qualification_override_by_id": False, "qualirepar_qualification_override_date": False}
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "Only a QualiRépar manager can assign a repair to a technician outside his or her qualifications."))
        return {"qualirepar_qualification_override_by_id": self.env.uid,
                "qualirepar_qualification_override_date": fields.Datetime.now()}

    def _qualirepar_stamp_override(self, vals):
        """``vals`` with who gave its override reason, and when, if it gives these repairs a new one (a new
        repair, when empty: if it gives one); refused to anyone but a QualiRépar manager."""
        field = "qualirepar_qualification_override_reason"
        if self:
            new_reason = field in vals and any((vals[field] or False) != (r[field] or False) for r in self)
        else:
            new_reason = bool(vals.get(field))
        return {**vals, **self._qualirepar_override_values(vals[field])} if new_reason else vals
