"""HTTP server: parses requests, applies faults, routes to the two API emulations and to /_control/."""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import ecologic_api, ecosystem_api
from .common import Reply, Request
from .state import SandboxState

ECOSYSTEM_PREFIX = "/ecosystem"
ECOLOGIC_PREFIX = "/ecologic/api/v1/ecosupport"
CONTROL_PREFIX = "/_control"

# Control methods callable as POST /_control/<name> with a JSON object of keyword arguments.
CONTROL_METHODS = ("reset", "remove_product", "add_product", "set_amount", "approve", "reject", "pay", "incomplete",
                   "set_faults", "inject", "expire_tokens", "claims")
# Attributes settable with POST /_control/set {"name": value}.
CONTROL_SETTINGS = ("token_ttl", "retry_after", "username", "password", "api_key", "repairer_ids", "extras",
                    "accept_refused_updates")


def control(state, method, name, body):
    """The /_control/ interface: JSON, no authentication, never subject to faults."""
    if method == "GET" and name in ("requests", "request_log"):
        return [list(entry) for entry in state.request_log]
    if method == "GET" and name == "claims":
        return state.claims(body.get("organism", "ecosystem"))
    if method == "GET" and name == "reference":
        with state.lock:
            return state.reference
    if method == "POST" and name == "set":
        unknown = set(body) - set(CONTROL_SETTINGS)
        if unknown:
            raise Reply(400, {"error": "unknown settings: %s" % ", ".join(sorted(unknown))})
        with state.lock:
            for key, value in body.items():
                setattr(state, key, value)
        return {"result": "ok"}
    if method == "POST" and name in CONTROL_METHODS:
        try:
            return {"result": getattr(state, name)(**body)}
        except (KeyError, ValueError, TypeError) as exc:
            raise Reply(400, {"error": str(exc)}) from exc
    raise Reply(404, {"error": "unknown control %s %s" % (method, name)})


def fault_reply(state, kind, ecologic):
    """The answer of an injected fault (None for "timeout": the request is served late)."""
    if kind == "timeout":
        time.sleep(state.faults["timeout_seconds"])
        return None
    if kind == "malformed":
        return Reply(200, b'{"ResponseData": [{"truncated', {"Content-Type": "application/json"})
    status = 429 if kind == "429" else state.faults["error_status"]
    message = "Trop de requêtes" if status == 429 else "Erreur interne du serveur (simulée)"
    if ecologic:
        body = ecologic_api.envelope(None, False, message, "Exception simulée par le bac à sable")
    else:
        body = ecosystem_api.error_body(state, status, "ERREUR_SERVEUR" if status != 429 else "TROP_DE_REQUETES",
                                        message)
    headers = {"Retry-After": str(state.retry_after)} if status == 429 else {}
    return Reply(status, body, headers)


class Handler(BaseHTTPRequestHandler):
    """Serves every method the same way; the server carries the SandboxState."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server_version = "EcoSandbox/1.0"

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr log
        pass

    def _serve(self):
        state = self.server.state
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        query = {key: values[0] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path.startswith(CONTROL_PREFIX + "/"):
            try:
                body = json.loads(raw or b"{}") if self.command == "POST" else query
                reply = Reply(200, control(state, self.command, url.path[len(CONTROL_PREFIX) + 1:], body))
            except ValueError:
                reply = Reply(400, {"error": "invalid JSON body"})
            except Reply as error:
                reply = error
            return self._write(reply)
        reply = self._api(state, url.path, query, raw)
        state.record(self.command, url.path, reply.status)
        self._write(reply)

    def _api(self, state, path, query, raw):
        ecologic = path.lower().startswith(ECOLOGIC_PREFIX)
        delay = state.latency(path)
        if delay:
            time.sleep(delay)
        fault = state.take_fault(path)
        reply = fault_reply(state, fault, ecologic) if fault else None
        if reply is not None:
            return reply
        host_url = "http://%s" % (self.headers.get("Host") or "%s:%s" % self.server.server_address[:2])
        if ecologic:
            module, prefix = ecologic_api, ECOLOGIC_PREFIX
        elif path.startswith(ECOSYSTEM_PREFIX + "/"):
            module, prefix = ecosystem_api, ECOSYSTEM_PREFIX
        else:
            return Reply(404, {"error": "unknown path %s" % path})
        request = Request(self.command, path[len(prefix):], query, self.headers, raw, host_url)
        try:
            result = module.handle(state, request)
        except Reply as error:
            return error
        return result if isinstance(result, Reply) else Reply(200, result)

    def _write(self, reply):
        body = reply.body
        headers = dict(reply.headers)
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        body = body or b""
        self.send_response(reply.status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class QuietServer(ThreadingHTTPServer):
    """Does not print tracebacks when a client went away (e.g. after its own timeout)."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class SandboxServer:
    """Both eco-organism APIs on one local port, served from a daemon thread."""

    def __init__(self, host="127.0.0.1", port=0, state=None):
        self.state = state or SandboxState()
        self.httpd = QuietServer((host, port), Handler)
        self.httpd.state = self.state
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return "http://%s:%s" % (host, port)

    @property
    def ecosystem_url(self):
        return self.url + ECOSYSTEM_PREFIX

    @property
    def ecologic_url(self):
        return self.url + ECOLOGIC_PREFIX + "/"

    @property
    def control_url(self):
        return self.url + CONTROL_PREFIX

    def start(self):
        """Serve in a daemon thread; returns self."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="eco-sandbox", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self):
        """Serve in the calling thread (command line use)."""
        self.httpd.serve_forever()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)
