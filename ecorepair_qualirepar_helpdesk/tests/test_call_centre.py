from datetime import datetime
from html import unescape

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.ecorepair_qualirepar.tests.common import public_methods

ADDON = "odoo.addons.ecorepair_qualirepar_helpdesk."
ROLES = {
    "employee": "base.group_user",
    "workshop": "ecorepair_qualirepar.group_qualirepar_user",
    "front_office": "ecorepair_qualirepar.group_qualirepar_front_office",
    "accountant": "ecorepair_qualirepar.group_qualirepar_accountant",
    "manager": "ecorepair_qualirepar.group_qualirepar_manager",
    "portal": "base.group_portal",
}
# Who may call each public method of this add-on (the roles that include it may too).
METHODS = {
    ("helpdesk.ticket", "action_qualirepar_create_repair"): {"front_office", "manager"},
    ("helpdesk.ticket", "action_qualirepar_create_appointment"): {"front_office", "manager"},
    ("helpdesk.ticket", "action_qualirepar_create_quote"): {"front_office", "manager"},
}
# Monday 2 March 2026, 10:00 in Paris.
MONDAY_10AM_PARIS = datetime(2026, 3, 2, 9, 0)


class CallCentreCase(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create({"name": "Atelier", "tz": "Europe/Paris"})
        cls.env.company.resource_calendar_id = cls.calendar
        cls.users = {role: new_test_user(cls.env, f"cc_{role}", groups=group, email=f"{role}@example.com")
                     for role, group in ROLES.items()}
        cls.customer = cls.env["res.partner"].create(
            {"name": "Claire Martin", "email": "claire@example.com", "mobile": "+33 6 55 44 33 22"})
        cls.washer = cls.env["product.product"].create({"name": "Lave-linge Serie 4", "type": "consu"})
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Service client", "alias_name": "sav-test"})
        cls.channel = {name: cls.env.ref(xmlid) for name, xmlid in (
            ("phone", "helpdesk_mgmt.helpdesk_ticket_channel_phone"),
            ("email", "helpdesk_mgmt.helpdesk_ticket_channel_email"),
            ("web", "helpdesk_mgmt.helpdesk_ticket_channel_web"),
            ("letter", "ecorepair_qualirepar_helpdesk.helpdesk_ticket_channel_letter"))}

    def ticket(self, user="front_office", **values):
        return self.env["helpdesk.ticket"].with_user(self.users[user]).create({
            "name": "Lave-linge en panne", "description": "<p>Ne vidange plus l'eau</p>",
            "partner_id": self.customer.id, "team_id": self.team.id, **values})


@tagged("post_install", "-at_install")
class TestTicketChannels(CallCentreCase):

    def test_a_phone_call_noted_by_the_front_office(self):
        ticket = self.ticket(channel_id=self.channel["phone"].id, qualirepar_product_id=self.washer.id,
                             qualirepar_serial_number="FD 9912-0345")
        self.assertEqual((ticket.channel_id, ticket.partner_id, ticket.qualirepar_product_id),
                         (self.channel["phone"], self.customer, self.washer))
        self.assertTrue(ticket.number.startswith("HT"))

    def test_a_letter_with_the_day_it_arrived(self):
        ticket = self.ticket(channel_id=self.channel["letter"].id, qualirepar_received_date="2026-03-02 09:00:00",
                             qualirepar_is_complaint=True)
        self.assertEqual(ticket.channel_id.name, "Letter")
        self.assertEqual(ticket.qualirepar_deadline, datetime(2026, 3, 12, 16, 0))

    def test_an_email_to_the_shops_address_is_a_ticket(self):
        domain = self.env["mail.alias.domain"].create({"name": "atelier.example.com"})
        self.team.alias_domain_id = domain
        self.assertEqual(self.team.alias_email, "sav-test@atelier.example.com")
        message = (
            "From: Claire Martin <claire@example.com>\r\n"
            "To: sav-test@atelier.example.com\r\n"
            "Subject: Mon lave-linge fuit\r\n"
            "Message-ID: <booking-test-1@example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Bonjour, mon lave-linge fuit depuis la réparation.\r\n")
        ticket_id = self.env["mail.thread"].message_process(False, message)
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket._name, "helpdesk.ticket")
        self.assertEqual((ticket.team_id, ticket.channel_id, ticket.partner_id, ticket.name),
                         (self.team, self.channel["email"], self.customer, "Mon lave-linge fuit"))
        self.assertTrue(ticket.qualirepar_deadline)


@tagged("post_install", "-at_install")
class TestTicketWebForm(HttpCase, CallCentreCase):

    def test_the_customers_web_form(self):
        """helpdesk_mgmt's form of the portal (/new/ticket): a ticket of the web channel."""
        portal = self.users["portal"]
        self.authenticate(portal.login, portal.login)
        response = self.url_open("/submitted/ticket", data={
            "subject": "Écran cassé", "description": "L'écran est fissuré", "category": "",
            "csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(response.status_code, 200)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Écran cassé")])
        self.assertEqual((ticket.channel_id, ticket.partner_id), (self.channel["web"], portal.partner_id))


@tagged("post_install", "-at_install")
class TestComplaintDeadline(CallCentreCase):

    def test_eight_working_days_for_a_complaint(self):
        """Received Monday 2 March 2026: the eight working days are 3–6 and 9–12 March, the answer is due by the
        end of Thursday 12 March (17:00 in Paris)."""
        ticket = self.ticket(qualirepar_received_date=MONDAY_10AM_PARIS, qualirepar_is_complaint=True)
        self.assertEqual(ticket.qualirepar_deadline, datetime(2026, 3, 12, 16, 0))
        ticket.qualirepar_is_complaint = False
        self.assertEqual(ticket.qualirepar_deadline, datetime(2026, 3, 4, 16, 0), "2 working days otherwise")

    def test_closing_a_complaint_without_its_action_is_refused_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar_helpdesk"], ["fr_FR"], overwrite=True)
        ticket = self.ticket(qualirepar_is_complaint=True).with_context(lang="fr_FR")
        with self.assertRaises(UserError) as refusal:
            ticket.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        self.assertEqual(str(refusal.exception), f"Écrivez l'action menée sur la réclamation {ticket.number} avant de la "
                         "clore : l'audit QualiRépar la demande.")
        self.assertEqual(self.channel["letter"].with_context(lang="fr_FR").name, "Courrier")

    def test_public_holidays_are_not_working_days(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Jour férié", "calendar_id": self.calendar.id, "resource_id": False,
            "date_from": datetime(2026, 3, 5, 0, 0), "date_to": datetime(2026, 3, 5, 22, 0)})
        ticket = self.ticket(qualirepar_received_date=MONDAY_10AM_PARIS, qualirepar_is_complaint=True)
        self.assertEqual(ticket.qualirepar_deadline, datetime(2026, 3, 13, 16, 0))

    def test_a_late_complaint_shows_and_is_counted(self):
        ticket = self.ticket(qualirepar_received_date=MONDAY_10AM_PARIS, qualirepar_is_complaint=True)
        Ticket = self.env["helpdesk.ticket"].with_user(self.users["front_office"])
        late = [("qualirepar_late", "=", True)]
        with freeze_time("2026-03-12 15:00:00"):
            ticket.invalidate_recordset(["qualirepar_late"])
            self.assertFalse(ticket.qualirepar_late)
            self.assertNotIn(ticket, Ticket.search(late))
        with freeze_time("2026-03-13 08:00:00"):
            ticket.invalidate_recordset(["qualirepar_late"])
            self.assertTrue(ticket.qualirepar_late)
            self.assertIn(ticket, Ticket.search(late))
            self.assertNotIn(ticket, Ticket.search([("qualirepar_late", "=", False)]))
            done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
            with self.assertRaises(UserError):
                ticket.stage_id = done
            ticket.write({"stage_id": done.id, "qualirepar_action_taken": "Pompe changée sous garantie"})
        self.assertFalse(ticket.qualirepar_answered_in_time)
        self.assertIn(ticket, Ticket.search(late), "answered after the deadline: still late for the audit")
        complaints = Ticket.search([("qualirepar_is_complaint", "=", True)])
        self.assertIn(ticket, complaints)
        self.assertEqual(ticket.qualirepar_action_taken, "Pompe changée sous garantie")

    def test_complaints_in_the_audit_pack(self):
        """The label's auditor reads the period's complaints, with the action taken and whether they were answered
        in time, in the evidence pack."""
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        answers = {"2026-03-04 10:00:00": "Rappel du client, rendez-vous fixé",
                   "2026-03-13 08:00:00": "Pompe changée sous garantie"}
        for closed_on, action in answers.items():
            ticket = self.ticket(qualirepar_received_date=MONDAY_10AM_PARIS, qualirepar_is_complaint=True,
                                 channel_id=self.channel["letter"].id)
            with freeze_time(closed_on):
                ticket.write({"stage_id": done.id, "qualirepar_action_taken": action})
        self.ticket(qualirepar_received_date=MONDAY_10AM_PARIS)  # a request, not a complaint
        manager = self.users["manager"]
        wizard = self.env["qualirepar.audit.pack.wizard"].with_user(manager).create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"})
        html, _kind = self.env["ir.actions.report"].with_user(manager)._render_qweb_html(
            "ecorepair_qualirepar.action_report_qualirepar_audit_pack", wizard.ids)
        text = unescape(" ".join(html.decode().split()))
        self.assertIn("2 complaint(s) received in the period, 1 answered within the label's delay, 1 late.", text)
        for action in answers.values():
            self.assertIn(action, text)
        self.assertIn("Letter", text)


@tagged("post_install", "-at_install")
class TestOneClick(CallCentreCase):

    def test_ticket_to_repair_in_one_click(self):
        ticket = self.ticket(channel_id=self.channel["phone"].id, qualirepar_product_id=self.washer.id,
                             qualirepar_serial_number="FD 9912-0345")
        action = ticket.action_qualirepar_create_repair()
        repair = self.env["repair.order"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "repair.order")
        self.assertEqual((repair.state, repair.partner_id, repair.product_id, repair.qualirepar_serial_number),
                         ("draft", self.customer, self.washer, "FD 9912-0345"))
        self.assertEqual(repair.qualirepar_fault_description, "Ne vidange plus l'eau")
        self.assertEqual(ticket.qualirepar_repair_id, repair)
        self.assertEqual(ticket.action_qualirepar_create_repair()["res_id"], repair.id, "clicked again: the same")

    def test_ticket_to_appointment_and_to_quote(self):
        ticket = self.ticket()
        event = self.env["calendar.event"].browse(ticket.action_qualirepar_create_appointment()["res_id"])
        self.assertIn(self.customer, event.partner_ids)
        self.assertEqual((event.res_model, event.res_id), ("helpdesk.ticket", ticket.id))
        self.assertEqual(ticket.qualirepar_event_id, event)
        order = self.env["sale.order"].browse(ticket.action_qualirepar_create_quote()["res_id"])
        self.assertEqual((order.state, order.partner_id, order.origin), ("draft", self.customer, ticket.number))

    def test_a_request_without_customer(self):
        ticket = self.ticket(partner_id=False)
        with self.assertRaises(UserError):
            ticket.action_qualirepar_create_repair()


@tagged("post_install", "-at_install")
class TestCallCentreAccess(CallCentreCase):

    def test_every_public_method_has_its_role(self):
        found = public_methods(self.env.registry, ADDON)
        self.assertEqual(found - set(METHODS), set())

    def test_buttons_refuse_the_roles_that_may_not_use_them(self):
        ticket = self.ticket()
        for (model, method), allowed in METHODS.items():
            for role, user in self.users.items():
                if role in allowed:
                    continue
                with self.subTest(method=method, role=role), self.assertRaises(AccessError):
                    getattr(ticket.with_user(user), method)()
        self.assertFalse(ticket.qualirepar_repair_id or ticket.qualirepar_event_id or ticket.qualirepar_sale_order_id)

    def test_who_reads_and_writes_the_tickets(self):
        Ticket = self.env["helpdesk.ticket"]
        expected = {
            "front_office": "rwc", "manager": "rwcu",
            # the rest: helpdesk_mgmt's read access for employees and portal users, limited by its record rules
            "employee": "r", "workshop": "r", "accountant": "r", "portal": "r",
        }
        for role, rights in expected.items():
            for letter, operation in (("r", "read"), ("w", "write"), ("c", "create"), ("u", "unlink")):
                with self.subTest(role=role, operation=operation):
                    self.assertEqual(Ticket.with_user(self.users[role]).has_access(operation), letter in rights)
        ticket = self.ticket()
        for role in ("workshop", "accountant", "portal"):
            with self.subTest(role=role):
                self.assertNotIn(ticket, Ticket.with_user(self.users[role]).search([]), "not their ticket")
        self.assertIn(ticket, Ticket.with_user(self.users["front_office"]).search([]))
        self.assertFalse(Ticket.with_user(self.env.ref("base.public_user")).has_access("read"))
