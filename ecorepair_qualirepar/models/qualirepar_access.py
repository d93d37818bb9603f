from odoo import api, models
from odoo.exceptions import AccessError

# The roles of a shop (security/qualirepar_security.xml, README "Roles").
WORKSHOP = "ecorepair_qualirepar.group_qualirepar_user"
FRONT_OFFICE = "ecorepair_qualirepar.group_qualirepar_front_office"
ACCOUNTANT = "ecorepair_qualirepar.group_qualirepar_accountant"
MANAGER = "ecorepair_qualirepar.group_qualirepar_manager"


def check_role(env, group):
    """Refuses, in the user's language, what the role ``group`` alone may do (a button hidden in a view is no
    permission: every public method of the add-on starts here)."""
    if not env.su and not env.user.has_group(group):
        raise AccessError(env._(
            "This needs the QualiRépar role “%(role)s”, which %(user)s does not have. Ask a QualiRépar manager.",
            role=env.ref(group).sudo().name, user=env.user.name))


class QualireparGuarded(models.AbstractModel):
    """Amounts and states that only the add-on's own methods change: a direct write (a form, an RPC call) by
    anyone but a QualiRépar manager is refused. The add-on's methods check the caller's role, then write as
    superuser."""

    _name = "qualirepar.guarded.mixin"
    _description = "QualiRépar fields changed only by the add-on"

    # The fields guarded on every record of the model.
    _qualirepar_guarded_fields = frozenset()

    def _qualirepar_changed(self, vals, names):
        """The fields among ``names`` that ``vals`` gives another value than the one these records have."""
        changed = set()
        for name in names & vals.keys():
            field = self._fields[name]
            for record in self:
                if field.convert_to_record(field.convert_to_cache(vals[name], record), record) != record[name]:
                    changed.add(name)
                    break
        return changed

    def _qualirepar_guarded_changes(self, vals):
        """The guarded fields that ``vals`` would change on these records (on new records when empty)."""
        if not self:
            return {name for name in self._qualirepar_guarded_fields & vals.keys() if vals[name]}
        return self._qualirepar_changed(vals, self._qualirepar_guarded_fields)

    def _qualirepar_check_guarded(self, vals):
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        changed = self._qualirepar_guarded_changes(vals)
        if changed:
            labels = ", ".join(sorted(f"“{self._fields[name]._description_string(self.env)}”" for name in changed))
            raise AccessError(self.env._(
                "%(fields)s of %(model)s are set by QualiRépar itself and cannot be changed by hand. "
                "Ask a QualiRépar manager if they are wrong.",
                fields=labels, model=self.env["ir.model"]._get(self._name).sudo().name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._qualirepar_check_guarded(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._qualirepar_check_guarded(vals)
        return super().write(vals)
