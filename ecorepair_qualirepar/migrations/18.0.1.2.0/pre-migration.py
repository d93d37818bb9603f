"""18.0.1.2.0: the many2one fields are named ``…_id`` like all of Odoo's: the columns and their data are renamed
before the update, and so are the names in the add-on's stored views (the views are checked as they load, before
the later files of the add-on bring their new versions)."""

from openupgradelib import openupgrade

RENAMED = [
    ("qualirepar.control.point", "qualirepar_control_point", "done_by", "done_by_id"),
    ("repair.order", "repair_order", "qualirepar_qualification_override_by", "qualirepar_qualification_override_by_id"),
]


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.rename_fields(env, RENAMED)  # a column already renamed is left alone
    for _model, _table, old, new in RENAMED:
        # arch_db is JSON (one arch per language): its quotes are written \" there.
        for before, after in ((f'\\"{old}\\"', f'\\"{new}\\"'), (f'.{old}\\"', f'.{new}\\"')):
            openupgrade.logged_query(env.cr, """
                UPDATE ir_ui_view SET arch_db = replace(arch_db::text, %(before)s, %(after)s)::jsonb
                 WHERE strpos(arch_db::text, %(before)s) > 0
                   AND id IN (SELECT res_id FROM ir_model_data
                               WHERE module = 'ecorepair_qualirepar' AND model = 'ir.ui.view')
            """, {"before": before, "after": after})
