import base64
import mimetypes

from odoo import fields, models


class QualireparClaim(models.Model):
    """The documents sent with a claim: the invoice, the nameplate and device photos, the customer's signed
    document. Shown on the claim, so that they can also be uploaded by hand on the organism's site (F11)."""

    _inherit = "qualirepar.claim"

    consumer_document = fields.Binary(
        string="Customer's signed document", attachment=True, copy=False,
        help="The signed quote or the consumer's attestation, scanned. Not needed when the quote was signed "
        "online.")
    consumer_document_name = fields.Char(copy=False)
    invoice_pdf_id = fields.Many2one("ir.attachment", string="Invoice PDF", readonly=True, copy=False)
    nameplate_photo = fields.Image(related="repair_id.qualirepar_nameplate_photo", string="Nameplate photo")

    def _qualirepar_signed_quote(self):
        order = self.invoice_id.invoice_line_ids.sale_line_ids.order_id[:1]
        return order if order.signature else order.browse()

    def _qualirepar_has_consumer_document(self):
        return bool(self.consumer_document or self._qualirepar_signed_quote())

    def _qualirepar_invoice_pdf(self):
        """The invoice PDF, rendered once and kept on the claim."""
        if not self.invoice_pdf_id:
            attachment = self.invoice_id.invoice_pdf_report_id
            if not attachment:
                pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf("account.account_invoices",
                                                                            self.invoice_id.ids)
                attachment = self.env["ir.attachment"].create({
                    "name": f"{self.invoice_id.name.replace('/', '_')}.pdf", "raw": pdf,
                    "mimetype": "application/pdf", "res_model": self._name, "res_id": self.id,
                })
            self.invoice_pdf_id = attachment
        return self.invoice_pdf_id

    def _qualirepar_documents(self):
        """[{"kind", "name", "extension", "mimetype", "content"}] of the documents the claim has."""
        self.ensure_one()
        documents = []

        def add(kind, name, content, mimetype=None):
            mimetype = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else (
                mimetypes.guess_extension(mimetype) or ".bin").lstrip(".")
            documents.append({"kind": kind, "name": name, "extension": extension, "mimetype": mimetype,
                              "content": content})

        invoice = self._qualirepar_invoice_pdf()
        add("invoice", invoice.name, invoice.raw, "application/pdf")
        repair = self.repair_id
        if repair.qualirepar_nameplate_photo:
            content = base64.b64decode(repair.qualirepar_nameplate_photo)
            add("nameplate", f"plaque-{repair.name.replace('/', '_')}.{_image_extension(content)}", content)
        photo = repair.qualirepar_device_photo_ids[:1]
        if photo:
            add("device_picture", photo.name, photo.raw, photo.mimetype)
        if self.consumer_document:
            add("consumer_validation", self.consumer_document_name or "document-client.pdf",
                base64.b64decode(self.consumer_document))
        elif order := self._qualirepar_signed_quote():
            pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf("sale.action_report_saleorder", order.ids)
            add("consumer_validation", f"devis-signe-{order.name}.pdf", pdf, "application/pdf")
        return documents


def _image_extension(content):
    return "png" if content[:8] == b"\x89PNG\r\n\x1a\n" else "jpg"
