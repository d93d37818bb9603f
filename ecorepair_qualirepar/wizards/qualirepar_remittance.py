from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..models.qualirepar_access import ACCOUNTANT, check_role
from ..models.qualirepar_claim import OWN_MATCH

CLOSED_STATES = ("paid", "cancel", "written_off", "refunded")


def _owed_claims(states):
    """The claims in ``states`` the organism still owes, and those whose bonus a credit note took back while the
    organism had it."""
    return ["|", ("state", "=", "to_refund"), "&", ("state", "in", states), ("amount_residual", "!=", 0)]


# The claims an organism may pay: those it has (sent, or approved). A claim still to fix or to send is not the
# organism's to pay. Selected by a person, a rejected claim may be paid too: a rejection reversed on appeal.
OPEN_CLAIM_DOMAIN = _owed_claims(("sent", "approved"))
SELECTED_CLAIM_DOMAIN = _owed_claims(("sent", "approved", "rejected"))


class QualireparRemittanceWizard(models.TransientModel):
    """One payment of an eco-organism covering several bonus claims: one bank entry, each claim's bonus
    matched with what was paid for it."""

    _name = "qualirepar.remittance.wizard"
    _description = "Record an eco-organism's remittance"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    organism_ids = fields.Many2many("res.partner", compute="_compute_organism_ids")
    partner_id = fields.Many2one(
        "res.partner", string="Eco-organism", required=True, domain="[('id', 'in', organism_ids)]")
    journal_id = fields.Many2one(
        "account.journal", string="Bank journal", required=True, check_company=True,
        compute="_compute_journal_id", store=True, readonly=False, precompute=True,
        domain="[('type', '=', 'bank'), ('currency_id', 'in', (False, currency_id))]")
    date = fields.Date(string="Received on", required=True, default=fields.Date.context_today)
    reference = fields.Char(string="Remittance reference", help="The reference of the payment on the bank statement.")
    amount = fields.Monetary(string="Amount received", required=True)
    line_ids = fields.One2many(
        "qualirepar.remittance.wizard.line", "wizard_id", string="Claims",
        compute="_compute_line_ids", store=True, readonly=False)
    amount_allocated = fields.Monetary(string="Paid on the claims", compute="_compute_amount_allocated")
    amount_difference = fields.Monetary(string="Left to allocate", compute="_compute_amount_allocated")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") != "qualirepar.claim":
            # From the menu: the organism, when only one has claims to pay.
            if "partner_id" in fields_list and not values.get("partner_id"):
                company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
                organisms = self.env["qualirepar.claim"]._read_group(
                    [("company_id", "=", company.id), *OPEN_CLAIM_DOMAIN], ["partner_id"])
                if len(organisms) == 1:
                    values["partner_id"] = organisms[0][0].id
            return values
        _ = self.env._
        claims = self.env["qualirepar.claim"].browse(self.env.context.get("active_ids"))
        if not claims:
            raise UserError(_("Select the claims the eco-organism paid."))
        if len(claims.partner_id) > 1:
            raise UserError(_(
                "The selected claims are owed by several eco-organisms (%s): record one remittance per "
                "eco-organism.", ", ".join(claims.partner_id.mapped("name"))))
        open_claims = claims.filtered_domain(SELECTED_CLAIM_DOMAIN)
        if not open_claims:
            if claims.filtered(lambda claim: claim.state not in CLOSED_STATES and claim.amount_residual):
                raise UserError(_(
                    "None of the selected claims has been received by the eco-organism: only the claims it has "
                    "(sent, approved, or rejected) are paid. Send them first."))
            raise UserError(_("None of the selected claims is still owed: they are paid or cancelled."))
        values.update(partner_id=claims.partner_id.id, company_id=open_claims.company_id[:1].id)
        return values

    def _selected_claims(self):
        if self.env.context.get("active_model") != "qualirepar.claim":
            return self.env["qualirepar.claim"]
        return self.env["qualirepar.claim"].browse(self.env.context.get("active_ids"))

    @api.depends("company_id")
    def _compute_organism_ids(self):
        for wizard in self:
            groups = self.env["qualirepar.claim"]._read_group(
                [("company_id", "=", wizard.company_id.id), *OPEN_CLAIM_DOMAIN], ["partner_id"])
            wizard.organism_ids = [Command.set([partner.id for partner, in groups])]

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["account.journal"].search([
                *self.env["account.journal"]._check_company_domain(wizard.company_id),
                ("type", "=", "bank"), ("currency_id", "in", (False, wizard.currency_id.id))], limit=1)

    @api.depends("partner_id", "company_id")
    def _compute_line_ids(self):
        """The claims selected in the list, else all the organism's open claims, each paid in full."""
        selected = self._selected_claims()
        for wizard in self:
            domain = [("partner_id", "=", wizard.partner_id.id), ("company_id", "=", wizard.company_id.id)]
            claims = selected.filtered_domain(domain + SELECTED_CLAIM_DOMAIN) or self.env["qualirepar.claim"].search(
                domain + OPEN_CLAIM_DOMAIN)
            wizard.line_ids = [Command.clear()] + [
                Command.create({"claim_id": claim.id, "amount_paid": claim.amount_residual}) for claim in claims]

    @api.depends("amount", "line_ids.amount_paid")
    def _compute_amount_allocated(self):
        for wizard in self:
            wizard.amount_allocated = sum(wizard.line_ids.mapped("amount_paid"))
            wizard.amount_difference = wizard.amount - wizard.amount_allocated

    def _outstanding_account(self):
        """Where Odoo's customer payments in this journal wait for the bank statement."""
        self.ensure_one()
        account = self.journal_id.inbound_payment_method_line_ids[:1].payment_account_id
        if not account:
            chart = self.env["account.chart.template"].with_context(
                allowed_company_ids=self.company_id.root_id.ids)
            account = chart.ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
        if not account:
            raise UserError(self.env._(
                "The journal %s has no outstanding receipts account: set one on its incoming payment method.",
                self.journal_id.display_name))
        return account

    def _check_amounts(self):
        self.ensure_one()
        _ = self.env._
        currency = self.currency_id
        if currency.compare_amounts(self.amount, 0) <= 0 or any(
                currency.compare_amounts(line.amount_paid, 0) < 0 and line.claim_id.state != "to_refund"
                for line in self.line_ids):
            raise UserError(_("The amount received and the amounts paid on the claims must be positive."))
        netted = self.line_ids.filtered(lambda line: currency.compare_amounts(
            -line.amount_paid, line.claim_id.amount_to_refund) > 0)
        if netted:
            raise UserError(_(
                "The eco-organism can keep back at most what is to refund to it: %s.", ", ".join(
                    f"{line.claim_id.name} ({format_amount(self.env, line.claim_id.amount_to_refund, currency)})"
                    for line in netted)))
        lines = self.line_ids.filtered(lambda line: not currency.is_zero(line.amount_paid))
        if not lines:
            raise UserError(_("No claim is covered by this remittance: enter the amount paid on each claim."))
        if currency.compare_amounts(self.amount_allocated, self.amount):
            raise UserError(_(
                "The amounts paid on the claims add up to %(lines)s but %(received)s were received: they must "
                "be equal.",
                lines=format_amount(self.env, self.amount_allocated, currency),
                received=format_amount(self.env, self.amount, currency)))
        closed = lines.claim_id.filtered(lambda claim: claim.state in CLOSED_STATES)
        if closed:
            raise UserError(_("These claims are already paid or cancelled: %s", ", ".join(closed.mapped("name"))))
        return lines

    def action_confirm(self):
        """Post the bank entry, match each covered bonus with what was paid for it, and close the claims."""
        check_role(self.env, ACCOUNTANT)
        self.check_access("write")
        self.ensure_one()
        lines = self._check_amounts()
        label = self.reference or self.env._("Bonus réparation remittance of %s", self.partner_id.name)
        move = self.env["account.move"].create({
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "currency_id": self.currency_id.id,
            "date": self.date,
            "ref": label,
            "partner_id": self.partner_id.id,
            # A payment received, not a sale: no fiscal position. (Odoo would pick one from the organism, and
            # with the French chart "EU private": l10n_fr's domestic position asks for a VAT number.)
            "fiscal_position_id": False,
            "line_ids": [Command.create({
                "name": label,
                "account_id": self._outstanding_account().id,
                "partner_id": self.partner_id.id,
                "debit": self.amount,
            })] + [Command.create({
                "name": line.claim_id.name,
                "account_id": line.claim_id.bonus_line_id.account_id.id,
                "partner_id": self.partner_id.id,
                "balance": -line.amount_paid,  # a debit: what the organism keeps back of a bonus to refund to it
            }) for line in lines],
        })
        move.action_post()
        items = move.line_ids.sorted("id")[1:]  # in the order of ``lines``
        paid = [(line, item) for line, item in zip(lines, items) if line.amount_paid > 0]
        netted = [(line, item) for line, item in zip(lines, items) if line.amount_paid < 0]
        for line, item in netted:
            line.claim_id.message_post(body=self.env._(
                "%(organism)s kept back %(amount)s in its remittance %(reference)s, for the bonus to refund to it.",
                organism=self.partner_id.name, amount=format_amount(self.env, -line.amount_paid, self.currency_id),
                reference=self.reference or move.name))
        # A bonus a credit note took back is no longer owed: what the organism pays for it stays open, owed back;
        # what it keeps back settles what is owed to it.
        self.env["account.move.line"].with_context(**{OWN_MATCH: True})._reconcile_plan(
            [item | line.claim_id.bonus_line_id for line, item in paid if not line.claim_id.bonus_line_id.reconciled]
            + [item | (line.claim_id.refund_line_id | line.claim_id.payment_line_ids).filtered(
                lambda l: not l.reconciled) for line, item in netted])
        for line, item in paid:
            line.claim_id.sudo()._record_payment(line.amount_paid, self.date, self.reference, move, item)
        return move._get_records_action()


class QualireparRemittanceWizardLine(models.TransientModel):
    _name = "qualirepar.remittance.wizard.line"
    _description = "Claim covered by an eco-organism's remittance"

    wizard_id = fields.Many2one("qualirepar.remittance.wizard", required=True, ondelete="cascade")
    claim_id = fields.Many2one("qualirepar.claim", string="Claim", required=True)
    invoice_id = fields.Many2one(related="claim_id.invoice_id")
    invoice_date = fields.Date(related="claim_id.invoice_date")
    repair_id = fields.Many2one(related="claim_id.repair_id")
    state = fields.Selection(related="claim_id.state", string="Status")
    remote_ref = fields.Char(related="claim_id.remote_ref", string="Organism's reference")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount_claimed = fields.Monetary(related="claim_id.amount", string="Claimed")
    amount_residual = fields.Monetary(related="claim_id.amount_residual", string="Still owed")
    amount_paid = fields.Monetary(
        string="Paid", help="What this remittance pays for the claim; 0 if it does not. On a claim to refund to "
        "the eco-organism, a negative amount is what the organism keeps back of the remittance for it.")
