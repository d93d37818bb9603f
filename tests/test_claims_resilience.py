"""End to end: 200 claims sent and followed by a multi-server deployment, against the sandbox (strict mode) with
faults injected (5xx, 429, timeouts, expired tokens, malformed bodies).

Runs on the database the Odoo tests just used (scripts/test.sh passes it in QUALIREPAR_TEST_DB). Two Odoo servers
serve it in workers mode, queue_job a server-wide module of each: both job runners start, one takes queue_job's
lock and dispatches the claims' jobs to its server's HTTP workers, the other waits to take over. The invoices are
paid (their payment queues the claims' jobs); mid-run the server holding the runner is killed (SIGKILL) and the
other carries on. Then the organisms decide and the follow-up's jobs carry their decisions over. The "person" (to
fix a claim whose creation at Ecologic got no answer) is played by this test, looking on the sandbox as a person
looks on e-reparateur."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg2
import pytest

import eco_sandbox
import odoo_server

DB = os.environ.get("QUALIREPAR_TEST_DB")
ODOO_BIN = os.path.join(os.environ.get("ODOO_SRC", ""), "odoo-bin")
ADDONS = f"--addons-path={os.environ.get('QUALIREPAR_ADDONS_PATH', '')}"
SHELL = [sys.executable, ODOO_BIN, "shell", ADDONS, "-d", DB or "", "--no-http", "--log-level=warn",
         "--max-cron-threads=0"]
# The two servers' HTTP and websocket (gevent) ports.
PORTS = [int(p) for p in os.environ.get("QUALIREPAR_SERVER_PORTS", "8186,8188,8187,8189").split(",")]
CAPACITY = 4
CLAIMS = 200
MARK = "QUALIREPAR-RESULT "
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools")
# queue_job's lock of the runner that dispatches (jobrunner/runner.py).
RUNNER_LOCK = """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.datname = %s
                    AND (l.classid::bigint << 32 | l.objid::bigint) = 2293787760715711918"""

SETUP = """
import json, sys
sys.path.insert(0, %(tools)r)
import claim_batch
env["ir.config_parameter"].set_param("ecorepair_qualirepar.claim_retry_seconds", "0")  # 1 s each time
env.company.qualirepar_send_at_posting = False
backends = claim_batch.connect(env, %(ecosystem_url)r, %(ecologic_url)r, %(api_key)r, %(username)r, %(password)r)
claims = claim_batch.make_claims(env, backends, %(count)d, %(run)r)
env.cr.commit()
print(%(mark)r + json.dumps(claims.ids))
"""

PAY = """
import json
claims = env["qualirepar.claim"].browse(json.loads(%(ids)r))
for invoice in claims.invoice_id:  # one payment each, as the customers pay, each committed (queues its claim)
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
        {})._create_payments()
    env.cr.commit()
print(%(mark)r + json.dumps(sorted(set(claims.invoice_id.mapped("payment_state")))))
"""

FIX = """
import json
Claim = env["qualirepar.claim"]
for claim_id, remote_ref in json.loads(%(found)r):
    claim = Claim.browse(claim_id)
    if remote_ref:
        claim.remote_ref = remote_ref
    claim.action_check()
    claim.action_submit()
env.cr.commit()
print(%(mark)r + "{}")
"""

REFRESH = """
queued = env["qualirepar.claim"]._cron_refresh_claims()
env.cr.commit()
print(%(mark)r + str(queued))
"""


def shell(script, **values):
    """Run ``script`` in `odoo-bin shell` on the test database; the JSON it printed after MARK."""
    done = subprocess.run(SHELL, input=script % {"mark": MARK, **values}, capture_output=True, text=True,
                          timeout=900, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert lines, "odoo shell failed:\n%s\n%s" % (done.stdout[-3000:], done.stderr[-3000:])
    return json.loads(lines[-1][len(MARK):])


def sql(query, params=()):
    with psycopg2.connect(dbname=DB) as conn, conn.cursor() as cr:
        cr.execute(query, params)
        rows = cr.fetchall()
    conn.close()
    return rows


class Server:
    """An Odoo server in workers mode, queue_job loaded server-wide, started in a process group of its own."""

    def __init__(self, http_port, gevent_port, log):
        env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{CAPACITY},root.qualirepar:{CAPACITY}",
                   ODOO_QUEUE_JOB_PORT=str(http_port))
        self.port = http_port
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, ODOO_BIN, ADDONS, "-d", DB, f"--db-filter=^{DB}$", "--load=base,web,queue_job",
             f"--workers={CAPACITY + 1}", "--max-cron-threads=0", f"--http-port={http_port}",
             f"--gevent-port={gevent_port}", "--http-interface=127.0.0.1", "--log-level=warn",
             "--limit-time-real=300"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_up(self):
        odoo_server.wait_until_up(self.process, self.port, self.log.name)

    def pids(self):
        """The PIDs of this server's processes: its main process and the workers it forked."""
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True,
                                  text=True, check=False).stdout.split()
        return {self.process.pid, *map(int, children)}

    def kill(self):
        """SIGKILL, by PID: the server, its workers and its job runner die mid-call."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def runner_server(servers):
    """The server whose job runner holds queue_job's lock, or None."""
    holders = {name for (name,) in sql(RUNNER_LOCK, (DB,))}
    return next((s for s in servers if any(f"odoo-{pid}" in holders for pid in s.pids())), None)


def claims_of(ids):
    rows = sql("""SELECT id, name, organism, state, remote_ref, submission_count, remote_create_started IS NOT NULL,
                         remote_closed, amount_paid, last_error FROM qualirepar_claim WHERE id = ANY(%s)""", (ids,))
    keys = ("id", "name", "organism", "state", "remote_ref", "submission_count", "lost", "closed", "amount_paid",
            "last_error")
    claims = [dict(zip(keys, row)) for row in rows]
    for claim in claims:
        claim["closed"] = bool(claim["closed"])  # a boolean never set is NULL
        claim["reference"] = claim["name"] if not claim["submission_count"] else \
            f"{claim['name']}-{claim['submission_count'] + 1}"
    return claims


def jobs_left():
    """The claims' jobs still to run or running, and the failed ones."""
    return dict(sql("""SELECT state, count(*) FROM queue_job WHERE model_name = 'qualirepar.claim'
                        AND state IN ('pending', 'enqueued', 'started', 'failed') GROUP BY state"""))


def wait_jobs(until=None, timeout=600):
    """Until no claim's job is left to run (or ``until()`` is true); the jobs left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = jobs_left()
        if (until and until()) or not (left.keys() - {"failed"}):
            return left
        time.sleep(1)
    raise AssertionError("jobs still running after %d s: %s" % (timeout, jobs_left()))


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
def test_two_servers_send_and_follow_200_claims(sandbox, faulty, tmp_path):
    ids = shell(SETUP, tools=TOOLS, ecosystem_url=sandbox.ecosystem_url, ecologic_url=sandbox.ecologic_url,
                api_key=eco_sandbox.API_KEY, username=eco_sandbox.USERNAME, password=eco_sandbox.PASSWORD,
                count=CLAIMS, run=str(int(time.time())))
    assert len(ids) == CLAIMS
    assert {c["state"] for c in claims_of(ids)} == {"to_send"}, "checked at posting, not sent before payment"
    servers = [Server(PORTS[0], PORTS[1], tmp_path / "odoo-1.log"), Server(PORTS[2], PORTS[3], tmp_path / "odoo-2.log")]
    try:
        for server in servers:
            server.wait_up()
        run_200_claims(ids, faulty, servers)
    finally:
        for server in servers:
            server.stop()


def run_200_claims(ids, faulty, servers):
    # Faults on every API call from now on (none on the control interface).
    faulty.set_faults(error_rate=0.08, rate_429=0.05, timeout_rate=0.02, timeout_seconds=1.5, malformed_rate=0.04,
                      seed=7)
    for _ in range(30):
        if runner_server(servers):
            break
        time.sleep(1)
    first = runner_server(servers)
    assert first, "no job runner holds queue_job's lock"

    # The customers pay: each payment queues its claim's job. A third through, the runner's server is killed.
    paying = threading.Thread(target=lambda: shell(PAY, ids=json.dumps(ids)))
    paying.start()
    wait_jobs(until=lambda: sum(c["state"] == "sent" for c in claims_of(ids)) >= CLAIMS // 3, timeout=600)
    first.kill()
    survivor = next(s for s in servers if s is not first)
    paying.join()
    for _ in range(60):
        if runner_server(servers) is survivor:
            break
        time.sleep(1)
    assert runner_server(servers) is survivor, "the other server's runner did not take over"

    # Until every claim is sent; a person settles the Ecologic creations whose answer was lost and that Ecologic
    # could not tell (before its support requests have been seen to tell their claim).
    asked = set()
    for _attempt in range(6):
        left = wait_jobs()
        claims = claims_of(ids)
        stuck = [c for c in claims if c["state"] == "to_fix" and c["lost"]]
        asked.update(c["id"] for c in stuck)
        if not stuck:
            break
        remote = {c["params"]["QuoteNumber"]: c["id"] for c in faulty.claims("ecologic")}
        shell(FIX, found=json.dumps([[c["id"], str(remote.get(c["reference"]) or "")] for c in stuck]))
    assert not left, "jobs left or failed: %s" % left
    assert {c["state"] for c in claims} == {"sent"}, [(c["name"], c["state"], c["last_error"]) for c in claims
                                                      if c["state"] != "sent"]
    assert len(asked) <= CLAIMS // 20, "%d claims needed a person" % len(asked)

    # Exactly one remote claim per device repair, at the right organism.
    ecosystem_refs = [c["payload"]["PurchaseOrderByCustomer"] for c in faulty.claims("ecosystem")]
    ecologic_refs = [c["params"]["QuoteNumber"] for c in faulty.claims("ecologic")]
    assert sorted(ecosystem_refs) == sorted(c["reference"] for c in claims if c["organism"] == "ecosystem")
    assert sorted(ecologic_refs) == sorted(c["reference"] for c in claims if c["organism"] == "ecologic")

    # The organisms decide: a third settled (paid, they say), a third accepted for payment, a third rejected; the
    # follow-up's jobs carry it over. A status never books money: the remittance does (tests of the add-on).
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
    for _attempt in range(3):
        assert shell(REFRESH)
        left = wait_jobs()
        claims = claims_of(ids)
        if all((c["state"], c["closed"]) == expected[c["id"]] for c in claims):
            break
    wrong = [(c["name"], c["state"], c["closed"], expected[c["id"]], c["last_error"]) for c in claims
             if (c["state"], c["closed"]) != expected[c["id"]] or c["amount_paid"]]
    assert not wrong
    assert not left, "jobs left or failed: %s" % left
