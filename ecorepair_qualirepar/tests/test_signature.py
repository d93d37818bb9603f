"""The customer's signature on the shop's phone, at intake and at hand-back, and the signed document of the claim."""

import base64
import io
import subprocess
from unittest.mock import patch

import lxml.etree
import lxml.html
from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common_bonus import BonusCase
from .test_claim_transmission import PNG, SIGNED


def html_text(content):
    """The text of a report rendered as HTML (tests render reports so), tags removed and spaces folded."""
    return " ".join(lxml.html.fromstring(base64.b64decode(content)).text_content().split())


def _png(color):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), color).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue())


# Another signature: a customer who signs again.
PNG2 = _png("navy")


class SignatureCase(BonusCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workshop = new_test_user(cls.env, "sign_workshop", groups="ecorepair_qualirepar.group_qualirepar_user",
                                     company_id=cls.company.id)

    def signed_repair(self, **values):
        """A laptop at intake with its nameplate photo and the GDPR consent, signed by the customer on the
        workshop's phone."""
        repair = self.repair(qualirepar_nameplate_photo=PNG, qualirepar_consent_gdpr=True, **values)
        repair.with_user(self.workshop).qualirepar_intake_signature = PNG
        return repair

    def done(self, repair):
        repair.write({"state": "done"})
        return repair

    def invoiced_claim(self, repair):
        """The claim of the repair's invoice; posting it renders no PDF."""
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        with self.no_rendering():
            return self.invoice(order).qualirepar_claim_ids

    def no_rendering(self):
        """Nothing is rendered (by wkhtmltopdf, or as HTML in tests) in the user's transaction."""
        return patch.object(self.registry["ir.actions.report"], "_render_qweb_pdf",
                            side_effect=AssertionError("a PDF rendered in the user's transaction"))

    def sign_hand_back(self, repair, signature=PNG, **values):
        """The customer signs the hand-back receipt on the workshop's phone (nothing rendered then)."""
        with self.no_rendering():
            repair.with_user(self.workshop).write({"qualirepar_handback_signature": signature, **values})

    def hint(self, claim):
        """The text the claim's form shows in its Documents group about the signed document to send, or None."""
        arch = lxml.etree.fromstring(claim.get_views([(False, "form")])["views"]["form"]["arch"])
        visible = [" ".join(div.xpath("string()").split())
                   for div in arch.xpath("//group[@name='documents']/div[@invisible]")
                   if div.get("invisible") == f"consumer_document_pending != '{claim.consumer_document_pending}'"]
        return visible[0] if visible else None

    def assert_to_render(self, claim, origin, hint):
        """Ready, nothing rendered yet for the customer's signed document: the form says which one is sent."""
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        self.assertEqual(claim.consumer_document_pending, origin)
        self.assertEqual(self.hint(claim), hint)

    def sent_document(self, claim):
        """The customer's signed document the claim's job sends."""
        documents = claim._qualirepar_documents()
        self.assertEqual(documents[-1]["kind"], "consumer_validation")
        self.assertFalse(claim.consumer_document_pending, "rendered and kept: nothing else to send")
        self.assertEqual(base64.b64decode(claim.consumer_document), documents[-1]["content"])
        return documents[-1]


INTAKE_HINT = "The customer signed the intake slip on the shop's phone: it is sent as their document."
HANDBACK_HINT = "The customer signed the hand-back receipt on the shop's phone: it is sent as their document."
QUOTE_HINT = "The customer signed the quote online: the signed quote is sent as their document."


@tagged("post_install", "-at_install")
class TestSignature(SignatureCase):

    def test_intake_signature_is_stamped(self):
        repair = self.signed_repair()
        self.assertEqual(repair.qualirepar_intake_signed_by, "Marie Dupont", "the customer's name by default")
        self.assertTrue(repair.qualirepar_intake_signed_on)
        self.assertEqual((repair.qualirepar_intake_signed_consent_gdpr, repair.qualirepar_intake_signed_consent_piec),
                         (True, False), "the consents as signed")
        self.assertIn("The customer signed the intake slip (Marie Dupont).", repair.message_ids[0].body)
        # A consent changed afterwards leaves what was signed.
        repair.with_user(self.workshop).qualirepar_consent_piec = True
        self.assertFalse(repair.qualirepar_intake_signed_consent_piec)
        self.assertFalse(repair.qualirepar_handback_signature)

    def test_a_signature_is_replaced_only_by_a_new_one(self):
        repair = self.signed_repair()
        as_workshop = repair.with_user(self.workshop)
        for values in ({"qualirepar_intake_signature": False}, {"qualirepar_intake_signed_by": "Quelqu'un"},
                       {"qualirepar_intake_signed_on": "2020-01-01 10:00:00"},
                       {"qualirepar_intake_signed_consent_piec": True}):
            with self.subTest(values=values), self.assertRaisesRegex(AccessError, "signature is evidence"):
                as_workshop.write(values)
        with self.assertRaises(AccessError):
            self.env["repair.order"].with_user(self.workshop).create({
                "partner_id": self.customer.id, "qualirepar_intake_signed_on": "2020-01-01 10:00:00"})
        # The customer signs again, with the consent to used parts now: a new signature, stamped anew; a date
        # given with it is not taken.
        repair.qualirepar_consent_piec = True
        as_workshop.write({"qualirepar_intake_signature": PNG2, "qualirepar_intake_signed_by": "Marie Dupont-Lefort",
                           "qualirepar_intake_signed_on": "2020-01-01 10:00:00"})
        self.assertEqual(repair.qualirepar_intake_signature, PNG2)
        self.assertEqual(repair.qualirepar_intake_signed_by, "Marie Dupont-Lefort")
        self.assertGreater(repair.qualirepar_intake_signed_on.year, 2020)
        self.assertTrue(repair.qualirepar_intake_signed_consent_piec)
        # The manager corrects a name.
        manager = new_test_user(self.env, "sign_manager", groups="ecorepair_qualirepar.group_qualirepar_manager",
                                company_id=self.company.id)
        repair.with_user(manager).qualirepar_intake_signed_by = "Marie Dupont"
        self.assertEqual(repair.qualirepar_intake_signed_by, "Marie Dupont")

    def test_hand_back_signed_once_repaired(self):
        repair = self.signed_repair()
        with self.assertRaisesRegex(ValidationError, "is not repaired yet"):
            repair.with_user(self.workshop).qualirepar_handback_signature = PNG
        self.done(repair)
        # Someone else collects the device: the name is typed first, then the signature drawn.
        repair.with_user(self.workshop).qualirepar_handback_signed_by = "Paul Dupont"
        repair.with_user(self.workshop).qualirepar_handback_signature = PNG
        self.assertEqual(repair.qualirepar_handback_signed_by, "Paul Dupont")
        self.assertTrue(repair.qualirepar_handback_signed_on)
        self.assertEqual(repair.qualirepar_delivered_date, repair.qualirepar_handback_signed_on,
                         "the signature records the hand-back")

    def test_signed_intake_slip_is_the_claims_document(self):
        """Nobody attaches anything: the claim of a repair signed at intake is ready at posting, and sends the
        signed intake slip, rendered with the claim's documents."""
        claim = self.invoiced_claim(self.signed_repair())
        self.assert_to_render(claim, "intake", INTAKE_HINT)
        self.assertFalse(claim.consumer_document, "rendered when the claim is sent")
        sent = self.sent_document(claim)
        name = f"bon-de-prise-en-charge-signe-{claim.repair_id.name.replace('/', '_')}.pdf"
        self.assertEqual((sent["name"], claim.consumer_document_name, claim.consumer_document_origin),
                         (name, name, "intake"))
        # Tests render reports as HTML (the PDF is checked in TestSignaturePdf).
        document = html_text(claim.consumer_document)
        self.assertIn("Intake slip", document)
        self.assertIn("Signed by Marie Dupont", document)
        self.assertIsNone(self.hint(claim))
        # Kept: the next attempt sends the same document, rendered once.
        with self.no_rendering():
            self.assertEqual(claim._qualirepar_documents()[-1]["content"], sent["content"])

    def test_unsigned_repair_waits_for_its_document(self):
        claim = self.invoiced_claim(self.repair(qualirepar_nameplate_photo=PNG))
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("have the customer sign the intake slip or the hand-back receipt", claim.check_issues)
        self.assertFalse(claim.consumer_document_pending)
        self.assertIsNone(self.hint(claim))
        self.assertEqual([d["kind"] for d in claim._qualirepar_documents()], ["invoice", "nameplate"])
        # The customer signs when collecting the device: the claim is ready, the receipt is sent.
        self.sign_hand_back(self.done(claim.repair_id))
        self.assert_to_render(claim, "handback", HANDBACK_HINT)
        self.assertFalse(claim.consumer_document)
        self.assertEqual(self.sent_document(claim)["name"],
                         f"bon-de-restitution-signe-{claim.repair_id.name.replace('/', '_')}.pdf")
        self.assertEqual(claim.consumer_document_origin, "handback")

    def test_hand_back_receipt_preferred(self):
        repair = self.done(self.signed_repair())
        self.sign_hand_back(repair)
        claim = self.invoiced_claim(repair)
        self.assert_to_render(claim, "handback", HANDBACK_HINT)
        sent = self.sent_document(claim)
        self.assertEqual(claim.consumer_document_origin, "handback")
        self.assertIn("Hand-back receipt", html_text(claim.consumer_document))
        self.assertTrue(sent["name"].startswith("bon-de-restitution-signe-"))

    def test_intake_slip_replaced_by_the_hand_back_receipt(self):
        """Invoiced before the customer collected the device, and an attempt to send made the intake slip: the
        receipt once signed, while the claim is not sent; once sent, what was sent stays."""
        repair = self.signed_repair()
        claim = self.invoiced_claim(repair)
        self.sent_document(claim)
        self.assertEqual(claim.consumer_document_origin, "intake")
        self.sign_hand_back(self.done(repair))
        self.assert_to_render(claim, "handback", HANDBACK_HINT)
        self.assertEqual(claim.consumer_document_origin, "intake", "the intake slip until the receipt is rendered")
        self.sent_document(claim)
        self.assertIn("Hand-back receipt", html_text(claim.consumer_document))
        self.assertEqual(claim.consumer_document_origin, "handback")
        # Sent with the receipt: the customer signing again changes nothing of what was sent.
        claim.sudo().state = "sent"
        self.sign_hand_back(repair, PNG2)
        self.assertFalse(claim.consumer_document_pending)
        self.assertEqual(claim.consumer_document_origin, "handback")
        self.assertIn("Hand-back receipt", html_text(claim.consumer_document))

    def test_signed_again_the_document_is_made_again(self):
        """The customer signs the intake slip again (the consents changed): the slip made from the former
        signature is not sent, the new one is rendered when the claim is sent."""
        repair = self.signed_repair()
        claim = self.invoiced_claim(repair)
        self.sent_document(claim)
        self.assertIn("Signed by Marie Dupont", html_text(claim.consumer_document))
        repair.qualirepar_consent_piec = True
        with self.no_rendering():
            repair.with_user(self.workshop).write({"qualirepar_intake_signature": PNG2,
                                                   "qualirepar_intake_signed_by": "Paul Dupont"})
        self.assert_to_render(claim, "intake", INTAKE_HINT)
        self.assertFalse(claim.consumer_document)
        self.sent_document(claim)
        self.assertEqual(claim.consumer_document_origin, "intake")
        self.assertIn("Signed by Paul Dupont", html_text(claim.consumer_document))

    def test_a_scan_attached_by_hand_is_kept(self):
        repair = self.repair(qualirepar_nameplate_photo=PNG)
        claim = self.invoiced_claim(repair)
        accountant = new_test_user(self.env, "sign_accountant",
                                   groups="ecorepair_qualirepar.group_qualirepar_accountant",
                                   company_id=self.company.id)
        claim.with_user(accountant).write({"consumer_document": SIGNED, "consumer_document_name": "attestation.pdf"})
        self.assertEqual(claim.consumer_document_origin, "scan")
        claim.with_user(accountant).action_check()
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        with self.assertRaises(AccessError):
            claim.with_user(accountant).consumer_document_origin = "handback"
        self.sign_hand_back(self.done(repair))
        self.assertFalse(claim.consumer_document_pending)
        self.assertIsNone(self.hint(claim))
        with self.assertRaisesRegex(UserError, "the one attached"):
            claim.with_user(accountant).action_preview_signed_document()
        sent = self.sent_document(claim)
        self.assertEqual((sent["name"], sent["content"]), ("attestation.pdf", base64.b64decode(SIGNED)))
        self.assertEqual((claim.consumer_document, claim.consumer_document_origin), (SIGNED, "scan"))

    def test_quote_signed_online_still_counts(self):
        """The quote signed online is sent when nothing better was signed; an intake slip signed later (the claim
        not sent) replaces it."""
        repair = self.repair(qualirepar_nameplate_photo=PNG)
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        order.signature = PNG
        with self.no_rendering():
            claim = self.invoice(order).qualirepar_claim_ids
        self.assert_to_render(claim, "quote", QUOTE_HINT)
        self.assertFalse(claim.consumer_document, "rendered when sent")
        self.assertEqual(self.sent_document(claim)["name"], f"{order.name.replace('/', '_')}-signe.pdf")
        self.assertEqual(claim.consumer_document_origin, "quote")
        with self.no_rendering():
            repair.with_user(self.workshop).qualirepar_intake_signature = PNG
        self.assert_to_render(claim, "intake", INTAKE_HINT)
        self.assertTrue(self.sent_document(claim)["name"].startswith("bon-de-prise-en-charge-signe-"))
        self.assertEqual(claim.consumer_document_origin, "intake")


@tagged("post_install", "-at_install")
class TestSignaturePdf(SignatureCase, HttpCase):
    """The signed documents as PDF (wkhtmltopdf fetches the assets from the server), and the stamps over RPC."""

    def pdf_text(self, content):
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
        return " ".join(text.decode().replace("\u200b", "").split())

    def render(self, report, repair):
        """The text of the report's PDF; the document keeps to one page with the customer's signature."""
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            report, repair.ids)
        self.assertEqual(kind, "pdf")
        pages = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        self.assertEqual(pages.count(b"\f"), 1, "one page")
        return self.pdf_text(pdf)

    def test_intake_slip_and_hand_back_receipt(self):
        repair = self.signed_repair(qualirepar_fault_description="L'écran reste noir")
        repair.qualirepar_consent_piec = True  # after the signature
        text = self.render("ecorepair_qualirepar.report_intake_slip", repair)
        for expected in ("Intake slip", "Customer's signature",
                         "confirm the fault I described and give my consents as ticked above",
                         "Signed by Marie Dupont on", "on the repairer's device", "☑ I agree that my personal data",
                         "☐ I accept used or reconditioned spare parts",
                         "The consents above are those the customer signed; they were changed on the repair file "
                         "afterwards."):
            self.assertIn(expected, text)

        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        self.done(repair).with_user(self.workshop).qualirepar_handback_signature = PNG
        text = self.render("ecorepair_qualirepar.report_qualirepar_handback_receipt", repair)
        for expected in (f"Hand-back receipt {repair.name}", "Galaxy Book 3", "R5CW12ABCDE", "L'écran reste noir",
                         "Work done", "Remplacement de l'écran", "Service Main-d'œuvre atelier",
                         "Part Écran 15 pouces × 1.00 (New)", "Repair warranty: 3 months",
                         "By signing, I acknowledge that I collected the device described above",
                         "Signed by Marie Dupont on"):
            self.assertIn(expected, text)

    def test_claim_has_the_signed_pdf(self):
        repair = self.signed_repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50)).with_context(force_report_rendering=True)
        order.action_confirm()
        claim = self.invoice(order).qualirepar_claim_ids
        self.assertEqual((claim.state, claim.consumer_document_pending), ("to_send", "intake"))
        self.assertFalse(claim.consumer_document, "not rendered while the invoice is posted")
        # The accountant sees the signed slip the claim will send, printed as it stands (nothing kept).
        accountant = new_test_user(self.env, "preview_accountant", company_id=self.company.id,
                                   groups="ecorepair_qualirepar.group_qualirepar_accountant")
        action = claim.with_user(accountant).action_preview_signed_document()
        self.assertEqual((action["report_name"], action["context"]["active_ids"]),
                         ("ecorepair_qualirepar.report_intake_slip", [repair.id]))
        pdf = self.env["ir.actions.report"].with_user(accountant).with_context(force_report_rendering=True)\
            ._render_qweb_pdf(action["report_name"], action["context"]["active_ids"])[0]  # as its route does
        self.assertIn("Signed by Marie Dupont on", self.pdf_text(pdf))
        self.assertEqual(claim.consumer_document_pending, "intake")
        consumer = claim.with_context(force_report_rendering=True)._qualirepar_documents()[-1]
        self.assertEqual((consumer["kind"], consumer["mimetype"]), ("consumer_validation", "application/pdf"))
        content = consumer["content"]
        self.assertEqual(base64.b64decode(claim.consumer_document), content)
        self.assertTrue(content.startswith(b"%PDF"))
        text = self.pdf_text(content)
        self.assertIn(f"Intake slip {repair.name}", text)
        self.assertIn("Signed by Marie Dupont on", text)

    def test_stamps_refused_over_rpc(self):
        """The workshop's clerk calls write over JSON-RPC: the stamps are refused, a new signature is stamped by
        the server."""
        repair = self.signed_repair()
        self.authenticate(self.workshop.login, self.workshop.login)

        def write(values):
            return self.make_jsonrpc_request("/web/dataset/call_kw/repair.order/write", {
                "model": "repair.order", "method": "write", "args": [repair.ids, values], "kwargs": {}})

        for values in ({"qualirepar_intake_signed_on": "2020-01-01 10:00:00"},
                       {"qualirepar_intake_signed_by": "Quelqu'un"}, {"qualirepar_intake_signature": False}):
            with self.subTest(values=values), self.assertRaises(JsonRpcException) as refused:
                write(values)
            self.assertEqual(refused.exception.args[0], "odoo.exceptions.AccessError")
        write({"qualirepar_intake_signature": PNG2.decode(), "qualirepar_intake_signed_on": "2020-01-01 10:00:00"})
        repair.invalidate_recordset()
        self.assertEqual(repair.qualirepar_intake_signature, PNG2)
        self.assertGreater(repair.qualirepar_intake_signed_on.year, 2020)


@tagged("post_install", "-at_install")
class TestSignatureTour(SignatureCase, HttpCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_customer_signs_at_intake_on_a_phone(self):
        """The workshop's clerk hands the phone to the customer, who signs the intake slip; the claim of the repair,
        once invoiced, has the signed slip without anyone attaching it."""
        repair = self.repair(qualirepar_nameplate_photo=PNG, qualirepar_consent_gdpr=True)
        self.start_tour(f"/odoo/action-repair.action_repair_order_tree/{repair.id}", "qualirepar_signature_tour",
                        login=self.workshop.login)
        drawing = Image.open(io.BytesIO(base64.b64decode(repair.qualirepar_intake_signature)))
        self.assertTrue(drawing.getchannel("A").getbbox(), "a stroke was drawn on the transparent canvas")
        self.assertEqual(repair.qualirepar_intake_signed_by, "Marie Dupont")
        self.assertTrue(repair.qualirepar_intake_signed_consent_gdpr)

        order = self.quote(repair, (self.labour, 100), (self.screen, 50)).with_context(force_report_rendering=True)
        order.action_confirm()
        claim = self.invoice(order).qualirepar_claim_ids
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        self.assertEqual(claim.consumer_document_pending, "intake")
        consumer = claim.with_context(force_report_rendering=True)._qualirepar_documents()[-1]
        self.assertEqual(claim.consumer_document_origin, "intake")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=consumer["content"],
                              capture_output=True, check=True).stdout.decode()
        self.assertIn("Signed by Marie Dupont on", " ".join(text.split()))
