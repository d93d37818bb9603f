"""18.0.1.5.0: lists are records. A claim's documents at the organism, received (``remote_documents``, their
kinds joined by commas) or refused (``refused_documents``, named in the organism's errors: to send again), and
its earlier references at the organism (``previous_remote_refs``, joined by ", ") are records of their own
(``remote_document_ids``, ``previous_remote_ref_ids``): the old columns' values become those records, so that no
document is uploaded twice, none refused is forgotten and no earlier reference is lost. When they happened is not
known: the claim's last change stands for it. (The old columns go with their fields at the end of the update.)"""

from openupgradelib import openupgrade


def _items(text):
    return list(dict.fromkeys(item.strip() for item in (text or "").split(",") if item.strip()))


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if openupgrade.column_exists(cr, "qualirepar_claim", "remote_documents"):
        kinds = set(env["qualirepar.claim"]._qualirepar_document_labels())
        refused_column = "refused_documents" if openupgrade.column_exists(
            cr, "qualirepar_claim", "refused_documents") else "NULL"
        cr.execute(f"""SELECT id, remote_documents, {refused_column}, write_date FROM qualirepar_claim
                        WHERE COALESCE(remote_documents, '') != '' OR COALESCE({refused_column}, '') != ''
                        ORDER BY id""")
        values = []
        for claim_id, received, refused, changed in cr.fetchall():
            received = [kind for kind in _items(received) if kind in kinds]
            values += [{"claim_id": claim_id, "kind": kind, "uploaded_on": changed} for kind in received]
            values += [{"claim_id": claim_id, "kind": kind, "uploaded_on": False, "refused": True}
                       for kind in _items(refused) if kind in kinds and kind not in received]
        env["qualirepar.claim.remote.document"].create(values)
    if openupgrade.column_exists(cr, "qualirepar_claim", "previous_remote_refs"):
        cr.execute("""SELECT id, previous_remote_refs, organism, write_date FROM qualirepar_claim
                       WHERE COALESCE(previous_remote_refs, '') != '' ORDER BY id""")
        env["qualirepar.claim.previous.ref"].create([
            {"claim_id": claim_id, "name": ref, "organism": organism or False, "replaced_on": changed}
            for claim_id, text, organism, changed in cr.fetchall() for ref in _items(text)
        ])
