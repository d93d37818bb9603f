import pytz

from odoo import fields, http
from odoo.http import request
from odoo.tools import format_date, format_time

from ..models.repair_order_booking import BookingError

# The fields of the form, as posted (all strings).
FORM_FIELDS = ("kind", "product_id", "fault", "slot", "name", "email", "mobile", "street", "zip", "city", "consent")
# A field no person sees nor fills: a robot that fills it is answered as if booked, and nothing is recorded.
HONEYPOT = "company_website"


class QualireparBooking(http.Controller):
    """Online booking (★), for anyone: the public sees the bookable devices (names only) and the free slots,
    nothing of the shop's customers or repairs. POST is CSRF-checked; the booking itself is made as superuser
    by repair.order._qualirepar_book_online, which validates everything again."""

    def _qualirepar_company(self):
        company = request.env.company.sudo()
        if not company.qualirepar_online_booking:
            raise request.not_found()
        return company

    def _qualirepar_slot_groups(self, company):
        """The free slots grouped by day, in the shop's time zone: [(day label, [(value, label)])]."""
        tz = pytz.timezone(company.resource_calendar_id.tz or "Europe/Paris")
        groups = {}
        for begin, stop in request.env["repair.order"]._qualirepar_booking_slots(company):
            local_begin, local_end = (pytz.utc.localize(dt).astimezone(tz) for dt in (begin, stop))
            day = format_date(request.env, local_begin.date(), date_format="EEEE d MMMM")
            label = "%s – %s" % (format_time(request.env, local_begin.time(), time_format="HH:mm"),
                                 format_time(request.env, local_end.time(), time_format="HH:mm"))
            groups.setdefault(day, []).append((fields.Datetime.to_string(begin), label))
        return list(groups.items())

    def _qualirepar_render(self, company, values=None, errors=None, status=200):
        response = request.render("ecorepair_qualirepar.qualirepar_booking_page", {
            "company": company,
            "products": request.env["repair.order"]._qualirepar_booking_products(company),
            "slot_groups": self._qualirepar_slot_groups(company),
            "values": values or {"kind": "workshop"},
            "errors": errors or {},
            "honeypot": HONEYPOT,
        })
        response.status_code = status
        return response

    @http.route("/qualirepar/booking", type="http", auth="public", methods=["GET"], website=True, sitemap=True)
    def qualirepar_booking(self, **kw):
        return self._qualirepar_render(self._qualirepar_company())

    @http.route("/qualirepar/booking", type="http", auth="public", methods=["POST"], website=True, csrf=True,
                sitemap=False)
    def qualirepar_booking_submit(self, **post):
        company = self._qualirepar_company()
        values = {key: (post.get(key) or "")[:2000] for key in FORM_FIELDS}
        if post.get(HONEYPOT):
            return request.redirect("/qualirepar/booking/done")
        try:
            repair = request.env["repair.order"]._qualirepar_book_online(company, values)
        except BookingError as refusal:
            request.env.cr.rollback()
            return self._qualirepar_render(company, values, refusal.errors, status=400)
        # What the visitor typed, for the next page: nothing of the repair or of the customer found.
        request.session["qualirepar_booking"] = {"slot": fields.Datetime.to_string(repair.schedule_date),
                                                 "kind": values["kind"]}
        return request.redirect("/qualirepar/booking/done")

    @http.route("/qualirepar/booking/done", type="http", auth="public", methods=["GET"], website=True,
                sitemap=False)
    def qualirepar_booking_done(self, **kw):
        company = self._qualirepar_company()
        booking = request.session.pop("qualirepar_booking", None) or {}
        when = ""
        if booking.get("slot"):
            tz = pytz.timezone(company.resource_calendar_id.tz or "Europe/Paris")
            local = pytz.utc.localize(fields.Datetime.to_datetime(booking["slot"])).astimezone(tz)
            when = "%s, %s" % (format_date(request.env, local.date(), date_format="EEEE d MMMM"),
                               format_time(request.env, local.time(), time_format="HH:mm"))
        return request.render("ecorepair_qualirepar.qualirepar_booking_done_page",
                              {"company": company, "when": when, "kind": booking.get("kind")})
