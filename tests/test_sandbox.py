"""The sandbox itself: bonus scale, thresholds, reference mutations, control interface, command line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

import eco_sandbox
from conftest import clients as ecologic_errors
from payloads import (
    LAPTOP_ECOLOGIC, LAPTOP_ECOSYSTEM, REPAIR_SITE_ID, SAMSUNG_ECOLOGIC, SEB_ECOLOGIC, WASHER_ECOLOGIC,
    ecologic_claim, ecosystem_claim, submitted_ecologic_claim, submitted_ecosystem_claim,
)

TV = "EEE.M2.061"
MICROWAVE = "EEE.M3.030"


def bonus(ecologic, total, product, day, brand=SEB_ECOLOGIC):
    return ecologic.calculate_ecosupport(total, brand, product, repair_date=day)


@pytest.mark.parametrize("product, day, amount", [
    (WASHER_ECOLOGIC, "2022-12-15", 25.0),
    (WASHER_ECOLOGIC, "2023-12-31", 25.0),
    (WASHER_ECOLOGIC, "2024-01-01", 50.0),
    (TV, "2023-06-01", 30.0),
    (TV, "2025-06-01", 60.0),
    (LAPTOP_ECOLOGIC, "2023-06-01", 45.0),
    (LAPTOP_ECOLOGIC, "2024-06-01", 50.0),
])
def test_scale_by_repair_date(ecologic, product, day, amount):
    result = bonus(ecologic, 300, product, day)
    assert result == {"SupportAmount": amount, "EcoOrganizationId": 44}, "strict: the spec's fields only"


@pytest.mark.parametrize("day, total, eligible", [
    ("2023-06-01", 179.99, False),
    ("2023-06-01", 180, True),
    ("2024-06-01", 160, True),
    ("2024-06-01", 149, False),
])
def test_laptop_threshold(ecologic, state, day, total, eligible):
    assert (bonus(ecologic, total, LAPTOP_ECOLOGIC, day)["SupportAmount"] > 0) is eligible
    state.extras = True
    result = bonus(ecologic, total, LAPTOP_ECOLOGIC, day)
    assert result["IsEligible"] is eligible
    if not eligible:
        assert "seuil de déclenchement" in result["Message"]


def test_no_bonus_when_total_is_below_the_bonus(ecologic, state):
    assert bonus(ecologic, 40, WASHER_ECOLOGIC, "2024-06-01")["SupportAmount"] == 0
    state.extras = True
    result = bonus(ecologic, 40, WASHER_ECOLOGIC, "2024-06-01")
    assert result["IsEligible"] is False and "inférieur au bonus" in result["Message"]
    assert bonus(ecologic, 50, WASHER_ECOLOGIC, "2024-06-01")["SupportAmount"] == 50


def test_eligibility_window(ecologic):
    assert bonus(ecologic, 100, MICROWAVE, "2023-06-01")["SupportAmount"] == 0
    assert bonus(ecologic, 100, MICROWAVE, "2024-06-01")["SupportAmount"] == 20
    assert bonus(ecologic, 100, WASHER_ECOLOGIC, "2022-12-14")["SupportAmount"] == 0


def test_ecosystem_brand_is_routed_to_ecosystem(ecologic):
    result = bonus(ecologic, 300, WASHER_ECOLOGIC, "2024-06-01", brand=SAMSUNG_ECOLOGIC)
    assert (result["SupportAmount"], result["EcoOrganizationId"]) == (0, 45)


def test_unknown_codes_are_not_eligible(ecologic, state):
    assert ecologic.calculate_ecosupport(300, SEB_ECOLOGIC, WASHER_ECOLOGIC, iris_symptom="D01")["SupportAmount"] == 0
    state.extras = True
    result = ecologic.calculate_ecosupport(300, SEB_ECOLOGIC, WASHER_ECOLOGIC, iris_symptom="D01")
    assert result["IsEligible"] is False and "D01" in result["Message"]


def test_reference_data(state):
    products = state.reference["products"]
    assert len(products) >= 20
    names = {p["name"] for p in products}
    for name in ("Lave-linge", "Lave-vaisselle", "Sèche-linge", "Téléviseur", "Aspirateur", "Tablette",
                 "Ordinateur fixe / tout-en-un", "Micro-ondes", "Perceuse / visseuse", "Appareil photo"):
        assert name in names
    assert {p["sheet"] for p in products} == set(eco_sandbox.reference.FICHES), "named codes, not fiche numbers"
    assert len({p["ecosystem_id"] for p in products}) == len({p["ecologic_id"] for p in products}) == len(products)
    assert state.find_product("EEE.M6.060")["name"] == "Téléphone portable"


def test_reference_mutations_show_in_next_get(ecosystem, ecologic, state):
    state.remove_product(LAPTOP_ECOSYSTEM)
    state.set_amount("TV", "2024-01-01", 65)
    state.set_amount(WASHER_ECOLOGIC, "2026-01-01", 55)
    catalog = {p["ProductID"]: p for p in ecosystem.get_catalog()}
    assert LAPTOP_ECOSYSTEM not in catalog
    assert LAPTOP_ECOLOGIC not in {p["ProductId"] for p in ecologic.get_product_types()}
    assert catalog["ECO-TV-001"]["Amounts"][1]["Amount"] == "65.00"
    assert [(a["AmountValidFrom"], a["AmountValidUntil"], a["Amount"]) for a in catalog["ECO-LL-001"]["Amounts"]] == [
        ("2022-12-15", "2023-12-31", "25.00"), ("2024-01-01", "2025-12-31", "50.00"), ("2026-01-01", None, "55.00")]
    assert bonus(ecologic, 300, WASHER_ECOLOGIC, "2026-02-01")["SupportAmount"] == 55
    state.add_product("GP", "Grille-pain", "3", 15, ecologic_id="EEE.M3.099")
    assert "ECO-GP-001" in {p["ProductID"] for p in ecosystem.get_catalog()}
    state.reset()
    assert len(ecosystem.get_catalog()) == len(catalog) + 1


def control(sandbox, name, method="POST", **body):
    answer = requests.request(method, "%s/%s" % (sandbox.control_url, name), json=body if method == "POST" else None,
                              params=body if method == "GET" else None)
    answer.raise_for_status()
    return answer.json()


def test_control_ecosystem_outcomes(sandbox, ecosystem):
    approved, _ = submitted_ecosystem_claim(ecosystem)
    rejected, _ = submitted_ecosystem_claim(ecosystem)
    control(sandbox, "approve", organism="ecosystem", claim_id=approved)
    assert ecosystem.get_claim(approved)["RequestStatus"] == "Approuvé, en cours rembourst"
    control(sandbox, "pay", organism="ecosystem", claim_id=approved)
    paid = ecosystem.get_claim(approved)
    assert paid["RequestStatus"] == "Remboursement effectué"
    assert "PaidAmount" not in paid and "PaymentDate" not in paid, "strict: no API tells a payment"
    control(sandbox, "set", extras=True)
    assert ecosystem.get_claim(approved)["PaidAmount"] == {"amount": "50.00", "currency": "EUR"}
    control(sandbox, "set", extras=False)
    control(sandbox, "reject", organism="ecosystem", claim_id=rejected, code="14")
    details = ecosystem.get_claim(rejected)
    assert details["RequestStatus"] == "Rejeté"
    assert details["RejectReason"] == "14 : PIEC (manque de consentement du consommateur)"
    listed = control(sandbox, "claims", method="GET", organism="ecosystem")
    assert {c["status"] for c in listed} == {"Remboursement effectué", "Rejeté"}


def test_control_ecologic_outcomes(sandbox, ecologic):
    paid = submitted_ecologic_claim(ecologic)["ClaimId"]
    refused = submitted_ecologic_claim(ecologic)["ClaimId"]
    control(sandbox, "approve", organism="ecologic", claim_id=paid)
    assert ecologic.get_claim_status(paid)["LastStatus"] == "Remboursement accepté"
    control(sandbox, "pay", organism="ecologic", claim_id=paid, amount=42.5)
    status = ecologic.get_claim_status(paid)
    assert status["LastStatus"] == "Clôturée" and "PaidAmount" not in status
    assert "42.50" in status["Comment"]
    control(sandbox, "reject", organism="ecologic", claim_id=refused, code=6)
    status = ecologic.get_claim_status(refused)
    assert (status["LastStatus"], status["Comment"]) == ("Refusé", "06 : Bonus incorrect")


def test_control_refuses_outcomes_on_drafts(sandbox, ecosystem):
    claim_id = ecosystem.new_claim(ecosystem_claim())["ReimbursementClaimID"]
    answer = requests.post(sandbox.control_url + "/approve", json={"organism": "ecosystem", "claim_id": claim_id})
    assert answer.status_code == 400
    assert requests.post(sandbox.control_url + "/nope", json={}).status_code == 404


def test_control_faults_settings_and_log(sandbox, ecosystem):
    control(sandbox, "inject", kind="5xx", count=1, path_filter="/partners")
    control(sandbox, "set", token_ttl=120)
    assert ecosystem.login()["ExpiresIn"] == "120"
    assert ecosystem.get_partners()
    log = control(sandbox, "requests", method="GET")
    assert log == [["POST", "/ecosystem/login", 200], ["GET", "/ecosystem/partners", 500],
                   ["GET", "/ecosystem/partners", 200]]
    control(sandbox, "inject", kind="token_expiry")
    assert sandbox.state.tokens == {}
    control(sandbox, "reset")
    assert control(sandbox, "requests", method="GET") == []


def test_command_line():
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root / "tools"))
    process = subprocess.Popen([sys.executable, "-m", "eco_sandbox", "--port", "0", "--latency-ms", "1"],
                               env=env, stdout=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("ecosystem: http://127.0.0.1:")
        base = first_line.split()[1]
        answer = requests.post(base + "/login", json={"username": "sandbox-user", "password": "sandbox-password"})
        assert answer.json()["AllowedRepairer"] == ["2000123"]
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_ecologic_incomplete_after_submission(sandbox, ecologic):
    """The control "incomplete" names a refused document: it stays in ValidationErrors until attached again,
    then the claim is corrected and submitted with updateclaim."""
    claim = submitted_ecologic_claim(ecologic)
    claim_id = claim["ClaimId"]
    control(sandbox, "incomplete", organism="ecologic", claim_id=claim_id, document="NAMEPLATE")
    status = ecologic.get_claim_status(claim_id)
    assert status["LastStatus"] == "Dossier incomplet"
    assert [e["Field"] for e in status["ValidationErrors"]] == ["NAMEPLATE"]
    ecologic.attach_file(claim_id, "plaque", "jpg", "NAMEPLATE", b"photo")
    assert ecologic.get_claim_status(claim_id)["ValidationErrors"] == []


UPDATE = {"body": ecologic_claim(), "repair_end_date": "2024-03-15T10:00:00", "repair_site_id": REPAIR_SITE_ID,
          "invoice_number": "F2024-001", "quote_number": "D-001"}


def test_refused_ecologic_claim_cannot_be_updated_unless_told(sandbox, ecologic, state):
    claim_id = submitted_ecologic_claim(ecologic)["ClaimId"]
    control(sandbox, "reject", organism="ecologic", claim_id=claim_id, code=6)
    with pytest.raises(ecologic_errors.ValidationError):
        ecologic.update_claim(claim_id, **UPDATE)
    state.accept_refused_updates = True
    assert ecologic.update_claim(claim_id, **UPDATE)["ClaimId"] == claim_id


def test_ecologic_brand_list_has_every_brand(ecologic):
    names = {brand["BrandName"] for brand in ecologic.get_brands()}
    assert {"SAMSUNG", "BOSCH", "SEB"} <= names, "the spec does not say the list is Ecologic's brands only"
