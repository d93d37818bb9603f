"""Client of the Ecologic "API GesCo Fonds Réparations EEE" (spec eco-organism-apis.md §2).

Every method returns the ``ResponseData`` of the answer envelope. An HTTP 206 (claim created or updated but
``ValidationErrors`` remain) does not raise: read them with :func:`validation_errors`. A submit answered 200 with
``IsValid: false`` is returned as well: the caller decides.
"""

import base64
from datetime import date, datetime

from .common import ApiError, BaseClient, CreationUnknown, TemporaryError

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

# The claim's documents (their kinds on the Odoo side) onto their DocumentType
DOCUMENT_KIND_TYPES = {"invoice": DOCUMENT_TYPE_INVOICE, "nameplate": DOCUMENT_TYPE_NAMEPLATE,
                       "device_picture": DOCUMENT_TYPE_PRODUCT_PICTURE,
                       "consumer_validation": DOCUMENT_TYPE_CONSUMER_VALIDATION}
# How the validation errors may name a document (its DocumentType, or a French word): the ones named are attached
# again when the claim is corrected. The API does not document how a refused document is named.
DOCUMENT_WORDS = {
    "invoice": ("invoice", "facture"),
    "nameplate": ("nameplate", "plaque", "signalétique"),
    "device_picture": ("productpicture", "photo du produit", "photo de l'appareil"),
    "consumer_validation": ("consumervalidation", "validation du consommateur", "validation manuscrite",
                            "consentement"),
}
# LastStatus, by its beginning (lower case), onto the claim's states; the v2 codes and labels likewise (spec
# §2.7). "Remboursement accepté" is accepted for payment (not paid); "Clôturée" only says Ecologic has finished
# with the claim: the money is known from the remittance.
REMOTE_STATES = (
    ("dossier incomplet", "sending"), ("a finaliser", "sending"),
    ("en attente", "sent"), ("waiting", "sent"), ("arbitration", "sent"),
    ("accepté", "approved"), ("accepted", "approved"), ("valid", "approved"), ("remboursement accepté", "approved"),
    ("clôturée", "closed"), ("closedaccepted", "closed"),
    ("refusé", "rejected"), ("refused", "rejected"), ("notvalid", "rejected"), ("notconform", "rejected"),
    ("non conforme", "rejected"),
    ("annulé", "cancel"), ("cancelled", "cancel"),
)

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


def named_documents(data):
    """The kinds of the documents that the ``ValidationErrors`` of a ResponseData name (all of them, warnings
    included), in the order of :data:`DOCUMENT_WORDS`."""
    text = " ".join(f"{e.get('Field') or ''} {e.get('ErrorMessage') or ''}"
                    for e in (data or {}).get("ValidationErrors") or []).casefold()
    return [kind for kind, words in DOCUMENT_WORDS.items() if any(word in text for word in words)]


def claim_errors(data):
    """What a person is to correct: {"errors": the blocking ValidationErrors but the attachments still to come,
    "documents": the kinds of the documents they name}."""
    return {"errors": validation_errors(data, ignore_attachments=True), "documents": named_documents(data)}


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
    # No public sandbox: its pre-production stands in for it.
    environment_urls = dict(ENVIRONMENT_URLS, sandbox=ENVIRONMENT_URLS["preprod"])
    file_types = DOCUMENT_KIND_TYPES
    remote_states = REMOTE_STATES
    corrects_claims = True

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
            raise TemporaryError(self._("Unexpected answer from Ecologic: the ResponseData envelope is missing."),
                                 payload=envelope)
        return envelope.get("ResponseData")

    def check_connection(self):
        return self._("%(count)s repair site(s) attached to this key.", count=len(self.get_repair_sites()))

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

    # ------------------------------------------------------- a claim's steps
    def make_claim(self, job, report):
        """``job["create"]``: the keyword arguments of :meth:`create_claim`. A claim is made from a support
        request (``job["request_id"]``, made first when None and ``job["use_requests"]``), whose status tells the
        ClaimId made from it: a creation whose answer was lost (``job["look_up"]``) is looked up there; when none
        is found, it is made again only if ``job["lookup_trusted"]`` (that status has been seen to tell the
        claim), else :class:`CreationUnknown` is raised."""
        create, request_id = job["create"], job.get("request_id")
        if job["look_up"]:
            if not request_id:
                raise CreationUnknown()
            claim_id = (self.get_support_request_status(request_id) or {}).get("ClaimId")
            if claim_id:
                answer = self.get_claim_status(int(claim_id)) or {}
                report("created", job["id"], {"ref": str(claim_id), "status": answer.get("LastStatus"),
                                              "answer": answer, "found": True, "trusted": True,
                                              "errors": claim_errors(answer)["errors"]})
                return str(claim_id)
            if not job["lookup_trusted"]:
                raise CreationUnknown()
        if not request_id and job.get("use_requests"):
            try:
                request = self.create_support_request(create["body"], create["repair_end_date"],
                                                      create["repair_site_id"], create["quote_number"])
            except TemporaryError as error:
                error.unprocessed = True  # no claim was asked for
                raise
            request_id = (request or {}).get("RequestId")
            if request_id:
                report("request", job["id"], {"request_id": request_id})
        answer = self.create_claim(request_id=request_id, **create)
        ref = str(answer["ClaimId"])
        trusted = job["lookup_trusted"]
        if request_id and not trusted:
            # Does the support request's status tell the claim made from it? Then a lost creation can be found.
            try:
                trusted = str((self.get_support_request_status(request_id) or {}).get("ClaimId")) == ref
            except ApiError:
                trusted = False
        report("created", job["id"], {"ref": ref, "status": answer.get("LastStatus"), "answer": answer,
                                      "found": False, "trusted": trusted, "errors": claim_errors(answer)["errors"]})
        return ref

    def attach(self, ref, document):
        self.attach_file(int(ref), document["name"], document["extension"], self.file_types[document["kind"]],
                         document["content"])

    def submit(self, job, ref):
        """A claim Ecologic found errors in (``job["update"]``: the keyword arguments of :meth:`update_claim`) is
        corrected and submitted at once; a submit answered ``IsValid: false`` is refused."""
        if job["update"]:
            answer = self.update_claim(int(ref), submit=True, **job["update"])
        else:
            answer = self.submit_claim(int(ref))
        refused = None if answer.get("IsValid", True) else claim_errors(answer)
        return {"answer": answer, "status": answer.get("LastStatus"), "refused": refused}

    def read_claim(self, ref):
        details = self.get_claim_status(int(ref)) or {}
        return dict(claim_errors(details), status=details.get("LastStatus"), reason=details.get("Comment"))
