from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

# The claims whose invoice can no longer change: the organism has it (README "The accounting model").
CLAIM_STATES_SENT = ("sent", "approved", "paid", "to_refund", "refunded")


class AccountMove(models.Model):
    """A repair invoice bills the repair's full price with its VAT. Posting it records the eco-organism's part
    of the payment: an entry of the miscellaneous journal moves the bonus from the customer's receivable (411)
    to the organism's (467100), matched with the invoice, and opens the claim on the organism."""

    _inherit = "account.move"

    qualirepar_repair_ids = fields.Many2many(
        "repair.order", string="Repaired devices", compute="_compute_qualirepar_repair_ids",
        help="The QualiRépar repairs whose quotes this invoice bills.")
    qualirepar_claim_ids = fields.One2many("qualirepar.claim", "invoice_id", string="Bonus claims", readonly=True,
                                           groups="ecorepair_qualirepar.group_qualirepar_accountant")
    qualirepar_bonus_move_id = fields.Many2one(
        "account.move", string="Bonus entry", readonly=True, copy=False, index="btree_not_null",
        compute="_compute_qualirepar_bonus_move_id", store=True,
        help="The entry by which the eco-organism takes over the bonus from the customer's debt.")
    qualirepar_bonus_invoice_id = fields.Many2one(
        "account.move", string="Bonus réparation of", readonly=True, copy=False, index="btree_not_null",
        help="On a bonus entry: the invoice (or credit note) whose bonus réparation it moves.")
    qualirepar_bonus_entry_ids = fields.One2many("account.move", "qualirepar_bonus_invoice_id", string="Bonus entries",
                                                 readonly=True)
    qualirepar_bonus_amount = fields.Monetary(
        string="Bonus deducted", compute="_compute_qualirepar_bonus_amount",
        help="The bonus réparation deducted from the price incl. VAT, owed by the eco-organism.")
    qualirepar_amount_net = fields.Monetary(
        string="Net to pay", compute="_compute_qualirepar_bonus_amount",
        help="What the customer pays: the total incl. VAT minus the bonus.")

    @api.depends("invoice_line_ids.sale_line_ids.order_id.qualirepar_repair_id")
    def _compute_qualirepar_repair_ids(self):
        for move in self:
            move.qualirepar_repair_ids = move.invoice_line_ids.sale_line_ids.order_id.qualirepar_repair_id

    @api.depends("qualirepar_bonus_entry_ids")
    def _compute_qualirepar_bonus_move_id(self):
        """The entry points at its invoice (set when it is created): the invoice is not written again when its
        bonus entry is posted."""
        for move in self:
            move.qualirepar_bonus_move_id = move.qualirepar_bonus_entry_ids.sorted("id")[-1:]

    @api.depends("qualirepar_bonus_move_id", "amount_total", "invoice_line_ids.sale_line_ids")
    def _compute_qualirepar_bonus_amount(self):
        for move in self:
            if move.qualirepar_bonus_move_id:
                bonus = abs(sum(move.qualirepar_bonus_move_id.line_ids.filtered("qualirepar_is_bonus").mapped("balance")))
            elif move.state == "draft" and move.is_sale_document():
                bonus = sum(move._qualirepar_bonuses().values())
            else:  # an invoice of an earlier version: the bonus was one of its lines
                bonus = -move.direction_sign * sum(move.line_ids.filtered("qualirepar_is_bonus").mapped("balance"))
            move.qualirepar_bonus_amount = bonus
            legacy = move.line_ids.filtered("qualirepar_is_bonus") and not move.qualirepar_bonus_move_id
            move.qualirepar_amount_net = move.amount_total if legacy else move.amount_total - bonus

    # ------------------------------------------------------------------ the bonus at posting
    def _qualirepar_repair_lines(self):
        """{repair: its invoice lines} for this invoice."""
        self.ensure_one()
        result = {}
        for line in self.invoice_line_ids.filtered(lambda l: l.display_type == "product"):
            repair = line.sale_line_ids.order_id.qualirepar_repair_id
            if repair:
                result[repair] = result.get(repair, line.browse()) | line
        return result

    def _qualirepar_bonuses(self):
        """{repair: bonus} deducted from this invoice: the bonus of each repair's quote."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            return {}
        return {repair: repair.sale_order_id.qualirepar_bonus_amount
                for repair in self._qualirepar_repair_lines()
                if not self.currency_id.is_zero(repair.sale_order_id.qualirepar_bonus_amount)}

    def _qualirepar_check_bonus(self):
        """At invoicing, the scale in force on the invoice date counts, with the organism's last known answer
        (no call to an eco-organism while the user posts: see qualirepar.claim._qualirepar_refresh_bonus)."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft"):
            day = move.invoice_date or fields.Date.context_today(move)
            for repair, lines in move._qualirepar_repair_lines().items():
                order = repair.sale_order_id
                before = order.qualirepar_bonus_amount
                piec = "piec" in lines.mapped("qualirepar_part_origin")
                bonus, message = repair._qualirepar_store_lookup(
                    sum(lines.mapped("price_total")), day, piec=piec, remote=False)
                if move.currency_id.compare_amounts(before, bonus) == 0:
                    continue
                order.sudo().qualirepar_bonus_amount = bonus
                if bonus:
                    text = self.env._("Bonus réparation of %(repair)s changed from %(before)s to %(after)s, "
                                      "the scale in force on %(date)s.")
                else:
                    text = self.env._("Bonus réparation of %(repair)s (%(before)s) removed: no bonus on "
                                      "%(date)s. %(why)s")
                move.message_post(body=Markup("<p>%s</p>") % (text % {
                    "repair": repair.name, "before": format_amount(self.env, before, move.currency_id),
                    "after": format_amount(self.env, bonus, move.currency_id), "date": format_date(self.env, day),
                    "why": message or ""}))

    def _post(self, soft=True):
        """The bonus entries of the invoices are posted with them, in the same batch (one numbering, balance
        check and rank update), then matched with them, and the claims opened."""
        self._qualirepar_check_bonus()
        entries = self._qualirepar_draft_bonus_entries(soft)
        posted = super(AccountMove, self | entries)._post(soft)
        entries &= posted
        entries._qualirepar_open_claims()
        posted -= entries
        posted.filtered(lambda m: m.move_type == "out_refund")._qualirepar_reverse_bonus()
        return posted

    def _hash_moves(self, **kwargs):
        """The labels of a bonus entry name its invoice, numbered in the same posting: they are written once the
        numbers are given, before a journal that secures its entries on posting hashes them."""
        self._qualirepar_label_bonus_entries()
        return super()._hash_moves(**kwargs)

    def _invoice_paid_hook(self):
        """Paid: its claims are sent now (a job each, queued as the payment commits), not at the next run of the
        scheduled action."""
        result = super()._invoice_paid_hook()
        self.sudo().qualirepar_claim_ids._qualirepar_sending_due()._qualirepar_enqueue_at_commit()
        return result

    def _qualirepar_bonus_journal(self):
        """The company's miscellaneous journal, which carries the bonus entries."""
        self.ensure_one()
        journal = self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(self.company_id), ("type", "=", "general")], limit=1)
        if not journal:
            raise UserError(self.env._("%s has no miscellaneous journal for the bonus réparation entries.",
                                       self.company_id.name))
        return journal

    def _qualirepar_bonus_entry_values(self, bonuses, sign, date, journal=None):
        """The values of the entry moving ``bonuses`` ({repair: amount}) between the customer's receivable and
        the organisms' (``sign`` 1: the organism owes, -1: back to the customer), on ``date``, in ``journal``
        (the company's miscellaneous journal by default). Its labels name this move once numbered
        (_qualirepar_label_bonus_entries)."""
        self.ensure_one()
        company = self.company_id
        if not company.qualirepar_bonus_account_id:
            raise UserError(self.env._(
                "No eco-organism receivable account is set for %s: choose it in Settings > QualiRépar.", company.name))
        receivable = self.line_ids.filtered(lambda l: l.account_type == "asset_receivable")[:1].account_id
        lines = []
        for repair, amount in bonuses.items():
            partner = repair.qualirepar_product_type_id.backend_id.partner_id
            lines.append(Command.create({
                "account_id": company.qualirepar_bonus_account_id.id,
                "partner_id": partner.id,
                "balance": sign * amount,
                "currency_id": company.currency_id.id,
                "qualirepar_is_bonus": True,
                "qualirepar_bonus_partner_id": partner.id,
                "qualirepar_repair_id": repair.id,
                "analytic_distribution": False,  # a transfer between two receivables: no analytic
            }))
        lines.append(Command.create({
            "account_id": receivable.id, "partner_id": self.commercial_partner_id.id,
            "balance": -sign * sum(bonuses.values()), "currency_id": company.currency_id.id,
            "analytic_distribution": False,
        }))
        journal = journal or self._qualirepar_bonus_journal()
        values = {"move_type": "entry", "journal_id": journal.id, "date": date, "line_ids": lines,
                  "qualirepar_bonus_invoice_id": self.id}
        if journal.currency_id and journal.currency_id != company.currency_id:
            values["currency_id"] = company.currency_id.id  # the bonus is in the company's currency
        return values

    def _qualirepar_create_bonus_entries(self, values):
        """The draft bonus entries of ``values``: balanced by construction (checked again when posted); the
        entry is the invoice's, its chatter is the invoice's: no creation message or tracking of its own."""
        return self.env["account.move"].sudo().with_context(
            check_move_validity=False, skip_invoice_sync=True, tracking_disable=True).create(values)

    def _qualirepar_draft_bonus_entries(self, soft):
        """The bonus entries of the invoices about to be posted, in draft (dated as the invoice)."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft"
                                 and not m.qualirepar_bonus_move_id)
        values = []
        journals = {}  # one lookup per company for the invoices posted together
        for invoice in invoices:
            bonuses = invoice._qualirepar_bonuses()
            if not bonuses:
                continue
            # The date posting gives the invoice: its invoice date, today when it has none.
            today = fields.Date.context_today(invoice)
            day = invoice.invoice_date or today
            if soft and day > today:
                continue  # posted at its date by Odoo's scheduled action, with its entry then
            if invoice.company_id not in journals:
                journals[invoice.company_id] = invoice._qualirepar_bonus_journal()
            values.append(invoice._qualirepar_bonus_entry_values(bonuses, 1, day, journals[invoice.company_id]))
        if not values:
            return self.browse()
        entries = self._qualirepar_create_bonus_entries(values)
        # The invoices' bonus entry now, while they are written for their posting (one UPDATE, not two).
        entries.qualirepar_bonus_invoice_id.mapped("qualirepar_bonus_move_id")
        return entries

    def _qualirepar_label_bonus_entries(self):
        """Name the invoice in the labels of its bonus entries not labelled yet, once both are numbered."""
        # Labels are not tracked: the entry has no chatter of its own (see _qualirepar_create_bonus_entries).
        for entry in self.filtered(lambda m: m.qualirepar_bonus_invoice_id and not m.ref).with_context(
                tracking_disable=True):
            invoice = entry.qualirepar_bonus_invoice_id
            if not invoice.name or invoice.name == "/":
                continue
            if invoice.move_type == "out_refund":
                label = self.env._("Bonus réparation taken back by %s", invoice.name)
            else:
                label = self.env._("Bonus réparation deducted from %s", invoice.name)
            entry.ref = label
            bonus_items = entry.line_ids.filtered("qualirepar_is_bonus")
            (entry.line_ids - bonus_items).name = label
            for organism, items in bonus_items.grouped("partner_id").items():
                items.name = self.env._("Bonus réparation QualiRépar (%(organism)s) %(invoice)s",
                                        organism=organism.name, invoice=invoice.name)

    def _qualirepar_receivable_items(self):
        return self.line_ids.filtered(lambda l: l.account_type == "asset_receivable" and not l.reconciled)

    def _qualirepar_open_claims(self):
        """These posted bonus entries are matched with their invoices (one reconciliation), then the organism
        is claimed each bonus: one claim per repaired device, checked now."""
        self.env["account.move.line"]._reconcile_plan([
            entry.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
            | entry.qualirepar_bonus_invoice_id._qualirepar_receivable_items()
            for entry in self])
        values = [{
            "company_id": entry.company_id.id,  # first: the amounts are rounded in its currency (no read of it)
            "invoice_id": entry.qualirepar_bonus_invoice_id.id,
            "bonus_line_id": line.id,
            "repair_id": line.qualirepar_repair_id.id,
            "backend_id": line.qualirepar_repair_id.qualirepar_product_type_id.backend_id.id,
            "partner_id": line.partner_id.id,
            "amount": line.balance,
        } for entry in self for line in entry.line_ids if line.qualirepar_is_bonus]
        if not values:
            return self.env["qualirepar.claim"]
        # The claim's history starts with what its checks say, not with a message that it was made.
        return self.env["qualirepar.claim"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True).create(values)

    def _qualirepar_reverse_bonus(self):
        """A credit note of the whole invoice takes the bonus back from the organism: an entry returns it to the
        customer's receivable (matched with the credit note) and clears the organism's (matched with the bonus
        still owed). The claims follow (qualirepar.claim._cancel_for_credit_note)."""
        for refund in self.filtered("reversed_entry_id"):
            invoice = refund.reversed_entry_id
            claims = invoice.sudo().qualirepar_claim_ids.filtered(lambda c: c.state != "cancel")
            if not claims:
                continue
            if not invoice.qualirepar_bonus_move_id:  # an invoice of an earlier version: its bonus was a line,
                claims._cancel_for_credit_note(refund)  # which its credit note takes back
                continue
            if refund.currency_id.compare_amounts(refund.amount_total, invoice.amount_total) < 0:
                refund.message_post(body=self.env._(
                    "This credit note is for part of the invoice: the bonus réparation stays claimed. Credit "
                    "the whole invoice to take it back from the eco-organism."))
                continue
            entry = refund._qualirepar_create_bonus_entries([refund._qualirepar_bonus_entry_values(
                {claim.repair_id: claim.amount for claim in claims}, -1, refund.date)])
            entry.action_post()
            (entry.line_ids.filtered(lambda l: l.account_type == "asset_receivable")
             | refund._qualirepar_receivable_items()).reconcile()
            for claim, line in zip(claims, entry.line_ids.filtered("qualirepar_is_bonus")):
                if not claim.bonus_line_id.reconciled:
                    (line | claim.bonus_line_id).reconcile()
                claim.refund_line_id = line
            claims._cancel_for_credit_note(refund)

    # ------------------------------------------------------------------ the claim follows the invoice
    def button_draft(self):
        """Reset to draft (and cancel, which resets first): refused once a claim is with its organism; before
        that, the claims are cancelled and the bonus entry reversed."""
        claims = self.sudo().qualirepar_claim_ids.filtered(lambda c: c.state != "cancel")
        sent = claims.filtered(lambda c: c.state in CLAIM_STATES_SENT)
        if sent:
            raise UserError(self.env._(
                "The bonus claim %(claims)s of this invoice has been sent to the eco-organism (%(state)s): the "
                "invoice can no longer be reset or cancelled. Issue a credit note instead.",
                claims=", ".join(sent.mapped("name")),
                state=", ".join(dict(sent._fields["state"]._description_selection(self.env))[s]
                                for s in set(sent.mapped("state")))))
        bonus_moves = self.filtered("qualirepar_bonus_move_id")
        result = super().button_draft()
        for move in bonus_moves:
            entry = move.qualirepar_bonus_move_id.sudo()
            entry.line_ids.remove_move_reconcile()
            entry._reverse_moves(
                [{"ref": self.env._("Bonus réparation: %s reset to draft", move.name)}], cancel=True)
            entry.qualirepar_bonus_invoice_id = False
        claims._qualirepar_cancel_remote()
        return result
