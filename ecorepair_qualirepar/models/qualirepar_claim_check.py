from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class QualireparClaim(models.Model):
    """Before anything is sent, a claim is checked against the causes for which the organisms reject claims
    (rejection codes of ecosystem, spec §1.6): what is found waits for a person."""

    _inherit = "qualirepar.claim"

    check_issues = fields.Text(string="To fix before sending", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        claims = super().create(vals_list)
        claims._qualirepar_apply_check()  # never raises: claims are made while an invoice is posted
        return claims

    def action_check(self):
        self._qualirepar_apply_check()
        return True

    def _qualirepar_apply_check(self):
        duplicates = self._qualirepar_duplicates()
        for claim in self.filtered(lambda c: c.state in ("to_fix", "to_send")):
            issues = claim._qualirepar_check_issues(duplicates.get(claim, self.browse()))
            claim.write({
                "check_issues": "\n".join(f"• {issue}" for issue in issues) or False,
                "state": "to_fix" if issues else "to_send",
            })

    def _qualirepar_duplicates(self):
        """{claim: the other live claims of the same device within the repair warranty}, in one search."""
        identifiers = set(filter(None, self.repair_id.mapped("qualirepar_serial_number")
                                 + self.repair_id.mapped("qualirepar_imei")))
        if not identifiers:
            return {}
        others = self.search([
            ("state", "not in", ("cancel", "rejected")),
            "|", ("repair_id.qualirepar_serial_number", "in", list(identifiers)),
            ("repair_id.qualirepar_imei", "in", list(identifiers)),
        ])
        result = {}
        for claim in self:
            device = {claim.repair_id.qualirepar_serial_number, claim.repair_id.qualirepar_imei} - {False}
            since = (claim.invoice_date or fields.Date.today()) - relativedelta(
                months=claim.company_id.qualirepar_warranty_months)
            result[claim] = others.filtered(
                lambda o: o != claim and o.invoice_date and o.invoice_date >= since
                and device & {o.repair_id.qualirepar_serial_number, o.repair_id.qualirepar_imei})
        return result

    def _qualirepar_check_issues(self, duplicates):
        """The problems that would get this claim rejected, in words for the shop (no write, no call)."""
        self.ensure_one()
        _ = self.env._
        repair, invoice, customer = self.repair_id, self.invoice_id, self.invoice_id.partner_id
        company = self.company_id
        issues = []
        if not (getattr(company, "siret", False) or company.company_registry):
            issues.append(_("Rejection cause 01: the shop's SIRET is missing; enter it on the company."))
        if repair.qualirepar_business_customer or customer.commercial_partner_id.is_company:
            issues.append(_("Rejection cause 03: the customer is a company; the bonus is for private consumers."))
        if repair.qualirepar_is_return:
            issues.append(_("Rejection cause 05: this repair is a warranty return of %s.",
                            repair.qualirepar_return_of_id.name))
        if duplicates:
            issues.append(_("Rejection cause 05: the same device already has the claim %s.",
                            ", ".join(duplicates.mapped("name"))))
        currency = self.currency_id
        if currency.compare_amounts(invoice.qualirepar_bonus_amount, self.amount):
            issues.append(_("Rejection cause 08: the invoice does not show the bonus of %s.",
                            repair._qualirepar_money(self.amount)))
        elif currency.compare_amounts(invoice.amount_total,
                                      invoice.qualirepar_amount_before_bonus - self.amount):
            issues.append(_("Rejection cause 09: the bonus is not deducted from the invoice's total."))
        reused = invoice.invoice_line_ids.filtered(lambda l: l.qualirepar_part_origin in ("used", "piec"))
        if reused and not repair.qualirepar_consent_piec:
            issues.append(_("Rejection cause 14: used or circular-economy parts without the customer's consent; "
                            "record it on the repair."))
        if repair.qualirepar_fiche_metier_id == self.env.ref("ecorepair_qualirepar.fiche_metier_7") \
                and not repair.qualirepar_nameplate_photo:
            issues.append(_("Rejection cause 15: the nameplate photo of this device is missing; add it on the "
                            "repair."))
        if not (repair.qualirepar_serial_number or repair.qualirepar_imei):
            issues.append(_("The device has no serial number or IMEI."))
        if not customer.email:
            issues.append(_("The customer's e-mail is missing: the organisms require it."))
        if self.organism == "ecologic" and not (customer.zip and customer.city and (customer.phone or customer.mobile)):
            issues.append(_("Ecologic needs the customer's postcode, city and phone."))
        if not self.backend_id:
            issues.append(_("No connection to %s is set up.", self.partner_id.name))
        if self.organism == "ecosystem" and not (repair.qualirepar_repair_code_id or repair.qualirepar_iris_code_id):
            issues.append(_("ecosystem needs the repair code (or the IRIS code) of the repair."))
        if self.organism == "ecologic" and not repair.qualirepar_iris_code_id:
            issues.append(_("Ecologic needs the IRIS symptom of the repair."))
        if not self._qualirepar_has_consumer_document():
            issues.append(_("The customer's signed document (signed quote or attestation) is missing: attach its "
                            "scan to the claim."))
        return issues
