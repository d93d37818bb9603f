import base64
import mimetypes

from odoo import api, fields, models


# Marks the invoice PDF rendered once the invoice was paid (it shows the payments).
PAID_INVOICE = "paid invoice"


class QualireparClaim(models.Model):
    """The documents sent with a claim: the invoice, the nameplate and device photos, the customer's signed
    document. Shown on the claim, so that they can also be uploaded by hand on the organism's site (F11)."""

    _inherit = "qualirepar.claim"

    consumer_document = fields.Binary(
        string="Customer's signed document", attachment=True, copy=False,
        help="The signed quote or the consumer's attestation, scanned. Not needed when the quote was signed "
        "online: its PDF is then sent.")
    consumer_document_name = fields.Char(copy=False)
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

    def _qualirepar_consumer_document(self):
        """(file name, content) of the customer's signed document: the scan, or the quote signed in Odoo,
        rendered once and kept as the claim's document."""
        if not self.consumer_document and (order := self._qualirepar_signed_quote()):
            self.write({
                "consumer_document": base64.b64encode(self._qualirepar_render_pdf("sale.action_report_saleorder",
                                                                                  order)),
                "consumer_document_name": f"{order.name.replace('/', '_')}-signe.pdf",
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
            mimetype = mimetype or mimetypes.guess_type(name)[0] or _sniff_mimetype(content)
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else (
                mimetypes.guess_extension(mimetype) or ".bin").lstrip(".")
            documents.append({"kind": kind, "name": name, "extension": extension, "mimetype": mimetype,
                              "content": content})

        invoice = self._qualirepar_invoice_pdf()
        add("invoice", invoice.name, invoice.raw, "application/pdf")
        repair = self.repair_id
        if repair.qualirepar_nameplate_photo:
            content = base64.b64decode(repair.qualirepar_nameplate_photo)
            mimetype = _sniff_mimetype(content)
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


def _sniff_mimetype(content):
    """The type of a file by its first bytes (the images Odoo keeps, PDF)."""
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if content[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[:5] == b"%PDF-":
        return "application/pdf"
    return "application/octet-stream"
