"""Emulation of the ecosystem "API réparateurs" (spec §1), mounted under /ecosystem."""

import re
import uuid

from . import state as st
from .common import Reply, lookup, missing_fields, now_iso, parse_day, to_number

FILE_TYPES = ("invoice", "serial_tag", "device_picture", "claim_request")
REQUIRED_FILE_TYPES = ("invoice", "serial_tag", "claim_request")
HOME_REPAIR_PLACE = "2000000"

REQUIRED_FIELDS = (
    "RepairDate", "PurchaseOrderByCustomer", "RepairerId", "RepairPlaceID",
    "Product.ProductID", "Product.BrandID", "Product.ProductIdentificationNumber",
    "Customer.LastName", "Customer.FirstName", "Customer.Email", "Customer.PostalCode", "Customer.City",
    "Bill.TotalAmountInclVAT.amount", "Bill.TotalAmountInclVAT.currency",
    "Bill.AmountCovered.amount", "Bill.AmountCovered.currency",
)

HTTP_STATUS_NAMES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}


def error_body(state, status, code, message):
    """The error body of spec §1.2: the HTTP status in ``code``, the business code in ``status``. With the
    demo ``extras``, the other way round (the business code in ``code``), as some clients read it."""
    if state.extras:
        return {"error": {"code": code, "status": HTTP_STATUS_NAMES.get(status, "ERROR"), "message": message}}
    return {"error": {"code": status, "status": code, "message": message}}


def fail(status, code, message):
    """Answer with the error body of spec §1.2 (``handle`` turns it into the extras' shape when asked)."""
    raise Reply(status, {"error": {"code": status, "status": code, "message": message}})


def bad_request(message):
    fail(400, "REQUETE_INVALIDE", message)


# ---------------------------------------------------------------- serialisation
def _periods(periods, until_key, value_key, api_value_key):
    return [
        {"AmountValidFrom": p["valid_from"], until_key: p["valid_until"],
         api_value_key: "%.2f" % p[value_key], "Currency": "EUR"}
        for p in periods
    ]


def product_json(product, brands):
    return {
        "ProductID": product["ecosystem_id"],
        "ProductName": product["name"],
        "ProductEligibleFrom": product["eligible_from"],
        "ProductEligibleUntil": product["eligible_until"],
        "Brands": [{"BrandID": b["ecosystem_id"], "BrandName": b["name"], "isEcosystemBrand": b["ecosystem"]}
                   for b in brands],
        "RepairCode": [{"Code": c["code"], "Description": c["label"]} for c in product["repair_codes"]],
        "Amounts": _periods(product["amounts"], "AmountValidUntil", "amount", "Amount"),
        "ProductSheet": {"Type": product["sheet"], "ExpectedIdType": "SERIAL_NUMBER",
                         "DefectIdType": "REPAIR_CODE", "ValidFrom": product["eligible_from"], "ValidTo": None},
        "Threshold": _periods(product["thresholds"], "AmountValidTo", "minimum", "MinimumAmount"),
    }


def _repairer(state):
    partner = state.reference["partner"]
    return {k: v for k, v in partner.items() if k not in ("RepairPlaces", "BusinessSheets")}


def _attached_files(claim):
    return [{k: f[k] for k in ("FileName", "FileType", "FileSizeInMB")} for f in claim["files"].values()]


def claim_summary(state, claim):
    """ClaimSentInfos (list item)."""
    payload = claim["payload"]
    return {
        "CreationDate": claim["created"],
        "RepairDate": payload["RepairDate"],
        "ReimbursementClaimID": claim["id"],
        "PurchaseOrderByCustomer": payload["PurchaseOrderByCustomer"],
        "Repairer": _repairer(state),
        "SapServiceOrder": claim["SapServiceOrder"],
        "RequestStatus": claim["status"],
        "AttachedFiles": _attached_files(claim),
    }


def claim_details(state, claim):
    """ClaimDetails; PaidAmount/PaymentDate are demo extras (``state.extras``), filled once paid."""
    payload = claim["payload"]
    sent = payload["Product"]
    product = state.find_product(sent["ProductID"]) or {}
    brand = state.find_brand(sent["BrandID"], st.ECOSYSTEM) or {}
    places = {p["RepairPlaceID"]: p for p in state.reference["partner"]["RepairPlaces"]}
    details = claim_summary(state, claim)
    details.update({
        "Bill": payload["Bill"],
        "RepairPlace": places.get(payload["RepairPlaceID"], {"RepairPlaceID": payload["RepairPlaceID"]}),
        "Product": {
            "BrandName": brand.get("name") or sent.get("PartnerProduct"),
            "ProductSubCategory": product.get("name"),
            "RepairTypeCode": sent.get("RepairTypeCode"),
            "ProductName": product.get("name"),
            "CommercialReference": sent.get("CommercialReference"),
            "ProductIdentificationNumber": sent.get("ProductIdentificationNumber"),
            "RepairDescription": sent.get("RepairDescription"),
            "ProductId": sent["ProductID"],
            "BrandId": sent["BrandID"],
            "PartnerProduct": sent.get("PartnerProduct"),
            "IrisCode": sent.get("IrisCode"),
        },
        "RejectReason": claim["reject_reason"],
        "Customer": payload["Customer"],
        "SpareParts": payload.get("SpareParts") or {},
    })
    if state.extras and claim["paid_amount"] is not None:
        details["PaidAmount"] = {"amount": "%.2f" % claim["paid_amount"], "currency": "EUR"}
        details["PaymentDate"] = claim["payment_date"]
    return details


# ------------------------------------------------------------------- validation
def validate_new_claim(state, payload):
    if not isinstance(payload, dict):
        bad_request("Le corps de la demande doit être un objet JSON")
    missing = missing_fields(payload, REQUIRED_FIELDS)
    if not (lookup(payload, "Product.RepairTypeCode") or lookup(payload, "Product.IrisCode")):
        missing.append("Product.RepairTypeCode ou Product.IrisCode")
    if missing:
        fail(400, "CHAMP_OBLIGATOIRE", "Champ(s) obligatoire(s) manquant(s) : %s" % ", ".join(missing))
    if not parse_day(payload["RepairDate"]) or len(str(payload["RepairDate"])) != 10:
        fail(400, "FORMAT_INVALIDE", "Le champ RepairDate doit être au format AAAA-MM-JJ")
    for path in ("Bill.TotalAmountInclVAT.amount", "Bill.AmountCovered.amount", "Bill.SparePartsCost.amount"):
        if lookup(payload, path) is not None and to_number(lookup(payload, path)) is None:
            fail(400, "FORMAT_INVALIDE", "Le champ %s doit être un nombre" % path)
    if str(payload["RepairerId"]) not in state.repairer_ids:
        fail(403, "REPARATEUR_NON_AUTORISE", "Le réparateur %s n'est pas autorisé pour ce compte"
             % payload["RepairerId"])
    places = {p["RepairPlaceID"] for p in state.reference["partner"]["RepairPlaces"]}
    if str(payload["RepairPlaceID"]) not in places | {HOME_REPAIR_PLACE, str(payload["RepairerId"])}:
        fail(400, "VALEUR_INVALIDE", "Le champ RepairPlaceID est inconnu : %s" % payload["RepairPlaceID"])
    _validate_product(state, payload["Product"])


def _validate_product(state, sent):
    product = state.find_product(sent["ProductID"])
    if product is None or product["ecosystem_id"] != sent["ProductID"]:
        fail(400, "VALEUR_INVALIDE", "Le champ Product.ProductID est inconnu : %s" % sent["ProductID"])
    if sent["BrandID"] == "0000":
        if not sent.get("PartnerProduct"):
            fail(400, "CHAMP_OBLIGATOIRE", "Champ(s) obligatoire(s) manquant(s) : Product.PartnerProduct")
    else:
        brand = state.find_brand(sent["BrandID"], st.ECOSYSTEM)
        if brand is None:
            fail(400, "VALEUR_INVALIDE", "Le champ Product.BrandID est inconnu : %s" % sent["BrandID"])
        if not brand["ecosystem"]:
            fail(400, "VALEUR_INVALIDE", "La marque %s (Product.BrandID) relève d'Ecologic" % brand["name"])
    codes = {c["code"] for c in product["repair_codes"]}
    if sent.get("RepairTypeCode") and sent["RepairTypeCode"] not in codes:
        fail(400, "VALEUR_INVALIDE", "Le champ Product.RepairTypeCode est inconnu pour ce produit : %s"
             % sent["RepairTypeCode"])


# --------------------------------------------------------------------- handlers
def login(state, req):
    body = req.json(bad_request) or {}
    if body.get("username") != state.username or body.get("password") != state.password:
        fail(401, "IDENTIFIANTS_INVALIDES", "Nom d'utilisateur ou mot de passe incorrect")
    return {"IdToken": state.issue_token(), "ExpiresIn": str(state.token_ttl),
            "AllowedRepairer": list(state.repairer_ids), "isIntermediary": False}


def catalog(state, req):
    try:
        offset = int(req.query.get("offset") or 0)
        limit = int(req.query["limit"]) if req.query.get("limit") else None
    except ValueError:
        bad_request("Les paramètres limit et offset doivent être des entiers")
    products = state.reference["products"]
    page = products[offset:offset + limit if limit is not None else None]
    brands = state.reference["brands"]
    return {"total": len(products), "results": [product_json(p, brands) for p in page]}


def partners(state, req):
    return {"Items": [state.reference["partner"]]}


def new_claim(state, req):
    payload = req.json(bad_request)
    validate_new_claim(state, payload)
    claim = {
        "id": str(uuid.uuid4()), "status": st.ECOSYSTEM_DRAFT, "created": now_iso(), "payload": payload,
        "files": {}, "SapServiceOrder": None, "reject_reason": None, "comment": "",
        "bonus": to_number(lookup(payload, "Bill.AmountCovered.amount")),
        "paid_amount": None, "payment_date": None,
    }
    state.ecosystem_claims[claim["id"]] = claim
    return {"ReimbursementClaimID": claim["id"], "RequestStatus": claim["status"],
            "RepairDate": payload["RepairDate"], "PurchaseOrderByCustomer": payload["PurchaseOrderByCustomer"],
            "AttachedFiles": [], "CreationDate": claim["created"]}


def _find_claim(state, claim_id):
    try:
        return state.claim(st.ECOSYSTEM, claim_id)
    except KeyError:
        fail(404, "DEMANDE_INCONNUE", "Demande de remboursement introuvable : %s" % claim_id)


def _draft_claim(state, claim_id):
    claim = _find_claim(state, claim_id)
    if claim["status"] != st.ECOSYSTEM_DRAFT:
        fail(400, "STATUT_INVALIDE", "La demande %s n'est plus modifiable (statut : %s)"
             % (claim_id, claim["status"]))
    return claim


def upload_file(state, req, claim_id):
    claim = _draft_claim(state, claim_id)
    body = req.json(bad_request) or {}
    missing = missing_fields(body, ("FileName", "FileType", "FileSizeInMB"))
    if missing:
        fail(400, "CHAMP_OBLIGATOIRE", "Champ(s) obligatoire(s) manquant(s) : %s" % ", ".join(missing))
    if body["FileType"] not in FILE_TYPES:
        fail(400, "VALEUR_INVALIDE", "Le champ FileType doit valoir : %s" % ", ".join(FILE_TYPES))
    if body["FileType"] in claim["files"]:
        fail(400, "TYPE_DE_FICHIER_EXISTANT", "Un fichier de type %s existe déjà pour cette demande"
             % body["FileType"])
    token = uuid.uuid4().hex
    claim["files"][body["FileType"]] = {"FileName": body["FileName"], "FileType": body["FileType"],
                                        "FileSizeInMB": body["FileSizeInMB"], "content": None}
    state.uploads[token] = (claim["id"], body["FileType"])
    return {"url": "%s/ecosystem/_s3/%s?X-Amz-Expires=900&X-Amz-Signature=%s"
                   % (req.host_url, token, uuid.uuid4().hex)}


def put_object(state, req, token):
    """The pre-signed "S3" URL: stores the raw bytes in the claim's file slot."""
    if token not in state.uploads:
        raise Reply(403, b"<Error><Code>AccessDenied</Code></Error>", {"Content-Type": "application/xml"})
    claim_id, file_type = state.uploads[token]
    state.claim(st.ECOSYSTEM, claim_id)["files"][file_type]["content"] = req.body
    return Reply(200, None)


def confirm_claim(state, req, claim_id):
    claim = _draft_claim(state, claim_id)
    missing = [t for t in REQUIRED_FILE_TYPES if not (claim["files"].get(t) or {}).get("content")]
    if missing:
        fail(400, "PIECE_JOINTE_MANQUANTE", "Pièce(s) jointe(s) manquante(s) : %s" % ", ".join(missing))
    claim["status"] = st.ECOSYSTEM_SENT
    claim["SapServiceOrder"] = "40%08d" % state.new_number()
    return {"RequestStatus": claim["status"], "SapServiceOrder": claim["SapServiceOrder"]}


def list_claims(state, req):
    items = [claim_summary(state, c) for c in state.ecosystem_claims.values()]
    return {"Items": items, "Count": len(items)}


def get_claim(state, req, claim_id):
    return {"Items": [claim_details(state, _find_claim(state, claim_id))], "Count": 1}


def delete_claim(state, req, claim_id):
    claim = _find_claim(state, claim_id)
    if claim["status"] != st.ECOSYSTEM_DRAFT:
        fail(400, "SUPPRESSION_IMPOSSIBLE", "Seule une demande « En cours de création » peut être supprimée")
    del state.ecosystem_claims[claim["id"]]
    return Reply(204, None)


ROUTES = [
    ("POST", r"/login", login),
    ("GET", r"/catalog", catalog),
    ("GET", r"/partners", partners),
    ("POST", r"/reimbursement-claims/new_claim", new_claim),
    ("POST", r"/reimbursement-claims/([^/]+)/upload-file", upload_file),
    ("POST", r"/reimbursement-claims/([^/]+)/confirm-claim", confirm_claim),
    ("GET", r"/reimbursement-claims", list_claims),
    ("GET", r"/reimbursement-claims/([^/]+)", get_claim),
    ("DELETE", r"/reimbursement-claims/([^/]+)", delete_claim),
    ("PUT", r"/_s3/([^/]+)", put_object),
]
PUBLIC = (login, put_object)


def handle(state, req):
    """Route an ecosystem request; returns a Reply or a JSON-able body."""
    try:
        return _route(state, req)
    except Reply as reply:
        error = reply.body.get("error") if isinstance(reply.body, dict) else None
        if state.extras and isinstance(error, dict):
            reply.body = error_body(state, reply.status, error["status"], error["message"])
        raise


def _route(state, req):
    path = req.path.rstrip("/") or "/"
    for method, pattern, handler in ROUTES:
        match = re.fullmatch(pattern, path)
        if match and method == req.method:
            if handler not in PUBLIC:
                _check_token(state, req)
            with state.lock:
                return handler(state, req, *match.groups())
    fail(404, "RESSOURCE_INCONNUE", "Ressource inconnue : %s %s" % (req.method, req.path))


def _check_token(state, req):
    auth = req.headers.get("Authorization") or ""
    if not auth.startswith("Bearer ") or not state.token_valid(auth[len("Bearer "):].strip()):
        fail(401, "NON_AUTORISE", "Jeton d'authentification absent, invalide ou expiré")
