from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestChecklist(TransactionCase):
    """Check-in / check-out points of the fiche métier (F7, F20) and the refused quote notice (F21)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fiche_3 = cls.env.ref("ecorepair_qualirepar.fiche_metier_3")
        cls.fiche_8 = cls.env.ref("ecorepair_qualirepar.fiche_metier_8")
        backend = cls.env["qualirepar.backend"].create({"name": "eco", "organism": "ecosystem", "environment": "preprod"})
        tool_type = cls.env["qualirepar.product.type"].create(
            {"backend_id": backend.id, "code": "ECO-OUT", "name": "Outillage", "fiche_metier_id": cls.fiche_8.id})
        Category = cls.env["product.category"]
        cls.tools = Category.create({"name": "Garden tools", "qualirepar_product_type_ids": [(6, 0, tool_type.ids)]})
        cls.chainsaws = Category.create({"name": "Chainsaws", "parent_id": cls.tools.id})
        cls.mowers = Category.create({"name": "Mowers", "parent_id": cls.tools.id})
        Template = cls.env["qualirepar.control.point.template"]
        cls.chain_sharpness = Template.create({
            "fiche_metier_id": cls.fiche_8.id, "product_categ_id": cls.chainsaws.id, "name": "Chain tension checked",
            "phase": "before", "kind": "yes_no"})
        cls.blade = Template.create({
            "fiche_metier_id": cls.fiche_8.id, "product_categ_id": cls.mowers.id, "name": "Blade balance checked",
            "phase": "after", "kind": "yes_no"})
        cls.chainsaw = cls.env["product.product"].create({"name": "Chainsaw CS-50", "categ_id": cls.chainsaws.id})
        cls.mower = cls.env["product.product"].create({"name": "Mower M-40", "categ_id": cls.mowers.id})
        cls.customer = cls.env["res.partner"].create({"name": "Paul Martin", "email": "paul.martin@example.com"})
        cls.technician = new_test_user(cls.env, "checklist_technician", groups="ecorepair_qualirepar.group_qualirepar_user")

    def new_repair(self, product=None):
        return self.env["repair.order"].create({
            "partner_id": self.customer.id, "product_id": (product or self.chainsaw).id, "qualirepar_decision": "free"})

    def point(self, repair, template_xmlid):
        template = self.env.ref(f"ecorepair_qualirepar.{template_xmlid}")
        return repair.qualirepar_control_point_ids.filtered(lambda p: p.template_id == template)

    def answer_all(self, repair, phase):
        for point in repair.qualirepar_control_point_ids.filtered(lambda p: p.phase == phase):
            point.write({"yes_no": {"value_yes_no": "yes"}, "measure": {"value_measure": 1.5}}.get(
                point.kind, {"value_text": "ok"}))

    def test_points_from_fiche_and_category(self):
        repair = self.new_repair()
        self.assertEqual(repair.qualirepar_fiche_metier_id, self.fiche_8)
        expected = self.fiche_8.control_point_template_ids.filtered(lambda t: not t.product_categ_id)
        self.assertTrue(self.env.ref("ecorepair_qualirepar.control_point_template_8_stopping_time") in expected)
        self.assertEqual(repair.qualirepar_control_point_ids.template_id, expected | self.chain_sharpness)
        stopping = self.point(repair, "control_point_template_8_stopping_time")
        self.assertRecordValues(stopping, [{
            "phase": "after", "kind": "measure", "unit": "s", "max_value": 3, "mandatory": True, "is_answered": False}])
        self.assertEqual(repair.qualirepar_checkin_progress, "0/2")

    def test_points_named_in_each_readers_language(self):
        """Saved by a French-speaking user, a repair's points still read in English for an English reader, and in
        French for the French one (the report, the customer): they carry their template's translations."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.chain_sharpness.with_context(lang="fr_FR").name = "Tension de la chaîne vérifiée"
        french_user = new_test_user(self.env, "checklist_fr", groups="ecorepair_qualirepar.group_qualirepar_user",
                                    lang="fr_FR")
        repair = self.env["repair.order"].with_user(french_user).create({
            "partner_id": self.customer.id, "product_id": self.chainsaw.id, "qualirepar_decision": "free"})
        point = repair.qualirepar_control_point_ids.filtered(lambda p: p.template_id == self.chain_sharpness)
        self.assertEqual(point.with_context(lang="en_US").name, "Chain tension checked")
        self.assertEqual(point.with_context(lang="fr_FR").name, "Tension de la chaîne vérifiée")

    def test_start_blocked_by_unanswered_mandatory_point(self):
        repair = self.new_repair().with_user(self.technician)
        self.point(repair, "control_point_template_8_diagnostic").value_yes_no = "yes"
        with self.assertRaises(UserError) as error:
            repair.action_repair_start()
        self.assertIn("Chain tension checked", str(error.exception))
        self.assertNotIn("Simple diagnostic procedure", str(error.exception))
        self.assertEqual(repair.qualirepar_checkin_progress, "1/2")
        point = repair.qualirepar_control_point_ids.filtered(lambda p: p.template_id == self.chain_sharpness)
        point.value_yes_no = "no"
        self.assertEqual(point.done_by_id, self.technician)
        self.assertTrue(point.done_date)
        repair.action_repair_start()
        self.assertEqual(repair.state, "under_repair")

    def test_end_blocked_by_non_compliant_measure(self):
        repair = self.new_repair()
        self.answer_all(repair, "before")
        repair.action_repair_start()
        self.answer_all(repair, "after")
        stopping = self.point(repair, "control_point_template_8_stopping_time")
        stopping.value_measure = 4.2
        self.assertTrue(stopping.is_answered)
        self.assertFalse(stopping.is_compliant)
        with self.assertRaises(UserError) as error:
            repair.action_repair_end()
        self.assertIn("Stopping time of the cutting tool: 4.2 s", str(error.exception))
        self.assertNotIn("Battery", str(error.exception))
        stopping.value_measure = 2
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")

    def test_zero_measure_is_an_answer(self):
        repair = self.new_repair()
        repair.qualirepar_fiche_metier_id = self.fiche_3
        leak = self.point(repair, "control_point_template_3_microwave_leak")
        self.assertFalse(leak.is_answered)
        leak.value_measure = 0
        self.assertTrue(leak.is_answered and leak.is_compliant)
        leak.value_measure = 5.5
        self.assertFalse(leak.is_compliant)

    def test_answered_points_kept_when_product_changes(self):
        repair = self.new_repair()
        tension = repair.qualirepar_control_point_ids.filtered(lambda p: p.template_id == self.chain_sharpness)
        tension.value_yes_no = "yes"
        repair.product_id = self.mower
        templates = repair.qualirepar_control_point_ids.template_id
        self.assertIn(self.blade, templates)
        self.assertTrue(tension.exists(), "an answered point is kept")
        self.assertEqual(len(templates), len(repair.qualirepar_control_point_ids), "no point twice")
        repair.qualirepar_fiche_metier_id = self.fiche_3
        self.assertEqual(
            repair.qualirepar_control_point_ids.template_id,
            self.fiche_3.control_point_template_ids | self.chain_sharpness)

    def test_users_answer_points_but_do_not_configure_them(self):
        repair = self.new_repair().with_user(self.technician)
        point = repair.qualirepar_control_point_ids[:1]
        with self.assertRaises(AccessError):
            point.mandatory = False
        with self.assertRaises(AccessError):
            point.unlink()
        with self.assertRaises(AccessError):
            self.chain_sharpness.with_user(self.technician).unlink()
        self.assertEqual(self.chain_sharpness.with_user(self.technician).name, "Chain tension checked")

    def test_verification_report(self):
        repair = self.new_repair()
        self.answer_all(repair, "before")
        self.point(repair, "control_point_template_8_stopping_time").with_user(self.technician).value_measure = 1.2
        html = str(self.env["ir.actions.report"]._render_qweb_html(
            "ecorepair_qualirepar.action_report_qualirepar_verification", repair.ids)[0], "utf-8")
        for text in (repair.name, "Chainsaw CS-50", self.fiche_8.name, "Chain tension checked",
                     "Stopping time of the cutting tool", "1.2 s", self.technician.name, "Not answered"):
            self.assertIn(text, html)

    def test_refused_quote_sends_fiche_notice(self):
        repair = self.new_repair()
        repair.action_create_sale_order()
        quote = repair.sale_order_id
        repair.action_qualirepar_quote_refused()
        self.assertEqual(repair.state, "cancel")
        self.assertEqual(quote.state, "cancel")
        message = repair.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn("whose safety systems do not work", str(message.body))

    def test_refused_quote_sends_category_notice(self):
        self.tools.qualirepar_risk_notice = "<p>Chainsaw kickback notice</p>"
        repair = self.new_repair()
        with self.assertRaisesRegex(UserError, f"The repair {repair.name} has no quote to refuse"):
            repair.action_qualirepar_quote_refused()
        self.assertEqual(repair.state, "draft")
        repair.action_create_sale_order()
        repair.action_qualirepar_quote_refused()
        self.assertEqual(repair.state, "cancel")
        message = repair.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("Chainsaw kickback notice", str(message.body))
