import base64
import subprocess
import tempfile
import unicodedata

from contextlib import contextmanager
from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .test_claim_transmission import PNG
from .test_intake import IntakeCase

SVG = base64.b64encode(
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')


class FrenchIntakeCase(IntakeCase):
    """IntakeCase with the shop working in French, as its users do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    @contextmanager
    def assertRefused(self, regex):
        """A ValidationError whose message matches ``regex``; the transaction is rolled back to before it."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), regex)


@tagged("post_install", "-at_install")
class TestInputValidation(FrenchIntakeCase):
    """Bad input at intake is refused (or questioned) with a message naming the field; nothing typed is lost."""

    def test_purchase_date(self):
        tomorrow = fields.Date.context_today(self.env["repair.order"]) + timedelta(days=1)
        with self.assertRefused(r"La date d'achat \S+ est dans le futur"):
            self.intake(qualirepar_purchase_date=tomorrow)
        repair = self.intake(qualirepar_purchase_date=date(2022, 5, 17))
        self.assertFalse(repair._onchange_qualirepar_purchase_date())
        with self.assertRefused(r"La date d'achat \S+ est dans le futur"):
            repair.qualirepar_purchase_date = tomorrow
        # A device bought long ago may come in (a sewing machine, a hi-fi): the shop is asked to check the year.
        repair.qualirepar_purchase_date = date(1985, 3, 2)
        warning = repair._onchange_qualirepar_purchase_date()["warning"]
        self.assertEqual(warning["title"], "Date d'achat")
        self.assertEqual(warning["message"], "La date d'achat 02/03/1985 est antérieure à 1990 : vérifiez l'année "
                                             "sur le ticket de caisse du client.")
        self.assertEqual(repair.qualirepar_purchase_date, date(1985, 3, 2))

    def test_intake_amount(self):
        with self.assertRefused("Le montant réglé au dépôt ne peut pas être négatif"):
            self.intake(qualirepar_intake_amount=-1e12, qualirepar_intake_payment_method="cash")
        repair = self.intake(qualirepar_intake_amount=30, qualirepar_intake_payment_method="card")
        with self.assertRefused("Le montant réglé au dépôt ne peut pas être négatif"):
            repair.qualirepar_intake_amount = -0.01
        with self.assertRefused("Le montant réglé au dépôt, .*, dépasse .*10.000"):
            repair.qualirepar_intake_amount = 1e12
        repair.qualirepar_intake_amount = 10_000
        self.assertEqual(repair.qualirepar_intake_amount, 10_000)

    def test_imei_has_exactly_15_digits(self):
        for typed in ("49015420323751", "4901542032375186", "490154203237519"):  # 14, 16 (IMEISV), bad check digit
            with self.subTest(imei=typed), self.assertRefused(
                    f"L'IMEI « {typed} » n'est pas valide : un IMEI comporte 15 chiffres"):
                self.intake(qualirepar_imei=typed)
        self.assertEqual(self.intake(qualirepar_imei="49 015420 323751 8").qualirepar_imei, "490154203237518")

    def test_serial_number_kept_as_typed(self):
        repair = self.intake(qualirepar_serial_number="  FD9904-012345 ")
        self.assertEqual(repair.qualirepar_serial_number, "FD9904-012345")
        self.assertEqual(repair.qualirepar_serial_key, "FD9904012345")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "ecorepair_qualirepar.report_intake_slip", repair.ids)[0].decode()
        self.assertIn("FD9904-012345", html)
        self.assertNotIn("FD9904012345", html)
        repair.qualirepar_serial_number = "fd 9904/012345"
        self.assertEqual(repair.qualirepar_serial_number, "fd 9904/012345")
        self.assertEqual(repair.qualirepar_serial_key, "FD9904012345")
        # However it was typed, the same device is found again (warranty return).
        self.finished(repair, datetime.now() - timedelta(days=10))
        again = self.intake(qualirepar_serial_number="FD9904 012345")
        self.assertEqual(again.qualirepar_return_of_id, repair)
        self.assertEqual(again.qualirepar_serial_number, "FD9904 012345")

    def test_serial_number_refused(self):
        with self.assertRefused("Le numéro de série « --- » ne comporte ni lettre ni chiffre"):
            self.intake(qualirepar_serial_number="---")
        with self.assertRefused(
                "Le numéro de série « <script>sn-12 ab</script> » comporte des caractères absents "
                "d'une plaque signalétique \\(< >\\)"):
            self.intake(qualirepar_serial_number="<script>sn-12 ab</script>")
        repair = self.intake()
        with self.assertRefused("Le numéro de série « SN\"12 » comporte des caractères"):
            repair.qualirepar_serial_number = 'SN"12'
        self.assertEqual(repair.qualirepar_serial_number, "fd 9912-0345")

    def test_photos_are_raster_images(self):
        repair = self.intake(qualirepar_nameplate_photo=PNG)
        self.assertTrue(repair.qualirepar_nameplate_photo)
        with self.assertRefused("La photo de la plaque signalétique n'est pas une photo mais un "
                                    "fichier de type image/svg\\+xml"):
            repair.qualirepar_nameplate_photo = SVG
        # The name says JPEG, the bytes say SVG: the bytes count.
        svg = self.env["ir.attachment"].create({"name": "plaque.jpg", "datas": SVG, "mimetype": "image/jpeg"})
        with self.assertRefused("La photo « plaque.jpg » de l'état de l'appareil n'est pas une "
                                    "photo mais un fichier de type image/svg\\+xml"):
            repair.qualirepar_device_photo_ids = svg
        huge = self.env["ir.attachment"].create(
            {"name": "ecran.png", "raw": base64.b64decode(PNG) + bytes(11 * 1024 * 1024)})
        with self.assertRefused("La photo « ecran.png » de l'état de l'appareil pèse 11.00 Mb, "
                                    "plus que les 10.00 Mb permis"):
            repair.qualirepar_device_photo_ids = huge
        good = self.env["ir.attachment"].create({"name": "ecran.png", "raw": base64.b64decode(PNG)})
        repair.qualirepar_device_photo_ids = good
        self.assertEqual(repair.qualirepar_device_photo_ids, good)
        point = self.env["qualirepar.control.point"].create({"repair_id": repair.id, "name": "Photo du joint",
                                                              "kind": "photo"})
        with self.assertRefused("La photo du point de contrôle « Photo du joint » n'est pas une "
                                    "photo mais un fichier de type image/svg\\+xml"):
            point.photo = SVG
        point.photo = PNG
        self.assertTrue(point.is_answered)


@tagged("post_install", "-at_install")
class TestInputValidationPdf(HttpCase, FrenchIntakeCase):
    """wkhtmltopdf draws the customer's name with the system's fonts: Chinese must come out as text, not boxes.
    An HTTP test: wkhtmltopdf fetches the report's assets from the running server."""

    def test_chinese_name_on_the_intake_slip(self):
        self.consumer.name = "王小明 😀"
        pdf, _kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "ecorepair_qualirepar.report_intake_slip", self.intake().ids)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True,
                                  text=True).stdout
            fonts = subprocess.run(["pdffonts", file.name], capture_output=True, check=True, text=True).stdout
        # The text layer may give a CJK compatibility character for a glyph the font shares with it (小 is drawn
        # with the glyph of the Kangxi radical ⼩, U+2F29): NFKC folds it back, as search engines do.
        self.assertIn("王小明", unicodedata.normalize("NFKC", text))
        self.assertIn("CJK", fonts, "a font covering Chinese (fonts-noto-cjk) draws the name")
