from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A match on an eco-organism's receivable changes what is still owed on its claim, and may settle (or
    reopen) the refund of a bonus a credit note took back (qualirepar.claim._qualirepar_items_matched): however
    the accountant matched it (Odoo's reconciliation, a remittance, a write-off, a reset to draft)."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["qualirepar.claim"]._qualirepar_items_matched(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        self.env["qualirepar.claim"]._qualirepar_items_matched(lines.exists())
        return result
