from odoo import fields, models

PHASES = [("before", "Check-in (before)"), ("after", "Check-out (after)")]
KINDS = [("yes_no", "Yes / No"), ("measure", "Measurement"), ("text", "Text"), ("photo", "Photo")]


class QualireparControlPointTemplate(models.Model):
    """A control point a repair of a fiche métier (optionally of a product category) must go through."""

    _name = "qualirepar.control.point.template"
    _description = "QualiRépar control point template"
    _order = "fiche_metier_id, phase desc, sequence, id"

    fiche_metier_id = fields.Many2one("qualirepar.fiche.metier", required=True, index=True, ondelete="cascade")
    product_categ_id = fields.Many2one(
        "product.category", string="Product category", index=True, ondelete="cascade",
        help="Only for the devices of this category and of its subcategories; empty: every device of the fiche.")
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Label", required=True, translate=True)
    phase = fields.Selection(PHASES, required=True, default="before")
    kind = fields.Selection(KINDS, required=True, default="yes_no")
    unit = fields.Char(help="Unit of a measurement, e.g. MΩ, mW/cm², s.")
    min_value = fields.Float(string="Minimum", help="Lowest compliant measurement; 0 for no minimum.")
    max_value = fields.Float(string="Maximum", help="Highest compliant measurement; 0 for no maximum.")
    mandatory = fields.Boolean(
        default=True, help="Check-in points block the start of the repair, check-out points its end.")
    help_text = fields.Text(string="Instructions", translate=True)
    active = fields.Boolean(default=True)

    def _control_point_vals(self, repair):
        """Values of the repair's control point copied from this template."""
        self.ensure_one()
        return {
            "repair_id": repair.id,
            "template_id": self.id,
            **{name: self[name] for name in ("sequence", "name", "phase", "kind", "unit", "min_value",
                                              "max_value", "mandatory")},
        }
