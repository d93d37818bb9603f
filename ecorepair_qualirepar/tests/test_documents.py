"""F11: the detailed quote (référentiel 6.3.4) and the detailed invoice (6.3.2) of a QualiRépar repair."""

import subprocess

import lxml.html

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common_bonus import BonusCase

WARRANTY = "Commercial warranty. Repair warranty: 3 months, parts and labour, from the day the device is handed back."
NO_PIEC = ("No part from the circular economy is available in time for the agreed repair date (exception of article "
           "R.224-31 of the French consumer code).")
PIEC_OPTION = "Under article L.224-109 of the French consumer code, you may opt for parts from the circular economy"
FOOTER = "The bonus is deducted from the amount you pay and reimbursed to the repairer by the eco-organism."


@tagged("post_install", "-at_install")
class TestDocuments(BonusCase, HttpCase):
    """wkhtmltopdf fetches the report's assets from the running server: an HTTP test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualirepar_label_number = "QR-0042"

    def pdf_text(self, report, records):
        """The text of the PDF, its blanks folded."""
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            report, records.ids)
        self.assertEqual(kind, "pdf")
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        return " ".join(text.decode().replace("\u200b", "").split())

    def assertRepairDocument(self, text, repair):
        self.assertIn(repair.name, text)
        self.assertIn("Samsung", text)
        self.assertIn("Galaxy Book 3", text)
        self.assertIn("R5CW12ABCDE", text)
        # The lines in sections, the part with its origin, the bonus not among them.
        self.assertIn("Labour", text)
        self.assertIn("Parts", text)
        self.assertIn("Part origin: New", text)
        self.assertEqual(text.count("Bonus réparation QualiRépar (ecosystem)"), 1, "the bonus is no line")
        # The price of the repair in Odoo's totals (printed once), then the bonus deducted and the net amount.
        self.assertIn("Untaxed Amount 150.00 € VAT 20% 30.00 € Total incl. VAT 180.00 € "
                      "Bonus réparation QualiRépar (ecosystem) -50.00 € Net amount to pay 130.00 €", text)
        self.assertEqual(text.count("Untaxed Amount"), 1)
        self.assertEqual(text.count("Net amount to pay"), 1)
        # Warranty, label, footer.
        self.assertIn(WARRANTY, text)
        self.assertIn("Repairer labelled QualiRépar – label number QR-0042", text)
        self.assertIn(FOOTER, text)

    def test_quote(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.qualirepar_piec_unavailable = True
        text = self.pdf_text("sale.action_report_saleorder", order)
        self.assertRepairDocument(text, repair)
        self.assertIn(NO_PIEC, text)
        self.assertNotIn(PIEC_OPTION, text)

        order.qualirepar_piec_unavailable = False
        text = self.pdf_text("sale.action_report_saleorder", order)
        self.assertIn(PIEC_OPTION, text)
        self.assertIn("Your choice: parts from the circular economy not accepted", text)
        self.assertNotIn(NO_PIEC, text)

        order.qualirepar_consent_piec = True
        self.company.qualirepar_warranty_months = 6
        text = self.pdf_text("sale.action_report_saleorder", order)
        self.assertIn("Repair warranty: 6 months, parts and labour", text)
        # The consent is stamped by the server when it is recorded (it cannot be forged): today, by this user.
        stamp = repair.qualirepar_consent_piec_date.strftime("%m/%d/%Y")
        self.assertIn(f"Your choice: parts from the circular economy accepted on {stamp} by {self.env.user.name}",
                      text)

    def test_invoice(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        text = self.pdf_text("account.account_invoices", invoice)
        self.assertRepairDocument(text, repair)
        self.assertNotIn("R.224-31", text)
        self.assertNotIn("L.224-109", text)

    def test_other_documents_unchanged(self):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.labour.id, "price_unit": 100})],
        })
        html = self.env["ir.actions.report"]._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
        text = " ".join(lxml.html.fromstring(html).text_content().split())
        self.assertIn("Untaxed Amount 100.00 €", text)
        self.assertIn("Total 120.00 €", text)
        self.assertNotIn("Bonus réparation", text)
        self.assertNotIn("Repairer labelled QualiRépar", text)
        self.assertNotIn("Net amount to pay", text)
