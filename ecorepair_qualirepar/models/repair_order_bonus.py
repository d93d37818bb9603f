from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round, format_amount, format_date

from ..clients import ApiError
from .qualirepar_access import WORKSHOP, check_role
from .qualirepar_backend_sync import _api_number

PIEC_INCREASE = 0.20  # +20 % when a part from the circular economy is used on an R.224-32 equipment
# A change of these fields of a repair may open or close its right to the bonus.
ELIGIBILITY_FIELDS = {
    "partner_id", "product_id", "qualirepar_brand_id", "qualirepar_product_type_id", "qualirepar_fiche_metier_id",
    "qualirepar_out_of_warranty", "qualirepar_serial_number", "qualirepar_imei", "lot_id",
}

# The bonus as the organism gave it: written by the lookup only.
BONUS_FIELDS = {"qualirepar_bonus_base", "qualirepar_bonus_amount", "qualirepar_bonus_message",
                "qualirepar_bonus_checked_on"}


class RepairOrder(models.Model):
    """The bonus réparation of a repair: looked up at intake (F3), on the quote (F4) and at invoicing."""

    _name = "repair.order"
    _inherit = ["repair.order", "qualirepar.guarded.mixin"]
    _qualirepar_guarded_fields = frozenset(BONUS_FIELDS)

    qualirepar_price_estimate = fields.Monetary(
        string="Estimated price incl. VAT",
        help="Before the quote exists, the lookup asks the bonus for this price.")
    qualirepar_bonus_base = fields.Monetary(
        string="Bonus given by the organism", readonly=True, copy=False,
        help="The flat amount the eco-organism gave at the last lookup, before the circular-economy increase.")
    qualirepar_bonus_amount = fields.Monetary(string="Bonus réparation", readonly=True, copy=False)
    qualirepar_bonus_message = fields.Text(string="Bonus lookup result", readonly=True, copy=False)
    qualirepar_bonus_checked_on = fields.Datetime(string="Bonus checked on", readonly=True, copy=False)

    def _qualirepar_update_quote_bonus(self, vals):
        """After a write of ``vals`` that may open or close the right to the bonus, the quote's bonus follows
        (Ecologic's last answer stands in for a call)."""
        if ELIGIBILITY_FIELDS & set(vals) and not self.env.context.get("qualirepar_bonus_sync"):
            self.sale_order_id.filtered(lambda o: o.state in ("draft", "sent"))._qualirepar_update_bonus()

    # ------------------------------------------------------------------ lookup
    def _qualirepar_lookup_bonus(self, total_incl_vat, day, piec=False, remote=True):
        """(bonus, base, message) for this repair priced ``total_incl_vat`` on ``day``.

        ``base`` is the organism's flat amount, ``bonus`` what goes on the documents (0 with the reason in
        ``message`` when there is none). With ``remote`` False, Ecologic's last answer stands in for a call.
        Raises ApiError when Ecologic cannot be asked."""
        self.ensure_one()
        _ = self.env._
        held = self._qualirepar_fiches_held().get(self.company_id.id, set())
        reasons = self._qualirepar_ineligibility_reasons(held, day)
        if reasons:
            return 0.0, 0.0, "\n".join(reasons)
        ptype = self.qualirepar_product_type_id
        currency = self.currency_id
        if self.qualirepar_organism == "ecologic":
            if remote:
                answer = ptype.backend_id._get_client().calculate_ecosupport(
                    total_incl_vat=float_round(total_incl_vat, 2), brand_id=self.qualirepar_brand_id.code,
                    product_id=ptype.code, repair_code=self.qualirepar_repair_code_id.code or None,
                    iris_symptom=self.qualirepar_iris_code_id.code or None, repair_date=fields.Date.to_string(day))
                # Spec §4: only SupportAmount and EcoOrganizationId are known; eligible = a positive amount, from
                # Ecologic itself.
                organism_id = answer.get("EcoOrganizationId")
                if organism_id not in (None, "") and str(organism_id).strip() != str(
                        ptype.backend_id.eco_organization_code):
                    return 0.0, 0.0, _(
                        "Ecologic answers that another eco-organism (EcoOrganizationId %s) handles this brand and "
                        "product: choose the brand as ecosystem lists it.", organism_id)
                try:
                    base = _api_number(answer.get("SupportAmount"))
                except ValueError:
                    base = 0.0
                if base <= 0:
                    return 0.0, 0.0, _("Ecologic gives no bonus for this repair (amount 0).")
            else:
                base = self.qualirepar_bonus_base
        else:
            amount_line = ptype._get_bonus_amount(day)
            if not amount_line:
                return 0.0, 0.0, _("ecosystem's scale gives no bonus for “%(type)s” on %(date)s.",
                                   type=ptype.name, date=format_date(self.env, day))
            minimum = ptype._get_threshold(day).minimum_amount
            if minimum and currency.compare_amounts(total_incl_vat, minimum) < 0:
                return 0.0, 0.0, _(
                    "The repair costs %(total)s incl. VAT, below the minimum price of %(minimum)s "
                    "that opens the bonus for “%(type)s”.",
                    total=format_amount(self.env, total_incl_vat, currency), minimum=format_amount(self.env, minimum, currency),
                    type=ptype.name)
            base = amount_line.amount
        if not base:
            return 0.0, 0.0, _("Ask the eco-organism: click “Check eligibility and bonus”.")
        if currency.compare_amounts(total_incl_vat, base) < 0:
            return 0.0, base, _(
                "The repair costs %(total)s incl. VAT, less than the bonus of %(bonus)s: no bonus.",
                total=format_amount(self.env, total_incl_vat, currency), bonus=format_amount(self.env, base, currency))
        bonus = base
        message = ""
        if piec and ptype.piec_bonus:
            bonus = min(currency.round(base * (1 + PIEC_INCREASE)), total_incl_vat)
            message = _("Bonus increased by 20 %% for a part from the circular economy: %(base)s → %(bonus)s.",
                        base=format_amount(self.env, base, currency), bonus=format_amount(self.env, bonus, currency))
        return bonus, base, message

    def _qualirepar_quote_total(self):
        """The repair's price incl. VAT: its quote's, else the estimate given at intake."""
        self.ensure_one()
        order = self.sale_order_id
        if order:
            return sum(order._qualirepar_priced_lines().mapped("price_total"))
        return self.qualirepar_price_estimate

    def action_qualirepar_check_bonus(self):
        """F3: ask the eco-organism now whether this device gets a bonus, and how much."""
        check_role(self.env, WORKSHOP)
        self.check_access("write")
        for repair in self:
            if repair.sale_order_id:
                repair.sale_order_id.action_qualirepar_check_bonus()
                continue
            total = repair._qualirepar_quote_total()
            if not total:
                raise UserError(self.env._(
                    "Give the estimated price incl. VAT of the repair of %s: the bonus depends on it.", repair.name))
            repair._qualirepar_store_lookup(total, fields.Date.context_today(repair), remote=True)
        return True

    def _qualirepar_store_lookup(self, total, day, piec=False, remote=True):
        """Look the bonus up and keep the answer on the repair; a failed call to Ecologic is a UserError. Without
        a call (``remote`` False), the repair is written only when the answer changes (posting an invoice checks
        its bonus again: the same answer is no new check)."""
        self.ensure_one()
        try:
            bonus, base, message = self._qualirepar_lookup_bonus(total, day, piec=piec, remote=remote)
        except ApiError as error:
            raise UserError(self.env._("The eco-organism could not be asked for the bonus: %s", error)) from error
        values = {
            "qualirepar_bonus_amount": bonus,
            "qualirepar_bonus_message": message or False,
        }
        if remote or base:
            values["qualirepar_bonus_base"] = base
        if remote or self._qualirepar_changed(values, set(values)):
            self.sudo().write({**values, "qualirepar_bonus_checked_on": fields.Datetime.now()})
        return bonus, message
