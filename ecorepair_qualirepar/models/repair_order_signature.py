from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .qualirepar_access import MANAGER
from .qualirepar_claim_check import CHECKED_STATES

# The customer's signatures of a repair: (image, signer's name, date) of each moment the customer signs.
SIGNATURES = {
    "intake": ("qualirepar_intake_signature", "qualirepar_intake_signed_by", "qualirepar_intake_signed_on"),
    "handback": ("qualirepar_handback_signature", "qualirepar_handback_signed_by", "qualirepar_handback_signed_on"),
}
# The consents as the customer signed them at intake: {snapshot: consent}.
SIGNED_CONSENTS = {
    "qualirepar_intake_signed_consent_gdpr": "qualirepar_consent_gdpr",
    "qualirepar_intake_signed_consent_piec": "qualirepar_consent_piec",
}
SIGNATURE_FIELDS = {name for names in SIGNATURES.values() for name in names} | set(SIGNED_CONSENTS)


class RepairOrder(models.Model):
    """The customer signs on the shop's phone or tablet (Odoo's signature widget) at intake, after the consents,
    and when the repaired device is handed back. The signed intake slip or hand-back receipt is then the
    customer's signed document of the repair's bonus claim (the organisms' consumer validation).

    A signature is evidence: once given, only a new signature replaces it; its name and date are stamped by the
    add-on when it is given, never written by hand (qualirepar.guarded.mixin: a QualiRépar manager only)."""

    _inherit = "repair.order"

    qualirepar_intake_signature = fields.Image(
        string="Customer's signature at intake", max_width=1024, max_height=1024, copy=False,
        help="The customer signs the intake slip, after the GDPR and used-parts consents.")
    qualirepar_intake_signed_by = fields.Char(
        string="Intake slip signed by", copy=False,
        help="The name of the person who signs; the customer's by default.")
    qualirepar_intake_signed_on = fields.Datetime(string="Intake slip signed on", readonly=True, copy=False)
    qualirepar_intake_signed_consent_gdpr = fields.Boolean(
        string="GDPR consent as signed", readonly=True, copy=False,
        help="The GDPR consent as it was when the customer signed the intake slip.")
    qualirepar_intake_signed_consent_piec = fields.Boolean(
        string="Used parts consent as signed", readonly=True, copy=False,
        help="The consent to used or reconditioned parts as it was when the customer signed the intake slip.")
    qualirepar_handback_signature = fields.Image(
        string="Customer's signature at hand-back", max_width=1024, max_height=1024, copy=False,
        help="The customer signs the hand-back receipt when collecting the repaired device.")
    qualirepar_handback_signed_by = fields.Char(
        string="Hand-back receipt signed by", copy=False,
        help="The name of the person who collects the device; the customer's by default.")
    qualirepar_handback_signed_on = fields.Datetime(string="Hand-back receipt signed on", readonly=True, copy=False)

    def _qualirepar_guarded_changes(self, vals):
        """The signatures, their names and dates, and the consents as signed change only with a new signature,
        which the add-on stamps."""
        changes = super()._qualirepar_guarded_changes(vals)
        for kind, (image, signed_by, signed_on) in SIGNATURES.items():
            if vals.get(image):
                continue
            names = {image, signed_on, *(SIGNED_CONSENTS if kind == "intake" else ())}
            if not self:  # the signer's name may be typed before the signature
                changes |= {name for name in names & vals.keys() if vals[name]}
            else:
                changes |= self._qualirepar_changed(vals, names)
                if signed_by in vals and (signed := self.filtered(image)):
                    changes |= signed._qualirepar_changed(vals, {signed_by})
        return changes

    def _qualirepar_check_guarded(self, vals):
        if not (self.env.su or self.env.user.has_group(MANAGER)):
            changed = self._qualirepar_guarded_changes(vals) & SIGNATURE_FIELDS
            if changed:
                raise AccessError(self.env._(
                    "The customer's signature is evidence: %(fields)s change only with a new signature drawn by the "
                    "customer. Ask a QualiRépar manager if a name or a date is wrong.",
                    fields=", ".join(sorted(f"“{self._fields[name]._description_string(self.env)}”"
                                            for name in changed))))
        return super()._qualirepar_check_guarded(vals)

    def _qualirepar_stamp_signature(self, kind, vals):
        """``vals`` with the stamps of the new signature ``kind`` it holds, for this repair (or a new one)."""
        image, signed_by, signed_on = SIGNATURES[kind]
        vals = {**vals, signed_on: fields.Datetime.now()}
        partner = self.env["res.partner"].browse(vals["partner_id"]) if "partner_id" in vals else self.partner_id
        vals[signed_by] = (vals.get(signed_by) or "").strip() or self[signed_by] or partner.name or False
        if kind == "intake":
            for snapshot, consent in SIGNED_CONSENTS.items():
                vals[snapshot] = bool(vals[consent]) if consent in vals else self[consent]
        return vals

    def _qualirepar_check_handback_signature(self, vals):
        for repair in self or [self]:
            if vals.get("state", repair.state) != "done":
                raise ValidationError(self.env._(
                    "%(repair)s is not repaired yet: the customer signs the hand-back receipt when collecting the "
                    "repaired device.", repair=repair.display_name or self.env._("This repair")))

    @api.model
    def _qualirepar_signature_kinds(self, vals):
        """The signatures (keys of SIGNATURES) that ``vals`` gives."""
        return [kind for kind, (image, *_stamps) in SIGNATURES.items() if vals.get(image)]

    @api.model
    def _qualirepar_stamp_signatures_at_create(self, vals_list):
        """(``vals_list`` with the stamps of the signatures the new repairs are given, [(index, kind)] of these
        signatures); a hand-back signature is refused before the repair is done."""
        vals_list, signed = list(vals_list), []
        for index, vals in enumerate(vals_list):
            for kind in self._qualirepar_signature_kinds(vals):
                if kind == "handback":
                    self.browse()._qualirepar_check_handback_signature(vals)
                vals_list[index] = vals = self.browse()._qualirepar_stamp_signature(kind, vals)
                signed.append((index, kind))
        return vals_list, signed

    def _qualirepar_signature_values(self, kinds, vals):
        """``vals`` with the stamps of the new signatures ``kinds`` for this repair (its signer's name and
        consents are its own); signed at hand-back, the device is handed back (when not recorded yet)."""
        self.ensure_one()
        values = vals
        for kind in kinds:
            values = self._qualirepar_stamp_signature(kind, values)
        if "handback" in kinds and not self.qualirepar_delivered_date:
            values["qualirepar_delivered_date"] = values["qualirepar_handback_signed_on"]
        return values

    def _qualirepar_signed(self, kind):
        """A new signature: said in the chatter, and the claims still checked are checked again (the signature
        counts as the customer's document; the signed document, made again if one was made from the former
        signature, is rendered when the claim is sent)."""
        _ = self.env._
        for repair in self:
            image, signed_by, signed_on = SIGNATURES[kind]
            body = (_("The customer signed the intake slip (%s).", repair[signed_by]) if kind == "intake"
                    else _("The customer signed the hand-back receipt (%s): the device is handed back.",
                           repair[signed_by]))
            repair.message_post(body=Markup("<p>%s</p>") % body)
        claims = self.env["qualirepar.claim"].sudo().search(
            [("repair_id", "in", self.ids), ("state", "in", CHECKED_STATES)])
        if claims:
            claims._qualirepar_forget_signed_document(kind)
            claims._qualirepar_apply_check()

    def _qualirepar_signed_document(self):
        """(kind, report) of the repair's best signed document: the hand-back receipt once signed, else the
        signed intake slip; (False, False) when the customer has signed neither."""
        self.ensure_one()
        if self.qualirepar_handback_signature:
            return "handback", "ecorepair_qualirepar.report_qualirepar_handback_receipt"
        if self.qualirepar_intake_signature:
            return "intake", "ecorepair_qualirepar.report_intake_slip"
        return False, False
