"""18.0.1.5.0: a parent view is inherited once by the add-on (the repair form by one view instead of eight, the
repair search, the product and category forms, the quote's portal page), the extensions of the add-on's own views
are in those views, and the repair documents print Odoo's tax totals instead of their own. The views this replaces
are deleted before the update, so that an upgraded database does not apply them beside their replacement."""

from openupgradelib import openupgrade

REPLACED_VIEWS = [
    # repair.view_repair_order_form: in repair_order_view_form_inherit_qualirepar
    "repair_order_view_form_qualirepar_onsite",
    "repair_order_view_form_qualirepar_technician",
    "repair_order_view_form_inherit_qualirepar_portal",
    "repair_order_view_form_inherit_qualirepar_signature",
    "repair_order_view_form_qualirepar_booking",
    "view_repair_order_form_qualirepar_checklist",
    "repair_order_form_inherit_qualirepar_parts",
    "repair_order_view_form_inherit_qualirepar_documents",
    # repair.view_repair_order_form_filter: in repair_order_view_search_inherit_qualirepar
    "repair_order_view_search_qualirepar_onsite",
    "repair_order_view_search_qualirepar_technician",
    "repair_order_view_search_qualirepar_booking",
    # product forms: in product_template_form_view_inherit_qualirepar, product_category_form_view_inherit_qualirepar
    "product_template_form_view_inherit_qualirepar_documents",
    "product_template_form_view_qualirepar_booking",
    "view_product_template_form_qualirepar_price_notice",
    "product_category_form_view_inherit_qualirepar_documents",
    "product_category_form_view_inherit_qualirepar_notice",
    # the add-on's own views, now holding what these added
    "qualirepar_claim_view_form_inherit_signature",
    "qualirepar_fiche_metier_view_form_checklist",
    "view_fiche_metier_form_qualirepar_piec",
    "res_config_settings_view_form_qualirepar_booking",
    "view_move_form_qualirepar_legal",
    "view_order_form_qualirepar_legal",
    # sale.sale_order_portal_template: in sale_order_portal_template_qualirepar
    "sale_order_portal_net_to_pay",
    "sale_order_portal_repair_link",
    "sale_order_portal_refusal_risks",
    # the totals the repair documents printed in place of Odoo's
    "qualirepar_report_totals",
]


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.delete_records_safely_by_xml_id(
        env, [f"ecorepair_qualirepar.{xmlid}" for xmlid in REPLACED_VIEWS])  # absent: left alone
