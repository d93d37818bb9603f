from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_bonus import BonusCase


@tagged("post_install", "-at_install")
class TestBonusAccounting(BonusCase):

    def test_french_chart_creates_the_receivable_account(self):
        account = self.bonus_account
        self.assertEqual(account.code, "467100")
        self.assertTrue(account.reconcile)
        self.assertEqual(account.account_type, "asset_current")

    def test_eligible_repair(self):
        """150 € excl. VAT + 30 € VAT = 180 €: ecosystem's 50 € bonus, the customer pays 130 €, the organism 50 €."""
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        bonus = self.bonus_line(order)
        self.assertEqual(bonus.name, "Bonus réparation QualiRépar (ecosystem)")
        self.assertEqual(bonus.price_unit, -50)
        self.assertFalse(bonus.tax_id)
        self.assertEqual(order.amount_tax, 30)
        self.assertEqual(order.amount_total, 130)
        self.assertEqual(order.qualirepar_amount_before_bonus, 180)
        self.assertEqual(self.screen.qualirepar_part_origin, "new")
        self.assertEqual(order.order_line.filtered(lambda l: l.product_id == self.screen).qualirepar_part_origin, "new")

        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(invoice.amount_total, 130)
        self.assertEqual(invoice.amount_residual, 130)
        self.assertEqual(invoice.qualirepar_bonus_amount, 50)
        receivable = self.customer.property_account_receivable_id.code
        revenue = self.company_data["default_account_revenue"].code
        vat = self.vat20.invoice_repartition_line_ids.account_id.code
        self.assertEqual(self.journal(invoice), {
            (revenue, "Marie Dupont"): -150,            # the full repair price is revenue
            (vat, "Marie Dupont"): -30,                 # VAT on the full price
            ("467100", "ecosystem"): 50,                # owed by the eco-organism
            (receivable, "Marie Dupont"): 130,          # owed by the customer
        })
        claim = invoice.qualirepar_claim_ids
        self.assertEqual((claim.amount, claim.partner_id), (50, self.ecosystem))
        # It waits for what only the shop can add: the customer's signed document, the nameplate photo.
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("signed document", claim.check_issues)
        self.assertIn("nameplate photo", claim.check_issues)
        self.assertEqual(len(claim.check_issues.splitlines()), 2, claim.check_issues)
        self.assertEqual(claim.amount_residual, 50)

    def test_fec_export_carries_the_bonus(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        fec = self.env["l10n_fr.fec.export.wizard"].create(
            {"date_from": invoice.date, "date_to": invoice.date}).generate_fec()["file_content"].decode()
        rows = [row.split("|") for row in fec.splitlines() if f"|{invoice.name}|" in row]
        bonus = [row for row in rows if row[4] == "467100"]
        self.assertEqual(len(bonus), 1)
        self.assertEqual(bonus[0][10], "Bonus réparation QualiRépar (ecosystem)")
        self.assertEqual(bonus[0][11].strip(), "000000000000050,00")
        self.assertEqual(len(rows), 5)  # two repair lines, the bonus, VAT and the customer's receivable

    def test_bonus_follows_the_quote(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        self.assertEqual(self.bonus_line(order).price_unit, -50)
        # The screen is taken off: 120 € incl. VAT is below the 150 € that opens the bonus.
        order.order_line.filtered(lambda l: l.product_id == self.screen).unlink()
        self.assertFalse(self.bonus_line(order))
        self.assertIn("below the minimum price", order.qualirepar_bonus_message)
        order.order_line.filtered(lambda l: l.product_id == self.labour).price_unit = 200
        self.assertEqual(self.bonus_line(order).price_unit, -50)
        # The device turns out to be still under warranty: no bonus any more.
        order.qualirepar_repair_id.qualirepar_out_of_warranty = False
        self.assertFalse(self.bonus_line(order))
        self.assertIn("not declared out of warranty", order.qualirepar_bonus_message)

    def test_piec_part_needs_consent_and_raises_the_bonus(self):
        repair = self.repair()
        order = self.quote(repair, (self.labour, 100), (self.screen_piec, 40))
        piec_line = order.order_line.filtered(lambda l: l.product_id == self.screen_piec)
        self.assertEqual(piec_line.qualirepar_part_origin, "piec")
        # 168 € incl. VAT: 50 € + 20 % for the circular-economy part.
        self.assertEqual(self.bonus_line(order).price_unit, -60)
        with self.assertRaisesRegex(UserError, "has not accepted them"):
            order.action_confirm()
        order.qualirepar_consent_piec = True
        self.assertEqual(repair.qualirepar_consent_piec_user_id, self.env.user)
        self.assertTrue(order.qualirepar_consent_piec_date)
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(self.journal(invoice)[("467100", "ecosystem")], 60)
        self.assertEqual(invoice.amount_total, 108)
        self.assertEqual(
            invoice.invoice_line_ids.filtered(lambda l: l.product_id == self.screen_piec).qualirepar_part_origin,
            "piec")

    def test_below_threshold(self):
        order = self.quote(self.repair(), (self.labour, 100))
        self.assertFalse(self.bonus_line(order))
        self.assertEqual(order.amount_total, 120)
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(invoice.amount_total, 120)
        self.assertNotIn("467100", {line.account_id.code for line in invoice.line_ids})
        self.assertFalse(invoice.qualirepar_claim_ids)

    def test_bonus_above_the_price_incl_vat(self):
        """A kettle repaired for 12 € incl. VAT: the 15 € bonus would exceed the price, so there is none."""
        kettle_type = self.env["qualirepar.product.type"].sudo().create({
            "backend_id": self.backend.id, "code": "ECO-BO-001", "name": "Bouilloire", "eligible_from": "2022-12-15",
            "fiche_metier_id": self.env.ref("ecorepair_qualirepar.fiche_metier_3").id,
            "amount_ids": [(0, 0, {"date_from": "2022-12-15", "amount": 15})],
        })
        self.env["qualirepar.business.sheet"].sudo().create(
            {"backend_id": self.backend.id, "sheet_type": "3", "fiche_metier_id": kettle_type.fiche_metier_id.id})
        kettle = self.env["product.product"].create(
            {"name": "Bouilloire", "qualirepar_product_type_ids": [(6, 0, kettle_type.ids)]})
        order = self.quote(self.repair(product_id=kettle.id), (self.labour, 10))
        self.assertFalse(self.bonus_line(order))
        self.assertIn("less than the bonus", order.qualirepar_bonus_message)
        order.order_line.price_unit = 20  # 24 € incl. VAT: now the bonus fits
        self.assertEqual(self.bonus_line(order).price_unit, -15)

    def test_scale_of_the_invoice_date_counts(self):
        """Quoted in December 2023 (45 €, from 180 €), invoiced in January 2024 (50 €, from 150 €)."""
        with freeze_time("2023-12-20"):
            repair = self.repair(schedule_date="2023-12-18 09:00:00")
            order = self.quote(repair, (self.labour, 100), (self.screen, 60))  # 192 € incl. VAT
            self.assertEqual(self.bonus_line(order).price_unit, -45)
            order.action_confirm()
        with freeze_time("2024-01-05"):
            invoice = self.invoice(order, day="2024-01-05")
        self.assertEqual(self.journal(invoice)[("467100", "ecosystem")], 50)
        self.assertEqual(invoice.amount_total, 142)
        self.assertEqual(invoice.qualirepar_claim_ids.amount, 50)
        self.assertEqual(self.bonus_line(order).price_unit, -50)

    def test_credit_note_reverses_the_bonus(self):
        order = self.quote(self.repair(), (self.labour, 100), (self.screen, 50))
        order.action_confirm()
        invoice = self.invoice(order)
        claim = invoice.qualirepar_claim_ids
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "reason": "Erreur de saisie"})
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.action_post()
        self.assertEqual(self.journal(refund)[("467100", "ecosystem")], -50)
        bonus_lines = (invoice + refund).line_ids.filtered("qualirepar_is_bonus")
        self.assertTrue(all(bonus_lines.mapped("reconciled")))
        self.assertEqual(claim.state, "cancel")
        open_bonus = self.env["account.move.line"].search([
            ("account_id", "=", self.bonus_account.id), ("partner_id", "=", self.ecosystem.id),
            ("reconciled", "=", False), ("parent_state", "=", "posted")])
        self.assertFalse(open_bonus)

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
        for line in lines.filtered(lambda l: l.account_id.reconcile):
            by_partner[line.partner_id.name] = by_partner.get(line.partner_id.name, 0) + line.amount_residual
        self.assertEqual(by_partner, {"Jean Dupont": 130, "ecosystem": 50})
