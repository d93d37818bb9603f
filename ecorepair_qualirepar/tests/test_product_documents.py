import base64

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

PDF = base64.b64encode(b"%PDF-1.4 manual")


@tagged("post_install", "-at_install")
class TestProductDocuments(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.tools = Category.create({"name": "Power tools"})
        cls.saws = Category.create({"name": "Chainsaws", "parent_id": cls.tools.id})
        cls.kitchen = Category.create({"name": "Kitchen"})
        cls.chainsaw = cls.env["product.product"].create({"name": "Chainsaw CS-40", "categ_id": cls.saws.id})
        cls.customer = cls.env["res.partner"].create({"name": "Claire Martin", "email": "claire@example.com"})
        Document = cls.env["qualirepar.product.document"]
        cls.manual = Document.create({
            "name": "CS-40 user manual", "document_type": "manual", "datas": PDF, "filename": "cs40-manual.pdf",
            "customer_visible": True, "product_tmpl_id": cls.chainsaw.product_tmpl_id.id})
        cls.exploded = Document.create({
            "name": "Chainsaw exploded view", "document_type": "exploded_view", "datas": PDF,
            "filename": "exploded.pdf", "categ_id": cls.saws.id})
        cls.recall = Document.create({
            "name": "Recall: chain brake of 2024 power tools", "document_type": "notice", "datas": PDF,
            "filename": "recall.pdf", "customer_visible": True, "categ_id": cls.tools.id})
        cls.kitchen_tips = Document.create({
            "name": "Descaling tips", "document_type": "tips", "datas": PDF, "customer_visible": True,
            "categ_id": cls.kitchen.id})
        cls.repair = cls.env["repair.order"].create({"partner_id": cls.customer.id, "product_id": cls.chainsaw.id})
        cls.clerk = new_test_user(cls.env, "counter_clerk", groups="ecorepair_qualirepar.group_qualirepar_front_office", email="clerk@example.com")

    def test_documents_of_product_and_categories(self):
        self.assertEqual(self.repair.qualirepar_document_ids, self.manual | self.exploded | self.recall)
        self.assertEqual(self.repair._qualirepar_customer_documents(), self.manual | self.recall)
        # archived documents are no longer attached to the repairs
        self.recall.active = False
        self.repair.invalidate_recordset(["qualirepar_document_ids"])
        self.assertEqual(self.repair._qualirepar_customer_documents(), self.manual)

    def test_important_notice_at_intake(self):
        self.assertEqual(self.repair.qualirepar_notice_names, "Recall: chain brake of 2024 power tools")
        kettle = self.env["product.product"].create({"name": "Kettle", "categ_id": self.kitchen.id})
        self.assertFalse(self.env["repair.order"].create({"product_id": kettle.id}).qualirepar_notice_names)

    def test_send_documents(self):
        """The counter clerk sends the customer the documents visible to them."""
        action = self.repair.with_user(self.clerk).action_qualirepar_send_documents()
        composer = Form(self.env["mail.compose.message"].with_user(self.clerk).with_context(action["context"])).save()
        self.assertEqual(sorted(composer.attachment_ids.mapped("name")), ["cs40-manual.pdf", "recall.pdf"])
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertIn("documents about your Chainsaw CS-40", composer.subject)
        composer.action_send_mail()
        message = self.repair.message_ids[0]
        self.assertEqual(sorted(message.attachment_ids.mapped("name")), ["cs40-manual.pdf", "recall.pdf"])
        self.assertEqual(message.attachment_ids.mapped("raw"), [b"%PDF-1.4 manual"] * 2)
        self.assertEqual(message.partner_ids, self.customer)

    def test_product_or_category_required(self):
        with self.assertRaisesRegex(ValidationError, "must be attached to a product or to a product category"):
            self.env["qualirepar.product.document"].create({"name": "Orphan", "datas": PDF})

    def test_only_managers_edit_documents(self):
        clerk = self.clerk
        manager = new_test_user(self.env, "shop_manager",
                                groups="base.group_user,ecorepair_qualirepar.group_qualirepar_manager")
        repair = self.repair.with_user(clerk)
        self.assertEqual(repair.qualirepar_document_ids, self.manual | self.exploded | self.recall)
        with self.assertRaises(AccessError):
            self.env["qualirepar.product.document"].with_user(clerk).create(
                {"name": "Tips", "datas": PDF, "categ_id": self.saws.id})
        with self.assertRaises(AccessError):
            self.manual.with_user(clerk).customer_visible = False
        document = self.env["qualirepar.product.document"].with_user(manager).create(
            {"name": "Tips", "datas": PDF, "categ_id": self.saws.id})
        self.assertIn(document, self.repair.qualirepar_document_ids)

    def test_other_company_documents(self):
        other = self.env["res.company"].create({"name": "Other shop"})
        self.repair.invalidate_recordset(["qualirepar_document_ids"])
        self.manual.company_id = other
        self.recall.company_id = False
        self.assertEqual(self.repair.qualirepar_document_ids, self.exploded | self.recall)
