import base64
from unittest.mock import patch

import lxml.html

from odoo.tests import HttpCase, tagged

from .common_bonus import BonusCase
from .test_claim_transmission import PNG, SIGNED

CHECK_LOGGER = "odoo.addons.ecorepair_qualirepar.models.qualirepar_claim_check"


@tagged("post_install", "-at_install")
class TestClaimCheck(BonusCase):
    """Before anything is sent, a claim is checked against the organisms' rejection causes."""

    def order(self, repair=None, lines=None):
        """The confirmed quote of ``repair`` (a laptop with its nameplate photo by default)."""
        repair = repair or self.repair(qualirepar_nameplate_photo=PNG)
        order = self.quote(repair, *(lines or [(self.labour, 100), (self.screen, 50)]))
        order.action_confirm()
        return order

    def claim(self, repair=None, lines=None, document=True):
        """The claim opened by invoicing the quote, with the customer's signed scan unless ``document`` is
        False."""
        claim = self.invoice(self.order(repair, lines)).qualirepar_claim_ids
        self.assertEqual(len(claim), 1)
        if document:
            claim.write({"consumer_document": SIGNED, "consumer_document_name": "attestation.pdf"})
            claim.action_check()
        return claim

    def reverse(self, invoice):
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "reason": "Doublon"})
        self.env["account.move"].browse(wizard.refund_moves()["res_id"]).action_post()

    def assertIssues(self, claim, *causes):
        self.assertEqual(claim.state, "to_fix")
        for cause in causes:
            self.assertIn(cause, claim.check_issues)
        self.assertEqual(len(claim.check_issues.splitlines()), len(causes), claim.check_issues)

    def assertReady(self, claim):
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        self.assertFalse(claim.check_issues)

    def test_a_complete_claim_is_ready_to_send(self):
        claim = self.claim()
        self.assertReady(claim)
        self.assertEqual(claim._qualirepar_check_issues(), [])

    def test_what_is_missing_is_listed_and_fixed(self):
        """A laptop (fiche 7, EI&T) without its nameplate photo nor the customer's document: both asked for,
        the claim waits; once added and checked, it goes."""
        claim = self.claim(repair=self.repair(), document=False)
        self.assertIssues(claim, "Rejection cause 15: the nameplate photo of this device is missing; add it on the "
                          "repair.", "signed document")
        self.assertTrue(claim.check_issues.startswith("• "))
        claim.repair_id.qualirepar_nameplate_photo = PNG
        claim.consumer_document = SIGNED
        self.assertEqual(claim.state, "to_fix")  # until the shop clicks Check
        claim.action_check()
        self.assertReady(claim)

    def test_quote_signed_online_is_the_customers_document(self):
        order = self.order()
        order.signature = PNG
        claim = self.invoice(order).qualirepar_claim_ids
        self.assertEqual(claim.consumer_document_pending, "quote", "the form says the signed quote is sent")
        self.assertReady(claim)

    def test_no_siret_nor_customer_details(self):
        self.company.company_registry = False
        self.customer.write({"email": False, "zip": False})
        claim = self.claim()
        self.assertIssues(claim, "Rejection cause 01: the shop's SIRET is missing", "e-mail is missing",
                          "postcode or city is missing")
        # Each issue links to the record where it is fixed: the company, the customer.
        items = lxml.html.fromstring(claim.check_issues_html).xpath("//li")
        self.assertEqual([item.xpath("string(a/@href)") for item in items], [
            f"/odoo/res.company/{self.company.id}", f"/odoo/res.partner/{self.customer.id}",
            f"/odoo/res.partner/{self.customer.id}"])
        self.assertIn("SIRET is missing", items[0].text_content())
        self.assertIn(f"Open {self.company.name}", items[0].xpath("string(a)"))
        self.company.company_registry = "30326504500012"
        self.customer.write({"email": "marie@example.com", "zip": "69003"})
        claim.action_check()
        self.assertReady(claim)
        self.assertFalse(claim.check_issues_html)

    def test_kanban_columns_in_workflow_order(self):
        self.claim()
        groups = self.env["qualirepar.claim"].read_group([], ["state"], ["state"])
        self.assertEqual([group["state"] for group in groups],
                         ["to_fix", "to_send", "sent", "approved", "paid", "rejected"])
        self.claim().sudo().state = "cancel"
        groups = self.env["qualirepar.claim"].read_group([], ["state"], ["state"])
        self.assertEqual([group["state"] for group in groups][6:], ["cancel"])

    def test_used_part_without_consent(self):
        """A quote with a used part needs the customer's consent to be confirmed; withdrawn afterwards, the
        claim would be rejected (cause 14)."""
        used = self._create_product(name="Écran d'occasion", type="consu", lst_price=50,
                                    taxes_id=[(6, 0, self.vat20.ids)], invoice_policy="order",
                                    qualirepar_part_origin="used")
        repair = self.repair(qualirepar_nameplate_photo=PNG, qualirepar_consent_piec=True)
        order = self.order(repair, [(self.labour, 100), (used, 50)])
        repair.qualirepar_consent_piec = False
        claim = self.invoice(order).qualirepar_claim_ids
        claim.consumer_document = SIGNED
        claim.action_check()
        self.assertIssues(claim, "Rejection cause 14: used or circular-economy parts without the customer's "
                          "consent; record it on the repair.")
        repair.qualirepar_consent_piec = True
        claim.action_check()
        self.assertReady(claim)

    def test_the_same_device_twice_is_a_duplicate(self):
        first = self.claim()
        # The same serial number, typed another way, is the same device.
        second = self.claim(repair=self.repair(qualirepar_nameplate_photo=PNG,
                                               qualirepar_serial_number="r5cw-12 abcde"))
        self.assertIssues(second, f"Rejection cause 05: the same device already has the claim {first.name}")
        self.assertEqual(len(second._qualirepar_check_issues()), 1)
        first.action_check()
        self.assertReady(first)  # the first claim of the device stays good
        # The first invoice was the mistake: cancelled by a credit note, the second claim can go.
        self.reverse(first.invoice_id)
        self.assertEqual(first.state, "cancel")
        second.action_check()
        self.assertReady(second)

    def test_two_devices_on_one_invoice(self):
        """Each device of a grouped invoice has its own claim, for its own bonus: both good."""
        orders = self.order() | self.order(self.repair(qualirepar_nameplate_photo=PNG,
                                                       qualirepar_serial_number="R5CW99ZZZZZ"))
        invoice = orders._create_invoices()
        invoice.action_post()
        claims = invoice.qualirepar_claim_ids
        self.assertEqual((len(invoice), claims.mapped("amount")), (1, [50, 50]))
        claims.consumer_document = SIGNED
        claims.action_check()
        self.assertEqual(claims.mapped("state"), ["to_send", "to_send"], claims.mapped("check_issues"))

    def test_business_customer(self):
        """The quote of a company gets no bonus; a customer found to be a company afterwards stops the claim."""
        claim = self.claim()
        self.customer.is_company = True
        claim.action_check()
        self.assertIssues(claim, "Rejection cause 03")

    def test_a_failing_check_does_not_stop_the_invoice(self):
        order = self.order()
        Claim = self.registry["qualirepar.claim"]
        with patch.object(Claim, "_qualirepar_check_issues", side_effect=ValueError("boom")), \
                self.assertLogs(CHECK_LOGGER, "ERROR"):
            invoice = self.invoice(order)
        self.assertEqual(invoice.state, "posted")
        self.assertIssues(invoice.qualirepar_claim_ids, "could not be checked automatically; click Check")
        invoice.qualirepar_claim_ids.consumer_document = SIGNED
        invoice.qualirepar_claim_ids.action_check()
        self.assertReady(invoice.qualirepar_claim_ids)

    def test_sent_claims_are_not_checked_again(self):
        claim = self.claim()
        claim.state = "sent"
        self.customer.email = False
        claim.action_check()
        self.assertEqual(claim.state, "sent")
        self.assertFalse(claim.check_issues)


@tagged("post_install", "-at_install")
class TestClaimDocuments(BonusCase, HttpCase):
    """The documents sent with a claim: the invoice PDF, the nameplate photo, the customer's document. PDF
    rendering (wkhtmltopdf fetches the assets from the server) needs an HTTP test."""

    def claim(self, signed_online=False):
        photo = self.env["ir.attachment"].create({"name": "etat-ecran.png", "raw": base64.b64decode(PNG)})
        repair = self.repair(qualirepar_nameplate_photo=PNG, qualirepar_device_photo_ids=[(6, 0, photo.ids)])
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        if signed_online:
            order.signature = PNG
        return self.invoice(order).qualirepar_claim_ids.with_context(force_report_rendering=True)

    def test_documents(self):
        claim = self.claim()
        claim.write({"consumer_document": SIGNED, "consumer_document_name": "attestation.pdf"})
        documents = claim._qualirepar_documents()
        self.assertEqual([d["kind"] for d in documents],
                         ["invoice", "nameplate", "device_picture", "consumer_validation"])
        documents = {d["kind"]: d for d in documents}
        invoice = documents["invoice"]
        self.assertTrue(invoice["content"].startswith(b"%PDF"))
        self.assertEqual((invoice["extension"], invoice["mimetype"]), ("pdf", "application/pdf"))
        self.assertEqual(invoice["name"], f"{claim.invoice_id.name.replace('/', '_')}.pdf")
        self.assertEqual(documents["nameplate"]["content"], base64.b64decode(PNG))
        self.assertEqual((documents["nameplate"]["extension"], documents["nameplate"]["mimetype"]),
                         ("png", "image/png"))
        self.assertEqual((documents["device_picture"]["name"], documents["device_picture"]["extension"]),
                         ("etat-ecran.png", "png"))
        self.assertEqual(documents["consumer_validation"]["name"], "attestation.pdf")
        self.assertEqual(documents["consumer_validation"]["content"], base64.b64decode(SIGNED))
        # Rendered once, kept on the claim, and shown there.
        self.assertEqual(claim.invoice_pdf_id.mimetype, "application/pdf")
        self.assertEqual((claim.invoice_pdf_id.res_model, claim.invoice_pdf_id.res_id), (claim._name, claim.id))
        with patch.object(self.registry["ir.actions.report"], "_render_qweb_pdf",
                          side_effect=AssertionError("rendered twice")):
            self.assertEqual(claim._qualirepar_documents()[0]["content"], invoice["content"])

    def test_quote_signed_online(self):
        """Without a scan, the quote signed online is the customer's document: its PDF, kept on the claim."""
        claim = self.claim(signed_online=True)
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        self.assertFalse(claim.consumer_document)
        documents = {d["kind"]: d for d in claim._qualirepar_documents()}
        consumer = documents["consumer_validation"]
        self.assertTrue(consumer["content"].startswith(b"%PDF"))
        self.assertEqual((consumer["extension"], consumer["mimetype"]), ("pdf", "application/pdf"))
        self.assertEqual(base64.b64decode(claim.consumer_document), consumer["content"])
        self.assertTrue(claim.consumer_document_name.endswith(".pdf"))
