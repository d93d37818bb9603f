from odoo import api, fields, models
from odoo.exceptions import ValidationError

DOCUMENT_TYPES = [
    ("notice", "Important notice"),
    ("manual", "User manual"),
    ("tips", "Usage tips"),
    ("technical", "Technical documentation"),
    ("exploded_view", "Exploded view"),
]


class QualireparProductDocument(models.Model):
    """A document of a product or of a product category, attached to the repairs of its devices (F10)."""

    _name = "qualirepar.product.document"
    _description = "Product document"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    document_type = fields.Selection(
        DOCUMENT_TYPES, string="Type", required=True, default="manual",
        help="Important notices (a product recall, the risks of refusing a quote) are shown on the repair at intake.")
    datas = fields.Binary(string="File", attachment=True, required=True)
    filename = fields.Char(string="File name")
    customer_visible = fields.Boolean(
        string="Visible to the customer",
        help="Sent to the customer with the repair's documents and downloadable from the customer portal.")
    product_tmpl_id = fields.Many2one("product.template", string="Product", index="btree_not_null", ondelete="cascade")
    categ_id = fields.Many2one(
        "product.category", string="Product category", index="btree_not_null", ondelete="cascade",
        help="The document applies to the devices of this category and of its subcategories.")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, default=lambda self: self.env.company,
        help="Leave empty to share the document between companies.")

    @api.constrains("name", "product_tmpl_id", "categ_id")  # name: always given, so checked at creation
    def _check_product_or_category(self):
        for document in self:
            if not (document.product_tmpl_id or document.categ_id):
                raise ValidationError(self.env._(
                    "The document “%s” must be attached to a product or to a product category.", document.name))
