from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

FRENCH_BONUS_ACCOUNT_CODE = "467100"


class ResCompany(models.Model):
    _inherit = "res.company"

    qualirepar_backend_ids = fields.One2many("qualirepar.backend", "company_id", string="QualiRépar connections")
    qualirepar_fiche_label_ids = fields.One2many(
        "qualirepar.fiche.label", "company_id", string="Labelled fiches métier")
    qualirepar_warranty_months = fields.Integer(
        string="Repair warranty (months)", default=3,
        help="A device coming back within this period after a finished repair is a warranty return (6.1.5).")
    qualirepar_max_distance_km = fields.Float(
        string="Maximum on-site distance (km)", default=100.0,
        help="The intervention zone declared at labelling (6.1.1): beyond it, an on-site repair needs a reason.")
    qualirepar_slip_show_payment = fields.Boolean(string="Intake slip: payment at intake", default=True)
    qualirepar_slip_show_bonus = fields.Boolean(string="Intake slip: bonus réparation", default=True)
    qualirepar_slip_show_consents = fields.Boolean(string="Intake slip: consents", default=True)
    qualirepar_slip_show_parts_info = fields.Boolean(
        string="Intake slip: model reference and purchase date", default=True,
        help="What is needed to order the parts.")
    qualirepar_bonus_account_id = fields.Many2one(
        "account.account", string="Eco-organism receivable account", check_company=True,
        domain="[('reconcile', '=', True), ('account_type', 'not in', ('asset_receivable', 'liability_payable'))]",
        help="The bonus deducted from an invoice is posted here, with the eco-organism as partner, until it pays. "
        "Created as 467100 with a French chart of accounts.")
    qualirepar_write_off_account_id = fields.Many2one(
        "account.account", string="Bonuses written off", check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="A claim rejected for good is cleared from the eco-organism receivable account to this expense "
        "(for instance 658000 Charges diverses de gestion courante).")
    qualirepar_send_at_posting = fields.Boolean(
        string="Send the claims at posting",
        help="The organism pays on the paid invoice (décret 2024-123): a claim is sent once its invoice is paid. "
        "Ticked, it is sent as soon as the invoice is posted.")
    qualirepar_label_number = fields.Char(
        string="QualiRépar label number", help="Printed on quotes and invoices next to the QualiRépar label.")
    qualirepar_document_footer = fields.Text(
        string="Bonus footer on quotes and invoices", translate=True,
        help="Printed at the foot of quotes and invoices that deduct a bonus réparation; empty, the standard text.")

    # The seller's identity printed in the body of the repair documents (CGI 242 nonies A, L.111-1, R.616-1).
    qualirepar_legal_form = fields.Char(
        string="Legal form", help="E.g. SARL, SAS, EURL, or entrepreneur individuel (EI); printed on the documents.")
    qualirepar_share_capital = fields.Monetary(
        string="Share capital", currency_field="currency_id", help="Printed when set (companies only).")
    qualirepar_register_kind = fields.Selection(
        [("rcs", "RCS (trade and companies register)"), ("rm", "RM (trades register)")],
        string="Register", help="The register the company is entered in: RCS for traders, RM for craftsmen.")
    qualirepar_register_city = fields.Char(
        string="Register city", help="The city of the registry (RCS) or of the chamber of trades (RM).")
    qualirepar_register_number = fields.Char(
        string="Register number", help="Empty, the SIREN (the first nine digits of the SIRET) is printed.")
    qualirepar_mediator_name = fields.Char(
        string="Consumer mediator", help="The consumer mediator the shop adheres to (article R.616-1 of the "
        "consumer code), printed on quotes, invoices and the customer portal.")
    qualirepar_mediator_url = fields.Char(string="Mediator's website")
    qualirepar_quote_price = fields.Monetary(
        string="Price of a quote (incl. VAT)", currency_field="currency_id",
        help="Zero when quotes are free; otherwise printed on quotes, and deducted from the repair if accepted.")
    qualirepar_labour_rate = fields.Monetary(
        string="Hourly labour rate (excl. VAT)", currency_field="currency_id", help="Printed on quotes.")
    qualirepar_late_penalty_rate = fields.Float(
        string="Late-payment penalty rate (%)", digits=(5, 2),
        help="Annual rate printed on invoices of business customers; zero, three times the legal interest rate "
        "(the minimum of article L.441-10 of the commercial code) is printed.")
    qualirepar_used_parts_location_id = fields.Many2one(
        "stock.location", string="Stock of used and PIEC parts",
        domain="[('usage', '=', 'internal'), ('company_id', 'in', (id, False))]",
        help="Used and circular-economy parts (category “Pièces d'occasion et PIEC”) are put away here when "
        "received, apart from the new parts; a repair reserves them from here like any part of the stock.")
    qualirepar_siren = fields.Char(string="SIREN", compute="_compute_qualirepar_siren")
    qualirepar_legal_warning = fields.Text(
        string="Missing on the repair documents", compute="_compute_qualirepar_legal_warning")
    qualirepar_online_booking = fields.Boolean(
        string="Online booking", help="Customers book a workshop drop-off or an on-site visit on the public page "
        "/qualirepar/booking, in the free slots of the company's working hours.")
    qualirepar_booking_slot_minutes = fields.Integer(string="Length of a booking slot (minutes)", default=60)
    qualirepar_booking_days = fields.Integer(string="Booking horizon (days)", default=14)
    qualirepar_survey_id = fields.Many2one(
        "survey.survey", string="Satisfaction survey",
        help="Offered to the customer of each finished repair, on the repair's portal page.")

    def _qualirepar_slot_length(self):
        """How long a slot lasts, booked online or planned by the shop (15 minutes at least)."""
        self.ensure_one()
        return timedelta(minutes=max(self.sudo().qualirepar_booking_slot_minutes, 15))

    @api.depends("company_registry")
    def _compute_qualirepar_siren(self):
        for company in self:
            digits = "".join(ch for ch in company.company_registry or "" if ch.isdigit())
            company.qualirepar_siren = digits[:9] if len(digits) >= 9 else False

    def _qualirepar_register_text(self):
        """"RCS Lyon 303 265 045", "RM Lyon 303 265 045", or ''."""
        self.ensure_one()
        if not self.qualirepar_register_kind:
            return ""
        number = self.qualirepar_register_number or self.qualirepar_siren or ""
        if number.isdigit() and len(number) == 9:
            number = f"{number[:3]} {number[3:6]} {number[6:]}"
        label = {"rcs": "RCS", "rm": "RM"}[self.qualirepar_register_kind]
        return " ".join(part for part in (label, self.qualirepar_register_city, number) if part)

    def _qualirepar_legal_missing(self):
        """What the repair documents would go out without: [text], in the user's language."""
        self.ensure_one()
        _ = self.env._
        partner = self.partner_id
        checks = [
            (self.company_registry, _("the SIRET (Settings › Companies)")),
            (self.vat, _("the VAT number")),
            (partner.street and partner.zip and partner.city, _("the full address")),
            (self.phone or self.email, _("a phone number or an e-mail address")),
            (self.qualirepar_register_kind, _("the RCS or RM register")),
            (self.qualirepar_label_number, _("the QualiRépar label number")),
            (self.qualirepar_mediator_name and self.qualirepar_mediator_url,
             _("the consumer mediator's name and website")),
        ]
        return [text for value, text in checks if not value]

    @api.depends("company_registry", "vat", "street", "zip", "city", "phone", "email", "qualirepar_register_kind",
                 "qualirepar_label_number", "qualirepar_mediator_name", "qualirepar_mediator_url")
    @api.depends_context("lang")
    def _compute_qualirepar_legal_warning(self):
        for company in self:
            missing = company._qualirepar_legal_missing()
            company.qualirepar_legal_warning = missing and self.env._(
                "The quotes, invoices, intake slips and verification reports of this company go out without: %s.",
                ", ".join(missing)) or False

    def _qualirepar_footer(self):
        """The bonus footer of the documents, in the language of the document being printed."""
        self.ensure_one()
        return self.qualirepar_document_footer or self.env._(
            "Bonus réparation QualiRépar: the repair fund of electrical and electronic equipment pays part of this "
            "repair. The bonus is deducted from the amount you pay and reimbursed to the repairer by the "
            "eco-organism.")

    def _qualirepar_ensure_bonus_account(self):
        """Create the eco-organism receivable account (467100, French chart) where none is set yet."""
        for company in self.filtered(lambda c: not c.qualirepar_bonus_account_id):
            Account = self.env["account.account"].sudo().with_company(company)
            account = Account.search([*Account._check_company_domain(company),
                                      ("code", "=", FRENCH_BONUS_ACCOUNT_CODE)], limit=1)
            if not account:
                names = {lang: company.with_context(lang=lang)._qualirepar_bonus_account_name()
                         for lang, _label in self.env["res.lang"].get_installed()}
                account = Account.with_context(lang="en_US").create({
                    "code": FRENCH_BONUS_ACCOUNT_CODE,
                    "name": company.with_context(lang="en_US")._qualirepar_bonus_account_name(),
                    "account_type": "asset_current",
                    "reconcile": True,
                    "company_ids": [(6, 0, company.root_id.ids)],
                })
                account.update_field_translations("name", names)  # in each language, from its .po file
            company.qualirepar_bonus_account_id = account

    @api.constrains("qualirepar_bonus_account_id")
    def _check_qualirepar_bonus_account(self):
        """What the eco-organisms owe is followed on this account (the aged balance, the claims' amounts still
        owed kept by its matches): it is not changed once claims have their bonus entries on another one."""
        for company in self:
            claim = self.env["qualirepar.claim"].sudo().search([
                ("company_id", "=", company.id), ("bonus_line_id", "!=", False),
                ("bonus_line_id.account_id", "!=", company.qualirepar_bonus_account_id.id)], limit=1)
            if claim:
                raise ValidationError(self.env._(
                    "The eco-organism receivable account of %(company)s cannot be changed: bonus claims (such as "
                    "%(claim)s) have their entries on %(account)s, where what the eco-organisms owe is followed "
                    "until they pay (aged balance, remittances).", company=company.name, claim=claim.name,
                    account=claim.bonus_line_id.account_id.display_name))

    def _qualirepar_bonus_account_name(self):
        return self.env._("Eco-organisms – repair bonus receivable")

    # ------------------------------------------------------------------ stock of the parts (F12, F24)
    def write(self, vals):
        result = super().write(vals)
        if "qualirepar_used_parts_location_id" in vals:
            self._qualirepar_sync_used_parts_putaway()
        return result

    def _qualirepar_sync_used_parts_putaway(self):
        """Odoo's putaway rule that sends the used and PIEC parts received to their own location."""
        category = self.env.ref("ecorepair_qualirepar.product_category_second_hand_parts", raise_if_not_found=False)
        if not category:
            return
        Rule = self.env["stock.putaway.rule"].sudo()
        for company in self:
            rules = Rule.search([("company_id", "=", company.id), ("category_id", "=", category.id),
                                 ("product_id", "=", False)])
            location = company.qualirepar_used_parts_location_id
            if not location:
                rules.unlink()
                continue
            values = {"location_in_id": (location.warehouse_id.lot_stock_id or location.location_id).id,
                      "location_out_id": location.id}
            if rules:
                rules[:1].write(values)
                rules[1:].unlink()
            else:
                Rule.create({**values, "company_id": company.id, "category_id": category.id})

    @api.model
    def _qualirepar_setup_parts_stock(self):
        """Give each company with a warehouse a location for its used and PIEC parts, inside its stock."""
        warehouses = self.env["stock.warehouse"].sudo().search([], order="sequence, id")
        for company in self.sudo().search([("qualirepar_used_parts_location_id", "=", False)]):
            warehouse = warehouses.filtered(lambda w: w.company_id == company)[:1]
            if not warehouse:
                continue
            name = self.with_context(lang=company.partner_id.lang or self.env.lang).env._("Used and PIEC parts")
            location = self.env["stock.location"].sudo().create({
                "name": name, "location_id": warehouse.lot_stock_id.id,
                "usage": "internal", "company_id": company.id})
            company.qualirepar_used_parts_location_id = location
