"""In-memory state of the sandbox and its control methods (thread-safe: every access holds ``lock``)."""

import random
import threading
import time
import uuid
from datetime import date

from . import reference as ref

USERNAME = "sandbox-user"
PASSWORD = "sandbox-password"
REPAIRER_ID = ref.REPAIRER_ID
API_KEY = "00000000-0000-4000-8000-000000000001"

ECOSYSTEM = "ecosystem"
ECOLOGIC = "ecologic"
ORGANISMS = (ECOSYSTEM, ECOLOGIC)

# ecosystem RequestStatus values (spec §1.6)
ECOSYSTEM_DRAFT = "En cours de création"
ECOSYSTEM_SENT = "Envoyé, en cours vérification"
ECOSYSTEM_APPROVED = "Approuvé, en cours rembourst"
ECOSYSTEM_PAID = "Remboursement effectué"
ECOSYSTEM_REJECTED = "Rejeté"

# Ecologic LastStatus values (spec §2.7: S3's labels; "Refusé" is the v2 label, no v1 one is known)
ECOLOGIC_INCOMPLETE = "Dossier incomplet"
ECOLOGIC_TO_FINALIZE = "A finaliser"
ECOLOGIC_WAITING = "En attente de validation administrateur"
ECOLOGIC_ACCEPTED = "Remboursement accepté"  # accepted for payment, not paid
ECOLOGIC_REFUSED = "Refusé"
ECOLOGIC_CLOSED = "Clôturée"

# Reject reasons (spec §1.6), also used for Ecologic refusals (no Ecologic list is published).
REJECT_REASONS = {
    "00": "Contrôles automatisés",
    "01": "SIRET ou RCS non présent",
    "02": "Panne non éligible",
    "03": "Consommateur professionnel",
    "05": "Doublon demande traitée",
    "06": "Bonus incorrect",
    "07": "Impossible de lire la facture",
    "08": "Le bonus est absent de la facture",
    "09": "Le bonus n'est pas déduit du montant total",
    "10": "Suspicion de fraude",
    "11": "Suspicion fraude : appel conso réparation inexistante",
    "12": "Suspicion de fraude : Consommateur injoignable",
    "13": "Le document en PJ n'est pas une facture",
    "14": "PIEC (manque de consentement du consommateur)",
    "15": "Plaque signalétique du téléphone portable manquant",
}

FAULT_KINDS = ("5xx", "429", "timeout", "malformed", "token_expiry")


class SandboxState:
    """Reference data, remote claims, tokens, faults and the request log of one sandbox."""

    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    # ------------------------------------------------------------------ general
    def reset(self):
        """Back to the initial reference data, no claims, no tokens, no faults, empty log."""
        with self.lock:
            self.reference = ref.build_reference()
            self.username = USERNAME
            self.password = PASSWORD
            self.repairer_ids = [REPAIRER_ID]
            self.api_key = API_KEY
            self.token_ttl = 3600
            self.retry_after = 1
            self.tokens = {}
            self.uploads = {}
            self.ecosystem_claims = {}
            self.ecologic_claims = {}
            self.support_requests = {}
            self.next_number = 100001
            self.log = []
            self.injected = []
            # Strict by default: the spec's fields and error shapes only. ``extras`` (demos) adds what the spec does
            # not document: PaidAmount/PaymentDate, IsEligible/Message in calculateecosupport, and ecosystem's
            # business error code in "code" rather than "status".
            self.extras = False
            # Whether Ecologic lets a refused claim be corrected with updateclaim (the spec does not say).
            self.accept_refused_updates = False
            self.set_faults()

    def new_number(self):
        """A new integer identifier (Ecologic ClaimId/RequestId, SAP order suffix)."""
        with self.lock:
            self.next_number += 1
            return self.next_number

    @property
    def request_log(self):
        """A copy of the requests served: list of (method, path, status)."""
        with self.lock:
            return list(self.log)

    def record(self, method, path, status):
        with self.lock:
            self.log.append((method, path, status))

    # ---------------------------------------------------------- reference data
    def find_product(self, code):
        """The product whose key, ecosystem ProductID or Ecologic ProductId is ``code`` (case-insensitive)."""
        code = (code or "").upper()
        with self.lock:
            for product in self.reference["products"]:
                if code in (product["key"], product["ecosystem_id"].upper(), product["ecologic_id"].upper()):
                    return product
        return None

    def find_brand(self, brand_id, organism):
        """The brand whose BrandID (ecosystem) or BrandId (Ecologic) is ``brand_id``."""
        key = "ecosystem_id" if organism == ECOSYSTEM else "ecologic_id"
        with self.lock:
            for brand in self.reference["brands"]:
                if brand[key] == str(brand_id):
                    return brand
        return None

    def _product(self, code):
        product = self.find_product(code)
        if product is None:
            raise KeyError("unknown product %s" % code)
        return product

    def remove_product(self, code):
        """Make a product vanish from both catalogues."""
        with self.lock:
            product = self._product(code)
            self.reference["products"].remove(product)

    def add_product(self, key, name, sheet, amount, ecologic_id=None, valid_from="2024-01-01", **extra):
        """Add a product with one open-ended amount period; ``extra`` overrides any internal field."""
        product = ref._product(key, ecologic_id or "EEE.M9.%03d" % (len(self.reference["products"]) + 1),
                               name, sheet, "pem", None, amount, None)
        product["eligible_from"] = product["amounts"][0]["valid_from"] = valid_from
        product.update(extra)
        with self.lock:
            self.reference["products"].append(product)
        return product

    def set_amount(self, code, valid_from, amount):
        """Change the amount of the period starting on ``valid_from``, or open a new period from that day
        (the period open until then is closed the day before)."""
        with self.lock:
            amounts = self._product(code)["amounts"]
            for period in amounts:
                if period["valid_from"] == valid_from:
                    period["amount"] = float(amount)
                    return
            previous_day = date.fromordinal(date.fromisoformat(valid_from).toordinal() - 1).isoformat()
            for period in amounts:
                if not period["valid_until"] and period["valid_from"] < valid_from:
                    period["valid_until"] = previous_day
            amounts.append({"valid_from": valid_from, "valid_until": None, "amount": float(amount)})
            amounts.sort(key=lambda p: p["valid_from"])

    # ------------------------------------------------------------------ tokens
    def issue_token(self):
        with self.lock:
            token = uuid.uuid4().hex
            self.tokens[token] = time.monotonic() + self.token_ttl
            return token

    def token_valid(self, token):
        with self.lock:
            return self.tokens.get(token, 0) > time.monotonic()

    def expire_tokens(self):
        """Invalidate every ecosystem token now."""
        with self.lock:
            self.tokens.clear()

    # ------------------------------------------------------------------ claims
    def _claim_store(self, organism):
        if organism not in ORGANISMS:
            raise KeyError("unknown organism %s" % organism)
        return self.ecosystem_claims if organism == ECOSYSTEM else self.ecologic_claims

    def claims(self, organism):
        """The remote claims of one organism (internal dicts, without file contents)."""
        with self.lock:
            return [
                {key: value for key, value in claim.items() if key != "files"}
                for claim in self._claim_store(organism).values()
            ]

    def claim(self, organism, claim_id):
        """The internal claim dict, found by its id (or SapServiceOrder for ecosystem); KeyError if unknown."""
        with self.lock:
            store = self._claim_store(organism)
            for claim in store.values():
                if str(claim_id) in (str(claim["id"]), str(claim.get("SapServiceOrder"))):
                    return claim
        raise KeyError("unknown %s claim %s" % (organism, claim_id))

    def _submitted_claim(self, organism, claim_id):
        claim = self.claim(organism, claim_id)
        if claim["status"] in (ECOSYSTEM_DRAFT, ECOLOGIC_INCOMPLETE, ECOLOGIC_TO_FINALIZE):
            raise ValueError("claim %s has not been submitted yet" % claim_id)
        return claim

    def approve(self, organism, claim_id):
        """The eco-organism accepts a submitted claim."""
        with self.lock:
            claim = self._submitted_claim(organism, claim_id)
            claim["status"] = ECOSYSTEM_APPROVED if organism == ECOSYSTEM else ECOLOGIC_ACCEPTED
            claim["comment"] = "Demande acceptée"
            return claim["status"]

    def reject(self, organism, claim_id, code="06"):
        """The eco-organism rejects a submitted claim with a reason code of spec §1.6 ("NN : label")."""
        code = "%02d" % int(code)
        with self.lock:
            claim = self._submitted_claim(organism, claim_id)
            reason = "%s : %s" % (code, REJECT_REASONS[code])
            claim["status"] = ECOSYSTEM_REJECTED if organism == ECOSYSTEM else ECOLOGIC_REFUSED
            claim["reject_reason"] = reason
            claim["comment"] = reason
            return claim["status"]

    def incomplete(self, organism, claim_id, document, message=None):
        """Ecologic finds a submitted claim incomplete: ``document`` (a DocumentType) is refused until attached
        again; the claim can then be corrected and submitted again."""
        if organism != ECOLOGIC:
            raise ValueError("only Ecologic claims can be incomplete after submission")
        with self.lock:
            claim = self._submitted_claim(organism, claim_id)
            claim.update(status=ECOLOGIC_INCOMPLETE, submitted=False)
            claim.setdefault("refused_documents", {})[document.upper()] = (
                message or "Le document %s est illisible : joignez-le à nouveau" % document.upper())
            return claim["status"]

    def pay(self, organism, claim_id, amount=None):
        """The eco-organism pays a submitted claim (default amount: the bonus claimed). ecosystem's status
        becomes "Remboursement effectué", Ecologic's "Clôturée"; the amount is only told with ``extras``."""
        with self.lock:
            claim = self._submitted_claim(organism, claim_id)
            claim["status"] = ECOSYSTEM_PAID if organism == ECOSYSTEM else ECOLOGIC_CLOSED
            claim["paid_amount"] = float(claim["bonus"] if amount is None else amount)
            claim["payment_date"] = date.today().isoformat()
            claim["comment"] = "Remboursement de %.2f EUR effectué le %s" % (
                claim["paid_amount"], claim["payment_date"])
            return claim["status"]

    # ------------------------------------------------------------------ faults
    def set_faults(self, latency_ms=0, error_rate=0.0, error_status=500, rate_429=0.0, timeout_rate=0.0,
                   timeout_seconds=2.0, malformed_rate=0.0, path_filter=None, seed=None):
        """Random faults applied to every API request whose path contains ``path_filter`` (all when None)."""
        with self.lock:
            self.faults = {
                "latency_ms": latency_ms, "error_rate": error_rate, "error_status": error_status,
                "rate_429": rate_429, "timeout_rate": timeout_rate, "timeout_seconds": timeout_seconds,
                "malformed_rate": malformed_rate, "path_filter": path_filter,
            }
            self.random = random.Random(seed)

    def inject(self, kind, count=1, path_filter=None):
        """Deterministic faults for the next ``count`` matching requests; "token_expiry" applies at once."""
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %s" % kind)
        with self.lock:
            if kind == "token_expiry":
                self.expire_tokens()
                return
            self.injected.append({"kind": kind, "count": int(count), "path_filter": path_filter})

    @staticmethod
    def _matches(path_filter, path):
        return not path_filter or path_filter.lower() in path.lower()

    def take_fault(self, path):
        """The fault to apply to a request on ``path`` ("5xx", "429", "timeout", "malformed") or None."""
        with self.lock:
            for fault in self.injected:
                if self._matches(fault["path_filter"], path):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.injected.remove(fault)
                    return fault["kind"]
            faults = self.faults
            if not self._matches(faults["path_filter"], path):
                return None
            for kind, rate in (("timeout", faults["timeout_rate"]), ("5xx", faults["error_rate"]),
                               ("429", faults["rate_429"]), ("malformed", faults["malformed_rate"])):
                if rate and self.random.random() < rate:
                    return kind
        return None

    def latency(self, path):
        """Seconds to wait before answering a request on ``path``."""
        with self.lock:
            if self._matches(self.faults["path_filter"], path):
                return self.faults["latency_ms"] / 1000.0
        return 0.0
