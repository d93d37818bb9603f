from odoo.tests import HttpCase, tagged

from .common import SandboxMixin


@tagged("post_install", "-at_install")
class TestUi(SandboxMixin, HttpCase):

    def test_backend_tour(self):
        """A manager tests the connection, synchronises it and finds the laptop's bonus in the product types."""
        self.ecosystem.name = "ecosystem tour"
        self.start_tour("/odoo/action-ecorepair_qualirepar.action_qualirepar_backend", "qualirepar_backend_tour",
                        login="admin")
        laptop = self.product_type(self.ecosystem, "ECO-OP-001")
        self.assertEqual(laptop.current_amount, 50.0)
