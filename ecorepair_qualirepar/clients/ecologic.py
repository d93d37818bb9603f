"""Client of the Ecologic "API GesCo Fonds Réparations EEE" (spec eco-organism-apis.md §2).

Every method returns the ``ResponseData`` of the answer envelope. An HTTP 206 (claim created or updated but
``ValidationErrors`` remain) does not raise: read them with :func:`validation_errors`. A submit answered 200 with
``IsValid: false`` is returned as well: the caller decides.
"""

import base64
from datetime import date, datetime

from .common import BaseClient, TemporaryError

ENVIRONMENT_URLS = {
    "preprod": "https://preprod-apiecologic.e-reparateur.eco/api/v1/ecosupport/",
    "prod": "https://apiecologic.e-reparateur.eco/api/v1/ecosupport/",
}

ECO_ORGANIZATION_ECOLOGIC = 44
ECO_ORGANIZATION_ECOSYSTEM = 45

DOCUMENT_TYPE_INVOICE = "INVOICE"
DOCUMENT_TYPE_NAMEPLATE = "NAMEPLATE"
DOCUMENT_TYPE_PRODUCT_PICTURE = "PRODUCTPICTURE"
DOCUMENT_TYPE_CONSUMER_VALIDATION = "CONSUMERVALIDATION"
DOCUMENT_TYPES = (DOCUMENT_TYPE_INVOICE, DOCUMENT_TYPE_NAMEPLATE, DOCUMENT_TYPE_PRODUCT_PICTURE,
                  DOCUMENT_TYPE_CONSUMER_VALIDATION)

# LastStatus labels (spec §2.7; "Accepté"/"Refusé" are the v2 labels). "Remboursement accepté" is accepted for
# payment, not paid; only "Clôturée" ends the claim.
STATUS_TO_FINALIZE = "A finaliser"
STATUS_INCOMPLETE = "Dossier incomplet"
STATUS_WAITING = "En attente de validation administrateur"
STATUS_ACCEPTED = "Accepté"
STATUS_REFUSED = "Refusé"
STATUS_PAYMENT_ACCEPTED = "Remboursement accepté"
STATUS_CLOSED = "Clôturée"

# Start of the validation error that stays until the required files are attached (spec §2.6)
ATTACHMENTS_REQUIRED_MESSAGE = "Des pièces jointes sont requises"


def validation_errors(data, ignore_attachments=False):
    """The blocking ``ValidationErrors`` of a ResponseData as ``[{"field", "message"}]``.

    Only errors (``MessageType`` "E" or absent) are kept; ``ignore_attachments`` drops the
    "Des pièces jointes sont requises…" error (expected until the files are attached).
    """
    errors = []
    for error in (data or {}).get("ValidationErrors") or []:
        if (error.get("MessageType") or "E").upper() != "E":
            continue
        message = error.get("ErrorMessage") or ""
        if ignore_attachments and message.startswith(ATTACHMENTS_REQUIRED_MESSAGE):
            continue
        errors.append({"field": error.get("Field") or "", "message": message})
    return errors


def _coded(items):
    """Plain strings or {Code, Label} dicts, as [{"code", "label"}] (the label defaults to the code)."""
    result = []
    for item in items or []:
        if isinstance(item, dict):
            code = item.get("Code") or item.get("code") or ""
            result.append({"code": code, "label": item.get("Label") or item.get("label") or code})
        else:
            result.append({"code": str(item), "label": str(item)})
    return result


def _format_date(value):
    """A date as YYYY-MM-DD, a datetime as YYYY-MM-DDTHH:MM:SS, a string unchanged."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class EcologicClient(BaseClient):
    """Ecologic API: ``api_key`` header on every call, answers wrapped in an envelope.

    Keyword arguments go to :class:`BaseClient` (timeout, retries, backoff_factor, session).
    """

    organism = "Ecologic"

    def __init__(self, base_url, api_key, **kwargs):
        super().__init__(base_url, **kwargs)
        self.api_key = api_key

    def _error_details(self, payload):
        message = payload.get("ResponseErrorMessage") or payload.get("ResponseMessage") or payload.get("Message")
        data = payload.get("ResponseData")
        return str(message or ""), None, validation_errors(data if isinstance(data, dict) else None)

    def _call(self, method, route, params=None, body=None):
        """Call a route; returns the envelope's ResponseData."""
        headers = {"api_key": self.api_key, "Accept": "application/json"}
        params = {key: _format_date(value) for key, value in (params or {}).items() if value is not None}
        envelope = self._request(method, route, params=params, json=body, headers=headers)
        if not isinstance(envelope, dict):
            raise TemporaryError("Réponse inattendue d'Ecologic : l'enveloppe ResponseData est absente.",
                                 payload=envelope)
        return envelope.get("ResponseData")

    # ---------------------------------------------------------- reference
    def get_brands(self):
        """Brands handled by Ecologic: [{"BrandName", "BrandId"}] (BrandId is a numeric string)."""
        return self._call("GET", "printbrandlist") or []

    def get_product_types(self, with_labels=True):
        """Product types: [{"ProductId", "ProductName", "EligibilityStartDate", "EligibilityEndDate",
        "RepairCodes": [{"code", "label"}], "IRISSymptoms": [{"code", "label"}]}].

        The API's misspelt ``IRISSymtoms`` (or ``IRISSymptoms``) and its plain-string or {Code, Label}
        lists are normalised into the two lists above.
        """
        route = "printproducttypewithlabellist" if with_labels else "printproducttypelist"
        products = []
        for item in self._call("GET", route) or []:
            product = {key: value for key, value in item.items() if key not in ("IRISSymtoms", "IRISSymptoms")}
            product["RepairCodes"] = _coded(item.get("RepairCodes"))
            product["IRISSymptoms"] = _coded(item.get("IRISSymtoms") or item.get("IRISSymptoms"))
            products.append(product)
        return products

    def get_repair_sites(self):
        """Repair sites of the API key: [{"SiteId" (GUID), "Name", "CommercialName", "Zip", "City"}]."""
        return self._call("GET", "getrepairsitesbyats") or []

    def get_deposit_sites(self):
        """Deposit sites, same shape as the repair sites."""
        return self._call("GET", "getdepositsitesbyats") or []

    def calculate_ecosupport(self, total_incl_vat, brand_id, product_id, repair_code=None, iris_symptom=None,
                             repair_date=None, currency="EUR"):
        """The first ResponseData item: {"SupportAmount", "EcoOrganizationId"} (all the spec knows, §4; the
        repair date's parameter name is not known, ``repairDate`` is a guess an API may ignore)."""
        data = self._call("GET", "calculateecosupport", params={
            "totalAmountInclVAT": total_incl_vat, "totalAmountInclVATCurrency": currency, "brandId": brand_id,
            "productId": product_id, "repairCode": repair_code, "iRISSymptom": iris_symptom,
            "repairDate": repair_date,
        })
        if isinstance(data, list):
            return data[0] if data else {}
        return data or {}

    def get_eco_organization(self, brand_id, product_id):
        """The organisation handling a brand/product: {"EcoOrganizationId": 44 (Ecologic) or 45 (ecosystem)}."""
        return self._call("GET", "getecoorganization", params={"brandId": brand_id, "productId": product_id})

    # -------------------------------------------------------------- claims
    @staticmethod
    def _claim_params(repair_end_date, repair_site_id, invoice_number, quote_number):
        return {"RepairEndDate": repair_end_date, "RepairSiteId": repair_site_id,
                "ConsumerInvoiceNumber": invoice_number, "QuoteNumber": quote_number}

    def create_claim(self, body, repair_end_date, repair_site_id, invoice_number, quote_number, request_id=None):
        """Create a claim from a ClaimBody (spec §2.5). Returns ResponseData {ClaimId, RequestId, IsValid,
        LastStatus, Comment, CreateDate, ValidationErrors, EcoOrganizationId}."""
        params = self._claim_params(repair_end_date, repair_site_id, invoice_number, quote_number)
        params["RequestId"] = request_id
        return self._call("POST", "createclaim", params=params, body=body)

    def attach_file(self, claim_id, file_name, file_extension, document_type, content):
        """Attach one document (bytes, sent base64-encoded); returns the claim's ResponseData."""
        params = {"ClaimId": claim_id, "FileName": file_name, "FileExtension": file_extension.lstrip("."),
                  "DocumentType": document_type.upper()}
        body = {"FileContent": base64.b64encode(content).decode("ascii")}
        return self._call("POST", "AttachFile", params=params, body=body)

    def update_claim(self, claim_id, body, repair_end_date, repair_site_id, invoice_number, quote_number,
                     submit=False):
        """Replace a claim's ClaimBody; ``submit=True`` also submits it. Returns the ResponseData."""
        params = self._claim_params(repair_end_date, repair_site_id, invoice_number, quote_number)
        params["ClaimId"] = claim_id
        if submit:
            params["Submit"] = "true"
        return self._call("POST", "updateclaim", params=params, body=body)

    def submit_claim(self, claim_id):
        """Submit a claim; the ResponseData says IsValid and LastStatus."""
        return self._call("POST", "submitclaim", params={"ClaimId": claim_id})

    def get_claim_status(self, claim_id):
        """ResponseData with LastStatus, Comment and the remaining ValidationErrors."""
        return self._call("GET", "GetClaimStatus", params={"ClaimId": claim_id})

    # ---------------------------------------------- legacy support requests
    def create_support_request(self, body, call_date, repair_site_id, quote_number):
        """Legacy "demande de soutien"; returns ResponseData {RequestId, IsValid, LastStatus, ValidationErrors}."""
        params = {"CallDate": call_date, "RepairSiteId": repair_site_id, "QuoteNumber": quote_number}
        return self._call("POST", "createsupportrequest", params=params, body=body)

    def update_support_request(self, request_id, body, call_date, repair_site_id, quote_number):
        """Correct a support request; returns its ResponseData."""
        params = {"RequestId": request_id, "CallDate": call_date, "RepairSiteId": repair_site_id,
                  "QuoteNumber": quote_number}
        return self._call("POST", "updatesupportrequest", params=params, body=body)

    def get_support_request_status(self, request_id):
        """Status of a support request (ResponseData)."""
        return self._call("GET", "getsupportrequestStatus", params={"requestId": request_id})
