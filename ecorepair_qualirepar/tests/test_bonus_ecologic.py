from unittest.mock import patch

import requests

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_bonus import EcologicBonusCase


@tagged("post_install", "-at_install")
class TestBonusEcologic(EcologicBonusCase):
    """A Seb washing machine: Ecologic's bonus comes from its calculateecosupport API (the local sandbox)."""

    def ecosupport_calls(self):
        return [path for _method, path, _status in self.sandbox.state.request_log
                if "calculateecosupport" in path.lower()]

    def test_bonus_from_ecologic(self):
        repair = self.washer_repair()
        self.assertEqual(repair.qualirepar_organism, "ecologic")
        order = self.quote(repair, (self.labour, 100))  # 120 € incl. VAT
        order.action_qualirepar_check_bonus()
        self.assertEqual(self.bonus(order), 50)
        self.assertEqual((order.amount_total, order.qualirepar_amount_net), (120, 70))
        self.assertEqual(order._qualirepar_report_totals()["bonuses"], [("Bonus réparation QualiRépar (Ecologic)", 50)])
        self.assertTrue(self.ecosupport_calls())
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(self.journal(invoice.qualirepar_bonus_move_id)[("467100", "Ecologic")], 50)
        self.assertEqual((invoice.amount_total, invoice.amount_residual), (120, 70))
        self.assertEqual(invoice.qualirepar_claim_ids.partner_id, self.ecologic)

    def test_ecologic_declines(self):
        """The strict sandbox answers only SupportAmount and EcoOrganizationId (no IsEligible, no Message)."""
        order = self.quote(self.washer_repair(), (self.labour, 30))  # 36 € incl. VAT < 50 € bonus
        order.action_qualirepar_check_bonus()
        self.assertFalse(self.bonus(order))
        self.assertIn("no bonus", order.qualirepar_bonus_message)

    def test_eligible_means_a_positive_amount_from_ecologic_itself(self):
        """An amount counts only from the organism in charge: Ecologic says LG is ecosystem's (EcoOrganizationId)."""
        lg = self.env(su=True)["qualirepar.brand"].search(
            [("backend_id", "=", self.ecologic_backend.id), ("code", "=", "1102")])
        self.assertEqual(lg.handled_by, "ecologic", "this shop's ecosystem catalogue does not list LG")
        order = self.quote(self.washer_repair(qualirepar_brand_id=lg.id), (self.labour, 100))
        order.action_qualirepar_check_bonus()
        self.assertFalse(self.bonus(order))
        self.assertIn("EcoOrganizationId 45", order.qualirepar_bonus_message)
        self.ecologic_backend.eco_organization_code = 45  # the setting, should Ecologic's id not be 44
        order.action_qualirepar_check_bonus()
        self.assertIn("no bonus", order.qualirepar_bonus_message)

    def test_ecologic_unreachable_never_blocks(self):
        order = self.quote(self.washer_repair(), (self.labour, 100))
        order.action_qualirepar_check_bonus()
        self.sandbox.state.inject("5xx", count=100, path_filter="calculateecosupport")
        with self.assertRaisesRegex(UserError, "could not be asked"):
            order.action_qualirepar_check_bonus()
        # Confirming and posting use Ecologic's last answer: no call is made while the user waits.
        calls = len(self.ecosupport_calls())
        no_network = AssertionError("an eco-organism was called while the user confirms or posts")
        with patch.object(requests.Session, "request", side_effect=no_network):
            order.action_confirm()
            self.assertEqual(order.state, "sale")
            self.assertEqual(self.bonus(order), 50)
            invoice = self.invoice(order)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(len(self.ecosupport_calls()), calls, "no call to Ecologic at confirming or posting")
        self.assertEqual(self.journal(invoice.qualirepar_bonus_move_id)[("467100", "Ecologic")], 50)
        claim = invoice.qualirepar_claim_ids
        self.assertEqual(claim.amount, 50)
        # The background refresh asks Ecologic: unreachable, the claim is left as it is.
        claim._qualirepar_refresh_bonus()
        self.assertGreater(len(self.ecosupport_calls()), calls)
        self.assertNotIn("now gives a bonus", claim.check_issues or "")
        self.assertEqual(claim.amount, 50)

    def test_lookup_at_intake(self):
        """F3: before any quote, the shop asks the bonus for an estimated price."""
        repair = self.washer_repair()
        with self.assertRaisesRegex(UserError, "estimated price"):
            repair.action_qualirepar_check_bonus()
        repair.qualirepar_price_estimate = 89
        repair.action_qualirepar_check_bonus()
        self.assertEqual(repair.qualirepar_bonus_amount, 50)
        self.assertTrue(repair.qualirepar_bonus_checked_on)
        laptop_repair = self.repair(qualirepar_price_estimate=120)
        laptop_repair.action_qualirepar_check_bonus()  # ecosystem: its scale, no call
        self.assertEqual(laptop_repair.qualirepar_bonus_amount, 0)
        self.assertIn("below the minimum price", laptop_repair.qualirepar_bonus_message)
