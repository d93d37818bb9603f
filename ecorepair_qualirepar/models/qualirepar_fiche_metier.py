import re
import unicodedata

from odoo import api, fields, models


def _words(text):
    """The words of ``text`` as compared with a code: no accents, lower case, a final plural "s" dropped."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().casefold()
    return frozenset(word[:-1] if len(word) > 3 and word.endswith("s") else word
                     for word in re.findall(r"[a-z0-9]+", text))


# The article of the consumer code that obliges the repairer to offer parts from the circular economy (PIEC) for
# the equipment of a fiche: L.224-109 for household appliances, IT, telephony and screens (R.224-32),
# L.224-112 for powered garden and DIY tools (R.224-60 ff.), L.224-113 for sport and leisure goods, e-bikes and
# scooters (décret 2023-295).
PIEC_ARTICLES = [("L.224-109", "L.224-109"), ("L.224-112", "L.224-112"), ("L.224-113", "L.224-113")]
PIEC_ARTICLE_OF_FICHE = {8: "L.224-112", 9: "L.224-112", 10: "L.224-113"}


class QualireparFicheMetier(models.Model):
    """One of the ten QualiRépar "fiches métier" (trade sheets) a repairer is labelled for."""

    _name = "qualirepar.fiche.metier"
    _description = "QualiRépar fiche métier"
    _order = "sequence, id"

    sequence = fields.Integer(required=True, default=10)
    name = fields.Char(required=True, translate=True)
    number = fields.Integer(required=True, help="Number of the fiche in the QualiRépar labelling standard (1 to 10).")
    ecosystem_sheet_type = fields.Char(
        string="ecosystem sheet codes",
        help="The codes by which ecosystem's API names this fiche ('Type' of ProductSheet in its catalogue and of "
        "the repairer's BusinessSheets), separated by commas; one fiche may have several. The synchronisation "
        "adds the codes whose name or description contains the words below, and reports the others: add "
        "them here.",
    )
    match_terms = fields.Char(
        string="Words of the fiche",
        help="Names the organisms may give this fiche, separated by commas. A code of ecosystem's API whose "
        "name or description contains all the words of one of them (the longest wins) is linked to this fiche.")
    description = fields.Text(translate=True)
    refusal_risk_notice = fields.Html(
        translate=True, help="Sent to a customer who refuses the quote, unless the product category has its own.")
    control_point_template_ids = fields.One2many(
        "qualirepar.control.point.template", "fiche_metier_id", string="Control points")
    active = fields.Boolean(default=True)
    imei_identified = fields.Boolean(
        string="Devices with an IMEI",
        help="The devices of this fiche (phones, tablets) are identified by their IMEI: the repair asks for it. "
        "The other fiches' devices are identified by their serial number only.")
    piec_article = fields.Selection(
        PIEC_ARTICLES, string="Circular-economy parts offer", compute="_compute_piec_article", store=True,
        readonly=False,
        help="The article of the consumer code under which quotes of this fiche offer parts from the circular "
        "economy: L.224-109 (household appliances, IT, telephony, screens), L.224-112 (powered garden and DIY "
        "tools), L.224-113 (sport and leisure goods, e-bikes and scooters).")

    @api.depends("number")
    def _compute_piec_article(self):
        for fiche in self:
            fiche.piec_article = PIEC_ARTICLE_OF_FICHE.get(fiche.number, "L.224-109")

    _sql_constraints = [
        ("number_uniq", "unique(number)", "A fiche métier with this number already exists."),
    ]

    def _compute_display_name(self):
        for fiche in self:
            fiche.display_name = f"{fiche.number} – {fiche.name}"

    def write(self, vals):
        result = super().write(vals)
        if "ecosystem_sheet_type" in vals:
            self._qualirepar_relink()
        return result

    def _sheet_codes(self):
        self.ensure_one()
        return {code.strip() for code in (self.ecosystem_sheet_type or "").split(",") if code.strip()}

    @api.model
    def _qualirepar_code_links(self):
        """{API sheet code: fiche} as the fiches say."""
        return {code: fiche for fiche in self.sudo().with_context(active_test=False).search([])
                for code in fiche._sheet_codes()}

    @api.model
    def _qualirepar_link_sheet_codes(self, codes):
        """Link the API's sheet codes ``codes`` ({code: description or ""}) to the fiches: a code no fiche names
        is added to the fiche its words match. Returns ({code: fiche}, [the codes left unlinked])."""
        links = self._qualirepar_code_links()
        fiches = self.sudo().with_context(active_test=False).search([])
        unlinked = []
        for code, description in sorted(codes.items()):
            if code in links:
                continue
            fiche = fiches._qualirepar_match(code, description)
            if fiche:
                fiche.ecosystem_sheet_type = ", ".join(filter(None, [fiche.ecosystem_sheet_type, code]))
                links[code] = fiche
            else:
                unlinked.append(code)
        return links, unlinked

    def _qualirepar_match(self, code, description):
        """The fiche of ``self`` whose name or words are all in the code or its description (the longest
        match); none when two fiches match as well."""
        texts = [_words(code), _words(description)]
        scores = {}
        for fiche in self:
            for term in [fiche.name, *(fiche.match_terms or "").split(",")]:
                words = _words(term)
                if words and any(words <= text for text in texts):
                    scores[fiche] = max(scores.get(fiche, 0), len(words))
        best = max(scores.values(), default=0)
        winners = [fiche for fiche, score in scores.items() if score == best]
        return winners[0] if len(winners) == 1 else self.browse()

    @api.model
    def _qualirepar_relink(self):
        """The product types and labelled sheets follow the fiches' codes (after a person changed them)."""
        links = self._qualirepar_code_links()
        for model in ("qualirepar.product.type", "qualirepar.fiche.label"):
            records = self.env[model].sudo().with_context(active_test=False).search([("sheet_type", "!=", False)])
            for record in records:
                fiche = links.get(record.sheet_type)
                if fiche and record.fiche_metier_id != fiche:
                    record.fiche_metier_id = fiche
