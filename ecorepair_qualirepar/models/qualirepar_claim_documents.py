import base64
import mimetypes

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mimetypes import guess_mimetype

from .ir_actions_report import ONE_DOCUMENT, split_records
from .qualirepar_access import ACCOUNTANT, check_role
from .qualirepar_claim_check import CHECKED_STATES

# Marks the invoice PDF rendered once the invoice was paid (it shows the payments).
PAID_INVOICE = "paid invoice"
# An invoice is paid for the organism once Odoo says it is in payment or paid: the organism pays on the paid invoice.
PAID_STATES = ("in_payment", "paid")
OCTET_STREAM = "application/octet-stream"
# Where the customer's signed document comes from; the add-on's own, best last (a better one signed while the claim
# is checked replaces a lesser one when the claim is sent).
DOCUMENT_ORIGINS = [
    ("scan", "Attached by hand"),
    ("quote", "Quote signed online"),
    ("intake", "Signed intake slip"),
    ("handback", "Signed hand-back receipt"),
]
ORIGIN_RANKS = [origin for origin, _label in DOCUMENT_ORIGINS]
SIGNED_ORIGINS = ("quote", "intake", "handback")
# The file names sent to the organisms (French, as the organisms read them).
SIGNED_FILE_NAMES = {"intake": "bon-de-prise-en-charge-signe-%s.pdf", "handback": "bon-de-restitution-signe-%s.pdf"}


class QualireparClaim(models.Model):
    """The documents sent with a claim: the invoice, the nameplate and device photos, the customer's signed
    document. Shown on the claim, so that they can also be uploaded by hand on the organism's site (F11)."""

    _inherit = "qualirepar.claim"

    consumer_document = fields.Binary(
        string="Customer's signed document", attachment=True, copy=False,
        help="The signed quote or the consumer's attestation, scanned. Not needed when the customer signed the "
        "intake slip or the hand-back receipt on the shop's phone, or the quote online: that PDF is rendered and "
        "sent with the claim.")
    consumer_document_name = fields.Char(copy=False)
    consumer_document_origin = fields.Selection(
        DOCUMENT_ORIGINS, string="Customer's document", readonly=True, copy=False,
        help="What was sent as the customer's document: the hand-back receipt or the intake slip the customer "
        "signed on the shop's phone (or the quote signed online) is rendered and becomes the claim's document by "
        "itself when the claim is sent; a scan attached by hand is kept.")
    consumer_document_pending = fields.Selection(
        DOCUMENT_ORIGINS, string="Signed document to send", compute="_compute_consumer_document_pending",
        help="The customer's signed document rendered and sent when the claim is sent (it replaces the one "
        "shown, if any).")
    invoice_pdf_id = fields.Many2one("ir.attachment", string="Invoice PDF", readonly=True, copy=False)
    nameplate_photo = fields.Image(related="repair_id.qualirepar_nameplate_photo", string="Nameplate photo")
    device_photo_ids = fields.Many2many(related="repair_id.qualirepar_device_photo_ids", string="Device photos")

    def _qualirepar_signed_quote(self):
        """The repair's quote, when the customer signed it in Odoo."""
        orders = self.invoice_id.invoice_line_ids.sale_line_ids.order_id
        return orders.filtered(lambda o: o.signature and o.qualirepar_repair_id == self.repair_id)[:1]

    def _qualirepar_document_origin_unguarded(self, vals, changes):
        """``changes`` (guarded fields ``vals`` changes) but the origin of a document attached by hand, which
        says so: the add-on's, written with it."""
        if "consumer_document" in vals and (vals.get("consumer_document_origin") or False) == (
                "scan" if vals["consumer_document"] else False):
            changes.discard("consumer_document_origin")
        return changes

    def _qualirepar_document_origin_vals(self, vals):
        """``vals`` (written) with the origin of the customer's document they give: attached by hand unless
        said."""
        if "consumer_document" in vals and "consumer_document_origin" not in vals:
            vals = {**vals, "consumer_document_origin": "scan" if vals["consumer_document"] else False}
        return vals

    def _qualirepar_signed_document_to_send(self):
        """The customer's signed document the claim sends, decided here only (for the check, the form and the
        sending): (origin, rendering). ``rendering`` is None when it is the document the claim has (a scan
        attached by hand is always kept; the add-on's is kept unless a better one was signed while the claim is
        checked), else (report, records, file name) of the add-on's signed document to render when the claim is
        sent: the hand-back receipt, else the intake slip, else the quote signed online. (False, None): the
        customer's signed document is missing."""
        self.ensure_one()
        origin = self.consumer_document_origin or ("scan" if self.consumer_document else False)
        if origin and (origin not in SIGNED_ORIGINS or self.state not in CHECKED_STATES):
            return origin, None
        repair = self.repair_id
        kind, report = repair._qualirepar_signed_document() if repair else (False, False)
        if kind:
            best = kind, (report, repair, SIGNED_FILE_NAMES[kind] % repair.name.replace("/", "_"))
        elif order := self._qualirepar_signed_quote():
            best = "quote", ("sale.action_report_saleorder", order, f"{order.name.replace('/', '_')}-signe.pdf")
        else:
            return origin, None
        if origin and ORIGIN_RANKS.index(best[0]) <= ORIGIN_RANKS.index(origin):
            return origin, None
        return best

    @api.depends("consumer_document", "consumer_document_origin", "state",
                 "repair_id.qualirepar_handback_signature", "repair_id.qualirepar_intake_signature",
                 "invoice_id.invoice_line_ids.sale_line_ids.order_id.signature")
    def _compute_consumer_document_pending(self):
        for claim in self:
            origin, rendering = claim._qualirepar_signed_document_to_send()
            claim.consumer_document_pending = origin if rendering else False

    def action_preview_signed_document(self):
        """The add-on's signed document the claim will send, printed as it stands (it is rendered and kept on the
        claim when the claim is sent)."""
        check_role(self.env, ACCOUNTANT)
        self.check_access("read")
        self.ensure_one()
        rendering = self._qualirepar_signed_document_to_send()[1]
        if not rendering:
            raise UserError(self.env._("The customer's document of this claim is the one attached to it."))
        report, records, _file_name = rendering
        return self.env["ir.actions.report"]._get_report(report).with_env(self.env).report_action(records)

    def _qualirepar_forget_signed_document(self, kind):
        """The customer signed the document ``kind`` again: the add-on's document of that kind, rendered from the
        former signature, is made again when the claim is sent."""
        self.filtered(lambda c: c.consumer_document_origin == kind).sudo().write(
            {"consumer_document": False, "consumer_document_name": False, "consumer_document_origin": False})

    def _qualirepar_has_consumer_document(self):
        return bool(self._qualirepar_signed_document_to_send()[0])

    def _qualirepar_render_pdf(self, report, records):
        pdf, _kind = self.env["ir.actions.report"].with_company(self.company_id)._render_qweb_pdf(report, records.ids)
        return pdf

    def _qualirepar_invoice_pdf(self):
        """The invoice PDF. Once the invoice is paid, the paid invoice ("facture acquittée", on which the organism
        pays), rendered with its payments and kept on the claim; before, Odoo's own when the invoice was sent,
        otherwise rendered once and kept on the claim."""
        paid = self.invoice_id.payment_state in PAID_STATES
        if self.invoice_pdf_id and (not paid or self.invoice_pdf_id.description == PAID_INVOICE):
            return self.invoice_pdf_id
        attachment = not paid and self.invoice_id.invoice_pdf_report_id
        if not attachment:
            attachment = self.env["ir.attachment"].create({
                "name": self.invoice_id._get_invoice_report_filename(),
                "raw": self._qualirepar_render_pdf("account.account_invoices", self.invoice_id),
                "mimetype": "application/pdf", "res_model": self._name, "res_id": self.id,
                "description": PAID_INVOICE if paid else False,
            })
        self.invoice_pdf_id = attachment
        return attachment

    def _qualirepar_paid_invoice_missing(self):
        """The claims whose invoice is paid and whose paid invoice PDF is not rendered yet."""
        return self.filtered(lambda c: c.invoice_id.payment_state in PAID_STATES and (
            c.invoice_pdf_id.description != PAID_INVOICE))

    def _qualirepar_render_paid_invoices(self):
        """Render the paid invoices of these claims together, one wkhtmltopdf run per company (the invoices as
        pages of one document, split per invoice as Odoo splits a print of several invoices), and keep each on
        its claim: their jobs send it. An invoice the split could not tell apart is left to its claim's job, which
        renders it alone.
        Returns the claims whose paid invoice is kept."""
        claims = self._qualirepar_paid_invoice_missing()
        done = self.browse()
        for company, group in claims.grouped("company_id").items():
            invoices = group.invoice_id
            report = self.env["ir.actions.report"].with_company(company).with_context(**{ONE_DOCUMENT: True})
            content, kind = report._pre_render_qweb_pdf("account.account_invoices", res_ids=invoices.ids)
            if kind == "pdf":
                files = {res_id: data["stream"].getvalue() for res_id, data in content.items()
                         if res_id and data["stream"]}
                if not files and content.get(False):  # not split by Odoo (an invoice of several pages)
                    files = dict(zip(invoices.ids, split_records(content[False]["stream"].getvalue(),
                                                                 len(invoices)) or []))
            else:  # rendered as HTML (Odoo's tests), split per invoice in the same way
                files = report._get_splitted_report("account.account_invoices", content, kind)
            rendered = group.filtered(lambda c: c.invoice_id.id in files)
            attachments = self.env["ir.attachment"].create([{
                "name": claim.invoice_id._get_invoice_report_filename(), "raw": files[claim.invoice_id.id],
                "mimetype": "application/pdf", "res_model": self._name, "res_id": claim.id,
                "description": PAID_INVOICE} for claim in rendered])
            for claim, attachment in zip(rendered, attachments):
                claim.invoice_pdf_id = attachment
            done |= rendered
        return done

    def _qualirepar_consumer_document(self):
        """(file name, content) of the customer's signed document: the scan, or the add-on's signed document
        (hand-back receipt, intake slip, quote signed online), rendered here (when the claim is sent, in its job)
        and kept as the claim's document, its origin saying what was sent."""
        origin, rendering = self._qualirepar_signed_document_to_send()
        if rendering:
            report, records, name = rendering
            self.sudo().write({"consumer_document": base64.b64encode(self._qualirepar_render_pdf(report, records)),
                               "consumer_document_name": name, "consumer_document_origin": origin})
        if not self.consumer_document:
            return None
        return self.consumer_document_name or "document-client.pdf", base64.b64decode(self.consumer_document)

    def _qualirepar_documents(self):
        """[{"kind", "name", "extension", "mimetype", "content"}] of the documents the claim has, in the order
        they are sent: invoice, nameplate, device_picture, consumer_validation."""
        self.ensure_one()
        documents = []

        def add(kind, name, content, mimetype=None):
            mimetype = mimetype or mimetypes.guess_type(name)[0] or guess_mimetype(content, OCTET_STREAM)
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else (
                mimetypes.guess_extension(mimetype) or ".bin").lstrip(".")
            documents.append({"kind": kind, "name": name, "extension": extension, "mimetype": mimetype,
                              "content": content})

        invoice = self._qualirepar_invoice_pdf()
        add("invoice", invoice.name, invoice.raw, "application/pdf")
        repair = self.repair_id
        if repair.qualirepar_nameplate_photo:
            content = base64.b64decode(repair.qualirepar_nameplate_photo)
            mimetype = guess_mimetype(content, OCTET_STREAM)
            add("nameplate", f"plaque-{repair.name.replace('/', '_')}.{_EXTENSIONS.get(mimetype, 'jpg')}", content,
                mimetype)
        photo = repair.qualirepar_device_photo_ids[:1]
        if photo:
            add("device_picture", photo.name, photo.raw, photo.mimetype)
        if consumer := self._qualirepar_consumer_document():
            add("consumer_validation", *consumer)
        return documents


_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
               "application/pdf": "pdf"}

