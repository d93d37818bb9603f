from odoo import fields, models

FRENCH_BONUS_ACCOUNT_CODE = "467100"


class ResCompany(models.Model):
    _inherit = "res.company"

    qualirepar_backend_ids = fields.One2many("qualirepar.backend", "company_id", string="QualiRépar connections")
    qualirepar_business_sheet_ids = fields.One2many(
        "qualirepar.business.sheet", "company_id", string="Labelled fiches métier")
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
    qualirepar_send_at_posting = fields.Boolean(
        string="Send the claims at posting",
        help="The organism pays on the paid invoice (décret 2024-123): a claim is sent once its invoice is paid. "
        "Ticked, it is sent as soon as the invoice is posted.")
    qualirepar_label_number = fields.Char(
        string="QualiRépar label number", help="Printed on quotes and invoices next to the QualiRépar label.")
    qualirepar_document_footer = fields.Text(
        string="Bonus footer on quotes and invoices", translate=True,
        help="Printed at the foot of quotes and invoices that deduct a bonus réparation; empty, the standard text.")

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
                account = Account.with_context(lang="en_US").create({
                    "code": FRENCH_BONUS_ACCOUNT_CODE,
                    "name": "Eco-organisms – repair bonus receivable",
                    "account_type": "asset_current",
                    "reconcile": True,
                    "company_ids": [(6, 0, company.root_id.ids)],
                })
                if "fr_FR" in dict(self.env["res.lang"].get_installed()):
                    account.update_field_translations(
                        "name", {"fr_FR": "Éco-organismes – bonus réparation à recevoir"})
            company.qualirepar_bonus_account_id = account
