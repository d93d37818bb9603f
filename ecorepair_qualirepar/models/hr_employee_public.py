from odoo import models

from .hr_employee import qualified_first_order


class HrEmployeePublic(models.Model):
    """The users without HR rights search employees through their public profiles: same order."""

    _inherit = "hr.employee.public"

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        return qualified_first_order(self, super()._order_to_sql(order, query, alias, reverse), alias, reverse)
