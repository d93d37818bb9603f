from odoo import api, models

# What the choice of the bonus journal reads (account.move._qualirepar_bonus_journal_id).
BONUS_JOURNAL_FIELDS = {"type", "active", "company_id", "sequence"}


class AccountJournal(models.Model):
    """The bonus journal of a company is looked up once and kept: it is looked up again once a journal that
    could be it is created, changed or deleted."""

    _inherit = "account.journal"

    @api.model_create_multi
    def create(self, vals_list):
        journals = super().create(vals_list)
        if "general" in journals.mapped("type"):
            self.env.registry.clear_cache()
        return journals

    def write(self, vals):
        result = super().write(vals)
        if BONUS_JOURNAL_FIELDS & vals.keys():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
