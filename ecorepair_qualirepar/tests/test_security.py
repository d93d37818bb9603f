from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

CREDENTIALS = ("username", "password", "api_key")


@tagged("post_install", "-at_install")
class TestSecurity(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["qualirepar.backend"].with_context(active_test=False).search([]).unlink()  # the demo connections
        cls.backend = cls.env["qualirepar.backend"].create({
            "name": "ecosystem", "organism": "ecosystem", "environment": "preprod",
            "username": "shop-api-user", "password": "s3cret",
        })
        cls.repair_manager = new_test_user(cls.env, "repair_manager", groups="stock.group_stock_manager")
        cls.repair_user = new_test_user(cls.env, "repair_user", groups="stock.group_stock_user")
        cls.admin = new_test_user(cls.env, "sysadmin", groups="base.group_system,stock.group_stock_manager")

    def test_repair_groups_imply_qualirepar_groups(self):
        self.assertTrue(self.repair_user.has_group("ecorepair_qualirepar.group_qualirepar_user"))
        self.assertFalse(self.repair_user.has_group("ecorepair_qualirepar.group_qualirepar_manager"))
        self.assertTrue(self.repair_manager.has_group("ecorepair_qualirepar.group_qualirepar_manager"))

    def test_credentials_hidden_from_non_administrators(self):
        for user in (self.repair_user, self.repair_manager):
            backend = self.backend.with_user(user)
            self.assertFalse(set(CREDENTIALS) & set(backend.fields_get()), user.login)
            with self.assertRaises(AccessError):
                backend.read(["password"])
            with self.assertRaises(AccessError):
                backend.write({"password": "stolen"})
            self.assertEqual(backend.read(["name"])[0]["name"], "ecosystem")
        self.assertEqual(self.backend.sudo().password, "s3cret")

    def test_credentials_for_system_administrators(self):
        backend = self.backend.with_user(self.admin)
        self.assertTrue(set(CREDENTIALS) <= set(backend.fields_get()))
        backend.password = "new-secret"
        self.assertEqual(backend.read(["password"])[0]["password"], "new-secret")

    def test_users_read_reference_data_only(self):
        ptype = self.env["qualirepar.product.type"].create({"backend_id": self.backend.id, "code": "X", "name": "Lave-linge"})
        amount = self.env["qualirepar.bonus.amount"].create({"product_type_id": ptype.id, "date_from": "2024-01-01", "amount": 50})
        self.assertEqual(amount.with_user(self.repair_user).amount, 50)
        with self.assertRaises(AccessError):
            amount.with_user(self.repair_manager).amount = 500
        with self.assertRaises(AccessError):
            self.backend.with_user(self.repair_user).name = "renamed"
        with self.assertRaises(AccessError):
            self.backend.with_user(self.repair_user).action_sync_reference_data()

    def test_other_company_connections_are_invisible(self):
        other = self.env["res.company"].create({"name": "Autre atelier"})
        foreign = self.env["qualirepar.backend"].create({
            "name": "foreign", "organism": "ecologic", "environment": "prod", "company_id": other.id})
        ptype = self.env["qualirepar.product.type"].create({"backend_id": foreign.id, "code": "Y", "name": "TV"})
        Backend = self.env["qualirepar.backend"].with_user(self.repair_manager)
        self.assertNotIn(foreign, Backend.search([]))
        self.assertFalse(self.env["qualirepar.product.type"].with_user(self.repair_manager).search([("id", "=", ptype.id)]))
