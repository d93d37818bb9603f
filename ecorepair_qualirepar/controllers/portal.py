from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal

# The repair's reports a customer may download from its page.
REPORTS = {"intake_slip": "ecorepair_qualirepar.action_report_qualirepar_intake_slip",
           "verification": "ecorepair_qualirepar.action_report_qualirepar_verification",
           "handback_receipt": "ecorepair_qualirepar.action_report_qualirepar_handback_receipt"}


class RepairPortal(CustomerPortal):
    """The customer's repairs in the portal (F19): their list, and each repair's page with its documents."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "repair_count" in counters:
            Repair = request.env["repair.order"]
            values["repair_count"] = Repair.search_count(self._qualirepar_repairs_domain()) \
                if Repair.has_access("read") else 0
        return values

    def _qualirepar_repairs_domain(self):
        """The visitor's own repairs (for a customer, the portal record rule says the same)."""
        return [("partner_id", "child_of", [request.env.user.partner_id.commercial_partner_id.id])]

    @http.route(["/my/repairs", "/my/repairs/page/<int:page>"], type="http", auth="user", methods=["GET"],
                website=True)
    def portal_my_repairs(self, page=1, **kw):
        Repair, domain = request.env["repair.order"], self._qualirepar_repairs_domain()
        pager = portal_pager(url="/my/repairs", total=Repair.search_count(domain), page=page,
                             step=self._items_per_page)
        repairs = Repair.search(domain, order="create_date desc, id desc", limit=self._items_per_page,
                                offset=pager["offset"])
        request.session["my_repairs_history"] = repairs.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({"repairs": repairs.sudo(), "pager": pager, "page_name": "repair", "default_url": "/my/repairs"})
        return request.render("ecorepair_qualirepar.portal_my_repairs", values)

    def _qualirepar_repair(self, repair_id, access_token):
        """The repair (sudo) if this visitor may see it, else None. GET only: werkzeug lets HEAD through the
        routes' ``methods``, and a HEAD must not render the documents."""
        if request.httprequest.method != "GET":
            return None
        try:
            return self._document_check_access("repair.order", repair_id, access_token=access_token)
        except (AccessError, MissingError):
            return None

    @http.route("/my/repairs/<int:repair_id>", type="http", auth="public", methods=["GET"], website=True)
    def portal_my_repair(self, repair_id, access_token=None, **kw):
        repair_sudo = self._qualirepar_repair(repair_id, access_token)
        if repair_sudo is None:
            return request.redirect("/my")
        values = self._get_page_view_values(repair_sudo, access_token, {
            "repair": repair_sudo, "page_name": "repair", "steps": repair_sudo._qualirepar_portal_steps(),
            "documents": repair_sudo._qualirepar_portal_documents(),
            "quote": repair_sudo._qualirepar_portal_quote(),
            "survey_invitation": repair_sudo._qualirepar_survey_invitation() if repair_sudo.state == "done" else None,
        }, "my_repairs_history", False, **kw)
        return request.render("ecorepair_qualirepar.portal_my_repair", values)

    @http.route("/my/repairs/<int:repair_id>/report/<string:report>", type="http", auth="public", methods=["GET"],
                website=True)
    def portal_my_repair_report(self, repair_id, report, access_token=None, **kw):
        repair_sudo = self._qualirepar_repair(repair_id, access_token)
        if repair_sudo is None or report not in REPORTS or (report == "verification" and repair_sudo.state != "done") \
                or (report == "handback_receipt" and not repair_sudo.qualirepar_handback_signature):
            return request.redirect("/my")
        return self._show_report(repair_sudo, "pdf", REPORTS[report], download=True)

    @http.route("/my/repairs/<int:repair_id>/document/<int:document_id>", type="http", auth="public",
                methods=["GET"], website=True)
    def portal_my_repair_document(self, repair_id, document_id, access_token=None, **kw):
        """A public document of the repaired product (user manual, tips, notice: F10)."""
        repair_sudo = self._qualirepar_repair(repair_id, access_token)
        document = repair_sudo and repair_sudo._qualirepar_customer_documents().filtered(lambda d: d.id == document_id)
        if not document:
            return request.redirect("/my")
        stream = request.env["ir.binary"]._get_stream_from(document, "datas", filename=document.filename or None)
        return stream.get_response(as_attachment=True)

    @http.route()
    def portal_quote_decline(self, order_id, access_token=None, decline_message=None, **kwargs):
        """A repair quote refused online: the customer is sent the risk notice and the repair is cancelled, as when
        the shop records the refusal (F21). Only when this very request, by the quote's owner or with its token,
        refused it: a quote the shop cancelled itself (to redo it) leaves the repair alone."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            order_sudo = None
        declinable = bool(order_sudo and order_sudo._has_to_be_signed())
        response = super().portal_quote_decline(order_id, access_token=access_token, decline_message=decline_message,
                                                **kwargs)
        repair_sudo = order_sudo.qualirepar_repair_id if declinable else None
        if repair_sudo and order_sudo.state == "cancel" and repair_sudo.state not in ("cancel", "done"):
            repair_sudo.action_qualirepar_quote_refused()
        return response
