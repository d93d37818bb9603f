from odoo import fields, http
from odoo.http import request


class QualireparBonusPage(http.Controller):
    """The bonus amounts in force per product type, for anyone (décret 2024-123: "visibles, lisibles et
    facilement accessibles"): product names and amounts of the synchronised scale only, no private data."""

    @http.route("/qualirepar/bonus", type="http", auth="public", methods=["GET"], website=True)
    def qualirepar_bonus(self, **kw):
        company = request.env.company
        day = fields.Date.context_today(request.env.user)
        rows = request.env["qualirepar.product.type"]._qualirepar_bonus_table(company, day)
        return request.render("ecorepair_qualirepar.qualirepar_bonus_page",
                              {"company": company.sudo(), "day": day, "rows": rows})
