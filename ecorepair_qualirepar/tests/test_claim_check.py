import base64

from odoo.tests import HttpCase, tagged

from .common_bonus import BonusCase
from .test_claim_transmission import PNG, SIGNED


@tagged("post_install", "-at_install")
class TestClaimCheck(BonusCase):
    """Before anything is sent, a claim is checked against the organisms' rejection causes."""

    def claim(self, repair=None, lines=None, document=True):
        repair = repair or self.repair(qualirepar_nameplate_photo=PNG)
        order = self.quote(repair, *(lines or [(self.labour, 100), (self.screen, 50)]))
        order.action_confirm()
        claim = self.invoice(order).qualirepar_claim_ids
        if document:
            claim.consumer_document = SIGNED
            claim.action_check()
        return claim

    def test_a_complete_claim_is_ready_to_send(self):
        claim = self.claim()
        self.assertEqual(claim.state, "to_send")
        self.assertFalse(claim.check_issues)

    def test_what_is_missing_is_listed_and_fixed(self):
        claim = self.claim(repair=self.repair(), document=False)
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("Rejection cause 15: the nameplate photo", claim.check_issues)
        self.assertIn("signed document", claim.check_issues)
        claim.repair_id.qualirepar_nameplate_photo = PNG
        claim.consumer_document = SIGNED
        claim.action_check()
        self.assertEqual(claim.state, "to_send")

    def test_rejection_causes(self):
        self.company.company_registry = False
        self.customer.email = False
        claim = self.claim()
        self.assertIn("Rejection cause 01", claim.check_issues)
        self.assertIn("e-mail is missing", claim.check_issues)
        self.company.company_registry = "30326504500012"
        self.customer.email = "marie@example.com"

        # Used parts, then the customer's consent withdrawn: cause 14.
        used = self._create_product(name="Écran d'occasion", type="consu", lst_price=50,
                                    taxes_id=[(6, 0, self.vat20.ids)], invoice_policy="order",
                                    qualirepar_part_origin="used")
        repair = self.repair(qualirepar_nameplate_photo=PNG, qualirepar_serial_number="R5CW99",
                             qualirepar_consent_piec=True)
        claim = self.claim(repair=repair, lines=[(self.labour, 100), (used, 50)])
        self.assertEqual(claim.state, "to_send")
        repair.qualirepar_consent_piec = False
        claim.action_check()
        self.assertIn("Rejection cause 14", claim.check_issues)

    def test_the_same_device_twice_is_a_duplicate(self):
        first = self.claim()
        second = self.claim(repair=self.repair(qualirepar_nameplate_photo=PNG))
        self.assertEqual(first.state, "to_send")
        self.assertIn(f"Rejection cause 05: the same device already has the claim {first.name}", second.check_issues)

    def test_business_customer(self):
        """The quote of a company gets no bonus; a customer found to be a company afterwards stops the claim."""
        claim = self.claim()
        self.customer.is_company = True
        claim.action_check()
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("Rejection cause 03", claim.check_issues)


@tagged("post_install", "-at_install")
class TestClaimDocuments(BonusCase, HttpCase):
    """The documents sent with a claim: the invoice PDF, the nameplate photo, the customer's document."""

    def test_documents(self):
        repair = self.repair(qualirepar_nameplate_photo=PNG)
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        claim = self.invoice(order).qualirepar_claim_ids
        claim.write({"consumer_document": SIGNED, "consumer_document_name": "attestation.pdf"})
        documents = {d["kind"]: d for d in claim.with_context(force_report_rendering=True)._qualirepar_documents()}
        self.assertEqual(set(documents), {"invoice", "nameplate", "consumer_validation"})
        self.assertTrue(documents["invoice"]["content"].startswith(b"%PDF"))
        self.assertEqual(documents["invoice"]["extension"], "pdf")
        self.assertEqual(documents["nameplate"]["content"], base64.b64decode(PNG))
        self.assertEqual(documents["nameplate"]["extension"], "png")
        self.assertEqual(documents["consumer_validation"]["name"], "attestation.pdf")
        # Rendered once, kept on the claim.
        self.assertEqual(claim.invoice_pdf_id.mimetype, "application/pdf")
        self.assertEqual(claim._qualirepar_documents()[0]["content"], documents["invoice"]["content"])
