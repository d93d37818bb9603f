import base64
import mimetypes

from odoo import api, fields, models
from odoo.tools.mimetypes import guess_mimetype

from .ir_actions_report import ONE_DOCUMENT, split_records

# Marks the invoice PDF rendered once the invoice was paid (it shows the payments).
PAID_INVOICE = "paid invoice"
OCTET_STREAM = "application/octet-stream"
# Where the customer's signed document comes from; the add-on's own, best last (a better one replaces a lesser one
# while the claim is checked).
DOCUMENT_ORIGINS = [
    ("scan", "Attached by hand"),
    ("quote", "Quote signed online"),
    ("intake", "Signed intake slip"),
    ("handback", "Signed hand-back receipt"),
]
SIGNED_ORIGINS = ("quote", "intake", "handback")
# The file names sent to the organisms (French, as the organisms read them).
SIGNED_FILE_NAMES = {"intake": "bon-de-prise-en-charge-signe-%s.pdf", "handback": "bon-de-restitution-signe-%s.pdf"}


class QualireparClaim(models.Model):
    """The documents sent with a claim: the invoice, the nameplate and device photos, the customer's signed
    document. Shown on the claim, so that they can also be uploaded by hand on the organism's site (F11)."""

    _inherit = "qualirepar.claim"

    consumer_document = fields.Binary(
        string="Customer's signed document", attachment=True, copy=False,
        help="The signed quote or the consumer's attestation, scanned. Not needed when the quote was signed "
        "online: its PDF is then sent.")
    consumer_document_name = fields.Char(copy=False)
    consumer_document_origin = fields.Selection(
        DOCUMENT_ORIGINS, string="Customer's document", readonly=True, copy=False,
        help="The hand-back receipt or the intake slip the customer signed on the shop's phone becomes the "
        "claim's document by itself, while the claim is checked; a scan attached by hand is kept.")
    quote_signed = fields.Boolean(
        string="Quote signed online", compute="_compute_quote_signed",
        help="The customer signed the quote in Odoo: the signed quote is the customer's document.")
    invoice_pdf_id = fields.Many2one("ir.attachment", string="Invoice PDF", readonly=True, copy=False)
    nameplate_photo = fields.Image(related="repair_id.qualirepar_nameplate_photo", string="Nameplate photo")
    device_photo_ids = fields.Many2many(related="repair_id.qualirepar_device_photo_ids", string="Device photos")

    @api.depends("invoice_id.invoice_line_ids.sale_line_ids.order_id.signature")
    def _compute_quote_signed(self):
        for claim in self:
            claim.quote_signed = bool(claim._qualirepar_signed_quote())

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

    def _qualirepar_attach_signed_document(self, renewed=False):
        """The repair's signed document (hand-back receipt, else intake slip) becomes the customer's document of
        the claims that have none, or only a lesser one of the add-on's; ``renewed``: the customer signed again,
        the document of the add-on is made again."""
        ranks = [origin for origin, _label in DOCUMENT_ORIGINS]
        for claim in self.sudo():
            kind, report = claim.repair_id._qualirepar_signed_document()
            origin = claim.consumer_document_origin
            if not kind or (claim.consumer_document and not (
                    origin in SIGNED_ORIGINS and (ranks.index(kind) > ranks.index(origin)
                                                 or (renewed and origin == kind)))):
                continue
            claim.write({
                "consumer_document": base64.b64encode(claim._qualirepar_render_pdf(report, claim.repair_id)),
                "consumer_document_name": SIGNED_FILE_NAMES[kind] % claim.repair_id.name.replace("/", "_"),
                "consumer_document_origin": kind,
            })

    def _qualirepar_has_consumer_document(self):
        return bool(self.consumer_document or self._qualirepar_signed_quote())

    def _qualirepar_render_pdf(self, report, records):
        pdf, _kind = self.env["ir.actions.report"].with_company(self.company_id)._render_qweb_pdf(report, records.ids)
        return pdf

    def _qualirepar_invoice_pdf(self):
        """The invoice PDF. Once the invoice is paid, the paid invoice ("facture acquittée", on which the organism
        pays), rendered with its payments and kept on the claim; before, Odoo's own when the invoice was sent,
        otherwise rendered once and kept on the claim."""
        paid = self.invoice_id.payment_state in ("in_payment", "paid")
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
        return self.filtered(lambda c: c.invoice_id.payment_state in ("in_payment", "paid") and (
            c.invoice_pdf_id.description != PAID_INVOICE))

    def _qualirepar_render_paid_invoices(self):
        """Render the paid invoices of these claims together, one wkhtmltopdf run per company (the invoices as
        pages of one document, split per invoice as Odoo splits a print of several invoices), and keep each on
        its claim: their jobs send
        it. An invoice the split could not tell apart is left to its claim's job, which renders it alone.
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
        """(file name, content) of the customer's signed document: the scan, or the quote signed in Odoo,
        rendered once and kept as the claim's document."""
        if not self.consumer_document and (order := self._qualirepar_signed_quote()):
            self.write({
                "consumer_document": base64.b64encode(self._qualirepar_render_pdf("sale.action_report_saleorder",
                                                                                  order)),
                "consumer_document_name": f"{order.name.replace('/', '_')}-signe.pdf",
                "consumer_document_origin": "quote",
            })
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

