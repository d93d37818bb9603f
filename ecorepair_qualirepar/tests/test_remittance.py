from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common_bonus import EcologicBonusCase


@tagged("post_install", "-at_install")
class TestRemittance(EcologicBonusCase):
    """F15: the eco-organisms' remittances, their aged balance and their ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.accountant = new_test_user(
            cls.env, login="remittance_accountant", groups="ecorepair_qualirepar.group_qualirepar_accountant", company_id=cls.company.id)

    def claim(self, days_ago=0, sent=True):
        """The 50 € ecosystem claim of a laptop repaired for 180 € incl. VAT, invoiced ``days_ago``, received by
        the organism (``sent``)."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        claim = self.invoice(order, day=self.today - relativedelta(days=days_ago)).qualirepar_claim_ids
        if sent:
            self.sent(claim)
        return claim

    def sent(self, claim):
        """What the transmission engine leaves on a claim the organism received (here on the invoice's day)."""
        claim.sudo().write({"state": "sent", "sent_date": claim.invoice_date, "remote_ref": f"ECO-{claim.id:06d}"})
        return claim

    def ecologic_claim(self, days_ago=0):
        """The 50 € Ecologic claim of a washing machine repaired for 120 € incl. VAT."""
        order = self.quote(self.washer_repair(), (self.labour, 100))
        order.action_qualirepar_check_bonus()  # Ecologic is asked on the quote, not when confirming
        order.action_confirm()
        claim = self.invoice(order, day=self.today - relativedelta(days=days_ago)).qualirepar_claim_ids
        self.assertEqual((claim.partner_id, claim.amount), (self.ecologic, 50))
        return self.sent(claim)

    def wizard(self, claims, amount, **values):
        return self.env["qualirepar.remittance.wizard"].with_context(
            active_model="qualirepar.claim", active_ids=claims.ids).create({"amount": amount, **values})

    def test_remittance_with_a_short_payment(self):
        """ecosystem pays 50 + 50 + 45 € for three 50 € claims: one bank entry, each bonus matched with what
        was paid for it, the 5 € missing left open on the third claim, which a person is asked to look into;
        the top-up of 5 € is matched with it later and the claim is paid."""
        claims = self.claim() | self.claim() | self.claim()
        self.assertEqual(claims.partner_id, self.ecosystem)
        claims = claims.with_user(self.accountant)  # an accountant without the QualiRépar groups
        with Form(self.env["qualirepar.remittance.wizard"].with_user(self.accountant).with_context(
                active_model="qualirepar.claim", active_ids=claims.ids)) as form:
            self.assertEqual(form.partner_id, self.ecosystem)
            self.assertEqual(form.journal_id, self.bank)
            self.assertEqual(len(form.line_ids), 3)
            form.amount = 145
            form.reference = "VIR ECOSYSTEM 2025-0042"
            with form.line_ids.edit(2) as line:
                self.assertEqual(line.claim_id, claims[2])
                self.assertEqual((line.amount_claimed, line.amount_residual, line.amount_paid), (50, 50, 50))
                line.amount_paid = 45
            self.assertEqual(form.amount_difference, 0)
        action = form.record.action_confirm()

        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((move.state, move.journal_id, move.ref), ("posted", self.bank, "VIR ECOSYSTEM 2025-0042"))
        self.assertFalse(move.fiscal_position_id, "a payment received has no fiscal position")
        # The accountant sees the entry's journal items (Odoo shows them to the readers of the accounting).
        arch = self.env["account.move"].with_user(self.accountant).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="aml_tab"', arch)
        self.assertEqual(move.with_user(self.accountant).line_ids.filtered("credit").mapped("credit"), [50, 50, 45])
        received = move.line_ids.filtered("debit")
        self.assertEqual((received.debit, received.partner_id), (145, self.ecosystem))
        self.assertEqual(received.account_id, form.record._outstanding_account())
        self.assertNotEqual(received.account_id, self.bonus_account)
        self.assertEqual(
            sorted((line.name, line.account_id, line.partner_id, line.credit) for line in move.line_ids - received),
            [(claim.name, self.bonus_account, self.ecosystem, paid) for claim, paid in zip(claims, (50, 50, 45))])

        self.assertEqual(claims.bonus_line_id.mapped("reconciled"), [True, True, False])
        self.assertEqual(claims.mapped("amount_residual"), [0, 0, 5])
        self.assertEqual(claims[2].bonus_line_id.matched_credit_ids.credit_move_id.name, claims[2].name)
        self.assertEqual(claims.mapped("state")[:2], ["paid"] * 2)
        self.assertNotEqual(claims[2].state, "paid")  # still owed 5 €
        self.assertEqual(claims.mapped("amount_paid"), [50, 50, 45])
        self.assertEqual(claims.payment_move_id, move)
        self.assertEqual(set(claims.mapped("payment_reference")), {"VIR ECOSYSTEM 2025-0042"})
        self.assertEqual(claims.mapped("has_discrepancy"), [False, False, True])
        self.assertEqual(claims[2].payment_difference, -5)
        self.assertEqual(claims[2].activity_ids.summary, "Reimbursement discrepancy")
        self.assertFalse((claims[0] | claims[1]).activity_ids)

        # The top-up: only the short-paid claim is still open; 5 € close it. ecosystem alone has claims to pay.
        self.assertEqual(self.env["qualirepar.remittance.wizard"].with_user(self.accountant).default_get(
            ["partner_id"])["partner_id"], self.ecosystem.id)
        wizard = self.env["qualirepar.remittance.wizard"].with_user(self.accountant).create(
            {"partner_id": self.ecosystem.id, "amount": 5, "reference": "VIR ECOSYSTEM 2025-0050"})
        self.assertEqual(wizard.line_ids.claim_id, claims[2])
        self.assertEqual(wizard.line_ids.amount_paid, 5)
        top_up = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertTrue(claims[2].bonus_line_id.reconciled)
        self.assertEqual((claims[2].state, claims[2].amount_paid, claims[2].amount_residual), ("paid", 50, 0))
        self.assertFalse(claims[2].has_discrepancy)
        self.assertEqual(claims[2].payment_line_ids.move_id, move | top_up)

    def test_paid_follows_the_match_of_the_bonus(self):
        """A claim is paid when its bonus is matched in full, however it was matched: its remittance's bank entry
        reset to draft, it is owed again; matched by hand with the bank's credit (Odoo's reconciliation of the
        467100 items), it is paid again, from that entry. Unmatched by a scheduled action (no language), the note
        is in the language of the person responsible for the claim."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        claim = self.claim()
        claim._qualirepar_responsible().lang = "fr_FR"
        move = self.env["account.move"].browse(self.wizard(claim, 50).action_confirm()["res_id"])
        self.assertEqual((claim.state, claim.amount_paid, claim.payment_move_id), ("paid", 50, move))
        move.with_user(self.accountant).with_context(lang=None).button_draft()
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_residual), ("approved", 0, 50))
        self.assertFalse(claim.payment_move_id)
        self.assertIn("n'est plus lettré en comptabilité", claim.message_ids[0].body)
        move.ref = "VIR ECOSYSTEM 2025-0061"
        move.action_post()
        self.assertEqual(claim.state, "approved", "posted again, not matched yet")
        (claim.bonus_line_id | move.line_ids.filtered(lambda l: l.account_id == self.bonus_account)).with_user(
            self.accountant).reconcile()
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_residual), ("paid", 50, 0))
        self.assertEqual((claim.payment_move_id, claim.payment_reference), (move, "VIR ECOSYSTEM 2025-0061"))
        self.assertFalse(claim.has_discrepancy)

    def matched_by_hand(self, claim, amount):
        """A bank entry booked by hand (the bank debited, the organism's 467100 credited by ``amount``), its 467100
        item matched with the claim's bonus as in a reconciliation tool."""
        entry = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.bank.id, "date": self.today, "ref": f"VIR ECO {amount}",
            "line_ids": [Command.create({"account_id": self.bank.default_account_id.id, "debit": amount}),
                         Command.create({"account_id": self.bonus_account.id, "partner_id": self.ecosystem.id,
                                         "credit": amount})]})
        entry.action_post()
        (claim.bonus_line_id | entry.line_ids.filtered(lambda l: l.account_id == self.bonus_account)).reconcile()
        return entry

    def test_short_payment_matched_by_hand(self):
        """An entry of 45 € (a bank statement booked by hand) matched with the 50 € bonus: 45 € received, 5 €
        still owed, the claim waits for them; the top-up matched by hand pays it."""
        claim = self.claim()
        first = self.matched_by_hand(claim, 45)
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_residual), ("sent", 45, 5))
        self.assertEqual(claim.payment_move_id, first)
        second = self.matched_by_hand(claim, 5)
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_residual), ("paid", 50, 0))
        self.assertEqual(claim.payment_line_ids.move_id, first | second)

    def test_rejected_claim_paid_all_the_same(self):
        """The organism reverses a rejection on appeal and pays: the rejected claim, selected in the list, is in
        the remittance and paid; matched by hand instead, it is paid too. Unselected, it is not offered."""
        in_remittance, by_hand = self.claim(), self.claim()
        (in_remittance | by_hand).sudo().write({"state": "rejected", "reject_code": "06"})
        self.assertFalse(self.env["qualirepar.remittance.wizard"].with_user(self.accountant).create(
            {"partner_id": self.ecosystem.id, "amount": 50}).line_ids)
        wizard = self.wizard(in_remittance, 50).with_user(self.accountant)
        self.assertEqual(wizard.line_ids.claim_id, in_remittance)
        wizard.action_confirm()
        self.assertEqual((in_remittance.state, in_remittance.amount_paid, in_remittance.amount_residual),
                         ("paid", 50, 0))
        self.matched_by_hand(by_hand, 50)
        self.assertEqual((by_hand.state, by_hand.amount_paid, by_hand.amount_residual), ("paid", 50, 0))

    def test_only_the_claims_the_organism_has_are_offered(self):
        """A claim still to fix or to send is not the organism's to pay: only the sent and approved ones come up,
        with their state and the organism's reference."""
        sent, approved = self.claim(), self.claim()
        approved.sudo().state = "approved"
        to_fix = self.claim(sent=False)
        self.assertEqual(to_fix.state, "to_fix")  # the customer's signed document is missing
        to_send = self.claim(sent=False)
        to_send.sudo().state = "to_send"
        wizard = self.env["qualirepar.remittance.wizard"].with_user(self.accountant).create(
            {"partner_id": self.ecosystem.id, "amount": 100})
        self.assertEqual(wizard.line_ids.claim_id, sent | approved)
        self.assertEqual(sorted(wizard.line_ids.mapped("state")), ["approved", "sent"])
        self.assertEqual(set(wizard.line_ids.mapped("remote_ref")), set((sent | approved).mapped("remote_ref")))
        # Selected in the list: the ones the organism has not received are left out, or refused when alone.
        wizard = self.wizard(sent | to_send | to_fix, 50)
        self.assertEqual(wizard.line_ids.claim_id, sent)
        with self.assertRaisesRegex(UserError, "None of the selected claims has been received by the eco-organism"):
            self.wizard(to_send | to_fix, 50)
        view = self.env["qualirepar.remittance.wizard"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="state"', view)
        self.assertIn('name="remote_ref"', view)

    def test_amounts_are_checked(self):
        claims = self.claim() | self.claim() | self.claim()
        wizard = self.wizard(claims, 140)
        with self.assertRaisesRegex(UserError, r"add up to 150\.00\s€ but 140\.00\s€ were received"):
            wizard.action_confirm()
        wizard.line_ids[0].amount_paid = -10
        wizard.amount = 90
        with self.assertRaisesRegex(UserError, "must be positive"):
            wizard.action_confirm()
        wizard.line_ids.amount_paid = 0
        with self.assertRaisesRegex(UserError, "No claim is covered"):
            wizard.action_confirm()
        self.assertNotIn("paid", claims.mapped("state"))
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", self.bank.id)]))
        # A claim this remittance does not pay stays open.
        wizard.line_ids[:2].amount_paid = 50
        wizard.amount = 100
        wizard.action_confirm()
        self.assertEqual(claims.mapped("state")[:2], ["paid", "paid"])
        self.assertNotEqual(claims[2].state, "paid")
        self.assertEqual(claims[2].amount_residual, 50)
        with self.assertRaisesRegex(UserError, "None of the selected claims is still owed"):
            self.wizard(claims[:2], 100)

    def test_one_organism_per_remittance(self):
        ecosystem_claim = self.claim()
        ecologic_claim = self.ecologic_claim()
        with self.assertRaisesRegex(UserError, "several eco-organisms"):
            self.wizard(ecosystem_claim | ecologic_claim, 100)
        # From the menu: the organism is chosen, its open claims come up (it is proposed when it is the only one).
        self.assertFalse(self.env["qualirepar.remittance.wizard"].default_get(["partner_id"]).get("partner_id"))
        wizard = self.env["qualirepar.remittance.wizard"].create({"partner_id": self.ecologic.id, "amount": 50})
        self.assertEqual(wizard.organism_ids, self.ecosystem | self.ecologic)
        self.assertEqual(wizard.line_ids.claim_id, ecologic_claim)
        wizard.action_confirm()
        self.assertEqual(ecologic_claim.state, "paid")
        self.assertNotEqual(ecosystem_claim.state, "paid")

    def test_aged_balance_and_ledger(self):
        late = self.claim(days_ago=40)
        recent = self.claim(days_ago=5)
        ecologic = self.ecologic_claim(days_ago=20)
        Aging = self.env["qualirepar.bonus.aging"]

        def aged_balance():
            Aging.invalidate_model()  # a SQL view: what an earlier read left in the cache is stale
            rows = Aging.search([("company_id", "=", self.company.id)])
            return {row.move_id: (row.partner_id, row.days, row.age, row.amount_residual) for row in rows}

        self.assertEqual(aged_balance(), {
            late.invoice_id: (self.ecosystem, 40, "31-60", 50),
            recent.invoice_id: (self.ecosystem, 5, "0-15", 50),
            ecologic.invoice_id: (self.ecologic, 20, "16-30", 50),
        })
        self.assertEqual(late.invoice_id.invoice_date, self.today - relativedelta(days=40))
        per_organism = Aging._read_group([("company_id", "=", self.company.id)], ["partner_id"],
                                         ["amount_residual:sum"])
        self.assertEqual(dict(per_organism), {self.ecosystem: 100, self.ecologic: 50})

        # ecosystem pays the late claim in full and 45 € of the recent one.
        wizard = self.wizard(late | recent, 95)
        wizard.line_ids.filtered(lambda line: line.claim_id == recent).amount_paid = 45
        wizard.action_confirm()
        self.assertEqual(aged_balance(), {
            recent.invoice_id: (self.ecosystem, 5, "0-15", 5),
            ecologic.invoice_id: (self.ecologic, 20, "16-30", 50),
        })

        # A claim ages from the day the organism received it, when known.
        ecologic.sudo().write({"state": "sent", "sent_date": self.today - relativedelta(days=3)})
        self.assertEqual(aged_balance()[ecologic.invoice_id], (self.ecologic, 3, "0-15", 50))

        # The organisms' ledger: the invoices' bonuses and the remittance on the bonus account.
        action = Aging.action_open_organisms_ledger()
        self.assertEqual(action["res_model"], "account.move.line")
        self.assertEqual(action["context"]["search_default_group_by_partner"], 1)
        items = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(items.account_id, self.bonus_account)
        self.assertEqual(items.move_id, (late | recent | ecologic).bonus_line_id.move_id | late.payment_move_id)
        open_items = items.filtered(lambda item: item.amount_residual)
        self.assertEqual({item.partner_id: item.amount_residual for item in open_items},
                         {self.ecosystem: 5, self.ecologic: 50})

    def aged_balance(self):
        Aging = self.env["qualirepar.bonus.aging"]
        Aging.invalidate_model()
        return {row.claim_id: (row.claim_state, row.amount_residual)
                for row in Aging.search([("company_id", "=", self.company.id)])}

    def test_refund_paid_to_the_organism_closes_the_claim(self):
        """Paid, then credited: the 50 € ecosystem paid are owed back (a debt in the aged balance); the bank
        transfer to ecosystem, matched with it, closes the claim (refunded); unmatched, it is to refund again."""
        claim = self.claim()
        claim.sudo().state = "approved"
        self.wizard(claim, 50).action_confirm()
        self.assertEqual(claim.state, "paid")
        self.refund(claim.invoice_id)
        self.assertEqual((claim.state, claim.amount_to_refund), ("to_refund", 50))
        self.assertEqual(self.aged_balance(), {claim: ("to_refund", -50)})
        Claim = self.env["qualirepar.claim"]
        self.assertEqual(Claim.search([("state", "=", "to_refund")]), claim)

        outstanding = self.bank.outbound_payment_method_line_ids[:1].payment_account_id \
            or self.company_data["default_account_assets"]
        transfer = self.env["account.move"].create({
            "move_type": "entry", "journal_id": self.bank.id, "ref": "VIR REMBOURSEMENT ECOSYSTEM",
            "line_ids": [
                Command.create({"name": claim.name, "account_id": self.bonus_account.id,
                                "partner_id": self.ecosystem.id, "debit": 50}),
                Command.create({"name": claim.name, "account_id": outstanding.id, "credit": 50}),
            ]})
        transfer.action_post()
        debt = transfer.line_ids.filtered(lambda l: l.account_id == self.bonus_account)
        (debt | claim.refund_line_id).with_user(self.accountant).reconcile()  # Odoo's reconciliation
        self.assertEqual((claim.state, claim.amount_to_refund), ("refunded", 0))
        self.assertIn("refunded to it", claim.message_ids[0].body)
        self.assertEqual(Claim.search([("state", "=", "refunded")]), claim)
        self.assertEqual(self.aged_balance(), {}, "settled: nothing owed either way")
        with self.assertRaisesRegex(UserError, claim.name):  # closed: the invoice stays as it is
            claim.invoice_id.button_draft()

        debt.remove_move_reconcile()
        self.assertEqual((claim.state, claim.amount_to_refund), ("to_refund", 50))
        # The transfer, unmatched, is an open debit of ecosystem's of its own.
        self.assertEqual(self.aged_balance(), {claim: ("to_refund", -50), Claim: (False, 50)})

    def test_remittance_nets_what_is_to_refund(self):
        """Credited after sending, ecosystem pays the bonus all the same, then keeps it back from its next
        remittance: 100 € for two claims less the 50 € owed back, 50 € received; the claim is refunded."""
        credited = self.claim()
        credited.sudo().state = "sent"
        self.refund(credited.invoice_id)
        self.assertEqual((credited.state, credited.amount_to_refund), ("to_refund", 0))
        wizard = self.wizard(credited, 50)
        wizard.line_ids.amount_paid = 50
        wizard.action_confirm()  # paid by the organism all the same
        self.assertEqual((credited.state, credited.amount_to_refund), ("to_refund", 50))

        others = self.claim() | self.claim()
        form = Form(self.env["qualirepar.remittance.wizard"].with_user(self.accountant).with_context(
            active_model="qualirepar.claim", active_ids=(others | credited).ids))
        form.amount = 50
        form.reference = "VIR ECOSYSTEM 2025-0077"
        for index in range(3):
            with form.line_ids.edit(index) as line:
                line.amount_paid = -60 if line.claim_id == credited else 50
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "at most what is to refund"):
            wizard.action_confirm()
        wizard.line_ids.filtered(lambda l: l.claim_id == credited).amount_paid = -50
        wizard.action_confirm()
        self.assertEqual(others.mapped("state"), ["paid", "paid"])
        self.assertEqual((credited.state, credited.amount_to_refund, credited.amount_paid), ("refunded", 0, 50))
        self.assertIn("refunded to it", credited.message_ids[0].body)
        self.assertIn("kept back 50.00", credited.message_ids[1].body)
        self.assertFalse(self.aged_balance())
