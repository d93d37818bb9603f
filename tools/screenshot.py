"""Screenshot of an Odoo page as a logged-in user, in headless Chromium driven over the DevTools protocol.

Used to keep the README's screenshots true to the real UI:

    python tools/screenshot.py "http://localhost:8069/odoo/action-ecorepair_qualirepar.action_qualirepar_product_type" \
        docs/screenshots/product_types.png --wait ".o_data_row" [--phone]
"""

import argparse
import base64
import itertools
import json
import subprocess
import tempfile
import time
import urllib.request
from urllib.parse import urlsplit

import websocket  # websocket-client, installed with the test requirements

DEVTOOLS_PORT = 9333


def login(base_url, database, user, password):
    """The session cookie of a JSON-RPC authentication."""
    payload = {"jsonrpc": "2.0", "params": {"db": database, "login": user, "password": password}}
    request = urllib.request.Request(base_url + "/web/session/authenticate", json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
        if body.get("error"):
            raise SystemExit("Login refused: %s" % body["error"]["data"]["message"])
        cookie = response.headers["Set-Cookie"]
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


class DevTools:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.ids = itertools.count(1)

    def call(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("output")
    parser.add_argument("--wait", default=".o_action_manager", help="CSS selector to wait for")
    parser.add_argument("--phone", action="store_true", help="a 390 x 844 phone screen")
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--db", default="qualirepar_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--click", action="append", default=[], help="CSS selector to click before the shot")
    parser.add_argument("--scroll", help="CSS selector to scroll to the top of the screen")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds to settle after the selector shows")
    args = parser.parse_args()
    width, height = (390, 844) if args.phone else map(int, args.size.split("x"))
    parts = urlsplit(args.url)
    session = login(f"{parts.scheme}://{parts.netloc}", args.db, args.login, args.password)

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen([
            "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            f"--remote-debugging-port={DEVTOOLS_PORT}", f"--user-data-dir={profile}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{DEVTOOLS_PORT}/json") as response:
                        targets = [t for t in json.load(response) if t["type"] == "page"]
                    if targets:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            tools = DevTools(targets[0]["webSocketDebuggerUrl"])
            tools.call("Network.enable")
            tools.call("Network.setCookie", name="session_id", value=session, domain=parts.hostname, path="/")
            tools.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                       mobile=args.phone)
            tools.call("Page.navigate", url=args.url)
            found = False
            for _ in range(300):
                found = tools.call("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(args.wait)})",
                                   returnByValue=True)["result"]["value"]
                if found:
                    break
                time.sleep(0.1)
            if not found:
                raise SystemExit(f"{args.wait} never showed on {args.url}")
            time.sleep(args.delay)
            for selector in args.click:
                tools.call("Runtime.evaluate", expression=f"document.querySelector({json.dumps(selector)}).click()")
                time.sleep(args.delay)
            if args.scroll:
                tools.call("Runtime.evaluate",
                           expression=f"document.querySelector({json.dumps(args.scroll)}).scrollIntoView()")
                time.sleep(0.5)
            shot = tools.call("Page.captureScreenshot", format="png")
            with open(args.output, "wb") as output:
                output.write(base64.b64decode(shot["data"]))
        finally:
            browser.terminate()
            browser.wait()
    print(args.output)


if __name__ == "__main__":
    main()
