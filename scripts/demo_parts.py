"""Demo of the spare parts (F12), run by scripts/run.sh through `odoo-bin shell` after the demo accounting:
the repair waiting for its circular-economy pump is confirmed, the pump ordered from its supplier, received with its
lot and billed. Idempotent: it does nothing once the repair is confirmed."""

repair = env.ref("ecorepair_qualirepar.demo_repair_washer_parts", raise_if_not_found=False)
if repair and repair.state == "draft":
    repair.action_validate()
    order = repair.move_ids.created_purchase_line_ids.order_id
    if not order:
        repair.action_qualirepar_order_parts()
        order = repair.move_ids.created_purchase_line_ids.order_id
    order.button_confirm()
    receipt = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
    receipt.move_ids.move_line_ids.write({"quantity": 1, "lot_name": "LOT-PER-2611-07"})
    receipt.button_validate()
    order.action_create_invoice()
    bill = order.invoice_ids
    bill.write({"ref": "FA-PER-26-1187", "invoice_date": bill.invoice_date or order.date_approve.date()})
    bill.action_post()
    env.cr.commit()
    print("Demo parts: %s ordered for %s (%s), received %s, billed %s" % (
        order.name, repair.name, ", ".join(repair.move_ids.move_line_ids.lot_id.mapped("name")), receipt.name,
        bill.name))
