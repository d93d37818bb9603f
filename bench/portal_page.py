"""Benchmark: a repair's portal page against Odoo's own order page (/my/orders/<id>) under the same load.

Starts an Odoo server on the benchmark database, logs a portal customer in, then loads both pages from
CLIENTS concurrent clients on loopback (REQUESTS each), three rounds in turn, and prints requests per second,
median and 95th percentile latency, and the ratio of the medians. Target: the repair's page within 1.2× of the
order page. Exits non-zero when it is not.
"""

import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import odoo_env  # noqa: F401 (puts Odoo on the path)
import requests

import odoo
from odoo import Command

CLIENTS = int(os.environ.get("CLIENTS", 4))
REQUESTS = int(os.environ.get("REQUESTS", 50))
PORT = int(os.environ.get("BENCH_HTTP_PORT", 8569))
LOGIN = "bench-portal-customer"


def make_repair(database, addons_path):
    """A portal customer with a repair whose quote was sent; returns the URLs of the two pages."""
    odoo.tools.config.parse_config(["--addons-path", addons_path, "-d", database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", LOGIN)])
        if not user:
            partner = env["res.partner"].create({"name": "Claire Martin", "email": "claire@example.com",
                                                 "city": "Lyon", "zip": "69003"})
            user = env["res.users"].create({"login": LOGIN, "password": LOGIN, "partner_id": partner.id,
                                            "groups_id": [Command.set(env.ref("base.group_portal").ids)]})
        Product = env["product.product"]
        device = Product.create({"name": "Lave-linge Serie 6", "type": "consu"})
        labour = Product.create({"name": "Main-d'œuvre", "type": "service", "list_price": 90})
        part = Product.create({"name": "Pompe de vidange", "type": "consu", "list_price": 45})
        repair = env["repair.order"].create({"partner_id": user.partner_id.id, "product_id": device.id})
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.order_line = [Command.create({"product_id": labour.id}), Command.create({"product_id": part.id})]
        order.action_quotation_sent()
        cr.commit()
        return repair.access_url, order.access_url


def start_server(database, addons_path):
    command = [sys.executable, os.path.join(os.environ["ODOO_SRC"], "odoo-bin"), "--addons-path", addons_path,
               "-d", database, "--db-filter", f"^{database}$", "--http-port", str(PORT), "--max-cron-threads=0",
               "--log-level=warn"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/web/health", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the Odoo server did not start")


def logged_in_session(database):
    session = requests.Session()
    answer = session.post(f"http://127.0.0.1:{PORT}/web/session/authenticate", json={
        "jsonrpc": "2.0", "params": {"db": database, "login": LOGIN, "password": LOGIN}}, timeout=30).json()
    if answer.get("error"):
        raise RuntimeError(answer["error"])
    return session


def load(sessions, url):
    """(requests per second, [latencies in s]) of CLIENTS clients loading ``url`` REQUESTS times each."""

    def client(session):
        latencies = []
        for _index in range(REQUESTS):
            start = time.perf_counter()
            response = session.get(f"http://127.0.0.1:{PORT}{url}", timeout=30)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200 or "/web/login" in response.url:
                raise RuntimeError(f"{url}: HTTP {response.status_code} at {response.url}")
        return latencies

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        latencies = [value for values in pool.map(client, sessions) for value in values]
    return len(latencies) / (time.perf_counter() - start), latencies


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    repair_url, order_url = make_repair(database, addons_path)
    server = start_server(database, addons_path)
    try:
        sessions = [logged_in_session(database) for _index in range(CLIENTS)]
        for url in (repair_url, order_url):  # warm-up: templates compiled, assets generated
            load(sessions[:1], url)
        results = {repair_url: [], order_url: []}
        for _round in range(3):
            for url in results:
                results[url].append(load(sessions, url))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"{CLIENTS} concurrent clients on loopback, {REQUESTS} requests each, 3 rounds per page, logged in as a "
          f"portal customer")
    print(f"{'page':<28}{'req/s':>8}{'median (ms)':>13}{'p95 (ms)':>10}")
    medians = {}
    for label, url in (("repair page " + repair_url, repair_url), ("order page " + order_url, order_url)):
        latencies = sorted(value for _rate, values in results[url] for value in values)
        rate = statistics.mean(rate for rate, _values in results[url])
        medians[url] = statistics.median(latencies)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"{label:<28}{rate:>8.1f}{medians[url] * 1000:>13.1f}{p95 * 1000:>10.1f}")
    ratio = medians[repair_url] / medians[order_url]
    print(f"repair page / order page (median): {ratio:.2f}× (target ≤ 1.2×)")
    print("OK" if ratio <= 1.2 else "FAIL: the repair's page is slower than 1.2× the order page")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
