from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """A repair invoice: its bonus is checked against the scale of the invoice date, and posting it opens the
    reimbursement claim on the eco-organism."""

    _inherit = "account.move"

    qualirepar_repair_ids = fields.Many2many(
        "repair.order", string="Repaired devices", compute="_compute_qualirepar_repair_ids",
        help="The QualiRépar repairs whose quotes this invoice bills.")
    qualirepar_claim_ids = fields.One2many("qualirepar.claim", "invoice_id", string="Bonus claims", readonly=True,
                                           groups="ecorepair_qualirepar.group_qualirepar_accountant")
    qualirepar_bonus_amount = fields.Monetary(
        string="Bonus deducted", compute="_compute_qualirepar_bonus_amount",
        help="The bonus réparation deducted from the price incl. VAT, owed by the eco-organism.")
    qualirepar_amount_before_bonus = fields.Monetary(
        string="Total incl. VAT before bonus", compute="_compute_qualirepar_bonus_amount")

    @api.depends("invoice_line_ids.sale_line_ids.order_id.qualirepar_repair_id")
    def _compute_qualirepar_repair_ids(self):
        for move in self:
            move.qualirepar_repair_ids = move.invoice_line_ids.sale_line_ids.order_id.qualirepar_repair_id

    def _compute_qualirepar_bonus_amount(self):
        for move in self:
            bonus_lines = move.invoice_line_ids.filtered("qualirepar_is_bonus")
            move.qualirepar_bonus_amount = -move.direction_sign * sum(bonus_lines.mapped("balance"))
            move.qualirepar_amount_before_bonus = move.amount_total + abs(sum(bonus_lines.mapped("price_total")))

    def _qualirepar_bonus_lines_by_repair(self):
        """{repair: (bonus line, the invoice lines of its quote)} for this invoice."""
        self.ensure_one()
        result = {}
        for line in self.invoice_line_ids.filtered("qualirepar_is_bonus"):
            order = line.sale_line_ids.order_id
            repair = order.qualirepar_repair_id
            if repair:
                others = self.invoice_line_ids.filtered(
                    lambda l: not l.qualirepar_is_bonus and l.sale_line_ids.order_id == order)
                result[repair] = (line, others)
        return result

    def _qualirepar_check_bonus(self):
        """At invoicing, the scale in force on the invoice date is the one that counts."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft"):
            day = move.invoice_date or fields.Date.context_today(move)
            for repair, (line, others) in move._qualirepar_bonus_lines_by_repair().items():
                total = sum(others.mapped("price_total"))
                piec = "piec" in others.mapped("qualirepar_part_origin")
                try:
                    bonus, message = repair._qualirepar_store_lookup(total, day, piec=piec, remote=True)
                except UserError as error:
                    # Posting an invoice never waits on an eco-organism: the quote's bonus stands.
                    move.message_post(body=self.env._(
                        "%(error)s The bonus of the quote is kept; check it before the claim is sent.",
                        error=error.args[0]))
                    continue
                if move.currency_id.compare_amounts(-line.price_unit * line.quantity, bonus) == 0:
                    continue
                before = repair._qualirepar_money(-line.price_unit * line.quantity)
                line = line.sudo()  # the bonus lines are the add-on's own
                if bonus:
                    line.write({"price_unit": -bonus, "quantity": 1})
                    line.sale_line_ids.write({"price_unit": -bonus})
                    text = self.env._("Bonus réparation of %(repair)s changed from %(before)s to %(after)s, "
                                      "the scale in force on %(date)s.")
                else:
                    sale_lines = line.sale_line_ids
                    line.unlink()
                    sale_lines.write({"product_uom_qty": 0})
                    text = self.env._("Bonus réparation of %(repair)s (%(before)s) removed: no bonus on "
                                      "%(date)s. %(why)s")
                move.message_post(body=Markup("<p>%s</p>") % (text % {
                    "repair": repair.name, "before": before, "after": repair._qualirepar_money(bonus),
                    "date": fields.Date.to_string(day), "why": message or ""}))

    def _post(self, soft=True):
        self._qualirepar_check_bonus()
        posted = super()._post(soft)
        posted.filtered(lambda m: m.move_type == "out_invoice")._qualirepar_create_claims()
        posted.filtered(lambda m: m.move_type == "out_refund")._qualirepar_reverse_bonus()
        return posted

    def _invoice_paid_hook(self):
        """Paid: its claims are sent now (a job each), not at the next run of the scheduled action."""
        result = super()._invoice_paid_hook()
        claims = self.sudo().qualirepar_claim_ids._qualirepar_sending_due()
        claims._qualirepar_enqueue("send")
        return result

    def _qualirepar_create_claims(self):
        """One claim per repaired device of the invoice (DESIGN: created when the invoice is posted)."""
        values = []
        for move in self:
            for repair, (line, _others) in move._qualirepar_bonus_lines_by_repair().items():
                if not move.sudo().qualirepar_claim_ids.filtered(lambda c: c.bonus_line_id == line):
                    values.append({
                        "invoice_id": move.id,
                        "bonus_line_id": line.id,
                        "repair_id": repair.id,
                        "backend_id": repair.qualirepar_product_type_id.backend_id.id,
                        "partner_id": line.partner_id.id,
                        "amount": line.balance,
                        "company_id": move.company_id.id,
                    })
        return self.env["qualirepar.claim"].sudo().create(values)

    def _qualirepar_reverse_bonus(self):
        """A credit note that takes the bonus back cancels the claim (Odoo itself reconciles its bonus line
        with the invoice's, the account being reconcilable)."""
        for refund in self.filtered("reversed_entry_id"):
            organisms = refund.line_ids.filtered("qualirepar_is_bonus").qualirepar_bonus_partner_id
            claims = refund.reversed_entry_id.sudo().qualirepar_claim_ids.filtered(
                lambda c: c.partner_id in organisms and c.state != "cancel")
            claims._cancel_for_credit_note(refund)
