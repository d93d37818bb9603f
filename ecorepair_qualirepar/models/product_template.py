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

    def _qualirepar_product_type(self, organism):
        """The product type of ``organism`` for this product: its own, else its category's."""
        self.ensure_one()
        own = self.qualirepar_product_type_ids.filtered(lambda t: t.organism == organism)[:1]
        return own or self.categ_id._qualirepar_product_type(organism)

    def _qualirepar_fiche_metier(self):
        """The fiche métier of the first of this product's product types (own, then category's) that has one."""
        self.ensure_one()
        category = self.categ_id
        types = self.qualirepar_product_type_ids
        while category:
            types |= category.qualirepar_product_type_ids
            category = category.parent_id
        return types.fiche_metier_id[:1]
