from datetime import datetime, timedelta

import lxml.html

from odoo.exceptions import ValidationError

from ..hooks import post_init_hook
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


class IntakeCase(TransactionCase):
    """A shop labelled for fiche 1, a washing machine mapped to ecosystem's "Lave-linge", two customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["qualirepar.backend"].with_context(active_test=False).search([]).unlink()  # the demo connections
        cls.fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_1")
        backend = cls.env["qualirepar.backend"].create({"name": "eco", "organism": "ecosystem", "environment": "preprod"})
        cls.washer_type = cls.env["qualirepar.product.type"].create({
            "backend_id": backend.id, "code": "ECO-LL-001", "name": "Lave-linge", "eligible_from": "2022-12-15",
            "fiche_metier_id": cls.fiche.id,
            "amount_ids": [
                (0, 0, {"date_from": "2022-12-15", "date_to": "2023-12-31", "amount": 25}),
                (0, 0, {"date_from": "2024-01-01", "amount": 50}),
            ],
        })
        cls.bosch = cls.env["qualirepar.brand"].create(
            {"backend_id": backend.id, "code": "0104", "name": "Bosch", "handled_by": "ecosystem"})
        cls.sheet = cls.env["qualirepar.fiche.label"].create(
            {"backend_id": backend.id, "sheet_type": "1", "fiche_metier_id": cls.fiche.id})
        category = cls.env["product.category"].create(
            {"name": "Lave-linge", "qualirepar_product_type_ids": [(6, 0, cls.washer_type.ids)]})
        cls.washer = cls.env["product.product"].create(
            {"name": "Lave-linge Serie 4", "categ_id": category.id, "default_code": "WAN28208FF"})
        cls.consumer = cls.env["res.partner"].create(
            {"name": "Marie Dupont", "street": "3 rue des Lilas", "zip": "69003", "city": "Lyon", "phone": "0612345678"})
        cls.business = cls.env["res.partner"].create({"name": "SARL Dépannage", "is_company": True})

    @classmethod
    def setup_invoicing(cls):
        """The eco-organism receivable account, a 20 % VAT and a repair package invoiced on order."""
        cls.env.company._qualirepar_ensure_bonus_account()
        tax = cls.env["account.tax"].create({"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"})
        cls.service = cls.env["product.product"].create({
            "name": "Forfait réparation lave-linge", "type": "service", "invoice_policy": "order", "list_price": 100,
            "taxes_id": [(6, 0, tax.ids)]})

    def intake(self, **values):
        return self.env["repair.order"].create({
            "partner_id": self.consumer.id,
            "product_id": self.washer.id,
            "qualirepar_brand_id": self.bosch.id,
            "qualirepar_serial_number": "fd 9912-0345",
            "qualirepar_out_of_warranty": True,
            **values,
        })

    def finished(self, repair, when):
        repair.write({"state": "done", "qualirepar_done_date": when})
        return repair


@tagged("post_install", "-at_install")
class TestIntake(IntakeCase):

    def test_eligible_repair(self):
        repair = self.intake(schedule_date=datetime(2024, 3, 1, 10))
        self.assertEqual(repair.qualirepar_organism, "ecosystem")
        self.assertEqual(repair.qualirepar_product_type_id, self.washer_type)
        self.assertEqual(repair.qualirepar_fiche_metier_id, self.fiche)
        self.assertEqual(repair.qualirepar_serial_number, "fd 9912-0345", "kept as typed")
        self.assertEqual(repair.qualirepar_serial_key, "FD99120345")
        self.assertTrue(repair.qualirepar_eligible, repair.qualirepar_eligibility_notes)
        self.assertFalse(repair.qualirepar_eligibility_notes)
        self.assertEqual(repair.qualirepar_bonus_estimate, 50.0)
        repair.schedule_date = datetime(2023, 6, 1, 10)
        self.assertEqual(repair.qualirepar_bonus_estimate, 25.0, "the scale in force on the repair's date")

    def test_each_reason_of_ineligibility_is_told(self):
        cases = [
            ({"partner_id": self.business.id}, "The customer is a company"),
            ({"qualirepar_out_of_warranty": False}, "not declared out of warranty"),
            ({"schedule_date": datetime(2022, 12, 1, 10)}, "is not eligible on 2022-12-01"),
            ({"qualirepar_serial_number": False}, "no serial number or IMEI"),
            ({"qualirepar_brand_id": False}, "brand is not given"),
        ]
        for values, reason in cases:
            with self.subTest(reason=reason):
                repair = self.intake(**values)
                self.assertFalse(repair.qualirepar_eligible)
                self.assertIn(reason, repair.qualirepar_eligibility_notes)
        self.assertTrue(self.intake(partner_id=self.business.id).qualirepar_business_customer)
        self.sheet.unlink()
        repair = self.intake()
        self.assertIn("not labelled for the fiche métier “1 – GEM without fluids”", repair.qualirepar_eligibility_notes)

    def test_unmapped_product(self):
        other = self.env["product.product"].create({"name": "Objet"})
        repair = self.intake(product_id=other.id)
        self.assertIn("not mapped to a product type of ecosystem", repair.qualirepar_eligibility_notes)

    def test_imei_checked(self):
        with self.assertRaisesRegex(ValidationError, "The IMEI “490154203237519” is not valid"):
            self.intake(qualirepar_imei="490154203237519")
        repair = self.intake(qualirepar_imei="49-015420-323751-8", qualirepar_serial_number=False)
        self.assertEqual(repair.qualirepar_imei, "490154203237518")
        self.assertNotIn("no serial number", repair.qualirepar_eligibility_notes or "")

    def test_consents_record_who_and_when(self):
        repair = self.intake(qualirepar_consent_gdpr=True)
        self.assertEqual(repair.qualirepar_consent_gdpr_user_id, self.env.user)
        self.assertTrue(repair.qualirepar_consent_gdpr_date)
        self.assertFalse(repair.qualirepar_consent_piec_user_id)
        repair.qualirepar_consent_piec = True
        self.assertEqual(repair.qualirepar_consent_piec_user_id, self.env.user)
        repair.qualirepar_consent_gdpr = False
        self.assertFalse(repair.qualirepar_consent_gdpr_user_id)
        self.assertFalse(repair.qualirepar_consent_gdpr_date)


@tagged("post_install", "-at_install")
class TestReturns(IntakeCase):

    def test_return_within_warranty_is_detected(self):
        earlier = self.finished(self.intake(), datetime.now() - timedelta(days=40))
        repair = self.intake(qualirepar_serial_number="FD-9912 0345 ")
        self.assertEqual(repair.qualirepar_return_of_id, earlier)
        self.assertTrue(repair.qualirepar_is_return)
        self.assertTrue(repair.under_warranty)
        self.assertIn(repair.qualirepar_return_delay_days, (39, 40))
        self.assertFalse(repair.qualirepar_eligible)
        self.assertIn(f"Warranty return of {earlier.name}", repair.qualirepar_eligibility_notes)
        self.assertIn(earlier.name, repair.message_ids[0].body)
        self.assertIn(repair, self.env["repair.order"].search([("qualirepar_is_return", "=", True)]))

    def test_return_found_by_imei_and_when_serial_typed_later(self):
        earlier = self.finished(self.intake(qualirepar_imei="490154203237518"), datetime.now() - timedelta(days=10))
        repair = self.intake(qualirepar_serial_number=False)
        self.assertFalse(repair.qualirepar_is_return)
        repair.qualirepar_imei = "490154203237518"
        self.assertEqual(repair.qualirepar_return_of_id, earlier)

    def test_no_return_after_the_warranty_or_elsewhere(self):
        self.finished(self.intake(), datetime.now() - timedelta(days=100))
        self.assertFalse(self.intake().qualirepar_is_return)
        self.env.company.qualirepar_warranty_months = 6
        self.assertTrue(self.intake().qualirepar_is_return)
        other = self.env["res.company"].create({"name": "Autre atelier"})
        self.finished(self.intake(), datetime.now() - timedelta(days=5)).company_id = other
        self.assertNotEqual(self.intake().qualirepar_return_of_id.company_id, other)

    def test_repairs_finished_before_the_install_count(self):
        earlier = self.intake()
        earlier.write({"state": "done", "qualirepar_done_date": False})
        post_init_hook(self.env)
        earlier.invalidate_recordset(["qualirepar_done_date"])
        self.assertEqual(earlier.qualirepar_done_date, earlier.write_date)
        self.assertEqual(self.intake().qualirepar_return_of_id, earlier)

    def test_done_date_stamped_when_the_repair_ends(self):
        unmapped = self.env["product.product"].create({"name": "Grille-pain"})
        repair = self.env["repair.order"].create(
            {"partner_id": self.consumer.id, "product_id": unmapped.id, "qualirepar_decision": "free"})
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertTrue(repair.qualirepar_done_date)


@tagged("post_install", "-at_install")
class TestIntakeReports(IntakeCase):

    def render(self, report, repairs):
        """The report's text as a reader sees it (tags removed, spaces folded)."""
        html = self.env["ir.actions.report"]._render_qweb_html(report, repairs.ids)[0]
        return " ".join(lxml.html.fromstring(html).text_content().split())

    def test_intake_slip_content_and_options(self):
        repair = self.intake(qualirepar_intake_amount=30, qualirepar_intake_payment_method="card",
                             qualirepar_consent_gdpr=True, qualirepar_fault_description="Ne vidange plus")
        html = self.render("ecorepair_qualirepar.report_intake_slip", repair)
        for text in ("Marie Dupont", "3 rue des Lilas", "0612345678", "fd 9912-0345", "WAN28208FF", "Bosch",
                     "Ne vidange plus", "30.00", "Card", "GDPR", "circular economy", "50.00"):
            self.assertIn(text, html)
        self.env.company.write({"qualirepar_slip_show_payment": False, "qualirepar_slip_show_bonus": False,
                                "qualirepar_slip_show_consents": False, "qualirepar_slip_show_parts_info": False})
        html = self.render("ecorepair_qualirepar.report_intake_slip", repair)
        for text in ("Paid at intake", "Bonus réparation QualiRépar", "GDPR", "Model reference"):
            self.assertNotIn(text, html)
        self.assertIn("fd 9912-0345", html)

    def test_returns_report(self):
        earlier = self.finished(self.intake(), datetime.now() - timedelta(days=20))
        repair = self.intake()
        html = self.render("ecorepair_qualirepar.report_returns", repair | earlier)
        self.assertIn("1 warranty return(s) among the 2 selected repairs", html)
        self.assertIn(earlier.name, html)


@tagged("post_install", "-at_install")
class TestIntakeSlipPdf(HttpCase, IntakeCase):
    """wkhtmltopdf fetches the report's assets from the running server: an HTTP test."""

    def test_intake_slip_pdf(self):
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "ecorepair_qualirepar.report_intake_slip", self.intake().ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestIntakeTour(HttpCase, IntakeCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_intake_to_checkout_on_a_phone(self):
        """As the workshop's clerk and technician, the least-privileged role that does it."""
        clerk = new_test_user(self.env, "workshop_tour", groups="ecorepair_qualirepar.group_qualirepar_user")
        self.start_tour("/odoo/action-repair.action_repair_order_tree/new", "qualirepar_intake_tour",
                        login=clerk.login)
        repair = self.env["repair.order"].search([("qualirepar_serial_number", "=", "FD 9912-0345")])
        self.assertEqual(repair.state, "done")
        self.assertTrue(repair.qualirepar_consent_gdpr_date)
        points = repair.qualirepar_control_point_ids.filtered("is_answered")
        self.assertEqual(set(points.mapped("name")), {
            "Written diagnostic procedure followed", "Insulation resistance", "Functional test passed"})
        self.assertEqual(points.done_by_id, clerk)
