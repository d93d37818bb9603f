from ast import literal_eval

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

LYON = (45.7640, 4.8357)
PARIS = (48.8566, 2.3522)


@tagged("post_install", "-at_install")
class TestOnsite(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.qualirepar_max_distance_km = 100
        cls.company.partner_id.write({"partner_latitude": LYON[0], "partner_longitude": LYON[1]})
        cls.paris = cls.env["res.partner"].create(
            {"name": "Client parisien", "partner_latitude": PARIS[0], "partner_longitude": PARIS[1]})
        cls.unlocated = cls.env["res.partner"].create({"name": "Client sans coordonnées"})
        cls.device = cls.env["product.product"].create({"name": "Device"})

    def repair(self, partner, **values):
        return self.env["repair.order"].create(
            {"partner_id": partner.id, "product_id": self.device.id, "qualirepar_intervention_type": "onsite", **values})

    def test_great_circle_distance(self):
        repair = self.repair(self.paris)
        self.assertAlmostEqual(repair.qualirepar_distance_km, 392, delta=2)
        self.assertFalse(repair.qualirepar_distance_manual)
        self.assertTrue(repair.qualirepar_beyond_zone)
        # the customer moves next door: the distance follows
        self.paris.write({"partner_latitude": LYON[0] + 0.1, "partner_longitude": LYON[1]})
        self.assertAlmostEqual(repair.qualirepar_distance_km, 11.1, delta=0.1)
        self.assertFalse(repair.qualirepar_beyond_zone)

    def test_manual_distance_without_coordinates(self):
        repair = self.repair(self.unlocated)
        self.assertTrue(repair.qualirepar_distance_manual)
        self.assertEqual(repair.qualirepar_distance_km, 0)
        repair.qualirepar_distance_km = 42.5
        repair.qualirepar_intervention_type = "workshop"
        repair.qualirepar_intervention_type = "onsite"
        self.assertEqual(repair.qualirepar_distance_km, 42.5)
        self.assertFalse(repair.qualirepar_beyond_zone)
        repair.qualirepar_distance_km = 130
        self.assertTrue(repair.qualirepar_beyond_zone)

    def test_beyond_zone_needs_a_reason(self):
        repair = self.repair(self.paris)
        message = (rf"{repair.name}: the customer is {repair.qualirepar_distance_km:.1f} km away, beyond the declared "
                   r"zone of 100.0 km. Give a reason for the distance before confirming this on-site repair.")
        with self.assertRaisesRegex(UserError, message):
            repair.action_validate()
        with self.assertRaisesRegex(UserError, message):
            repair._action_repair_confirm()
        self.assertEqual(repair.state, "draft")
        repair.qualirepar_distance_reason = "Long-standing customer, combined with a second call in Paris"
        repair.action_validate()
        self.assertEqual(repair.state, "confirmed")
        self.assertEqual(repair.qualirepar_distance_reason,
                         "Long-standing customer, combined with a second call in Paris")

    def test_workshop_and_reporting(self):
        workshop = self.repair(self.paris, qualirepar_intervention_type="workshop")
        self.assertFalse(workshop.qualirepar_beyond_zone)
        workshop.action_validate()
        self.assertEqual(workshop.state, "confirmed")
        onsite = self.repair(self.paris, qualirepar_distance_reason="Specialist device")
        action = self.env.ref("ecorepair_qualirepar.action_qualirepar_repair_onsite")
        reported = self.env["repair.order"].search(literal_eval(action.domain))
        self.assertIn(onsite, reported)
        self.assertNotIn(workshop, reported)
        self.assertIn(onsite, self.env["repair.order"].search([("qualirepar_beyond_zone", "=", True)]))
