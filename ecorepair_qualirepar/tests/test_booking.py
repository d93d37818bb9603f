from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields, http
from odoo.addons.sms.tests.common import SMSCase
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..models.repair_order_booking import BookingError

# Monday 2 March 2026, 8:00 in Paris: the standard working schedule is 8–12 and 13–17, Monday to Friday.
MONDAY_8AM_PARIS = datetime(2026, 3, 2, 7, 0)


class BookingCase(TransactionCase):
    """A shop open Monday to Friday, 8–12 and 13–17 in Paris, with online booking of 1-hour slots, a washing
    machine offered and a boiler that is not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create({"name": "Atelier", "tz": "Europe/Paris",
                                                             "company_id": cls.company.id})
        cls.company.write({"resource_calendar_id": cls.calendar.id, "qualirepar_online_booking": True,
                           "qualirepar_booking_slot_minutes": 60, "qualirepar_booking_days": 7})
        cls.washer = cls.env["product.product"].create(
            {"name": "Lave-linge Serie 4", "type": "consu", "qualirepar_online_booking": True})
        cls.boiler = cls.env["product.product"].create({"name": "Chaudière secrète", "type": "consu"})
        cls.Repair = cls.env["repair.order"]
        cls.public = cls.env.ref("base.public_user")

    def slots(self, now=None):
        return self.Repair._qualirepar_booking_slots(self.company, now=now)

    def form(self, **values):
        slot = self.slots()[0][0]
        return {"kind": "workshop", "product_id": str(self.washer.id), "fault": "Ne vidange plus l'eau",
                "slot": fields.Datetime.to_string(slot), "name": "Claire Martin", "email": "claire@example.com",
                "mobile": "06 55 44 33 22", "street": "", "zip": "", "city": "", "consent": "1", **values}

    def book(self, **values):
        return self.Repair.with_user(self.public)._qualirepar_book_online(self.company, self.form(**values))


@tagged("post_install", "-at_install")
class TestBookingSlots(BookingCase):

    def test_free_slots_are_the_working_hours_less_the_scheduled_repairs(self):
        slots = self.slots(now=MONDAY_8AM_PARIS)
        monday = [begin for begin, _end in slots if begin.date() == MONDAY_8AM_PARIS.date()]
        # From the next hour (9:00 in Paris, 8:00 UTC), lunch hour left out.
        self.assertEqual([begin.hour for begin in monday], [8, 9, 10, 12, 13, 14, 15])
        self.assertFalse([b for b, _e in slots if b.weekday() >= 5], "no slot on the weekend")
        self.assertTrue(all(end - begin == timedelta(hours=1) for begin, end in slots))
        customer = self.env["res.partner"].create({"name": "Paul Durand"})
        self.Repair.create({"partner_id": customer.id, "schedule_date": datetime(2026, 3, 2, 9, 30)})
        self.Repair.create({"partner_id": customer.id, "schedule_date": datetime(2026, 3, 2, 12, 0)}).action_repair_cancel()
        monday = [b.hour for b, _e in self.slots(now=MONDAY_8AM_PARIS) if b.date() == MONDAY_8AM_PARIS.date()]
        self.assertEqual(monday, [8, 10, 12, 13, 14, 15], "the 10:30 repair takes its slot, the cancelled one none")

    def test_public_holidays_and_closures_have_no_slot(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Fermeture", "calendar_id": self.calendar.id, "resource_id": False,
            "date_from": datetime(2026, 3, 3, 0, 0), "date_to": datetime(2026, 3, 3, 22, 0)})
        days = {begin.date() for begin, _end in self.slots(now=MONDAY_8AM_PARIS)}
        self.assertNotIn(datetime(2026, 3, 3).date(), days)
        self.assertIn(datetime(2026, 3, 4).date(), days)

    def test_no_working_schedule_no_slot(self):
        self.company.resource_calendar_id = False
        self.assertEqual(self.slots(), [])


@tagged("post_install", "-at_install")
class TestBooking(BookingCase, SMSCase):

    def test_booking_is_a_draft_repair_with_its_intake_and_a_queued_sms(self):
        values = self.form(kind="onsite", street="3 rue des Lilas", zip="69003", city="Lyon")
        with self.mockSMSGateway():
            repair = self.Repair.with_user(self.public)._qualirepar_book_online(self.company, values)
        self.assertEqual(repair.state, "draft")
        self.assertTrue(repair.qualirepar_booked_online)
        self.assertEqual(repair.product_id, self.washer)
        self.assertEqual(repair.qualirepar_intervention_type, "onsite")
        self.assertEqual(repair.qualirepar_fault_description, "Ne vidange plus l'eau")
        self.assertEqual(fields.Datetime.to_string(repair.schedule_date), values["slot"])
        self.assertTrue(repair.qualirepar_consent_gdpr)
        self.assertFalse(repair.user_id, "nobody responsible yet, not the public user")
        customer = repair.partner_id
        self.assertEqual((customer.name, customer.email, customer.mobile, customer.street, customer.zip, customer.city),
                         ("Claire Martin", "claire@example.com", "0655443322", "3 rue des Lilas", "69003", "Lyon"))
        self.assertSMSOutgoing(customer, None, content="your booking is recorded for")
        sms = self.env["sms.sms"].search([("partner_id", "=", customer.id)])
        self.assertEqual(sms.state, "outgoing", "queued, not sent")
        self.assertIn(repair.name, sms.body)
        self.assertIn("visit at your home", sms.body)
        self.assertNotIn(values["slot"], dict((fields.Datetime.to_string(b), e) for b, e in self.slots()))

    def test_an_existing_customer_is_found_and_left_unchanged(self):
        known = self.env["res.partner"].create({"name": "Claire Martin-Durand", "email": "Claire@Example.com",
                                                "mobile": "+33 6 98 99 99 99", "street": "1 place Bellecour"})
        with self.mockSMSGateway():
            repair = self.book(name="C. Martin", mobile="0611111111")
        self.assertEqual(repair.partner_id, known)
        self.assertEqual((known.name, known.mobile, known.street),
                         ("Claire Martin-Durand", "+33 6 98 99 99 99", "1 place Bellecour"))
        self.assertIn("C. Martin", repair.internal_notes)
        self.assertSMSOutgoing(known, None, content="your booking is recorded for")
        by_mobile = self.env["res.partner"].create({"name": "Paul Durand", "mobile": "+33 7 98 12 12 12"})
        repair = self.book(email="", mobile="07 98 12 12 12", slot=fields.Datetime.to_string(self.slots()[1][0]))
        self.assertEqual(repair.partner_id, by_mobile)

    def test_an_occupied_slot_cannot_be_booked(self):
        values = self.form()
        self.Repair.with_user(self.public)._qualirepar_book_online(self.company, values)
        with self.assertRaises(BookingError) as refusal:
            self.Repair.with_user(self.public)._qualirepar_book_online(self.company, dict(values, email="x@example.com"))
        self.assertIn("slot", refusal.exception.errors)
        self.assertEqual(self.Repair.search_count([("qualirepar_booked_online", "=", True)]), 1)

    def test_bad_input_is_refused_field_by_field(self):
        with self.assertRaises(BookingError) as refusal:
            self.book(name="", email="claire@", mobile="12345", kind="onsite", zip="6900", product_id=str(self.boiler.id),
                      fault="", consent="", slot="2020-01-01 09:00:00")
        self.assertEqual(set(refusal.exception.errors), {
            "name", "email", "mobile", "street", "zip", "city", "product_id", "fault", "consent", "slot"})
        with self.assertRaises(BookingError) as refusal:
            self.book(email="", mobile="")
        self.assertEqual(set(refusal.exception.errors), {"mobile"})
        self.assertFalse(self.Repair.search([("qualirepar_booked_online", "=", True)]))

    def test_errors_are_told_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        with self.assertRaises(BookingError) as refusal:
            self.Repair.with_user(self.public).with_context(lang="fr_FR")._qualirepar_book_online(
                self.company, self.form(mobile="12", email="", slot="2020-01-01 09:00:00"))
        self.assertEqual(refusal.exception.errors["mobile"],
                         "Saisissez un numéro de mobile français (06 ou 07 suivi de 8 chiffres).")
        self.assertIn("Ce créneau vient d'être pris", refusal.exception.errors["slot"])

    def test_too_many_bookings_from_one_contact(self):
        slots = self.slots()
        for slot in slots[:3]:
            self.book(slot=fields.Datetime.to_string(slot[0]))
        with self.assertRaises(BookingError) as refusal:
            self.book(slot=fields.Datetime.to_string(slots[3][0]))
        self.assertIn("form", refusal.exception.errors)

    def test_reminded_the_day_before(self):
        with freeze_time(MONDAY_8AM_PARIS):
            tuesday = fields.Datetime.to_string(datetime(2026, 3, 3, 8, 0))
            repair = self.book(slot=tuesday)
            with self.mockSMSGateway():
                self.Repair.with_user(self.env.ref("base.user_root"))._cron_qualirepar_appointment_reminders()
                self.Repair._cron_qualirepar_appointment_reminders()
        self.assertTrue(repair.qualirepar_reminder_sent)
        self.assertEqual(len(self._new_sms), 1, "reminded once")
        self.assertSMSOutgoing(repair.partner_id, None, content="reminder, your booking is tomorrow")


@tagged("post_install", "-at_install")
class TestBookingPage(HttpCase, BookingCase):
    """The public page, as a visitor without an account."""

    def post(self, **values):
        self.authenticate(None, None)
        data = dict(self.form(**values), csrf_token=http.Request.csrf_token(self))
        return self.url_open("/qualirepar/booking", data=data, allow_redirects=False)

    def test_the_page_shows_nothing_private(self):
        secret = self.env["res.partner"].create({"name": "Gustave Secret", "email": "gustave@example.com"})
        taken = self.slots()[0][0]
        repair = self.Repair.create({"partner_id": secret.id, "product_id": self.boiler.id, "schedule_date": taken})
        self.authenticate(None, None)
        page = self.url_open("/qualirepar/booking")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Lave-linge Serie 4", page.text)
        for private in ("Gustave", "gustave@example.com", "Chaudière secrète", repair.name):
            self.assertNotIn(private, page.text)
        self.assertNotIn(f'value="{fields.Datetime.to_string(taken)}"', page.text, "the taken slot is not offered")
        self.assertIn(f'value="{fields.Datetime.to_string(self.slots()[0][0])}"', page.text)

    def test_booking_from_the_page(self):
        response = self.post()
        self.assertEqual(response.status_code, 303)
        repair = self.Repair.search([("qualirepar_booked_online", "=", True)])
        self.assertEqual(repair.partner_id.email, "claire@example.com")
        self.assertEqual(self.env["sms.sms"].search([("partner_id", "=", repair.partner_id.id)]).state, "outgoing")
        done = self.url_open("/qualirepar/booking/done")
        self.assertIn("your booking is recorded", done.text)
        self.assertNotIn(repair.name, done.text)

    def test_an_occupied_slot_or_bad_input_gets_the_form_again(self):
        slot = fields.Datetime.to_string(self.slots()[0][0])
        self.post(slot=slot)
        response = self.post(slot=slot, email="other@example.com", mobile="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("This slot has just been taken", response.text)
        self.assertIn("other@example.com", response.text, "what was typed is kept")
        self.assertEqual(self.Repair.search_count([("qualirepar_booked_online", "=", True)]), 1)

    def test_no_csrf_token_no_booking(self):
        self.authenticate(None, None)
        response = self.url_open("/qualirepar/booking", data=self.form(), allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Repair.search([("qualirepar_booked_online", "=", True)]))

    def test_a_robot_filling_the_hidden_field_books_nothing(self):
        response = self.post(company_website="http://spam.example.com")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.Repair.search([("qualirepar_booked_online", "=", True)]))

    def test_closed_when_online_booking_is_off(self):
        self.company.qualirepar_online_booking = False
        self.authenticate(None, None)
        self.assertEqual(self.url_open("/qualirepar/booking").status_code, 404)
        self.assertEqual(self.post().status_code, 404)

    def test_the_public_reads_no_repair(self):
        for operation in ("read", "write", "create", "unlink"):
            self.assertFalse(self.Repair.with_user(self.public).has_access(operation))


@tagged("post_install", "-at_install")
class TestBookingTour(HttpCase, BookingCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_a_visitor_books_on_a_phone_and_the_workshop_sees_the_repair(self):
        self.start_tour("/qualirepar/booking", "qualirepar_booking_tour")
        repair = self.Repair.search([("qualirepar_booked_online", "=", True)])
        self.assertEqual(repair.partner_id.name, "Julie Bernard")
        self.assertEqual(repair.qualirepar_intervention_type, "onsite")
        self.assertEqual(repair.state, "draft")
        self.assertEqual(self.env["sms.sms"].search([("partner_id", "=", repair.partner_id.id)]).state, "outgoing")
        clerk = new_test_user(self.env, "booking_clerk", groups="ecorepair_qualirepar.group_qualirepar_user")
        self.start_tour("/odoo/action-repair.action_repair_order_tree", "qualirepar_booking_staff_tour",
                        login=clerk.login)
        # and in the shop's planning, in its slot (F23)
        planning = safe_eval(self.env.ref("ecorepair_qualirepar.action_qualirepar_planning").domain)
        slot = self.env["calendar.event"].with_user(clerk).search(planning + [("qualirepar_repair_id", "=", repair.id)])
        self.assertEqual((slot.start, slot.qualirepar_planning_kind), (repair.schedule_date, "onsite"))
