"""Reference data of the sandbox, shared by the ecosystem and Ecologic endpoints.

Amounts come from the published bonus scale (qualirepar-rules.md §1): one period from 2022-12-15 to
2023-12-31 and one open-ended period from 2024-01-01. Products that only became eligible in 2024 (the
microwave oven) have the 2024 period only.

Internal shape (``build_reference()`` returns a fresh deep structure each time):

- ``products``: list of dicts ``key`` (short code, e.g. "OP"), ``ecosystem_id`` ("ECO-OP-001"),
  ``ecologic_id`` ("EEE.M2.044"), ``name``, ``sheet`` (ecosystem's code of its fiche, e.g. "INFORMATIQUE": named
  codes, as the API's own are, not the fiches' numbers of the labelling standard), ``eligible_from``,
  ``eligible_until``, ``amounts`` [{valid_from, valid_until, amount}], ``thresholds``
  [{valid_from, valid_until, minimum}], ``repair_codes`` [{code, label}], ``iris_symptoms`` [{code, label}];
- ``brands``: list of dicts ``name``, ``ecosystem_id`` (ecosystem BrandID), ``ecologic_id`` (Ecologic BrandId),
  ``ecosystem`` (True when ecosystem handles the brand, False for Ecologic);
- ``partner``: the ecosystem Partner of the demo shop; ``repair_sites`` / ``deposit_sites``: Ecologic sites.
"""

import copy

SCALE_2023 = ("2022-12-15", "2023-12-31")
SCALE_2024 = ("2024-01-01", None)
LAUNCH_DATE = "2022-12-15"

# ecosystem's sheet codes (ProductSheet.Type, BusinessSheets[].Type) and their descriptions. The API publishes no
# list (spec §1.3): these are named codes of our own, several of them for one fiche of the standard (EI&T).
FICHES = {
    "GEM_SANS_FLUIDE": "Gros électroménager sans fluide",
    "GEM_AVEC_FLUIDE": "Gros électroménager avec fluide frigorigène",
    "PEM_SANS_FLUIDE": "Petit électroménager sans fluide",
    "TELEVISEUR": "Téléviseurs",
    "EGP_JELS": "Électronique grand public hors TV, jouets, loisirs et sport hors mobilité",
    "PHOTO_OPTIQUE_SEPAREE": "Appareils photo à optique séparée",
    "INFORMATIQUE": "Informatique",
    "TELEPHONIE": "Téléphonie",
    "GROS_OUTILLAGE": "Gros outillage électrique",
    "PETIT_OUTILLAGE": "Petit outillage électrique",
    "JELS_MOBILITE": "Engins de mobilité électrique",
}
HELD_SHEETS = ("GEM_SANS_FLUIDE", "PEM_SANS_FLUIDE", "TELEVISEUR", "INFORMATIQUE", "TELEPHONIE")

# Repair codes and IRIS symptoms, by product family: ([(code, label)], [(code, label)]).
CODES = {
    "gem": (
        [("GEM01", "Remplacement de la pompe de vidange"), ("GEM02", "Remplacement de la carte électronique"),
         ("GEM03", "Remplacement du moteur"), ("GEM04", "Remplacement de la résistance")],
        [("A01", "Ne démarre pas"), ("A02", "Fuite d'eau"), ("A03", "Bruit anormal"), ("A04", "Ne chauffe pas")],
    ),
    "cold": (
        [("FRD01", "Remplacement du thermostat"), ("FRD02", "Recharge en fluide frigorigène"),
         ("FRD03", "Remplacement du compresseur")],
        [("B01", "Ne refroidit plus"), ("B02", "Givre excessif"), ("B03", "Bruit anormal")],
    ),
    "pem": (
        [("PEM01", "Remplacement de la résistance"), ("PEM02", "Remplacement du moteur"),
         ("PEM03", "Remplacement de l'interrupteur")],
        [("F01", "Ne chauffe pas"), ("F02", "Ne démarre pas"), ("F03", "Fuite")],
    ),
    "video": (
        [("TV01", "Remplacement de la dalle"), ("TV02", "Remplacement de l'alimentation"),
         ("TV03", "Remplacement de la carte principale")],
        [("C01", "Pas d'image"), ("C02", "Pas de son"), ("C03", "Ne s'allume pas")],
    ),
    "phone": (
        [("TEL01", "Remplacement de l'écran"), ("TEL02", "Remplacement de la batterie non amovible"),
         ("TEL03", "Remplacement du connecteur de charge"), ("TEL04", "Remplacement de la caméra")],
        [("D01", "Écran cassé"), ("D02", "Ne charge plus"), ("D03", "Ne s'allume pas"),
         ("D04", "Micro ou haut-parleur défaillant")],
    ),
    "computer": (
        [("INF01", "Remplacement de la carte mère"), ("INF02", "Remplacement de l'écran"),
         ("INF03", "Remplacement du clavier"), ("INF04", "Remplacement de l'alimentation")],
        [("E01", "Ne démarre pas"), ("E02", "Écran noir"), ("E03", "Clavier défaillant")],
    ),
    "camera": (
        [("PHO01", "Remplacement de l'obturateur"), ("PHO02", "Remplacement de l'écran"),
         ("PHO03", "Remplacement de la carte principale")],
        [("I01", "Ne s'allume pas"), ("I02", "Image floue"), ("I03", "Obturateur bloqué")],
    ),
    "tool": (
        [("OUT01", "Remplacement des charbons"), ("OUT02", "Remplacement de l'interrupteur"),
         ("OUT03", "Remplacement du moteur")],
        [("G01", "Ne démarre pas"), ("G02", "Perte de puissance"), ("G03", "Surchauffe")],
    ),
    "mobility": (
        [("MOB01", "Remplacement du contrôleur"), ("MOB02", "Remplacement du moteur de roue"),
         ("MOB03", "Remplacement de la batterie")],
        [("H01", "Ne démarre pas"), ("H02", "Perte d'assistance"), ("H03", "Autonomie réduite")],
    ),
}

# key, Ecologic ProductId, name, fiche, family, amount 2023 (None: not eligible), amount 2024, threshold 2023/2024
PRODUCTS = [
    ("LL", "EEE.M1.001", "Lave-linge", "GEM_SANS_FLUIDE", "gem", 25, 50, None),
    ("LV", "EEE.M1.002", "Lave-vaisselle", "GEM_SANS_FLUIDE", "gem", 25, 50, None),
    ("SL", "EEE.M1.003", "Sèche-linge", "GEM_SANS_FLUIDE", "gem", 25, 50, None),
    ("CU", "EEE.M1.005", "Cuisinière", "GEM_SANS_FLUIDE", "gem", 20, 25, None),
    ("RF", "EEE.M1.016", "Réfrigérateur / congélateur", "GEM_AVEC_FLUIDE", "cold", 25, 25, None),
    ("CV", "EEE.M1.010", "Cave à vin", "GEM_AVEC_FLUIDE", "cold", 25, 25, None),
    ("AS", "EEE.M3.021", "Aspirateur", "PEM_SANS_FLUIDE", "pem", 15, 40, None),
    ("CF", "EEE.M3.024", "Cafetière filtre", "PEM_SANS_FLUIDE", "pem", 10, 15, None),
    ("BO", "EEE.M3.026", "Bouilloire", "PEM_SANS_FLUIDE", "pem", 10, 15, None),
    ("MO", "EEE.M3.030", "Micro-ondes", "PEM_SANS_FLUIDE", "pem", None, 20, None),
    ("TV", "EEE.M2.061", "Téléviseur", "TELEVISEUR", "video", 30, 60, None),
    ("VP", "EEE.M2.063", "Vidéoprojecteur", "EGP_JELS", "video", 30, 30, None),
    ("HF", "EEE.M2.065", "Chaîne hi-fi / home-cinéma", "EGP_JELS", "video", 15, 20, None),
    ("CJ", "EEE.M2.068", "Console de jeux", "EGP_JELS", "computer", 20, 20, None),
    ("DR", "EEE.M2.070", "Drone", "EGP_JELS", "camera", 15, 20, None),
    ("AP", "EEE.M4.040", "Appareil photo", "PHOTO_OPTIQUE_SEPAREE", "camera", 20, 20, None),
    ("TP", "EEE.M6.060", "Téléphone portable", "TELEPHONIE", "phone", 25, 25, None),
    ("TA", "EEE.M2.057", "Tablette", "TELEPHONIE", "phone", 25, 25, None),
    ("OP", "EEE.M2.044", "Ordinateur portable", "INFORMATIQUE", "computer", 45, 50, (180, 150)),
    ("OF", "EEE.M2.046", "Ordinateur fixe / tout-en-un", "INFORMATIQUE", "computer", 45, 50, (180, 150)),
    ("TD", "EEE.M5.085", "Tondeuse électrique", "GROS_OUTILLAGE", "tool", 15, 15, None),
    ("PE", "EEE.M5.081", "Perceuse / visseuse", "PETIT_OUTILLAGE", "tool", 15, 15, None),
    ("TH", "EEE.M5.083", "Taille-haie", "PETIT_OUTILLAGE", "tool", 15, 15, None),
    ("TR", "EEE.M7.090", "Trottinette électrique / VAE", "JELS_MOBILITE", "mobility", 15, 15, None),
]

# name, ecosystem BrandID, Ecologic BrandId, handled by ecosystem
BRANDS = [
    ("Samsung", "0101", "1101", True),
    ("LG", "0102", "1102", True),
    ("Whirlpool", "0103", "1103", True),
    ("Bosch", "0104", "1104", True),
    ("Miele", "0105", "1105", True),
    ("Sony", "0106", "1106", True),
    ("Apple", "0107", "1107", True),
    ("Beko", "0108", "1108", True),
    ("Seb", "0109", "1109", False),
    ("Rowenta", "0110", "1110", False),
    ("Moulinex", "0111", "1111", False),
    ("Brandt", "0112", "1112", False),
    ("Dyson", "0113", "1113", False),
    ("Makita", "0114", "1114", False),
    ("Xiaomi", "0115", "1115", False),
]

REPAIRER_ID = "2000123"


def _repair_place(place_id, street, postal_code, city, siret):
    return {
        "RepairPlaceID": place_id, "HouseNumber": street[0], "Country": "FR", "PostalCode": postal_code,
        "City": city, "CorporateName": "Atelier Démo Réparation", "StreetLine1": street[1], "StreetLine2": "",
        "StreetSuffix": "", "AlternativeName": "Atelier Démo " + city, "Siret": siret,
    }


PARTNER = {
    "RepairerID": REPAIRER_ID,
    "CorporateName": "Atelier Démo Réparation",
    "AlternativeName": "Atelier Démo",
    "PostalCode": "69003",
    "City": "Lyon",
    "Country": "FR",
    "HouseNumber": "12",
    "StreetLine1": "rue de la Réparation",
    "StreetLine2": "",
    "StreetSuffixName": "",
    "RepairPlaces": [
        _repair_place("2000124", ("12", "rue de la Réparation"), "69003", "Lyon", "81234567600017"),
        _repair_place("2000125", ("4", "avenue des Ateliers"), "69100", "Villeurbanne", "81234567600025"),
    ],
    "BusinessSheets": [
        {"Type": sheet, "NumberId": "FM-%s-%s" % (sheet, REPAIRER_ID), "Description": FICHES[sheet],
         "Institution": "ecosystem", "ValidFrom": "2023-01-01", "ValidTo": "2028-12-31"}
        for sheet in HELD_SHEETS
    ],
}

REPAIR_SITES = [
    {"SiteId": "5f0c6a3e-1b2d-4c8e-9a7f-000000000001", "Name": "Atelier Démo Réparation Lyon",
     "CommercialName": "Atelier Démo", "Zip": "69003", "City": "Lyon"},
    {"SiteId": "5f0c6a3e-1b2d-4c8e-9a7f-000000000002", "Name": "Atelier Démo Réparation Villeurbanne",
     "CommercialName": "Atelier Démo", "Zip": "69100", "City": "Villeurbanne"},
]

DEPOSIT_SITES = [
    {"SiteId": "5f0c6a3e-1b2d-4c8e-9a7f-000000000003", "Name": "Point de dépôt Lyon Part-Dieu",
     "CommercialName": "Atelier Démo", "Zip": "69003", "City": "Lyon"},
]


def _periods(first, second, value_key):
    """Two validity periods (2023 scale then 2024 scale); a None value drops its period."""
    periods = []
    for (valid_from, valid_until), value in ((SCALE_2023, first), (SCALE_2024, second)):
        if value is not None:
            periods.append({"valid_from": valid_from, "valid_until": valid_until, value_key: float(value)})
    return periods


def _coded(pairs):
    return [{"code": code, "label": label} for code, label in pairs]


def _product(key, ecologic_id, name, sheet, family, amount_2023, amount_2024, thresholds):
    repair_codes, symptoms = CODES[family]
    thresholds = thresholds or (None, None)
    return {
        "key": key,
        "ecosystem_id": "ECO-%s-001" % key,
        "ecologic_id": ecologic_id,
        "name": name,
        "sheet": sheet,
        "eligible_from": LAUNCH_DATE if amount_2023 is not None else SCALE_2024[0],
        "eligible_until": None,
        "amounts": _periods(amount_2023, amount_2024, "amount"),
        "thresholds": _periods(thresholds[0], thresholds[1], "minimum"),
        "repair_codes": _coded(repair_codes),
        "iris_symptoms": _coded(symptoms),
    }


def build_reference():
    """A fresh, mutable copy of the whole reference data set."""
    return {
        "products": [_product(*row) for row in PRODUCTS],
        "brands": [
            {"name": name, "ecosystem_id": eco_id, "ecologic_id": ecl_id, "ecosystem": handled}
            for name, eco_id, ecl_id, handled in BRANDS
        ],
        "partner": copy.deepcopy(PARTNER),
        "repair_sites": copy.deepcopy(REPAIR_SITES),
        "deposit_sites": copy.deepcopy(DEPOSIT_SITES),
    }


def in_period(period, day, until_key="valid_until"):
    """True when the ISO date ``day`` lies in the period (bounds included, open end when empty)."""
    return period["valid_from"] <= day and (not period.get(until_key) or day <= period[until_key])


def value_on(periods, day, value_key):
    """The value of the period containing ``day``, or None."""
    for period in periods:
        if in_period(period, day):
            return period[value_key]
    return None
