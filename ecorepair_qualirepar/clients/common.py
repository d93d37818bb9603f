"""Shared HTTP plumbing of the eco-organism clients: one session, retries, typed exceptions.

No Odoo import here: this package is also imported by file path from the pytest suite.
"""

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

    :ivar message: French message for the user
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
    """

    organism = "l'éco-organisme"
    # API error codes that a 400 carries for a permanent refusal rather than invalid fields
    permanent_codes = frozenset()

    def __init__(self, base_url, timeout=(5, 30), retries=3, backoff_factor=0.5, session=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
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
                "Réponse illisible de %s (HTTP %s) : le contenu n'est pas du JSON valide."
                % (self.organism, response.status_code),
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
                message = "%s (%s) n'a pas répondu dans le délai imparti." % (self.organism, host)
            else:
                message = "Impossible de joindre %s (%s) : %s" % (self.organism, host, exc)
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
        detail = " : %s" % api_message if api_message else "."
        kwargs = {"status_code": status, "code": code, "field_errors": field_errors, "payload": payload}
        if status in (401, 403):
            return AuthenticationError("Authentification refusée par %s (HTTP %s)%s"
                                       % (self.organism, status, detail), **kwargs)
        if status == 429 or status >= 500:
            label = "trop de requêtes" if status == 429 else "erreur du serveur"
            error = TemporaryError("%s indisponible (%s, HTTP %s)%s" % (self.organism, label, status, detail),
                                   **kwargs)
            error.retry_after = _retry_after(response)
            error.unprocessed = status == 429
            return error
        if status in (400, 422) and code not in self.permanent_codes:
            if not field_errors and api_message:
                kwargs["field_errors"] = [{"field": "", "message": api_message}]
            return ValidationError("Données refusées par %s (HTTP %s)%s" % (self.organism, status, detail),
                                   **kwargs)
        return PermanentError("Requête refusée par %s (HTTP %s)%s" % (self.organism, status, detail), **kwargs)
