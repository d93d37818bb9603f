import base64
from datetime import datetime, time, timedelta

import pytz
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .test_intake import IntakeCase

PARIS = pytz.timezone("Europe/Paris")
PNG = base64.b64encode(base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))


def at(day, hour, minute=0):
    """A time of ``day`` in Paris, as Odoo stores it (naive UTC)."""
    return PARIS.localize(datetime.combine(day, time(hour, minute))).astimezone(pytz.UTC).replace(tzinfo=None)


class TerminalCase(IntakeCase):
    """A technician and a colleague, both qualified for the washing machines' fiche métier, and parts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = datetime.now(PARIS).date()
        cls.technician = new_test_user(cls.env, "terminal_tech", tz="Europe/Paris",
                                       groups="ecorepair_qualirepar.group_qualirepar_user")
        cls.colleague = new_test_user(cls.env, "terminal_colleague", tz="Europe/Paris",
                                      groups="ecorepair_qualirepar.group_qualirepar_user")
        Employee = cls.env["hr.employee"]
        cls.employee = Employee.create({"name": "Théo Terrain", "user_id": cls.technician.id})
        cls.other_employee = Employee.create({"name": "Autre technicien", "user_id": cls.colleague.id})
        cls.env["hr.resume.line"].create([
            {"employee_id": employee.id, "qualirepar_fiche_metier_id": cls.fiche.id, "date_start": "2024-01-01",
             "name": "Habilitation GEM"} for employee in cls.employee | cls.other_employee])
        cls.seal = cls.env["product.product"].create(
            {"name": "Joint de hublot", "is_storable": True, "type": "consu"})
        cls.pump = cls.env["product.product"].create(
            {"name": "Pompe de vidange", "is_storable": True, "type": "consu"})
        stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.env["stock.quant"]._update_available_quantity(cls.seal, stock, 3)
        cls.customer_far = cls.env["res.partner"].create({
            "name": "Julien Martin", "street": "18 avenue Jean Jaurès", "zip": "69007", "city": "Lyon",
            "mobile": "+33 6 98 76 54 32", "partner_latitude": 45.745, "partner_longitude": 4.8415})

    @classmethod
    def visit(cls, when, technician=None, **values):
        return cls.env["repair.order"].create({
            "partner_id": cls.consumer.id, "product_id": cls.washer.id, "qualirepar_brand_id": cls.bosch.id,
            "qualirepar_out_of_warranty": True, "qualirepar_intervention_type": "onsite",
            "qualirepar_technician_id": (technician or cls.employee).id, "schedule_date": when,
            "qualirepar_decision": "free", **values})

    @staticmethod
    def answer(points, compliant=True):
        for point in points:
            if point.kind == "measure":
                value = point.min_value or point.max_value
                point.value_measure = value if compliant else (value / 2 if point.min_value else value * 2)
            elif point.kind == "yes_no":
                point.value_yes_no = "yes" if compliant else "no"
            elif point.kind == "photo":
                point.photo = PNG
            else:
                point.value_text = "ok"


@tagged("post_install", "-at_install")
class TestFieldTerminal(TerminalCase):
    """The technician's day on the phone (F22), as the workshop user who opens it."""

    def my_day(self, user):
        """The repairs the menu "My day" shows ``user``, in the order of its cards."""
        menu = self.env.ref("ecorepair_qualirepar.menu_qualirepar_terminal")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids(), "the menu is theirs")
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(
            "ecorepair_qualirepar.action_qualirepar_terminal")
        domain = safe_eval(action["domain"], {"uid": user.id})
        context = safe_eval(action["context"], {"uid": user.id})
        views = dict((mode, view_id) for view_id, mode in action["views"])
        search = etree.fromstring(self.env["ir.ui.view"].browse(action["search_view_id"][0]).arch)
        for key in context:
            if key.startswith("search_default_"):
                name = key.removeprefix("search_default_")
                domain += safe_eval(search.xpath(f"//filter[@name='{name}']")[0].get("domain"))
        kanban = etree.fromstring(self.env["ir.ui.view"].browse(views["kanban"]).arch)
        return self.env["repair.order"].with_user(user).search(domain, order=kanban.get("default_order"))

    def test_only_my_day_in_its_order(self):
        afternoon = self.visit(at(self.today, 14))
        morning = self.visit(at(self.today, 9, 30))
        early = self.visit(at(self.today, 0, 30))  # before 1 a.m. in Paris: the day before in UTC
        tomorrow = self.visit(at(self.today + timedelta(days=1), 9))
        self.visit(at(self.today - timedelta(days=1), 23, 30))  # yesterday evening
        self.intake(qualirepar_technician_id=self.employee.id, schedule_date=at(self.today, 11))  # in the workshop
        colleagues = self.visit(at(self.today, 10), technician=self.other_employee)
        self.visit(at(self.today, 16)).action_repair_cancel()
        self.assertEqual(self.my_day(self.technician), early | morning | afternoon)
        self.assertEqual(self.my_day(self.colleague), colleagues)
        self.assertEqual(morning.with_user(self.technician).qualirepar_visit_time, "09:30")
        self.assertEqual(early.with_user(self.technician).qualirepar_visit_time, "00:30")
        self.assertRegex(tomorrow.with_user(self.technician).qualirepar_visit_time,
                         rf"^\w+\.? {(self.today + timedelta(days=1)).day} \w+\.? 09:00$",
                         "another day's visit tells its day")
        accountant = new_test_user(self.env, "terminal_accountant",
                                   groups="ecorepair_qualirepar.group_qualirepar_accountant")
        menu = self.env.ref("ecorepair_qualirepar.menu_qualirepar_terminal")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(accountant)._visible_menu_ids())

    def test_map_and_phone_links(self):
        visit = self.visit(at(self.today, 9)).with_user(self.technician)
        self.assertEqual(visit.qualirepar_visit_address, "3 rue des Lilas, 69003 Lyon")
        self.assertEqual(visit.qualirepar_map_url,
                         "https://www.openstreetmap.org/search?query=3+rue+des+Lilas%2C+69003+Lyon")
        self.assertEqual(visit.qualirepar_phone_url, "tel:0612345678")
        located = self.visit(at(self.today, 10), partner_id=self.customer_far.id).with_user(self.technician)
        self.assertEqual(located.qualirepar_map_url, "https://www.openstreetmap.org/?mlat=45.745000&mlon=4.841500"
                         "#map=18/45.745000/4.841500", "the customer's coordinates, where known")
        self.assertEqual(located.qualirepar_phone_url, "tel:+33698765432", "the mobile, first")
        nowhere = self.visit(at(self.today, 11), partner_id=self.business.id).with_user(self.technician)
        self.assertFalse(nowhere.qualirepar_map_url or nowhere.qualirepar_phone_url, "no link to nowhere")
        arch = self.env["repair.order"].with_user(self.technician).get_views(
            [(self.env.ref("ecorepair_qualirepar.repair_order_view_kanban_qualirepar_terminal").id, "kanban")]
        )["views"]["kanban"]["arch"]
        self.assertIn('name="qualirepar_map_url" widget="qualirepar_link_button"', arch)
        self.assertIn('name="qualirepar_phone_url" widget="qualirepar_link_button"', arch)

    def test_what_to_bring(self):
        visit = self.visit(at(self.today, 9), move_ids=[
            (0, 0, {"product_id": self.seal.id, "product_uom_qty": 1, "repair_line_type": "add"}),
            (0, 0, {"product_id": self.pump.id, "product_uom_qty": 2, "repair_line_type": "add"}),
        ])
        technician_visit = visit.with_user(self.technician)
        self.assertIn("1 × Joint de hublot</span><span class=\"badge text-bg-info flex-shrink-0 align-self-start\">In stock, free: 3",
                      technician_visit.qualirepar_parts_to_bring, "before confirming, the stock's free quantity")
        self.assertIn("2 × Pompe de vidange</span><span class=\"badge text-bg-danger flex-shrink-0 align-self-start\">Missing",
                      technician_visit.qualirepar_parts_to_bring)
        technician_visit.action_validate()
        technician_visit.invalidate_recordset(["qualirepar_parts_to_bring"])
        self.assertIn("1 × Joint de hublot</span><span class=\"badge text-bg-success flex-shrink-0 align-self-start\">Reserved",
                      technician_visit.qualirepar_parts_to_bring, "confirmed, the part is reserved for the visit")
        self.assertIn("Missing", technician_visit.qualirepar_parts_to_bring)

    def test_closed_on_site_with_the_customers_signature(self):
        visit = self.visit(at(self.today, 9), move_ids=[
            (0, 0, {"product_id": self.seal.id, "product_uom_qty": 1, "repair_line_type": "add"})])
        visit = visit.with_user(self.technician)
        visit.action_validate()
        self.assertTrue(visit.qualirepar_checkin_point_ids and visit.qualirepar_checkout_point_ids)
        self.answer(visit.qualirepar_checkin_point_ids)
        visit.action_repair_start()
        self.assertEqual(visit.state, "under_repair")
        self.answer(visit.qualirepar_checkout_point_ids)
        visit.action_repair_end()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.move_ids.state, "done", "the part used on site leaves the stock")
        self.assertIn("Fitted", visit.qualirepar_parts_to_bring)
        visit.qualirepar_handback_signature = PNG
        self.assertEqual(visit.qualirepar_handback_signed_by, "Marie Dupont")
        self.assertTrue(visit.qualirepar_handback_signed_on)
        self.assertEqual(visit.qualirepar_delivered_date, visit.qualirepar_handback_signed_on,
                         "signed on site: the device is handed back")
        self.assertEqual(visit._qualirepar_signed_document()[0], "handback", "the claim's signed document")

    def test_refusals_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        visit = self.visit(at(self.today, 9)).with_user(self.technician).with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "ne peut pas démarrer : ces points de contrôle d.entrée"):
            visit.action_repair_start()
        self.assertEqual(visit.state, "draft")
        self.answer(visit.qualirepar_checkin_point_ids)
        visit.action_repair_start()
        self.assertEqual(visit.state, "under_repair", "the visit not confirmed beforehand is confirmed and started")
        with self.assertRaisesRegex(ValidationError, "n'est pas encore réparée"):
            visit.qualirepar_handback_signature = PNG
        self.answer(visit.qualirepar_checkout_point_ids, compliant=False)
        with self.assertRaisesRegex(UserError, "ne peut pas être terminée"):
            visit.action_repair_end()
        self.assertEqual(visit.state, "under_repair")
        visit.qualirepar_decision = False
        self.answer(visit.qualirepar_checkout_point_ids)
        with self.assertRaisesRegex(UserError, "personne n'a encore décidé"):
            visit.action_repair_end()
        self.assertEqual(visit.state, "under_repair")


@tagged("post_install", "-at_install")
class TestFieldTerminalTour(HttpCase, TerminalCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_technicians_day_on_a_phone(self):
        """The technician opens the day on the phone, the morning's visit, answers the check-in, starts, answers
        the check-out, closes the repair on site and hands the phone to the customer, who signs."""
        morning = self.visit(at(self.today, 9), move_ids=[
            (0, 0, {"product_id": self.seal.id, "product_uom_qty": 1, "repair_line_type": "add"})])
        morning.action_validate()
        afternoon = self.visit(at(self.today, 14), partner_id=self.customer_far.id)
        self.visit(at(self.today + timedelta(days=1), 9), qualirepar_fault_description="Demain")
        self.visit(at(self.today, 10), technician=self.other_employee, qualirepar_fault_description="Collègue")
        self.start_tour("/odoo/action-ecorepair_qualirepar.action_qualirepar_terminal", "qualirepar_terminal_tour",
                        login=self.technician.login)
        self.assertEqual(morning.state, "done")
        self.assertEqual(morning.move_ids.state, "done")
        self.assertTrue(morning.qualirepar_handback_signature)
        self.assertEqual(morning.qualirepar_handback_signed_by, "Marie Dupont")
        self.assertEqual(morning.qualirepar_checkin_point_ids.done_by_id, self.technician)
        self.assertEqual(afternoon.state, "draft", "the afternoon's visit is untouched")
