"""Emulation of the Ecologic "API GesCo Fonds Réparations EEE" (spec §2), under /ecologic/api/v1/ecosupport/.

Route names and query parameter names are case-insensitive.
"""

import base64
import binascii
from datetime import date

from . import state as st
from .common import Reply, lookup, missing_fields, now_iso, parse_day, to_number

ECOLOGIC_ID = 44
ECOSYSTEM_ID = 45
DOCUMENT_TYPES = ("INVOICE", "NAMEPLATE", "PRODUCTPICTURE", "CONSUMERVALIDATION")
ATTACHMENTS_MESSAGE = "Des pièces jointes sont requises : %s"
SUPPORT_INCOMPLETE = "Incomplet"
SUPPORT_ELIGIBLE = "Eligible"

REQUIRED_BODY_FIELDS = (
    "Consumer.LastName", "Consumer.FirstName", "Consumer.Email", "Consumer.Zip", "Consumer.City",
    "Product.ProductId", "Product.BrandId", "Product.SerialNumber", "Product.IRISSymptom",
    "Quote.TotalAmountInclVAT.Amount", "Quote.TotalAmountInclVAT.Currency",
    "Quote.SupportAmount.Amount", "Quote.SupportAmount.Currency",
)
CLAIM_PARAMS = ("RepairEndDate", "RepairSiteId", "ConsumerInvoiceNumber", "QuoteNumber")
SUPPORT_PARAMS = ("CallDate", "RepairSiteId", "QuoteNumber")


def envelope(data, valid=True, message="", error_message=""):
    """The answer envelope of spec §2.3."""
    return {"ResponseData": data, "ResponseStatus": "S" if valid else "E", "IsValid": valid,
            "ResponseMessage": message, "ResponseErrorMessage": error_message}


def fail(status, message):
    """An error answer: the envelope, plus ``Message`` (what a 404 carries)."""
    body = envelope(None, False, message, message)
    body["Message"] = message
    raise Reply(status, body)


def bad_request(message):
    fail(400, message)


def param(req, name, required=True):
    value = req.query.get(name.lower())
    if required and not value:
        bad_request("Paramètre obligatoire manquant : %s" % name)
    return value


def required_day(req, name):
    day = parse_day(param(req, name))
    if not day:
        bad_request("Le paramètre %s n'est pas une date valide" % name)
    return day


def _error(field, message):
    return {"Field": field, "ErrorMessage": message, "MessageType": "E"}


# ------------------------------------------------------------------ reference
def _coded_list(items, with_labels):
    if with_labels:
        return [{"Code": c["code"], "Label": c["label"]} for c in items]
    return [c["code"] for c in items]


def product_types(state, req, with_labels):
    return [
        {"ProductId": p["ecologic_id"], "ProductName": p["name"], "EligibilityStartDate": p["eligible_from"],
         "EligibilityEndDate": p["eligible_until"], "RepairCodes": _coded_list(p["repair_codes"], with_labels),
         "IRISSymtoms": _coded_list(p["iris_symptoms"], with_labels)}
        for p in state.reference["products"]
    ]


def brands(state, req):
    """Every brand, ecosystem's too: the spec does not say the list is limited to Ecologic's (§2.4)."""
    return [{"BrandName": b["name"].upper(), "BrandId": b["ecologic_id"]} for b in state.reference["brands"]]


def _known_product(state, product_id):
    product = state.find_product(product_id)
    if product is None or product["ecologic_id"] != product_id:
        bad_request("Type de produit inconnu : %s" % product_id)
    return product


def _organism_of(state, brand_id):
    """44 for an Ecologic brand or an unknown ("orphan") one, 45 for an ecosystem brand."""
    brand = state.find_brand(brand_id, st.ECOLOGIC)
    return ECOSYSTEM_ID if brand and brand["ecosystem"] else ECOLOGIC_ID


def eco_organization(state, req):
    _known_product(state, param(req, "productId"))
    return {"EcoOrganizationId": _organism_of(state, param(req, "brandId"))}


def bonus(state, product, brand_id, total, day, repair_code=None, symptom=None):
    """(SupportAmount, IsEligible, EcoOrganizationId, Message) for a repair of ``total`` € incl. VAT on ``day``."""
    organism = _organism_of(state, brand_id)
    amount = st.ref.value_on(product["amounts"], day, "amount")
    minimum = st.ref.value_on(product["thresholds"], day, "minimum")
    eligible_window = {"valid_from": product["eligible_from"], "valid_until": product["eligible_until"]}
    if organism == ECOSYSTEM_ID:
        reason = "Cette marque est prise en charge par ecosystem : la demande doit lui être adressée"
    elif amount is None or not st.ref.in_period(eligible_window, day):
        reason = "Le produit %s n'est pas éligible au bonus réparation le %s" % (product["name"], day)
    elif repair_code and repair_code not in {c["code"] for c in product["repair_codes"]}:
        reason = "Le code réparation %s n'est pas valide pour ce produit" % repair_code
    elif symptom and symptom not in {c["code"] for c in product["iris_symptoms"]}:
        reason = "Le symptôme IRIS %s n'est pas valide pour ce produit" % symptom
    elif minimum is not None and total < minimum:
        reason = ("Le montant de la réparation (%.2f €) est inférieur au seuil de déclenchement (%.2f €)"
                  % (total, minimum))
    elif total < amount:
        reason = "Le montant TTC de la réparation (%.2f €) est inférieur au bonus (%.2f €)" % (total, amount)
    else:
        return amount, True, organism, ""
    return 0.0, False, organism, reason


def calculate(state, req):
    total = to_number(param(req, "totalAmountInclVAT"))
    if total is None or total < 0:
        bad_request("Le paramètre totalAmountInclVAT doit être un montant positif")
    if (param(req, "totalAmountInclVATCurrency", required=False) or "EUR").upper() != "EUR":
        bad_request("Seule la devise EUR est acceptée")
    product = _known_product(state, param(req, "productId"))
    brand_id = param(req, "brandId")
    day = date.today().isoformat()
    if param(req, "repairDate", required=False):
        day = required_day(req, "repairDate")
    amount, eligible, organism, message = bonus(
        state, product, brand_id, total, day,
        param(req, "repairCode", required=False), param(req, "iRISSymptom", required=False))
    answer = {"SupportAmount": amount, "EcoOrganizationId": organism}  # what the spec knows of the answer (§4)
    if state.extras:
        answer.update(Currency="EUR", IsEligible=eligible, Message=message)
    return [answer]


# ----------------------------------------------------------------------- claims
def body_errors(state, body):
    """ValidationErrors of a ClaimBody (without attachments)."""
    missing = missing_fields(body, REQUIRED_BODY_FIELDS)
    errors = [_error(path, "Le champ %s est obligatoire." % path) for path in missing]
    sent = body.get("Product") or {}
    if sent.get("ProductId"):
        product = state.find_product(sent["ProductId"])
        if product is None or product["ecologic_id"] != sent["ProductId"]:
            errors.append(_error("Product.ProductId", "Type de produit inconnu : %s" % sent["ProductId"]))
    if sent.get("BrandId") and _organism_of(state, sent["BrandId"]) == ECOSYSTEM_ID:
        errors.append(_error("Product.BrandId", "Cette marque est prise en charge par ecosystem"))
    return errors


def required_documents(state, claim):
    product = state.find_product((claim["body"].get("Product") or {}).get("ProductId")) or {}
    documents = ["INVOICE", "CONSUMERVALIDATION"]
    if product.get("sheet") in ("INFORMATIQUE", "TELEPHONIE"):  # EI&T: the nameplate photo is mandatory
        documents.insert(1, "NAMEPLATE")
    return documents


def claim_errors(state, claim):
    errors = body_errors(state, claim["body"])
    missing = [d for d in required_documents(state, claim) if d not in claim["files"]]
    if missing:
        errors.append(_error("Attachments", ATTACHMENTS_MESSAGE % ", ".join(missing)))
    errors += [_error(document, message) for document, message in (claim.get("refused_documents") or {}).items()]
    return errors


def claim_data(state, claim):
    """ResponseData of createclaim/updateclaim/submitclaim/GetClaimStatus."""
    submitted = claim["submitted"]
    errors = [] if submitted else claim_errors(state, claim)
    if not submitted:
        claim["status"] = st.ECOLOGIC_INCOMPLETE if errors else st.ECOLOGIC_TO_FINALIZE
    data = {"EcoOrganizationId": ECOLOGIC_ID, "RequestId": claim["request_id"], "ClaimId": claim["id"],
            "IsValid": not errors, "LastStatus": claim["status"], "Comment": claim["comment"],
            "CreateDate": claim["created"], "ValidationErrors": errors}
    if state.extras and claim["paid_amount"] is not None:
        data.update(PaidAmount=claim["paid_amount"], PaymentDate=claim["payment_date"])
    return data


def _claim_reply(state, claim):
    data = claim_data(state, claim)
    return Reply(206 if data["ValidationErrors"] else 200, envelope(data))


def _read_body(req):
    body = req.json(bad_request)
    if not isinstance(body, dict):
        bad_request("Le corps de la requête doit être un objet ClaimBody")
    return body


def _read_claim_params(state, req, names):
    values = {name: param(req, name) for name in names}
    for name in ("RepairEndDate", "CallDate"):
        if name in values:
            required_day(req, name)
    if values["RepairSiteId"] not in {s["SiteId"] for s in state.reference["repair_sites"]}:
        bad_request("Site de réparation inconnu : %s" % values["RepairSiteId"])
    return values


def _find_claim(state, req):
    claim_id = param(req, "ClaimId")
    try:
        return state.claim(st.ECOLOGIC, claim_id)
    except KeyError:
        fail(404, "Demande de remboursement introuvable : %s" % claim_id)


def _open_claim(state, req):
    claim = _find_claim(state, req)
    if claim["submitted"]:
        bad_request("La demande %s a déjà été soumise" % claim["id"])
    return claim


def _fill(state, req, record, param_names):
    """Read the query parameters and the ClaimBody of a create/update call into ``record``."""
    record["params"] = _read_claim_params(state, req, param_names)
    record["body"] = _read_body(req)
    record["bonus"] = to_number(lookup(record["body"], "Quote.SupportAmount.Amount"))
    return record


def create_claim(state, req):
    request_id = param(req, "RequestId", required=False)
    if request_id and not request_id.isdigit():
        bad_request("Le paramètre RequestId doit être un entier")
    claim = _fill(state, req, {
        "id": state.new_number(), "request_id": int(request_id) if request_id else None, "files": {},
        "submitted": False, "status": st.ECOLOGIC_INCOMPLETE, "comment": "", "reject_reason": None,
        "created": now_iso(), "paid_amount": None, "payment_date": None,
    }, CLAIM_PARAMS)
    state.ecologic_claims[claim["id"]] = claim
    if claim["request_id"] in state.support_requests:  # its status now tells the claim made from it
        state.support_requests[claim["request_id"]]["claim_id"] = claim["id"]
    return _claim_reply(state, claim)


def update_claim(state, req):
    claim = _find_claim(state, req)
    refused = claim["status"] == st.ECOLOGIC_REFUSED
    if claim["submitted"] and not (refused and state.accept_refused_updates):
        bad_request("La demande %s a déjà été soumise" % claim["id"])
    # A refused claim can be corrected and submitted again only when the sandbox is told so.
    claim.update(submitted=False, reject_reason=None, comment="")
    claim = _fill(state, req, claim, CLAIM_PARAMS)
    if (param(req, "Submit", required=False) or "").lower() == "true":
        return _submit(state, claim)
    return _claim_reply(state, claim)


def attach_file(state, req):
    claim = _open_claim(state, req)
    name, extension = param(req, "FileName"), param(req, "FileExtension")
    document_type = param(req, "DocumentType").upper()
    if document_type not in DOCUMENT_TYPES:
        bad_request("DocumentType invalide : %s (attendu : %s)" % (document_type, ", ".join(DOCUMENT_TYPES)))
    content = (req.json(bad_request) or {}).get("FileContent")
    try:
        raw = base64.b64decode(content or "", validate=True)
    except (binascii.Error, TypeError):
        raw = b""
    if not raw:
        bad_request("FileContent doit contenir le fichier encodé en base64")
    claim["files"].setdefault(document_type, []).append(
        {"FileName": name, "FileExtension": extension, "Size": len(raw)})
    (claim.get("refused_documents") or {}).pop(document_type, None)
    return envelope(claim_data(state, claim), message="Code 200 : document %s ajouté" % document_type)


def _submit(state, claim):
    data = claim_data(state, claim)
    if data["ValidationErrors"]:
        return envelope(data, False, "La demande comporte des erreurs", "La demande ne peut pas être soumise")
    claim["submitted"] = True
    claim["status"] = st.ECOLOGIC_WAITING
    return envelope(claim_data(state, claim), message="Demande soumise")


def submit_claim(state, req):
    return _submit(state, _open_claim(state, req))


def claim_status(state, req):
    return envelope(claim_data(state, _find_claim(state, req)))


# ------------------------------------------------------------ support requests
def _support_reply(state, request):
    errors = body_errors(state, request["body"])
    data = {"EcoOrganizationId": ECOLOGIC_ID, "RequestId": request["id"], "ClaimId": request.get("claim_id"),
            "IsValid": not errors, "LastStatus": SUPPORT_INCOMPLETE if errors else SUPPORT_ELIGIBLE,
            "Comment": "", "CreateDate": request["created"], "ValidationErrors": errors}
    return Reply(206 if errors else 200, envelope(data))


def _find_support_request(state, req):
    request_id = req.query.get("requestid") or req.query.get("claimid")
    request = state.support_requests.get(to_number(request_id))
    if request is None:
        fail(404, "Demande de soutien introuvable : %s" % request_id)
    return request


def create_support_request(state, req):
    request = _fill(state, req, {"id": state.new_number(), "created": now_iso()}, SUPPORT_PARAMS)
    state.support_requests[request["id"]] = request
    return _support_reply(state, request)


def update_support_request(state, req):
    return _support_reply(state, _fill(state, req, _find_support_request(state, req), SUPPORT_PARAMS))


def support_request_status(state, req):
    return _support_reply(state, _find_support_request(state, req))


ROUTES = {
    ("GET", "printbrandlist"): brands,
    ("GET", "printproducttypelist"): lambda state, req: product_types(state, req, False),
    ("GET", "printproducttypewithlabellist"): lambda state, req: product_types(state, req, True),
    ("GET", "getrepairsitesbyats"): lambda state, req: state.reference["repair_sites"],
    ("GET", "getdepositsitesbyats"): lambda state, req: state.reference["deposit_sites"],
    ("GET", "calculateecosupport"): calculate,
    ("GET", "getecoorganization"): eco_organization,
    ("POST", "createclaim"): create_claim,
    ("POST", "attachfile"): attach_file,
    ("POST", "updateclaim"): update_claim,
    ("POST", "submitclaim"): submit_claim,
    ("GET", "getclaimstatus"): claim_status,
    ("POST", "createsupportrequest"): create_support_request,
    ("POST", "updatesupportrequest"): update_support_request,
    ("GET", "getsupportrequeststatus"): support_request_status,
}


def handle(state, req):
    """Route an Ecologic request; returns a Reply, an envelope or the bare ResponseData (wrapped here)."""
    if (req.headers.get("api_key") or "") != state.api_key:
        fail(401, "Clé API absente ou invalide")
    req.query = {key.lower(): value for key, value in req.query.items()}
    handler = ROUTES.get((req.method, req.path.strip("/").lower()))
    if handler is None:
        fail(404, "Ressource inconnue : %s %s" % (req.method, req.path))
    with state.lock:
        result = handler(state, req)
    if isinstance(result, Reply) or (isinstance(result, dict) and "ResponseData" in result):
        return result
    return envelope(result)
