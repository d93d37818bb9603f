from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Where a spare part comes from (AGEC law): new, used, or from the circular economy.
PART_ORIGINS = [
    ("new", "New"),
    ("used", "Used"),
    ("piec", "Circular economy (PIEC)"),
]


def check_one_type_per_organism(records, field_name):
    """Refuse two product types of the same eco-organism on one record."""
    for record in records:
        organisms = record[field_name].mapped("organism")
        if len(organisms) != len(set(organisms)):
            raise ValidationError(record.env._(
                "“%s” can be linked to one QualiRépar product type per eco-organism only.", record.display_name))


class ProductCategory(models.Model):
    _inherit = "product.category"

    qualirepar_product_type_ids = fields.Many2many(
        "qualirepar.product.type", string="QualiRépar product types",
        help="The eco-organisms' product types the devices of this category belong to (one per organism). "
        "Subcategories inherit them.")
    qualirepar_risk_notice = fields.Html(
        string="Refused quote risk notice", translate=True,
        help="Sent to a customer who refuses the quote of a device of this category (or of a subcategory "
        "without its own notice), instead of the fiche métier's.")

    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Origin of its parts",
        help="The origin given to the spare parts created in this category (new, used, circular economy): used and "
        "PIEC parts are products of their own, kept in their own category and location.")
    qualirepar_document_ids = fields.One2many(
        "qualirepar.product.document", "categ_id", string="Repair documents")

    @api.constrains("qualirepar_product_type_ids")
    def _check_qualirepar_product_types(self):
        check_one_type_per_organism(self, "qualirepar_product_type_ids")

    def _qualirepar_lineage(self):
        """This category and its parents, nearest first (read from Odoo's ``parent_path``)."""
        if not self:
            return self
        self.ensure_one()
        return self.browse(int(part) for part in reversed(self.parent_path.split("/")[:-1]))
