from ast import literal_eval
from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTechnician(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_1")
        cls.other_fiche = cls.env.ref("ecorepair_qualirepar.fiche_metier_4")
        cls.user = new_test_user(cls.env, "repair_tech_user", groups="ecorepair_qualirepar.group_qualirepar_user")
        cls.manager = new_test_user(cls.env, "repair_tech_manager", groups="ecorepair_qualirepar.group_qualirepar_manager")
        Employee = cls.env["hr.employee"]
        cls.tech = Employee.create({"name": "Léa Martin", "user_id": cls.user.id})
        cls.expired = Employee.create({"name": "Paul Durand"})
        cls.env["qualirepar.qualification"].create([
            {"employee_id": cls.tech.id, "fiche_metier_id": cls.fiche.id, "date_from": "2024-01-01",
             "reference": "QR-2024-001"},
            {"employee_id": cls.expired.id, "fiche_metier_id": cls.fiche.id, "date_from": "2020-01-01",
             "date_to": "2020-12-31"},
        ])
        cls.when = datetime(2025, 3, 1, 10)
        cls.device = cls.env["product.product"].create({"name": "Device"})

    def repair(self, env=None, **values):
        return (env or self.env)["repair.order"].create({
            "product_id": self.device.id, "qualirepar_fiche_metier_id": self.fiche.id, "schedule_date": self.when,
            **values})

    def test_qualification_helper(self):
        self.assertTrue(self.tech._qualirepar_is_qualified(self.fiche, self.when.date()))
        self.assertFalse(self.tech._qualirepar_is_qualified(self.other_fiche, self.when.date()))
        self.assertFalse(self.tech._qualirepar_is_qualified(self.fiche, datetime(2023, 12, 31).date()))
        self.assertFalse(self.expired._qualirepar_is_qualified(self.fiche, self.when.date()))
        self.assertTrue(self.expired._qualirepar_is_qualified(self.fiche, datetime(2020, 12, 31).date()))
        self.assertIn(self.fiche, self.tech.qualirepar_qualification_ids.fiche_metier_id)

    def test_qualified_technician_and_default(self):
        repair = self.repair(qualirepar_technician_id=self.tech.id)
        self.assertTrue(repair.qualirepar_technician_qualified)
        # the current user's employee is proposed when qualified, not otherwise
        self.assertEqual(self.repair(env=self.env(user=self.user)).qualirepar_technician_id, self.tech)
        other = self.repair(env=self.env(user=self.user), qualirepar_fiche_metier_id=self.other_fiche.id)
        self.assertFalse(other.qualirepar_technician_id)

    def test_unqualified_technician_refused(self):
        with self.assertRaisesRegex(ValidationError, "Léa Martin is not qualified for the fiche métier 4 – TV"):
            self.repair(qualirepar_technician_id=self.tech.id, qualirepar_fiche_metier_id=self.other_fiche.id)
        repair = self.repair(qualirepar_technician_id=self.tech.id)
        with self.assertRaisesRegex(ValidationError, "Léa Martin is not qualified for the fiche métier 4 – TV"):
            repair.qualirepar_fiche_metier_id = self.other_fiche

    def test_expired_qualification_refused(self):
        with self.assertRaisesRegex(
                ValidationError, r"The qualification of Paul Durand for the fiche métier 1 – GEM without fluids "
                r"is not valid on 03/01/2025 \(expired or not yet started\)"):
            self.repair(qualirepar_technician_id=self.expired.id)
        repair = self.repair(qualirepar_technician_id=self.tech.id)
        with self.assertRaisesRegex(ValidationError, "The qualification of Léa Martin .* is not valid on 06/01/2023"):
            repair.schedule_date = datetime(2023, 6, 1, 10)

    def test_non_manager_cannot_override(self):
        repair = self.repair(env=self.env(user=self.user))
        with self.assertRaisesRegex(AccessError, "Only a QualiRépar manager can assign a repair to a technician "
                                    "outside his or her qualifications."):
            repair.write({"qualirepar_technician_id": self.expired.id,
                          "qualirepar_qualification_override_reason": "Nobody else today"})

    def test_manager_override_kept(self):
        repair = self.repair(env=self.env(user=self.manager))
        self.cr.flush()  # tracking starts after the creation's transaction step
        repair.write({"qualirepar_technician_id": self.expired.id,
                      "qualirepar_qualification_override_reason": "Renewal session booked, supervised by Léa"})
        self.cr.flush()  # the chatter tracking
        repair.invalidate_recordset(["message_ids"])
        self.assertEqual(repair.qualirepar_technician_id, self.expired)
        self.assertEqual(repair.qualirepar_qualification_override_by_id, self.manager)
        self.assertTrue(repair.qualirepar_qualification_override_date)
        tracked = repair.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "qualirepar_qualification_override_reason")
        self.assertEqual(tracked.new_value_text, "Renewal session booked, supervised by Léa")
        # a user may edit the repair afterwards; the override stays, listed with its reason
        repair.with_user(self.user).priority = "1"
        self.assertEqual(repair.qualirepar_qualification_override_reason, "Renewal session booked, supervised by Léa")
        action = self.env.ref("ecorepair_qualirepar.action_qualirepar_repair_override")
        self.assertIn(repair, self.env["repair.order"].search(literal_eval(action.domain)))

    def test_picker_lists_the_qualified_first(self):
        """The technician picker (name_search and the phone's selection dialog) lists first who is qualified
        for the repair's fiche on its date, then the others."""
        Employee = self.env["hr.employee"].with_user(self.user)
        # "Aline" and "Paul" sort before "Léa" by name: only the qualification puts Léa first.
        aline = self.env["hr.employee"].create({"name": "Aline Bernard"})
        context = {"qualirepar_qualified_first": self.fiche.id, "qualirepar_date": "2025-03-01 10:00:00"}
        names = [name for _id, name in Employee.with_context(**context).name_search("", limit=100)]
        self.assertEqual(names[0], "Léa Martin")
        self.assertIn(aline.name, names)
        self.assertLess(names.index("Aline Bernard"), names.index("Paul Durand"), "the others in the usual order")
        records = Employee.with_context(**context).web_search_read([], {"display_name": {}})["records"]
        self.assertEqual(records[0]["display_name"], "Léa Martin")
        # Before Léa's qualification started, nobody is qualified: the usual order.
        context["qualirepar_date"] = "2023-06-01"
        names = [name for _id, name in Employee.with_context(**context).name_search("", limit=100)]
        self.assertLess(names.index("Aline Bernard"), names.index("Léa Martin"))
        names = [name for _id, name in Employee.name_search("", limit=100)]
        self.assertLess(names.index("Aline Bernard"), names.index("Léa Martin"))
