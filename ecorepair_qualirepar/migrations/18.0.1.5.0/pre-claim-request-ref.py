"""18.0.1.5.0: a field named ``…_id`` is a many2one, as everywhere in Odoo: the claim's ``remote_request_id``
(Ecologic's RequestId of the support request it is made from, a text) is ``remote_request_ref``, like its
``remote_ref``. The column and its values are renamed before the update."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.rename_fields(env, [
        ("qualirepar.claim", "qualirepar_claim", "remote_request_id", "remote_request_ref"),
    ])  # a column already renamed is left alone
