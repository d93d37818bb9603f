"""EcologicClient against the sandbox: every endpoint and its error paths."""

import pytest
import requests
from qualirepar_clients import AuthenticationError, EcologicClient, PermanentError, ValidationError
from qualirepar_clients import ecologic as ecologic_api
from qualirepar_clients import validation_errors

from payloads import (
    LAPTOP_ECOLOGIC, REPAIR_SITE_ID, SAMSUNG_ECOLOGIC, SEB_ECOLOGIC, WASHER_ECOLOGIC, ecologic_claim,
    submitted_ecologic_claim,
)

CLAIM_ARGS = ("2024-03-15T10:00:00", REPAIR_SITE_ID, "F2024-001", "D-001")


def test_wrong_api_key(sandbox):
    client = EcologicClient(sandbox.ecologic_url, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(AuthenticationError) as info:
        client.get_brands()
    assert info.value.status_code == 401
    assert "Authentication refused by Ecologic" in info.value.message
    assert info.value.payload["IsValid"] is False


def test_missing_api_key_and_case_insensitive_routes(sandbox):
    url = sandbox.ecologic_url + "PrintBrandList"
    assert requests.get(url).status_code == 401
    answer = requests.get(url, headers={"api_key": "00000000-0000-4000-8000-000000000001"})
    assert answer.status_code == 200
    assert set(answer.json()) == {"ResponseData", "ResponseStatus", "IsValid", "ResponseMessage",
                                  "ResponseErrorMessage"}


def test_brands(ecologic):
    brands = ecologic.get_brands()
    assert {"BrandName": "SEB", "BrandId": SEB_ECOLOGIC} in brands
    assert all(b["BrandId"].isdigit() for b in brands)


@pytest.mark.parametrize("with_labels", [True, False])
def test_product_types_are_normalised(ecologic, with_labels):
    products = {p["ProductId"]: p for p in ecologic.get_product_types(with_labels=with_labels)}
    phone = products["EEE.M6.060"]
    assert phone["ProductName"] == "Téléphone portable"
    assert phone["EligibilityStartDate"] == "2022-12-15"
    assert "IRISSymtoms" not in phone
    assert {"code": "D01", "label": "Écran cassé" if with_labels else "D01"} in phone["IRISSymptoms"]
    assert all(set(code) == {"code", "label"} for code in phone["RepairCodes"])
    assert products["EEE.M3.030"]["EligibilityStartDate"] == "2024-01-01"


def test_raw_product_types_keep_the_misspelt_key(sandbox):
    answer = requests.get(sandbox.ecologic_url + "printproducttypewithlabellist",
                          headers={"api_key": sandbox.state.api_key}).json()
    assert {"Code", "Label"} == set(answer["ResponseData"][0]["IRISSymtoms"][0])


def test_sites(ecologic):
    sites = ecologic.get_repair_sites()
    assert len(sites) == 2 and sites[0]["SiteId"] == REPAIR_SITE_ID
    assert set(sites[0]) == {"SiteId", "Name", "CommercialName", "Zip", "City"}
    assert ecologic.get_deposit_sites()[0]["Zip"] == "69003"


def test_calculate_ecosupport(ecologic):
    result = ecologic.calculate_ecosupport(120, SEB_ECOLOGIC, WASHER_ECOLOGIC, repair_code="GEM01",
                                           iris_symptom="A02", repair_date="2024-03-15")
    assert result == {"SupportAmount": 50.0, "EcoOrganizationId": 44}


def test_calculate_ecosupport_defaults_to_today(ecologic):
    assert ecologic.calculate_ecosupport(120, SEB_ECOLOGIC, WASHER_ECOLOGIC)["SupportAmount"] == 50.0


def test_calculate_rejects_bad_parameters(ecologic):
    with pytest.raises(ValidationError) as info:
        ecologic.calculate_ecosupport("abc", SEB_ECOLOGIC, WASHER_ECOLOGIC)
    assert info.value.status_code == 400
    assert "totalAmountInclVAT" in info.value.message
    with pytest.raises(ValidationError):
        ecologic.calculate_ecosupport(100, SEB_ECOLOGIC, "EEE.M9.999")


def test_eco_organization(ecologic):
    assert ecologic.get_eco_organization(SEB_ECOLOGIC, LAPTOP_ECOLOGIC) == {"EcoOrganizationId": 44}
    assert ecologic.get_eco_organization(SAMSUNG_ECOLOGIC, LAPTOP_ECOLOGIC) == {"EcoOrganizationId": 45}


def test_create_claim_returns_206_errors_field_by_field(ecologic, calls):
    body = ecologic_claim(Consumer__Email=None, Product__SerialNumber="",
                          Quote__SupportAmount={"amount": 50.0, "currency": "EUR"})
    data = ecologic.create_claim(body, *CLAIM_ARGS)
    assert calls("createclaim")[-1][2] == 206
    assert isinstance(data["ClaimId"], int)
    assert data["IsValid"] is False
    assert data["LastStatus"] == ecologic_api.STATUS_INCOMPLETE
    errors = validation_errors(data)
    assert {e["field"] for e in errors} == {"Consumer.Email", "Product.SerialNumber", "Quote.SupportAmount.Amount",
                                            "Quote.SupportAmount.Currency", "Attachments"}
    attachments = next(e for e in errors if e["field"] == "Attachments")
    assert attachments["message"].startswith("Des pièces jointes sont requises")
    assert "Attachments" not in {e["field"] for e in validation_errors(data, ignore_attachments=True)}


def test_claim_flow(ecologic, calls):
    data = ecologic.create_claim(ecologic_claim(), *CLAIM_ARGS, request_id=None)
    assert [e["field"] for e in validation_errors(data)] == ["Attachments"]
    claim_id = data["ClaimId"]
    data = ecologic.attach_file(claim_id, "facture", ".pdf", "invoice", b"%PDF-1.4")
    assert "CONSUMERVALIDATION" in validation_errors(data)[0]["message"]
    data = ecologic.attach_file(claim_id, "validation", "pdf", "ConsumerValidation", b"%PDF-1.4")
    assert data["IsValid"] is True and data["LastStatus"] == "A finaliser"
    data = ecologic.submit_claim(claim_id)
    assert data["IsValid"] is True
    assert data["LastStatus"] == ecologic_api.STATUS_WAITING
    assert ecologic.get_claim_status(claim_id)["LastStatus"] == ecologic_api.STATUS_WAITING
    assert [status for _, _, status in calls("createclaim")] == [206]  # attachments were still missing


def test_nameplate_required_for_it_products(ecologic):
    body = ecologic_claim(Product__ProductId=LAPTOP_ECOLOGIC)
    data = ecologic.create_claim(body, *CLAIM_ARGS)
    assert "NAMEPLATE" in validation_errors(data)[0]["message"]


def test_submit_with_errors_is_returned_not_raised(ecologic):
    claim_id = ecologic.create_claim(ecologic_claim(), *CLAIM_ARGS)["ClaimId"]
    data = ecologic.submit_claim(claim_id)
    assert data["IsValid"] is False
    assert data["LastStatus"] == ecologic_api.STATUS_INCOMPLETE


def test_update_claim_with_submit(ecologic, calls):
    data = ecologic.create_claim(ecologic_claim(Consumer__Email=None), *CLAIM_ARGS)
    claim_id = data["ClaimId"]
    for document_type in ("INVOICE", "CONSUMERVALIDATION"):
        ecologic.attach_file(claim_id, "doc", "pdf", document_type, b"data")
    assert [e["field"] for e in validation_errors(ecologic.get_claim_status(claim_id))] == ["Consumer.Email"]
    data = ecologic.update_claim(claim_id, ecologic_claim(), *CLAIM_ARGS, submit=True)
    assert calls("updateclaim")[-1][2] == 200
    assert data["LastStatus"] == ecologic_api.STATUS_WAITING
    with pytest.raises(ValidationError) as info:
        ecologic.update_claim(claim_id, ecologic_claim(), *CLAIM_ARGS)
    assert "déjà été soumise" in info.value.message


def test_unknown_claim_is_404(ecologic):
    with pytest.raises(PermanentError) as info:
        ecologic.get_claim_status(999)
    assert info.value.status_code == 404
    assert info.value.payload["Message"]


@pytest.mark.parametrize("args, fragment", [
    (("2024-03-15", "not-a-site", "F1", "D1"), "Site de réparation inconnu"),
    (("hier", REPAIR_SITE_ID, "F1", "D1"), "RepairEndDate"),
    (("2024-03-15", REPAIR_SITE_ID, None, "D1"), "ConsumerInvoiceNumber"),
])
def test_create_claim_bad_parameters(ecologic, args, fragment):
    with pytest.raises(ValidationError) as info:
        ecologic.create_claim(ecologic_claim(), *args)
    assert fragment in info.value.message


def test_attach_file_bad_document_type(ecologic):
    claim_id = ecologic.create_claim(ecologic_claim(), *CLAIM_ARGS)["ClaimId"]
    with pytest.raises(ValidationError) as info:
        ecologic.attach_file(claim_id, "x", "pdf", "SELFIE", b"data")
    assert "DocumentType" in info.value.message


def test_support_requests(ecologic):
    data = ecologic.create_support_request(ecologic_claim(Product__IRISSymptom=None), "2024-03-01", REPAIR_SITE_ID,
                                           "D-001")
    assert data["LastStatus"] == "Incomplet"
    assert validation_errors(data) == [{"field": "Product.IRISSymptom",
                                        "message": "Le champ Product.IRISSymptom est obligatoire."}]
    request_id = data["RequestId"]
    data = ecologic.update_support_request(request_id, ecologic_claim(), "2024-03-01", REPAIR_SITE_ID, "D-001")
    assert data["LastStatus"] == "Eligible" and data["IsValid"] is True
    assert ecologic.get_support_request_status(request_id)["RequestId"] == request_id
    assert submitted_ecologic_claim(ecologic, ecologic_claim())["IsValid"] is True


def test_validation_errors_helper():
    data = {"ValidationErrors": [
        {"Field": "Consumer.Phone", "ErrorMessage": "Téléphone invalide", "MessageType": "E"},
        {"Field": "Consumer.Title", "ErrorMessage": "Civilité par défaut", "MessageType": "W"},
        {"Field": None, "ErrorMessage": "Des pièces jointes sont requises…"},
    ]}
    assert validation_errors(data) == [{"field": "Consumer.Phone", "message": "Téléphone invalide"},
                                       {"field": "", "message": "Des pièces jointes sont requises…"}]
    assert validation_errors(None) == []


def test_constants():
    assert ecologic_api.DOCUMENT_TYPES == ("INVOICE", "NAMEPLATE", "PRODUCTPICTURE", "CONSUMERVALIDATION")
    assert set(ecologic_api.ENVIRONMENT_URLS) == {"preprod", "prod"}
