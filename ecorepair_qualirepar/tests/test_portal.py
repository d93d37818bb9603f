import base64

import lxml.html

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_amount

from .test_claim_transmission import PNG
from .test_intake import IntakeCase


class PortalCase(HttpCase, IntakeCase):
    """Marie (a portal customer) and Paul (another one), a shop that invoices a washing machine's repair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_invoicing()
        cls.consumer.email = "marie@example.com"
        cls.marie = new_test_user(cls.env, login="marie", groups="base.group_portal", partner_id=cls.consumer.id)
        cls.paul_partner = cls.env["res.partner"].create({"name": "Paul Martin", "email": "paul@example.com"})
        cls.paul = new_test_user(cls.env, login="paul", groups="base.group_portal", partner_id=cls.paul_partner.id)

    def quoted(self, **values):
        """A repair whose quote was sent to the customer."""
        repair = self.intake(**values)
        repair.action_create_sale_order()
        repair.sale_order_id.order_line = [(0, 0, {"product_id": self.service.id})]
        repair.sale_order_id.action_quotation_sent()
        return repair

    def invoiced_and_done(self):
        repair = self.quoted()
        repair.sale_order_id.action_confirm()
        repair.sale_order_id._create_invoices().action_post()
        self.answer_points(repair, "before")
        repair.action_validate()
        repair.action_repair_start()
        self.answer_points(repair, "after")
        repair.action_repair_end()
        return repair

    def answer_points(self, repair, phase):
        for point in repair.qualirepar_control_point_ids.filtered(lambda p: p.phase == phase):
            point.write({"yes_no": {"value_yes_no": "yes"}, "measure": {"value_measure": 1.5}}.get(
                point.kind, {"value_text": "ok"}))


@tagged("post_install", "-at_install")
class TestPortal(PortalCase):

    def test_customer_follows_the_repair_and_gets_its_documents(self):
        repair = self.invoiced_and_done()
        self.assertEqual(repair.state, "done")
        repair.message_post(body="Note interne : client difficile", subtype_xmlid="mail.mt_note")
        self.authenticate("marie", "marie")
        listing = self.url_open("/my/repairs")
        self.assertIn(repair.name, listing.text)
        self.assertIn("Ready to collect", listing.text)
        page = self.url_open(repair.access_url)
        self.assertEqual(page.status_code, 200)
        for text in ("Received", "Diagnosis", "Quote accepted", "In repair", "Ready to collect", "Intake slip",
                     repair.sale_order_id.invoice_ids.name, "Verification report",
                     "Answer our satisfaction survey"):
            self.assertIn(text, page.text)
        self.assertNotIn("client difficile", page.text, "internal notes never show")
        slip = self.url_open(f"{repair.access_url}/report/intake_slip")
        self.assertEqual(slip.headers["Content-Type"], "application/pdf")

    def test_link_with_token_opens_the_page_without_login(self):
        repair = self.quoted()
        page = self.url_open(repair.get_portal_url())
        self.assertIn(repair.name, page.text)
        self.assertIn("Quote awaiting your approval", page.text)
        self.assertIn("See and accept the quote", page.text)

    def test_tracking_link_sent_by_sms_or_by_email(self):
        repair = self.quoted()
        url = repair.get_portal_url()
        repair.action_qualirepar_send_tracking_link()  # Marie has no mobile number: by e-mail
        mail = repair.message_ids.filtered(lambda m: url in m.body)
        self.assertEqual((mail.message_type, mail.partner_ids), ("notification", self.consumer))
        self.consumer.mobile = "+33612345678"
        repair.action_qualirepar_send_tracking_link()
        sms = repair.message_ids.filtered(lambda m: url in m.body) - mail
        self.assertEqual(sms.message_type, "sms")
        self.consumer.write({"mobile": False, "email": False})
        with self.assertRaises(UserError):
            repair.action_qualirepar_send_tracking_link()

    def test_wrong_token_or_another_customers_repair_gets_nothing(self):
        repair = self.quoted()
        for url in (f"{repair.access_url}?access_token=wrong", f"{repair.access_url}/report/intake_slip?access_token=x"):
            response = self.url_open(url)
            self.assertNotIn(repair.name, response.text)
            self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.authenticate("paul", "paul")
        for url in (repair.access_url, f"{repair.access_url}/report/intake_slip", "/my/repairs"):
            response = self.url_open(url)
            self.assertNotIn(repair.name, response.text)
            self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        Repair = self.env["repair.order"]
        self.assertFalse(Repair.with_user(self.paul).search([]))
        self.assertEqual(Repair.with_user(self.marie).search([]), repair)
        repair.internal_notes = "<p>Client difficile</p>"
        with self.assertRaises(AccessError):
            repair.with_user(self.marie).read(["internal_notes"])

    def test_public_documents_of_the_product(self):
        repair = self.quoted()
        Document = self.env["qualirepar.product.document"]
        manual, internal = Document.create([
            {"name": "Manuel Serie 4", "document_type": "manual", "customer_visible": True,
             "categ_id": self.washer.categ_id.id, "datas": base64.b64encode(b"%PDF-1.4 notice"),
             "filename": "notice.pdf"},
            {"name": "Vue éclatée atelier", "document_type": "exploded_view", "customer_visible": False,
             "product_tmpl_id": self.washer.product_tmpl_id.id, "datas": base64.b64encode(b"%PDF-1.4 internal")},
        ])
        page = self.url_open(repair.get_portal_url())
        self.assertIn(manual.name, page.text)
        self.assertNotIn(internal.name, page.text)
        download = self.url_open(repair.get_portal_url(suffix=f"/document/{manual.id}"))
        self.assertEqual(download.content, b"%PDF-1.4 notice")
        hidden = self.url_open(repair.get_portal_url(suffix=f"/document/{internal.id}"))
        self.assertNotEqual(hidden.content, b"%PDF-1.4 internal")

    def test_survey_invitation_linked_to_the_finished_repair(self):
        repair = self.invoiced_and_done()
        invitation = repair.qualirepar_survey_input_ids
        self.assertEqual(len(invitation), 1)
        self.assertEqual(invitation.survey_id, self.env.company.qualirepar_survey_id)
        self.assertEqual(invitation.partner_id, self.consumer)
        repair._qualirepar_invite_to_survey()
        self.assertEqual(len(repair.qualirepar_survey_input_ids), 1, "one invitation per repair")

    def test_repair_quote_is_signed_not_paid(self):
        """Even when the shop's sales quotes are paid online, a repair's quote is signed: paid at hand-back. It
        shows the repair's price incl. VAT, the bonus deducted with the organism's name and the net to pay."""
        self.env.company.write({"portal_confirmation_sign": False, "portal_confirmation_pay": True})
        repair = self.quoted(qualirepar_purchase_date="2022-06-01")
        order = repair.sale_order_id
        self.assertEqual((order.require_signature, order.require_payment), (True, False))
        self.assertTrue(order.qualirepar_bonus_amount, "the washing machine's bonus")
        self.authenticate("marie", "marie")
        page = self.url_open(order.get_portal_url())
        text = " ".join(lxml.html.fromstring(page.text).text_content().replace("\ufeff", "").split())
        self.assertIn("Accept & Sign", text)
        self.assertNotIn("Sign & Pay", text)
        self.assertEqual(text.count("Untaxed Amount"), 1, "Odoo's totals, printed once")
        def money(amount):
            return " ".join(format_amount(self.env, amount, order.currency_id).replace("\ufeff", "").split())

        for words in (f"Untaxed Amount {money(100)}", f"Total incl. VAT {money(120)}",
                      f"Bonus réparation QualiRépar (ecosystem) {money(-order.qualirepar_bonus_amount)}",
                      f"Net amount to pay {money(order.qualirepar_amount_net)}", "Follow your repair", "Labour"):
            self.assertIn(words, text)
        # A deposit asked by the shop on this quote: then signed and paid.
        order.write({"require_payment": True, "prepayment_percent": 0.3})
        self.assertTrue(order._has_to_be_paid())

    def test_refusal_online_shows_the_risks_and_cancels_the_repair(self):
        repair = self.quoted()
        order = repair.sale_order_id
        page = self.url_open(order.get_portal_url())
        self.assertIn("qualirepar_decline_risks", page.text)
        self.assertIn("handed back to you unrepaired", page.text)
        self.authenticate("marie", "marie")
        self.url_open(f"/my/orders/{order.id}/decline?access_token={order.access_token}",
                      data={"decline_message": "Trop cher", "csrf_token": http.Request.csrf_token(self)})
        self.env.invalidate_all()
        self.assertEqual((order.state, repair.state), ("cancel", "cancel"))
        self.assertIn("risks of an unrepaired device", " ".join(filter(None, repair.message_ids.mapped("subject"))))
        page = self.url_open(repair.access_url)
        self.assertIn("Quote refused", page.text)
        self.assertIn("You refused this quote", page.text)
        self.assertIn("handed back to you unrepaired", page.text)
        self.assertNotIn("If you refuse this quote", page.text)
        steps = [label.text_content().strip() for label in lxml.html.fromstring(page.text).xpath(
            "//ol[@id='qualirepar_steps']/li/span[contains(@class, 'flex-grow-1')]")]
        self.assertEqual(steps, ["Received", "Diagnosis", "Quote refused", "To collect, not repaired"],
                         "no repair step ahead")
        for later in ("In repair", "Ready to collect"):
            self.assertNotIn(later, page.text)


@tagged("post_install", "-at_install")
class TestPortalTour(PortalCase):
    """In the browser: the customer follows the link, accepts the quote; later downloads the invoice and answers
    the satisfaction survey."""

    def test_customer_downloads_the_invoice_and_answers_the_survey(self):
        repair = self.invoiced_and_done()
        self.start_tour(repair.get_portal_url(), "qualirepar_portal_done_tour")
        self.env.invalidate_all()
        answer = repair.qualirepar_survey_input_ids
        self.assertEqual(answer.state, "done")
        self.assertIn("Un SMS la veille de la restitution.", answer.user_input_line_ids.mapped("value_text_box"))


@tagged("post_install", "-at_install")
class TestPortalPhoneTour(PortalCase):
    """On a phone (390 × 844, touch), the customer follows the link sent by SMS, reads the quote with its bonus,
    signs it (no payment asked), and sees on the repair's page that the quote is accepted."""

    browser_size = "390x844"
    touch_enabled = True

    def test_customer_signs_the_quote_on_a_phone(self):
        self.env.company.portal_confirmation_pay = True  # the shop's other quotes are paid online
        repair = self.quoted(qualirepar_purchase_date="2022-06-01")
        self.assertTrue(repair.sale_order_id.qualirepar_bonus_amount)
        self.start_tour(repair.get_portal_url(), "qualirepar_portal_quote_tour")
        self.env.invalidate_all()
        order = repair.sale_order_id
        self.assertEqual((order.state, order.signed_by), ("sale", "Marie Dupont"))
        self.assertFalse(order.transaction_ids, "nothing to pay online")
        self.assertEqual(repair._qualirepar_portal_status(), "Quote accepted")


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalCase):
    """Every route of the add-on called as the public, as the owner, as another customer, with and without the
    repair's token: who sees what, and who may refuse a quote."""

    def visit(self, visitor, url, token=None):
        """The answer to ``visitor`` (None: the public) opening ``url``, with ``token`` if given."""
        if visitor:
            self.authenticate(visitor, visitor)
        else:
            self.authenticate(None, None)
        return self.url_open(f"{url}?access_token={token}" if token else url)

    def test_who_sees_what(self):
        repair = self.invoiced_and_done()
        manual = self.env["qualirepar.product.document"].create({
            "name": "Manuel Serie 4", "document_type": "manual", "customer_visible": True,
            "product_tmpl_id": self.washer.product_tmpl_id.id, "datas": base64.b64encode(b"%PDF-1.4 notice"),
            "filename": "notice.pdf"})
        self.assertNotIn("/report/handback_receipt", self.visit("marie", repair.access_url).text)
        self.assertNotEqual(self.visit("marie", f"{repair.access_url}/report/handback_receipt").headers.get(
            "Content-Type"), "application/pdf", "no receipt before the customer signs it")
        repair.qualirepar_handback_signature = PNG
        token = repair._portal_ensure_token()
        routes = {
            "page": (repair.access_url, lambda r: repair.name in r.text),
            "intake slip": (f"{repair.access_url}/report/intake_slip",
                            lambda r: r.headers.get("Content-Type") == "application/pdf"),
            "verification": (f"{repair.access_url}/report/verification",
                             lambda r: r.headers.get("Content-Type") == "application/pdf"),
            "hand-back receipt": (f"{repair.access_url}/report/handback_receipt",
                                  lambda r: r.headers.get("Content-Type") == "application/pdf"),
            "document": (f"{repair.access_url}/document/{manual.id}", lambda r: r.content == b"%PDF-1.4 notice"),
        }
        visitors = [  # (visitor, token, may see)
            (None, None, False), (None, "wrong", False), (None, token, True),
            ("marie", None, True), ("paul", None, False), ("paul", "wrong", False), ("paul", token, True),
        ]
        for name, (url, shown) in routes.items():
            for visitor, given, allowed in visitors:
                with self.subTest(route=name, visitor=visitor or "public", token=given):
                    self.assertEqual(shown(self.visit(visitor, url, given)), allowed)
        for visitor, allowed in ((None, False), ("marie", True), ("paul", False)):
            with self.subTest(route="list", visitor=visitor or "public"):
                self.assertEqual(repair.name in self.visit(visitor, "/my/repairs").text, allowed)

    def test_head_and_options_render_no_document(self):
        repair = self.quoted()
        url = repair.get_portal_url(suffix="/report/intake_slip")
        self.assertEqual(self.url_open(url).headers["Content-Type"], "application/pdf")
        for method in ("HEAD", "OPTIONS"):
            with self.subTest(method=method):
                answer = self.opener.request(method, self.base_url() + url, timeout=12, allow_redirects=False)
                self.assertNotEqual(answer.status_code, 200)
                self.assertNotEqual(answer.headers.get("Content-Type"), "application/pdf")

    def test_public_cannot_refuse_a_quote_the_shop_cancelled(self):
        repair = self.quoted()
        order = repair.sale_order_id
        order._action_cancel()  # the shop cancels the quote to redo it
        notices = repair.message_ids
        for token in (None, order.access_token):
            self.authenticate(None, None)
            url = f"/my/orders/{order.id}/decline" + (f"?access_token={token}" if token else "")
            self.url_open(url, data={"decline_message": "Trop cher", "csrf_token": http.Request.csrf_token(self)})
            self.env.invalidate_all()
            self.assertNotEqual(repair.state, "cancel", "the repair goes on")
            self.assertEqual(repair.message_ids, notices, "no risk notice sent")

    def test_renewed_tracking_link(self):
        repair = self.quoted()
        old_url = repair.get_portal_url()
        self.assertIn(repair.name, self.url_open(old_url).text)
        front_office = new_test_user(self.env, "front_desk", groups="ecorepair_qualirepar.group_qualirepar_front_office")
        repair.with_user(front_office).action_qualirepar_renew_access_token()
        self.assertNotIn(repair.name, self.url_open(old_url).text)
        self.assertIn(repair.name, self.url_open(repair.get_portal_url()).text)
        with self.assertRaises(AccessError):
            workshop = new_test_user(self.env, "bench", groups="ecorepair_qualirepar.group_qualirepar_user")
            repair.with_user(workshop).action_qualirepar_renew_access_token()
