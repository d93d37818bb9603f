from markupsafe import Markup

from odoo import api, fields, models

from .qualirepar_backend import ORGANISMS

CLAIM_STATES = [
    ("to_fix", "To fix"),
    ("to_send", "To send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("paid", "Paid"),
    ("cancel", "Cancelled"),
]

# What a person may change on a claim by hand (the rest changes through the add-on's methods).
EDITABLE_FIELDS = {"remote_ref", "consumer_document", "consumer_document_name"}


class QualireparClaim(models.Model):
    """The reimbursement of one bonus réparation by an eco-organism: one per repaired device of a posted invoice."""

    _name = "qualirepar.claim"
    _description = "QualiRépar bonus claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "qualirepar.guarded.mixin"]
    _order = "invoice_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    repair_id = fields.Many2one("repair.order", string="Repair", required=True, readonly=True, index=True,
                                check_company=True)
    invoice_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True,
                                 ondelete="restrict", check_company=True)
    invoice_date = fields.Date(related="invoice_id.invoice_date", store=True)
    customer_id = fields.Many2one(related="invoice_id.partner_id", string="Customer")
    bonus_line_id = fields.Many2one("account.move.line", string="Bonus journal item", required=True, readonly=True,
                                    ondelete="restrict", check_company=True)
    backend_id = fields.Many2one("qualirepar.backend", string="Connection", readonly=True, check_company=True)
    organism = fields.Selection(ORGANISMS, compute="_compute_organism", store=True)
    partner_id = fields.Many2one("res.partner", string="Eco-organism", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Bonus claimed", required=True, readonly=True, tracking=True)
    amount_paid = fields.Monetary(string="Amount reimbursed", readonly=True, tracking=True, copy=False)
    amount_residual = fields.Monetary(
        string="Still owed", related="bonus_line_id.amount_residual", store=True,
        help="What the eco-organism still owes on this bonus, in the books.")
    payment_difference = fields.Monetary(
        string="Discrepancy", compute="_compute_payment_difference", store=True,
        help="What the eco-organism paid minus what was claimed, once it has paid.")
    has_discrepancy = fields.Boolean(compute="_compute_payment_difference", store=True, string="Paid another amount")
    payment_date = fields.Date(string="Reimbursed on", readonly=True, copy=False)
    payment_reference = fields.Char(string="Remittance reference", readonly=True, copy=False)
    payment_move_id = fields.Many2one("account.move", string="Remittance entry", readonly=True, copy=False,
                                      check_company=True)
    state = fields.Selection(CLAIM_STATES, default="to_send", required=True, readonly=True, tracking=True,
                             index=True)

    _sql_constraints = [
        ("bonus_line_uniq", "unique(bonus_line_id)", "This bonus already has a claim."),
    ]

    def _qualirepar_guarded_changes(self, vals):
        """Everything but the organism's reference (typed by a person who found a claim on the organism's site),
        the customer's document and the chatter is the add-on's to change."""
        names = {name for name in vals.keys() & self._fields.keys()
                 if name not in EDITABLE_FIELDS and not name.startswith(("message_", "activity_"))}
        if not self:
            return {name for name in names if vals[name]}
        return self._qualirepar_changed(vals, names)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].with_company(vals.get("company_id")).next_by_code(
                    "qualirepar.claim") or "/"
        return super().create(vals_list)

    @api.depends("backend_id.organism", "repair_id.qualirepar_organism")
    def _compute_organism(self):
        for claim in self:
            claim.organism = claim.backend_id.organism or claim.repair_id.qualirepar_organism

    @api.depends("state", "amount", "amount_paid")
    def _compute_payment_difference(self):
        for claim in self:
            paid = claim.state == "paid"
            claim.payment_difference = paid and claim.amount_paid - claim.amount
            claim.has_discrepancy = paid and not claim.currency_id.is_zero(claim.amount_paid - claim.amount)

    def _record_payment(self, amount, date, reference, move):
        """The eco-organism paid ``amount`` for this claim in the remittance entry ``move``; a person is asked
        to look into any difference with the amount claimed."""
        self.ensure_one()
        self.write({"state": "paid", "amount_paid": amount, "payment_date": date,
                    "payment_reference": reference, "payment_move_id": move.id})
        if self.has_discrepancy:
            note = self.env._(
                "%(organism)s paid %(paid)s for the bonus of %(repair)s instead of the %(claimed)s claimed "
                "(remittance %(reference)s).",
                organism=self.partner_id.name, paid=self.repair_id._qualirepar_money(amount),
                repair=self.repair_id.name, claimed=self.repair_id._qualirepar_money(self.amount),
                reference=reference or move.name)
            self.activity_schedule(
                "mail.mail_activity_data_todo", summary=self.env._("Reimbursement discrepancy"), note=note,
                user_id=self.env.user.id)
            self.message_post(body=note)

    def _cancel_for_credit_note(self, refund):
        for claim in self:
            claim.state = "cancel"
            claim.message_post(body=Markup(self.env._("Cancelled by the credit note %s.")) % refund._get_html_link())
