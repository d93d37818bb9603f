from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.qualirepar_access import ACCOUNTANT, check_role
from ..models.qualirepar_claim import CLAIM_STATES

AGES = [
    ("0-15", "0–15 days"),
    ("16-30", "16–30 days"),
    ("31-60", "31–60 days"),
    ("61-90", "61–90 days"),
    ("90+", "Over 90 days"),
]


class QualireparBonusAging(models.Model):
    """Aged balance of what the eco-organisms owe: the open journal items of the companies' bonus accounts,
    aged on each read from the day the organism received the claim (else the invoice date)."""

    _name = "qualirepar.bonus.aging"
    _description = "Aged balance of the bonuses owed by the eco-organisms"
    _auto = False
    _order = "date, id"
    _rec_name = "move_id"
    _depends = {
        "account.move": ["invoice_date"],
        "account.move.line": ["company_id", "partner_id", "move_id", "account_id", "date", "parent_state",
                              "amount_residual", "company_currency_id"],
        "res.company": ["qualirepar_bonus_account_id"],
        "qualirepar.claim": ["bonus_line_id", "refund_line_id", "payment_line_ids", "invoice_id", "aging_date",
                             "state"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Eco-organism", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    account_id = fields.Many2one("account.account", string="Account", readonly=True)
    date = fields.Date(string="Owed since", readonly=True,
                       help="The day the organism received the paid invoice (the claim's sending), else the invoice date.")
    days = fields.Integer(string="Days owed", readonly=True, aggregator="max")
    age = fields.Selection(
        AGES, string="Age", readonly=True,
        help="The eco-organism is to pay a claim within 15 days (décret 2024-123): beyond that, it is late.")
    amount_residual = fields.Monetary(
        string="Still owed", readonly=True,
        help="Negative: owed to the eco-organism (what it paid for a bonus a credit note took back).")
    claim_id = fields.Many2one("qualirepar.claim", string="Claim", readonly=True)
    claim_state = fields.Selection(CLAIM_STATES, string="Claim status", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    def _query(self):
        return SQL("""
            SELECT id, company_id, partner_id, move_id, account_id, date, currency_id, amount_residual,
                   claim_id, claim_state,
                   CURRENT_DATE - date AS days,
                   CASE WHEN CURRENT_DATE - date <= 15 THEN '0-15'
                        WHEN CURRENT_DATE - date <= 30 THEN '16-30'
                        WHEN CURRENT_DATE - date <= 60 THEN '31-60'
                        WHEN CURRENT_DATE - date <= 90 THEN '61-90'
                        ELSE '90+' END AS age
              FROM (SELECT line.id, line.company_id, line.partner_id, COALESCE(claim.invoice_id, line.move_id) AS move_id,
                           line.account_id,
                           COALESCE(claim.aging_date, move.invoice_date, line.date) AS date,
                           line.company_currency_id AS currency_id, line.amount_residual,
                           claim.id AS claim_id, claim.state AS claim_state
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      -- the claim of the item: its bonus, or the credits left open of a bonus to refund
                 LEFT JOIN LATERAL (
                           SELECT c.id, c.invoice_id, c.aging_date, c.state FROM qualirepar_claim c
                            WHERE c.bonus_line_id = line.id OR c.refund_line_id = line.id
                               OR c.id IN (SELECT rel.claim_id FROM qualirepar_claim_payment_line_rel rel
                                            WHERE rel.line_id = line.id)
                            ORDER BY c.id LIMIT 1) claim ON TRUE
                     WHERE line.parent_state = 'posted'
                       AND line.amount_residual != 0
                       AND line.account_id IN (SELECT qualirepar_bonus_account_id FROM res_company
                                                WHERE qualirepar_bonus_account_id IS NOT NULL)
                   ) AS open_bonus
        """)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    @api.model
    def action_open_organisms_ledger(self):
        """The partner ledger of the eco-organisms: the posted items of the companies' bonus accounts (the
        invoices' bonuses and the remittances that pay them)."""
        check_role(self.env, ACCOUNTANT)
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_ledger_partner")
        action.update({
            "name": self.env._("Eco-organisms ledger"),
            "domain": [("account_id", "in", self.env.companies.qualirepar_bonus_account_id.ids),
                       ("parent_state", "=", "posted")],
            "context": {"search_default_group_by_partner": 1, "search_default_unreconciled": 1},
        })
        return action
