from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from .qualirepar_access import ACCOUNTANT, check_role
from .qualirepar_backend import ORGANISMS

CLAIM_STATES = [
    ("to_fix", "To fix"),
    ("to_send", "To send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("paid", "Paid"),
    ("to_refund", "To refund to the eco-organism"),
    ("refunded", "Refunded to the eco-organism"),
    ("written_off", "Written off"),
    ("cancel", "Cancelled"),
]
# The states of a claim whose bonus item only the organism's payments match (not a credit note's entry; a write-off
# matches it as the add-on's own match). A rejected claim may still be paid: a rejection reversed on appeal.
PAYMENT_STATES = ("sent", "approved", "paid", "rejected")
# The context key of the add-on's own matches of a bonus item (a remittance, a write-off): their caller records what
# they mean, the claim's payment is not read from them.
OWN_MATCH = "qualirepar_own_match"
# The columns of the claims' kanban, in the order of the workflow; the other states follow when they have claims.
KANBAN_STATES = ("to_fix", "to_send", "sent", "approved", "paid", "rejected")


class Issue(str):
    """What a check found, in words, and the record where a person fixes it (the company, the customer, the
    repair, the invoice, the connection…), if any."""

    __slots__ = ("record",)

    def __new__(cls, text, record=None):
        issue = super().__new__(cls, text)
        issue.record = record
        return issue


def issues_html(env, issues):
    """The issues as a list, each with a link to the record where it is fixed."""
    items = Markup()
    for issue in issues:
        record = getattr(issue, "record", None)
        link = Markup("")
        if record:
            link = Markup(' <a href="/odoo/%s/%s" class="text-nowrap"><i class="fa fa-arrow-right me-1"></i>%s</a>'
                          ) % (record._name, record.id, env._("Open %s", record.sudo().display_name))
        items += Markup("<li>%s%s</li>") % (str(issue), link)
    return Markup('<ul class="mb-0 ps-3">%s</ul>') % items if items else False


# Before these, the organism has not received the claim: it may still be withdrawn.
STATES_BEFORE_SENDING = ("to_fix", "to_send", "sending")

# What a person may change on a claim by hand (the rest changes through the add-on's methods).
EDITABLE_FIELDS = {"remote_ref", "consumer_document", "consumer_document_name", "write_off_reason"}


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
                                    ondelete="restrict", check_company=True,
                                    help="The organism's receivable (467100) for this bonus.")
    refund_line_id = fields.Many2one(
        "account.move.line", string="Bonus taken back", readonly=True, copy=False, check_company=True,
        help="The credit of 467100 by which a credit note took the bonus back from the organism.")
    payment_line_ids = fields.Many2many(
        "account.move.line", "qualirepar_claim_payment_line_rel", "claim_id", "line_id", string="Payments received",
        readonly=True, copy=False, help="The credits of 467100 of the organism's remittances for this claim.")
    amount_to_refund = fields.Monetary(
        string="To refund to the eco-organism", compute="_compute_amount_to_refund",
        help="What the organism paid for a bonus a credit note took back: the shop owes it back.")
    sent_date = fields.Date(
        string="Received by the organism on", readonly=True, copy=False,
        help="The day the organism received the claim with its invoice; its 15 days of payment start then.")
    aging_date = fields.Date(compute="_compute_aging_date", store=True, string="Owed since",
                             help="When the claim was received by the organism, else the invoice date.")
    remote_cancel_pending = fields.Boolean(
        string="To withdraw at the organism", readonly=True, copy=False,
        help="Cancelled here while the organism holds a draft of it: the transmission engine deletes it there.")
    write_off_reason = fields.Text(string="Write-off reason", copy=False, tracking=True,
                                   help="Why a claim rejected for good is written off: typed by the person who does it.")
    write_off_move_id = fields.Many2one("account.move", string="Write-off entry", readonly=True, copy=False,
                                        check_company=True)
    backend_id = fields.Many2one("qualirepar.backend", string="Connection", readonly=True, check_company=True)
    organism = fields.Selection(ORGANISMS, compute="_compute_organism", store=True)
    partner_id = fields.Many2one("res.partner", string="Eco-organism", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Bonus claimed", required=True, readonly=True, tracking=True)
    amount_paid = fields.Monetary(string="Amount reimbursed", readonly=True, tracking=True, copy=False)
    # The residual of the bonus item, kept by the matches of 467100 (_qualirepar_items_matched), not a related
    # field: that would make every posting of the database look for claims of the items it writes.
    amount_residual = fields.Monetary(
        string="Still owed", readonly=True, copy=False,
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
                             index=True, group_expand="_group_expand_states")
    bonus_refreshed_amount = fields.Monetary(
        string="Bonus given now by the organism", readonly=True, copy=False,
        help="The bonus the organism gave when it was asked again before sending, for the invoice date.")
    bonus_change_pending = fields.Boolean(
        string="Bonus changed", readonly=True, copy=False,
        help="The organism now gives another bonus than the one deducted: a person accepts sending the claim "
        "as invoiced, or credits the invoice.")
    bonus_change_accepted_by_id = fields.Many2one(
        "res.users", string="Bonus change accepted by", readonly=True, copy=False)

    _sql_constraints = [
        ("bonus_line_uniq", "unique(bonus_line_id)", "This bonus already has a claim."),
    ]

    @api.model
    def _group_expand_states(self, states, domain):
        """The kanban's columns in the order of the workflow (to fix → to send → sent → approved → paid →
        rejected), then the other states that have claims."""
        return [*KANBAN_STATES, *(state for state, _label in CLAIM_STATES
                                  if state in states and state not in KANBAN_STATES)]

    def _qualirepar_guarded_changes(self, vals):
        """Everything but the organism's reference (typed by a person who found a claim on the organism's site),
        the customer's document and the chatter is the add-on's to change."""
        names = {name for name in vals.keys() & self._fields.keys()
                 if name not in EDITABLE_FIELDS and not name.startswith(("message_", "activity_"))}
        changes = {name for name in names if vals[name]} if not self else self._qualirepar_changed(vals, names)
        return self._qualirepar_document_origin_unguarded(vals, changes)

    # create and write are overridden here only, calling the steps of each concern (qualirepar_claim_<concern>.py):
    # the values before super(), the effects after it.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].with_company(vals.get("company_id")).next_by_code(
                    "qualirepar.claim") or "/"
        # What is still owed starts as its bonus item's residual (then follows its matches: _qualirepar_items_matched).
        todo = [vals for vals in vals_list if "amount_residual" not in vals and vals.get("bonus_line_id")]
        lines = self.env["account.move.line"].browse([vals["bonus_line_id"] for vals in todo])
        for vals, line in zip(todo, lines):
            vals["amount_residual"] = line.amount_residual
        claims = super().create(vals_list)
        claims._qualirepar_check_at_create()
        return claims

    @api.depends("backend_id.organism", "repair_id.qualirepar_organism")
    def _compute_organism(self):
        for claim in self:
            claim.organism = claim.backend_id.organism or claim.repair_id.qualirepar_organism

    @api.depends("state", "amount", "amount_paid")
    def _compute_payment_difference(self):
        for claim in self:
            paid = bool(claim.payment_move_id) and claim.state not in ("cancel", "written_off", "refunded")
            claim.payment_difference = paid and claim.amount_paid - claim.amount
            claim.has_discrepancy = paid and not claim.currency_id.is_zero(claim.amount_paid - claim.amount)

    @api.depends("sent_date", "invoice_date")
    def _compute_aging_date(self):
        for claim in self:
            claim.aging_date = claim.sent_date or claim.invoice_date

    @api.depends("state", "refund_line_id.amount_residual", "payment_line_ids.amount_residual")
    def _compute_amount_to_refund(self):
        for claim in self:
            items = claim.refund_line_id | claim.payment_line_ids
            claim.amount_to_refund = -sum(items.mapped("amount_residual")) if claim.state == "to_refund" else 0.0

    def write(self, vals):
        vals = self._qualirepar_document_origin_vals(vals)
        if vals.get("state") == "sent" and "sent_date" not in vals:
            for claim in self.filtered(lambda c: not c.sent_date):
                claim.write({"sent_date": fields.Date.context_today(claim)})
        return super().write(vals)

    def _record_payment(self, amount, date, reference, move, credit):
        """The eco-organism paid ``amount`` for this claim in the remittance entry ``move`` (matched with its
        bonus item by its item ``credit``). The claim is paid once its bonus item is matched in full; a short payment leaves the
        difference owed and a person is asked to look into it, as into any other difference."""
        self.ensure_one()
        self.flush_recordset()
        self.invalidate_recordset(["amount_residual"])
        values = {"amount_paid": self.amount_paid + amount, "payment_date": date,
                  "payment_reference": reference, "payment_move_id": move.id,
                  "payment_line_ids": [Command.link(credit.id)]}
        if self.state not in ("to_refund", "refunded") and self.bonus_line_id.reconciled:
            values["state"] = "paid"
        self.write(values)
        self._qualirepar_follow_refund()
        if self.has_discrepancy:
            note = self.env._(
                "%(organism)s paid %(paid)s for the bonus of %(repair)s instead of the %(claimed)s claimed "
                "(remittance %(reference)s).",
                organism=self.partner_id.name, paid=format_amount(self.env, amount, self.currency_id),
                repair=self.repair_id.name, claimed=format_amount(self.env, self.amount, self.currency_id),
                reference=reference or move.name)
            self.activity_schedule(
                "mail.mail_activity_data_todo", summary=self.env._("Reimbursement discrepancy"), note=note,
                user_id=self.env.user.id)
            self.message_post(body=note)

    def _qualirepar_follow_payment(self, residual_before):
        """The bonus item of this claim, owed by the organism, was matched or unmatched. Matched by hand (the
        bank's credit matched with it in a reconciliation tool rather than through a remittance, which records
        its payment itself: _record_payment), what was received is recorded and the claim is paid once its item
        is matched in full; unmatched (its bank entry reset to draft or deleted), it waits for its payment again."""
        unmatched = self.currency_id.compare_amounts(self.amount_residual, residual_before) > 0
        if not unmatched and self.env.context.get(OWN_MATCH):
            return  # a remittance records its payment itself; a write-off is no payment
        matched = self.amount - self.amount_residual
        credits = self.bonus_line_id.matched_credit_ids.credit_move_id.filtered(lambda l: not l.qualirepar_is_bonus)
        _ = self.env._
        if unmatched:
            values = {"amount_paid": min(self.amount_paid, matched),
                      "payment_line_ids": [Command.unlink(line.id) for line in self.payment_line_ids - credits]}
            if self.currency_id.is_zero(matched):
                values.update(payment_date=False, payment_reference=False, payment_move_id=False)
            if self.state == "paid":
                values["state"] = "approved"
            self.write(values)
            self.message_post(body=_(
                "The payment of this bonus is no longer matched in the books (its entry reset to draft or its "
                "match undone): %(owed)s are owed again by %(organism)s.",
                owed=format_amount(self.env, self.amount_residual, self.currency_id), organism=self.partner_id.name))
        elif credits - self.payment_line_ids:
            latest = (credits - self.payment_line_ids).sorted("date")[-1]
            values = {"amount_paid": matched, "payment_date": latest.date, "payment_move_id": latest.move_id.id,
                      "payment_reference": latest.move_id.ref or latest.move_id.name,
                      "payment_line_ids": [Command.link(line.id) for line in credits - self.payment_line_ids]}
            if self.currency_id.is_zero(self.amount_residual):
                values["state"] = "paid"
            self.write(values)
            self.message_post(body=_(
                "Matched in the books with %(entry)s: %(paid)s received from %(organism)s for this bonus, %(owed)s "
                "still owed.", entry=latest.move_id.name, paid=format_amount(self.env, matched, self.currency_id),
                organism=self.partner_id.name, owed=format_amount(self.env, self.amount_residual, self.currency_id)))

    def _qualirepar_write_off_undone(self):
        """The write-off entry of this claim reset to draft (or its match undone): the bonus is owed again by the
        organism, the claim is rejected again (to resubmit, or to write off anew)."""
        entry = self.write_off_move_id
        self.write({"state": "rejected", "write_off_move_id": False})
        self.message_post(body=self.env._(
            "The write-off %(entry)s no longer clears this bonus (reset to draft or unmatched): %(owed)s are owed "
            "again by %(organism)s and the claim is rejected again.", entry=entry.name or "-",
            owed=format_amount(self.env, self.amount_residual, self.currency_id), organism=self.partner_id.name))

    def _qualirepar_follow_refund(self):
        """A claim to refund is refunded once what the organism paid for the bonus a credit note took back is
        settled: the credits of 467100 it left open (the credit note's, the remittances') are matched, by the
        payment to the organism or by a remittance that nets it. Unmatched again, it is to refund again."""
        for claim in self.filtered(lambda c: c.state in ("to_refund", "refunded")):
            items = claim.refund_line_id | claim.payment_line_ids
            items.invalidate_recordset(["amount_residual"])
            settled = not claim.currency_id.is_zero(claim.amount_paid) and all(
                claim.currency_id.is_zero(item.amount_residual) for item in items)
            state = "refunded" if settled else "to_refund"
            if state == claim.state:
                continue
            claim.sudo().state = state
            claim.message_post(body=self.env._(
                "What %(organism)s paid for this bonus has been refunded to it: the claim is closed.",
                organism=claim.partner_id.name) if settled else self.env._(
                "The refund to %(organism)s is no longer matched: %(amount)s are to refund to it again.",
                organism=claim.partner_id.name,
                amount=format_amount(self.env, claim.amount_to_refund, claim.currency_id)))

    @api.model
    def _qualirepar_items_matched(self, lines):
        """Items of ``lines`` on 467100 were matched or unmatched: the claims of their bonus items say what is
        still owed, and the claims to refund (or refunded) whose open credits they are follow
        (_qualirepar_follow_refund). One search, none for the items of other accounts (the invoices')."""
        lines = lines.filtered(lambda l: l.account_id == l.company_id.qualirepar_bonus_account_id)
        if not lines:
            return
        claims = self.sudo().search(["|", "|", ("bonus_line_id", "in", lines.ids),
                                     ("refund_line_id", "in", lines.ids), ("payment_line_ids", "in", lines.ids)])
        for claim in claims:
            if not self.env.context.get("lang"):  # matched by a scheduled action: its notes in the shop's language
                claim = claim._qualirepar_lang()
            residual, before = claim.bonus_line_id.amount_residual, claim.amount_residual
            if claim.bonus_line_id in lines and claim.currency_id.compare_amounts(residual, before):
                claim.amount_residual = residual
                if claim.state in PAYMENT_STATES:
                    claim._qualirepar_follow_payment(before)
                elif claim.state == "written_off" and not claim.currency_id.is_zero(residual):
                    claim._qualirepar_write_off_undone()
            if claim.state in ("to_refund", "refunded") and (
                    claim.refund_line_id in lines or claim.payment_line_ids & lines):
                claim._qualirepar_follow_refund()

    def _cancel_for_credit_note(self, refund):
        """Before sending, the claim is withdrawn; after, the organism may pay or has paid a bonus it no longer
        owes: the claim says what is to be refunded to it until that is settled."""
        before = self.filtered(lambda c: c.state in STATES_BEFORE_SENDING + ("rejected",))
        before._qualirepar_cancel_remote()
        for claim in before:
            claim.message_post(body=Markup(self.env._("Cancelled by the credit note %s.")) % refund._get_html_link())
        for claim in self - before:
            claim.state = "to_refund"
            claim.message_post(body=Markup(self.env._(
                "The credit note %s takes the bonus back: what %s pays or has paid for it is to be refunded to "
                "it.")) % (refund._get_html_link(), claim.partner_id.name))

    def _qualirepar_cancel_remote(self):
        """Cancel the claims here; the draft an organism holds of a claim not sent yet is marked to be withdrawn
        there (by a job: no call to an organism from here). A rejected claim has nothing to withdraw."""
        for claim in self.filtered(lambda c: c.state != "cancel"):
            claim.sudo().write({"state": "cancel", "remote_cancel_pending": bool(claim.remote_ref) and (
                claim.state in STATES_BEFORE_SENDING) and not claim.remote_closed})
        self._qualirepar_enqueue_withdrawals()

    def _qualirepar_refresh_bonus(self):
        """Ask the organism for the bonus of the claim's repair on the invoice date (Ecologic
        calculateecosupport, ecosystem's scale); a bonus that differs from the one claimed puts the claim in
        "to fix" for a person. Called in the background before sending, never in a user's transaction."""
        for claim in self.filtered(lambda c: c.state in ("to_fix", "to_send")):
            repair = claim.repair_id
            lines = claim.invoice_id._qualirepar_repair_lines().get(repair, repair.browse())
            try:
                bonus, _message = repair._qualirepar_store_lookup(
                    sum(lines.mapped("price_total")), claim.invoice_date,
                    piec="piec" in lines.mapped("qualirepar_part_origin"), remote=True)
            except UserError as error:
                claim.message_post(body=error.args[0])
                continue
            changed = bool(claim.currency_id.compare_amounts(bonus, claim.amount))
            accepted = changed and claim.bonus_change_accepted_by_id and not claim.currency_id.compare_amounts(
                bonus, claim.bonus_refreshed_amount)
            if accepted or not (changed or claim.bonus_change_pending):
                continue  # the same answer as the one a person accepted, or nothing new
            claim.sudo().write({"bonus_refreshed_amount": bonus, "bonus_change_pending": changed,
                                "bonus_change_accepted_by_id": False})
            claim._qualirepar_apply_check()
            if changed:
                claim.message_post(body=claim._qualirepar_bonus_change_text())

    def _qualirepar_bonus_change_text(self):
        repair = self.repair_id
        return self.env._(
            "%(organism)s now gives a bonus of %(bonus)s for %(repair)s on %(date)s, but %(claimed)s was "
            "deducted from the invoice (%(claimed)s → %(bonus)s): credit the invoice and invoice the repair again "
            "with the right bonus, or check the repair's data; if the bonus deducted stands, click “Accept the "
            "bonus change”: the claim is sent with %(claimed)s.",
            organism=self.partner_id.name,
            bonus=format_amount(self.env, self.bonus_refreshed_amount, self.currency_id), repair=repair.name,
            date=format_date(self.env, self.invoice_date),
            claimed=format_amount(self.env, self.amount, self.currency_id))

    def action_accept_bonus_change(self):
        """The organism gave another bonus than the one deducted: a person sends the claim as invoiced, having
        seen both amounts. Asked again later, the same answer is not reported again; another one is."""
        check_role(self.env, ACCOUNTANT)
        self.check_access("write")
        for claim in self.filtered(lambda c: c.bonus_change_pending and c.state == "to_fix"):
            claim.sudo().write({"bonus_change_pending": False, "bonus_change_accepted_by_id": self.env.user.id})
            claim.message_post(body=self.env._(
                "%(user)s accepted the bonus change and sends the claim with the bonus deducted: %(claimed)s "
                "claimed, %(organism)s gave %(bonus)s.", user=self.env.user.name,
                claimed=format_amount(self.env, claim.amount, claim.currency_id), organism=claim.partner_id.name,
                bonus=format_amount(self.env, claim.bonus_refreshed_amount, claim.currency_id)))
            claim.action_check()
        return True

    def action_write_off(self):
        """A claim rejected for good: its bonus still owed is cleared from 467100 to the company's write-off
        expense account, the reason kept."""
        check_role(self.env, ACCOUNTANT)
        self.check_access("write")
        _ = self.env._
        for claim in self:
            reason = (claim.write_off_reason or "").strip()
            if not reason:
                raise UserError(_("Give the reason of the write-off of %s first.", claim.name))
            if claim.state != "rejected":
                raise UserError(_("Only a rejected claim is written off; %s is not.", claim.name))
            account = claim.company_id.qualirepar_write_off_account_id
            if not account:
                raise UserError(_("Choose the account of the bonuses written off in Settings > QualiRépar."))
            amount = claim.bonus_line_id.amount_residual
            label = _("Bonus réparation written off: %(claim)s", claim=claim.name)
            move = self.env["account.move"].sudo().create({
                "move_type": "entry", "journal_id": claim.invoice_id._qualirepar_bonus_journal().id,
                "ref": label, "line_ids": [
                    Command.create({"name": label, "account_id": account.id, "partner_id": claim.partner_id.id,
                                    "balance": amount}),
                    Command.create({"name": label, "account_id": claim.bonus_line_id.account_id.id,
                                    "partner_id": claim.partner_id.id, "balance": -amount}),
                ]})
            move.action_post()
            (move.line_ids.filtered(lambda l: l.account_id == claim.bonus_line_id.account_id)
             | claim.bonus_line_id).with_context(**{OWN_MATCH: True}).reconcile()
            claim.sudo().write({"state": "written_off", "write_off_move_id": move.id})
            claim.message_post(body=Markup(_("Written off by %(user)s (%(entry)s): %(reason)s")) % {
                "user": self.env.user.name, "entry": move._get_html_link(), "reason": reason})
        return True
