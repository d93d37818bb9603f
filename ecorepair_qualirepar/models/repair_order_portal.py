import uuid

from odoo import fields, models

from .qualirepar_access import FRONT_OFFICE, WORKSHOP, check_role


class RepairOrder(models.Model):
    """The repair in the customer portal (F19): where it stands, and the documents of the file meant for the
    customer. The page is reached by the customer's portal account or by a link carrying its access token."""

    _name = "repair.order"
    _inherit = ["repair.order", "portal.mixin"]

    internal_notes = fields.Html(groups="base.group_user")  # never for the customer, whatever the way in
    # The key to the repair's page: for the shop's staff (the add-on reads it as superuser to build the links).
    access_token = fields.Char(groups=WORKSHOP)
    qualirepar_start_date = fields.Datetime(string="Repair started on", readonly=True, copy=False)
    qualirepar_delivered_date = fields.Datetime(
        string="Handed back on", readonly=True, copy=False, tracking=True,
        help="When the repaired device was handed back to the customer.")

    def _portal_ensure_token(self):
        return super(RepairOrder, self.sudo())._portal_ensure_token()

    def action_qualirepar_renew_access_token(self):
        """A new tracking link: the one the customer was sent no longer opens the repair's page."""
        check_role(self.env, FRONT_OFFICE)
        self.check_access("write")
        for repair in self.sudo():
            repair.access_token = str(uuid.uuid4())
            repair.message_post(body=self.env._("The tracking link was renewed: the former link no longer works."))
        return True

    def _compute_access_url(self):
        super()._compute_access_url()
        for repair in self:
            repair.access_url = f"/my/repairs/{repair.id}"

    def _get_report_base_filename(self):
        return self.name

    def _get_portal_return_action(self):
        return self.env.ref("repair.action_repair_order_tree")

    def _qualirepar_stamp_start(self):
        """When these repairs, just started, started (once): the customer's page shows it."""
        self.filtered(lambda r: r.state == "under_repair" and not r.qualirepar_start_date).qualirepar_start_date = \
            fields.Datetime.now()

    def action_qualirepar_hand_back(self):
        """The customer has collected the repaired device."""
        check_role(self.env, WORKSHOP)
        self.check_access("write")
        self.filtered(lambda r: r.state == "done" and not r.qualirepar_delivered_date).qualirepar_delivered_date = \
            fields.Datetime.now()
        return True

    def action_qualirepar_portal_preview(self):
        """The repair's page as its customer sees it."""
        check_role(self.env, WORKSHOP)
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def _qualirepar_portal_quote(self):
        """The repair's quote once it is meant for the customer (sent, accepted or refused)."""
        order = self.sale_order_id
        return order if order.state in ("sent", "sale", "cancel") else order.browse()

    def _qualirepar_portal_steps(self):
        """[{"label", "date", "status": "done" | "current" | "todo"}]: where the repair stands, for the customer."""
        self.ensure_one()
        _ = self.env._
        quote = self._qualirepar_portal_quote()
        waiting_parts = self.state == "confirmed" and self.parts_availability_state in ("expected", "late")
        started = self.state in ("under_repair", "done")
        steps = [
            (_("Received"), self.create_date, True),
            (_("Diagnosis"), quote.create_date, bool(quote) or self.state != "draft"),
        ]
        if quote.state == "cancel":
            # Refused: the device goes back unrepaired; no repair step is ahead.
            steps += [
                (_("Quote refused"), quote.write_date, True),
                (_("To collect, not repaired"), False, self.state == "cancel"),
            ]
        else:
            steps.append((_("Quote accepted") if quote.state == "sale" else _("Quote awaiting your approval"),
                          quote.signed_on or quote.date_order, bool(quote)))
            if waiting_parts:
                steps.append((_("Waiting for parts"), False, True))
            steps += [
                (_("In repair"), self.qualirepar_start_date, started),
                (_("Ready to collect"), self.qualirepar_done_date, self.state == "done"),
                (_("Handed back"), self.qualirepar_delivered_date, bool(self.qualirepar_delivered_date)),
            ]
        current = max((index for index, step in enumerate(steps) if step[2]), default=0)
        return [{"label": label, "date": reached and date,
                 "status": "current" if index == current else "done" if index < current else "todo"}
                for index, (label, date, reached) in enumerate(steps)]

    def _qualirepar_portal_status(self):
        """The step the repair is at, in the customer's words."""
        return next(step["label"] for step in self._qualirepar_portal_steps() if step["status"] == "current")

    def _qualirepar_portal_documents(self):
        """[{"name", "url"}]: the documents of the file meant for the customer, with links valid for them."""
        self.ensure_one()
        _ = self.env._
        documents = [{"name": _("Intake slip"), "url": self.get_portal_url(suffix="/report/intake_slip")}]
        if quote := self._qualirepar_portal_quote():
            documents.append({"name": _("Quote %s", quote.name),
                              "url": quote.get_portal_url(report_type="pdf", download=True)})
        documents += [{"name": _("Invoice %s", invoice.name),
                       "url": invoice.get_portal_url(report_type="pdf", download=True)}
                      for invoice in self.sale_order_id.invoice_ids.filtered(
                          lambda m: m.state == "posted" and m.move_type == "out_invoice")]
        if self.state == "done":
            documents.append({"name": _("Verification report"),
                              "url": self.get_portal_url(suffix="/report/verification")})
        if self.qualirepar_handback_signature:
            documents.append({"name": _("Hand-back receipt"),
                              "url": self.get_portal_url(suffix="/report/handback_receipt")})
        documents += [{"name": document.name, "url": self.get_portal_url(suffix=f"/document/{document.id}")}
                      for document in self._qualirepar_customer_documents()]
        return documents
