"""Online booking (★): a public visitor books a workshop drop-off or an on-site visit in a free slot of the shop's
working hours; the booking is a repair in draft with its intake data, confirmed and reminded by SMS (F14)."""

import re
from datetime import timedelta

import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .repair_order_sms import NOTIFICATIONS

NOTIFICATIONS["booking"] = ("sms_template_qualirepar_booking", "mail_template_qualirepar_booking")
NOTIFICATIONS["booking_reminder"] = (
    "sms_template_qualirepar_booking_reminder", "mail_template_qualirepar_booking_reminder")

# Bookings that hold their slot: a repair neither cancelled nor finished.
OPEN_STATES = ("draft", "confirmed", "under_repair")
# Anti-abuse: bookings from one e-mail address or phone number within an hour, and for the whole shop.
MAX_BOOKINGS_PER_CONTACT = 3
MAX_BOOKINGS_PER_HOUR = 30
FRENCH_MOBILE = re.compile(r"^(?:\+33|0033|0)[67]\d{8}$")


class BookingError(ValidationError):
    """A booking refused: ``errors`` maps each field of the form (or "form") to its message."""

    def __init__(self, errors):
        super().__init__("\n".join(errors.values()))
        self.errors = errors


class RepairOrder(models.Model):
    _inherit = "repair.order"

    qualirepar_booked_online = fields.Boolean(string="Booked online", readonly=True, copy=False, index=True)

    @api.model
    def _qualirepar_booking_slots(self, company, now=None):
        """The free slots of ``company``, as (start, end) naive UTC datetimes, from the next hour to the booking
        horizon: the company's working hours (its resource calendar, public holidays and closures deducted) cut
        into slots of the booking length, less those in which an open repair is scheduled."""
        company = company.sudo()
        calendar = company.resource_calendar_id
        length = company._qualirepar_slot_length()
        now = now or fields.Datetime.now()
        start = pytz.utc.localize(now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        end = start + timedelta(days=max(company.qualirepar_booking_days, 1))
        if not calendar:
            return []
        slots = []
        for begin, stop, _meta in calendar._work_intervals_batch(start, end)[False]:
            cursor = begin
            while cursor + length <= stop:
                slots.append((cursor.astimezone(pytz.utc).replace(tzinfo=None),
                              (cursor + length).astimezone(pytz.utc).replace(tzinfo=None)))
                cursor += length
        if not slots:
            return []
        taken = self.sudo().search([
            ("company_id", "=", company.id), ("state", "in", OPEN_STATES),
            ("schedule_date", ">=", slots[0][0]), ("schedule_date", "<", slots[-1][1]),
        ]).mapped("schedule_date")
        return [(begin, stop) for begin, stop in slots if not any(begin <= when < stop for when in taken)]

    @api.model
    def _qualirepar_booking_products(self, company):
        return self.env["product.product"].sudo().search([
            ("qualirepar_online_booking", "=", True), ("type", "=", "consu"),
            ("company_id", "in", (False, company.id))], order="name")

    @api.model
    def _qualirepar_booking_errors(self, company, values):
        """What is wrong with a booking form, in the visitor's language: {field: message}. ``values`` are the
        posted strings."""
        _ = self.env._
        errors = {}
        name = (values.get("name") or "").strip()
        email = (values.get("email") or "").strip()
        mobile = re.sub(r"[\s.\-]", "", values.get("mobile") or "")
        if not name or len(name) > 128:
            errors["name"] = _("Enter your first and last name.")
        if email and not tools.single_email_re.match(email):
            errors["email"] = _("This e-mail address is not valid.")
        if mobile and not FRENCH_MOBILE.match(mobile):
            errors["mobile"] = _("Enter a French mobile number (06 or 07 followed by 8 digits).")
        if not email and not mobile:
            errors["mobile"] = _("Enter your mobile number or your e-mail address, so that we can confirm.")
        kind = values.get("kind")
        if kind not in ("workshop", "onsite"):
            errors["kind"] = _("Choose a drop-off at the workshop or a visit at your home.")
        if kind == "onsite":
            for key, label in (("street", _("street")), ("zip", _("postcode")), ("city", _("city"))):
                if not (values.get(key) or "").strip():
                    errors[key] = _("For a visit at your home, enter your %s.", label)
            if (values.get("zip") or "").strip() and not re.fullmatch(r"\d{5}", values["zip"].strip()):
                errors["zip"] = _("A French postcode has five digits.")
        product = values.get("product_id") or ""
        if not product.isdigit() or int(product) not in self._qualirepar_booking_products(company).ids:
            errors["product_id"] = _("Choose the device to repair.")
        fault = (values.get("fault") or "").strip()
        if len(fault) < 5 or len(fault) > 2000:
            errors["fault"] = _("Describe the fault in a few words (2,000 characters at most).")
        if not values.get("consent"):
            errors["consent"] = _("Your consent is needed to handle your booking.")
        try:
            slot = fields.Datetime.to_datetime(values.get("slot"))
        except ValueError:
            slot = None
        if not slot:
            errors["slot"] = _("Choose a slot.")
        elif slot not in dict(self._qualirepar_booking_slots(company)):
            errors["slot"] = _("This slot has just been taken or is no longer offered: choose another one.")
        return errors

    @api.model
    def _qualirepar_book_online(self, company, values):
        """Record a booking of the public page: the customer found by e-mail or mobile number (never changed nor
        shown) or created, the repair in draft with the intake data, the confirmation queued by SMS (e-mail
        without a mobile number). Raises BookingError on bad input, the
        slot taken or too many bookings."""
        company = company.sudo()
        env = self.sudo().with_company(company).env
        # One booking at a time per shop: two visitors cannot both take the last slot.
        env.cr.execute("SELECT id FROM res_company WHERE id = %s FOR UPDATE", [company.id])
        errors = self._qualirepar_booking_errors(company, values)
        if errors:
            raise BookingError(errors)
        email = (values.get("email") or "").strip().lower()
        mobile = re.sub(r"[\s.\-]", "", values.get("mobile") or "")
        Repair = env["repair.order"]
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = Repair.search([("company_id", "=", company.id), ("qualirepar_booked_online", "=", True),
                                ("create_date", ">=", since)])
        customer = self._qualirepar_booking_customer(company, email, mobile)
        if len(recent) >= MAX_BOOKINGS_PER_HOUR or (customer and len(recent.filtered(
                lambda r: r.partner_id == customer)) >= MAX_BOOKINGS_PER_CONTACT):
            message = self.env._("Too many bookings have just been made: please try again in an hour or call us.")
            raise BookingError({"form": message})
        typed = {
            "name": values["name"].strip(), "email": email, "mobile": mobile,
            "street": (values.get("street") or "").strip(), "zip": (values.get("zip") or "").strip(),
            "city": (values.get("city") or "").strip(),
        }
        if not customer:
            customer = env["res.partner"].create({
                **typed, "company_id": company.id, "lang": self.env.lang or company.partner_id.lang,
                "country_id": env.ref("base.fr").id,
            })
        kind = values["kind"]
        summary = self.env._(
            "Booked online by %(name)s (%(contact)s)%(address)s.",
            name=typed["name"], contact=", ".join(filter(None, (email, mobile))),
            address=kind == "onsite" and self.env._(", visit at %(street)s, %(zip)s %(city)s", **typed) or "")
        repair = Repair.create({
            "company_id": company.id,
            "partner_id": customer.id,
            "product_id": int(values["product_id"]),
            "schedule_date": fields.Datetime.to_datetime(values["slot"]),
            "qualirepar_intervention_type": kind,
            "qualirepar_fault_description": values["fault"].strip(),
            "qualirepar_consent_gdpr": True,
            "qualirepar_booked_online": True,
            "user_id": False,  # not the public user: the shop assigns it
            "internal_notes": tools.plaintext2html(summary),
        })
        repair.message_post(body=summary, subtype_xmlid="mail.mt_note")
        repair._qualirepar_notify_customer("booking")
        return repair

    @api.model
    def _qualirepar_booking_customer(self, company, email, mobile):
        """The existing customer with this e-mail address, else with this mobile number (a business is never
        matched: the bonus is for consumers)."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        company_domain = [("company_id", "in", (False, company.id)), ("is_company", "=", False)]
        if email:
            found = Partner.search(company_domain + [("email", "=ilike", email)], limit=1)
            if found:
                return found
        if mobile:
            number = Partner._phone_format(number=mobile, country=self.env.ref("base.fr")) or mobile
            found = Partner.search(company_domain + [("phone_sanitized", "=", number)], limit=1)
            if found:
                return found
        return Partner

    @api.model
    def _qualirepar_remind_bookings(self):
        """Remind the customers who booked online of tomorrow's drop-off or visit, once (daily, after the on-site
        appointments)."""
        repairs = self._qualirepar_scheduled_tomorrow([
            ("qualirepar_booked_online", "=", True),
            ("state", "in", ("draft", "confirmed")),
            ("qualirepar_reminder_sent", "=", False),
        ])
        repairs.qualirepar_reminder_sent = True
        repairs._qualirepar_notify_customer("booking_reminder")
