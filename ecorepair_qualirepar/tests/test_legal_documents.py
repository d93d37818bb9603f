"""Issue #15: documents that stand on their own (seller's identity in the body, quote, invoice, warranty and
mediator mentions, real text), the public bonus amounts and their poster, the price notice, the PIEC offer of
fiches 8 to 10. The PDFs are rendered by the project's wkhtmltopdf and read back with pdftotext."""

import re
import subprocess
import tempfile

import lxml.html

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common_bonus import BonusCase

IDENTITY = {
    "name": "Répar'Lyon", "qualirepar_legal_form": "SARL", "qualirepar_share_capital": 8000,
    "street": "12 rue de la Part-Dieu", "zip": "69003", "city": "Lyon", "phone": "04 78 00 00 00",
    "email": "atelier@reparlyon.fr", "company_registry": "30326504500012", "vat": "FR40303265045",
    "qualirepar_register_kind": "rcs", "qualirepar_register_city": "Lyon", "qualirepar_label_number": "QR-0042",
    "qualirepar_mediator_name": "CM2C", "qualirepar_mediator_url": "https://www.cm2c.net",
    "qualirepar_labour_rate": 60,
}
IDENTITY_TEXTS = ("Répar'Lyon, SARL with a share capital of 8,000.00 €", "12 rue de la Part-Dieu, 69003 Lyon",
                  "Phone: 04 78 00 00 00 – E-mail: atelier@reparlyon.fr",
                  "SIRET: 30326504500012 – RCS Lyon 303 265 045 – VAT number: FR40303265045",
                  "Repairer labelled QualiRépar – label number QR-0042")
WARRANTY = ("Commercial warranty. Repair warranty: 3 months, parts and labour, from the day the device is handed back. "
            "It covers the repair carried out (the parts replaced and the labour, travel included), is free of charge "
            "and applies in France. Guarantor: Répar'Lyon, the repairer named at the top of this document")
# pdftotext gives the totals (floated at the right) in the middle of the text beside them: what a line holds.
LEGAL_WARRANTY = ("legal warranty of conformity (articles L.217-3 to L.217-20", "warranty against hidden defects "
                  "(articles 1641 to 1648 and 2232 of the civil code)")
MEDIATOR = ("you may refer it free of charge to the consumer mediator CM2C (https://www.cm2c.net) (articles L.612-1 "
            "and R.616-1 of the consumer code)")
B2B = ("Late-payment penalties at three times the legal interest rate, due from the day after the due date, and a "
       "fixed indemnity of 40 € for recovery costs (articles L.441-10 and D.441-5 of the commercial code)")


def pdf_text_and_fonts(pdf):
    """The text of a PDF, its blanks folded, and the list of its fonts (pdffonts)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", file.name, "-"], capture_output=True,
                              check=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", file.name], capture_output=True, check=True, text=True).stdout
    return " ".join(text.replace("\u200b", "").split()), fonts


def pdf_pages(pdf):
    """The text of each page of a PDF, its blanks folded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", file.name, "-"], capture_output=True,
                              check=True, text=True).stdout
    return [" ".join(page.replace("\u200b", "").split()) for page in text.split("\f") if page.strip()]


@tagged("post_install", "-at_install")
class TestLegalDocuments(BonusCase, HttpCase):
    """wkhtmltopdf fetches the report's assets from the running server: an HTTP test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(IDENTITY)
        cls.travel = cls._create_product(name="Déplacement", type="service", lst_price=30, invoice_policy="order",
                                         taxes_id=[Command.set(cls.vat20.ids)], qualirepar_line_kind="travel")

    def pdf(self, report, records):
        """The PDF's text, after checking that it is real text: system fonts only, no drawn (Type 3) glyphs."""
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            report, records.ids)
        self.assertEqual(kind, "pdf")
        text, fonts = pdf_text_and_fonts(pdf)
        self.assertIn("DejaVuSans", fonts)
        self.assertNotIn("Type 3", fonts, "no glyph drawn as a shape")
        self.assertNotIn("Lato", fonts)
        return text

    def html(self, report, records):
        """The report's HTML as Odoo renders it, header and footer included (a patched wkhtmltopdf prints them)."""
        html = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)[0]
        return " ".join(lxml.html.fromstring(html).text_content().split())

    def assertIdentityOnce(self, text):
        for part in IDENTITY_TEXTS:
            self.assertIn(part, text)
        for once in ("30326504500012", "FR40303265045", "QR-0042", "12 rue de la Part-Dieu", "atelier@reparlyon.fr"):
            self.assertEqual(text.count(once), 1, f"{once} printed once")

    def test_quote(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.validity_date = "2026-12-31"
        order.qualirepar_piec_unavailable = True
        text = self.pdf("sale.action_report_saleorder", order)
        self.assertIdentityOnce(text)
        self.assertIn(f"Quote dated {order.date_order.strftime('%m/%d/%Y')}, valid until 12/31/2026.", text)
        self.assertIn("This quote is free.", text)
        self.assertIn("Place of repair: in our workshop. No travel costs. Hourly labour rate: 60.00 € excl. VAT.",
                      text)
        self.assertIn("Part origin: New", text)
        self.assertIn("Untaxed Amount 150.00 € VAT 20% 30.00 € Total incl. VAT 180.00 €", text)
        self.assertIn("exception of article R.224-31", text)
        self.assertIn(WARRANTY, text)
        for part in LEGAL_WARRANTY:
            self.assertIn(part, text)
        self.assertIn(MEDIATOR, text)
        self.assertIn('Customer\'s acceptance: to order the repair, write "Bon pour accord", the date and your '
                      'signature below', text)
        self.assertIn('"Bon pour accord", date: Signature:', text)
        self.assertIn("Marie Dupont", text)  # the customer's address, outside the page, is text too
        # The header a patched wkhtmltopdf prints does not repeat the company's address.
        self.assertIdentityOnce(self.html("sale.action_report_saleorder", order))

        # A charged quote, on site with travel costs, signed online.
        self.company.qualirepar_quote_price = 25
        repair.qualirepar_intervention_type = "onsite"
        order.order_line = [Command.create({"product_id": self.travel.id, "price_unit": 30})]
        order.write({"signature": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
                     "signed_by": "Marie Dupont", "signed_on": "2026-11-30 10:00:00"})
        text = self.pdf("sale.action_report_saleorder", order)
        self.assertIn("This quote costs 25.00 € incl. VAT; this price is deducted from the repair if you accept the "
                      "quote.", text)
        self.assertIn("Place of repair: at your address, 3 rue des Lilas, 69003 Lyon, France. "
                      "Travel costs: 30.00 € excl. VAT.", text)
        self.assertIn('Accepted ("bon pour accord") online on 11/30/2026 by Marie Dupont.', text)
        self.assertNotIn("Customer's acceptance", text)

    def test_invoice_of_a_consumer_paid(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        text = self.pdf("account.account_invoices", invoice)
        self.assertIdentityOnce(text)
        self.assertIn(f"Invoice {invoice.name}", text)
        self.assertIn("Invoice Date", text)
        self.assertIn("VAT 20%", text)
        self.assertIn("Net amount to pay 130.00 €", text)
        self.assertIn(WARRANTY, text)
        for part in LEGAL_WARRANTY:
            self.assertIn(part, text)
        self.assertIn(MEDIATOR, text)
        self.assertNotIn("40 €", text, "the recovery fee is for business customers")
        self.assertNotIn("acquittée", text)
        # The bonus is printed deducted, not as a payment of the customer ("Paid on … 50.00 €, Amount Due 130.00 €").
        self.assertNotIn("Paid on", text)
        self.assertNotIn("Amount Due", text)
        self.assertIdentityOnce(self.html("account.account_invoices", invoice))

        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": "2026-11-28", "journal_id": self.company_data["default_journal_bank"].id})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        text = self.pdf("account.account_invoices", invoice)
        self.assertRegex(text, r'Paid invoice \("facture acquittée"\): 130\.00 € paid on 11/28/2026 by \w+')
        self.assertEqual(text.count("Paid on"), 1, "the customer's payment only")
        self.assertIn("Paid on 11/28/2026 130.00 € Amount Due 0.00 €", text)

    def test_credit_note_of_a_repair_invoice(self):
        """The credit note of a repair invoice takes the bonus back as the invoice deducted it: the full price
        with its VAT, the bonus, and the net amount refunded to the customer; it is no paid invoice."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        refund = self.refund(self.invoice(order))
        text = self.pdf("account.account_invoices", refund)
        self.assertIdentityOnce(text)
        self.assertIn(f"Credit Note {refund.name}", text)
        self.assertIn("Untaxed Amount 150.00 € VAT 20% 30.00 € Total incl. VAT 180.00 € "
                      "Bonus réparation QualiRépar (ecosystem) -50.00 € Net amount to refund 130.00 €", text)
        self.assertNotIn("acquittée", text)

    def test_paid_invoice_names_the_credit_note_that_settled_part_of_it(self):
        """A credit note of 12.00 € matched with the invoice, the rest paid: the paid invoice names the credit
        note, not the sales journal it is in, beside the customer's payment."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        credit = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": invoice.partner_id.id, "invoice_date": invoice.invoice_date,
            "invoice_line_ids": [Command.create({"product_id": self.labour.id, "price_unit": 10,
                                                 "tax_ids": [Command.set(self.vat20.ids)]})]})
        credit.action_post()
        (invoice | credit).line_ids.filtered(
            lambda l: l.account_type == "asset_receivable" and not l.reconciled
            and l.partner_id == invoice.commercial_partner_id).reconcile()
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": "2026-11-28", "journal_id": self.company_data["default_journal_bank"].id})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        text = self.pdf("account.account_invoices", invoice)
        self.assertRegex(text, r'Paid invoice \("facture acquittée"\): 12\.00 € paid on \S+ by credit note '
                               + re.escape(credit.name) + r"; 118\.00 € paid on 11/28/2026 by \w+")
        self.assertNotIn("by Customer Invoices", text)

    def test_invoice_of_a_business_customer(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100))
        order.partner_id = self.env["res.partner"].create(
            {"name": "SARL Dépannage", "is_company": True, "street": "1 quai Perrache", "zip": "69002",
             "city": "Lyon"})
        order.action_confirm()
        invoice = self.invoice(order)
        text = self.pdf("account.account_invoices", invoice)
        self.assertIn(f"Payment due on {invoice.invoice_date_due.strftime('%m/%d/%Y')}.", text)
        self.assertIn(B2B, text)
        self.assertIn("No discount for early payment.", text)
        self.company.qualirepar_late_penalty_rate = 12
        self.assertIn("Late-payment penalties at 12 % a year", self.html("account.account_invoices", invoice))

    def test_intake_slip_and_verification_report(self):
        repair = self.repair()
        for report in ("ecorepair_qualirepar.report_intake_slip",
                       "ecorepair_qualirepar.report_qualirepar_verification"):
            text = self.pdf(report, repair)
            self.assertIdentityOnce(text)
            self.assertIn("Galaxy Book 3", text)
            self.assertEqual(text.count("Marie Dupont"), 1, "the customer printed once too")
            self.assertIdentityOnce(self.html(report, repair))

    def test_intake_slip_of_a_usual_repair_on_one_page(self):
        """Every optional block printed, consents given: one page, the customer once, the signatures on it."""
        self.company.write({"qualirepar_slip_show_parts_info": True, "qualirepar_slip_show_payment": True,
                            "qualirepar_slip_show_bonus": True, "qualirepar_slip_show_consents": True})
        repair = self.repair(qualirepar_fault_description="L'écran reste noir après une chute, la charge fonctionne.",
                             qualirepar_purchase_date="2022-03-01", qualirepar_intake_amount=30,
                             qualirepar_intake_payment_method="card", qualirepar_consent_gdpr=True,
                             qualirepar_consent_piec=True)
        pdf = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "ecorepair_qualirepar.report_intake_slip", repair.ids)[0]
        pages = pdf_pages(pdf)
        self.assertEqual(len(pages), 1, f"the intake slip of a usual repair holds on one page: {pages}")
        first = pages[0]
        for words in ("Intake slip", "Marie Dupont", "Galaxy Book 3", "R5CW12ABCDE", "Paid at intake",
                      "I agree that my personal data is processed", "Customer's signature", "Repairer's signature"):
            self.assertIn(words, first)
        self.assertEqual(first.count("Marie Dupont"), 1, "the customer block printed once")

    def test_every_pdf_of_the_addon_is_text(self):
        """Each report of the add-on, and Odoo's quote and invoice of a repair, is real text (what pdftotext and
        the eco-organisms' checks read), with its key words."""
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        tracked = self._create_product(name="Carte mère Galaxy Book", type="consu", is_storable=True,
                                       tracking="lot", lst_price=120)
        lot = self.env["stock.lot"].create({"name": "LOT-CM-2026-01", "product_id": tracked.id,
                                            "company_id": self.company.id})
        audit = self.env["qualirepar.audit.pack.wizard"].create({"company_id": self.company.id})
        records = {"repair.order": repair, "res.company": self.company, "stock.lot": lot,
                   "qualirepar.audit.pack.wizard": audit}
        key_words = {
            "ecorepair_qualirepar.action_report_qualirepar_intake_slip": ("Intake slip", "Customer's signature"),
            "ecorepair_qualirepar.action_report_qualirepar_verification": ("Galaxy Book 3", "Répar'Lyon"),
            "ecorepair_qualirepar.action_report_qualirepar_returns": ("Devices back within the repair warranty",),
            "ecorepair_qualirepar.action_report_qualirepar_bonus_poster": ("Bonus réparation QualiRépar",),
            "ecorepair_qualirepar.action_report_qualirepar_price_notice": ("Prices of our repair services",),
            "ecorepair_qualirepar.action_report_qualirepar_parts_trace": ("Parts traceability", "Galaxy Book 3"),
            "ecorepair_qualirepar.action_report_qualirepar_lot_trace": ("Repairs of the lot LOT-CM-2026-01",
                                                                       "Carte mère Galaxy Book"),
            "ecorepair_qualirepar.action_report_qualirepar_handback_receipt": ("Hand-back receipt", "Galaxy Book 3",
                                                                              "Customer's signature"),
            "ecorepair_qualirepar.action_report_qualirepar_audit_pack": (
                "QualiRépar label audit: evidence for the period", "Staff trainings (6.6)"),
        }
        reports = self.env["ir.actions.report"].search([("report_name", "=like", "ecorepair_qualirepar.%")])
        self.assertEqual(set(reports.mapped(lambda r: r.get_external_id()[r.id])), set(key_words),
                         "a new report of the add-on gets its line here")
        documents = [(report.get_external_id()[report.id], records[report.model]) for report in reports]
        documents += [("sale.action_report_saleorder", order), ("account.account_invoices", invoice)]
        key_words["sale.action_report_saleorder"] = ("Total incl. VAT 180.00 €", "Net amount to pay 130.00 €")
        key_words["account.account_invoices"] = ("Bonus réparation QualiRépar (ecosystem) -50.00 €",
                                                 "Net amount to pay 130.00 €")
        for report, record in documents:
            with self.subTest(report=report):
                text = self.pdf(report, record)
                for words in key_words[report]:
                    self.assertIn(words, text)

    def test_invoice_operation_type_from_what_is_sold(self):
        """l10n_fr prints the operation type from the taxes' scope (the French chart's default 20 % is the goods'
        tax, on labour too): a repair invoice tells it from its products."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        self.assertEqual(set(order.order_line.tax_id.mapped("tax_scope")), {"consu"})
        invoice = self.invoice(order)
        self.assertIn("Operation Type: Mixed Operation", self.html("account.account_invoices", invoice))
        order = self.quote(self.repair(qualirepar_serial_number="R5CW12ZZZZZ"), (self.labour, 100))
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertIn("Operation Type: Service Delivery", self.html("account.account_invoices", invoice))

    def test_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        order = self.quote(self.repair(), (self.labour, 100))
        text = self.html("sale.action_report_saleorder", order)
        for french in ("Réparateur labellisé QualiRépar – numéro de labellisation QR-0042", "Garantie commerciale.",
                       "garantie légale de conformité", "médiateur de la consommation CM2C", "Bon pour accord",
                       "Ce devis est gratuit.", "Lieu de la réparation : dans notre atelier."):
            self.assertIn(french, text)

    def test_missing_identity_or_mediator_is_told(self):
        self.assertFalse(self.company.qualirepar_legal_warning)
        self.company.write({"company_registry": False, "qualirepar_mediator_name": False})
        warning = self.company.qualirepar_legal_warning
        self.assertIn("go out without: the SIRET (Settings › Companies), the consumer mediator's name and website.",
                      warning)
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.qualirepar_legal_warning, warning)
        order = self.quote(self.repair(), (self.labour, 100))
        self.assertEqual(order.qualirepar_legal_warning, warning)

    def test_piec_offer_of_garden_tools_and_mobility(self):
        fiches = {number: self.env["qualirepar.fiche.metier"].search([("number", "=", number)])
                  for number in (1, 7, 8, 9, 10)}
        self.assertEqual({n: f.piec_article for n, f in fiches.items()},
                         {1: "L.224-109", 7: "L.224-109", 8: "L.224-112", 9: "L.224-112", 10: "L.224-113"})
        scooter_type = self.env(su=True)["qualirepar.product.type"].create({
            "backend_id": self.backend.id, "code": "ECO-TE-001", "name": "Trottinette électrique",
            "eligible_from": "2022-12-15", "fiche_metier_id": fiches[10].id,
            "amount_ids": [Command.create({"date_from": "2022-12-15", "amount": 25})]})
        scooter = self.env["product.product"].create(
            {"name": "Trottinette Xiaomi", "qualirepar_product_type_ids": [Command.set(scooter_type.ids)]})
        order = self.quote(self.repair(product_id=scooter.id, qualirepar_repair_code_id=False), (self.labour, 100))
        text = self.html("sale.action_report_saleorder", order)
        self.assertIn("Under article L.224-113 of the French consumer code, you may opt for parts from the circular "
                      "economy", text)
        self.assertIn("Your choice: parts from the circular economy not accepted", text)

    def test_mediator_on_the_customers_repair_page(self):
        repair = self.repair()
        page = self.url_open(repair.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn(MEDIATOR, " ".join(lxml.html.fromstring(page.text).text_content().split()))

    def test_bonus_poster_and_price_notice(self):
        self.labour.write({"qualirepar_price_notice": True})
        text = self.pdf("ecorepair_qualirepar.action_report_qualirepar_bonus_poster", self.company)
        today = fields.Date.context_today(self.env.user)
        self.assertIn("Bonus réparation QualiRépar", text)
        self.assertIn("Répar'Lyon, repairer labelled QualiRépar – label number QR-0042", text)
        self.assertIn("Ordinateur portable 50.00 € 150.00 €", text)
        self.assertIn(f"Amounts in force on {today.strftime('%m/%d/%Y')}", text)
        text = self.pdf("ecorepair_qualirepar.action_report_qualirepar_price_notice", self.company)
        self.assertIn("Prices of our repair services", text)
        self.assertIn("Main-d'œuvre atelier 120.00 €", text)
        self.assertNotIn("Écran 15 pouces", text)
        self.assertIn("Hourly labour rate: 60.00 € excl. VAT.", text)
        self.assertIn("A written note (invoice) is given for every service of 25 € incl. VAT or more", text)
        action = self.env["res.config.settings"].with_company(self.company).create(
            {}).action_qualirepar_print_bonus_poster()
        self.assertEqual(action["report_name"], "ecorepair_qualirepar.report_qualirepar_bonus_poster")


@tagged("post_install", "-at_install")
class TestBonusPage(HttpCase):
    """/qualirepar/bonus, as a public visitor: the bonus in force per product type of the shop, nothing else."""

    def test_public_bonus_page(self):
        company = self.env.ref("base.public_user").company_id
        company.qualirepar_label_number = "QR-0099"
        backend = self.env["qualirepar.backend"].create(
            {"name": "eco", "organism": "ecosystem", "environment": "preprod", "company_id": company.id})
        reference = self.env(su=True)["qualirepar.product.type"]
        reference.create({
            "backend_id": backend.id, "code": "ECO-LL-001", "name": "Lave-linge", "eligible_from": "2022-12-15",
            "amount_ids": [Command.create({"date_from": "2022-12-15", "date_to": "2023-12-31", "amount": 25}),
                           Command.create({"date_from": "2024-01-01", "amount": 50})]})
        reference.create({"backend_id": backend.id, "code": "ECO-OLD", "name": "Minitel", "eligible_from": "2022-12-15",
                          "eligible_until": "2023-01-31",
                          "amount_ids": [Command.create({"date_from": "2022-12-15", "amount": 10})]})
        self.env["res.partner"].create({"name": "Client Secret", "email": "secret@example.com"})
        response = self.url_open("/qualirepar/bonus")
        self.assertEqual(response.status_code, 200)
        text = " ".join(lxml.html.fromstring(response.text).text_content().split())
        self.assertIn("Bonus réparation QualiRépar", text)
        self.assertIn("label number QR-0099", text)
        self.assertIn("Lave-linge 50.00 €", text)
        self.assertNotIn("Lave-linge 25.00 €", text, "only the amount in force")
        self.assertNotIn("Minitel", text, "no longer eligible")
        self.assertNotIn("Client Secret", text)
        self.assertIn(f"Amounts in force on {fields.Date.today().strftime('%m/%d/%Y')}", text)
        self.assertNotIn("/web/login", response.url)
        # GET only.
        self.assertEqual(self.url_open("/qualirepar/bonus", data={"x": "1"}).status_code, 405)
        self.assertTrue(re.search(r"\bLave-linge\b", text))
