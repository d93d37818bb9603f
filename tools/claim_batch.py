"""Many claims ready to send, made the way a shop makes them: repairs, quotes, posted invoices.

Used by the end-to-end test of tests/ and by the benchmark of bench/, in an Odoo environment whose
database has the add-on (and a chart of accounts)."""

import base64

from odoo import Command

# A 1×1 PNG: the nameplate photo of every device.
PNG_BASE64 = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwAAAQEABRjYTgAAAABJRU5ErkJggg==")


def connect(env, ecosystem_url, ecologic_url, api_key, username, password, timeout=1):
    """The company's connections to both organisms, replaced by ones to the sandbox, reference data synced."""
    env.company._qualirepar_ensure_bonus_account()
    env.company.company_registry = "30326504500012"
    Backend = env["qualirepar.backend"].with_context(active_test=False)
    Backend.search([]).unlink()
    backends = Backend.create([
        {"name": "ecosystem", "organism": "ecosystem", "environment": "sandbox", "base_url": ecosystem_url,
         "username": username, "password": password, "timeout": timeout},
        {"name": "Ecologic", "organism": "ecologic", "environment": "sandbox", "base_url": ecologic_url,
         "api_key": api_key, "timeout": timeout},
    ])
    backends.action_sync_reference_data()
    return backends


def catalogue(env, backends):
    """What the repairs are made of: a laptop (ecosystem, Samsung) and a washing machine (Ecologic, Seb) with
    their product types and brands from the synced reference data, and 150 € of labour excl. VAT."""
    ecosystem, ecologic = backends
    Type, Brand, Product = env["qualirepar.product.type"], env["qualirepar.brand"], env["product.product"]
    laptop_type = Type.search([("backend_id", "=", ecosystem.id), ("code", "=", "ECO-OP-001")])
    washer_type = Type.search([("backend_id", "=", ecologic.id), ("code", "=", "EEE.M1.001")])
    washer_type.fiche_metier_id = env.ref("ecorepair_qualirepar.fiche_metier_1")
    tax = env["account.tax"].search([("name", "=", "TVA 20 % (test)")]) or env["account.tax"].create(
        {"name": "TVA 20 % (test)", "amount": 20, "type_tax_use": "sale"})
    return {
        "laptop_type": laptop_type, "washer_type": washer_type,
        "samsung": Brand.search([("backend_id", "=", ecosystem.id), ("code", "=", "0101")]),
        "seb": Brand.search([("backend_id", "=", ecologic.id), ("code", "=", "1109")]),
        "laptop": Product.create({"name": "Portable", "qualirepar_product_type_ids": [Command.set(laptop_type.ids)]}),
        "washer": Product.create({"name": "Lave-linge",
                                  "qualirepar_product_type_ids": [Command.set(washer_type.ids)]}),
        "labour": Product.create({"name": "Main-d'oeuvre", "type": "service", "invoice_policy": "order",
                                  "list_price": 150, "taxes_id": [Command.set(tax.ids)]}),
    }


def make_claims(env, backends, count, run):
    """``count`` claims ready to send, half to each organism: one repair, quote and invoice each. ``run`` makes
    the serial numbers unique. Returns the claims."""
    items = catalogue(env, backends)
    laptop, washer, samsung, seb, labour = (items[k] for k in ("laptop", "washer", "samsung", "seb", "labour"))
    Code = env["qualirepar.repair.code"]
    screen_code = Code.search([("product_type_id", "=", items["laptop_type"].id), ("code", "=", "INF02")])
    leak = Code.search([("product_type_id", "=", items["washer_type"].id), ("code", "=", "A02")])
    customers = env["res.partner"].create([
        {"name": "Client %03d Test" % i, "email": "c%d@example.com" % i, "phone": "0600000000",
         "street": "1 rue de la Paix", "zip": "69002", "city": "Lyon"} for i in range(count)])
    repairs = env["repair.order"].create([{
        "partner_id": customer.id, "product_id": (washer if i % 2 else laptop).id,
        "qualirepar_brand_id": (seb if i % 2 else samsung).id, "qualirepar_serial_number": "SN%s-%05d" % (run, i),
        "qualirepar_out_of_warranty": True, "qualirepar_nameplate_photo": PNG_BASE64,
        "qualirepar_repair_code_id": False if i % 2 else screen_code.id,
        "qualirepar_iris_code_id": leak.id if i % 2 else False} for i, customer in enumerate(customers)])
    orders = env["sale.order"]
    for repair in repairs:
        repair.action_create_sale_order()
        repair.sale_order_id.order_line = [Command.create({"product_id": labour.id})]
        orders |= repair.sale_order_id
    orders.action_qualirepar_check_bonus()  # the quote asks the bonus (Ecologic); confirming makes no call
    orders.action_confirm()
    invoices = orders._create_invoices(grouped=True)
    invoices.action_post()
    claims = invoices.qualirepar_claim_ids
    claims.write({"consumer_document": base64.b64encode(b"%PDF-1.4 attestation"), "consumer_document_name": "a.pdf"})
    claims.action_check()
    return claims
