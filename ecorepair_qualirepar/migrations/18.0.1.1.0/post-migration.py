"""18.0.1.1.0: the shop's roles. Inventory users and administrators no longer become QualiRépar users and
managers by themselves (security/qualirepar_security.xml): the links are removed. The users who already are in
the QualiRépar groups stay there; review them in Settings › Users (README, "Roles")."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("stock.group_stock_user").implied_ids -= env.ref("ecorepair_qualirepar.group_qualirepar_user")
    env.ref("stock.group_stock_manager").implied_ids -= env.ref("ecorepair_qualirepar.group_qualirepar_manager")
