"""Demo quotes and invoices with the bonus réparation, run by scripts/run.sh through `odoo-bin shell` once the
chart of accounts exists (Odoo sets it up after the modules' demo data, so XML demo data cannot post invoices).
Idempotent: it does nothing when the demo quotes are already there."""

Product = env["product.product"]


def product(code, name, price, **values):
    return Product.search([("default_code", "=", code)], limit=1) or Product.create(
        {"default_code": code, "name": name, "list_price": price, "invoice_policy": "order", **values})


def quote(repair, lines):
    if not repair.sale_order_id:
        repair.action_create_sale_order()
        repair.sale_order_id.order_line = [(0, 0, {"product_id": p.id, "product_uom_qty": qty}) for p, qty in lines]
    return repair.sale_order_id


ref = env.ref
labour = product("MO-ATELIER", "Main-d'œuvre atelier (heure)", 55, type="service")
labour.qualirepar_price_notice = True  # on the shop's notice of repair prices
product("DIAG-LL", "Diagnostic lave-linge à domicile", 49, type="service", qualirepar_price_notice=True)
pump = product("POMPE-LL", "Pompe de vidange", 39, type="consu")
product("POMPE-LL-R", "Pompe de vidange reconditionnée", 25, type="consu", qualirepar_part_origin="piec")
screen = product("ECRAN-A54", "Écran Galaxy A54 (origine)", 89, type="consu")

washer_quote = quote(ref("ecorepair_qualirepar.demo_repair_washer"), [(labour, 1), (pump, 1)])
phone_quote = quote(ref("ecorepair_qualirepar.demo_repair_phone_done"), [(labour, 0.5), (screen, 1)])
if phone_quote.state == "draft":
    phone_quote.action_confirm()
    phone_quote._create_invoices().action_post()
env.cr.commit()
invoice = phone_quote.invoice_ids[:1]
print("Demo quotes: %s (bonus %s), %s invoiced %s (total %s, bonus %s, net to pay %s)" % (
    washer_quote.name, washer_quote.qualirepar_bonus_amount, phone_quote.name, invoice.name,
    invoice.amount_total, invoice.qualirepar_bonus_amount, invoice.amount_residual))
