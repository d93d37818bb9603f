"""Shared HTTP plumbing of the eco-organism clients: one session, retries, typed exceptions, and the steps of a
claim that each organism's client implements (:class:`BaseClient`).

No Odoo import here: this package is also imported by file path from the pytest suite. The clients' messages are
written in English and put in the reader's language by the ``translate`` function the client is made with (the
Odoo side passes ``env._``; its terms are extracted from the ``self._("…")`` calls here).
"""

import unicodedata
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
# POSTs create things and are not idempotent: they are never retried automatically.
IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD"})


class ApiError(Exception):
    """An eco-organism API call failed.

    :ivar message: the message for the user, in the language of the client's ``translate``
    :ivar status_code: HTTP status (None for network errors)
    :ivar code: the API's error code (e.g. "PIECE_JOINTE_MANQUANTE") or None
    :ivar field_errors: list of {"field": str, "message": str}
    :ivar payload: the parsed body, or its text when it is not JSON
    """

    def __init__(self, message, status_code=None, code=None, field_errors=None, payload=None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.field_errors = list(field_errors or [])
        self.payload = payload

    def __str__(self):
        return self.message


class AuthenticationError(ApiError):
    """Credentials or token refused (HTTP 401/403)."""


class ValidationError(ApiError):
    """The API refused the data sent; ``field_errors`` says which fields."""


class TemporaryError(ApiError):
    """Network error, timeout, 429, 5xx or unreadable answer: worth retrying later.

    :ivar retry_after: seconds asked by a Retry-After header, or None
    """

    retry_after = None
    # True when the API surely did not act on the request (connection refused, 429): a creation can be
    # sent again without looking for what a lost answer might have created.
    unprocessed = False


class PermanentError(ApiError):
    """Any other refusal (4xx): retrying the same call will not help."""


class CreationUnknown(Exception):
    """The organism cannot tell whether a creation whose answer was lost made the claim: a person looks."""


def untranslated(source, *args, **kwargs):
    """``source`` with its arguments, in English: the ``translate`` of a client made without one."""
    return source % (args or kwargs) if (args or kwargs) else source


def _is_timeout(exc):
    """True for a timeout, including one that exhausted the automatic retries."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, NewConnectionError):  # a subclass of ConnectTimeoutError in urllib3
        return False
    return isinstance(exc, requests.exceptions.Timeout) or isinstance(reason, Urllib3TimeoutError)


def _retry_after(response):
    try:
        return float(response.headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


class BaseClient:
    """HTTP client holding ONE ``requests.Session`` with automatic retries of idempotent calls.

    :param base_url: root URL of the API; relative paths are joined to it
    :param timeout: (connect, read) timeout in seconds, or one number
    :param retries: automatic retries on connection errors, and on 429/5xx for GET/PUT/DELETE/HEAD
    :param backoff_factor: exponential back-off factor between retries (urllib3 ``Retry``)
    :param session: an existing session to use as is (no adapter is mounted on it)
    :param translate: ``translate(source, **params)`` puts a message in the reader's language (Odoo's
        ``env._``); without it, the messages are in English

    Each organism's client also says how a claim is made, given its documents, submitted and read there
    (``make_claim``, ``attach``, ``submit``, ``read_claim``: see clients/claims.py, which calls them), and holds
    that organism's constants: its name, URLs, document types, statuses and error codes.
    """

    # The organism's name in messages (None: "the eco-organism")
    organism = None
    # API error codes that a 400 carries for a permanent refusal rather than invalid fields
    permanent_codes = frozenset()
    # The URL of the API in each environment (sandbox, preprod, prod)
    environment_urls = {}
    # The claim's documents ("invoice", "nameplate", "device_picture", "consumer_validation") as the organism
    # names them
    file_types = {}
    # The organism's statuses (lower case, by their beginning) onto the claim's states. A status never books
    # money: "closed" means the organism has finished with the claim (paid, it says); the money is known from the
    # remittance.
    remote_states = ()
    # The organism corrects a claim it has (Ecologic's updateclaim): a claim it finds incomplete is corrected and
    # submitted again, rather than made anew.
    corrects_claims = False
    # A claim cancelled before it was submitted can be withdrawn (ecosystem deletes its draft).
    withdraws_drafts = False

    def __init__(self, base_url, timeout=(5, 30), retries=3, backoff_factor=0.5, session=None, translate=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.translate = translate or untranslated
        if session is None:
            session = requests.Session()
            retry = Retry(
                total=retries, backoff_factor=backoff_factor, status_forcelist=RETRY_STATUSES,
                allowed_methods=IDEMPOTENT_METHODS, respect_retry_after_header=True, raise_on_status=False,
            )
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session

    def close(self):
        self.session.close()

    def _(self, source, **params):
        """``source`` (English) in the reader's language, with its parameters."""
        return self.translate(source, **params)

    @property
    def organism_name(self):
        return self.organism or self._("the eco-organism")

    def check_connection(self):
        """Make one call that needs the credentials; returns what it tells of the account, in a sentence."""
        raise NotImplementedError

    # ------------------------------------------------------------------ claims
    @classmethod
    def remote_state(cls, status):
        """The claim state of one of the organism's status labels, or None when unknown."""
        status = unicodedata.normalize("NFC", (status or "").strip().casefold())
        return next((state for prefix, state in cls.remote_states if status.startswith(prefix)), None)

    def make_claim(self, job, report):
        """Create the claim ``job`` describes (clients/claims.py), reporting "created" (and, at Ecologic,
        "request"); returns the organism's reference of the claim."""
        raise NotImplementedError

    def attach(self, ref, document):
        """Send one document ({"kind", "name", "extension", "mimetype", "content"}) of the claim ``ref``."""
        raise NotImplementedError

    def submit(self, job, ref):
        """Ask the organism to check the claim ``ref``: {"answer", "status", "refused"}, where "refused" is None,
        or ({"errors", "documents"}, see ``read_claim``) the organism refused to submit it."""
        raise NotImplementedError

    def read_claim(self, ref):
        """Where the claim ``ref`` stands: {"status": its label, "reason": the rejection reason or comment,
        "errors": [{"field", "message"}] the organism still finds, "documents": the kinds of the documents those
        errors name}. No API tells a payment (spec §4)."""
        raise NotImplementedError

    def draft_unusable(self, error):
        """True when ``error``, raised while completing a claim the organism holds, means that claim can only be
        deleted and made anew (ecosystem: a document slot filled or missing, or the draft gone)."""
        return False

    def url(self, path):
        """Absolute URL of ``path`` (returned as is when already absolute)."""
        if urlsplit(path).scheme:
            return path
        return self.base_url + path.lstrip("/")

    # ----------------------------------------------------------------- sending
    def _request(self, method, path, expect_json=True, **kwargs):
        """Send a request; return the parsed JSON body (None when empty) or raise a typed ApiError."""
        response = self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise self._error(response)
        if not expect_json or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise TemporaryError(
                self._("Unreadable answer from %(organism)s (HTTP %(status)s): the content is not valid JSON.",
                       organism=self.organism_name, status=response.status_code),
                status_code=response.status_code, payload=response.text,
            ) from None

    def _send(self, method, path, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        url = self.url(path)
        host = urlsplit(url).netloc
        try:
            return self.session.request(method, url, **kwargs)
        except requests.exceptions.RequestException as exc:
            if _is_timeout(exc):
                message = self._("%(organism)s (%(host)s) did not answer in time.",
                                 organism=self.organism_name, host=host)
            else:
                message = self._("Cannot reach %(organism)s (%(host)s): %(error)s",
                                 organism=self.organism_name, host=host, error=exc)
            error = TemporaryError(message)
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            # No connection was made (refused, unreachable, connect timeout): nothing was sent.
            error.unprocessed = isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(
                reason, ConnectTimeoutError)
            raise error from exc

    # ------------------------------------------------------------------ errors
    def _error_details(self, payload):
        """(message, code, field_errors) read from an error body; overridden per API."""
        return "", None, []

    def _error(self, response):
        """The typed exception for an HTTP error response."""
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        api_message, code, field_errors = ("", None, [])
        if isinstance(payload, dict):
            api_message, code, field_errors = self._error_details(payload)
        status = response.status_code
        kwargs = {"status_code": status, "code": code, "field_errors": field_errors, "payload": payload}
        params = {"organism": self.organism_name, "status": status}

        def sentence(summary):
            """The summary, followed by the API's own message when it gave one."""
            return self._("%(summary)s: %(message)s", summary=summary, message=api_message) if api_message \
                else summary + "."

        if status in (401, 403):
            return AuthenticationError(sentence(self._(
                "Authentication refused by %(organism)s (HTTP %(status)s)", **params)), **kwargs)
        if status == 429 or status >= 500:
            summary = self._("%(organism)s unavailable (too many requests, HTTP %(status)s)", **params) \
                if status == 429 else self._("%(organism)s unavailable (server error, HTTP %(status)s)", **params)
            error = TemporaryError(sentence(summary), **kwargs)
            error.retry_after = _retry_after(response)
            error.unprocessed = status == 429
            return error
        if status in (400, 422) and code not in self.permanent_codes:
            if not field_errors and api_message:
                kwargs["field_errors"] = [{"field": "", "message": api_message}]
            return ValidationError(sentence(self._("Data refused by %(organism)s (HTTP %(status)s)", **params)),
                                   **kwargs)
        return PermanentError(sentence(self._("Request refused by %(organism)s (HTTP %(status)s)", **params)),
                              **kwargs)
