"""18.0.1.5.0: one name per concept. The shop's labelling per fiche métier, as the organism reports it, was
``qualirepar.business.sheet`` beside the fiches métier themselves (``qualirepar.fiche.metier``): it is
``qualirepar.fiche.label``. The model, its table, its records' external ids and the company's field are renamed
before the update, so that the synchronised labellings stay, with their ids. Its ``number_id``, not a many2one
(the API's NumberId, a text), is ``label_number``."""

from openupgradelib import openupgrade

MODULE = "ecorepair_qualirepar"
XMLIDS = [
    ("qualirepar_business_sheet_view_list", "qualirepar_fiche_label_view_list"),
    ("action_qualirepar_business_sheet", "action_qualirepar_fiche_label"),
    ("menu_qualirepar_business_sheet", "menu_qualirepar_fiche_label"),
    ("rule_qualirepar_business_sheet_company", "rule_qualirepar_fiche_label_company"),
    ("access_qualirepar_business_sheet_user", "access_qualirepar_fiche_label_user"),
    ("access_qualirepar_business_sheet_accountant", "access_qualirepar_fiche_label_accountant"),
    ("access_qualirepar_business_sheet_manager", "access_qualirepar_fiche_label_manager"),
]


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if openupgrade.table_exists(cr, "qualirepar_business_sheet"):
        openupgrade.rename_models(cr, [("qualirepar.business.sheet", "qualirepar.fiche.label")])
        openupgrade.rename_tables(cr, [("qualirepar_business_sheet", "qualirepar_fiche_label")])
    openupgrade.rename_xmlids(cr, [(f"{MODULE}.{old}", f"{MODULE}.{new}") for old, new in XMLIDS])
    openupgrade.rename_fields(env, [
        ("res.company", "res_company", "qualirepar_business_sheet_ids", "qualirepar_fiche_label_ids"),
        ("qualirepar.fiche.label", "qualirepar_fiche_label", "number_id", "label_number"),
    ])
