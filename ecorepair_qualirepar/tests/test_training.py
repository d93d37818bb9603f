"""Staff trainings and legal watch (F16, référentiel 6.6): planned by the QualiRépar manager in Odoo's calendar,
a training done goes to its attendees' resumes (hr_skills) with their certificate and, when it grants it, the
qualification for its fiche métier (F18); a legal-watch action is done by the person it is assigned to, with what
it changes for the shop."""

import base64
from ast import literal_eval
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

MANAGER = "ecorepair_qualirepar.group_qualirepar_manager"
WORKSHOP = "ecorepair_qualirepar.group_qualirepar_user"
PDF = base64.b64encode(b"%PDF-1.4 attestation")


@tagged("post_install", "-at_install")
class TestTraining(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, "training_manager", groups=MANAGER)
        cls.user = new_test_user(cls.env, "training_tech", groups=WORKSHOP)
        cls.other_user = new_test_user(cls.env, "training_other", groups=WORKSHOP)
        cls.tech = cls.env["hr.employee"].create({"name": "Léa Martin", "user_id": cls.user.id})
        cls.colleague = cls.env["hr.employee"].create({"name": "Paul Durand"})
        cls.fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_7")
        cls.Event = cls.env["calendar.event"].with_user(cls.manager)

    def action(self, xmlid, user):
        return self.env["ir.actions.act_window"].with_user(user)._for_xml_id(f"ecorepair_qualirepar.{xmlid}")

    def plan(self, xmlid, **values):
        """An event planned from the menu ``xmlid`` (its context) by the manager."""
        context = literal_eval(self.action(xmlid, self.manager)["context"])
        return self.Event.with_context(context).create({"start": "2025-03-10 08:00:00", **values})

    def training(self, **values):
        return self.plan("action_qualirepar_training", **{
            "name": "Smartphone screens and batteries", "duration": 7, "qualirepar_trainer": "ecosystem Académie",
            "qualirepar_fiche_metier_id": self.fiche.id,
            "qualirepar_employee_ids": [(6, 0, (self.tech | self.colleague).ids)], **values})

    def followed(self, user, date_from, date_to):
        """The "Trainings followed" report over a period, as ``user`` sees it."""
        action = self.action("action_qualirepar_trainings_followed", user)
        return self.env["hr.resume.line"].with_user(user).search([
            *literal_eval(action["domain"]), ("date_start", ">=", date_from), ("date_start", "<=", date_to)])

    def test_training_done_with_certificate_in_the_employees_report(self):
        training = self.training(qualirepar_grants_qualification=True, qualirepar_validity_months=24)
        self.assertEqual((training.qualirepar_kind, training.qualirepar_state), ("training", "planned"))
        self.assertEqual(training.stop, datetime(2025, 3, 10, 15))
        self.assertFalse(self.followed(self.manager, "2025-01-01", "2025-12-31"))
        with self.assertRaisesRegex(AccessError, "Only a QualiRépar manager, or the person a legal-watch action"):
            training.with_user(self.user).action_qualirepar_done()

        training.action_qualirepar_done()
        self.assertEqual(training.qualirepar_state, "done")
        self.assertEqual(training.qualirepar_done_user_id, self.manager)
        lines = training.qualirepar_resume_line_ids
        self.assertEqual(lines.employee_id, self.tech | self.colleague)
        line = lines.filtered(lambda l: l.employee_id == self.tech)
        self.assertEqual((line.name, str(line.date_start), str(line.date_end), line.display_type),
                         ("Smartphone screens and batteries", "2025-03-10", "2027-03-09", "certification"))
        self.assertEqual(line.qualirepar_fiche_metier_id, self.fiche)
        self.assertEqual(line.qualirepar_trainer, "ecosystem Académie")
        self.assertIn(line, self.tech.resume_line_ids)

        # the certificate arrives: the manager attaches it to the attendee's line
        self.assertFalse(line.qualirepar_has_certificate)
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            line.with_user(self.user).write({"qualirepar_certificate": PDF})
        line.with_user(self.manager).write({"qualirepar_certificate": PDF,
                                            "qualirepar_certificate_filename": "attestation.pdf"})
        self.assertTrue(line.qualirepar_has_certificate)

        # the report of the period lists it for the employee (read by the staff too), not another period's
        for user in (self.manager, self.user):
            report = self.followed(user, "2025-01-01", "2025-12-31")
            self.assertEqual(report.filtered(lambda l: l.employee_id == self.tech), line)
            self.assertTrue(report.filtered(lambda l: l.employee_id == self.tech).qualirepar_has_certificate)
        self.assertFalse(self.followed(self.manager, "2024-01-01", "2024-12-31"))

        # and it qualifies: the technician takes the repairs of the fiche, for two years
        self.assertTrue(self.tech._qualirepar_is_qualified(self.fiche, fields.Date.to_date("2027-03-09")))
        self.assertFalse(self.tech._qualirepar_is_qualified(self.fiche, fields.Date.to_date("2027-03-10")))
        repair = self.env["repair.order"].create({
            "product_id": self.env["product.product"].create({"name": "Phone"}).id,
            "schedule_date": "2025-06-01 10:00:00",
            "qualirepar_fiche_metier_id": self.fiche.id, "qualirepar_technician_id": self.tech.id})
        self.assertTrue(repair.qualirepar_technician_qualified)

        # done is done
        with self.assertRaisesRegex(UserError, "is already done"):
            training.action_qualirepar_done()

    def test_training_without_qualification_is_only_followed(self):
        training = self.training(qualirepar_employee_ids=[(6, 0, self.tech.ids)])
        training.action_qualirepar_done()
        line = training.qualirepar_resume_line_ids
        self.assertEqual((line.display_type, line.qualirepar_fiche_metier_id.id, line.date_end),
                         ("classic", False, False))
        self.assertFalse(self.tech._qualirepar_is_qualified(self.fiche, fields.Date.to_date("2025-06-01")))

    def test_training_needs_attendees_and_a_fiche_when_it_qualifies(self):
        with self.assertRaisesRegex(UserError, "add the staff attending"):
            self.training(qualirepar_employee_ids=False).action_qualirepar_done()
        with self.assertRaisesRegex(UserError, "qualifies for a fiche métier: choose the fiche"):
            self.training(qualirepar_fiche_metier_id=False,
                          qualirepar_grants_qualification=True).action_qualirepar_done()

    def test_only_the_manager_plans(self):
        context = literal_eval(self.action("action_qualirepar_training", self.user)["context"])
        Event = self.env["calendar.event"].with_user(self.user)
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            Event.with_context(context).create({"name": "Self-made training", "start": "2025-03-10 08:00:00"})
        training = self.training()
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            training.with_user(self.user).write({"qualirepar_state": "done"})
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            training.with_user(self.user).write({"start": "2024-01-01 08:00:00"})
        with self.assertRaisesRegex(AccessError, "Only a QualiRépar manager can delete a training"):
            training.with_user(self.user).unlink()
        # their own meetings stay theirs
        meeting = Event.create({"name": "Coffee", "start": "2025-03-10 08:00:00"})
        meeting.name = "Coffee with the team"
        self.assertFalse(meeting.qualirepar_kind)
        meeting.unlink()

    def test_legal_watch_done_by_its_assignee_with_a_note(self):
        watch = self.plan("action_qualirepar_legal_watch", name="Décret 2024-123", user_id=self.user.id)
        self.assertEqual((watch.qualirepar_kind, watch.qualirepar_state), ("legal_watch", "planned"))
        with self.assertRaisesRegex(AccessError, "or the person a legal-watch action is assigned to"):
            watch.with_user(self.other_user).action_qualirepar_done()
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            watch.with_user(self.other_user).qualirepar_note = "<p>Not mine to write</p>"
        mine = watch.with_user(self.user)
        with self.assertRaisesRegex(UserError, "write in “Outcome” what was read"):
            mine.action_qualirepar_done()
        mine.qualirepar_note = "<p>Claims are sent once the invoice is paid.</p>"
        mine.action_qualirepar_done()
        self.assertEqual((watch.qualirepar_state, watch.qualirepar_done_user_id), ("done", self.user))
        self.assertEqual(watch.qualirepar_done_date, fields.Date.context_today(watch))
        with self.assertRaisesRegex(AccessError, "cannot be changed by hand"):
            mine.qualirepar_note = "<p>Rewritten later</p>"

        # the report of the period: done actions of the legal watch, with their note
        action = self.action("action_qualirepar_legal_watch", self.user)
        done = self.env["calendar.event"].with_user(self.user).search([
            *literal_eval(action["domain"]), ("qualirepar_state", "=", "done"),
            ("start", ">=", "2025-01-01"), ("start", "<", "2026-01-01")])
        self.assertEqual(done, watch)
        self.assertIn("Claims are sent once the invoice is paid.", done.qualirepar_note)
