from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualirepar_backend_count = fields.Integer(compute="_compute_qualirepar_counts")
    qualirepar_fiche_held_count = fields.Integer(compute="_compute_qualirepar_counts")

    def _compute_qualirepar_counts(self):
        for settings in self:
            company = settings.company_id
            settings.qualirepar_backend_count = len(company.qualirepar_backend_ids)
            settings.qualirepar_fiche_held_count = len(company.qualirepar_business_sheet_ids)

    def action_qualirepar_backends(self):
        return self.env["ir.actions.act_window"]._for_xml_id("ecorepair_qualirepar.action_qualirepar_backend")
