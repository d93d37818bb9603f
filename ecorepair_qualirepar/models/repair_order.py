import base64
import re

from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from stdnum import imei as stdnum_imei

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date, human_size
from odoo.tools.mimetypes import guess_mimetype

from .repair_order_planning import PLANNING_FIELDS

PAYMENT_METHODS = [
    ("cash", "Cash"),
    ("card", "Card"),
    ("cheque", "Cheque"),
    ("transfer", "Bank transfer"),
    ("other", "Other"),
]
CONSENTS = ("qualirepar_consent_gdpr", "qualirepar_consent_piec")


# What a nameplate shows: letters, digits, spaces and a few separators. Anything else (< > " ' ; & …) is a typo
# or a paste from elsewhere, and would be sent as is to the eco-organism.
SERIAL_PATTERN = re.compile(r"[\w .\-/:#+()]+")
# Purchases before this are rare enough (a vintage hi-fi, a sewing machine) that the shop is asked to check the year.
PURCHASE_DATE_CHECK_BEFORE = date(1990, 1, 1)
# A payment at intake above this (in the company's currency, the euro for a French shop) is a typo: no repair of
# a consumer device (household appliances, electronics, bikes, clothes: what the bonus réparation covers) costs
# that much, and a payment at intake is a deposit on the repair.
INTAKE_AMOUNT_MAX = 10_000
# Photos are raster images, told by their bytes (never by the file's name): what browsers, the PDF reports and
# the eco-organisms show. An SVG is a document that may carry scripts; HEIC is not known to Odoo.
PHOTO_MIMETYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # a phone's photo at full resolution weighs 2 to 6 MB


def normalize_serial(value):
    """A serial number or IMEI as the shop compares them: upper case, no spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum()) or False


def check_photo(env, content, what):
    """Refuse ``content`` (bytes) if it is not a photo of a reasonable size; ``what`` names it in the message,
    translated and capitalised ("The nameplate photo")."""
    mimetype = guess_mimetype(content or b"", default="application/octet-stream")
    if mimetype not in PHOTO_MIMETYPES:
        raise ValidationError(env._(
            "%(what)s is not a photo but a file of type %(type)s: take a JPEG, PNG, WebP or GIF picture.",
            what=what, type=mimetype))
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError(env._(
            "%(what)s weighs %(size)s, more than the %(max)s allowed: take it again at a lower resolution.",
            what=what, size=human_size(len(content)), max=human_size(PHOTO_MAX_BYTES)))


class RepairOrder(models.Model):
    """The QualiRépar file of a repair: customer, device, consents, eligibility and warranty returns."""

    _inherit = "repair.order"

    # Device
    qualirepar_brand_id = fields.Many2one(
        "qualirepar.brand", string="Brand", index=True, tracking=True,
        compute="_compute_qualirepar_brand_id", store=True, readonly=False,
        domain="[('is_handler', '=', True), ('company_id', 'in', (company_id, False))]",
        help="The device's brand as the eco-organisms list it: it tells which organism pays the bonus. Filled "
        "in from the product's name when it names a brand of the organisms' lists.")
    qualirepar_organism = fields.Selection(
        related="qualirepar_brand_id.handled_by", string="Eco-organism", store=True)
    qualirepar_product_type_id = fields.Many2one(
        "qualirepar.product.type", string="QualiRépar product type", compute="_compute_qualirepar_product_type",
        store=True, readonly=False, index=True,
        help="From the product (or its category) and the brand's eco-organism.")
    qualirepar_fiche_metier_id = fields.Many2one(
        "qualirepar.fiche.metier", string="Fiche métier", compute="_compute_qualirepar_fiche_metier",
        store=True, readonly=False,
        help="From the product type; set it by hand when the organism's catalogue does not give it.")
    qualirepar_serial_number = fields.Char(
        string="Serial number", compute="_compute_qualirepar_serial_number", store=True, readonly=False,
        tracking=True, help="Serial number or IMEI written on the device's nameplate.")
    qualirepar_serial_key = fields.Char(
        string="Serial number (compared)", compute="_compute_qualirepar_serial_key", store=True,
        index="btree_not_null", help="The serial number in capitals without spaces or separators: "
        "how two repairs of the same device are found, however it was typed.")
    qualirepar_imei = fields.Char(string="IMEI", tracking=True, index="btree_not_null")
    qualirepar_needs_imei = fields.Boolean(
        string="Identified by an IMEI", compute="_compute_qualirepar_needs_imei",
        help="The device's fiche métier is of devices with an IMEI (phones, tablets): the IMEI is asked for.")
    qualirepar_company_country_id = fields.Many2one(
        related="company_id.country_id", string="Company's country",
        help="The country proposed to a customer created from the repair.")
    qualirepar_purchase_date = fields.Date(string="Purchase date")
    qualirepar_out_of_warranty = fields.Boolean(
        string="Out of warranty",
        help="The customer declares the device is out of legal and commercial warranty, extensions included, "
        "and not covered by an insurance.")
    qualirepar_fault_description = fields.Text(string="Fault described by the customer")
    qualirepar_repair_code_id = fields.Many2one(
        "qualirepar.repair.code", string="Repair code",
        domain="[('product_type_id', '=', qualirepar_product_type_id), ('kind', '=', 'repair')]")
    qualirepar_iris_code_id = fields.Many2one(
        "qualirepar.repair.code", string="IRIS symptom",
        domain="[('product_type_id', '=', qualirepar_product_type_id), ('kind', '=', 'iris')]")
    qualirepar_nameplate_photo = fields.Image(string="Nameplate photo", max_width=1920, max_height=1920)
    qualirepar_device_photo_ids = fields.Many2many(
        "ir.attachment", "repair_order_qualirepar_photo_rel", "repair_id", "attachment_id",
        string="Photos of the device's condition")
    # Intake payment and consents
    currency_id = fields.Many2one(related="company_id.currency_id")
    qualirepar_intake_amount = fields.Monetary(string="Paid at intake")
    qualirepar_intake_payment_method = fields.Selection(PAYMENT_METHODS, string="Payment method")
    qualirepar_consent_gdpr = fields.Boolean(string="GDPR consent", tracking=True)
    qualirepar_consent_gdpr_user_id = fields.Many2one("res.users", string="GDPR consent recorded by", readonly=True)
    qualirepar_consent_gdpr_date = fields.Datetime(string="GDPR consent recorded on", readonly=True)
    qualirepar_consent_piec = fields.Boolean(
        string="Used / reconditioned parts accepted", tracking=True,
        help="The customer accepts parts from the circular economy (used or reconditioned, AGEC).")
    qualirepar_consent_piec_user_id = fields.Many2one("res.users", string="Parts consent recorded by", readonly=True)
    qualirepar_consent_piec_date = fields.Datetime(string="Parts consent recorded on", readonly=True)
    # Customer and warranty return
    qualirepar_business_customer = fields.Boolean(
        string="Business customer", compute="_compute_qualirepar_business_customer", store=True,
        help="A company: the bonus is for private consumers only.")
    qualirepar_done_date = fields.Datetime(string="Repaired on", readonly=True, copy=False, index=True)
    qualirepar_return_of_id = fields.Many2one(
        "repair.order", string="Return of", index="btree_not_null", readonly=True, copy=False,
        help="The earlier repair of this device, finished less than the repair warranty ago.")
    qualirepar_is_return = fields.Boolean(string="Warranty return", compute="_compute_qualirepar_is_return", store=True)
    qualirepar_return_delay_days = fields.Integer(
        string="Days since the earlier repair", compute="_compute_qualirepar_is_return", store=True)
    # Eligibility
    qualirepar_eligible = fields.Boolean(string="Eligible for the bonus", compute="_compute_qualirepar_eligibility")
    qualirepar_eligibility_notes = fields.Text(string="Why not eligible", compute="_compute_qualirepar_eligibility")
    qualirepar_bonus_estimate = fields.Monetary(
        string="Bonus on the scale", compute="_compute_qualirepar_eligibility",
        help="The product type's bonus on the repair's date, as ecosystem's scale gives it; "
        "the quote confirms it with the organism.")

    # ------------------------------------------------------------------ computes
    @api.depends("product_id", "qualirepar_organism")
    def _compute_qualirepar_product_type(self):
        for repair in self:
            template = repair.product_id.product_tmpl_id
            repair.qualirepar_product_type_id = (
                template._qualirepar_product_type(repair.qualirepar_organism)
                if template and repair.qualirepar_organism else False)

    @api.depends("product_id", "company_id")
    def _compute_qualirepar_brand_id(self):
        for repair in self:
            # The brand a product's name gives replaces the former one; a brand chosen by hand stays otherwise.
            brand = repair.product_id.product_tmpl_id._qualirepar_brand(repair.company_id)
            repair.qualirepar_brand_id = brand if brand or not repair.product_id else repair.qualirepar_brand_id

    @api.depends("qualirepar_fiche_metier_id.imei_identified")
    def _compute_qualirepar_needs_imei(self):
        for repair in self:
            repair.qualirepar_needs_imei = repair.qualirepar_fiche_metier_id.imei_identified

    @api.depends("qualirepar_product_type_id", "product_id")
    def _compute_qualirepar_fiche_metier(self):
        for repair in self:
            fiche = repair.qualirepar_product_type_id.fiche_metier_id
            if not fiche and repair.product_id:
                # Ecologic's catalogue gives no fiche: take the one of the product's other product types.
                fiche = repair.product_id.product_tmpl_id._qualirepar_product_types().fiche_metier_id[:1]
            repair.qualirepar_fiche_metier_id = fiche

    @api.depends("lot_id")
    def _compute_qualirepar_serial_number(self):
        for repair in self:
            if repair.lot_id:
                repair.qualirepar_serial_number = repair.lot_id.name

    @api.depends("qualirepar_serial_number")
    def _compute_qualirepar_serial_key(self):
        for repair in self:
            repair.qualirepar_serial_key = normalize_serial(repair.qualirepar_serial_number)

    @api.depends("partner_id.commercial_partner_id.is_company")
    def _compute_qualirepar_business_customer(self):
        for repair in self:
            repair.qualirepar_business_customer = repair.partner_id.commercial_partner_id.is_company

    @api.depends("qualirepar_return_of_id", "schedule_date")
    def _compute_qualirepar_is_return(self):
        for repair in self:
            earlier = repair.qualirepar_return_of_id
            repair.qualirepar_is_return = bool(earlier)
            repair.qualirepar_return_delay_days = (
                (repair.schedule_date - earlier.qualirepar_done_date).days
                if earlier.qualirepar_done_date and repair.schedule_date else 0)

    @api.depends(
        "qualirepar_product_type_id", "qualirepar_brand_id", "qualirepar_business_customer",
        "qualirepar_out_of_warranty", "qualirepar_is_return", "qualirepar_fiche_metier_id",
        "qualirepar_serial_number", "qualirepar_imei", "schedule_date", "company_id")
    @api.depends_context("lang")
    def _compute_qualirepar_eligibility(self):
        held = self._qualirepar_fiches_held()
        for repair in self:
            reasons = repair._qualirepar_ineligibility_reasons(held.get(repair.company_id.id, set()))
            repair.qualirepar_eligible = not reasons
            repair.qualirepar_bonus_estimate = not reasons and repair.qualirepar_product_type_id._get_bonus_amount(
                fields.Date.to_date(repair.schedule_date)).amount
            repair.qualirepar_eligibility_notes = "\n".join(f"• {reason}" for reason in reasons) or False

    def _qualirepar_fiches_held(self):
        """{company id: what the company is labelled for}, in one query: the ids of its fiches métier and the
        API's sheet codes (strings) as the organism sent them."""
        sheets = self.env["qualirepar.fiche.label"].sudo().search_fetch(
            [("company_id", "in", self.company_id.ids)], ["company_id", "fiche_metier_id", "sheet_type"])
        held = {}
        for sheet in sheets:
            held.setdefault(sheet.company_id.id, set()).update({sheet.fiche_metier_id.id, sheet.sheet_type})
        return held

    def _qualirepar_ineligibility_reasons(self, fiches_held, day=None):
        """What stands between this repair and the bonus on ``day`` (the repair's date by default),
        in words for the shop."""
        self.ensure_one()
        _ = self.env._
        reasons = []
        day = day or fields.Date.to_date(self.schedule_date) or fields.Date.context_today(self)
        if not self.qualirepar_brand_id:
            reasons.append(_("The device's brand is not given: it tells which eco-organism pays the bonus."))
        ptype = self.qualirepar_product_type_id
        if not ptype:
            if self.qualirepar_brand_id:
                reasons.append(_("The product is not mapped to a product type of %s.",
                                 dict(self._fields["qualirepar_organism"]._description_selection(self.env))
                                 .get(self.qualirepar_organism)))
        elif not ptype._is_eligible_on(day):
            reasons.append(_("The product type “%(type)s” is not eligible on %(date)s.",
                             type=ptype.name, date=fields.Date.to_string(day)))
        if self.qualirepar_business_customer:
            reasons.append(_("The customer is a company: the bonus is for private consumers only."))
        if not self.qualirepar_out_of_warranty:
            reasons.append(_("The device is not declared out of warranty."))
        if self.qualirepar_is_return:
            reasons.append(_("Warranty return of %s: repaired again under the shop's repair warranty.",
                             self.qualirepar_return_of_id.name))
        if not (self.qualirepar_serial_number or self.qualirepar_imei):
            reasons.append(_("The device has no serial number or IMEI."))
        if ptype.sheet_type:  # the catalogue's code of the product's fiche, compared with the shop's as received
            if ptype.sheet_type not in fiches_held:
                reasons.append(_("The shop is not labelled for the fiche métier “%s”.",
                                 self.qualirepar_fiche_metier_id.display_name or ptype.sheet_type))
        elif self.qualirepar_fiche_metier_id and self.qualirepar_fiche_metier_id.id not in fiches_held:
            reasons.append(_("The shop is not labelled for the fiche métier “%s”.",
                             self.qualirepar_fiche_metier_id.display_name))
        elif not self.qualirepar_fiche_metier_id and ptype:
            reasons.append(_("The fiche métier of the device is unknown."))
        return reasons

    # ------------------------------------------------------------------ checks
    @api.constrains("qualirepar_imei")
    def _check_qualirepar_imei(self):
        for repair in self:
            imei = repair.qualirepar_imei
            # stdnum also takes 14 digits (no check digit) and 16 (IMEISV): the nameplate shows the 15.
            if imei and not (len(stdnum_imei.compact(imei)) == 15 and stdnum_imei.is_valid(imei)):
                raise ValidationError(self.env._(
                    "The IMEI “%s” is not valid: an IMEI has 15 digits and its last digit is a check digit. "
                    "Dial *#06# on the phone to read it.", imei))

    @api.constrains("qualirepar_serial_number")
    def _check_qualirepar_serial_number(self):
        for repair in self:
            serial = repair.qualirepar_serial_number
            if not serial:
                continue
            if not any(ch.isalnum() for ch in serial):
                raise ValidationError(self.env._(
                    "The serial number “%s” has no letter or digit: type it as written on the device's nameplate.",
                    serial))
            if not SERIAL_PATTERN.fullmatch(serial):
                raise ValidationError(self.env._(
                    "The serial number “%(serial)s” holds characters that are not on a nameplate (%(chars)s): "
                    "type only letters, digits, spaces and - . / : # + ( ).",
                    serial=serial, chars=" ".join(sorted(set(SERIAL_PATTERN.sub("", serial))))))

    @api.constrains("qualirepar_purchase_date")
    def _check_qualirepar_purchase_date(self):
        today = fields.Date.context_today(self)
        for repair in self:
            if repair.qualirepar_purchase_date and repair.qualirepar_purchase_date > today:
                raise ValidationError(self.env._(
                    "The purchase date %s is in the future: give the date on the customer's receipt.",
                    format_date(self.env, repair.qualirepar_purchase_date)))

    @api.onchange("qualirepar_purchase_date")
    def _onchange_qualirepar_purchase_date(self):
        if self.qualirepar_purchase_date and self.qualirepar_purchase_date < PURCHASE_DATE_CHECK_BEFORE:
            return {"warning": {
                "title": self.env._("Purchase date"),
                "message": self.env._(
                    "The purchase date %(date)s is before %(year)s: check the year on the customer's receipt.",
                    date=format_date(self.env, self.qualirepar_purchase_date), year=PURCHASE_DATE_CHECK_BEFORE.year),
            }}

    @api.constrains("qualirepar_intake_amount")
    def _check_qualirepar_intake_amount(self):
        for repair in self:
            amount = repair.qualirepar_intake_amount
            if amount < 0:
                raise ValidationError(self.env._(
                    "The amount paid at intake cannot be negative (%s): enter what the customer paid.",
                    format_amount(self.env, amount, repair.currency_id)))
            if amount > INTAKE_AMOUNT_MAX:
                raise ValidationError(self.env._(
                    "The amount paid at intake, %(amount)s, is more than %(max)s: check the amount.",
                    amount=format_amount(self.env, amount, repair.currency_id),
                    max=format_amount(self.env, INTAKE_AMOUNT_MAX, repair.currency_id)))

    @api.constrains("qualirepar_nameplate_photo")
    def _check_qualirepar_nameplate_photo(self):
        for repair in self.with_context(bin_size=False).filtered("qualirepar_nameplate_photo"):
            check_photo(self.env, base64.b64decode(repair.qualirepar_nameplate_photo),
                        self.env._("The nameplate photo"))

    @api.constrains("qualirepar_device_photo_ids")
    def _check_qualirepar_device_photos(self):
        for photo in self.qualirepar_device_photo_ids:
            check_photo(self.env, photo.raw,
                        self.env._("The photo “%s” of the device's condition", photo.name))

    # ------------------------------------------------------------------ writes
    @api.model
    def _qualirepar_prepare_vals(self, vals):
        """Trim the serial number (kept as typed), compact the IMEI, and stamp who recorded each consent, and when."""
        vals = dict(vals)
        if isinstance(vals.get("qualirepar_serial_number"), str):
            vals["qualirepar_serial_number"] = vals["qualirepar_serial_number"].strip() or False
        if vals.get("qualirepar_imei"):
            vals["qualirepar_imei"] = stdnum_imei.compact(vals["qualirepar_imei"])
        for consent in CONSENTS:
            if not self.env.su:  # who and when are stamped here, never given
                vals.pop(f"{consent}_user_id", None)
                vals.pop(f"{consent}_date", None)
            if consent in vals:
                given = bool(vals[consent])
                vals[f"{consent}_user_id"] = given and self.env.uid
                vals[f"{consent}_date"] = given and fields.Datetime.now()
        return vals

    # ------------------------------------------------------------------ returns (F8)
    def _qualirepar_find_earlier_repair(self):
        """The latest finished repair of the same device within the repair warranty, if any (uses the index)."""
        self.ensure_one()
        identifiers = [i for i in (self.qualirepar_serial_key, self.qualirepar_imei) if i]
        if not identifiers or self.state == "done":
            return self.browse()
        since = self.schedule_date - relativedelta(months=self.company_id.qualirepar_warranty_months)
        domain = [
            ("id", "!=", self.id or 0),
            ("state", "=", "done"),
            ("company_id", "=", self.company_id.id),
            ("qualirepar_done_date", ">=", since),
            "|", ("qualirepar_serial_key", "in", identifiers), ("qualirepar_imei", "in", identifiers),
        ]
        return self.sudo().search(domain, order="qualirepar_done_date desc", limit=1).sudo(False)

    def _qualirepar_detect_return(self):
        for repair in self.filtered(lambda r: r.state in ("draft", "confirmed")):
            earlier = repair._qualirepar_find_earlier_repair()
            if earlier != repair.qualirepar_return_of_id:
                values = {"qualirepar_return_of_id": earlier.id}
                if earlier:
                    values["under_warranty"] = True
                repair.write(values)
                if earlier:
                    repair.message_post(body=Markup(self.env._(
                        "Warranty return: this device was repaired in %(repair)s, finished on %(date)s.")) % {
                        "repair": earlier._get_html_link(),
                        "date": fields.Date.to_string(earlier.qualirepar_done_date.date())})

    def _qualirepar_stamp_done(self):
        """When these repairs, just finished, were repaired."""
        self.filtered(lambda r: r.state == "done").qualirepar_done_date = fields.Datetime.now()

    # ------------------------------------------------------------------ Odoo's repair flow, overridden here only
    # create, write and the steps of the repair (validate/confirm, start, end, done) are overridden once, here,
    # calling the steps of each concern (methods of its file, repair_order_<concern>.py) in a deliberate order:
    # before super() the checks (they refuse in the user's words) and what the steps compare afterwards, after
    # it the effects. To hook one of them, write the step as a method of the concern's file and call it here in
    # one line, rather than overriding it again. (A method only one concern extends stays in its file: the
    # portal's access URL and token, the purchases of the parts, the guarded signature fields.)

    @api.model_create_multi
    def create(self, vals_list):
        # Before: the customer's signatures stamped (refused at hand-back before the repair is done), the
        # manager's reason for a technician outside qualifications stamped (refused to others), the device's
        # identifiers tidied and the consents stamped.
        vals_list, signed = self._qualirepar_stamp_signatures_at_create(vals_list)
        vals_list = [self.browse()._qualirepar_stamp_override(vals) for vals in vals_list]
        repairs = super().create([self._qualirepar_prepare_vals(vals) for vals in vals_list])
        # After: warranty returns, the fiche métier's control points, the slots in the planning, the signatures in
        # the chatter.
        repairs._qualirepar_detect_return()
        repairs._qualirepar_sync_control_points()
        repairs._qualirepar_planning_sync()
        for index, kind in signed:
            repairs[index]._qualirepar_signed(kind)
        return repairs

    def write(self, vals):
        kinds = self._qualirepar_signature_kinds(vals)
        if "handback" in kinds:
            self._qualirepar_check_handback_signature(vals)
        # A new signature is stamped per repair (each has its signer, consents and hand-back date): one write per
        # repair then, each with all the steps around super() (this class's parent: no step is skipped).
        batches = [(repair, repair._qualirepar_signature_values(kinds, vals)) for repair in self] if kinds \
            else [(self, vals)]
        for repairs, values in batches:
            # Before: what the steps compare afterwards, then the values as stored.
            schedule_dates = repairs._qualirepar_schedule_dates(values)
            checklist_keys = {repair: repair._qualirepar_checklist_key() for repair in repairs}
            values = repairs._qualirepar_stamp_override(values)
            super(RepairOrder, repairs).write(repairs._qualirepar_prepare_vals(values))
            # After: warranty returns, control points of a new fiche métier or product category, the quote's
            # bonus, the customer told of a moved appointment, the slot in the planning.
            if {"qualirepar_serial_number", "qualirepar_imei", "lot_id", "schedule_date"} & set(values):
                repairs._qualirepar_detect_return()
            repairs.filtered(lambda r: r._qualirepar_checklist_key() != checklist_keys[r]
                             )._qualirepar_sync_control_points()
            repairs._qualirepar_update_quote_bonus(values)
            repairs._qualirepar_notify_moved_appointments(schedule_dates)
            if PLANNING_FIELDS & values.keys():
                repairs._qualirepar_planning_sync()
        for kind in kinds:
            self._qualirepar_signed(kind)
        return True

    def action_validate(self):
        self._qualirepar_check_distance()
        return super().action_validate()

    def _action_repair_confirm(self):
        self._qualirepar_check_distance()
        drafts = self.filtered(lambda r: r.state == "draft")
        result = super()._action_repair_confirm()
        drafts._qualirepar_notify_appointment_confirmed()
        return result

    def action_repair_start(self):
        self._qualirepar_check_decision("start")
        self._qualirepar_check_points("before")
        result = super().action_repair_start()
        self._qualirepar_stamp_start()
        return result

    def action_repair_end(self):
        self._qualirepar_check_decision("end")
        self._qualirepar_check_points("after")
        return super().action_repair_end()

    def action_repair_done(self):
        pending = self.filtered(lambda r: r.state != "done")
        result = super().action_repair_done()
        # After: when it was repaired, the satisfaction survey, the customer told the device is ready.
        self._qualirepar_stamp_done()
        self.filtered(lambda r: r.state == "done")._qualirepar_invite_to_survey()
        pending._qualirepar_notify_ready()
        return result

    @api.model
    def _cron_qualirepar_appointment_reminders(self):
        """Daily: remind the customers of tomorrow's on-site appointments, then those who booked online of their
        drop-off or visit, once each."""
        self._qualirepar_remind_appointments()
        self._qualirepar_remind_bookings()
