"""Client of the ecosystem "API réparateurs" (spec eco-organism-apis.md §1)."""

import time

from .common import ApiError, AuthenticationError, BaseClient

ENVIRONMENT_URLS = {
    "sandbox": "https://sandbox-api-reparateurs.ecosystem.eco",
    "preprod": "https://ppr-api-reparateurs.ecosystem.eco",
    "prod": "https://prod-api-reparateurs.ecosystem.eco",
}

FILE_TYPE_INVOICE = "invoice"
FILE_TYPE_SERIAL_TAG = "serial_tag"
FILE_TYPE_DEVICE_PICTURE = "device_picture"
FILE_TYPE_CLAIM_REQUEST = "claim_request"
FILE_TYPES = (FILE_TYPE_INVOICE, FILE_TYPE_SERIAL_TAG, FILE_TYPE_DEVICE_PICTURE, FILE_TYPE_CLAIM_REQUEST)

# RequestStatus values (spec §1.6)
STATUS_DRAFT = "En cours de création"
STATUS_SENT = "Envoyé, en cours vérification"
STATUS_SENT_CONFIRMING = "Envoyé, en cours de confirmation"
STATUS_APPROVED = "Approuvé, en cours rembourst"
STATUS_PAID = "Remboursement effectué"
STATUS_REJECTED = "Rejeté"
STATUS_CANCELLED = "Annulé"
STATUSES = (STATUS_DRAFT, STATUS_SENT, STATUS_SENT_CONFIRMING, STATUS_APPROVED, STATUS_PAID, STATUS_REJECTED,
            STATUS_CANCELLED)

# The claim's documents (their kinds on the Odoo side) onto the FileType of their slot
DOCUMENT_FILE_TYPES = {"invoice": FILE_TYPE_INVOICE, "nameplate": FILE_TYPE_SERIAL_TAG,
                       "device_picture": FILE_TYPE_DEVICE_PICTURE, "consumer_validation": FILE_TYPE_CLAIM_REQUEST}
# The statuses, by their beginning (lower case), onto the claim's states. "Remboursement effectué" only says
# ecosystem has finished with the claim: the money is known from the remittance.
REMOTE_STATES = (
    ("en cours de création", "sending"), ("envoyé", "sent"), ("approuvé", "approved"),
    ("remboursement effectué", "closed"), ("rejeté", "rejected"), ("annulé", "cancel"),
)

# A file slot cannot be uploaded twice; a draft missing a file is not confirmed (spec §1.5)
ERROR_MISSING_ATTACHMENT = "PIECE_JOINTE_MANQUANTE"
ERROR_FILE_TYPE_EXISTS = "TYPE_DE_FICHIER_EXISTANT"

CATALOG_FLAGS = {"brands": "true", "repair-codes": "true", "reimbursement-amounts": "true",
                 "product-sheets": "true", "threshold": "true", "ecologic": "true"}
PARTNER_FLAGS = {"subcontractor": "false", "repair-places": "true", "business-sheets": "true"}


class EcosystemClient(BaseClient):
    """ecosystem API: login with a username/password, then Bearer token on every call.

    The token is cached until shortly before it expires; a 401 on a call triggers one new login and one retry.
    Other keyword arguments go to :class:`BaseClient` (timeout, retries, backoff_factor, session).
    """

    organism = "ecosystem"
    permanent_codes = frozenset({ERROR_MISSING_ATTACHMENT, ERROR_FILE_TYPE_EXISTS})
    environment_urls = ENVIRONMENT_URLS
    file_types = DOCUMENT_FILE_TYPES
    remote_states = REMOTE_STATES
    withdraws_drafts = True

    def __init__(self, base_url, username, password, **kwargs):
        super().__init__(base_url, **kwargs)
        self.username = username
        self.password = password
        self.token = None
        self.token_expires_at = 0.0
        self.repairer_ids = []
        self.is_intermediary = False

    def _error_details(self, payload):
        """Spec §1.2: ``{"error": {"code": <HTTP status>, "status": "<business code>", "message"}}``. Some
        clients read the business code in ``code``: it is taken from either place (a number is the HTTP one)."""
        error = payload.get("error")
        if not isinstance(error, dict):
            return str(payload.get("message") or ""), None, []
        candidates = [str(value).strip() for value in (error.get("status"), error.get("code"))
                      if value not in (None, "") and not str(value).strip().isdigit()]
        known = [value for value in candidates if value in self.permanent_codes]
        code = (known or candidates or [None])[0]
        return str(error.get("message") or ""), code, []

    # -------------------------------------------------------------- auth
    def login(self):
        """Log in; caches the IdToken and its expiry. Returns the login answer (IdToken, ExpiresIn,
        AllowedRepairer, isIntermediary)."""
        try:
            data = self._request("POST", "login", json={"username": self.username, "password": self.password})
        except AuthenticationError as exc:
            exc.message = self._("ecosystem refused the credentials: check the API user name and password "
                                 "(HTTP %(status)s).", status=exc.status_code)
            exc.args = (exc.message,)
            raise
        data = data or {}
        try:
            ttl = float(data.get("ExpiresIn") or 3600)
        except (TypeError, ValueError):
            ttl = 3600.0
        self.token = data.get("IdToken") or data.get("AccessToken")
        self.token_expires_at = time.monotonic() + ttl - min(60.0, ttl / 10)
        self.repairer_ids = [str(r) for r in data.get("AllowedRepairer") or []]
        self.is_intermediary = bool(data.get("isIntermediary"))
        return data

    def check_connection(self):
        self.login()
        return self._("Repairer accounts: %(accounts)s", accounts=", ".join(self.repairer_ids) or self._("none"))

    def _token(self):
        if not self.token or time.monotonic() >= self.token_expires_at:
            self.login()
        return self.token

    def _call(self, method, path, **kwargs):
        """An authenticated call; on a 401, log in again once and retry."""
        for attempt in (1, 2):
            headers = {"Accept": "application/json", "Authorization": "Bearer %s" % self._token()}
            try:
                return self._request(method, path, headers=headers, **kwargs)
            except AuthenticationError as exc:
                if attempt == 2 or exc.status_code != 401:
                    raise
                self.token = None

    # ---------------------------------------------------------- reference
    def get_catalog(self, limit=None):
        """The products of the catalogue (list of Product dicts: ProductID, Brands, RepairCode, Amounts,
        ProductSheet, Threshold...)."""
        params = dict(CATALOG_FLAGS)
        if limit:
            params["limit"] = limit
        data = self._call("GET", "catalog", params=params) or {}
        if isinstance(data, list):
            return data
        return data.get("results") or data.get("items") or data.get("Items") or []

    def get_partners(self):
        """The repairer's Partner dicts (RepairerID, RepairPlaces, BusinessSheets...)."""
        data = self._call("GET", "partners", params=PARTNER_FLAGS) or {}
        return data.get("Items") or []

    # -------------------------------------------------------------- claims
    def new_claim(self, payload):
        """Create a draft claim (NewClaim body of spec §1.4); returns {ReimbursementClaimID, RequestStatus...}."""
        return self._call("POST", "reimbursement-claims/new_claim", json=payload)

    def request_upload_url(self, claim_id, file_name, file_type, size_mb):
        """Ask for a pre-signed upload URL for one file slot; returns the URL."""
        body = {"FileName": file_name, "FileType": file_type, "FileSizeInMB": round(float(size_mb), 3)}
        data = self._call("POST", "reimbursement-claims/%s/upload-file" % claim_id, json=body) or {}
        return data.get("url") or data.get("Url")

    def upload_to_url(self, url, content, content_type="application/octet-stream"):
        """PUT the raw bytes to a pre-signed URL (no API authentication header)."""
        self._request("PUT", url, expect_json=False, data=content, headers={"Content-Type": content_type})

    def upload_file(self, claim_id, file_name, file_type, content, content_type="application/octet-stream"):
        """Both upload steps for one file; returns the pre-signed URL used."""
        url = self.request_upload_url(claim_id, file_name, file_type, len(content) / (1024 * 1024))
        self.upload_to_url(url, content, content_type)
        return url

    def confirm_claim(self, claim_id):
        """Submit the claim for checking; returns {RequestStatus, SapServiceOrder}."""
        return self._call("POST", "reimbursement-claims/%s/confirm-claim" % claim_id) or {}

    def list_claims(self):
        """The account's claims (ClaimSentInfos dicts)."""
        data = self._call("GET", "reimbursement-claims") or {}
        return data.get("Items") or []

    def get_claim(self, claim_or_sap_id):
        """Details of a claim found by its ReimbursementClaimID or SapServiceOrder (ClaimDetails dict, or {})."""
        data = self._call("GET", "reimbursement-claims/%s" % claim_or_sap_id) or {}
        items = data.get("Items") or []
        return items[0] if items else {}

    def delete_claim(self, claim_id):
        """Delete a draft claim (only possible while "En cours de création")."""
        self._call("DELETE", "reimbursement-claims/%s" % claim_id, expect_json=False)

    # ------------------------------------------------------- a claim's steps
    def make_claim(self, job, report):
        """``job["create"]``: the keyword arguments of :meth:`new_claim`. A creation whose answer was lost
        (``job["look_up"]``) is first looked for among the account's claims by our reference."""
        found = job["look_up"] and next((c for c in self.list_claims()
                                         if c.get("PurchaseOrderByCustomer") == job["reference"]), None)
        answer = found or self.new_claim(**job["create"])
        ref = str(answer["ReimbursementClaimID"])
        report("created", job["id"], {"ref": ref, "status": answer.get("RequestStatus"), "answer": answer,
                                      "found": bool(found), "errors": []})
        return ref

    def attach(self, ref, document):
        self.upload_file(ref, document["name"], self.file_types[document["kind"]], document["content"],
                         document.get("mimetype") or "application/octet-stream")

    def submit(self, job, ref):
        answer = self.confirm_claim(ref)
        return {"answer": answer, "status": answer.get("RequestStatus"), "refused": None}

    def read_claim(self, ref):
        details = self.get_claim(ref)
        return {"status": details.get("RequestStatus"),
                "reason": details.get("RejectReason") or details.get("RequestStatus"), "errors": [],
                "documents": []}

    def draft_unusable(self, error):
        """A document slot filled already, or one missing: the draft cannot be completed; a 404: it is gone
        (deleted by an attempt whose answer was lost)."""
        return isinstance(error, ApiError) and (
            error.code in (ERROR_FILE_TYPE_EXISTS, ERROR_MISSING_ATTACHMENT) or error.status_code == 404)
