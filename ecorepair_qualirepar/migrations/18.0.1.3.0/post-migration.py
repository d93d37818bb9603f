"""18.0.1.3.0: the bonus is no longer a negative line of the quote and the invoice (README, "The accounting model").

- Quotes not invoiced yet: the bonus line becomes the quote's bonus (qualirepar_bonus_amount), the line goes
  (quantity 0 on a confirmed order, whose lines cannot be deleted).
- Invoices already posted keep the lines they were issued with (an issued invoice is not rewritten): their bonus
  line is on 467100 with the organism as partner, and their claims keep pointing at it.
- Claims already sent age from their invoice date (the day they were sent is unknown before this version)."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    lines = env["sale.order.line"].search([("qualirepar_is_bonus", "=", True), ("invoice_lines", "=", False)])
    for order in lines.order_id:
        bonus_lines = lines.filtered(lambda l, o=order: l.order_id == o)
        order.write({"qualirepar_bonus_amount": -sum(bonus_lines.mapped(lambda l: l.price_unit * l.product_uom_qty))})
        locked = bonus_lines._check_line_unlink()
        locked.write({"product_uom_qty": 0})
        (bonus_lines - locked).unlink()
