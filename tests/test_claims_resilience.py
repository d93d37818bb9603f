"""End to end: 200 claims sent and followed by the scheduled actions of TWO Odoo processes at once, against the
sandbox with faults injected (5xx, 429, timeouts, expired tokens, malformed bodies).

Runs on the database the Odoo tests just used (scripts/test.sh passes it in QUALIREPAR_TEST_DB): the setup
script makes the repairs, quotes and posted invoices, then each process runs the real scheduled actions in
`odoo-bin shell` until nothing is left to do. The "person" of the process (to fix a claim whose creation at
Ecologic got no answer) is played by this test, looking on the sandbox as a person looks on e-reparateur."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

import eco_sandbox

DB = os.environ.get("QUALIREPAR_TEST_DB")
ODOO = [sys.executable, os.path.join(os.environ.get("ODOO_SRC", ""), "odoo-bin"), "shell",
        f"--addons-path={os.environ.get('QUALIREPAR_ADDONS_PATH', '')}", "-d", DB or "", "--no-http",
        "--log-level=warn", "--max-cron-threads=0"]
CLAIMS = 200
MARK = "QUALIREPAR-RESULT "
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools")

SETUP = """
import json, sys
sys.path.insert(0, %(tools)r)
import claim_batch
env["ir.config_parameter"].set_param("ecorepair_qualirepar.claim_retry_seconds", "0")
backends = claim_batch.connect(env, %(ecosystem_url)r, %(ecologic_url)r, %(api_key)r, %(username)r, %(password)r)
claims = claim_batch.make_claims(env, backends, %(count)d, %(run)r)
env.cr.commit()
print(%(mark)r + json.dumps(claims.ids))
"""

RUN = """
import json, time
from odoo import fields
Claim = env["qualirepar.claim"]
for _round in range(%(rounds)d):
    done = Claim.%(cron)s()
    env.cr.commit()
    if not done:
        # Like a scheduler, come back for the claims whose next attempt is due within seconds.
        soon = Claim.search_count([("state", "in", ("to_send", "sending")), ("next_attempt_date", "!=", False),
                                   ("next_attempt_date", "<=", fields.Datetime.add(fields.Datetime.now(), seconds=5))])
        if not soon:
            break
        time.sleep(1)
print(%(mark)r + json.dumps({"rounds": _round}))
"""

STATES = """
import json
claims = env["qualirepar.claim"].browse(json.loads(%(ids)r))
print(%(mark)r + json.dumps([{"id": c.id, "name": c.name, "organism": c.organism, "state": c.state,
    "remote_ref": c.remote_ref, "reference": c._qualirepar_reference(), "lost": bool(c.remote_create_started),
    "amount_paid": c.amount_paid, "closed": c.remote_closed, "last_error": c.last_error} for c in claims]))
"""

FIX = """
import json
Claim = env["qualirepar.claim"]
for claim_id, remote_ref in json.loads(%(found)r):
    claim = Claim.browse(claim_id)
    if remote_ref:
        claim.remote_ref = remote_ref
    claim.action_check()
env.cr.commit()
print(%(mark)r + "{}")
"""


def shell(script, **values):
    """Run ``script`` in `odoo-bin shell` on the test database; the JSON it printed after MARK."""
    done = subprocess.run(ODOO, input=script % {"mark": MARK, **values}, capture_output=True, text=True,
                          timeout=900, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert lines, "odoo shell failed:\n%s\n%s" % (done.stdout[-3000:], done.stderr[-3000:])
    return json.loads(lines[-1][len(MARK):])


def run_two_processes(cron, rounds=300):
    """The scheduled action run by two processes at once, each until it finds nothing to do (at most ``rounds``
    times: the follow-up always finds the claims accepted for payment, which stay followed)."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(shell(RUN, cron=cron, rounds=rounds)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2


def claims_by_state(ids):
    claims = shell(STATES, ids=json.dumps(ids))
    result = {}
    for claim in claims:
        result.setdefault(claim["state"], []).append(claim)
    return claims, result


@pytest.fixture
def faulty(sandbox):
    """The sandbox, with a token expiring every 2 seconds; the test turns the faults on."""
    state = sandbox.state
    stop = threading.Event()

    def expire():
        while not stop.wait(2):
            state.expire_tokens()

    expiring = threading.Thread(target=expire, daemon=True)
    expiring.start()
    yield state
    stop.set()
    expiring.join()
    state.set_faults()


@pytest.mark.skipif(not DB, reason="needs the Odoo test database (run scripts/test.sh)")
def test_two_processes_send_and_follow_200_claims(sandbox, faulty):
    ids = shell(SETUP, tools=TOOLS, ecosystem_url=sandbox.ecosystem_url, ecologic_url=sandbox.ecologic_url,
                api_key=eco_sandbox.API_KEY, username=eco_sandbox.USERNAME, password=eco_sandbox.PASSWORD,
                count=CLAIMS, run=str(int(time.time())))
    assert len(ids) == CLAIMS
    # Faults on every API call from now on (none on the control interface).
    faulty.set_faults(error_rate=0.08, rate_429=0.05, timeout_rate=0.02, timeout_seconds=1.5, malformed_rate=0.04,
                      seed=7)

    # Send, until every claim is sent; a person settles the Ecologic creations whose answer was lost and that
    # Ecologic could not tell (before its support requests have been seen to tell their claim).
    asked = set()
    for _attempt in range(6):
        run_two_processes("_cron_submit_claims")
        claims, by_state = claims_by_state(ids)
        stuck = [c for c in by_state.get("to_fix", []) if c["lost"]]
        asked.update(c["id"] for c in stuck)
        if not stuck and not by_state.get("to_send") and not by_state.get("sending"):
            break
        remote = {c["params"]["QuoteNumber"]: c["id"] for c in faulty.claims("ecologic")}
        shell(FIX, found=json.dumps([[c["id"], str(remote.get(c["reference"]) or "")] for c in stuck]))
    assert {c["state"] for c in claims} == {"sent"}, [(c["name"], c["state"], c["last_error"]) for c in claims
                                                      if c["state"] != "sent"]
    assert len(claims) == CLAIMS
    assert len(asked) <= CLAIMS // 20, "%d claims needed a person" % len(asked)

    # Exactly one remote claim per device repair, at the right organism.
    ecosystem_refs = [c["payload"]["PurchaseOrderByCustomer"] for c in faulty.claims("ecosystem")]
    ecologic_refs = [c["params"]["QuoteNumber"] for c in faulty.claims("ecologic")]
    assert sorted(ecosystem_refs) == sorted(c["reference"] for c in claims if c["organism"] == "ecosystem")
    assert sorted(ecologic_refs) == sorted(c["reference"] for c in claims if c["organism"] == "ecologic")

    # The organisms decide: a third settled (paid, they say), a third accepted for payment, a third rejected; two
    # processes follow them. A status never books money: the remittance does (tests of the add-on).
    expected = {}
    for index, claim in enumerate(sorted(claims, key=lambda c: c["id"])):
        organism, remote_ref = claim["organism"], claim["remote_ref"]
        if index % 3 == 2:
            faulty.reject(organism, remote_ref, "13")
            expected[claim["id"]] = ("rejected", False)
        else:
            faulty.approve(organism, remote_ref)
            if index % 3 == 0:
                faulty.pay(organism, remote_ref, 40)
            expected[claim["id"]] = ("approved", index % 3 == 0)
    for _attempt in range(6):
        run_two_processes("_cron_refresh_claims", rounds=1)
        claims, _by_state = claims_by_state(ids)
        if all((c["state"], c["closed"]) == expected[c["id"]] for c in claims):
            break
    wrong = [(c["name"], c["state"], c["closed"], expected[c["id"]], c["last_error"]) for c in claims
             if (c["state"], c["closed"]) != expected[c["id"]] or c["amount_paid"]]
    assert not wrong

