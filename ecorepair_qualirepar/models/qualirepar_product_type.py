from odoo import api, fields, models

from .qualirepar_backend import ORGANISMS


class QualireparProductType(models.Model):
    """A product type of an eco-organism's catalogue (synchronised): eligibility and bonus scale."""

    _name = "qualirepar.product.type"
    _description = "QualiRépar product type"
    _order = "name, organism"
    _rec_names_search = ["name", "code"]

    backend_id = fields.Many2one("qualirepar.backend", string="Connection", required=True, ondelete="cascade", index=True)
    organism = fields.Selection(related="backend_id.organism", store=True)
    company_id = fields.Many2one(related="backend_id.company_id", store=True, index=True)
    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    active = fields.Boolean(default=True)
    eligible_from = fields.Date(string="Eligible from", readonly=True)
    eligible_until = fields.Date(string="Eligible until", readonly=True)
    sheet_type = fields.Char(
        string="ecosystem sheet code", readonly=True,
        help="The fiche of the product in ecosystem's catalogue (ProductSheet.Type), as the API sends it: the "
        "shop holds the product's fiche when its labelled sheets carry the same code.")
    fiche_metier_id = fields.Many2one(
        "qualirepar.fiche.metier", string="Fiche métier",
        help="Filled in from ecosystem's catalogue, through the sheet codes of the fiches métier; set it by hand "
        "for the other organisms.")
    piec_bonus = fields.Boolean(
        string="+20 % with a circular-economy part",
        help="An equipment of article R.224-32 (washing machine, dishwasher, fridge, TV or monitor, laptop, "
        "smartphone): the bonus is increased by 20 % when a part from the circular economy (PIEC) is used.")
    amount_ids = fields.One2many("qualirepar.bonus.amount", "product_type_id", string="Bonus amounts")
    threshold_ids = fields.One2many("qualirepar.bonus.threshold", "product_type_id", string="Minimum repair prices")
    repair_code_ids = fields.One2many(
        "qualirepar.repair.code", "product_type_id", string="Repair codes", domain=[("kind", "=", "repair")])
    iris_code_ids = fields.One2many(
        "qualirepar.repair.code", "product_type_id", string="IRIS symptoms", domain=[("kind", "=", "iris")])
    brand_ids = fields.Many2many("qualirepar.brand", string="Brands", readonly=True)
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.ref("base.EUR"))
    current_amount = fields.Monetary(string="Bonus today", compute="_compute_current_scale")
    current_threshold = fields.Monetary(string="Minimum price today", compute="_compute_current_scale")

    _sql_constraints = [
        ("code_uniq", "unique(backend_id, code)", "This product type is already known for this connection."),
    ]

    def _compute_display_name(self):
        labels = dict(ORGANISMS)
        for ptype in self:
            ptype.display_name = f"{ptype.name} ({labels.get(ptype.organism, '')})"

    @api.depends_context("date")
    def _compute_current_scale(self):
        today = fields.Date.context_today(self)
        for ptype in self:
            ptype.current_amount = ptype._get_bonus_amount(today).amount
            ptype.current_threshold = ptype._get_threshold(today).minimum_amount

    def _valid_on(self, lines, date):
        return lines.filtered(lambda l: l.date_from <= date and (not l.date_to or date <= l.date_to))[:1]

    def _get_bonus_amount(self, date):
        """The bonus amount line in force on ``date`` (empty when none)."""
        self.ensure_one()
        return self._valid_on(self.amount_ids, date)

    @api.model
    def _qualirepar_bonus_table(self, company, date):
        """The bonus in force on ``date`` per product type of ``company``'s catalogues, for the public page and
        the poster (décret 2024-123): [{"name", "fiche", "amount", "threshold", "currency"}], by name.
        Only what the organisms publish; Ecologic computes its bonus per repair and stores no amount."""
        types = self.sudo().search([("company_id", "in", [company.id, False]), ("backend_id.active", "=", True)])
        rows = {}
        for ptype in types.filtered(lambda t: t._is_eligible_on(date)):
            amount = ptype._get_bonus_amount(date)
            if not amount:
                continue
            row = {"name": ptype.name, "fiche": ptype.fiche_metier_id.number or 0, "amount": amount.amount,
                   "threshold": ptype._get_threshold(date).minimum_amount, "currency": amount.currency_id}
            rows.setdefault(ptype.name, row)
        return sorted(rows.values(), key=lambda r: (r["fiche"], r["name"]))

    def _get_threshold(self, date):
        """The minimum repair price line in force on ``date`` (empty when none)."""
        self.ensure_one()
        return self._valid_on(self.threshold_ids, date)

    def _is_eligible_on(self, date):
        self.ensure_one()
        return bool(self.eligible_from and self.eligible_from <= date
                    and (not self.eligible_until or date <= self.eligible_until))
