"""The label-audit evidence pack: one PDF for a period, each section read back with pdftotext."""

import subprocess
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

MANAGER = "ecorepair_qualirepar.group_qualirepar_manager"


@tagged("post_install", "-at_install")
class TestAuditPack(HttpCase):
    """An HttpCase: wkhtmltopdf fetches the report assets from the running test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(cls.env, "audit_manager", groups=MANAGER)
        cls.front = new_test_user(cls.env, "audit_front", groups="ecorepair_qualirepar.group_qualirepar_front_office")
        cls.customer = cls.env["res.partner"].create({"name": "Camille Lefèvre", "email": "camille@example.com"})
        cls.device = cls.env["product.product"].create({"name": "Lave-linge WW90"})
        cls.pump = cls.env["product.product"].create({"name": "Pompe de vidange", "type": "consu"})
        Repair = cls.env["repair.order"]
        when = datetime(2025, 4, 15, 9)
        cls.earlier = Repair.create({"partner_id": cls.customer.id, "product_id": cls.device.id,
                                     "schedule_date": datetime(2025, 3, 1, 9)})
        cls.back = Repair.create({
            "partner_id": cls.customer.id, "product_id": cls.device.id, "schedule_date": when,
            "internal_notes": "<p>Durite de vidange remplacée sous garantie</p>",
            "move_ids": [Command.create({"product_id": cls.pump.id, "product_uom_qty": 1, "repair_line_type": "add"})]})
        cls.back.write({"qualirepar_return_of_id": cls.earlier.id})
        cls.far = Repair.create({
            "partner_id": cls.customer.id, "product_id": cls.device.id, "schedule_date": when,
            "qualirepar_intervention_type": "onsite", "qualirepar_distance_km": 142,
            "qualirepar_distance_reason": "Client fidèle, second déplacement combiné à Vienne"})
        # a satisfaction answer and what the shop did about it
        survey = cls.env.ref("ecorepair_qualirepar.survey_qualirepar_satisfaction")
        question = survey.question_ids.filtered(lambda q: q.question_type == "simple_choice")[:1]
        answer = survey._create_answer(partner=cls.customer, check_attempts=False, qualirepar_repair_id=cls.back.id)
        answer._save_lines(question, question.suggested_answer_ids.filtered(
            lambda a: a.value == "Not very satisfied").id)
        answer.write({"state": "done", "end_datetime": when,
                      "qualirepar_action": "Rappel du client, geste commercial sur la prochaine réparation",
                      "qualirepar_handled": True})
        # a training done, a legal-watch action done
        tech = cls.env["hr.employee"].create({"name": "Théo Atelier"})
        Event = cls.env["calendar.event"].with_user(cls.manager)
        training = Event.create({
            "name": "Diagnostic des lave-linge", "qualirepar_kind": "training", "start": "2025-02-03 08:00:00",
            "duration": 7, "qualirepar_trainer": "ecosystem Académie",
            "qualirepar_fiche_metier_id": cls.env.ref("ecorepair_qualirepar.fiche_metier_1").id,
            "qualirepar_grants_qualification": True, "qualirepar_employee_ids": [Command.set(tech.ids)]})
        training.action_qualirepar_done()
        training.qualirepar_resume_line_ids.write({"qualirepar_certificate": "JVBERi0xLjQK",
                                                   "qualirepar_certificate_filename": "attestation-theo.pdf"})
        watch = Event.create({"name": "Décret 2024-123", "qualirepar_kind": "legal_watch",
                              "start": "2025-05-05 08:00:00", "user_id": cls.manager.id,
                              "qualirepar_note": "<p>Demandes envoyées une fois la facture payée</p>"})
        watch.action_qualirepar_done()
        Event.create({"name": "Formation hors période", "qualirepar_kind": "training", "start": "2024-02-03 08:00:00"})

    def pack(self, user, **values):
        return self.env["qualirepar.audit.pack.wizard"].with_user(user).create({
            "date_from": "2025-01-01", "date_to": "2025-12-31", **values})

    def pdf_text(self, wizard):
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "ecorepair_qualirepar.report_audit_pack")
        pdf, kind = self.env["ir.actions.report"].with_user(wizard.env.user).with_context(
            force_report_rendering=True)._render_qweb_pdf(action["report_name"], wizard.ids)
        self.assertEqual(kind, "pdf")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        return " ".join(text.decode().replace("\u200b", "").split())

    def test_each_section_of_the_pack(self):
        text = self.pdf_text(self.pack(self.manager))
        self.assertIn("QualiRépar label audit: evidence for the period", text)
        self.assertIn("Period: from 01/01/2025 to 12/31/2025", text)
        # 1. warranty returns and what was done
        section = text[text.index("1. Devices back within the repair warranty"):text.index("2. Customers")]
        self.assertIn("1 repair(s) of the period came back", section)
        self.assertIn(self.back.name, section)
        self.assertIn(self.earlier.name, section)
        self.assertIn("Durite de vidange remplacée sous garantie", section)
        # 2. satisfaction, complaints, actions taken
        section = text[text.index("2. Customers' satisfaction"):text.index("3. Staff trainings")]
        self.assertIn("1 answer(s), 1 handled", section)
        self.assertIn("Not very satisfied", section)
        self.assertIn("Rappel du client, geste commercial sur la prochaine réparation", section)
        # 3. trainings, per employee with the certificate; not another period's
        section = text[text.index("3. Staff trainings"):text.index("4. Legal watch")]
        self.assertIn("Diagnostic des lave-linge", section)
        self.assertIn("ecosystem Académie", section)
        self.assertIn("Trainings followed by each employee", section)
        self.assertIn("Théo Atelier", section)
        self.assertIn("Received attestation-theo.pdf", section)
        self.assertNotIn("Formation hors période", text)
        # 4. legal watch with its outcome
        section = text[text.index("4. Legal watch"):text.index("5. Spare parts")]
        self.assertIn("Décret 2024-123", section)
        self.assertIn("Demandes envoyées une fois la facture payée", section)
        # 5. parts with their origin, a section of its own
        section = text[text.index("5. Spare parts: traceability sample"):text.index("6. On-site repairs")]
        self.assertIn("Pompe de vidange", section)
        self.assertIn("New", section)
        self.assertIn("Not reserved yet", section)  # a draft repair's part: no supplier or stock to tell yet
        # 6. on-site beyond the zone with the reason
        section = text[text.index("6. On-site repairs beyond the declared zone"):]
        self.assertIn(self.far.name, section)
        self.assertIn("Client fidèle, second déplacement combiné à Vienne", section)

    def test_another_period_is_empty(self):
        text = self.pdf_text(self.pack(self.manager, date_from="2023-01-01", date_to="2023-12-31"))
        self.assertIn("0 repair(s) of the period came back", text)
        self.assertIn("No training in the period.", text)
        self.assertIn("No legal-watch action in the period.", text)
        self.assertIn("No part in the period's repairs.", text)
        self.assertIn("0 on-site repair(s) of the period", text)

    def test_only_the_manager_prints_it(self):
        with self.assertRaises(AccessError):
            self.pack(self.front)
        wizard = self.pack(self.manager)
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.front)._render_qweb_pdf(
                "ecorepair_qualirepar.report_audit_pack", wizard.ids)
