from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .qualirepar_access import FRONT_OFFICE, check_role


class RepairOrder(models.Model):
    """The documents of the repaired device's product and categories, shown and sent to the customer (F10)."""

    _inherit = "repair.order"

    qualirepar_document_ids = fields.Many2many(
        "qualirepar.product.document", string="Documents", compute="_compute_qualirepar_document_ids",
        help="The documents of the device's product, of its category and of the category's parents.")
    qualirepar_has_customer_documents = fields.Boolean(
        string="Has documents for the customer", compute="_compute_qualirepar_has_customer_documents",
        help="Some of the device's documents are visible to the customer: they can be sent.")
    qualirepar_notice_names = fields.Char(
        string="Important notices", compute="_compute_qualirepar_notice_names",
        help="The important notices of the device (product recall, risks): shown to the counter staff at intake.")

    @api.depends("product_id.product_tmpl_id", "product_id.categ_id", "company_id")
    def _compute_qualirepar_document_ids(self):
        lineages = {repair.id: repair.product_id.categ_id._qualirepar_lineage() for repair in self}
        categories = self.env["product.category"].union(*lineages.values())
        documents = self.env["qualirepar.product.document"].search([
            ("company_id", "in", [False, *self.company_id.ids]),
            "|", ("product_tmpl_id", "in", self.product_id.product_tmpl_id.ids), ("categ_id", "in", categories.ids),
        ]) if self.product_id else self.env["qualirepar.product.document"]
        for repair in self:
            template, lineage = repair.product_id.product_tmpl_id, lineages[repair.id]
            repair.qualirepar_document_ids = documents.filtered(
                lambda d: (not d.company_id or d.company_id == repair.company_id)
                and ((template and d.product_tmpl_id == template) or (d.categ_id and d.categ_id in lineage)))

    @api.depends("qualirepar_document_ids")
    def _compute_qualirepar_has_customer_documents(self):
        for repair in self:
            repair.qualirepar_has_customer_documents = bool(repair._qualirepar_customer_documents())

    @api.depends("qualirepar_document_ids")
    def _compute_qualirepar_notice_names(self):
        for repair in self:
            notices = repair.qualirepar_document_ids.filtered(lambda d: d.document_type == "notice")
            repair.qualirepar_notice_names = ", ".join(notices.mapped("name")) or False

    def _qualirepar_customer_documents(self):
        """The documents of these repairs the customer may see (sent by e-mail, listed on the portal)."""
        return self.qualirepar_document_ids.filtered("customer_visible")

    def action_qualirepar_send_documents(self):
        """Open the mail composer with the documents visible to the customer attached."""
        check_role(self.env, FRONT_OFFICE)
        self.check_access("write")
        self.ensure_one()
        documents = self._qualirepar_customer_documents()
        if not documents:
            raise UserError(self.env._("The repair %s has no document visible to the customer.", self.name))
        # Copies owned by the composer: the posted message takes them over, as with a template's reports.
        attachments = self.env["ir.attachment"].create([{
            "name": document.filename or document.name,
            "datas": document.datas,
            "res_model": "mail.compose.message",
            "res_id": 0,
            "type": "binary",
        } for document in documents])
        template = self.env.ref("ecorepair_qualirepar.mail_template_qualirepar_documents", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send documents"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id if template else False,
                "default_attachment_ids": [Command.set(attachments.ids)],
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }
