from odoo import models


class QualireparAuditPackWizard(models.TransientModel):
    """The label-audit evidence pack lists the call centre's complaints of the period with the action taken
    (référentiel 6.4.3) next to the satisfaction answers."""

    _inherit = "qualirepar.audit.pack.wizard"

    def _qualirepar_audit_data(self):
        data = super()._qualirepar_audit_data()
        start, end = self._qualirepar_bounds()
        complaints = self.env["helpdesk.ticket"].sudo().search([
            ("company_id", "=", self.company_id.id), ("qualirepar_is_complaint", "=", True),
            ("qualirepar_received_date", ">=", start), ("qualirepar_received_date", "<", end)],
            order="qualirepar_received_date")
        data["complaints"] = complaints
        data["texts"]["complaints"] = self.env._(
            "%(count)s complaint(s) received in the period, %(in_time)s answered within the label's delay, "
            "%(late)s late.", count=len(complaints),
            in_time=len(complaints.filtered("qualirepar_answered_in_time")),
            late=len(complaints.filtered("qualirepar_late")))
        return data
