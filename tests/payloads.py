"""Valid claim payloads for the sandbox, and helpers that drive a claim to a given step."""

import copy

REPAIR_SITE_ID = "5f0c6a3e-1b2d-4c8e-9a7f-000000000001"
LAPTOP_ECOSYSTEM = "ECO-OP-001"
LAPTOP_ECOLOGIC = "EEE.M2.044"
WASHER_ECOLOGIC = "EEE.M1.001"
SAMSUNG_ECOSYSTEM = "0101"  # an ecosystem brand
SEB_ECOLOGIC = "1109"  # an Ecologic brand
SAMSUNG_ECOLOGIC = "1101"  # the same ecosystem brand, as Ecologic knows it

ECOSYSTEM_CLAIM = {
    "RepairDate": "2024-03-15",
    "PurchaseOrderByCustomer": "REP-0001",
    "RepairerId": "2000123",
    "RepairPlaceID": "2000124",
    "Product": {"ProductID": LAPTOP_ECOSYSTEM, "BrandID": SAMSUNG_ECOSYSTEM, "ProductIdentificationNumber": "SN123456",
                "RepairTypeCode": "INF01", "IrisCode": "E01", "CommercialReference": "NP550", "PartnerProduct": ""},
    "SpareParts": {"NewSparePartsAmount": 1, "SecondHandSparePartsAmount": 0},
    "Customer": {"Title": "Mme", "LastName": "Martin", "FirstName": "Claire", "Email": "claire@example.com",
                 "PhoneNumber": "0600000000", "StreetLine1": "1 rue Victor Hugo", "PostalCode": "69002",
                 "City": "Lyon", "Country": "FR"},
    "Bill": {"SparePartsCost": {"amount": 80.0, "currency": "EUR"},
             "TotalAmountInclVAT": {"amount": 200.0, "currency": "EUR"},
             "AmountCovered": {"amount": 50.0, "currency": "EUR"}},
}

ECOLOGIC_CLAIM = {
    "Consumer": {"Title": 2, "LastName": "Durand", "FirstName": "Sophie", "StreetNumber": "3",
                 "Address1": "place Bellecour", "Address2": "", "Address3": "", "Zip": "69002", "City": "Lyon",
                 "Country": 250, "Phone": "0611111111", "Email": "sophie@example.com", "AutoValidation": False},
    "Product": {"ProductId": WASHER_ECOLOGIC, "BrandId": SEB_ECOLOGIC, "CommercialRef": "WM100",
                "SerialNumber": "SN-998877", "PurchaseDate": "2019-05-01", "IRISSymptom": "A02",
                "IRISSection": "GEM01", "FailureDescription": "Fuite d'eau"},
    "Quote": {name: {"Amount": amount, "Currency": "EUR"} for name, amount in (
        ("LaborCost", 60.0), ("SparePartsCost", 40.0), ("TravelCost", 0.0), ("TotalAmountExclVAT", 100.0),
        ("TotalAmountInclVAT", 120.0), ("SupportAmount", 50.0))},
    "SpareParts": [{"Partref": "PUMP-01", "Quantity": 1, "Status": "NEW"}],
}

ECOLOGIC_FILES = ("INVOICE", "CONSUMERVALIDATION")


def ecosystem_claim(**changes):
    """A copy of the valid NewClaim payload.

    ``changes`` maps paths written with "__" (``Customer__Email``) to new values; None deletes the key.
    """
    return _changed(ECOSYSTEM_CLAIM, changes)


def ecologic_claim(**changes):
    """A copy of the valid ClaimBody; same ``changes`` convention as ecosystem_claim()."""
    return _changed(ECOLOGIC_CLAIM, changes)


def _changed(base, changes):
    payload = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = payload
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return payload


def submitted_ecosystem_claim(client, payload=None):
    """Create, upload the three required files and confirm; returns (claim_id, confirm answer)."""
    claim_id = client.new_claim(payload or ecosystem_claim())["ReimbursementClaimID"]
    for file_type in ("invoice", "serial_tag", "claim_request"):
        client.upload_file(claim_id, "%s.pdf" % file_type, file_type, b"%PDF-1.4 test")
    return claim_id, client.confirm_claim(claim_id)


def submitted_ecologic_claim(client, body=None):
    """Create, attach the required files and submit; returns the submit ResponseData."""
    data = client.create_claim(body or ecologic_claim(), "2024-03-15T10:00:00", REPAIR_SITE_ID, "F2024-001", "D-001")
    for document_type in ECOLOGIC_FILES:
        client.attach_file(data["ClaimId"], document_type.lower(), "pdf", document_type, b"%PDF-1.4 test")
    return client.submit_claim(data["ClaimId"])
