from odoo import api, models
from odoo.osv import expression
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """The shop records a customer's refusal of SMS on Odoo's phone blacklist (F14)."""

    _inherit = "res.partner"

    def _qualirepar_blacklist_numbers(self):
        """The customers' sanitized numbers, for the shop's staff (the blacklist itself is for administrators)."""
        if not self.env.user.has_group("ecorepair_qualirepar.group_qualirepar_user"):
            raise AccessError(self.env._("Only the repair shop's staff record the customers' SMS choices."))
        return [number for number in self.mapped("phone_sanitized") if number]

    def action_qualirepar_sms_opt_out(self):
        """The customer wants no more SMS: their number goes on the phone blacklist."""
        self.env["phone.blacklist"].sudo()._add(self._qualirepar_blacklist_numbers())

    def action_qualirepar_sms_opt_in(self):
        """The customer accepts SMS again: their number leaves the phone blacklist."""
        self.env["phone.blacklist"].sudo()._remove(self._qualirepar_blacklist_numbers())

    @api.model
    def _search_display_name(self, operator, value):
        """A customer is also found by a phone or mobile number, however it was typed ("06 12 34 56 78" finds
        "0612345678"): at the counter, the customer gives a number, not a spelling."""
        domain = super()._search_display_name(operator, value)
        digits = sum(ch.isdigit() for ch in value) if isinstance(value, str) else 0
        if (operator == "ilike" and digits >= 4 and self.env.context.get("qualirepar_phone_search")
                and not value.strip("+0123456789 .-()/")):
            domain = expression.OR([domain, [("phone_mobile_search", "ilike", value.strip())]])
        return domain
