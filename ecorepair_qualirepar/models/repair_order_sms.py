from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from .qualirepar_access import FRONT_OFFICE, check_role

# notification: (SMS template, e-mail template sent to a customer without mobile number)
NOTIFICATIONS = {
    "ready": ("sms_template_qualirepar_repair_ready", "mail_template_qualirepar_repair_ready"),
    "appointment": ("sms_template_qualirepar_appointment", "mail_template_qualirepar_appointment"),
    "reminder": ("sms_template_qualirepar_appointment_reminder", "mail_template_qualirepar_appointment_reminder"),
    "parts": ("sms_template_qualirepar_parts_received", "mail_template_qualirepar_parts_received"),
    "link": ("sms_template_qualirepar_tracking_link", "mail_template_qualirepar_tracking_link"),
}


class RepairOrder(models.Model):
    """Customer notifications by SMS, or by e-mail without a mobile number (F14)."""

    _inherit = "repair.order"

    qualirepar_reminder_sent = fields.Boolean(
        string="Appointment reminder sent", readonly=True, copy=False,
        help="The customer was reminded of the on-site appointment the day before.")
    qualirepar_parts_received_sent = fields.Boolean(
        string="Parts arrival notified", readonly=True, copy=False,
        help="The customer was told that all the parts of the repair have arrived.")

    def _qualirepar_notify_customer(self, notification):
        """Text the customer the ``notification`` (a key of NOTIFICATIONS), or e-mail it when the customer has no
        mobile number; nothing to a customer whose number is on the phone blacklist (SMS opt-out).
        Both are posted in the repair's chatter; the SMS queue sends the texts."""
        sms_xmlid, mail_xmlid = NOTIFICATIONS[notification]
        sms_template = self.env.ref(f"ecorepair_qualirepar.{sms_xmlid}", raise_if_not_found=False)
        mail_template = self.env.ref(f"ecorepair_qualirepar.{mail_xmlid}", raise_if_not_found=False)
        for repair in self:
            customer = repair.partner_id
            if not customer or customer.phone_sanitized_blacklisted:
                continue
            if customer.mobile and sms_template:
                repair._message_sms_with_template(
                    template=sms_template, partner_ids=customer.ids, sms_pid_to_number={customer.id: customer.mobile},
                    put_in_queue=True)
            elif customer.email and mail_template:
                repair.message_post_with_source(mail_template, subtype_xmlid="mail.mt_comment")

    def action_qualirepar_send_tracking_link(self):
        """Send the customer the link to the repair's page in the portal (SMS, or e-mail without mobile)."""
        check_role(self.env, FRONT_OFFICE)
        self.check_access("write")
        for repair in self:
            customer = repair.partner_id
            if not customer or customer.phone_sanitized_blacklisted or not (customer.mobile or customer.email):
                raise UserError(self.env._(
                    "The customer of the repair %s can receive neither an SMS nor an e-mail: enter their mobile "
                    "number or e-mail address (a customer who refused SMS gets no message).", repair.name))
        self._qualirepar_notify_customer("link")
        return True

    def _qualirepar_is_appointment(self):
        """An on-site repair whose visit is still to come."""
        self.ensure_one()
        return self.qualirepar_intervention_type == "onsite" and self.schedule_date > fields.Datetime.now()

    # Repaired, ready to collect (workshop repairs)
    def _qualirepar_notify_ready(self):
        """Tell the customers of these workshop repairs, if now done, that the device is ready to collect."""
        self.filtered(
            lambda r: r.state == "done" and r.qualirepar_intervention_type == "workshop"
        )._qualirepar_notify_customer("ready")

    # On-site appointment: confirmation, and again when it moves
    def _qualirepar_notify_appointment_confirmed(self):
        """Tell the customers of these repairs, if now confirmed with a visit to come, of the appointment."""
        self.filtered(lambda r: r.state == "confirmed" and r._qualirepar_is_appointment()
                      )._qualirepar_notify_customer("appointment")

    def _qualirepar_schedule_dates(self, vals):
        """{repair id: its schedule date} before a write of ``vals`` that moves it, else None."""
        return {repair.id: repair.schedule_date for repair in self} if "schedule_date" in vals else None

    def _qualirepar_notify_moved_appointments(self, dates):
        """Tell the customers whose on-site appointment moved from ``dates`` (_qualirepar_schedule_dates) of the
        new one, and remind them again the day before."""
        if dates is None:
            return
        moved = self.filtered(lambda r: r.schedule_date != dates[r.id] and r.state == "confirmed"
                              and r._qualirepar_is_appointment())
        if moved:
            moved.qualirepar_reminder_sent = False
            moved._qualirepar_notify_customer("appointment")

    @api.model
    def _qualirepar_remind_appointments(self):
        """Remind the customers of tomorrow's on-site appointments, once (daily scheduled action)."""
        repairs = self._qualirepar_scheduled_tomorrow([
            ("qualirepar_intervention_type", "=", "onsite"),
            ("state", "=", "confirmed"),
            ("qualirepar_reminder_sent", "=", False),
        ])
        repairs.qualirepar_reminder_sent = True
        repairs._qualirepar_notify_customer("reminder")

    @api.model
    def _qualirepar_scheduled_tomorrow(self, domain):
        """The repairs matching ``domain`` scheduled tomorrow, each in its company's day: the time zone of the
        company's working hours (the scheduled action runs as a user whose time zone says nothing of the shop's)."""
        companies_by_tz = {}
        for company in self.env["res.company"].sudo().search([]):
            companies_by_tz.setdefault(company.resource_calendar_id.tz or "Europe/Paris", []).append(company.id)
        repairs = self.browse()
        for tz_name, company_ids in companies_by_tz.items():
            tz = pytz.timezone(tz_name)
            tomorrow = datetime.now(tz).date() + timedelta(days=1)
            start, end = (tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
                          for day in (tomorrow, tomorrow + timedelta(days=1)))
            repairs |= self.search(domain + [
                ("company_id", "in", company_ids), ("schedule_date", ">=", start), ("schedule_date", "<", end)])
        return repairs

    # All the parts have arrived
    def _qualirepar_notify_parts_received(self):
        """Tell the customers of the repairs whose parts are now all reserved, once per repair."""
        complete = self.filtered(lambda r: not r.qualirepar_parts_received_sent and all(
            move.state in ("assigned", "done", "cancel") for move in r.move_ids if move.repair_line_type == "add"))
        complete.qualirepar_parts_received_sent = True
        complete._qualirepar_notify_customer("parts")
