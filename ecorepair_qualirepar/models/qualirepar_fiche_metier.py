from odoo import fields, models


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

    _sql_constraints = [
        ("number_uniq", "unique(number)", "A fiche métier with this number already exists."),
    ]

    def _compute_display_name(self):
        for fiche in self:
            fiche.display_name = f"{fiche.number} – {fiche.name}"
