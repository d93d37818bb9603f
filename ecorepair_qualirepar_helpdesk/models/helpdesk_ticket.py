"""The call centre (F25): each inbound request is a ticket of OCA's helpdesk_mgmt, with its channel, customer and
device, answered within the label's delay (8 working days for a complaint), turned into a repair, an appointment
or a quote in one click."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from odoo.addons.ecorepair_qualirepar.models.qualirepar_access import FRONT_OFFICE, check_role

# The QualiRépar label: a written complaint is answered within 8 working days; complaints and actions recorded.
COMPLAINT_DAYS = 8


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    qualirepar_received_date = fields.Datetime(
        string="Received on", default=fields.Datetime.now, required=True, tracking=True,
        help="When the request reached the shop (a letter's arrival, the call): the answer delay runs from the "
        "next working day.")
    qualirepar_is_complaint = fields.Boolean(
        string="Complaint", tracking=True, index=True,
        help="A complaint is answered in writing within 8 working days, and recorded with the action taken for "
        "the QualiRépar audit.")
    qualirepar_action_taken = fields.Text(
        string="Action taken", tracking=True, help="What the shop did about it: needed to close a complaint.")
    qualirepar_deadline = fields.Datetime(
        string="Answer due by", compute="_compute_qualirepar_deadline", store=True, index=True,
        help="The end of the last working day of the answer delay, on the company's working schedule.")
    qualirepar_late = fields.Boolean(
        string="Late", compute="_compute_qualirepar_late", search="_search_qualirepar_late",
        help="Open past its answer deadline, or closed after it.")
    qualirepar_answered_in_time = fields.Boolean(
        string="Answered in time", compute="_compute_qualirepar_answered_in_time", store=True)
    qualirepar_product_id = fields.Many2one(
        "product.product", string="Device", domain="[('type', '=', 'consu')]", tracking=True)
    qualirepar_serial_number = fields.Char(string="Serial number or IMEI")
    qualirepar_repair_id = fields.Many2one("repair.order", string="Repair", readonly=True, copy=False)
    qualirepar_event_id = fields.Many2one("calendar.event", string="Appointment", readonly=True, copy=False)
    qualirepar_sale_order_id = fields.Many2one("sale.order", string="Quote", readonly=True, copy=False)

    @api.depends("qualirepar_received_date", "qualirepar_is_complaint", "company_id.resource_calendar_id",
                 "company_id.qualirepar_ticket_answer_days")
    def _compute_qualirepar_deadline(self):
        for ticket in self:
            days = COMPLAINT_DAYS if ticket.qualirepar_is_complaint else ticket.company_id.qualirepar_ticket_answer_days
            ticket.qualirepar_deadline = self._qualirepar_working_days_after(
                ticket.company_id.resource_calendar_id, ticket.qualirepar_received_date, days)

    @api.model
    def _qualirepar_working_days_after(self, calendar, received, days):
        """The end of the ``days``-th working day of ``calendar`` after the day of ``received`` (naive UTC), its
        leaves (public holidays, closures) deducted; naive UTC."""
        if not calendar or not received or days <= 0:
            return False
        tz = pytz.timezone(calendar.tz or "Europe/Paris")
        next_day = received.replace(tzinfo=pytz.utc).astimezone(tz).date() + timedelta(days=1)
        start = tz.localize(datetime.combine(next_day, time.min))
        last = calendar.plan_days(days, start, compute_leaves=True)
        if not last:
            return False
        # plan_days stops in the last day's first working period: the answer is due by the end of that day.
        day = tz.localize(datetime.combine(last.astimezone(tz).date(), time.min))
        periods = calendar._work_intervals_batch(day, day + timedelta(days=1))[False]
        end = max((stop for _start, stop, _meta in periods), default=last)
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    @api.depends("qualirepar_deadline", "closed", "closed_date")
    def _compute_qualirepar_late(self):
        now = fields.Datetime.now()
        for ticket in self:
            deadline = ticket.qualirepar_deadline
            answered = ticket.closed and ticket.closed_date
            ticket.qualirepar_late = bool(deadline and ((answered or now) > deadline))

    def _search_qualirepar_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search the late requests with “is set” or “is not set”."))
        now = fields.Datetime.now()
        open_late = ["&", ("closed", "=", False), ("qualirepar_deadline", "<", now)]
        closed_late = ["&", "&", ("closed", "=", True), ("qualirepar_deadline", "!=", False),
                       ("qualirepar_answered_in_time", "=", False)]
        late = ["|"] + open_late + closed_late
        return late if (operator == "=") == value else ["!"] + late

    @api.depends("qualirepar_deadline", "closed", "closed_date")
    def _compute_qualirepar_answered_in_time(self):
        for ticket in self:
            ticket.qualirepar_answered_in_time = bool(
                ticket.closed and ticket.closed_date and ticket.qualirepar_deadline
                and ticket.closed_date <= ticket.qualirepar_deadline)

    def write(self, vals):
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed:
                action = vals.get("qualirepar_action_taken")
                missing = self.filtered(lambda t: t.qualirepar_is_complaint and not (
                    (action if "qualirepar_action_taken" in vals else t.qualirepar_action_taken) or "").strip())
                if missing:
                    raise UserError(self.env._(
                        "Write the action taken on the complaint %s before closing it: the QualiRépar audit asks "
                        "for it.", ", ".join(missing.mapped("number"))))
        return super().write(vals)

    @api.model
    def message_new(self, msg, custom_values=None):
        """An e-mail to the shop's address (the team's alias) is a ticket of the e-mail channel."""
        custom_values = dict(custom_values or {})
        if not custom_values.get("channel_id"):
            channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False)
            if channel:
                custom_values["channel_id"] = channel.id
        return super().message_new(msg, custom_values=custom_values)

    # One click: a repair, an appointment, a quote
    def _qualirepar_check_one_click(self):
        check_role(self.env, FRONT_OFFICE)
        self.ensure_one()
        self.check_access("write")
        if not self.partner_id:
            raise UserError(self.env._("Choose the customer of the request %s first.", self.number))

    def _qualirepar_open(self, record, title):
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id,
                "view_mode": "form", "name": title}

    def action_qualirepar_create_repair(self):
        """The request becomes a repair in draft: customer, device, serial number and fault filled in."""
        self._qualirepar_check_one_click()
        if not self.qualirepar_repair_id:
            repair = self.env["repair.order"].create({
                "partner_id": self.partner_id.id,
                "product_id": self.qualirepar_product_id.id,
                "qualirepar_serial_number": self.qualirepar_serial_number,
                "qualirepar_fault_description": html2plaintext(self.description or "").strip() or self.name,
                "internal_notes": self.env._("<p>From the request %(number)s (%(channel)s)</p>",
                                             number=self.number, channel=self.channel_id.name or "-"),
            })
            self.sudo().qualirepar_repair_id = repair
            self.message_post(body=self.env._("Repair %s created from this request.", repair.name),
                              subtype_xmlid="mail.mt_note")
        return self._qualirepar_open(self.qualirepar_repair_id, self.env._("Repair"))

    def action_qualirepar_create_appointment(self):
        """An appointment with the customer in the shop's first free slot, to move if need be."""
        self._qualirepar_check_one_click()
        if not self.qualirepar_event_id:
            company = self.company_id
            slots = self.env["repair.order"]._qualirepar_booking_slots(company)
            start, stop = slots[0] if slots else (
                fields.Datetime.now() + timedelta(days=1),
                fields.Datetime.now() + timedelta(days=1, minutes=company.qualirepar_booking_slot_minutes or 60))
            event = self.env["calendar.event"].create({
                "name": self.env._("%(number)s – %(customer)s", number=self.number, customer=self.partner_id.name),
                "start": start, "stop": stop, "user_id": self.env.user.id,
                "partner_ids": [(6, 0, (self.partner_id | self.env.user.partner_id).ids)],
                "description": self.description,
                "res_model_id": self.env["ir.model"]._get_id(self._name), "res_id": self.id,
            })
            self.sudo().qualirepar_event_id = event
            self.message_post(body=self.env._("Appointment of %s made from this request.",
                                              event.display_name), subtype_xmlid="mail.mt_note")
        return self._qualirepar_open(self.qualirepar_event_id, self.env._("Appointment"))

    def action_qualirepar_create_quote(self):
        """A quote in draft for the customer, the request as its origin."""
        self._qualirepar_check_one_click()
        if not self.qualirepar_sale_order_id:
            order = self.env["sale.order"].create({
                "partner_id": self.partner_id.id, "origin": self.number, "company_id": self.company_id.id})
            self.sudo().qualirepar_sale_order_id = order
            self.message_post(body=self.env._("Quote %s created from this request.", order.name),
                              subtype_xmlid="mail.mt_note")
        return self._qualirepar_open(self.qualirepar_sale_order_id, self.env._("Quote"))
