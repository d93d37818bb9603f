import re

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import escape_psql

from .product_category import PART_ORIGINS, check_one_type_per_organism

LINE_KINDS = [
    ("labour", "Labour"),
    ("part", "Part"),
    ("travel", "Travel"),
    ("bonus", "Bonus réparation"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    qualirepar_product_type_ids = fields.Many2many(
        "qualirepar.product.type", string="QualiRépar product types",
        help="Overrides the product types of the product category (one per eco-organism).")
    qualirepar_part_origin = fields.Selection(
        PART_ORIGINS, string="Part origin", compute="_compute_qualirepar_part_origin", store=True, readonly=False,
        help="Where this spare part comes from, printed on quotes and invoices: new, used, or from the circular "
        "economy (PIEC, AGEC law). Used and PIEC parts need the customer's consent. A used or PIEC part is a "
        "product of its own (its price, its supplier, its stock): by default the origin of its category.")
    qualirepar_line_kind = fields.Selection(
        LINE_KINDS, string="Repair document section", compute="_compute_qualirepar_line_kind", store=True,
        readonly=False, help="The section of the detailed quote and invoice where this product is printed.")

    qualirepar_price_notice = fields.Boolean(
        string="On the shop's price notice",
        help="Listed with its price incl. VAT on the notice of repair prices displayed in the shop "
        "(arrêté 83-50/A).")
    qualirepar_online_booking = fields.Boolean(
        string="Bookable online", help="Offered on the public booking page (its name only is shown).")
    qualirepar_document_ids = fields.One2many(
        "qualirepar.product.document", "product_tmpl_id", string="Repair documents")

    @api.depends("categ_id.qualirepar_part_origin")
    def _compute_qualirepar_part_origin(self):
        for template in self:
            template.qualirepar_part_origin = (template.categ_id.qualirepar_part_origin
                                               or template.qualirepar_part_origin or "new")

    @api.depends("type")
    def _compute_qualirepar_line_kind(self):
        for template in self:
            if template.qualirepar_line_kind not in ("travel", "bonus"):
                template.qualirepar_line_kind = "labour" if template.type == "service" else "part"

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

    def _qualirepar_brand(self, company):
        """The brand of the organisms' lists (of ``company``) this product's name names ("Lave-linge Bosch
        Serie 4" → Bosch), the longest name first ("De Dietrich" before "Dietrich"); empty when none."""
        Brand = self.env["qualirepar.brand"]
        if not self:
            return Brand
        self.ensure_one()
        words = re.findall(r"[\w'&+-]+", self.name or "")
        candidates = {" ".join(words[i:i + size]) for size in (3, 2, 1) for i in range(len(words) - size + 1)}
        candidates = [c for c in candidates if len(c) > 1]
        if not candidates:
            return Brand
        domain = expression.OR([[("name", "=ilike", escape_psql(candidate))] for candidate in candidates])
        brands = Brand.search(expression.AND([
            domain, [("is_handler", "=", True), ("company_id", "in", [company.id, False])]]))
        return brands.sorted(lambda b: (-len(b.name), b.id))[:1]
