import base64

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .test_intake import IntakeCase


@tagged("post_install", "-at_install")
class TestIntakeRules(IntakeCase):
    """What the intake fills in, shows and keeps (issue 16, "Intake on the phone")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(cls.env, "intake_clerk", groups="ecorepair_qualirepar.group_qualirepar_user")

    def test_brand_from_the_products_name(self):
        backend = self.bosch.backend_id
        Brand = self.env["qualirepar.brand"]
        Brand.create({"backend_id": backend.id, "code": "0200", "name": "Dietrich", "handled_by": "ecosystem"})
        de_dietrich = Brand.create(
            {"backend_id": backend.id, "code": "0201", "name": "De Dietrich", "handled_by": "ecosystem"})
        bosch_washer = self.env["product.product"].create(
            {"name": "Lave-linge BOSCH Serie 6", "categ_id": self.washer.categ_id.id})
        dietrich_washer = self.env["product.product"].create(
            {"name": "Lave-linge De Dietrich DLZ", "categ_id": self.washer.categ_id.id})
        Repair = self.env["repair.order"].with_user(self.clerk)
        repair = Repair.create({"partner_id": self.consumer.id, "product_id": bosch_washer.id})
        self.assertEqual(repair.qualirepar_brand_id, self.bosch, "the brand is found in the name, in any case")
        self.assertEqual(repair.qualirepar_product_type_id, self.washer_type, "and with it the product type")
        repair.product_id = dietrich_washer
        self.assertEqual(repair.qualirepar_brand_id, de_dietrich, "the longest brand name the product names")
        repair.product_id = self.washer  # "Lave-linge Serie 4" names no brand: the brand stays
        self.assertEqual(repair.qualirepar_brand_id, de_dietrich)
        chosen = Repair.create({"partner_id": self.consumer.id, "product_id": self.washer.id,
                                "qualirepar_brand_id": self.bosch.id})
        self.assertEqual(chosen.qualirepar_brand_id, self.bosch, "a brand chosen by hand is kept")

    def test_imei_asked_for_the_devices_that_have_one(self):
        repair = self.intake()
        self.assertFalse(repair.qualirepar_needs_imei, "a washing machine has no IMEI")
        repair.qualirepar_fiche_metier_id = self.env.ref("ecorepair_qualirepar.fiche_metier_7")
        self.assertTrue(repair.qualirepar_needs_imei, "EI&T: phones and tablets have one")
        arch = self.env["repair.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('invisible="not qualirepar_needs_imei and not qualirepar_imei"', arch)

    def test_serial_printed_as_typed(self):
        repair = self.intake(qualirepar_serial_number=" FD9904-012345 ")
        self.assertEqual(repair.qualirepar_serial_number, "FD9904-012345")
        self.assertEqual(repair.qualirepar_serial_key, "FD9904012345", "compared without its separators")
        Report = self.env["ir.actions.report"]
        for report in ("ecorepair_qualirepar.report_intake_slip", "ecorepair_qualirepar.report_qualirepar_verification"):
            with self.subTest(report=report):
                html = Report._render_qweb_html(report, repair.ids)[0].decode()
                self.assertTrue("FD9904-012345" in html and "FD9904012345" not in html, "printed as typed")

    def test_customer_found_by_phone_and_created_in_the_shops_country(self):
        Partner = self.env["res.partner"].with_user(self.clerk).with_context(qualirepar_phone_search=True)
        self.assertIn(self.consumer.id, [pid for pid, _name in Partner.name_search("06 12 34 56")])
        self.assertNotIn(self.consumer.id, [pid for pid, _name in Partner.name_search("0699")])
        self.assertNotIn(self.consumer.id, [pid for pid, _n in Partner.with_context(
            qualirepar_phone_search=False).name_search("06 12 34 56")], "elsewhere, names only")
        self.env.company.country_id = self.env.ref("base.fr")
        with Form(self.env["repair.order"].with_user(self.clerk)) as form:
            self.assertEqual(form.qualirepar_company_country_id, self.env.ref("base.fr"))
        arch = self.env["repair.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("'default_country_id': qualirepar_company_country_id", arch)

    def test_quote_refused_only_with_a_quote(self):
        repair = self.intake()
        with self.assertRaisesRegex(UserError, "has no quote to refuse"):
            repair.with_user(new_test_user(self.env, "intake_fo", groups=(
                "ecorepair_qualirepar.group_qualirepar_front_office"))).action_qualirepar_quote_refused()
        self.assertEqual(repair.state, "draft")
        arch = self.env["repair.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_qualirepar_quote_refused"', arch)
        self.assertIn('invisible="not sale_order_id or state in (\'done\', \'cancel\')"', arch)
        self.assertFalse(repair.qualirepar_has_customer_documents, "nothing to send: Send documents is hidden")
        document = self.env["qualirepar.product.document"].create({
            "name": "Notice", "product_tmpl_id": self.washer.product_tmpl_id.id, "customer_visible": True,
            "datas": base64.b64encode(b"%PDF-1.4 notice"), "filename": "notice.pdf"})
        repair.invalidate_recordset(["qualirepar_document_ids", "qualirepar_has_customer_documents"])
        self.assertTrue(repair.qualirepar_has_customer_documents, document.name)


@tagged("post_install", "-at_install")
class TestRepairDecision(IntakeCase):
    """A repair is neither started nor finished before someone decided who pays for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing()
        cls.technician = new_test_user(cls.env, "decision_tech", groups="ecorepair_qualirepar.group_qualirepar_user")
        cls.unmapped = cls.env["product.product"].create({"name": "Grille-pain"})  # no control points

    def repair(self, **values):
        return self.env["repair.order"].with_user(self.technician).create(
            {"partner_id": self.consumer.id, "product_id": self.unmapped.id, **values})

    def test_no_start_without_a_decision(self):
        repair = self.repair()
        self.assertFalse(repair.qualirepar_decision)
        repair.action_validate()
        with self.assertRaisesRegex(UserError, f"The repair {repair.name} cannot start: nobody decided yet"):
            repair.action_repair_start()
        self.assertEqual(repair.state, "confirmed")
        repair.qualirepar_decision = "free"
        repair.action_repair_start()
        self.assertEqual(repair.state, "under_repair")
        repair.qualirepar_decision = False
        with self.assertRaisesRegex(UserError, "cannot end: nobody decided yet"):
            repair.action_repair_end()
        repair.qualirepar_decision = "free"
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")

    def test_decision_from_the_quote_and_the_warranty(self):
        repair = self.repair()
        repair.under_warranty = True
        self.assertEqual(repair.qualirepar_decision, "warranty")
        repair.under_warranty = False
        self.assertFalse(repair.qualirepar_decision, "the warranty box unticked, no decision")
        repair.sudo().action_create_sale_order()
        self.assertEqual(repair.qualirepar_decision, "quote")
        repair.action_validate()
        repair.sale_order_id.sudo().with_context(disable_cancel_warning=True).action_cancel()
        with self.assertRaisesRegex(UserError, "its quote is missing or cancelled"):
            repair.action_repair_start()
        repair.sale_order_id.sudo().action_draft()
        repair.action_repair_start()
        self.assertEqual(repair.state, "under_repair")

    def test_refusal_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        repair = self.repair().with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "ne peut pas commencer"):
            repair.action_repair_start()


@tagged("post_install", "-at_install")
class TestChecklistOnThePhone(IntakeCase):
    """The points are there as soon as the device is known; the badge tells the non-compliant ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.technician = new_test_user(cls.env, "cards_tech", groups="ecorepair_qualirepar.group_qualirepar_user")

    def test_points_announced_before_saving_and_defined_by_their_template(self):
        with Form(self.env["repair.order"].with_user(self.technician)) as form:
            form.partner_id = self.consumer
            self.assertEqual(form.qualirepar_checklist_notice,
                             "Choose the device: its check-in and check-out points come from its fiche métier.")
            form.product_id = self.washer
            form.qualirepar_brand_id = self.bosch
            templates = self.fiche.control_point_template_ids.filtered(lambda t: not t.product_categ_id)
            self.assertEqual(form.qualirepar_checklist_notice, (
                f"Save the repair: the {len(templates)} check-in and check-out points of the fiche métier "
                f"“{self.fiche.display_name}” are then listed here."))
        repair = form.record
        self.assertFalse(repair.qualirepar_checklist_notice)
        self.assertEqual(repair.qualirepar_control_point_ids.template_id, templates, "each point once")
        # A point of a template is what its template says, whatever the client sends.
        template = templates.filtered("mandatory")[:1]
        repair.qualirepar_control_point_ids.filtered(lambda p: p.template_id == template).sudo().unlink()
        point = self.env["qualirepar.control.point"].with_user(self.technician).create({
            "repair_id": repair.id, "template_id": template.id, "name": "Anything", "mandatory": False,
            "phase": template.phase, "kind": template.kind})
        self.assertRecordValues(point, [{"name": template.name, "mandatory": True}])

    def test_why_the_list_is_empty(self):
        toaster = self.env["product.product"].create({"name": "Grille-pain"})
        repair = self.env["repair.order"].create({"partner_id": self.consumer.id, "product_id": toaster.id})
        self.assertFalse(repair.qualirepar_control_point_ids)
        self.assertIn("The fiche métier of this device is not known", repair.qualirepar_checklist_notice)
        fiche = self.env["qualirepar.fiche.metier"].create({"name": "Sans points", "number": 99})
        repair.qualirepar_fiche_metier_id = fiche
        self.assertIn("has no control point for this device", repair.qualirepar_checklist_notice)

    def test_badge_counts_the_non_compliant_points(self):
        repair = self.intake()
        insulation = repair.qualirepar_checkout_point_ids.filtered(lambda p: p.kind == "measure")[:1]
        self.assertTrue(insulation.min_value or insulation.max_value, insulation.name)
        self.assertTrue(insulation.bounds)
        total = len(repair.qualirepar_checkout_point_ids)
        for point in repair.qualirepar_checkout_point_ids.with_user(self.technician):
            point.write({"value_measure": point.min_value or point.max_value} if point.kind == "measure"
                        else {"value_yes_no": "yes"} if point.kind == "yes_no" else {"value_text": "ok"})
        self.assertEqual(repair.qualirepar_checkout_progress, f"{total}/{total}")
        self.assertEqual(repair.qualirepar_checkout_noncompliant, 0)
        out_of_bounds = (insulation.min_value / 2) if insulation.min_value else insulation.max_value * 2
        insulation.with_user(self.technician).value_measure = out_of_bounds
        self.assertEqual(repair.qualirepar_checkout_progress, f"{total}/{total} · 1 not compliant")
        self.assertEqual(repair.qualirepar_checkout_noncompliant, 1)


@tagged("post_install", "-at_install")
class TestPhoneIntakeTour(HttpCase, IntakeCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_guided_intake_and_checklist_cards_on_a_phone(self):
        """The clerk takes the washing machine in on a phone: the QualiRépar page first, the scan button inside
        the serial number, the brand from the product, a photo in one tap; the technician answers the points
        on cards."""
        self.washer.name = "Lave-linge Bosch Serie 6 Atelier"
        clerk = new_test_user(self.env, "phone_tour", groups="ecorepair_qualirepar.group_qualirepar_user")
        self.start_tour("/odoo/action-repair.action_repair_order_tree/new", "qualirepar_phone_intake_tour",
                        login=clerk.login)
        repair = self.env["repair.order"].search([("qualirepar_serial_number", "=", "FD9904-012345")])
        self.assertEqual(repair.qualirepar_brand_id, self.bosch)
        self.assertEqual(repair.qualirepar_decision, "free")
        self.assertEqual(len(repair.qualirepar_device_photo_ids), 1)
        self.assertTrue(repair.qualirepar_device_photo_ids.mimetype.startswith("image/"))
        points = repair.qualirepar_control_point_ids.filtered("is_answered")
        self.assertEqual(points.mapped("name"), ["Written diagnostic procedure followed"])
        self.assertEqual(points.done_by_id, clerk)
        self.assertEqual(repair.state, "under_repair")


@tagged("post_install", "-at_install")
class TestControlPointBounds(IntakeCase):

    def test_bounds_in_the_readers_number_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        repair = self.intake()
        earth = repair.qualirepar_checkout_point_ids.filtered(lambda p: p.max_value and not p.min_value)[:1]
        self.assertTrue(earth, "a check-out point with a maximum only")
        unit = f" {earth.unit}" if earth.unit else ""
        self.assertEqual(earth.bounds, f"at most {earth.max_value:g}{unit}")
        french = earth.with_context(lang="fr_FR")
        self.assertIn(f"{earth.max_value:g}".replace(".", ","), french.bounds)
