from contextlib import contextmanager
from datetime import date

from odoo.sql_db import Cursor
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SandboxCase, eco_sandbox

REFERENCE_TABLES = (
    "qualirepar_product_type", "qualirepar_bonus_amount", "qualirepar_bonus_threshold", "qualirepar_repair_code",
    "qualirepar_brand", "qualirepar_repair_site", "qualirepar_fiche_label",
    "qualirepar_brand_qualirepar_product_type_rel",
)


@tagged("post_install", "-at_install")
class TestReferenceSync(SandboxCase):

    @contextmanager
    def capture_writes(self):
        """Collects the INSERT / UPDATE / DELETE statements sent to the reference tables."""
        statements = []
        execute = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            sql = query.code if isinstance(query, SQL) else str(query)
            if sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE") and any(
                    f'"{table}"' in sql or f" {table} " in sql for table in REFERENCE_TABLES):
                statements.append(sql)
            return execute(cr, query, params, log_exceptions)

        Cursor.execute = spy
        try:
            yield statements
            self.env.flush_all()
        finally:
            Cursor.execute = execute

    def test_ecosystem_scale_lands_with_its_periods(self):
        self.ecosystem.action_sync_reference_data()
        laptop = self.product_type(self.ecosystem, "ECO-OP-001")
        self.assertEqual(laptop.name, "Ordinateur portable")
        self.assertEqual(laptop.fiche_metier_id, self.env.ref("ecorepair_qualirepar.fiche_metier_7"))
        self.assertEqual(laptop.eligible_from, date(2022, 12, 15))
        self.assertEqual(
            sorted((a.date_from, a.date_to, a.amount) for a in laptop.amount_ids),
            [(date(2022, 12, 15), date(2023, 12, 31), 45.0), (date(2024, 1, 1), False, 50.0)])
        self.assertEqual(laptop._get_bonus_amount(date(2023, 6, 1)).amount, 45.0)
        self.assertEqual(laptop._get_bonus_amount(date(2024, 1, 1)).amount, 50.0)
        self.assertEqual(laptop._get_threshold(date(2023, 12, 31)).minimum_amount, 180.0)
        self.assertEqual(laptop._get_threshold(date(2025, 3, 1)).minimum_amount, 150.0)
        self.assertFalse(laptop._get_bonus_amount(date(2022, 12, 14)))
        washer = self.product_type(self.ecosystem, "ECO-LL-001")
        self.assertEqual(washer.with_context(date=date(2023, 5, 1))._get_bonus_amount(date(2023, 5, 1)).amount, 25.0)
        self.assertEqual(washer.current_amount, 50.0)
        self.assertFalse(washer.threshold_ids)
        microwave = self.product_type(self.ecosystem, "ECO-MO-001")
        self.assertFalse(microwave._is_eligible_on(date(2023, 12, 31)))
        self.assertTrue(microwave._is_eligible_on(date(2024, 1, 1)))
        self.assertIn("ecosystem", laptop.display_name)
        self.assertTrue(laptop.repair_code_ids)
        self.assertTrue(all(c.kind == "repair" for c in laptop.repair_code_ids))

    def test_ecosystem_brands_sites_and_fiches(self):
        self.ecosystem.action_sync_reference_data()
        Brand = self.env["qualirepar.brand"]
        samsung = Brand.search([("backend_id", "=", self.ecosystem.id), ("name", "=", "Samsung")])
        seb = Brand.search([("backend_id", "=", self.ecosystem.id), ("name", "=", "Seb")])
        self.assertEqual((samsung.handled_by, samsung.is_handler), ("ecosystem", True))
        self.assertEqual((seb.handled_by, seb.is_handler), ("ecologic", False))
        self.assertEqual(self.ecosystem.repairer_identifier, "2000123")
        sites = self.env["qualirepar.repair.site"].search([("backend_id", "=", self.ecosystem.id)])
        self.assertEqual(sorted(sites.mapped("city")), ["Lyon", "Villeurbanne"])
        self.assertTrue(all(len(site.siret) == 14 for site in sites))
        held = self.env.company.qualirepar_fiche_label_ids
        self.assertEqual(sorted(held.mapped("fiche_metier_id.number")), [1, 3, 4, 7])
        self.assertTrue(self.ecosystem.last_sync_date)
        self.assertEqual(self.ecosystem.product_type_count, len(self.sandbox.state.reference["products"]))

    def test_ecologic_product_types_codes_and_brands(self):
        self.ecologic.action_sync_reference_data()
        phone = self.product_type(self.ecologic, "EEE.M6.060")
        self.assertEqual(phone.name, "Téléphone portable")
        self.assertEqual(phone.organism, "ecologic")
        self.assertTrue(phone.repair_code_ids)
        self.assertTrue(phone.iris_code_ids)
        self.assertFalse(phone.amount_ids, "Ecologic computes the bonus per repair: no stored scale")
        brands = self.env["qualirepar.brand"].search([("backend_id", "=", self.ecologic.id)])
        self.assertIn("SEB", brands.mapped("name"))
        self.assertEqual(set(brands.mapped("handled_by")), {"ecologic"}, "no ecosystem catalogue to say otherwise")
        sites = self.env["qualirepar.repair.site"].search([("backend_id", "=", self.ecologic.id)])
        self.assertEqual(len(sites), 2)
        self.assertEqual(len(sites[0].code), 36, "Ecologic site ids are GUIDs")

    def test_second_sync_writes_nothing(self):
        for backend in self.ecosystem | self.ecologic:
            backend.action_sync_reference_data()
            self.env.flush_all()
            with self.capture_writes() as writes:
                backend.action_sync_reference_data()
            self.assertEqual(writes, [], f"{backend.name}: an unchanged sync wrote reference data")

    def test_changed_amount_updates_only_that_line(self):
        self.ecosystem.action_sync_reference_data()
        self.env.flush_all()
        self.sandbox.state.set_amount("ECO-TV-001", "2024-01-01", 65)
        with self.capture_writes() as writes:
            self.ecosystem.action_sync_reference_data()
        tv = self.product_type(self.ecosystem, "ECO-TV-001")
        self.assertEqual(tv._get_bonus_amount(date(2024, 6, 1)).amount, 65.0)
        self.assertEqual(tv._get_bonus_amount(date(2023, 6, 1)).amount, 30.0)
        self.assertEqual(len(writes), 1, writes)
        self.assertIn("qualirepar_bonus_amount", writes[0])

    def test_new_period_closes_the_previous_one(self):
        self.ecosystem.action_sync_reference_data()
        self.sandbox.state.set_amount("ECO-LL-001", "2026-01-01", 60)
        self.ecosystem.action_sync_reference_data()
        washer = self.product_type(self.ecosystem, "ECO-LL-001")
        self.assertEqual(washer._get_bonus_amount(date(2025, 12, 31)).amount, 50.0)
        self.assertEqual(washer._get_bonus_amount(date(2026, 1, 1)).amount, 60.0)
        self.assertEqual(len(washer.amount_ids), 3)

    def test_vanished_product_type_is_archived_not_deleted(self):
        self.ecosystem.action_sync_reference_data()
        tv = self.product_type(self.ecosystem, "ECO-TV-001")
        category = self.env["product.category"].create({"name": "Téléviseurs", "qualirepar_product_type_ids": [(6, 0, tv.ids)]})
        self.sandbox.state.remove_product("TV")
        self.ecosystem.action_sync_reference_data()
        self.assertTrue(tv.exists(), "a vanished product type is never deleted")
        self.assertFalse(tv.active)
        self.assertFalse(tv.with_context(active_test=False).amount_ids.filtered("active"))
        self.assertEqual(category.with_context(active_test=False).qualirepar_product_type_ids, tv)
        self.assertNotIn(tv, self.env["qualirepar.product.type"].search([("backend_id", "=", self.ecosystem.id)]))
        # It comes back when the organism lists it again.
        self.sandbox.state.reset()
        self.ecosystem.action_sync_reference_data()
        self.assertTrue(tv.active)
        self.assertEqual(len(tv.amount_ids), 2)

    def test_cron_records_a_failure_and_syncs_the_others(self):
        self.ecosystem.sudo().password = "wrong"
        with self.assertLogs("odoo.addons.ecorepair_qualirepar.models.qualirepar_backend", "WARNING") as logs:
            self.env["qualirepar.backend"]._cron_sync_reference_data()
        self.assertIn("ecosystem test", logs.output[0])
        self.assertTrue(self.ecosystem.last_sync_error)
        self.assertFalse(self.ecosystem.last_sync_date)
        self.assertFalse(self.ecologic.last_sync_error)
        self.assertTrue(self.ecologic.product_type_count)
        self.ecosystem.sudo().password = eco_sandbox.PASSWORD
        self.env["qualirepar.backend"]._cron_sync_reference_data()
        self.assertFalse(self.ecosystem.last_sync_error)
        self.assertTrue(self.ecosystem.product_type_count)

    # ---------------------------------------------------------------- issue 12: the API's own codes
    def test_named_sheet_codes_map_every_product_type_at_the_first_sync(self):
        """The strict sandbox names its fiches with codes of its own (no list is published): a fresh database
        links them to the ten fiches by their words, so every product type has its fiche, nothing edited."""
        self.ecosystem.action_sync_reference_data()
        fiche = {n: self.env.ref(f"ecorepair_qualirepar.fiche_metier_{n}") for n in range(1, 11)}
        expected = {"LL": 1, "RF": 2, "AS": 3, "TV": 4, "HF": 5, "AP": 6, "TP": 7, "OP": 7, "TD": 8, "PE": 9, "TR": 10}
        for key, number in expected.items():
            ptype = self.product_type(self.ecosystem, f"ECO-{key}-001")
            self.assertEqual(ptype.fiche_metier_id, fiche[number], f"{ptype.name} ({ptype.sheet_type})")
        types = self.env["qualirepar.product.type"].search([("backend_id", "=", self.ecosystem.id)])
        self.assertFalse(types.filtered(lambda t: not t.fiche_metier_id))
        self.assertEqual(self.product_type(self.ecosystem, "ECO-TP-001").sheet_type, "TELEPHONIE")
        self.assertEqual(fiche[7]._sheet_codes(), {"INFORMATIQUE", "TELEPHONIE"}, "two API codes, one fiche")
        self.assertFalse(self.ecosystem.last_sync_warning)

    def test_unlinked_sheet_code_is_reported_then_linked_by_hand(self):
        self.sandbox.state.add_product("RB", "Robot de piscine", "ROBOTIQUE_AQUATIQUE", 20)
        notification = self.ecosystem.action_sync_reference_data()
        self.assertIn("ROBOTIQUE_AQUATIQUE", self.ecosystem.last_sync_warning)
        self.assertEqual(notification["params"]["type"], "warning")
        robot = self.product_type(self.ecosystem, "ECO-RB-001")
        self.assertFalse(robot.fiche_metier_id)
        small_tools = self.env.ref("ecorepair_qualirepar.fiche_metier_9")
        small_tools.ecosystem_sheet_type += ", ROBOTIQUE_AQUATIQUE"
        self.assertEqual(robot.fiche_metier_id, small_tools, "the product types follow the fiche's codes")
        self.ecosystem.action_sync_reference_data()
        self.assertFalse(self.ecosystem.last_sync_warning)
        self.assertEqual(robot.fiche_metier_id, small_tools)

    def test_fiche_held_is_a_comparison_of_the_api_codes(self):
        """The shop holds a product's fiche when its labelled sheets carry the catalogue's code of that product,
        as the API sends them, whatever fiche métier the codes are linked to."""
        self.ecosystem.action_sync_reference_data()
        brand = self.env["qualirepar.brand"].search([("backend_id", "=", self.ecosystem.id), ("code", "=", "0101")])
        customer = self.env["res.partner"].create({"name": "Jeanne Martin"})

        def reasons(key):
            product = self.env["product.product"].create(
                {"name": key, "qualirepar_product_type_ids": [(6, 0, self.product_type(self.ecosystem, key).ids)]})
            repair = self.env["repair.order"].create({
                "partner_id": customer.id, "product_id": product.id, "qualirepar_brand_id": brand.id,
                "qualirepar_serial_number": "SN-1", "qualirepar_out_of_warranty": True})
            return repair.qualirepar_eligibility_notes or ""

        self.assertFalse(reasons("ECO-TP-001"))  # TELEPHONIE is held
        self.assertIn("not labelled", reasons("ECO-AP-001"))  # PHOTO_OPTIQUE_SEPAREE is not
        # A held code nobody linked to a fiche still opens the bonus: the codes decide.
        self.env.ref("ecorepair_qualirepar.fiche_metier_7").ecosystem_sheet_type = "INFORMATIQUE"
        self.env["qualirepar.product.type"].search([("sheet_type", "=", "TELEPHONIE")]).fiche_metier_id = False
        self.assertFalse(reasons("ECO-TA-001"))

    def test_each_brand_once_with_the_organism_that_handles_it(self):
        """Ecologic's list has every brand (BOSCH, SAMSUNG… too): ecosystem's isEcosystemBrand decides, whichever
        organism is synchronised first, and the brand picker offers each brand once, with its organism."""
        self.ecologic.action_sync_reference_data()
        self.ecosystem.action_sync_reference_data()
        Brand = self.env["qualirepar.brand"]
        picker = Brand.search([("is_handler", "=", True), ("company_id", "in", (self.env.company.id, False))])
        names = [name.upper() for name in picker.mapped("name")]
        self.assertEqual(len(names), len(set(names)), "a brand offered twice")
        self.assertEqual(len(names), len(self.sandbox.state.reference["brands"]))
        samsung = picker.filtered(lambda b: b.name.upper() == "SAMSUNG")
        seb = picker.filtered(lambda b: b.name.upper() == "SEB")
        self.assertEqual((samsung.organism, samsung.handled_by), ("ecosystem", "ecosystem"))
        self.assertEqual((seb.organism, seb.handled_by), ("ecologic", "ecologic"))
        self.assertEqual(samsung.display_name, "Samsung (ecosystem)")
        ecologic_samsung = Brand.search([("backend_id", "=", self.ecologic.id), ("code", "=", "1101")])
        self.assertEqual((ecologic_samsung.handled_by, ecologic_samsung.is_handler), ("ecosystem", False))
        self.env.flush_all()
        with self.capture_writes() as writes:
            self.ecologic.action_sync_reference_data()
            self.ecosystem.action_sync_reference_data()
        self.assertEqual(writes, [])
