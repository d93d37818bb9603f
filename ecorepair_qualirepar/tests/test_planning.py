from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval


class PlanningCase(TransactionCase):
    """A shop with 90-minute slots, a technician who logs in (Léa, workshop role) and one who does not (Paul),
    a colleague of the workshop, an accountant, and a customer 30 km away who gets SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"qualirepar_booking_slot_minutes": 90, "qualirepar_max_distance_km": 100})
        cls.company.partner_id.write({"partner_latitude": 45.764, "partner_longitude": 4.8357})  # Lyon
        cls.tech_user = new_test_user(cls.env, "planning_tech", groups="ecorepair_qualirepar.group_qualirepar_user")
        cls.colleague = new_test_user(cls.env, "planning_colleague",
                                      groups="ecorepair_qualirepar.group_qualirepar_user")
        cls.accountant = new_test_user(cls.env, "planning_accountant",
                                       groups="ecorepair_qualirepar.group_qualirepar_accountant")
        cls.manager = new_test_user(cls.env, "planning_manager", groups="ecorepair_qualirepar.group_qualirepar_manager")
        Employee = cls.env["hr.employee"]
        cls.tech = Employee.create({"name": "Léa Martin", "user_id": cls.tech_user.id})
        cls.other_tech = Employee.create({"name": "Paul Durand"})
        cls.customer = cls.env["res.partner"].create({
            "name": "Claire Petit", "mobile": "+33 6 12 34 56 78", "street": "1 place Bellecour", "zip": "69002",
            "city": "Vienne", "partner_latitude": 45.525, "partner_longitude": 4.874})
        cls.device = cls.env["product.product"].create({"name": "Lave-linge WM-7"})
        cls.when = datetime.combine(fields.Date.today() + timedelta(days=3), time(9))
        cls.planning = cls.env.ref("ecorepair_qualirepar.action_qualirepar_planning")

    def repair(self, user=None, **values):
        return self.env["repair.order"].with_user(user or self.tech_user).create({
            "partner_id": self.customer.id, "product_id": self.device.id, "qualirepar_decision": "free",
            "schedule_date": self.when, "qualirepar_technician_id": self.tech.id,
            "qualirepar_intervention_type": "onsite", **values})

    def planning_of(self, user, domain=()):
        """What ``user`` sees in the QualiRépar planning."""
        return self.env["calendar.event"].with_user(user).search(safe_eval(self.planning.domain) + list(domain))

    def calendar_of(self, user, partner):
        """What ``user`` sees in Odoo's Calendar with ``partner``'s calendar ticked (the attendee filter)."""
        return self.env["calendar.event"].with_user(user).search([("partner_ids", "in", partner.ids)])


@tagged("post_install", "-at_install")
class TestPlanning(PlanningCase):

    def test_a_confirmed_repair_is_in_its_technicians_and_the_shops_planning(self):
        repair = self.repair()
        self.assertFalse(repair.qualirepar_event_ids, "a draft at the counter holds no slot")
        repair.action_validate()
        event = repair.qualirepar_event_ids
        self.assertEqual(len(event), 1)
        self.assertEqual((event.start, event.stop), (self.when, self.when + timedelta(minutes=90)),
                         "the slot lasts as long as a booking's slot")
        self.assertEqual(event.partner_ids, self.tech_user.partner_id, "the technician is the attendee")
        self.assertEqual(event.attendee_ids.state, "accepted")
        self.assertEqual((event.res_model, event.res_id), ("repair.order", repair.id))
        self.assertTrue(event.location.startswith("1 place Bellecour, "), "the customer's address, on one line")
        self.assertIn("Vienne", event.location)
        self.assertNotIn(", ,", event.location)
        self.assertEqual(self.calendar_of(self.tech_user, self.tech_user.partner_id), event,
                         "Léa's own calendar")
        self.assertIn(event, self.calendar_of(self.colleague, self.tech_user.partner_id),
                      "Léa's calendar ticked by a colleague")
        self.assertIn(event, self.planning_of(self.colleague), "the shop's planning")
        self.assertIn(event, self.planning_of(self.colleague, [("qualirepar_planning_kind", "=", "onsite")]))
        shown = event.with_user(self.colleague)
        self.assertEqual(shown.qualirepar_planning_kind, "onsite")
        self.assertTrue(shown.qualirepar_technician_qualified)
        self.assertAlmostEqual(shown.qualirepar_distance_km, 27, delta=2)
        self.assertFalse(shown.qualirepar_beyond_zone)
        self.assertEqual(shown.display_name,
                         f"On site: Claire Petit · Lave-linge WM-7 · 27 km · {repair.name}")
        self.assertTrue(shown.user_can_edit, "the workshop may move it")
        self.assertFalse(event.with_user(self.accountant).user_can_edit)

    def test_a_slot_is_told_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        far = self.env["res.partner"].create({"name": "Client parisien", "partner_latitude": 48.8566,
                                              "partner_longitude": 2.3522})
        repair = self.repair(partner_id=far.id, qualirepar_technician_id=False,
                             qualirepar_distance_reason="Client fidèle")
        repair.action_validate()
        event = repair.qualirepar_event_ids.with_user(self.colleague).with_context(lang="fr_FR")
        self.assertEqual(event.display_name,
                         "Sur site : Client parisien · Lave-linge WM-7 · 392 km, hors zone · sans technicien · "
                         + repair.name)
        with self.assertRaisesRegex(UserError, "déposez-la sur une heure"):
            event.write({"allday": True})

    def test_an_online_booking_holds_its_slot_from_the_start(self):
        repair = self.repair(qualirepar_booked_online=True, qualirepar_technician_id=False)
        self.assertEqual(repair.state, "draft")
        self.assertTrue(repair.qualirepar_event_ids)
        self.assertIn("no technician", repair.qualirepar_event_ids.with_user(self.colleague).display_name)
        # the planning's filter "Without technician"
        self.assertIn(repair.qualirepar_event_ids, self.planning_of(
            self.colleague, [("qualirepar_repair_id", "!=", False), ("qualirepar_technician_id", "=", False)]))

    def test_the_technicians_qualification_and_the_zone_are_shown(self):
        fiche = self.env.ref("ecorepair_qualirepar.fiche_metier_1")
        far = self.env["res.partner"].create({"name": "Client parisien", "partner_latitude": 48.8566,
                                              "partner_longitude": 2.3522})
        repair = self.repair(user=self.manager, partner_id=far.id, qualirepar_fiche_metier_id=fiche.id,
                             qualirepar_qualification_override_reason="Seul technicien disponible",
                             qualirepar_distance_reason="Client fidèle")
        repair.action_validate()
        event = repair.qualirepar_event_ids.with_user(self.colleague)
        self.assertFalse(event.qualirepar_technician_qualified)
        self.assertTrue(event.qualirepar_beyond_zone)
        self.assertIn("392 km beyond the zone · technician not qualified", event.display_name)
        beyond = self.planning_of(self.colleague, [("qualirepar_beyond_zone", "=", True)])
        self.assertIn(event, beyond)
        self.assertTrue(all(beyond.mapped("qualirepar_beyond_zone")))

    def test_moving_in_the_planning_moves_the_repair_and_texts_the_customer_again(self):
        repair = self.repair()
        repair.action_validate()
        event = repair.qualirepar_event_ids.with_user(self.colleague)
        event.stop = self.when + timedelta(hours=2)  # stretched in the calendar: the repair keeps its date
        self.assertEqual(repair.schedule_date, self.when)
        sms_before = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        later = self.when + timedelta(days=1, hours=4)
        # what the calendar sends when the slot is dragged to another day and hour
        event.write({"start": fields.Datetime.to_string(later),
                     "stop": fields.Datetime.to_string(later + timedelta(hours=2))})
        self.assertEqual(repair.schedule_date, later)
        self.assertEqual((event.start, event.stop), (later, later + timedelta(hours=2)))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]) - sms_before
        self.assertEqual(len(sms), 1, "the customer is told the new date again")
        self.assertEqual(sms.state, "outgoing")
        self.assertIn("your on-site repair appointment is booked for", sms.body)
        self.assertTrue(any("Moved in the planning by planning_colleague" in (m.body or "")
                            for m in repair.message_ids))
        # moved from the repair's form: the slot follows, and its length stays
        repair.with_user(self.tech_user).schedule_date = self.when
        self.assertEqual((event.start, event.stop), (self.when, self.when + timedelta(hours=2)))
        self.assertEqual(len(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)]) - sms_before), 2)

    def test_the_technician_changes_the_slot_goes_to_his_calendar(self):
        repair = self.repair()
        repair.action_validate()
        repair.with_user(self.colleague).qualirepar_technician_id = self.other_tech
        event = repair.qualirepar_event_ids
        self.assertEqual(event.partner_ids, self.other_tech.work_contact_id)
        self.assertFalse(self.calendar_of(self.tech_user, self.tech_user.partner_id))
        self.assertEqual(self.calendar_of(self.colleague, self.other_tech.work_contact_id), event)

    def test_who_may_move_what(self):
        repair = self.repair()
        repair.action_validate()
        event = repair.qualirepar_event_ids
        later = self.when + timedelta(days=1)
        with self.assertRaises(AccessError):
            event.with_user(self.accountant).write({"start": later, "stop": later + timedelta(hours=1)})
        with self.assertRaisesRegex(UserError, "drop it on an hour"):
            event.with_user(self.colleague).write({"allday": True, "start": later, "stop": later})
        with self.assertRaisesRegex(UserError, "cancel the repair instead"):
            event.with_user(self.colleague).unlink()
        with self.assertRaisesRegex(UserError, "cancel the repair instead"):
            event.with_user(self.colleague).active = False
        with self.assertRaises(AccessError):
            self.env["calendar.event"].with_user(self.colleague).create(
                {"name": "Faux créneau", "start": later, "stop": later, "qualirepar_repair_id": repair.id})
        self.assertEqual(repair.schedule_date, self.when)
        # a training is moved by the QualiRépar manager only
        training = self.env["calendar.event"].with_user(self.manager).with_context(
            default_qualirepar_kind="training").create({"name": "Sécurité électrique", "start": later})
        with self.assertRaises(AccessError):
            training.with_user(self.colleague).write({"start": later + timedelta(hours=2)})
        training.with_user(self.manager).write({"start": later + timedelta(hours=2)})
        # the repair's own rules hold: not to a day when its technician is not qualified
        fiche = self.env.ref("ecorepair_qualirepar.fiche_metier_1")
        self.env["hr.resume.line"].with_user(self.manager).create({
            "employee_id": self.tech.id, "qualirepar_fiche_metier_id": fiche.id, "name": "QR-1",
            "date_start": fields.Date.today(), "date_end": fields.Date.today() + timedelta(days=5)})
        repair.qualirepar_fiche_metier_id = fiche
        with self.assertRaises(ValidationError):
            event.with_user(self.colleague).write({"start": self.when + timedelta(days=10),
                                                   "stop": self.when + timedelta(days=10, hours=1)})
        # a finished repair stays in the planning, where it can no longer be moved
        repair = self.repair()
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        event = repair.qualirepar_event_ids
        self.assertTrue(event)
        self.assertFalse(event.with_user(self.colleague).user_can_edit)
        with self.assertRaisesRegex(UserError, "can no longer be moved"):
            event.with_user(self.colleague).write({"start": later, "stop": later + timedelta(hours=1)})

    def test_a_training_appears_for_its_employees(self):
        with Form(self.env["calendar.event"].with_user(self.manager).with_context(
                default_qualirepar_kind="training", default_duration=7.0),
                view="ecorepair_qualirepar.calendar_event_view_form_qualirepar") as form:
            form.name = "Sécurité électrique des lave-linge"
            form.start = self.when + timedelta(days=2)
            form.qualirepar_employee_ids.add(self.tech)
            form.qualirepar_employee_ids.add(self.other_tech)
        training = form.record
        self.assertEqual(self.calendar_of(self.tech_user, self.tech_user.partner_id), training)
        self.assertEqual(self.calendar_of(self.colleague, self.other_tech.work_contact_id), training)
        self.assertEqual(self.planning_of(self.colleague, [("qualirepar_planning_kind", "=", "training"),
                                                           ("partner_ids", "in", self.tech.work_contact_id.ids)]),
                         training)
        watch = self.env["calendar.event"].with_user(self.manager).with_context(
            default_qualirepar_kind="legal_watch").create({"name": "Nouveau barème", "start": self.when,
                                                          "user_id": self.colleague.id})
        self.assertIn(watch, self.planning_of(self.colleague, [("qualirepar_planning_kind", "=", "legal_watch")]))

    def test_cancellation_removes_the_slot(self):
        repair = self.repair()
        repair.action_validate()
        event = repair.qualirepar_event_ids
        repair.with_user(self.colleague).action_repair_cancel()
        self.assertFalse(event.exists())
        self.assertFalse(self.planning_of(self.colleague, [("qualirepar_repair_id", "=", repair.id)]))
        repair.action_repair_cancel_draft()
        repair.action_validate()
        self.assertEqual(len(repair.qualirepar_event_ids), 1, "planned again once confirmed again")

    def test_existing_repairs_get_their_slot(self):
        """Installing the add-on or updating from 18.0.1.4.0 (migrations/18.0.1.5.0/post-planning.py)."""
        planned = self.repair()
        planned.action_validate()
        draft = self.repair()
        planned.qualirepar_event_ids.sudo().unlink()
        self.env["repair.order"]._qualirepar_planning_init()
        self.assertEqual(len(planned.qualirepar_event_ids), 1)
        self.assertFalse(draft.qualirepar_event_ids)
        self.env["repair.order"]._qualirepar_planning_init()
        self.assertEqual(len(planned.qualirepar_event_ids), 1, "run twice, one slot")


@tagged("post_install", "-at_install")
class TestPlanningTour(HttpCase, PlanningCase):

    def test_planning_tour(self):
        """A colleague of the workshop opens the planning and finds Léa's on-site visit, with its distance."""
        self.when = datetime.combine(fields.Date.today(), time(10))
        repair = self.repair()
        repair.action_validate()
        self.start_tour(f"/odoo/action-{self.planning.id}", "qualirepar_planning_tour",
                        login="planning_colleague", step_delay=None)
        self.assertEqual(repair.schedule_date, self.when)


@tagged("post_install", "-at_install")
class TestPlanningPhoneTour(HttpCase, PlanningCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_planning_on_a_phone(self):
        """On a phone, the planning opens on today's slots of the whole shop: Léa's visit is there."""
        self.when = datetime.combine(fields.Date.today(), time(10))
        repair = self.repair()
        repair.action_validate()
        self.start_tour(f"/odoo/action-{self.planning.id}", "qualirepar_planning_phone_tour",
                        login="planning_colleague", step_delay=None)
