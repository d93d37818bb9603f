from odoo import fields, models
from odoo.tools import SQL


def qualified_first_order(model, sql, alias, reverse):
    """With ``qualirepar_qualified_first`` (a fiche métier's id) in the context, the employees qualified for
    that fiche on ``qualirepar_date`` (today by default) come first, in the usual order: the technician
    picker of a repair lists first who may take it."""
    fiche_id = model.env.context.get("qualirepar_qualified_first")
    if not isinstance(fiche_id, int) or isinstance(fiche_id, bool):
        return sql
    date = fields.Date.to_date(str(model.env.context.get("qualirepar_date") or "")[:10] or None) \
        or fields.Date.context_today(model)
    Line = model.env["hr.resume.line"].sudo().with_context(qualirepar_qualified_first=False)
    qualified = Line.search(
        [("qualirepar_fiche_metier_id", "=", fiche_id), *Line._qualirepar_domain_valid_on(date)], order="id")
    if not qualified:
        return sql
    first = SQL("CASE WHEN %s IN %s THEN %s ELSE %s END", SQL.identifier(alias or model._table, "id"),
                tuple(qualified.employee_id.ids), 1 if reverse else 0, 0 if reverse else 1)
    return SQL("%s, %s", first, sql) if sql else first


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    qualirepar_qualification_ids = fields.One2many(
        "hr.resume.line", "employee_id", string="QualiRépar qualifications",
        domain=[("qualirepar_fiche_metier_id", "!=", False)],
        groups="hr.group_hr_user,ecorepair_qualirepar.group_qualirepar_manager",
        help="Certifications of the resume that qualify the employee for a fiche métier.")

    def _qualirepar_is_qualified(self, fiche, date):
        """Whether this employee holds a qualification for ``fiche`` valid on ``date``."""
        self.ensure_one()
        Line = self.env["hr.resume.line"].sudo()
        return bool(Line.search_count([
            ("employee_id", "=", self.id), ("qualirepar_fiche_metier_id", "=", fiche.id),
            *Line._qualirepar_domain_valid_on(date)], limit=1))

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        return qualified_first_order(self, super()._order_to_sql(order, query, alias, reverse), alias, reverse)
