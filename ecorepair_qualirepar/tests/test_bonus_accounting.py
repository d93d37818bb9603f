import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_bonus import BonusCase

# A 1×1 PNG: the nameplate photo.
PNG = (b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwAAAQEABRjYTgAAAABJRU5ErkJggg==")


@tagged("post_install", "-at_install")
class TestBonusAccounting(BonusCase):

    def test_french_chart_creates_the_receivable_account(self):
        account = self.bonus_account
        self.assertEqual(account.code, "467100")
        self.assertTrue(account.reconcile)
        self.assertEqual(account.account_type, "asset_current")

    def test_receivable_account_named_in_each_language(self):
        """Its name comes from the translations (the .po files) of every installed language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        company = self.env["res.company"].create({"name": "Atelier de Lyon", "country_id": self.env.ref("base.fr").id})
        company._qualirepar_ensure_bonus_account()
        account = company.qualirepar_bonus_account_id
        self.assertEqual(account.with_context(lang="en_US").name, "Eco-organisms – repair bonus receivable")
        self.assertEqual(account.with_context(lang="fr_FR").name, "Éco-organismes – bonus réparation à recevoir")

    def test_receivable_account_kept_once_claims_are_on_it(self):
        """Changed in the settings once a claim has its bonus entry on 467100, the organisms' receivable would
        leave that claim out of the aged balance and of the matches that say what is still owed: refused."""
        other = self.bonus_account.copy({"code": "467200"})
        Settings = self.env["res.config.settings"]
        Settings.create({"qualirepar_bonus_account_id": other.id}).execute()  # no claim yet: the shop's choice
        self.assertEqual(self.company.qualirepar_bonus_account_id, other)
        self.company.qualirepar_bonus_account_id = self.bonus_account
        claim = self.posted_claim()[1]
        with self.assertRaises(ValidationError) as refused:  # rolled back, as the request is
            Settings.create({"qualirepar_bonus_account_id": other.id}).execute()
        self.assertRegex(refused.exception.args[0], f"{claim.name}.*467100")
        self.assertEqual(self.company.qualirepar_bonus_account_id, self.bonus_account)

    def test_eligible_repair(self):
        """150 € excl. VAT + 30 € VAT = 180 €: ecosystem's 50 € bonus, the customer pays 130 €, the organism 50 €."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        self.assertEqual(self.bonus(order), 50)
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (150, 30, 180))
        self.assertEqual(order.qualirepar_amount_net, 130)
        totals = order._qualirepar_report_totals()
        self.assertEqual((totals["tax_totals"]["base_amount_currency"], totals["tax_totals"]["total_amount_currency"],
                          totals["net"]), (150, 180, 130))
        self.assertEqual(totals["bonuses"], [("Bonus réparation QualiRépar (ecosystem)", 50)])
        self.assertEqual(self.screen.qualirepar_part_origin, "new")
        self.assertEqual(order.order_line.filtered(lambda l: l.product_id == self.screen).qualirepar_part_origin, "new")

        order.action_confirm()
        invoice = self.invoice(order)
        # The invoice is the repair's full price; the organism's part is a payment of it.
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (150, 30, 180))
        self.assertEqual((invoice.amount_residual, invoice.payment_state), (130, "partial"))
        self.assertEqual((invoice.qualirepar_bonus_amount, invoice.qualirepar_amount_net), (50, 130))
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda l: l.price_unit < 0))
        totals = invoice._qualirepar_report_totals()
        self.assertEqual((totals["tax_totals"]["base_amount_currency"], totals["tax_totals"]["total_amount_currency"],
                          totals["net"]), (150, 180, 130))
        receivable = self.customer.property_account_receivable_id.code
        revenue = self.company_data["default_account_revenue"].code
        vat = self.vat20.invoice_repartition_line_ids.account_id.code
        self.assertEqual(self.journal(invoice), {
            (revenue, "Marie Dupont"): -150,            # the full repair price is revenue
            (vat, "Marie Dupont"): -30,                 # VAT on the full price
            (receivable, "Marie Dupont"): 180,          # the invoice's total
        })
        entry = invoice.qualirepar_bonus_move_id
        self.assertEqual((entry.state, entry.journal_id.type, entry.date), ("posted", "general", invoice.date))
        self.assertEqual(self.journal(entry), {
            ("467100", "ecosystem"): 50,                # owed by the eco-organism
            (receivable, "Marie Dupont"): -50,          # no longer owed by the customer
        })
        self.assertEqual(self.customer.credit, 130)
        claim = invoice.qualirepar_claim_ids
        self.assertEqual((claim.amount, claim.partner_id), (50, self.ecosystem))
        # It waits for what only the shop can add: the customer's signed document, the nameplate photo.
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("signed document", claim.check_issues)
        self.assertIn("nameplate photo", claim.check_issues)
        self.assertEqual(len(claim.check_issues.splitlines()), 2, claim.check_issues)
        self.assertEqual(claim.amount_residual, 50)
        self.assertEqual(claim.bonus_line_id, entry.line_ids.filtered(lambda l: l.account_id.code == "467100"))

    def test_bonus_entry_posted_with_its_invoice(self):
        """Two invoices posted at once: each bonus entry posted in the same posting, labelled with its invoice's
        number, matched with it; the entry has no chatter of its own."""
        orders = self.env["sale.order"]
        for serial in ("R5CW12AAAAA", "R5CW12BBBBB"):
            orders |= self.quote(self.repair(qualirepar_serial_number=serial), (self.labour, 100), (self.screen, 50))
        orders.action_confirm()
        invoices = orders._create_invoices(grouped=True)
        invoices.action_post()
        for invoice in invoices:
            entry = invoice.qualirepar_bonus_move_id
            self.assertEqual((entry.state, entry.date, entry.ref),
                             ("posted", invoice.date, f"Bonus réparation deducted from {invoice.name}"))
            self.assertEqual(set(entry.line_ids.mapped("name")), {
                f"Bonus réparation QualiRépar (ecosystem) {invoice.name}",
                f"Bonus réparation deducted from {invoice.name}"})
            self.assertEqual((invoice.amount_residual, invoice.payment_state), (130, "partial"))
            self.assertEqual(invoice.qualirepar_claim_ids.bonus_line_id.move_id, entry)
            self.assertFalse(entry.message_ids)
        self.assertEqual(len(invoices.qualirepar_bonus_move_id), 2)

    def test_bonus_entry_of_a_secured_journal(self):
        """A miscellaneous journal that secures its entries on posting: the bonus entry is hashed with the
        labels naming its invoice (they are written before the hash)."""
        journal = self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(self.env.company), ("type", "=", "general")], limit=1)
        journal.restrict_mode_hash_table = True
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        entry = invoice.qualirepar_bonus_move_id
        self.assertEqual(entry.journal_id, journal)
        self.assertTrue(entry.inalterable_hash)
        self.assertIn(f"Bonus réparation QualiRépar (ecosystem) {invoice.name}", entry.line_ids.mapped("name"))
        self.assertEqual(invoice.payment_state, "partial")

    def test_bonus_journal_follows_the_journals(self):
        """The bonus entries go to the company's first miscellaneous journal: one put first takes the next
        entries; archived, they go back to the other one."""
        def bonus_journal():
            order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
            order.action_confirm()
            return self.invoice(order).qualirepar_bonus_move_id.journal_id

        before = bonus_journal()
        journal = self.env["account.journal"].create(
            {"name": "Bonus réparation", "code": "BONUS", "type": "general", "sequence": -1})
        self.assertEqual(bonus_journal(), journal)
        journal.active = False
        self.assertEqual(bonus_journal(), before)

    def test_fec_export_carries_the_bonus(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        fec = self.env["l10n_fr.fec.export.wizard"].create(
            {"date_from": invoice.date, "date_to": invoice.date}).generate_fec()["file_content"].decode()
        rows = [row.split("|") for row in fec.splitlines() if f"|{invoice.name}|" in row]
        self.assertEqual(len(rows), 4)  # two repair lines, VAT and the customer's receivable
        entry = [row.split("|") for row in fec.splitlines()
                 if f"|{invoice.qualirepar_bonus_move_id.name}|" in row]
        bonus = [row for row in entry if row[4] == "467100"]
        self.assertEqual(len(bonus), 1)
        self.assertEqual(bonus[0][10], f"Bonus réparation QualiRépar (ecosystem) {invoice.name}")
        self.assertEqual(bonus[0][11].strip(), "000000000000050,00")
        customer = [row for row in entry if row[4] != "467100"]
        self.assertEqual((customer[0][7], customer[0][12].strip()), ("Marie Dupont", "000000000000050,00"))

    def test_bonus_follows_the_quote(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        self.assertEqual(self.bonus(order), 50)
        # The screen is taken off: 120 € incl. VAT is below the 150 € that opens the bonus.
        order.order_line.filtered(lambda l: l.product_id == self.screen).unlink()
        self.assertFalse(self.bonus(order))
        self.assertIn("below the minimum price", order.qualirepar_bonus_message)
        order.order_line.filtered(lambda l: l.product_id == self.labour).price_unit = 200
        self.assertEqual(self.bonus(order), 50)
        # The device turns out to be still under warranty: no bonus any more.
        order.qualirepar_repair_id.qualirepar_out_of_warranty = False
        self.assertFalse(self.bonus(order))
        self.assertIn("not declared out of warranty", order.qualirepar_bonus_message)

    def test_piec_part_needs_consent_and_raises_the_bonus(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen_piec, 40))
        piec_line = order.order_line.filtered(lambda l: l.product_id == self.screen_piec)
        self.assertEqual(piec_line.qualirepar_part_origin, "piec")
        # 168 € incl. VAT: 50 € + 20 % for the circular-economy part.
        self.assertEqual(self.bonus(order), 60)
        self.assertIn("50.00\xa0€ → 60.00\xa0€", order.qualirepar_bonus_message)
        # In French, as the user reads every amount of the banner: 50,00 € → 60,00 €.
        self.env["res.lang"]._activate_lang("fr_FR")
        order.with_context(lang="fr_FR").action_qualirepar_check_bonus()
        self.assertIn("50,00\xa0€ → 60,00\xa0€", order.qualirepar_bonus_message)
        with self.assertRaisesRegex(UserError, "has not accepted them"):
            order.action_confirm()
        order.qualirepar_consent_piec = True
        self.assertEqual(repair.qualirepar_consent_piec_user_id, self.env.user)
        self.assertTrue(order.qualirepar_consent_piec_date)
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(self.journal(invoice.qualirepar_bonus_move_id)[("467100", "ecosystem")], 60)
        self.assertEqual((invoice.amount_total, invoice.amount_residual), (168, 108))
        self.assertEqual(
            invoice.invoice_line_ids.filtered(lambda l: l.product_id == self.screen_piec).qualirepar_part_origin,
            "piec")

    def test_below_threshold(self):
        order = self.quote(self.repair(), (self.labour, 100))
        self.assertFalse(self.bonus(order))
        self.assertEqual(order.amount_total, 120)
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(invoice.amount_total, 120)
        self.assertNotIn("467100", {line.account_id.code for line in invoice.line_ids})
        self.assertFalse(invoice.qualirepar_bonus_move_id)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(invoice.qualirepar_claim_ids)

    def test_bonus_above_the_price_incl_vat(self):
        """A kettle repaired for 12 € incl. VAT: the 15 € bonus would exceed the price, so there is none."""
        kettle_type = self.env["qualirepar.product.type"].sudo().create({
            "backend_id": self.backend.id, "code": "ECO-BO-001", "name": "Bouilloire", "eligible_from": "2022-12-15",
            "fiche_metier_id": self.env.ref("ecorepair_qualirepar.fiche_metier_3").id,
            "amount_ids": [(0, 0, {"date_from": "2022-12-15", "amount": 15})],
        })
        self.env["qualirepar.fiche.label"].sudo().create(
            {"backend_id": self.backend.id, "sheet_type": "3", "fiche_metier_id": kettle_type.fiche_metier_id.id})
        kettle = self.env["product.product"].create(
            {"name": "Bouilloire", "qualirepar_product_type_ids": [(6, 0, kettle_type.ids)]})
        order = self.quote(self.repair(product_id=kettle.id), (self.labour, 10))
        self.assertFalse(self.bonus(order))
        self.assertIn("less than the bonus", order.qualirepar_bonus_message)
        order.order_line.price_unit = 20  # 24 € incl. VAT: now the bonus fits
        self.assertEqual(self.bonus(order), 15)

    def test_scale_of_the_invoice_date_counts(self):
        """Quoted in December 2023 (45 €, from 180 €), invoiced in January 2024 (50 €, from 150 €)."""
        with freeze_time("2023-12-20"):
            repair = self.repair(schedule_date="2023-12-18 09:00:00")
            order = self.quote(repair, (self.labour, 100), (self.screen, 60))  # 192 € incl. VAT
            self.assertEqual(self.bonus(order), 45)
            order.action_confirm()
        with freeze_time("2024-01-05"):
            invoice = self.invoice(order, day="2024-01-05")
        self.assertEqual(self.journal(invoice.qualirepar_bonus_move_id)[("467100", "ecosystem")], 50)
        self.assertEqual((invoice.amount_total, invoice.amount_residual), (192, 142))
        self.assertEqual(invoice.qualirepar_claim_ids.amount, 50)
        self.assertEqual(self.bonus(order), 50)

    def test_posting_keeps_the_bonus_check_date(self):
        """Posting checks the bonus again without asking the organism: the same answer is no new check (the
        repair is not written); a changed scale is one (test_scale_of_the_invoice_date_counts)."""
        with freeze_time("2024-02-01 09:00:00"):
            order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
            order.action_confirm()
        repair = order.qualirepar_repair_id
        checked_on = repair.qualirepar_bonus_checked_on
        self.assertTrue(checked_on)
        with freeze_time("2024-02-05 09:00:00"):
            invoice = self.invoice(order)
        self.assertEqual((invoice.qualirepar_bonus_amount, invoice.qualirepar_claim_ids.amount), (50, 50))
        self.assertEqual(repair.qualirepar_bonus_checked_on, checked_on)

    def posted_claim(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        return invoice, invoice.qualirepar_claim_ids

    def open_bonus(self):
        return self.env["account.move.line"].search([
            ("account_id", "=", self.bonus_account.id), ("partner_id", "=", self.ecosystem.id),
            ("reconciled", "=", False), ("parent_state", "=", "posted")])

    def test_credit_note_before_sending(self):
        """Before the organism has the claim, a credit note takes the bonus back and withdraws the claim."""
        invoice, claim = self.posted_claim()
        refund = self.refund(invoice)
        receivable = self.customer.property_account_receivable_id.code
        self.assertEqual(self.journal(refund.qualirepar_bonus_move_id),
                         {("467100", "ecosystem"): -50, (receivable, "Marie Dupont"): 50})
        self.assertEqual(refund.amount_total, 180)
        self.assertEqual((refund.amount_residual, invoice.amount_residual), (0, 0))  # Odoo matches them
        self.assertTrue(claim.bonus_line_id.reconciled)
        self.assertEqual(claim.state, "cancel")
        self.assertFalse(self.open_bonus())
        self.assertEqual(self.customer.credit, 0)  # 130 invoiced, 130 credited

    def test_credit_note_after_sending(self):
        """The organism has the claim: the credit note leaves it "to refund"; what the organism still pays for
        it is recorded and owed back."""
        invoice, claim = self.posted_claim()
        claim.sudo().state = "sent"
        self.assertTrue(claim.sent_date)
        self.refund(invoice)
        self.assertEqual((claim.state, claim.amount_to_refund), ("to_refund", 0))
        self.assertFalse(self.open_bonus())
        wizard = self.env["qualirepar.remittance.wizard"].with_context(
            active_model="qualirepar.claim", active_ids=claim.ids).create({"amount": 50})
        wizard.line_ids.amount_paid = 50
        wizard.action_confirm()
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_to_refund), ("to_refund", 50, 50))
        self.assertEqual(sum(self.open_bonus().mapped("amount_residual")), -50)  # owed back to ecosystem

    def test_credit_note_after_payment(self):
        invoice, claim = self.posted_claim()
        claim.sudo().state = "approved"
        wizard = self.env["qualirepar.remittance.wizard"].with_context(
            active_model="qualirepar.claim", active_ids=claim.ids).create({"amount": 50})
        wizard.action_confirm()
        self.assertEqual(claim.state, "paid")
        self.refund(invoice)
        self.assertEqual((claim.state, claim.amount_to_refund), ("to_refund", 50))
        self.assertEqual(-claim.refund_line_id.amount_residual, 50)

    def test_reset_and_cancel_follow_the_claim(self):
        invoice, claim = self.posted_claim()
        for state in ("sent", "approved", "paid"):
            claim.sudo().state = state
            for action in (invoice.button_draft, invoice.button_cancel):
                with self.subTest(state=state), self.assertRaisesRegex(UserError, claim.name):
                    action()
        self.assertEqual(invoice.state, "posted")
        # Before sending: the claim goes with the invoice, an ecosystem draft is marked to be deleted there.
        claim.sudo().write({"state": "sending", "remote_ref": "ECO-DRAFT-1"})
        entry = invoice.qualirepar_bonus_move_id
        invoice.button_cancel()
        self.assertEqual((invoice.state, claim.state, claim.remote_cancel_pending), ("cancel", "cancel", True))
        self.assertFalse(invoice.qualirepar_bonus_move_id)
        self.assertTrue(all(entry.line_ids.mapped("reconciled")))  # reversed
        self.assertFalse(self.open_bonus())

    def test_reset_to_draft_before_sending_then_post_again(self):
        invoice, claim = self.posted_claim()
        invoice.button_draft()
        self.assertEqual((claim.state, claim.remote_cancel_pending), ("cancel", False))
        invoice.action_post()
        new_claim = invoice.qualirepar_claim_ids - claim
        self.assertEqual((new_claim.amount, invoice.amount_residual), (50, 130))
        self.assertEqual(self.open_bonus(), new_claim.bonus_line_id)

    def test_write_off(self):
        """Rejected for good: a person writes the bonus off to the expense account of the settings."""
        invoice, claim = self.posted_claim()
        expense = self.company_data["default_account_expense"]
        self.company.qualirepar_write_off_account_id = expense
        claim.sudo().state = "rejected"
        with self.assertRaisesRegex(UserError, "reason"):
            claim.action_write_off()
        claim.write_off_reason = "Appareil sous garantie constructeur : refus définitif d'ecosystem"
        claim.action_write_off()
        self.assertEqual((claim.state, claim.amount_paid), ("written_off", 0), "a write-off is no payment")
        self.assertEqual(self.journal(claim.write_off_move_id),
                         {(expense.code, "ecosystem"): 50, ("467100", "ecosystem"): -50})
        self.assertTrue(claim.bonus_line_id.reconciled)
        self.assertFalse(self.open_bonus())
        self.assertIn("refus définitif", claim.write_off_reason)
        # Undone by the accountant (the entry reset to draft): owed again, rejected again.
        entry = claim.write_off_move_id
        entry.button_draft()
        self.assertEqual((claim.state, claim.amount_residual, claim.write_off_move_id), ("rejected", 50, entry.browse()))
        self.assertEqual(self.open_bonus(), claim.bonus_line_id)
        self.assertIn(f"The write-off {entry.name} no longer clears this bonus", claim.message_ids[0].body)

    def test_refresh_bonus_reports_a_change(self):
        """The background refresh asks the scale of the invoice date; a bonus that changed is for a person."""
        invoice, claim = self.posted_claim()
        claim._qualirepar_refresh_bonus()
        self.assertEqual(claim.state, "to_fix")
        self.assertNotIn("now gives", claim.check_issues)
        self.laptop_type.amount_ids.filtered(lambda a: a.amount == 50).sudo().amount = 45
        claim._qualirepar_refresh_bonus()
        self.assertIn("now gives a bonus of 45.00\xa0€", claim.check_issues)
        self.assertIn(f'href="/odoo/account.move/{invoice.id}"', claim.check_issues_html, "where it is fixed")

    def test_check_after_a_changed_bonus(self):
        """The organism changed the bonus: "Check" keeps saying so, with both amounts, until the accountant accepts
        sending the claim as invoiced; the same answer is then not reported again, another one is."""
        invoice, claim = self.posted_claim()
        claim.repair_id.qualirepar_nameplate_photo = PNG
        claim.consumer_document = base64.b64encode(b"%PDF-1.4 attestation")
        accountant = new_test_user(self.env, login="bonus_accountant", company_id=self.company.id,
                                   groups="ecorepair_qualirepar.group_qualirepar_accountant")
        claim = claim.with_user(accountant)
        claim.action_check()
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        self.laptop_type.amount_ids.filtered(lambda a: a.amount == 50).sudo().amount = 45
        claim.sudo()._qualirepar_refresh_bonus()  # the sending job asks the organism again
        self.assertEqual((claim.state, claim.bonus_change_pending, claim.bonus_refreshed_amount), ("to_fix", True, 45))
        self.assertIn("50.00\xa0€ → 45.00\xa0€", claim.check_issues)
        claim.action_check()
        self.assertEqual(claim.state, "to_fix", "checking again does not drop the change")
        self.assertIn("now gives a bonus of 45.00\xa0€", claim.check_issues)

        claim.action_accept_bonus_change()
        self.assertEqual((claim.state, claim.check_issues, claim.amount), ("to_send", False, 50))
        self.assertEqual(claim.bonus_change_accepted_by_id, accountant)
        self.assertIn("accepted the bonus change", claim.message_ids[0].body)
        claim.sudo()._qualirepar_refresh_bonus()
        self.assertEqual(claim.state, "to_send", "the answer accepted is not reported again")
        self.laptop_type.amount_ids.filtered(lambda a: a.amount == 45).sudo().amount = 40
        claim.sudo()._qualirepar_refresh_bonus()
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("50.00\xa0€ → 40.00\xa0€", claim.check_issues)
        self.assertFalse(claim.bonus_change_accepted_by_id)
        with self.assertRaises(AccessError):  # only the add-on's button accepts a change
            claim.write({"bonus_change_pending": False})

    def test_customer_ledger_and_organism_ledger(self):
        """The partner ledger of each side lists what it owes: the net for the customer, the bonus for the
        eco-organism, whatever the invoice's customer is changed to before posting."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = order._create_invoices()
        other = self.env["res.partner"].create({"name": "Jean Dupont"})
        invoice.partner_id = other
        invoice.action_post()
        lines = self.env["account.move.line"].search([("move_id", "=", invoice.id)])
        by_partner = {}
        for line in (lines | invoice.qualirepar_bonus_move_id.line_ids).filtered(lambda l: l.account_id.reconcile):
            by_partner[line.partner_id.name] = by_partner.get(line.partner_id.name, 0) + line.amount_residual
        self.assertEqual(by_partner, {"Jean Dupont": 130, "ecosystem": 50})


@tagged("post_install", "-at_install")
class TestRepairQuoteStock(BonusCase):
    """A repair's quote delivers nothing: its parts are consumed by the repair, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.battery = cls._create_product(name="Batterie Galaxy Book", type="consu", is_storable=True,
                                          lst_price=60, invoice_policy="order", qualirepar_line_kind="part")
        cls.env["stock.quant"]._update_available_quantity(cls.battery, cls.stock, 5)

    def on_hand(self):
        return self.battery.with_context(warehouse_id=self.warehouse.id).qty_available

    def finish(self, repair):
        for point in repair.qualirepar_control_point_ids:
            point.write({"yes_no": {"value_yes_no": "yes"}, "measure": {"value_measure": 1.5}}.get(
                point.kind, {"value_text": "ok"}))
        if repair.state == "draft":
            repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()

    def test_part_on_the_quote_is_consumed_by_the_repair(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.battery, 60))
        order.action_confirm()
        self.assertFalse(order.picking_ids, "no delivery order for a repair")
        line = order.order_line.filtered(lambda l: l.product_id == self.battery)
        move = repair.move_ids.filtered(lambda m: m.product_id == self.battery)
        self.assertEqual((move.repair_line_type, move.product_uom_qty, move.sale_line_id), ("add", 1, line))
        self.assertEqual(self.on_hand(), 5, "nothing moves before the repair is done")
        self.finish(repair)
        self.assertEqual(repair.state, "done")
        self.assertEqual(move.state, "done")
        self.assertEqual(self.on_hand(), 4, "the part left the stock once, with the repair")
        self.assertEqual(line.qty_delivered, 1)
        self.assertEqual(self.env["stock.move"].search_count([("product_id", "=", self.battery.id),
                                                              ("state", "!=", "cancel")]), 1)

    def test_part_added_on_the_repair_is_on_the_quote_and_moves_once(self):
        """Odoo's own way: a part added on the repair makes its quote's line, and no delivery."""
        repair = self.repair()
        repair.action_create_sale_order()
        repair.move_ids = [(0, 0, {"product_id": self.battery.id, "product_uom_qty": 1, "repair_line_type": "add"})]
        order = repair.sale_order_id
        order.order_line = [(0, 0, {"product_id": self.labour.id, "price_unit": 100})]
        self.assertEqual(order.order_line.product_id, self.battery | self.labour)
        order.action_confirm()
        self.assertFalse(order.picking_ids)
        self.finish(repair)
        self.assertEqual(self.on_hand(), 4)

    def test_quote_of_a_repair_already_done(self):
        """A repair finished before its quote was confirmed has used the part: it leaves the stock then."""
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100))
        self.finish(repair)
        order.order_line = [(0, 0, {"product_id": self.battery.id, "price_unit": 60})]
        order.action_confirm()
        self.assertFalse(order.picking_ids)
        self.assertEqual(self.on_hand(), 4)
        self.assertEqual(order.order_line.filtered(lambda l: l.product_id == self.battery).qty_delivered, 1)
