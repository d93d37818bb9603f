"""What the detailed quote of a repair (référentiel 6.3.4) prints besides Odoo's own quote."""

from odoo import fields, models

SECTION_KINDS = ("labour", "part", "travel", "other")


def qualirepar_report_sections(env, lines):
    """[{"title", "lines", "subtotal"}]: the product lines (never the bonus) by labour, parts, travel, other."""
    _ = env._
    titles = {"labour": _("Labour"), "part": _("Parts"), "travel": _("Travel"), "other": _("Other")}
    by_kind = {kind: lines.browse() for kind in SECTION_KINDS}
    for line in lines:
        kind = line.product_id.qualirepar_line_kind
        by_kind[kind if kind in titles and not line.is_downpayment else "other"] |= line
    return [{"title": titles[kind], "lines": by_kind[kind], "subtotal": sum(by_kind[kind].mapped("price_subtotal"))}
            for kind in SECTION_KINDS if by_kind[kind]]


def qualirepar_report_totals(tax_totals, bonuses, refund=False):
    """What a repair document prints after Odoo's totals (ecorepair_qualirepar.document_tax_totals_template_qualirepar):
    each bonus deducted and the net amount the customer pays (or is refunded).

    ``tax_totals`` is Odoo's summary of the document, printed by Odoo's own template; ``bonuses`` is
    [(label, positive amount)]."""
    return {
        "tax_totals": tax_totals,
        "bonuses": bonuses,
        "net": tax_totals["total_amount_currency"] - sum(amount for _label, amount in bonuses),
        "refund": refund,
    }


class SaleOrder(models.Model):
    _inherit = "sale.order"

    qualirepar_legal_warning = fields.Text(
        related="company_id.qualirepar_legal_warning", string="Missing on the repair documents")

    def _qualirepar_report_sections(self):
        self.ensure_one()
        return qualirepar_report_sections(self.env, self._get_order_lines_to_report().filtered(
            lambda l: not l.display_type and not l.qualirepar_is_bonus))

    def _qualirepar_report_totals(self):
        self.ensure_one()
        organism = dict(self._fields["qualirepar_organism"]._description_selection(self.env))
        bonuses = [(self.env._("Bonus réparation QualiRépar (%s)", organism.get(self.qualirepar_organism, "")),
                    self.qualirepar_bonus_amount)] if self.qualirepar_bonus_amount else []
        return qualirepar_report_totals(self.tax_totals, bonuses)

    def _qualirepar_travel_amount(self):
        """The travel costs of the quote, excl. VAT."""
        self.ensure_one()
        return sum(self.order_line.filtered(
            lambda l: l.product_id.qualirepar_line_kind == "travel" and not l.display_type).mapped("price_subtotal"))

    def _qualirepar_piec_article(self):
        """The article of the consumer code under which this quote offers parts from the circular economy."""
        self.ensure_one()
        return self.qualirepar_repair_id.qualirepar_fiche_metier_id.piec_article or "L.224-109"
