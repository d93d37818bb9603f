from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from .qualirepar_access import ACCOUNTANT, MANAGER, WORKSHOP, check_role

# The context key of a repair writing its slot (and of a slot moving its repair): no going round again.
PLANNING_SYNC = "qualirepar_planning_sync"
# A slot's fields that move it.
TIME_FIELDS = frozenset({"start", "stop", "start_date", "stop_date", "allday", "duration"})

# The fields that make an event a QualiRépar training or legal-watch action, and its outcome: the manager's.
GUARDED = frozenset({
    "qualirepar_kind", "qualirepar_state", "qualirepar_company_id", "qualirepar_trainer", "qualirepar_fiche_metier_id",
    "qualirepar_employee_ids", "qualirepar_grants_qualification", "qualirepar_validity_months",
    "qualirepar_done_user_id", "qualirepar_done_date",
})


class CalendarEvent(models.Model):
    """A staff training or a legal-watch action of the QualiRépar label (F16, référentiel 6.6), planned in Odoo's
    calendar: date, duration, attendees, and once done, who marked it and what came of it. A training marked done
    puts a line in each attendee's resume (hr_skills), with the certificate, and the qualification for the fiche
    métier when the training grants it. Also the planning's slot of a scheduled repair (F23): what it shows, and
    moving it moves the repair."""

    _name = "calendar.event"
    _inherit = ["calendar.event", "qualirepar.guarded.mixin"]

    qualirepar_kind = fields.Selection(
        [("training", "Training"), ("legal_watch", "Legal watch")], string="QualiRépar action", index=True,
        readonly=True, copy=True)
    qualirepar_state = fields.Selection(
        [("planned", "Planned"), ("done", "Done")], string="QualiRépar status", readonly=True,
        copy=False, tracking=True)
    qualirepar_company_id = fields.Many2one(
        "res.company", string="Company", index="btree_not_null")
    qualirepar_trainer = fields.Char(string="Trainer or body", tracking=True,
                                     help="The trainer, training body or organism giving the training.")
    qualirepar_fiche_metier_id = fields.Many2one(
        "qualirepar.fiche.metier", string="Fiche métier concerned", ondelete="restrict", tracking=True)
    qualirepar_employee_ids = fields.Many2many(
        "hr.employee", "calendar_event_qualirepar_employee_rel", "event_id", "employee_id",
        string="Staff attending",
        help="The employees who follow the training: each gets the training in his or her resume when it is "
        "marked done.")
    qualirepar_grants_qualification = fields.Boolean(
        string="Qualifies for the fiche métier",
        help="Once done, the attendees are qualified for the fiche métier concerned: they may take its repairs.")
    qualirepar_validity_months = fields.Integer(
        string="Qualification valid for (months)", help="0: the qualification has no end date.")
    qualirepar_note = fields.Html(
        string="Outcome", help="What was read or learnt and what it changes for the shop. Required to mark a "
        "legal-watch action done.")
    qualirepar_done_user_id = fields.Many2one("res.users", string="Done by", readonly=True, copy=False)
    qualirepar_done_date = fields.Date(string="Done on", readonly=True, copy=False)
    qualirepar_resume_line_ids = fields.One2many(
        "hr.resume.line", "qualirepar_training_id", string="Trainings followed")

    _qualirepar_guarded_fields = GUARDED

    # The planning (F23): the repair of a slot, and what the planning shows of it (see repair_order_planning.py)
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

    _sql_constraints = [
        ("qualirepar_validity_positive", "CHECK(qualirepar_validity_months IS NULL OR qualirepar_validity_months >= 0)",
         "The validity of a qualification cannot be negative."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("qualirepar_kind") or self.env.context.get("default_qualirepar_kind"):
                vals.setdefault("qualirepar_state", "planned")
                vals.setdefault("qualirepar_company_id", self.env.company.id)
                vals.setdefault("privacy", "public")
                if vals.get("start") and not vals.get("stop"):
                    # from the server too, a training lasts its duration (the calendar's form does it on the screen)
                    duration = vals.get("duration", self.env.context.get("default_duration", 1.0))
                    vals["stop"] = fields.Datetime.to_datetime(vals["start"]) + timedelta(hours=duration)
        return super().create(vals_list)

    @api.onchange("qualirepar_employee_ids")
    def _onchange_qualirepar_employee_ids(self):
        """The staff attending are invited in the calendar (their work contact)."""
        self.partner_ids |= self.qualirepar_employee_ids.work_contact_id

    @api.onchange("user_id")
    def _onchange_qualirepar_user_id(self):
        if self.qualirepar_kind == "legal_watch" and self.user_id:
            self.partner_ids |= self.user_id.partner_id

    def _qualirepar_guarded_changes(self, vals):
        changed = super()._qualirepar_guarded_changes(vals)
        if not self:  # only the repair links an event to itself
            return changed | ({"qualirepar_repair_id"} if vals.get("qualirepar_repair_id") else set())
        changed |= self._qualirepar_changed(vals, {"qualirepar_repair_id"})
        ours = self.filtered("qualirepar_kind")
        changed |= ours._qualirepar_changed(vals, {"name", "start", "stop", "duration", "allday", "user_id"})
        # the outcome of a legal-watch action is written by the person it is assigned to; a training's by the manager
        not_theirs = ours.filtered(lambda e: e.qualirepar_kind == "training" or e.user_id != self.env.user)
        changed |= not_theirs._qualirepar_changed(vals, {"qualirepar_note"})
        changed |= ours.filtered(lambda e: e.qualirepar_state == "done")._qualirepar_changed(
            vals, set(vals) - {"attendee_ids", "partner_ids", "alarm_ids"})
        return changed

    @api.ondelete(at_uninstall=False)
    def _unlink_qualirepar_actions(self):
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        if self.filtered("qualirepar_kind"):
            raise AccessError(self.env._("Only a QualiRépar manager can delete a training or a legal-watch action."))

    def action_qualirepar_done(self):
        """Marks trainings (QualiRépar manager) or legal-watch actions (the manager, or the person it is assigned
        to) done."""
        if not self.env.user.has_group(WORKSHOP):
            check_role(self.env, ACCOUNTANT)
        self.check_access("read")
        manager = self.env.su or self.env.user.has_group(MANAGER)
        for event in self:
            if not event.qualirepar_kind:
                raise UserError(self.env._("%(event)s is not a QualiRépar training or legal-watch action.",
                                           event=event.display_name))
            if event.qualirepar_state == "done":
                raise UserError(self.env._("%(event)s is already done.", event=event.display_name))
            if not manager and (event.qualirepar_kind == "training" or event.user_id != self.env.user):
                raise AccessError(self.env._(
                    "Only a QualiRépar manager, or the person a legal-watch action is assigned to, can mark "
                    "%(event)s done.", event=event.display_name))
        self.filtered(lambda e: e.qualirepar_kind == "legal_watch")._qualirepar_legal_watch_done()
        self.filtered(lambda e: e.qualirepar_kind == "training")._qualirepar_training_done()
        return True

    def _qualirepar_done_values(self):
        return {"qualirepar_state": "done", "qualirepar_done_user_id": self.env.uid,
                "qualirepar_done_date": fields.Date.context_today(self)}

    def _qualirepar_legal_watch_done(self):
        for event in self:
            if not html2plaintext(event.qualirepar_note or "").strip():
                raise UserError(self.env._(
                    "%(event)s: write in “Outcome” what was read and what it changes for the shop before marking "
                    "it done.", event=event.display_name))
        self.sudo().write(self._qualirepar_done_values())

    def _qualirepar_training_done(self):
        """One resume line per attendee: the training followed, a certification for the fiche métier when the
        training qualifies for it."""
        line_type = self.env.ref("ecorepair_qualirepar.resume_type_qualirepar_training", raise_if_not_found=False)
        vals_list = []
        for event in self:
            if not event.qualirepar_employee_ids:
                raise UserError(self.env._(
                    "%(event)s: add the staff attending before marking the training done.", event=event.display_name))
            if event.qualirepar_grants_qualification and not event.qualirepar_fiche_metier_id:
                raise UserError(self.env._(
                    "%(event)s qualifies for a fiche métier: choose the fiche métier concerned.",
                    event=event.display_name))
            date = fields.Date.context_today(self, event.start)
            qualifies = event.qualirepar_grants_qualification
            months = event.qualirepar_validity_months
            already = event.sudo().qualirepar_resume_line_ids.employee_id
            for employee in event.qualirepar_employee_ids - already:
                vals_list.append({
                    "employee_id": employee.id,
                    "name": event.name,
                    "date_start": date,
                    "date_end": date + relativedelta(months=months, days=-1) if qualifies and months else False,
                    "line_type_id": line_type.id if line_type else False,
                    "display_type": "certification" if qualifies else "classic",
                    "qualirepar_fiche_metier_id": event.qualirepar_fiche_metier_id.id if qualifies else False,
                    "qualirepar_training_id": event.id,
                    "description": event.qualirepar_trainer or False,
                })
        self.env["hr.resume.line"].sudo().create(vals_list)
        self.sudo().write(self._qualirepar_done_values())

    # ------------------------------------------------------------------ the planning's slots of repairs (F23)
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
