from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SandboxCase, public_methods

CREDENTIALS = ("username", "password", "api_key")
# The dot: not the glue add-ons (ecorepair_qualirepar_helpdesk…), which have their own tests.
ADDON = "odoo.addons.ecorepair_qualirepar."

# The roles of a shop (README, "Roles"), each with the group that makes it.
ROLES = {
    "employee": "base.group_user",
    "warehouse": "stock.group_stock_user",
    "workshop": "ecorepair_qualirepar.group_qualirepar_user",
    "front_office": "ecorepair_qualirepar.group_qualirepar_front_office",
    "accountant": "ecorepair_qualirepar.group_qualirepar_accountant",
    "manager": "ecorepair_qualirepar.group_qualirepar_manager",
    "portal": "base.group_portal",
}
STAFF = {"workshop": "r", "front_office": "r", "accountant": "r", "manager": "r"}
# What each role may do on each model of the add-on (r read, w write, c create, u delete); a role not named may
# do nothing. Every model the add-on defines must have its line.
MATRIX = {
    "qualirepar.backend": {**STAFF, "manager": "rwcu"},
    "qualirepar.fiche.metier": {**STAFF, "manager": "rwcu"},
    "qualirepar.product.type": {**STAFF, "manager": "rw"},
    "qualirepar.bonus.amount": STAFF,
    "qualirepar.bonus.threshold": STAFF,
    "qualirepar.repair.code": STAFF,
    "qualirepar.brand": STAFF,
    "qualirepar.repair.site": STAFF,
    "qualirepar.fiche.label": {**STAFF, "manager": "rw"},
    "qualirepar.control.point.template": {"workshop": "r", "front_office": "r", "manager": "rwcu"},
    "qualirepar.control.point": {"workshop": "rwc", "front_office": "rwc", "accountant": "r", "manager": "rwcu"},
    "qualirepar.audit.pack.wizard": {"manager": "rwcu"},
    "qualirepar.claim": {"accountant": "rw", "manager": "rw"},
    "qualirepar.claim.remote.document": {"accountant": "r", "manager": "r"},
    "qualirepar.claim.previous.ref": {"accountant": "r", "manager": "r"},
    "qualirepar.remittance.wizard": {"accountant": "rwcu", "manager": "rwcu"},
    "qualirepar.remittance.wizard.line": {"accountant": "rwcu", "manager": "rwcu"},
    "qualirepar.bonus.aging": {"accountant": "r", "manager": "r"},
    "qualirepar.product.document": {"workshop": "r", "front_office": "r", "manager": "rwcu"},
    # Odoo's repair app is open to every Inventory user; the accountant reads the repairs behind the claims,
    # the customer their own (record rule).
    "repair.order": {"warehouse": "rwcu", "workshop": "rwcu", "front_office": "rwcu", "accountant": "r",
                     "manager": "rwcu", "portal": "r"},
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
# Who may call each public method the add-on adds (the roles that include it may too).
METHODS = {
    ("qualirepar.backend", "action_test_connection"): "manager",
    ("qualirepar.backend", "action_sync_reference_data"): "manager",
    ("qualirepar.backend", "action_view_product_types"): "staff",
    ("qualirepar.backend", "action_view_brands"): "staff",
    ("qualirepar.backend", "action_view_sites"): "staff",
    ("qualirepar.claim", "action_check"): "accountant",
    ("qualirepar.claim", "action_submit"): "accountant",
    ("qualirepar.claim", "action_refresh_status"): "accountant",
    ("qualirepar.claim", "action_resubmit"): "accountant",
    ("qualirepar.claim", "action_write_off"): "accountant",
    ("qualirepar.claim", "action_accept_bonus_change"): "accountant",
    ("qualirepar.claim", "action_preview_signed_document"): "accountant",
    ("qualirepar.remittance.wizard", "action_confirm"): "accountant",
    ("qualirepar.bonus.aging", "action_open_organisms_ledger"): "accountant",
    ("repair.order", "action_qualirepar_check_bonus"): "workshop",
    ("repair.order", "action_qualirepar_hand_back"): "workshop",
    ("repair.order", "action_qualirepar_portal_preview"): "workshop",
    ("repair.order", "action_qualirepar_survey_answers"): "workshop",
    ("repair.order", "action_qualirepar_send_tracking_link"): "front_office",
    ("repair.order", "action_qualirepar_renew_access_token"): "front_office",
    ("repair.order", "action_qualirepar_send_documents"): "front_office",
    ("repair.order", "action_qualirepar_quote_refused"): "front_office",
    ("repair.order", "action_qualirepar_order_parts"): "front_office",
    ("sale.order", "action_qualirepar_check_bonus"): "workshop",
    ("res.partner", "action_qualirepar_sms_opt_out"): "workshop",
    ("res.partner", "action_qualirepar_sms_opt_in"): "workshop",
    ("res.config.settings", "action_qualirepar_backends"): "manager",
    # trainings: the manager; a legal-watch action: the manager, or the person it is assigned to
    ("calendar.event", "action_qualirepar_done"): "staff",
    ("qualirepar.audit.pack.wizard", "action_print"): "manager",
    ("res.config.settings", "action_qualirepar_print_bonus_poster"): "front_office",
    ("res.config.settings", "action_qualirepar_print_price_notice"): "front_office",
}
# The roles that hold each role (the manager holds them all).
HOLDERS = {
    "workshop": {"workshop", "front_office", "manager"},
    "front_office": {"front_office", "manager"},
    "accountant": {"accountant", "manager"},
    "manager": {"manager"},
    "staff": {"workshop", "front_office", "accountant", "manager"},
}


@tagged("post_install", "-at_install")
class TestRoles(TransactionCase):
    """The role matrix: model × operation × role, and who may call each button of the add-on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {role: new_test_user(cls.env, f"role_{role}", groups=group) for role, group in ROLES.items()}
        cls.users["public"] = cls.env.ref("base.public_user")

    def test_every_model_of_the_addon_has_its_line(self):
        ours = {name for name, model in self.env.registry.items()
                if model._original_module == "ecorepair_qualirepar" and not model._abstract}
        self.assertEqual(ours - set(MATRIX), set(), "a model of the add-on without its line in MATRIX")

    def test_role_matrix(self):
        for model, rights in MATRIX.items():
            for role, user in self.users.items():
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(self.env[model].with_user(user).has_access(operation),
                                         letter in rights.get(role, ""))

    def test_warehouse_staff_are_not_qualirepar_users(self):
        warehouse = self.users["warehouse"]
        self.assertFalse(warehouse.has_group(ROLES["workshop"]))
        self.assertFalse(self.users["workshop"].has_group(ROLES["accountant"]))
        self.assertFalse(self.users["accountant"].has_group(ROLES["workshop"]))
        self.assertTrue(self.users["manager"].has_group(ROLES["front_office"]))
        repair = self.env["repair.order"].create({"partner_id": self.env.user.partner_id.id})
        token = repair._portal_ensure_token()
        self.assertTrue(token)
        with self.assertRaises(AccessError):
            repair.with_user(warehouse).read(["access_token"])
        self.assertEqual(repair.with_user(self.users["workshop"]).access_token, token)

    def test_every_public_method_has_its_role(self):
        """Any new button of the add-on must be added to METHODS (and check the caller's role)."""
        found = public_methods(self.env.registry, ADDON)
        self.assertEqual(found - set(METHODS), set(), "public methods of the add-on missing from METHODS")

    def test_buttons_refuse_the_roles_that_may_not_use_them(self):
        for (model, method), allowed in METHODS.items():
            for role, user in self.users.items():
                if role in HOLDERS[allowed]:
                    continue
                with self.subTest(model=model, method=method, role=role), self.assertRaises(AccessError):
                    getattr(self.env[model].with_user(user), method)()


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
        cls.repair_manager = new_test_user(cls.env, "repair_manager", groups=ROLES["manager"])
        cls.repair_user = new_test_user(cls.env, "repair_user", groups=ROLES["workshop"])
        cls.admin = new_test_user(cls.env, "sysadmin", groups=f"base.group_system,{ROLES['manager']}")

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

    def test_refusal_is_told_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["ecorepair_qualirepar"], ["fr_FR"], overwrite=True)
        with self.assertRaises(AccessError) as refusal:
            self.backend.with_user(self.repair_user).with_context(lang="fr_FR").action_test_connection()
        self.assertIn("Cette action demande le rôle QualiRépar « Administrateur »", str(refusal.exception))

    def test_who_recorded_a_consent_cannot_be_forged(self):
        Repair = self.env["repair.order"].with_user(self.repair_user)
        repair = Repair.create({"partner_id": self.admin.partner_id.id, "qualirepar_consent_gdpr": True,
                                "qualirepar_consent_gdpr_user_id": self.admin.id,
                                "qualirepar_consent_gdpr_date": "2020-01-01 00:00:00"})
        self.assertEqual(repair.qualirepar_consent_gdpr_user_id, self.repair_user)
        self.assertNotEqual(str(repair.qualirepar_consent_gdpr_date), "2020-01-01 00:00:00")
        repair.write({"qualirepar_consent_piec_user_id": self.admin.id})
        self.assertFalse(repair.qualirepar_consent_piec_user_id)

    def test_other_company_connections_are_invisible(self):
        other = self.env["res.company"].create({"name": "Autre atelier"})
        foreign = self.env["qualirepar.backend"].create({
            "name": "foreign", "organism": "ecologic", "environment": "prod", "company_id": other.id})
        ptype = self.env["qualirepar.product.type"].create({"backend_id": foreign.id, "code": "Y", "name": "TV"})
        Backend = self.env["qualirepar.backend"].with_user(self.repair_manager)
        self.assertNotIn(foreign, Backend.search([]))
        self.assertFalse(self.env["qualirepar.product.type"].with_user(self.repair_manager).search([("id", "=", ptype.id)]))


@tagged("post_install", "-at_install")
class TestConnectionButton(SandboxCase):
    """The manager tests the connection; nobody else has the shop's credentials used."""

    def test_only_the_manager_tests_the_connection(self):
        manager = new_test_user(self.env, "qr_manager", groups=ROLES["manager"])
        result = self.ecosystem.with_user(manager).action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        for role in ("workshop", "front_office", "accountant", "portal"):
            user = new_test_user(self.env, f"qr_{role}", groups=ROLES[role])
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.ecosystem.with_user(user).action_test_connection()
