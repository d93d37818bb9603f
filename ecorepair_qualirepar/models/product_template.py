from odoo import api, fields, models

from .product_category import check_one_type_per_organism


class ProductTemplate(models.Model):
    _inherit = "product.template"

    qualirepar_product_type_ids = fields.Many2many(
        "qualirepar.product.type", string="QualiRépar product types",
        help="Overrides the product types of the product category (one per eco-organism).")

    @api.constrains("qualirepar_product_type_ids")
    def _check_qualirepar_product_types(self):
        check_one_type_per_organism(self, "qualirepar_product_type_ids")

    def _qualirepar_product_types(self):
        """Its own product types, then those of its category and of the category's parents, nearest first."""
        self.ensure_one()
        lineage = self.categ_id._qualirepar_lineage()
        return self.qualirepar_product_type_ids.union(*(category.qualirepar_product_type_ids for category in lineage))

    def _qualirepar_product_type(self, organism):
        """The product type of ``organism`` for this product: its own, else its closest category's."""
        return self._qualirepar_product_types().filtered(lambda ptype: ptype.organism == organism)[:1]
