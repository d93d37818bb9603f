"""One planning (F23): every scheduled repair has its event in Odoo's calendar, beside the trainings and the
legal-watch actions (F16, already calendar events). The event's attendee is the repair's technician, so that
Odoo's Calendar shows each technician's day (one calendar per attendee) and the shop's (everybody's calendars);
the QualiRépar planning (Réparations › Planning) is that calendar restricted to the shop's activities.

The repair leads: its date, technician, customer, device and state make the event (created, moved, deleted when
cancelled). Moving the event in the calendar (drag and drop, or its form) moves the repair, as the person who
moved it, with the repair's own checks and notifications (the SMS of an on-site appointment, F14); the event is
then written back by the repair without going round again (context key ``PLANNING_SYNC``)."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from .qualirepar_access import WORKSHOP, check_role

PLANNING_SYNC = "qualirepar_planning_sync"
# A repair is on the planning once confirmed (and kept once done, as the shop's history), or from its online
# booking on: the customer was given that slot.
PLANNING_STATES = ("confirmed", "under_repair", "done")
# The repair's fields that make its event.
PLANNING_FIELDS = frozenset({
    "schedule_date", "state", "qualirepar_technician_id", "partner_id", "product_id", "name", "company_id",
    "qualirepar_intervention_type", "qualirepar_booked_online", "user_id",
})
# The event's fields that move it.
TIME_FIELDS = frozenset({"start", "stop", "start_date", "stop_date", "allday", "duration"})


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


class CalendarEvent(models.Model):
    """The calendar's side of the planning: the repair of an event, what the planning shows of it, and moving
    it."""

    _inherit = "calendar.event"

    qualirepar_repair_id = fields.Many2one(
        "repair.order", string="Repair", index="btree_not_null", ondelete="cascade", readonly=True, copy=False)
    qualirepar_planning_kind = fields.Selection(
        [("workshop", "Workshop repair"), ("onsite", "On-site visit"), ("training", "Training"),
         ("legal_watch", "Legal watch")], string="In the planning", compute="_compute_qualirepar_planning_kind",
        store=True, index=True)
    qualirepar_repair_state = fields.Selection(
        related="qualirepar_repair_id.state", string="Repair status", help="Where the repair of this slot stands.")
    qualirepar_technician_id = fields.Many2one(related="qualirepar_repair_id.qualirepar_technician_id")
    qualirepar_technician_qualified = fields.Boolean(
        related="qualirepar_repair_id.qualirepar_technician_qualified")
    qualirepar_distance_km = fields.Float(related="qualirepar_repair_id.qualirepar_distance_km")
    qualirepar_beyond_zone = fields.Boolean(related="qualirepar_repair_id.qualirepar_beyond_zone")

    @api.depends("qualirepar_kind", "qualirepar_repair_id.qualirepar_intervention_type")
    def _compute_qualirepar_planning_kind(self):
        for event in self:
            event.qualirepar_planning_kind = (
                event.qualirepar_repair_id.qualirepar_intervention_type or event.qualirepar_kind or False)

    @api.depends("qualirepar_repair_id.name", "qualirepar_repair_id.partner_id", "qualirepar_repair_id.product_id",
                 "qualirepar_planning_kind", "qualirepar_technician_id", "qualirepar_technician_qualified",
                 "qualirepar_distance_km", "qualirepar_beyond_zone")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """A repair's slot says in the viewer's language what it is, for whom, and on site how far, whether
        beyond the declared zone (F17) and whether its technician is qualified for the device's fiche (F18)."""
        super()._compute_display_name()
        _ = self.env._
        for event in self.filtered("qualirepar_repair_id"):
            repair = event.qualirepar_repair_id.sudo()
            # what a narrow slot shows first: where to go (or the workshop) and for whom
            customer = repair.partner_id.name or repair.name
            parts = [_("On site: %s", customer) if event.qualirepar_planning_kind == "onsite"
                     else _("Workshop: %s", customer), repair.product_id.name]
            if event.qualirepar_planning_kind == "onsite":
                parts.append(_("%(distance).0f km beyond the zone", distance=repair.qualirepar_distance_km)
                             if repair.qualirepar_beyond_zone
                             else _("%(distance).0f km", distance=repair.qualirepar_distance_km))
            if not repair.qualirepar_technician_id:
                parts.append(_("no technician"))
            elif not repair.qualirepar_technician_qualified:
                parts.append(_("technician not qualified"))
            parts.append(repair.name)
            event.display_name = " · ".join(filter(None, parts))

    @api.depends("qualirepar_repair_id.state")
    def _compute_user_can_edit(self):
        """Who may move a repair's slot: the workshop (the roles that may change the repair), while the repair
        is neither finished nor cancelled."""
        super()._compute_user_can_edit()
        repair_events = self.filtered("qualirepar_repair_id")
        if repair_events:
            workshop = self.env.user.has_group(WORKSHOP)
            for event in repair_events:
                event.user_can_edit = workshop and event.qualirepar_repair_state not in ("done", "cancel")

    def _qualirepar_guarded_changes(self, vals):
        """Only the repair links an event to itself."""
        changed = super()._qualirepar_guarded_changes(vals)
        if not self:
            return changed | ({"qualirepar_repair_id"} if vals.get("qualirepar_repair_id") else set())
        return changed | self._qualirepar_changed(vals, {"qualirepar_repair_id"})

    def write(self, vals):
        repair_events = self.browse() if self.env.context.get(PLANNING_SYNC) else self.filtered("qualirepar_repair_id")
        if not repair_events:
            return super().write(vals)
        moved = TIME_FIELDS & vals.keys()
        if moved:
            repair_events._qualirepar_check_move(vals)
        if "active" in vals and not self.env.su:
            raise UserError(self.env._("A repair's slot goes with its repair: cancel the repair instead."))
        # the technicians are not e-mailed about their repairs' slots (the customer gets the SMS)
        result = super(CalendarEvent, self.with_context(no_mail_to_attendees=True)).write(vals)
        if moved:
            repair_events._qualirepar_move_repairs()
            # Odoo asks the organizer to accept a meeting that someone else moved: not the technician his repair
            repair_events.sudo().attendee_ids.filtered(lambda a: a.state != "accepted").write({"state": "accepted"})
        return result

    def _qualirepar_check_move(self, vals):
        """Refuses to move the slot of a repair to whoever may not change the repair, or of a repair finished or
        cancelled, or to a whole day."""
        check_role(self.env, WORKSHOP)
        self.qualirepar_repair_id.check_access("write")
        for event in self:
            repair = event.qualirepar_repair_id
            if repair.state in ("done", "cancel"):
                raise UserError(self.env._(
                    "The repair %(repair)s is %(state)s: its slot can no longer be moved.",
                    repair=repair.name,
                    state=dict(repair._fields["state"]._description_selection(self.env))[repair.state]))
        if vals.get("allday"):
            raise UserError(self.env._("A repair is planned at a time of the day: drop it on an hour, not on a "
                                       "whole day."))

    def _qualirepar_move_repairs(self):
        """The repairs take their slot's new start, as the person who moved it: the repair's own rules apply
        (its technician's qualification on the new date, the SMS of a moved on-site appointment)."""
        for event in self:
            repair = event.qualirepar_repair_id
            if repair.schedule_date != event.start:
                repair.with_context(**{PLANNING_SYNC: True}).write({"schedule_date": event.start})
                repair.message_post(body=self.env._(
                    "Moved in the planning by %(user)s.", user=self.env.user.name), subtype_xmlid="mail.mt_note")

    @api.ondelete(at_uninstall=False)
    def _unlink_qualirepar_repair_slot(self):
        if not self.env.su and self.filtered("qualirepar_repair_id"):
            raise UserError(self.env._("A repair's slot goes with its repair: cancel the repair instead."))
