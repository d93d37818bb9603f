from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.qualirepar_access import MANAGER, check_role

# How many parts the traceability sample lists (the newest of the period).
PARTS_SAMPLE = 30


class QualireparAuditPackWizard(models.TransientModel):
    """The evidence a shop hands the label's auditor for a period: one PDF (référentiel 6.1.1, 6.1.5, 6.2.2,
    6.4.3, 6.6)."""

    _name = "qualirepar.audit.pack.wizard"
    _description = "QualiRépar label-audit evidence pack"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self) - relativedelta(years=1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    _sql_constraints = [
        ("dates_check", "CHECK(date_from <= date_to)", "The period of the audit pack ends before it starts."),
    ]

    def action_print(self):
        check_role(self.env, MANAGER)
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise UserError(self.env._("You do not work for %(company)s.", company=self.company_id.name))
        return self.env.ref("ecorepair_qualirepar.action_report_qualirepar_audit_pack").report_action(self)

    def _qualirepar_bounds(self):
        """The period as naive UTC datetimes [start, end)."""
        return datetime.combine(self.date_from, time.min), datetime.combine(self.date_to + timedelta(days=1), time.min)

    def _qualirepar_audit_data(self):
        """What each section of the pack lists, read as superuser within the wizard's company and period."""
        self.ensure_one()
        start, end = self._qualirepar_bounds()
        company = self.company_id
        Repair = self.env["repair.order"].sudo().with_company(company)
        in_period = [("company_id", "=", company.id), ("schedule_date", ">=", start), ("schedule_date", "<", end)]
        Event = self.env["calendar.event"].sudo()
        events = Event.search([("qualirepar_kind", "!=", False), ("qualirepar_company_id", "=", company.id),
                               ("start", ">=", start), ("start", "<", end)], order="start")
        trainings = events.filtered(lambda e: e.qualirepar_kind == "training")
        followed = trainings.qualirepar_resume_line_ids.sorted(lambda l: (l.employee_id.name or "", l.date_start))
        answers = self.env["survey.user_input"].sudo().search([
            ("qualirepar_repair_id.company_id", "=", company.id), ("state", "=", "done"),
            ("end_datetime", ">=", start), ("end_datetime", "<", end)], order="end_datetime")
        data = {
            "returns": Repair.search([*in_period, ("qualirepar_is_return", "=", True)], order="schedule_date"),
            "answers": answers,
            "invitations": self.env["survey.user_input"].sudo().search_count([
                ("qualirepar_repair_id.company_id", "=", company.id),
                ("create_date", ">=", start), ("create_date", "<", end)]),
            "trainings": trainings,
            "followed": followed,
            "followed_by_employee": followed.grouped("employee_id"),
            "legal_watch": events.filtered(lambda e: e.qualirepar_kind == "legal_watch"),
            "parts": self.env["stock.move"].sudo().search([
                ("repair_id.company_id", "=", company.id), ("repair_id.schedule_date", ">=", start),
                ("repair_id.schedule_date", "<", end), ("repair_line_type", "=", "add"), ("state", "!=", "cancel")],
                order="date desc, id desc", limit=PARTS_SAMPLE),
            "onsite": Repair.search([*in_period, ("qualirepar_intervention_type", "=", "onsite"),
                                     ("qualirepar_beyond_zone", "=", True)], order="schedule_date"),
        }
        # the sentences of the pack, whole, so that they translate as sentences
        _ = self.env._
        data["texts"] = {
            "period": _("Period: from %(date_from)s to %(date_to)s", date_from=format_date(self.env, self.date_from),
                        date_to=format_date(self.env, self.date_to)),
            "returns": _("%(count)s repair(s) of the period came back within the repair warranty of %(months)s "
                         "month(s) after an earlier repair.", count=len(data["returns"]),
                         months=company.qualirepar_warranty_months),
            "answers": _("%(invitations)s invitation(s) to the satisfaction survey in the period, %(answers)s "
                         "answer(s), %(handled)s handled.", invitations=data["invitations"],
                         answers=len(answers), handled=len(answers.filtered("qualirepar_handled"))),
            "parts": _("The %(count)s latest parts put in the period's repairs (at most %(limit)s), with their "
                       "origin, from the repairs' lines.", count=len(data["parts"]), limit=PARTS_SAMPLE),
            "onsite": _("%(count)s on-site repair(s) of the period beyond the declared zone of %(km)s km.",
                        count=len(data["onsite"]), km="%g" % company.qualirepar_max_distance_km),
        }
        return data


class ReportQualireparAuditPack(models.AbstractModel):
    _name = "report.ecorepair_qualirepar.report_audit_pack"
    _description = "QualiRépar label-audit evidence pack (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        check_role(self.env, MANAGER)
        docs = self.env["qualirepar.audit.pack.wizard"].browse(docids)
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "qualirepar.audit.pack.wizard",
            "docs": docs,
            "audit": {wizard.id: wizard._qualirepar_audit_data() for wizard in docs},
        }
