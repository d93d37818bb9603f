"""The technicians' qualifications (model ``qualirepar.qualification``, removed) become certification lines of the
employees' resumes (hr_skills) with their fiche métier: the same holder, fiche, validity dates, reference, note
and certificate (its attachment moved, not copied). The old table is dropped then (Odoo cannot drop the table of
a model that left the code)."""

import logging

from openupgradelib import openupgrade

from odoo.tools import plaintext2html

_logger = logging.getLogger(__name__)


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    cr.execute("SELECT to_regclass('qualirepar_qualification')")
    if not cr.fetchone()[0]:
        return
    cr.execute("""SELECT q.id, q.employee_id, q.fiche_metier_id, q.date_from, q.date_to, q.reference, q.note,
                         q.certificate_filename
                    FROM qualirepar_qualification q JOIN hr_employee e ON e.id = q.employee_id
                ORDER BY q.id""")
    rows = cr.dictfetchall()
    if not rows:
        cr.execute("DROP TABLE qualirepar_qualification CASCADE")
        return
    line_type = env.ref("ecorepair_qualirepar.resume_type_qualirepar_qualification", raise_if_not_found=False)
    fiches = env["qualirepar.fiche.metier"].with_context(active_test=False).browse(
        {row["fiche_metier_id"] for row in rows})
    names = {fiche.id: fiche.display_name for fiche in fiches}
    lines = env["hr.resume.line"].create([{
        "employee_id": row["employee_id"],
        "qualirepar_fiche_metier_id": row["fiche_metier_id"],
        "name": row["reference"] or f"Qualification {names[row['fiche_metier_id']]}",
        "date_start": row["date_from"],
        "date_end": row["date_to"],
        "description": plaintext2html(row["note"]) if row["note"] else False,
        "display_type": "certification",
        "line_type_id": line_type.id if line_type else False,
        "qualirepar_certificate_filename": row["certificate_filename"],
    } for row in rows])
    lines.flush_recordset()
    pairs = [(row["id"], line.id) for row, line in zip(rows, lines)]
    cr.execute("""UPDATE ir_attachment a SET res_model = 'hr.resume.line', res_field = 'qualirepar_certificate',
                         res_id = pairs.line_id
                    FROM (VALUES %s) AS pairs(old_id, line_id)
                   WHERE a.res_model = 'qualirepar.qualification' AND a.res_field = 'certificate'
                     AND a.res_id = pairs.old_id
               RETURNING a.res_id""" % ", ".join(["(%s, %s)"] * len(pairs)),
               [value for pair in pairs for value in pair])
    with_certificate = [line_id for (line_id,) in cr.fetchall()]
    moved = len(with_certificate)
    if with_certificate:
        cr.execute("UPDATE hr_resume_line SET qualirepar_has_certificate = TRUE WHERE id IN %s",
                   [tuple(with_certificate)])
    lines.invalidate_recordset(["qualirepar_certificate", "qualirepar_has_certificate"])
    env["ir.attachment"].invalidate_model(["res_model", "res_field", "res_id"])
    cr.execute("DROP TABLE qualirepar_qualification CASCADE")
    _logger.info("%s technician qualification(s) moved to the employees' resumes (%s certificate(s))",
                 len(lines), moved)
