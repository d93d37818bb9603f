from odoo.tests import HttpCase, tagged

from .test_intake import IntakeCase


@tagged("post_install", "-at_install")
class TestBonusTour(HttpCase, IntakeCase):
    """Quote with bonus → confirm → invoice → the eco-organism's and the customer's ledgers, in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing()
        admin = cls.env.ref("base.user_admin")
        admin.groups_id |= cls.env.ref("account.group_account_manager") | cls.env.ref("account.group_account_user")

    def test_quote_to_ledgers(self):
        repair = self.intake()
        self.start_tour(f"/odoo/action-repair.action_repair_order_tree/{repair.id}", "qualirepar_bonus_tour",
                        login="admin")
        invoice = repair.sale_order_id.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual((invoice.amount_total, invoice.amount_residual), (120, 70))
        self.assertEqual(invoice.qualirepar_claim_ids.amount, 50)
        self.assertEqual(invoice.partner_id.credit, 70)
