"""The e-invoice Odoo writes for a repair invoice with a bonus (Factur-X / EN 16931 CII, account_edi_ubl_cii)."""

import os
import resource
import subprocess
import sys

import facturx
from lxml import etree

from odoo.tests import tagged

from .common_bonus import BonusCase

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "svrl": "http://purl.oclc.org/dsdl/svrl"}
# The schematrons of Factur-X 1.0 (FNFE-MPE, compiled to XSLT) as the factur-x package ships them: the EN 16931
# profile's (the rules of EN 16931 on CII) and the EXTENDED profile's, the one Odoo's XML declares
# (GuidelineSpecifiedDocumentContextParameter urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended).
SCHEMATRONS = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
EN16931_XSLT = os.path.join(SCHEMATRONS, "facturx-en16931", "FACTUR-X_EN16931.xslt")
EXTENDED_XSLT = os.path.join(SCHEMATRONS, "facturx-extended", "FACTUR-X_EXTENDED.xslt")
# The one rule of the EN 16931 profile an EXTENDED document breaks by being one: its profile identifier.
PROFILE_ID_RULE = "FX-SCH-A-000556"


# saxonche (GraalVM) reserves more address space than Odoo's limit_memory_hard lets a process have: it runs in
# a process of its own, without that limit.
SAXON = """
import sys
from saxonche import PySaxonProcessor
with PySaxonProcessor(license=False) as saxon:
    executable = saxon.new_xslt30_processor().compile_stylesheet(stylesheet_file=sys.argv[1])
    sys.stdout.write(executable.transform_to_string(xdm_node=saxon.parse_xml(xml_text=sys.stdin.read())))
"""


def _no_memory_limit():
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.getrlimit(resource.RLIMIT_AS)[1]))


def schematron_failures(xml, xslt):
    """The failed assertions of the schematron ``xslt`` (run by saxonche) on ``xml``, as (id, text)."""
    report = subprocess.run([sys.executable, "-c", SAXON, xslt], input=xml, capture_output=True,
                            check=True, timeout=300, preexec_fn=_no_memory_limit).stdout
    svrl = etree.fromstring(report)
    return [(node.get("id"), " ".join(node.itertext()).strip())
            for node in svrl.iterfind(".//svrl:failed-assert", NS)]


@tagged("post_install", "-at_install")
class TestBonusFacturX(BonusCase):

    def test_facturx_of_an_invoice_with_a_bonus(self):
        """180 € incl. VAT with a 50 € bonus: the full price in the lines and the VAT breakdown, no exempt line,
        the bonus as paid already (TotalPrepaidAmount), 130 € due from the customer."""
        self.company.write({"vat": "FR23334175221", "phone": "0478000000", "email": "atelier@example.com"})
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        xml, errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        # Odoo's own checks: nothing but the shop's bank account, which this test company has not.
        self.assertFalse([error for error in errors if "bank" not in error.lower()], errors)

        tree = etree.fromstring(xml)
        summation = tree.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
        amounts = {etree.QName(node).localname: float(node.text) for node in summation}
        self.assertEqual(amounts, {
            "LineTotalAmount": 150, "TaxBasisTotalAmount": 150, "TaxTotalAmount": 30, "GrandTotalAmount": 180,
            "TotalPrepaidAmount": 50, "DuePayableAmount": 130})
        lines = tree.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)
        self.assertEqual(len(lines), 2)
        categories = {node.text for node in tree.iterfind(".//ram:CategoryCode", NS)}
        self.assertEqual(categories, {"S"})  # standard rate only: no exempt (E) or zero-rated line
        taxes = tree.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
        self.assertEqual([(float(tax.findtext("ram:BasisAmount", namespaces=NS)),
                           float(tax.findtext("ram:CalculatedAmount", namespaces=NS))) for tax in taxes],
                         [(150, 30)])

        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")  # raises when it does not validate
        self.assertEqual(schematron_failures(xml, EXTENDED_XSLT), [])
        en16931 = schematron_failures(xml, EN16931_XSLT)
        self.assertEqual([rule for rule, _text in en16931 if rule != PROFILE_ID_RULE], [], en16931)
        # The check is no formality: the bonus due from the customer (180 € due, the old total) is refused.
        wrong = xml.replace(b"<ram:DuePayableAmount>130.00<", b"<ram:DuePayableAmount>180.00<")
        self.assertNotEqual(wrong, xml)
        self.assertTrue(schematron_failures(wrong, EXTENDED_XSLT))
