from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestProductMapping(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["qualirepar.backend"].with_context(active_test=False).search([]).unlink()  # the demo connections
        Backend, Type = cls.env["qualirepar.backend"], cls.env["qualirepar.product.type"]
        eco = Backend.create({"name": "eco", "organism": "ecosystem", "environment": "preprod"})
        ecl = Backend.create({"name": "ecl", "organism": "ecologic", "environment": "preprod"})
        cls.washer_eco = Type.create({"backend_id": eco.id, "code": "ECO-LL", "name": "Lave-linge"})
        cls.dryer_eco = Type.create({"backend_id": eco.id, "code": "ECO-SL", "name": "Sèche-linge"})
        cls.washer_ecl = Type.create({"backend_id": ecl.id, "code": "EEE.M1.001", "name": "Lave-linge"})
        cls.appliances = cls.env["product.category"].create(
            {"name": "Gros électroménager", "qualirepar_product_type_ids": [(6, 0, (cls.washer_eco | cls.washer_ecl).ids)]})
        cls.washers = cls.env["product.category"].create({"name": "Lave-linge", "parent_id": cls.appliances.id})

    def test_one_type_per_organism(self):
        with self.assertRaises(ValidationError):
            self.washers.qualirepar_product_type_ids = self.washer_eco | self.dryer_eco
        product = self.env["product.template"].create({"name": "Machine", "categ_id": self.washers.id})
        with self.assertRaises(ValidationError):
            product.qualirepar_product_type_ids = self.washer_eco | self.dryer_eco

    def test_product_type_from_product_then_category_then_parent(self):
        product = self.env["product.template"].create({"name": "Bosch Serie 4", "categ_id": self.washers.id})
        self.assertEqual(product._qualirepar_product_type("ecosystem"), self.washer_eco)
        self.assertEqual(product._qualirepar_product_type("ecologic"), self.washer_ecl)
        product.qualirepar_product_type_ids = self.dryer_eco
        self.assertEqual(product._qualirepar_product_type("ecosystem"), self.dryer_eco)
        self.assertEqual(product._qualirepar_product_type("ecologic"), self.washer_ecl)
        # The closest category wins over its parent.
        self.washers.qualirepar_product_type_ids = self.dryer_eco
        other = self.env["product.template"].create({"name": "Candy", "categ_id": self.washers.id})
        self.assertEqual(other._qualirepar_product_type("ecosystem"), self.dryer_eco)
        self.assertEqual(other._qualirepar_product_type("ecologic"), self.washer_ecl)
        orphan = self.env["product.template"].create({"name": "Divers", "categ_id": self.env.ref("product.product_category_all").id})
        self.assertFalse(orphan._qualirepar_product_type("ecosystem"))
