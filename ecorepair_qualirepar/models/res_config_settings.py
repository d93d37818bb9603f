from odoo import api, fields, models

from .qualirepar_access import FRONT_OFFICE, MANAGER, check_role


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    qualirepar_warranty_months = fields.Integer(related="company_id.qualirepar_warranty_months", readonly=False)
    qualirepar_max_distance_km = fields.Float(related="company_id.qualirepar_max_distance_km", readonly=False)
    qualirepar_slip_show_payment = fields.Boolean(related="company_id.qualirepar_slip_show_payment", readonly=False)
    qualirepar_slip_show_bonus = fields.Boolean(related="company_id.qualirepar_slip_show_bonus", readonly=False)
    qualirepar_slip_show_consents = fields.Boolean(related="company_id.qualirepar_slip_show_consents", readonly=False)
    qualirepar_slip_show_parts_info = fields.Boolean(
        related="company_id.qualirepar_slip_show_parts_info", readonly=False)
    qualirepar_bonus_account_id = fields.Many2one(
        related="company_id.qualirepar_bonus_account_id", readonly=False)
    qualirepar_write_off_account_id = fields.Many2one(
        related="company_id.qualirepar_write_off_account_id", readonly=False)
    qualirepar_label_number = fields.Char(related="company_id.qualirepar_label_number", readonly=False)
    qualirepar_document_footer = fields.Text(related="company_id.qualirepar_document_footer", readonly=False)
    qualirepar_send_at_posting = fields.Boolean(related="company_id.qualirepar_send_at_posting", readonly=False)
    qualirepar_claim_retry_seconds = fields.Integer(
        string="First retry after (seconds)", config_parameter="ecorepair_qualirepar.claim_retry_seconds",
        default=120,
        help="A claim whose organism could not be reached is sent again after this many seconds, then after twice "
        "as long at each failed attempt, never more than 12 hours.")
    qualirepar_claim_concurrency = fields.Integer(
        string="Claims sent at once", compute="_compute_qualirepar_claim_concurrency",
        inverse="_inverse_qualirepar_claim_concurrency",
        help="The capacity of the claims' job channel (root.qualirepar): how many claims are sent to the "
        "eco-organisms at the same time.")
    qualirepar_claim_concurrency_fixed = fields.Boolean(
        string="Set by the servers", compute="_compute_qualirepar_claim_concurrency",
        help="The Odoo servers' configuration sets the job channels ([queue_job] channels): the capacity is "
        "changed there.")
    qualirepar_claim_concurrency_max = fields.Integer(
        string="Most jobs at once", compute="_compute_qualirepar_claim_concurrency",
        help="The most jobs the Odoo servers run at once for this database ([queue_job] max_capacity).")
    qualirepar_legal_form = fields.Char(related="company_id.qualirepar_legal_form", readonly=False)
    qualirepar_share_capital = fields.Monetary(related="company_id.qualirepar_share_capital", readonly=False)
    qualirepar_register_kind = fields.Selection(related="company_id.qualirepar_register_kind", readonly=False)
    qualirepar_register_city = fields.Char(related="company_id.qualirepar_register_city", readonly=False)
    qualirepar_register_number = fields.Char(related="company_id.qualirepar_register_number", readonly=False)
    qualirepar_mediator_name = fields.Char(related="company_id.qualirepar_mediator_name", readonly=False)
    qualirepar_mediator_url = fields.Char(related="company_id.qualirepar_mediator_url", readonly=False)
    qualirepar_quote_price = fields.Monetary(related="company_id.qualirepar_quote_price", readonly=False)
    qualirepar_labour_rate = fields.Monetary(related="company_id.qualirepar_labour_rate", readonly=False)
    qualirepar_late_penalty_rate = fields.Float(related="company_id.qualirepar_late_penalty_rate", readonly=False)
    qualirepar_legal_warning = fields.Text(related="company_id.qualirepar_legal_warning")
    qualirepar_used_parts_location_id = fields.Many2one(
        related="company_id.qualirepar_used_parts_location_id", readonly=False)
    qualirepar_reserve_parts_at_confirm = fields.Boolean(
        string="Reserve the parts when the repair is confirmed",
        help="Odoo reserves each part of a confirmed repair from the stock (reservation method of the company's "
        "repair operation types); unticked, the parts are reserved by hand (Check availability).")
    qualirepar_backend_count = fields.Integer(compute="_compute_qualirepar_counts")
    qualirepar_fiche_held_count = fields.Integer(compute="_compute_qualirepar_counts")
    qualirepar_online_booking = fields.Boolean(related="company_id.qualirepar_online_booking", readonly=False)
    qualirepar_booking_slot_minutes = fields.Integer(
        related="company_id.qualirepar_booking_slot_minutes", readonly=False)
    qualirepar_booking_days = fields.Integer(related="company_id.qualirepar_booking_days", readonly=False)
    qualirepar_survey_id = fields.Many2one(related="company_id.qualirepar_survey_id", readonly=False)

    @api.depends("company_id")
    def _compute_qualirepar_counts(self):
        for settings in self:
            company = settings.company_id
            settings.qualirepar_backend_count = len(company.qualirepar_backend_ids)
            # Several API codes may stand for one fiche (two sheets, one fiche); a code linked to none counts alone.
            sheets = company.qualirepar_fiche_label_ids
            settings.qualirepar_fiche_held_count = len(sheets.fiche_metier_id) + len(
                sheets.filtered(lambda sheet: not sheet.fiche_metier_id))

    def _qualirepar_repair_picking_types(self, company):
        return self.env["stock.picking.type"].sudo().search([
            ("code", "=", "repair_operation"), ("company_id", "=", company.id)])

    def get_values(self):
        values = super().get_values()
        types = self._qualirepar_repair_picking_types(self.env.company)
        values["qualirepar_reserve_parts_at_confirm"] = bool(types) and all(
            kind.reservation_method == "at_confirm" for kind in types)
        return values

    def set_values(self):
        if self.qualirepar_used_parts_location_id:
            self.group_stock_multi_locations = True  # Odoo's own setting: the location is shown on receipts
        super().set_values()
        types = self._qualirepar_repair_picking_types(self.company_id)
        method = "at_confirm" if self.qualirepar_reserve_parts_at_confirm else "manual"
        types.filtered(lambda kind: kind.reservation_method != method).write({"reservation_method": method})

    @api.depends("company_id")  # the database's, whatever the company: computed when the settings open
    def _compute_qualirepar_claim_concurrency(self):
        capacity, fixed, most = self.env["qualirepar.claim"]._qualirepar_channel_capacity()
        for settings in self:
            settings.qualirepar_claim_concurrency = capacity
            settings.qualirepar_claim_concurrency_fixed = fixed
            settings.qualirepar_claim_concurrency_max = most

    def _inverse_qualirepar_claim_concurrency(self):
        for settings in self:
            settings.env["qualirepar.claim"]._qualirepar_set_channel_capacity(settings.qualirepar_claim_concurrency)

    def action_qualirepar_backends(self):
        check_role(self.env, MANAGER)
        return self.env["ir.actions.act_window"]._for_xml_id("ecorepair_qualirepar.action_qualirepar_backend")

    def action_qualirepar_print_bonus_poster(self):
        """The A4 poster of the bonus amounts in force (décret 2024-123), to display in the shop."""
        check_role(self.env, FRONT_OFFICE)
        return self.env.ref("ecorepair_qualirepar.action_report_qualirepar_bonus_poster").report_action(
            self.company_id, config=False)

    def action_qualirepar_print_price_notice(self):
        """The shop-window notice of the repair prices (arrêté 83-50/A)."""
        check_role(self.env, FRONT_OFFICE)
        return self.env.ref("ecorepair_qualirepar.action_report_qualirepar_price_notice").report_action(
            self.company_id, config=False)
