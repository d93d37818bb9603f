from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRepairNotifications(SMSCase, MailCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "atelier@example.com"
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Claire Martin", "mobile": "+33 6 12 34 56 78",
                                       "email": "claire@example.com", "tz": "Europe/Paris"})
        cls.no_mobile = Partner.create({"name": "Paul Durand", "phone": "+33 4 78 00 00 00",
                                        "email": "paul@example.com"})
        cls.opted_out = Partner.create({"name": "Léa Petit", "mobile": "+33 6 98 76 54 32",
                                        "email": "lea@example.com"})
        cls.env["phone.blacklist"].sudo().add("+33698765432")
        cls.device = cls.env["product.product"].create({"name": "Washing machine WM-7"})
        cls.pump = cls.env["product.product"].create({"name": "Drain pump", "is_storable": True})
        cls.belt = cls.env["product.product"].create({"name": "Drum belt", "is_storable": True})
        cls.clerk = new_test_user(cls.env, "workshop_clerk", groups="ecorepair_qualirepar.group_qualirepar_front_office", email="clerk@example.com")
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        # The demo's appointments (a database with demo data has visits today and tomorrow) are already reminded:
        # the tests count the messages of their own repairs.
        cls.env["repair.order"].search([]).qualirepar_reminder_sent = True

    def repair(self, partner, **values):
        return self.env["repair.order"].create({"partner_id": partner.id, "product_id": self.device.id,
                                                "qualirepar_decision": "free", **values})

    def repair_done(self, partner):
        """A repair done by the workshop staff."""
        repair = self.repair(partner).with_user(self.clerk)
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        return repair

    def receive(self, product, quantity=1):
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.warehouse.lot_stock_id.id,
            "move_ids": [Command.create({
                "name": product.name, "product_id": product.id, "product_uom_qty": quantity,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            })],
        })
        receipt.action_confirm()
        receipt.move_ids.quantity = quantity
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")

    def test_repair_ready(self):
        with self.mockSMSGateway(), self.mock_mail_gateway():
            repair = self.repair_done(self.customer)
        self.assertSMSOutgoing(self.customer, None, content="is repaired and ready to collect (repair %s)" % repair.name)
        self.assertEqual(len(self._new_sms), 1)
        message = repair.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertIn("Washing machine WM-7 is repaired and ready to collect", message.body)
        self.assertFalse(self._new_mails)

    def test_onsite_repair_done_is_not_ready_to_collect(self):
        with self.mockSMSGateway():
            repair = self.repair(self.customer, qualirepar_intervention_type="onsite")
            repair.action_validate()
            repair.action_repair_start()
            repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertFalse(self._new_sms)

    def test_no_mobile_gets_an_email(self):
        with self.mockSMSGateway(), self.mock_mail_gateway():
            repair = self.repair_done(self.no_mobile)
        self.assertFalse(self._new_sms)
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(self._mails[0]["email_to"], ['"Paul Durand" <paul@example.com>'])
        self.assertEqual(self._mails[0]["subject"], f"{self.env.company.name}: your repair {repair.name} is ready to collect")
        self.assertIn("is repaired and ready to collect", self._mails[0]["body"])

    def test_opted_out_gets_nothing(self):
        self.assertTrue(self.opted_out.phone_sanitized_blacklisted)
        with self.mockSMSGateway(), self.mock_mail_gateway():
            repair = self.repair_done(self.opted_out)
            repair = self.repair(self.opted_out, qualirepar_intervention_type="onsite",
                                 schedule_date=fields.Datetime.now() + timedelta(days=3))
            repair.action_validate()
        self.assertFalse(self._new_sms)
        self.assertFalse(self._new_mails)

    def test_opt_out_recorded_at_the_counter(self):
        outsider = new_test_user(self.env, "outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.customer.with_user(outsider).action_qualirepar_sms_opt_out()
        self.assertFalse(self.customer.phone_sanitized_blacklisted)
        self.customer.with_user(self.clerk).action_qualirepar_sms_opt_out()
        self.customer.invalidate_recordset(["phone_sanitized_blacklisted"])
        self.assertTrue(self.customer.phone_sanitized_blacklisted)
        with self.mockSMSGateway(), self.mock_mail_gateway():
            self.repair_done(self.customer)
        self.assertFalse(self._new_sms)
        self.assertFalse(self._new_mails)
        self.customer.with_user(self.clerk).action_qualirepar_sms_opt_in()
        self.customer.invalidate_recordset(["phone_sanitized_blacklisted"])
        with self.mockSMSGateway():
            self.repair_done(self.customer)
        self.assertSMSOutgoing(self.customer, None, content="is repaired and ready to collect")

    def test_appointment_confirmation_and_reminder_once(self):
        Repair = self.env["repair.order"]
        with self.mockSMSGateway():
            repair = self.repair(self.customer, qualirepar_intervention_type="onsite",
                                 schedule_date=fields.Datetime.now() + timedelta(days=3))
            later = self.repair(self.customer, qualirepar_intervention_type="onsite",
                                schedule_date=fields.Datetime.now() + timedelta(days=5))
            repair.action_validate()
            later.action_validate()
        self.assertEqual(len(self._new_sms), 2)
        self.assertTrue(all("your on-site repair appointment is booked for" in sms.body for sms in self._new_sms))

        # nothing to remind yet
        with self.mockSMSGateway():
            Repair._cron_qualirepar_appointment_reminders()
        self.assertFalse(self._new_sms)

        # the appointment moves to tomorrow: confirmed again, then reminded once
        with self.mockSMSGateway():
            repair.schedule_date = fields.Datetime.now() + timedelta(days=1)
        self.assertSMSOutgoing(self.customer, None, content="your on-site repair appointment is booked for")
        with self.mockSMSGateway():
            Repair._cron_qualirepar_appointment_reminders()
            Repair._cron_qualirepar_appointment_reminders()
        self.assertEqual(len(self._new_sms), 1)
        self.assertSMSOutgoing(self.customer, None, content="reminder, our technician comes tomorrow")
        self.assertIn(f"for your repair {repair.name}", self._new_sms.body)
        self.assertTrue(repair.qualirepar_reminder_sent)
        self.assertFalse(later.qualirepar_reminder_sent)

    def test_reminder_on_the_shops_day_not_the_scheduled_actions(self):
        """Tomorrow is the shop's tomorrow (its working hours' time zone), whatever the user running the action."""
        self.env.company.resource_calendar_id.tz = "Pacific/Noumea"  # UTC+11
        self.env.user.tz = "Europe/Paris"
        # Monday 20:00 UTC: Monday evening in Paris, already Tuesday morning in Nouméa
        with freeze_time(datetime(2026, 3, 2, 20, 0)), self.mockSMSGateway():
            wednesday_in_noumea = self.repair(self.customer, qualirepar_intervention_type="onsite",
                                              schedule_date=datetime(2026, 3, 4, 0, 0))  # 11:00 in Nouméa
            wednesday_in_noumea.action_validate()
            self.env["repair.order"]._cron_qualirepar_appointment_reminders()
        self.assertTrue(wednesday_in_noumea.qualirepar_reminder_sent)
        self.assertSMSOutgoing(self.customer, None, content="reminder, our technician comes tomorrow")

    def test_reminder_by_email_without_mobile(self):
        repair = self.repair(self.no_mobile, qualirepar_intervention_type="onsite",
                             schedule_date=fields.Datetime.now() + timedelta(days=1))
        with self.mockSMSGateway(), self.mock_mail_gateway():
            repair.action_validate()
            self.env["repair.order"]._cron_qualirepar_appointment_reminders()
        self.assertFalse(self._new_sms)
        self.assertEqual(sorted(self._new_mails.mapped("subject")), [
            f"{self.env.company.name}: reminder of your on-site repair appointment tomorrow",
            f"{self.env.company.name}: your on-site repair appointment {repair.name}",
        ])

    def test_all_parts_received(self):
        repair = self.repair(self.customer, move_ids=[
            Command.create({"product_id": self.pump.id, "product_uom_qty": 1, "repair_line_type": "add"}),
            Command.create({"product_id": self.belt.id, "product_uom_qty": 1, "repair_line_type": "add"}),
        ])
        with self.mockSMSGateway():
            repair.action_validate()
            self.assertEqual(repair.state, "confirmed")
            self.receive(self.pump)
        self.assertFalse(self._new_sms, "the belt is still missing")
        with self.mockSMSGateway():
            self.receive(self.belt)
        self.assertTrue(all(move.state == "assigned" for move in repair.move_ids))
        self.assertSMSOutgoing(self.customer, None, content=f"all the parts for your repair {repair.name} have arrived")
        self.assertTrue(repair.qualirepar_parts_received_sent)
        # more parts later: told once only
        with self.mockSMSGateway():
            self.receive(self.pump)
        self.assertFalse(self._new_sms)

    def test_parts_in_stock_at_confirmation(self):
        self.receive(self.pump)
        repair = self.repair(self.customer, move_ids=[
            Command.create({"product_id": self.pump.id, "product_uom_qty": 1, "repair_line_type": "add"})])
        with self.mockSMSGateway():
            repair.action_validate()
            self.receive(self.pump)
        self.assertEqual(repair.move_ids.state, "assigned")
        self.assertFalse(self._new_sms)
