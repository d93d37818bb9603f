from odoo.tests import HttpCase, tagged

from .test_intake import IntakeCase


@tagged("post_install", "-at_install")
class TestBonusTour(HttpCase, IntakeCase):
    """Quote with bonus → confirm → invoice → the eco-organism's and the customer's ledgers, in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company._qualirepar_ensure_bonus_account()
        tax = cls.env["account.tax"].create({"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"})
        cls.env["product.product"].create({
            "name": "Forfait réparation lave-linge", "type": "service", "invoice_policy": "order", "list_price": 100,
            "taxes_id": [(6, 0, tax.ids)]})
        admin = cls.env.ref("base.user_admin")
        admin.groups_id |= cls.env.ref("account.group_account_manager") | cls.env.ref("account.group_account_user")

    def test_quote_to_ledgers(self):
        repair = self.intake()
        self.start_tour(f"/odoo/action-repair.action_repair_order_tree/{repair.id}", "qualirepar_bonus_tour",
                        login="admin")
        invoice = repair.sale_order_id.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 70)
        self.assertEqual(invoice.qualirepar_claim_ids.amount, 50)
