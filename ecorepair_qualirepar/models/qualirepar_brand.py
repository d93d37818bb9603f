from odoo import api, fields, models

from .qualirepar_backend import ORGANISMS


class QualireparBrand(models.Model):
    """A brand as an eco-organism's API lists it, with the organism that handles its bonus."""

    _name = "qualirepar.brand"
    _description = "QualiRépar brand"
    _order = "name"

    backend_id = fields.Many2one("qualirepar.backend", string="Connection", required=True, ondelete="cascade", index=True)
    organism = fields.Selection(string="Listed by", related="backend_id.organism", store=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    handled_by = fields.Selection(ORGANISMS, string="Handled by", required=True, readonly=True,
                                  help="The eco-organism that pays the bonus for this brand.")
    is_handler = fields.Boolean(
        compute="_compute_is_handler", store=True,
        help="Listed by the organism that handles it: the record to use on a repair.")
    product_type_ids = fields.Many2many("qualirepar.product.type", string="Product types", readonly=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(backend_id, code)", "This brand is already known for this connection."),
    ]

    @api.depends("organism", "handled_by")
    def _compute_is_handler(self):
        for brand in self:
            brand.is_handler = brand.organism == brand.handled_by

    @api.depends("name", "handled_by")
    def _compute_display_name(self):
        labels = dict(self._fields["handled_by"]._description_selection(self.env))
        for brand in self:
            brand.display_name = f"{brand.name} ({labels.get(brand.handled_by, '')})" if brand.handled_by else brand.name
