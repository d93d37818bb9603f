from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_bonus import BonusCase
from .test_security import ROLES


@tagged("post_install", "-at_install")
class TestMoneyByHand(BonusCase):
    """The bonus, the quote's bonus line and the claims change only through the add-on's own methods: each role
    does its job, and a direct write (a form, an RPC call) of an amount or a state is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {role: new_test_user(cls.env, f"money_{role}", groups=ROLES[role], company_id=cls.company.id)
                     for role in ("warehouse", "workshop", "front_office", "accountant", "manager")}

    def as_(self, role, records):
        return records.with_user(self.users[role])

    def test_bonus_of_a_repair_set_by_the_lookup_only(self):
        repair = self.repair(qualirepar_price_estimate=180)
        for role in ("warehouse", "workshop", "front_office", "accountant"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.as_(role, repair).write({"qualirepar_bonus_amount": 404})
        with self.assertRaises(AccessError):
            self.as_("workshop", self.env["repair.order"]).create(
                {"partner_id": self.customer.id, "product_id": self.laptop.id, "qualirepar_bonus_amount": 404})
        self.as_("workshop", repair).action_qualirepar_check_bonus()
        self.assertEqual(repair.qualirepar_bonus_amount, 50)
        self.as_("manager", repair).qualirepar_bonus_amount = 45  # the manager's correction
        self.assertEqual(repair.qualirepar_bonus_amount, 45)

    def test_front_office_quotes_and_invoices_without_touching_the_bonus(self):
        order = self.quote(self.as_("front_office", self.repair()), (self.labour, 100), (self.screen, 50))
        self.assertEqual(self.bonus(order), 50)
        labour = order.order_line.filtered(lambda l: l.product_id == self.labour)
        with self.assertRaises(AccessError):
            order.qualirepar_bonus_amount = 404
        with self.assertRaises(AccessError):
            labour.qualirepar_is_bonus = True
        with self.assertRaises(AccessError):
            order.order_line = [Command.create(
                {"product_id": self.labour.id, "price_unit": -404, "qualirepar_is_bonus": True})]
        labour.price_unit = 120  # the bonus follows the quote, as the add-on's own write
        self.assertEqual((order.amount_total, order.qualirepar_amount_net), (204, 154))
        self.assertEqual(self.bonus(order), 50)

        order.action_confirm()
        invoice = self.as_("front_office", order._create_invoices())  # Odoo makes it as superuser
        self.assertEqual(invoice.qualirepar_bonus_amount, 50)
        with self.assertRaises(AccessError):
            invoice.invoice_line_ids.filtered(lambda l: l.product_id == self.labour).qualirepar_is_bonus = True
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        with self.assertRaises(AccessError):  # the organism's bonus item is the add-on's
            invoice.qualirepar_bonus_move_id.line_ids.filtered("qualirepar_is_bonus").with_user(
                self.users["front_office"]).write({"partner_id": self.customer.id})
        claim = invoice.sudo().qualirepar_claim_ids
        self.assertEqual(claim.amount, 50, "the claim is opened for the front office, who cannot read it")
        with self.assertRaises(AccessError):
            claim.with_user(self.users["front_office"]).read(["amount"])

    def test_claim_amounts_and_states_only_through_its_buttons(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        claim = self.as_("accountant", self.invoice(order).qualirepar_claim_ids)
        for values in ({"state": "paid"}, {"amount": 404}, {"amount_paid": 50}, {"payment_date": "2024-06-01"}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                claim.write(values)
        self.assertEqual((claim.state, claim.amount), ("to_fix", 50))
        claim.remote_ref = "4242"  # found on the organism's site after a lost answer: a person types it
        claim.action_check()
        self.assertEqual(claim.state, "to_fix", "still without the customer's document and the nameplate photo")
        with self.assertRaises(AccessError):
            self.as_("workshop", claim).action_check()
