"""EcosystemClient against the sandbox: every endpoint and its error paths."""

import time

import pytest
import requests
from qualirepar_clients import AuthenticationError, EcosystemClient, PermanentError, ValidationError
from qualirepar_clients import ecosystem as ecosystem_api

from payloads import LAPTOP_ECOSYSTEM, ecosystem_claim, submitted_ecosystem_claim


def test_login_caches_token_and_repairers(ecosystem, calls):
    answer = ecosystem.login()
    assert answer["IdToken"] == ecosystem.token
    assert ecosystem.repairer_ids == ["2000123"]
    assert ecosystem.is_intermediary is False
    ecosystem.get_partners()
    ecosystem.get_partners()
    assert len(calls("/login")) == 1


def test_wrong_credentials(sandbox):
    client = EcosystemClient(sandbox.ecosystem_url, "sandbox-user", "wrong")
    with pytest.raises(AuthenticationError) as info:
        client.get_catalog()
    assert info.value.status_code == 401
    assert "ecosystem refused the credentials" in info.value.message
    assert info.value.code == "IDENTIFIANTS_INVALIDES"


def test_calls_without_token_are_refused(sandbox):
    response = requests.get(sandbox.ecosystem_url + "/catalog", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "status", "message"}


def test_token_expiry_triggers_one_relogin(ecosystem, state, calls):
    ecosystem.get_partners()
    state.inject("token_expiry")
    assert ecosystem.get_partners()[0]["RepairerID"] == "2000123"
    assert [status for _, _, status in calls("/partners")] == [200, 401, 200]
    assert len(calls("/login")) == 2


def test_expired_ttl_logs_in_again_before_calling(ecosystem, state, calls):
    state.token_ttl = 1
    ecosystem.get_partners()
    time.sleep(1.05)
    ecosystem.get_partners()
    assert [status for _, _, status in calls("/partners")] == [200, 200]
    assert len(calls("/login")) == 2


def test_relogin_happens_only_once(ecosystem, state):
    ecosystem.login()
    state.password = "changed"
    state.expire_tokens()
    with pytest.raises(AuthenticationError):
        ecosystem.get_partners()


def test_catalog(ecosystem):
    products = ecosystem.get_catalog()
    assert len(products) >= 20
    laptop = next(p for p in products if p["ProductID"] == LAPTOP_ECOSYSTEM)
    assert laptop["ProductName"] == "Ordinateur portable"
    assert laptop["ProductSheet"]["Type"] == "INFORMATIQUE"
    assert [(a["AmountValidFrom"], a["AmountValidUntil"], a["Amount"]) for a in laptop["Amounts"]] == [
        ("2022-12-15", "2023-12-31", "45.00"), ("2024-01-01", None, "50.00")]
    assert [t["MinimumAmount"] for t in laptop["Threshold"]] == ["180.00", "150.00"]
    assert {b["isEcosystemBrand"] for b in laptop["Brands"]} == {True, False}
    assert {"Code", "Description"} <= set(laptop["RepairCode"][0])


def test_catalog_limit(ecosystem):
    assert len(ecosystem.get_catalog(limit=5)) == 5


def test_partners(ecosystem):
    (partner,) = ecosystem.get_partners()
    assert partner["CorporateName"] == "Atelier Démo Réparation"
    assert len(partner["RepairPlaces"]) == 2
    assert sorted(s["Type"] for s in partner["BusinessSheets"]) == [
        "GEM_SANS_FLUIDE", "INFORMATIQUE", "PEM_SANS_FLUIDE", "TELEPHONIE", "TELEVISEUR"]


def test_full_claim_flow(ecosystem):
    created = ecosystem.new_claim(ecosystem_claim())
    claim_id = created["ReimbursementClaimID"]
    assert created["RequestStatus"] == ecosystem_api.STATUS_DRAFT == "En cours de création"
    for file_type in ("invoice", "serial_tag", "device_picture", "claim_request"):
        url = ecosystem.upload_file(claim_id, file_type + ".pdf", file_type, b"%PDF", "application/pdf")
        assert "/_s3/" in url
    confirmed = ecosystem.confirm_claim(claim_id)
    assert confirmed["RequestStatus"] == "Envoyé, en cours vérification"
    sap = confirmed["SapServiceOrder"]
    by_id, by_sap = ecosystem.get_claim(claim_id), ecosystem.get_claim(sap)
    assert by_id == by_sap
    assert by_id["SapServiceOrder"] == sap
    assert by_id["Bill"]["AmountCovered"] == {"amount": 50.0, "currency": "EUR"}
    assert by_id["Product"]["ProductId"] == LAPTOP_ECOSYSTEM
    assert by_id["RejectReason"] is None
    assert len(by_id["AttachedFiles"]) == 4
    (listed,) = ecosystem.list_claims()
    assert listed["ReimbursementClaimID"] == claim_id
    assert listed["RequestStatus"] == "Envoyé, en cours vérification"


def test_confirm_with_missing_attachment(ecosystem):
    claim_id = ecosystem.new_claim(ecosystem_claim())["ReimbursementClaimID"]
    ecosystem.upload_file(claim_id, "facture.pdf", "invoice", b"%PDF")
    ecosystem.request_upload_url(claim_id, "plaque.jpg", "serial_tag", 0.1)  # slot asked, bytes never sent
    with pytest.raises(PermanentError) as info:
        ecosystem.confirm_claim(claim_id)
    assert info.value.code == ecosystem_api.ERROR_MISSING_ATTACHMENT
    assert "serial_tag" in info.value.message and "claim_request" in info.value.message


def test_second_upload_of_same_type_is_refused(ecosystem):
    claim_id = ecosystem.new_claim(ecosystem_claim())["ReimbursementClaimID"]
    ecosystem.upload_file(claim_id, "facture.pdf", "invoice", b"%PDF")
    with pytest.raises(PermanentError) as info:
        ecosystem.upload_file(claim_id, "facture2.pdf", "invoice", b"%PDF")
    assert info.value.code == "TYPE_DE_FICHIER_EXISTANT"
    assert not isinstance(info.value, ValidationError)


@pytest.mark.parametrize("changes, field", [
    ({"Customer__Email": None}, "Customer.Email"),
    ({"Bill__TotalAmountInclVAT": {"Amount": 200.0, "Currency": "EUR"}}, "Bill.TotalAmountInclVAT.amount"),
    ({"Product__RepairTypeCode": None, "Product__IrisCode": None}, "Product.RepairTypeCode ou Product.IrisCode"),
])
def test_new_claim_missing_field(ecosystem, changes, field):
    with pytest.raises(ValidationError) as info:
        ecosystem.new_claim(ecosystem_claim(**changes))
    assert info.value.status_code == 400
    assert info.value.code == "CHAMP_OBLIGATOIRE"
    assert field in info.value.message
    assert field in info.value.field_errors[0]["message"]


@pytest.mark.parametrize("changes, fragment", [
    ({"RepairDate": "15/03/2024"}, "RepairDate"),
    ({"Product__ProductID": "ECO-XX-999"}, "Product.ProductID"),
    ({"Product__BrandID": "0109"}, "relève d'Ecologic"),
    ({"Product__RepairTypeCode": "GEM01"}, "Product.RepairTypeCode"),
    ({"RepairPlaceID": "9999999"}, "RepairPlaceID"),
])
def test_new_claim_invalid_value(ecosystem, changes, fragment):
    with pytest.raises(ValidationError) as info:
        ecosystem.new_claim(ecosystem_claim(**changes))
    assert fragment in info.value.message


def test_unlisted_brand_needs_partner_product(ecosystem):
    with pytest.raises(ValidationError):
        ecosystem.new_claim(ecosystem_claim(Product__BrandID="0000"))
    created = ecosystem.new_claim(ecosystem_claim(Product__BrandID="0000", Product__PartnerProduct="Marque X"))
    assert ecosystem.get_claim(created["ReimbursementClaimID"])["Product"]["BrandName"] == "Marque X"


def test_repairer_not_allowed(ecosystem):
    with pytest.raises(AuthenticationError) as info:
        ecosystem.new_claim(ecosystem_claim(RepairerId="2999999"))
    assert info.value.status_code == 403


def test_delete_only_drafts(ecosystem):
    draft_id = ecosystem.new_claim(ecosystem_claim())["ReimbursementClaimID"]
    sent_id, _ = submitted_ecosystem_claim(ecosystem)
    ecosystem.delete_claim(draft_id)
    with pytest.raises(PermanentError) as info:
        ecosystem.get_claim(draft_id)
    assert info.value.status_code == 404
    with pytest.raises(ValidationError) as info:
        ecosystem.delete_claim(sent_id)
    assert info.value.code == "SUPPRESSION_IMPOSSIBLE"
    assert [c["ReimbursementClaimID"] for c in ecosystem.list_claims()] == [sent_id]


def test_confirmed_claim_is_frozen(ecosystem):
    claim_id, _ = submitted_ecosystem_claim(ecosystem)
    for call in (lambda: ecosystem.confirm_claim(claim_id),
                 lambda: ecosystem.upload_file(claim_id, "photo.jpg", "device_picture", b"jpg")):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.code == "STATUT_INVALIDE"


def test_constants():
    assert ecosystem_api.FILE_TYPES == ("invoice", "serial_tag", "device_picture", "claim_request")
    assert set(ecosystem_api.ENVIRONMENT_URLS) == {"sandbox", "preprod", "prod"}
    assert "Remboursement effectué" in ecosystem_api.STATUSES



@pytest.mark.parametrize("extras", [False, True])
def test_business_code_read_from_status_or_code(ecosystem, state, extras):
    """Spec §1.2: the HTTP number in "code", the business code in "status" (strict); some implementations put
    the business code in "code" (the sandbox's extras): both are understood."""
    state.extras = extras
    claim_id = ecosystem.new_claim(ecosystem_claim())["ReimbursementClaimID"]
    ecosystem.request_upload_url(claim_id, "facture.pdf", "invoice", 0.1)
    raw = requests.post("%s/reimbursement-claims/%s/upload-file" % (ecosystem.base_url.rstrip("/"), claim_id),
                        json={"FileName": "f.pdf", "FileType": "invoice", "FileSizeInMB": 0.1},
                        headers={"Authorization": "Bearer %s" % ecosystem.token}).json()["error"]
    assert (raw["code"], raw["status"]) == (("TYPE_DE_FICHIER_EXISTANT", "BAD_REQUEST") if extras
                                            else (400, "TYPE_DE_FICHIER_EXISTANT"))
    with pytest.raises(PermanentError) as info:
        ecosystem.request_upload_url(claim_id, "facture.pdf", "invoice", 0.1)
    assert info.value.code == "TYPE_DE_FICHIER_EXISTANT"
    assert "{" not in info.value.message, "a sentence, not JSON"


def test_refusal_without_message_is_a_sentence():
    response = requests.models.Response()
    response.status_code, response._content = 400, b'{"error": {"code": 400}}'
    error = EcosystemClient("http://127.0.0.1:9", "user", "password")._error(response)
    assert isinstance(error, ValidationError) and not error.field_errors
    assert error.message == "Data refused by ecosystem (HTTP 400)."
