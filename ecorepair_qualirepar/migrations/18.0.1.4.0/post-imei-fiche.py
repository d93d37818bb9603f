"""18.0.1.4.0: the fiche métier tells whether its devices have an IMEI (EI&T: phones, tablets); the fiches are
data the shop may edit (noupdate), so the flag is set here on the shipped fiche 7 of databases installed before."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    fiche = env.ref("ecorepair_qualirepar.fiche_metier_7", raise_if_not_found=False)
    if fiche:
        fiche.imei_identified = True
