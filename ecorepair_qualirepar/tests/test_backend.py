from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SandboxCase


@tagged("post_install", "-at_install")
class TestBackend(SandboxCase):

    def test_base_url_follows_the_environment(self):
        backend = self.env["qualirepar.backend"].create(
            {"name": "ecosystem prod", "organism": "ecosystem", "environment": "prod"})
        self.assertEqual(backend.base_url, "https://prod-api-reparateurs.ecosystem.eco")
        backend.environment = "preprod"
        self.assertEqual(backend.base_url, "https://ppr-api-reparateurs.ecosystem.eco")
        ecologic = self.env["qualirepar.backend"].create(
            {"name": "Ecologic preprod", "organism": "ecologic", "environment": "preprod"})
        self.assertEqual(ecologic.base_url, "https://preprod-apiecologic.e-reparateur.eco/api/v1/ecosupport/")

    def test_connection_success_notification(self):
        for backend, detail in ((self.ecosystem, "2000123"), (self.ecologic, "2")):
            action = backend.action_test_connection()
            self.assertEqual(action["params"]["type"], "success")
            self.assertIn(detail, action["params"]["message"])

    def test_connection_refused_with_a_clear_message(self):
        self.ecosystem.sudo().password = "wrong"
        with self.assertRaises(UserError) as caught:
            self.ecosystem.action_test_connection()
        self.assertIn(self.ecosystem.name, str(caught.exception))
        self.ecologic.sudo().api_key = "00000000-0000-4000-8000-00000000dead"
        with self.assertRaises(UserError) as caught:
            self.ecologic.action_test_connection()
        self.assertIn(self.ecologic.name, str(caught.exception))

    def test_organisms_answers_in_the_users_language(self):
        """The clients' messages are put in the language of the person who reads them."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        self.ecosystem.sudo().password = "wrong"
        with self.assertRaises(UserError) as caught:
            self.ecosystem.with_context(lang="fr_FR").action_test_connection()
        self.assertIn("ecosystem a refusé les identifiants", str(caught.exception))
        action = self.ecologic.with_context(lang="fr_FR").action_test_connection()
        self.assertIn("2 site(s) de réparation rattaché(s) à cette clé", action["params"]["message"])
        self.sandbox.state.inject("5xx", count=10)
        with self.assertRaises(UserError) as caught:
            self.ecologic.with_context(lang="fr_FR").action_sync_reference_data()
        self.assertIn("Ecologic indisponible (erreur du serveur, HTTP 500)", str(caught.exception))
        self.sandbox.state.reset()
        with self.assertRaises(UserError) as caught:
            self.ecosystem.action_test_connection()
        self.assertIn("ecosystem refused the credentials", str(caught.exception), "in English for an English user")

    def test_missing_credentials(self):
        backend = self.env["qualirepar.backend"].create(
            {"name": "ecosystem sans identifiants", "organism": "ecosystem", "environment": "preprod"})
        with self.assertRaisesRegex(UserError, "ecosystem sans identifiants"):
            backend.action_test_connection()

    def test_server_down_is_reported(self):
        self.sandbox.state.inject("5xx", count=10)
        with self.assertRaises(UserError):
            self.ecologic.action_sync_reference_data()

    def test_settings_count_connections_and_labelled_fiches(self):
        self.ecosystem.action_sync_reference_data()
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.qualirepar_backend_count, 2)
        self.assertEqual(settings.qualirepar_fiche_held_count, 4, "INFORMATIQUE and TELEPHONIE are both fiche 7")
        settings.qualirepar_warranty_months = 6
        settings.save().execute()
        self.assertEqual(self.env.company.qualirepar_warranty_months, 6)
