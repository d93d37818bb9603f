from odoo import api, fields, models

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
        string="ecosystem sheet type",
        help="Value of the sheet type ('Type') that ecosystem's API uses for this fiche, "
        "in its catalogue (ProductSheet) and in the repairer's business sheets.",
    )
    description = fields.Text(translate=True)
    refusal_risk_notice = fields.Html(
        translate=True, help="Sent to a customer who refuses the quote, unless the product category has its own.")
    control_point_template_ids = fields.One2many(
        "qualirepar.control.point.template", "fiche_metier_id", string="Control points")
    active = fields.Boolean(default=True)
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
