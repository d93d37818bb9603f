"""F12 and 6.2.2: the parts of a repair ordered from their supplier, their origin (new, used, PIEC) kept from the
purchase to the repair, used parts only with the customer's consent, the traceability report; F24: the stock of the
parts configured by the settings."""

import ast
import subprocess

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSpareParts(HttpCase):
    """wkhtmltopdf fetches the report's assets from the running server: an HTTP test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.supplier = cls.env["res.partner"].create({"name": "Pièces Électro Lyon", "is_company": True})
        cls.customer = cls.env["res.partner"].create({"name": "Claire Martin", "mobile": "+33 6 12 34 56 78"})
        cls.device = cls.env["product.product"].create({"name": "Lave-linge WM-7"})
        categories = {name: cls.env.ref(f"ecorepair_qualirepar.product_category_{name}_parts")
                      for name in ("spare", "used", "piec")}
        cls.pump_piec = cls.env["product.product"].create({
            "name": "Pompe de vidange reconditionnée", "is_storable": True, "tracking": "lot",
            "categ_id": categories["piec"].id,
            "seller_ids": [Command.create({"partner_id": cls.supplier.id, "price": 42.5})],
        })
        cls.belt_used = cls.env["product.product"].create({
            "name": "Courroie d'occasion", "is_storable": True, "categ_id": categories["used"].id})
        cls.belt_new = cls.env["product.product"].create({
            "name": "Courroie neuve", "is_storable": True, "categ_id": categories["spare"].id})
        cls.front = new_test_user(cls.env, "parts_front", groups="ecorepair_qualirepar.group_qualirepar_front_office")
        cls.workshop = new_test_user(cls.env, "parts_workshop", groups="ecorepair_qualirepar.group_qualirepar_user")

    def repair(self, product, consent=True, user=None):
        return self.env["repair.order"].with_user(user or self.front).create({
            "partner_id": self.customer.id, "product_id": self.device.id, "qualirepar_consent_piec": consent,
            "move_ids": [Command.create({"product_id": product.id, "product_uom_qty": 1, "repair_line_type": "add"})],
        })

    def receive(self, product, lot_name=None, quantity=1):
        """A receipt from the supplier, without purchase order."""
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id, "partner_id": self.supplier.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.warehouse.lot_stock_id.id,
            "move_ids": [Command.create({
                "name": product.name, "product_id": product.id, "product_uom_qty": quantity,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id})],
        })
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.write({"quantity": quantity, "lot_name": lot_name})
        receipt.button_validate()
        return receipt

    def order_and_receive(self, repair, lot_name):
        """The front office orders the repair's missing part, confirms the order, receives it with its lot."""
        repair.action_validate()
        action = repair.action_qualirepar_order_parts()
        order = self.env["purchase.order"].with_user(self.front).browse(action["res_id"])
        order.button_confirm()
        receipt = order.picking_ids
        receipt.move_ids.move_line_ids.write({"quantity": 1, "lot_name": lot_name})
        receipt.button_validate()
        return order, receipt

    def pdf_text(self, report, records):
        pdf, kind = self.env["ir.actions.report"].with_user(self.front).with_context(
            force_report_rendering=True)._render_qweb_pdf(report, records.ids)
        self.assertEqual(kind, "pdf")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        return " ".join(text.decode().split())

    # ------------------------------------------------------------------ ordering from the repair
    def test_order_the_missing_part_from_the_repair(self):
        repair = self.repair(self.pump_piec)
        repair.action_validate()
        self.assertEqual(repair.move_ids.state, "confirmed", "nothing in stock: the part is missing")
        action = repair.action_qualirepar_order_parts()
        order = self.env["purchase.order"].browse(action["res_id"])
        self.assertEqual(order.state, "draft", "a request for quotation, for the buyer to send")
        self.assertEqual(order.partner_id, self.supplier)
        self.assertEqual(order.order_line.product_id, self.pump_piec)
        self.assertEqual(order.order_line.product_qty, 1)
        self.assertEqual(order.order_line.price_unit, 42.5)
        self.assertEqual(order.order_line.qualirepar_part_origin, "piec")
        self.assertEqual(order.order_line.qualirepar_repair_ids, repair)
        # linked both ways (Odoo's purchase_repair)
        self.assertEqual(repair.with_user(self.front).purchase_count, 1)
        self.assertEqual(order.repair_count, 1)
        self.assertIn(order.name, repair.message_ids[0].body)
        # ordered once: a second click finds nothing missing, also once the order is confirmed
        with self.assertRaisesRegex(UserError, "missing no part"):
            repair.action_qualirepar_order_parts()
        order.button_confirm()
        self.assertEqual(order.repair_count, 1)
        self.assertEqual(repair.purchase_count, 1)
        with self.assertRaisesRegex(UserError, "missing no part"):
            repair.action_qualirepar_order_parts()

    def test_receipt_with_a_lot_reserves_it_for_the_repair_and_keeps_its_origin(self):
        repair = self.repair(self.pump_piec)
        order, receipt = self.order_and_receive(repair, "LOT-PV-0042")
        self.assertEqual(receipt.state, "done")
        # still linked both ways once confirmed and received
        self.assertEqual(repair.purchase_count, 1)
        self.assertEqual(repair.action_view_purchase_orders()["res_id"], order.id)
        self.assertEqual(order.repair_count, 1)
        self.assertEqual(order.action_view_repair_orders()["res_id"], repair.id)
        self.assertEqual(order.order_line.qualirepar_repair_ids, repair)
        self.assertEqual(receipt.move_ids.qualirepar_part_origin, "piec", "the receipt keeps the origin")
        part = repair.move_ids
        self.assertEqual(part.state, "assigned", "the part received is reserved for its repair")
        self.assertEqual(part.move_line_ids.lot_id.name, "LOT-PV-0042")
        self.assertEqual(part.qualirepar_part_origin, "piec")
        self.assertTrue(repair.qualirepar_parts_received_sent, "F14: all the parts received, the customer is told")
        # the used and PIEC parts are put away apart
        self.assertEqual(receipt.move_line_ids.location_dest_id, self.company.qualirepar_used_parts_location_id)
        # the traceability of the part: supplier, order, receipt, cost
        line = part.move_line_ids
        self.assertEqual(line.qualirepar_supplier_id, self.supplier)
        self.assertEqual(line.qualirepar_purchase_id, order)
        self.assertEqual(line.qualirepar_receipt_id, receipt)
        self.assertEqual(line.qualirepar_cost, 42.5)
        # the supplier's bill
        order.with_user(self.front).action_create_invoice()
        self.assertEqual(line.qualirepar_supplier_bill_ids, order.invoice_ids)
        # the origin goes on to the quote's line and the invoice's
        repair.action_create_sale_order()
        quote_line = repair.sale_order_id.order_line.filtered(lambda l: l.product_id == self.pump_piec)
        self.assertEqual(quote_line.qualirepar_part_origin, "piec")
        # the list of the traceability finds it, per repair and per lot
        action = self.env["ir.actions.act_window"]._for_xml_id("ecorepair_qualirepar.action_qualirepar_parts_trace")
        Lines = self.env["stock.move.line"].with_user(self.front)
        domain = ast.literal_eval(action["domain"])
        self.assertEqual(Lines.search(domain + [("lot_id.name", "=", "LOT-PV-0042")]), line)
        self.assertEqual(Lines.search(domain + [("qualirepar_repair_id", "=", repair.id)]), line)

    def test_a_lot_from_stock_is_traced_to_its_receipt(self):
        receipt = self.receive(self.pump_piec, "LOT-STOCK-7")
        repair = self.repair(self.pump_piec)
        repair.action_validate()
        line = repair.move_ids.move_line_ids
        self.assertEqual(line.lot_id.name, "LOT-STOCK-7")
        self.assertFalse(line.qualirepar_purchase_id, "received without purchase order: no order to show")
        with self.assertRaisesRegex(UserError, "missing no part"):
            repair.action_qualirepar_order_parts()
        self.assertEqual(receipt.move_ids.qualirepar_part_origin, False, "not bought: no purchase line")

    def test_a_part_without_supplier_cannot_be_ordered(self):
        repair = self.repair(self.belt_new)
        repair.action_validate()
        with self.assertRaisesRegex(UserError, "Courroie neuve has no supplier"):
            repair.action_qualirepar_order_parts()
        draft = self.repair(self.pump_piec)
        with self.assertRaisesRegex(UserError, "is not confirmed"):
            draft.action_qualirepar_order_parts()

    def test_the_workshop_does_not_order(self):
        repair = self.repair(self.pump_piec, user=self.workshop)
        repair.action_validate()
        with self.assertRaises(AccessError):
            repair.action_qualirepar_order_parts()
        self.assertFalse(repair.move_ids.created_purchase_line_ids)

    # ------------------------------------------------------------------ the customer's consent (D.224-35)
    def test_used_part_refused_without_consent(self):
        self.receive(self.belt_used)
        repair = self.repair(self.belt_used, consent=False)
        with self.assertRaisesRegex(UserError, "has not accepted them"):
            repair.action_validate()
        self.assertEqual(repair.state, "draft")
        self.assertEqual(self.belt_used.qty_available, 1, "nothing reserved, nothing used")
        # with the customer's consent, reserved from the stock of used parts
        repair.qualirepar_consent_piec = True
        repair.action_validate()
        self.assertEqual(repair.move_ids.state, "assigned")
        self.assertEqual(repair.move_ids.move_line_ids.location_id, self.company.qualirepar_used_parts_location_id)
        # the consent is not withdrawn while the used part is on the repair
        with self.assertRaisesRegex(UserError, "has not accepted them"):
            repair.qualirepar_consent_piec = False
        # nor a used part added to a confirmed repair without consent
        other = self.repair(self.belt_new, consent=False)
        other.action_validate()
        with self.assertRaisesRegex(UserError, "Courroie d'occasion"):
            other.move_ids = [Command.create({"product_id": self.belt_used.id, "product_uom_qty": 1,
                                              "repair_line_type": "add"})]

    def test_refusal_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        repair = self.repair(self.belt_used, consent=False).with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "mais son client ne les a pas acceptées"):
            repair.action_validate()
        repair = self.repair(self.belt_new).with_context(lang="fr_FR")
        repair.action_validate()
        with self.assertRaisesRegex(UserError, "La pièce Courroie neuve n'a pas de fournisseur"):
            repair.action_qualirepar_order_parts()

    def test_a_new_part_needs_no_consent(self):
        self.receive(self.belt_new)
        repair = self.repair(self.belt_new, consent=False)
        repair.action_validate()
        self.assertEqual(repair.move_ids.qualirepar_part_origin, "new")
        self.assertEqual(repair.move_ids.state, "assigned")

    # ------------------------------------------------------------------ stock settings (F24)
    def test_the_settings_configure_odoo_stock(self):
        self.assertEqual(self.belt_used.qualirepar_part_origin, "used", "the origin of its category")
        self.assertEqual(self.pump_piec.qualirepar_part_origin, "piec")
        self.assertIn(self.env.ref("purchase_stock.route_warehouse0_buy"), self.belt_new.route_ids, "parts are bought")
        location = self.company.qualirepar_used_parts_location_id
        self.assertEqual(location.location_id, self.warehouse.lot_stock_id, "inside the stock: reserved from it")
        second_hand = self.env.ref("ecorepair_qualirepar.product_category_second_hand_parts")
        rule = self.env["stock.putaway.rule"].search([("category_id", "=", second_hand.id),
                                                      ("company_id", "=", self.company.id)])
        self.assertEqual(rule.location_out_id, location)
        # another location chosen in the settings: the rule follows; none: the rule goes
        shelf = self.env["stock.location"].create({"name": "Étagère réemploi",
                                                   "location_id": self.warehouse.lot_stock_id.id})
        settings = self.env["res.config.settings"].create({"qualirepar_used_parts_location_id": shelf.id,
                                                            "qualirepar_reserve_parts_at_confirm": False})
        settings.execute()
        self.assertEqual(rule.location_out_id, shelf)
        self.assertTrue(self.env.user.has_group("stock.group_stock_multi_locations"))
        repair_type = self.warehouse.repair_type_id
        self.assertEqual(repair_type.reservation_method, "manual")
        self.assertFalse(self.env["res.config.settings"].create({}).qualirepar_reserve_parts_at_confirm)
        settings = self.env["res.config.settings"].create({"qualirepar_used_parts_location_id": False,
                                                            "qualirepar_reserve_parts_at_confirm": True})
        settings.execute()
        self.assertFalse(rule.exists())
        self.assertEqual(repair_type.reservation_method, "at_confirm")

    # ------------------------------------------------------------------ the report
    def test_traceability_report(self):
        repair = self.repair(self.pump_piec)
        order, receipt = self.order_and_receive(repair, "LOT-PV-0042")
        order.with_user(self.front).action_create_invoice()
        bill = order.invoice_ids
        bill.invoice_date = bill.date = "2026-11-30"
        bill.action_post()
        text = self.pdf_text("ecorepair_qualirepar.action_report_qualirepar_parts_trace", repair)
        self.assertIn(f"Parts traceability {repair.name}", text)
        self.assertIn("Claire Martin", text)
        self.assertIn("LOT-PV-0042", text.replace("- ", "-"), "the lot (its column may wrap it)")
        for expected in ("Pompe de vidange reconditionnée", "Circular economy (PIEC)",
                         "Pièces Électro Lyon", order.name, receipt.name, bill.name, "42.50"):
            self.assertIn(expected, text)
        self.assertIn("Used or PIEC parts accepted by the customer: yes", text)
        lot = repair.move_ids.move_line_ids.lot_id
        text = self.pdf_text("ecorepair_qualirepar.action_report_qualirepar_lot_trace", lot)
        self.assertIn("Repairs of the lot LOT-PV-0042", text)
        for expected in ("Pièces Électro Lyon", order.name, receipt.name, repair.name, "Claire Martin",
                         "Lave-linge WM-7"):
            self.assertIn(expected, text)
        # offered in the Print menu of the front office, who orders the parts
        report = self.env.ref("ecorepair_qualirepar.action_report_qualirepar_parts_trace")
        def printable(user):
            self.env.registry.clear_cache()
            bindings = self.env["ir.actions.actions"].with_user(user).get_bindings("repair.order")
            return [action["id"] for action in bindings.get("report", [])]
        self.assertIn(report.id, printable(self.front))
        self.assertNotIn(report.id, printable(self.workshop))
