"""A French repair shop (French chart of accounts) labelled for fiche 7, with ecosystem's laptop scale."""

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import eco_sandbox


class BonusCase(AccountTestInvoicingCommon):
    country_code = "FR"
    chart_template = "fr"

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("stock.group_stock_manager") | cls.env.ref(
            "sales_team.group_sale_manager") | cls.env.ref("ecorepair_qualirepar.group_qualirepar_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.company_registry = "30326504500012"  # the shop's SIRET
        cls.env["qualirepar.backend"].with_context(active_test=False).search([]).unlink()
        cls.backend = cls.env["qualirepar.backend"].create(
            {"name": "ecosystem", "organism": "ecosystem", "environment": "preprod", "company_id": cls.company.id})
        cls.fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_7")
        reference = cls.env(su=True)  # reference data comes from the organisms' synchronisation
        cls.laptop_type = reference["qualirepar.product.type"].create({
            "backend_id": cls.backend.id, "code": "ECO-OP-001", "name": "Ordinateur portable",
            "eligible_from": "2022-12-15", "fiche_metier_id": cls.fiche.id, "piec_bonus": True,
            "amount_ids": [Command.create({"date_from": "2022-12-15", "date_to": "2023-12-31", "amount": 45}),
                           Command.create({"date_from": "2024-01-01", "amount": 50})],
            "threshold_ids": [
                Command.create({"date_from": "2022-12-15", "date_to": "2023-12-31", "minimum_amount": 180}),
                Command.create({"date_from": "2024-01-01", "minimum_amount": 150})],
        })
        cls.samsung = reference["qualirepar.brand"].create(
            {"backend_id": cls.backend.id, "code": "0101", "name": "Samsung", "handled_by": "ecosystem"})
        reference["qualirepar.fiche.label"].create(
            {"backend_id": cls.backend.id, "sheet_type": "7", "fiche_metier_id": cls.fiche.id})
        cls.laptop_code = reference["qualirepar.repair.code"].create(
            {"product_type_id": cls.laptop_type.id, "kind": "repair", "code": "INF02", "name": "Remplacement de l'écran"})
        cls.laptop = cls.env["product.product"].create(
            {"name": "Galaxy Book 3", "qualirepar_product_type_ids": [Command.set(cls.laptop_type.ids)]})
        cls.vat20 = cls.env["account.tax"].search([
            *cls.env["account.tax"]._check_company_domain(cls.company),
            ("type_tax_use", "=", "sale"), ("amount", "=", 20), ("price_include", "=", False)], limit=1)
        cls.labour = cls._create_product(name="Main-d'œuvre atelier", type="service", lst_price=100,
                                         taxes_id=[Command.set(cls.vat20.ids)], invoice_policy="order")
        cls.screen = cls._create_product(name="Écran 15 pouces", type="consu", lst_price=50,
                                         taxes_id=[Command.set(cls.vat20.ids)], invoice_policy="order")
        cls.screen_piec = cls._create_product(name="Écran 15 pouces reconditionné", type="consu", lst_price=40,
                                              taxes_id=[Command.set(cls.vat20.ids)], invoice_policy="order",
                                              qualirepar_part_origin="piec")
        cls.customer = cls.env["res.partner"].create({
            "name": "Marie Dupont", "email": "marie@example.com", "phone": "0612345678", "street": "3 rue des Lilas",
            "zip": "69003", "city": "Lyon", "country_id": cls.env.ref("base.fr").id})
        cls.ecosystem = cls.env.ref("ecorepair_qualirepar.partner_ecosystem")
        cls.bonus_account = cls.company.qualirepar_bonus_account_id

    def repair(self, **values):
        return self.env["repair.order"].create({
            "partner_id": self.customer.id,
            "product_id": self.laptop.id,
            "qualirepar_brand_id": self.samsung.id,
            "qualirepar_serial_number": "R5CW12ABCDE",
            "qualirepar_out_of_warranty": True,
            "qualirepar_repair_code_id": self.laptop_code.id,
            **values,
        })

    def quote(self, repair, *lines):
        """The repair's quote with (product, unit price excl. VAT) lines."""
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.order_line = [Command.create({"product_id": product.id, "price_unit": price}) for product, price in lines]
        return order

    def invoice(self, order, day=None):
        invoice = order._create_invoices()
        if day:
            invoice.invoice_date = day
        invoice.action_post()
        return invoice

    def refund(self, invoice):
        """The credit note of the whole invoice, posted."""
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "reason": "Erreur de saisie"})
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.action_post()
        return refund

    def bonus(self, order):
        """The bonus deducted on the quote (no line: the quote's lines and totals are the full price)."""
        self.assertFalse(order.order_line.filtered("qualirepar_is_bonus"))
        return order.qualirepar_bonus_amount

    def journal(self, move):
        """{(account code, partner name): balance} of a journal entry."""
        result = {}
        for line in move.line_ids:
            key = (line.account_id.code, line.partner_id.name)
            result[key] = move.currency_id.round(result.get(key, 0.0) + line.balance)
        return result


class EcologicBonusCase(BonusCase):
    """BonusCase plus Ecologic (the local sandbox), which handles Seb: a Seb washing machine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.ecologic_backend = cls.env["qualirepar.backend"].create({
            "name": "Ecologic", "organism": "ecologic", "environment": "sandbox", "company_id": cls.company.id,
            "base_url": cls.sandbox.ecologic_url, "api_key": eco_sandbox.API_KEY, "timeout": 10,
        })
        cls.ecologic_backend.action_sync_reference_data()
        reference = cls.env(su=True)
        cls.washer_type = reference["qualirepar.product.type"].search(
            [("backend_id", "=", cls.ecologic_backend.id), ("code", "=", "EEE.M1.001")])
        fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_1")
        cls.washer_type.fiche_metier_id = fiche  # Ecologic's catalogue gives no fiche
        reference["qualirepar.fiche.label"].create(
            {"backend_id": cls.backend.id, "sheet_type": "1", "fiche_metier_id": fiche.id})
        cls.seb = reference["qualirepar.brand"].search(
            [("backend_id", "=", cls.ecologic_backend.id), ("code", "=", "1109")])
        cls.washer = cls.env["product.product"].create(
            {"name": "Lave-linge Seb", "qualirepar_product_type_ids": [Command.set(cls.washer_type.ids)]})
        cls.ecologic = cls.env.ref("ecorepair_qualirepar.partner_ecologic")

    def setUp(self):
        super().setUp()
        self.sandbox.state.reset()

    def washer_repair(self, **values):
        values.setdefault("qualirepar_repair_code_id", False)  # the laptop's repair code is not a washer's
        values.setdefault("qualirepar_serial_number", "SEB-WM-0042")
        values.setdefault("qualirepar_brand_id", self.seb.id)
        return self.repair(product_id=self.washer.id, **values)
