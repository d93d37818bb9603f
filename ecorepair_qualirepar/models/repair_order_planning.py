"""One planning (F23): every scheduled repair has its event in Odoo's calendar, beside the trainings and the
legal-watch actions (F16, already calendar events). The event's attendee is the repair's technician, so that
Odoo's Calendar shows each technician's day (one calendar per attendee) and the shop's (everybody's calendars);
the QualiRépar planning (Réparations › Planning) is that calendar restricted to the shop's activities. The
calendar's side (what a slot shows, moving it) is in calendar_event.py.

The repair leads: its date, technician, customer, device and state make the event (created, moved, deleted when
cancelled). Moving the event in the calendar (drag and drop, or its form) moves the repair, as the person who
moved it, with the repair's own checks and notifications (the SMS of an on-site appointment, F14); the event is
then written back by the repair without going round again (context key ``PLANNING_SYNC``)."""

from odoo import Command, api, fields, models
from odoo.tools.misc import clean_context

from .calendar_event import PLANNING_SYNC

# A repair is on the planning once confirmed (and kept once done, as the shop's history), or from its online
# booking on: the customer was given that slot.
PLANNING_STATES = ("confirmed", "under_repair", "done")
# The repair's fields that make its event.
PLANNING_FIELDS = frozenset({
    "schedule_date", "state", "qualirepar_technician_id", "partner_id", "product_id", "name", "company_id",
    "qualirepar_intervention_type", "qualirepar_booked_online", "user_id",
})


class RepairOrder(models.Model):
    _inherit = "repair.order"

    qualirepar_event_ids = fields.One2many(
        "calendar.event", "qualirepar_repair_id", string="Planning", readonly=True, copy=False,
        help="The repair's slot in the calendar (with its technician as attendee).")

    def _qualirepar_on_planning(self):
        self.ensure_one()
        return bool(self.schedule_date) and (
            self.state in PLANNING_STATES or (self.state == "draft" and self.qualirepar_booked_online))

    def _qualirepar_planning_values(self, event):
        """The values of the repair's ``event`` (an empty recordset: a new one) that differ from the repair."""
        self.ensure_one()
        technician = self.qualirepar_technician_id
        name = " – ".join(filter(None, (self.name, self.partner_id.name, self.product_id.display_name)))
        location = ", ".join(filter(None, (
            line.strip() for line in self.partner_id._display_address(without_company=True).split("\n")
        ))) if self.qualirepar_intervention_type == "onsite" and self.partner_id else False
        values = {
            "name": name,
            "location": location or False,
            "user_id": (technician.user_id or self.user_id).id or False,
            "qualirepar_company_id": self.company_id.id,
        }
        if not event:
            values.update({
                "qualirepar_repair_id": self.id,
                "res_model_id": self.env["ir.model"]._get_id("repair.order"),
                "res_id": self.id,
                "privacy": "public",
                "show_as": "busy",
                "start": self.schedule_date,
                "stop": self.schedule_date + self.company_id._qualirepar_slot_length(),
                "partner_ids": [Command.set(technician.work_contact_id.ids)],
            })
            return values
        changed = {key: value for key, value in values.items()
                   if (event[key].id if key.endswith("_id") else event[key]) != value}
        if event.start != self.schedule_date:
            # the slot keeps the length it was given in the calendar
            changed.update(start=self.schedule_date, stop=self.schedule_date + (event.stop - event.start),
                           allday=False)
        if event.partner_ids != technician.work_contact_id:
            changed["partner_ids"] = [Command.set(technician.work_contact_id.ids)]
        return changed

    @api.model
    def _qualirepar_planning_init(self):
        """The events of the repairs already on the planning (installation, update from 18.0.1.4.0)."""
        self.with_context(active_test=False).search([
            ("schedule_date", "!=", False),
            "|", ("state", "in", PLANNING_STATES),
            "&", ("state", "=", "draft"), ("qualirepar_booked_online", "=", True),
        ])._qualirepar_planning_sync()

    def _qualirepar_planning_sync(self):
        """Create, update or delete the events of these repairs as they are now (called by the repair's create
        and write)."""
        if self.env.context.get(PLANNING_SYNC) or not self:
            return
        Event = self.env["calendar.event"].sudo().with_context(
            clean_context(self.env.context), active_test=False, no_mail_to_attendees=True, mail_notrack=True,
            mail_create_nolog=True, **{PLANNING_SYNC: True})
        events = Event.search([("qualirepar_repair_id", "in", self.ids)])
        by_repair = {event.qualirepar_repair_id.id: event for event in events}
        obsolete, new_values, written = Event, [], Event
        for repair in self.sudo():
            event = by_repair.get(repair.id, Event)
            if not repair._qualirepar_on_planning():
                obsolete |= event
                continue
            values = repair._qualirepar_planning_values(event)
            if event and values:
                event.write(values)
                written |= event
            elif not event:
                new_values.append(values)
        obsolete.unlink()
        written |= Event.create(new_values)
        # the technician does not have to accept his own repairs: the slot shows as accepted, not hatched
        written.attendee_ids.filtered(lambda a: a.state != "accepted").write({"state": "accepted"})
