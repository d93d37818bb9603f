import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_amount

from .qualirepar_claim import Issue, issues_html
from .qualirepar_claim_payload import split_name

_logger = logging.getLogger(__name__)

# What may still change on a claim: the states in which it is checked.
CHECKED_STATES = ("to_fix", "to_send")


class QualireparClaim(models.Model):
    """Before anything is sent, a claim is checked against the causes for which the organisms reject claims
    (rejection codes 01–15 of ecosystem, spec §1.6) and against what their APIs require: what is found waits
    for a person (state "to fix"), a clean claim waits for the scheduled action (state "to send")."""

    _inherit = "qualirepar.claim"

    check_issues = fields.Text(string="To fix before sending", readonly=True, copy=False)
    check_issues_html = fields.Html(
        string="To fix before sending (with links)", readonly=True, copy=False, sanitize=True,
        help="The issues found, each with a link to the record where it is fixed.")

    def _qualirepar_check_at_create(self):
        """The new claims checked and filed (at their creation)."""
        # The state the check files the claim in is its first state (Odoo tracks no value at creation), and
        # claims are made while an invoice is posted: a check that fails must not stop the posting. The checks
        # read and file the claim: an error of theirs files it to fix; a database error is not hidden (no
        # savepoint, which would flush the posting halfway).
        filed = self.with_context(mail_notrack=True)
        try:
            filed._qualirepar_apply_check()
        except psycopg2.Error:
            raise
        except Exception:  # noqa: BLE001
            _logger.exception("QualiRépar: the claims %s could not be checked", self.ids)
            filed.write({"state": "to_fix", **self._qualirepar_issue_values([self.env._(
                "The claim could not be checked automatically; click Check.")])})

    def action_check(self):
        """Checked again by a person: a creation whose answer was lost has been looked for on the organism's
        site; without a reference entered, it is sent again."""
        self._qualirepar_check_accountant()
        claims = self.sudo()
        claims._qualirepar_forget_lost_creation()
        claims._qualirepar_apply_check()
        return True

    def _qualirepar_apply_check(self):
        """Check the claims that can still change, and file them: "to fix" with the issues, or "to send"; a
        signature of the customer on the repair (or the quote) counts as their document, rendered only when the
        claim is sent."""
        claims = self.filtered(lambda c: c.state in CHECKED_STATES)
        if not claims:
            return
        claims._qualirepar_find_backend()
        duplicates = claims._qualirepar_duplicates()
        for claim in claims:
            issues = claim._qualirepar_check_issues(duplicates.get(claim, self.browse()))
            values = {**self._qualirepar_issue_values(issues), "state": "to_fix" if issues else "to_send"}
            if any(claim[name] != values[name] for name in ("check_issues", "state")) or (
                    values["check_issues"] and not claim.check_issues_html):
                claim.write(values)

    @api.model
    def _qualirepar_issue_values(self, issues):
        """The values of a claim for these issues (their text, and their list with links)."""
        return {"check_issues": "\n".join(f"• {issue}" for issue in issues) or False,
                "check_issues_html": issues_html(self.env, issues)}

    def _qualirepar_find_backend(self):
        """A claim made before its organism's connection was set up gets it now (one search)."""
        orphans = self.filtered(lambda c: not c.backend_id and c.organism)
        if not orphans:
            return
        backends = self.env["qualirepar.backend"].sudo().search(
            [("company_id", "in", orphans.company_id.ids), ("organism", "in", orphans.mapped("organism"))])
        for claim in orphans:
            backend = backends.filtered(
                lambda b: b.company_id == claim.company_id and b.organism == claim.organism)[:1]
            if backend:
                claim.backend_id = backend

    def _qualirepar_duplicates(self):
        """{claim: the earlier live claims of the same device within the repair warranty}, in one search. The
        device is told by its serial number however it was typed (its key), or its IMEI."""
        identifiers = set(filter(None, self.repair_id.mapped("qualirepar_serial_key")
                                 + self.repair_id.mapped("qualirepar_imei")))
        if not identifiers:
            return {}
        others = self.search([
            ("state", "not in", ("cancel", "rejected")),
            "|", ("repair_id.qualirepar_serial_key", "in", list(identifiers)),
            ("repair_id.qualirepar_imei", "in", list(identifiers)),
        ], order="id")  # not the claims' order: the new claims' invoice date is not to be written first
        result = {}
        for claim in self:
            device = {claim.repair_id.qualirepar_serial_key, claim.repair_id.qualirepar_imei} - {False}
            day = claim.invoice_date or fields.Date.today()
            since = day - relativedelta(months=claim.company_id.qualirepar_warranty_months)
            # Only the earlier claims count: the first claim of a device stays good.
            result[claim] = others.filtered(
                lambda o: o != claim and o.invoice_date and since <= o.invoice_date
                and (o.invoice_date, o.id) < (day, claim.id)
                and device & {o.repair_id.qualirepar_serial_key, o.repair_id.qualirepar_imei})
        return result

    # ------------------------------------------------------------------ the checks
    def _qualirepar_check_issues(self, duplicates=None):
        """The problems that would get this claim rejected, in words for the shop: what is wrong and what to
        do. Reads only (no write, no call to an organism). ``duplicates``: the earlier claims of the same
        device, when the caller has looked them up for several claims at once."""
        self.ensure_one()
        if duplicates is None:
            duplicates = self._qualirepar_duplicates().get(self, self.browse())
        return [
            *self._qualirepar_check_shop(),
            *self._qualirepar_check_customer(),
            *self._qualirepar_check_repeat(duplicates),
            *self._qualirepar_check_invoice(),
            *self._qualirepar_check_device(),
            *self._qualirepar_check_organism(),
            *self._qualirepar_check_documents(),
            *self._qualirepar_check_bonus_change(),
        ]

    def _qualirepar_check_shop(self):
        company = self.company_id
        if not (company.company_registry or getattr(company, "siret", False)):
            return [Issue(self.env._("Rejection cause 01: the shop's SIRET is missing; enter it on the company."),
                          company)]
        return []

    def _qualirepar_check_customer(self):
        _ = self.env._
        customer = self.invoice_id.partner_id
        issues = []
        if self.repair_id.qualirepar_business_customer or customer.commercial_partner_id.is_company:
            issues.append(Issue(_("Rejection cause 03: the customer is a company, and the bonus is for private "
                            "consumers only; if it is a private person, correct the contact, otherwise cancel the "
                            "invoice with a credit note."), customer.commercial_partner_id))
        if not customer.email:
            issues.append(Issue(_("The customer's e-mail is missing: the organisms require it; add it on the "
                                  "customer."), customer))
        first, last = split_name(customer)
        if not (first and last):
            issues.append(Issue(_("The organisms need the customer's first and last names: write the customer's "
                                  "name as “First name Last name”."), customer))
        if not (customer.zip and customer.city):
            issues.append(Issue(_("The customer's postcode or city is missing: the organisms require them; add "
                                  "them on the customer."), customer))
        if self.organism == "ecologic" and not (customer.phone or customer.mobile):
            issues.append(Issue(_("The customer's phone is missing: Ecologic requires it; add it on the customer."),
                                customer))
        return issues

    def _qualirepar_check_repeat(self, duplicates):
        _ = self.env._
        repair = self.repair_id
        issues = []
        if repair.qualirepar_is_return:
            issues.append(Issue(_("Rejection cause 05: this repair is a warranty return of %s, which gets no new "
                                  "bonus; cancel the invoice with a credit note and invoice it without the bonus.",
                                  repair.qualirepar_return_of_id.name), self.invoice_id))
        if duplicates:
            issues.append(Issue(_("Rejection cause 05: the same device already has the claim %s within the repair "
                                  "warranty; check the serial number on the repair, or cancel this invoice with a "
                                  "credit note.", ", ".join(duplicates.mapped("name"))), repair))
        return issues

    def _qualirepar_check_invoice(self):
        _ = self.env._
        invoice, repair, bonus = self.invoice_id, self.repair_id, self.bonus_line_id
        issues = []
        bonus_items = invoice.qualirepar_bonus_move_id.line_ids | invoice.line_ids.filtered("qualirepar_is_bonus")
        if (bonus not in bonus_items or not bonus.qualirepar_is_bonus
                or self.currency_id.compare_amounts(bonus.balance, self.amount)):
            issues.append(Issue(_("Rejection cause 08: the invoice does not show the bonus of %s; cancel it with a "
                                  "credit note and invoice the repair again with its bonus.",
                                  format_amount(self.env, self.amount, self.currency_id)), invoice))
        elif invoice.qualirepar_bonus_move_id and invoice.currency_id.compare_amounts(
                invoice.amount_residual, invoice.amount_total - invoice.qualirepar_bonus_amount) > 0:
            issues.append(Issue(_("Rejection cause 09: the bonus is not deducted from what the customer owes on the "
                                  "invoice; cancel the invoice with a credit note and invoice it again."), invoice))
        parts = invoice.invoice_line_ids.filtered(
            lambda l: l.qualirepar_part_origin in ("used", "piec")
            and l.sale_line_ids.order_id.qualirepar_repair_id == repair)
        if parts and not repair.qualirepar_consent_piec:
            issues.append(Issue(_("Rejection cause 14: used or circular-economy parts without the customer's "
                                  "consent; record it on the repair."), repair))
        return issues

    def _qualirepar_check_device(self):
        _ = self.env._
        repair = self.repair_id
        issues = []
        if not (repair.qualirepar_serial_number or repair.qualirepar_imei):
            issues.append(Issue(_("The device has no serial number or IMEI; enter it on the repair."), repair))
        if not repair.qualirepar_nameplate_photo:
            eit = self.env.ref("ecorepair_qualirepar.fiche_metier_7", raise_if_not_found=False)
            if eit and repair.qualirepar_fiche_metier_id == eit:
                issues.append(Issue(_("Rejection cause 15: the nameplate photo of this device is missing; add it "
                                      "on the repair."), repair))
            elif self.organism == "ecosystem":
                issues.append(Issue(_("ecosystem requires the photo of the device's nameplate (serial number "
                                      "label); add it on the repair."), repair))
        return issues

    def _qualirepar_check_organism(self):
        _ = self.env._
        repair = self.repair_id
        issues = []
        if not self.backend_id:
            issues.append(_("No connection to %s is set up; add it in the QualiRépar settings, then click Check.",
                            self.partner_id.name))
        if self.organism == "ecosystem" and not (repair.qualirepar_repair_code_id or repair.qualirepar_iris_code_id):
            issues.append(Issue(_("ecosystem requires the repair code (or the IRIS code) of the repair; choose it "
                                  "on the repair."), repair))
        if self.organism == "ecologic" and not repair.qualirepar_iris_code_id:
            issues.append(Issue(_("Ecologic requires the IRIS symptom of the repair; choose it on the repair."),
                                repair))
        return issues

    def _qualirepar_check_bonus_change(self):
        """A bonus the organism changed stays reported until a person accepts it (or the invoice is credited)."""
        return [Issue(self._qualirepar_bonus_change_text(), self.invoice_id)] if self.bonus_change_pending else []

    def _qualirepar_check_documents(self):
        if not self._qualirepar_has_consumer_document():
            return [self.env._("The customer's signed document is missing: have the customer sign the intake slip "
                               "or the hand-back receipt on the repair (QualiRépar page), or attach the scan of the "
                               "signed quote or attestation to the claim.")]
        return []
