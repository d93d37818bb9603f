"""Plumbing shared by the two API emulations: the parsed request and the reply raised or returned."""

import json
from datetime import date, datetime, timezone


class Reply(Exception):
    """An HTTP answer; raised to answer early (errors), returned otherwise.

    ``body`` is serialised to JSON unless it is bytes or None (empty body).
    """

    def __init__(self, status=200, body=None, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class Request:
    """What an API handler needs to know about an HTTP request."""

    def __init__(self, method, path, query, headers, body, host_url):
        self.method = method
        self.path = path  # below the API prefix, e.g. "/catalog"
        self.query = query  # {name: first value}
        self.headers = headers
        self.body = body  # raw bytes
        self.host_url = host_url  # "http://127.0.0.1:PORT"

    def json(self, on_error):
        """The body parsed as JSON (None when empty); ``on_error(message)`` must raise a Reply."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            on_error("Corps de requête JSON invalide")


def now_iso():
    """The current time, ISO 8601 with its UTC offset."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_day(value):
    """The ISO date (YYYY-MM-DD) at the start of ``value`` (a date or a datetime), or None if invalid."""
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return None


def lookup(data, dotted):
    """The value at a dotted path of nested dicts ("Bill.TotalAmountInclVAT.amount"), or None."""
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def missing_fields(data, dotted_paths):
    """The dotted paths whose value is absent or empty."""
    return [path for path in dotted_paths if lookup(data, path) in (None, "", [], {})]


def to_number(value):
    """``value`` as a float, or None when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
