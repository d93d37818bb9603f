"""Benchmark: 1,000 claims sent by queue_job's jobs against the sandbox answering each call in 50 ms.

As production runs them: an Odoo server in workers mode serves the benchmark database, queue_job a server-wide
module, its job runner dispatching the claims' jobs to the server's HTTP workers. The capacity of the claims'
channel (root.qualirepar) is the QualiRépar setting "Claims sent at once", applied live by the runner: 4, then 8;
the jobs rendering the paid invoices call no organism and run beside it, in the root channel (the server runs at
most the largest capacity and RENDERING more jobs at once, ODOO_QUEUE_JOB_MAX_CAPACITY, with as many HTTP workers
and two more).

For each capacity, CLAIMS claims are made (repairs, quotes, posted invoices: not measured), their invoices paid in
one transaction (a payment each, each payment queuing its claim's job), and measured from its commit to the last
claim submitted; then PACED more invoices are paid one at a time, one every PACE seconds, each payment committed:
the time from a payment to its claim submitted (the job done).

Prints the wall time against its bound (calls × latency ÷ capacity), the SQL statements per claim (Odoo's query
counter of each request, read from the server's log: the claims' jobs, the jobs rendering their paid invoices,
every other request the server answered meanwhile, such as the stylesheets wkhtmltopdf fetches from it; and the
statements that queue the jobs as the payments commit; the runner's own dispatching, one UPDATE a job on its
connection, is not counted), the CPU time the Odoo server, PostgreSQL and this process (the sandbox) spent on the
claims and the least wall time the machine's cores allow for it (CPU time ÷ cores: the bound cannot be met when it
is above), and the payment-to-submission times (median, 95th percentile). Targets: within 1.3× the bound, at most
20 statements per claim. Exits non-zero when a target is missed or a claim is not sent.

Run it with scripts/bench.sh claims_pipeline. CLAIMS, PACED, PACE, LATENCY_MS and CAPACITIES ("4,8") override the
defaults; the server listens on ODOO_PORT and ODOO_PORT + 1 (its gevent port), the sandbox on SANDBOX_PORT.
"""

import calendar
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

import psutil  # an Odoo requirement
from odoo_env import ROOT  # noqa: F401 - puts tools/ and Odoo on sys.path

import odoo
from odoo.sql_db import Cursor

import claim_batch
import eco_sandbox
import odoo_server

CLAIMS = int(os.environ.get("CLAIMS", 1000))
PACED = int(os.environ.get("PACED", 40))
PACE = float(os.environ.get("PACE", 0.5))
LATENCY_MS = int(os.environ.get("LATENCY_MS", 50))
CAPACITIES = [int(c) for c in os.environ.get("CAPACITIES", "4,8").split(",")]
HTTP_PORT = int(os.environ.get("ODOO_PORT", 8069))
SANDBOX_PORT = int(os.environ.get("SANDBOX_PORT", 8077))
TARGET_RATIO, TARGET_SQL = 1.3, 20
RENDERING = 2  # the jobs rendering paid invoices the server runs beside the claims' channel at its largest capacity
# Odoo's request log (werkzeug): "GET /queue_job/runjob?db=…&job_uuid=… HTTP/1.1" 200 - <queries> <s> <s>
RUNJOB = re.compile(r'"GET /queue_job/runjob\?db=[^&"]+&job_uuid=([\w-]+) [^"]*" \d+ - (\d+) ([\d.]+) ([\d.]+)')
# Any other request the server answered meanwhile (the stylesheets wkhtmltopdf fetches from the server, ...).
REQUEST = re.compile(r'"(?:GET|POST|HEAD) (\S+) [^"]*" \d+ - (\d+) ([\d.]+) ([\d.]+)')


class EnqueueCounter:
    """The SQL statements of the payments' transaction that queue the claims' jobs (identity check, insert)."""

    def __init__(self, registry):
        self.count, self.active = 0, False
        self.model = registry["qualirepar.claim"]
        self.original_enqueue, self.original_execute = self.model._qualirepar_enqueue, Cursor.execute
        counter = self

        def enqueue(records, step):
            counter.active = True
            try:
                return counter.original_enqueue(records, step)
            finally:
                records.env.flush_all()
                counter.active = False

        def execute(cr, query, params=None, log_exceptions=True):
            if counter.active:
                counter.count += 1
            return counter.original_execute(cr, query, params, log_exceptions)

        self.model._qualirepar_enqueue = enqueue
        Cursor.execute = execute

    def stop(self):
        self.model._qualirepar_enqueue = self.original_enqueue
        Cursor.execute = self.original_execute


class Server:
    """An Odoo server in workers mode with queue_job's runner, per-database channels."""

    def __init__(self, database, addons_path, max_capacity, log):
        env = {k: v for k, v in os.environ.items() if k != "ODOO_QUEUE_JOB_CHANNELS"}
        env.update(ODOO_QUEUE_JOB_MAX_CAPACITY=str(max_capacity), ODOO_QUEUE_JOB_PORT=str(HTTP_PORT))
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(os.environ["ODOO_SRC"], "odoo-bin"), f"--addons-path={addons_path}",
             "-d", database, f"--db-filter=^{database}$", "--load=base,web,queue_job",
             f"--workers={max_capacity + 2}", "--max-cron-threads=0", f"--http-port={HTTP_PORT}",
             f"--gevent-port={HTTP_PORT + 1}", "--http-interface=127.0.0.1", "--log-level=warn",
             "--log-handler=werkzeug:INFO", "--limit-time-real=600", f"--logfile={log}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        odoo_server.wait_until_up(self.process, HTTP_PORT, log, tries=240)

    def log_size(self):
        return os.path.getsize(self.log)

    def job_requests(self, uuids, start=0, end=None):
        """{uuid: [statements, seconds]} of the jobs' requests, from the server's request log; and the
        statements of the other requests logged between the offsets ``start`` and ``end`` of the log."""
        requests, others = {}, 0
        with open(self.log, "rb") as log:
            log.seek(start)
            text = log.read(None if end is None else end - start).decode("utf-8", "replace")
        for line in text.splitlines():
            match = RUNJOB.search(line)
            if match and match.group(1) in uuids:
                request = requests.setdefault(match.group(1), [0, 0.0])
                request[0] += int(match.group(2))
                request[1] += float(match.group(3)) + float(match.group(4))
            elif not match and (match := REQUEST.search(line)) and not match.group(1).startswith("/web/health"):
                others += int(match.group(2))
        return requests, others

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def cpu_seconds(server):
    """CPU seconds used so far (user and system) by the Odoo server (its processes, and the children they
    reaped: workers, wkhtmltopdf), by PostgreSQL (every server process on the machine, and the backends its
    postmaster reaped) and by this process (the sandbox's threads, the payments' transaction)."""
    def used(times, children=True):
        return times.user + times.system + (times.children_user + times.children_system if children else 0)

    odoo_cpu = postgres = 0.0
    for process in psutil.process_iter(["name"]):
        try:
            if os.getpgid(process.pid) == server.process.pid:  # its process group
                odoo_cpu += used(process.cpu_times())
            elif process.info["name"] == "postgres":
                postgres += used(process.cpu_times())
        except (psutil.Error, ProcessLookupError):
            continue  # ended meanwhile
    return {"odoo": odoo_cpu, "postgres": postgres, "bench": used(psutil.Process().cpu_times(), children=False)}


def epoch(value):
    return calendar.timegm(value.timetuple()) + value.microsecond / 1e6


def pay(env, invoices):
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
        {"group_payment": False})._create_payments()


def wait_jobs(env, claims, timeout):
    """Until the claims' jobs are all done (or failed); their queue.job records, and those of the jobs they
    waited for (rendering their paid invoices)."""
    deadline = time.monotonic() + timeout
    keys = [claim._qualirepar_identity("send") for claim in claims]
    while True:
        env.cr.rollback()  # a new snapshot
        jobs = env["queue.job"].search([("identity_key", "in", keys)])
        if len(jobs) >= len(claims) and not jobs.filtered(lambda j: j.state not in ("done", "failed")):
            graphs = set(jobs.mapped("graph_uuid")) - {False}
            return jobs, env["queue.job"].search([("graph_uuid", "in", list(graphs))]) - jobs if graphs else \
                env["queue.job"]
        if time.monotonic() > deadline:
            raise AssertionError(f"jobs left after {timeout} s: {Counter(jobs.mapped('state'))}")
        time.sleep(0.2)


def run_capacity(env, sandbox, server, counter, capacity, burst, paced):
    settings = env["res.config.settings"].create({"qualirepar_claim_concurrency": capacity})
    settings.execute()
    env.cr.commit()
    time.sleep(2)  # the runner reloads its channels
    # The burst: every invoice paid in one transaction.
    calls_before = len(sandbox.state.request_log)
    counter.count = 0
    log_start = server.log_size()
    pay(env, burst.invoice_id)
    env.cr.commit()
    start, cpu_start = time.time(), cpu_seconds(server)
    enqueue_sql = counter.count
    jobs, helpers = wait_jobs(env, burst, timeout=3600)
    cpu = {kind: seconds - cpu_start[kind] for kind, seconds in cpu_seconds(server).items()}
    calls = len(sandbox.state.request_log) - calls_before
    end = max(epoch(job.date_done) for job in jobs if job.date_done)
    wall = end - start
    burst_latencies = sorted(epoch(job.date_done) - start for job in jobs if job.date_done)
    time.sleep(1)  # the last requests logged
    requests, other_sql = server.job_requests(set(jobs.mapped("uuid")), log_start, server.log_size())
    helper_requests = server.job_requests(set(helpers.mapped("uuid")), log_start, server.log_size())[0]
    burst.invalidate_recordset()
    states = Counter(burst.mapped("state"))
    # Paced payments, each committed.
    paid_at = {}
    for claim in paced:
        begin = time.monotonic()
        pay(env, claim.invoice_id)
        env.cr.commit()
        paid_at[claim._qualirepar_identity("send")] = time.time()
        time.sleep(max(0.0, PACE - (time.monotonic() - begin)))
    paced_jobs = wait_jobs(env, paced, timeout=600)[0]
    latencies = sorted(epoch(job.date_done) - paid_at[job.identity_key] for job in paced_jobs if job.date_done)
    paced.invalidate_recordset()
    states.update(paced.mapped("state"))
    bound = calls * LATENCY_MS / 1000 / capacity
    job_sql = sum(r[0] for r in requests.values())
    helper_sql = sum(r[0] for r in helper_requests.values())
    per_claim = (job_sql + helper_sql + other_sql + enqueue_sql) / len(burst)
    return {"capacity": capacity, "calls": calls, "bound": bound, "wall": wall, "ratio": wall / bound,
            "job_sql": job_sql / len(burst), "enqueue_sql": enqueue_sql / len(burst),
            "helper_sql": helper_sql / len(burst), "other_sql": other_sql / len(burst), "helpers": len(helpers),
            "job_seconds": statistics.mean(r[1] for r in requests.values()) if requests else 0,
            "per_claim": per_claim, "states": states, "jobs": len(jobs), "cpu": cpu,
            "burst": burst_latencies, "paced": latencies, "failed": len(jobs.filtered(lambda j: j.state == "failed"))}


def percentile(values, fraction):
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))] if values else float("nan")


def main():
    database, addons_path = sys.argv[1], sys.argv[2]
    # Per-database channels, here as in the server: the setting is the capacity of root.qualirepar.
    os.environ.pop("ODOO_QUEUE_JOB_CHANNELS", None)
    os.environ["ODOO_QUEUE_JOB_MAX_CAPACITY"] = str(max(CAPACITIES) + RENDERING)
    odoo.tools.config.parse_config(["--addons-path", addons_path, "-d", database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(database)
    sandbox = eco_sandbox.SandboxServer(host="127.0.0.1", port=SANDBOX_PORT).start()
    log = tempfile.NamedTemporaryFile(prefix="claims_pipeline-", suffix=".log", delete=False).name
    server = counter = None
    results = []
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            begin = time.perf_counter()
            env.company.qualirepar_send_at_posting = False  # sent once paid
            backends = claim_batch.connect(env, sandbox.ecosystem_url, sandbox.ecologic_url, eco_sandbox.API_KEY,
                                           eco_sandbox.USERNAME, eco_sandbox.PASSWORD, timeout=10)
            per_run = CLAIMS + PACED
            claims = claim_batch.make_claims(env, backends, per_run * len(CAPACITIES), str(int(time.time())))
            cr.commit()
            print(f"{len(claims)} claims made in {time.perf_counter() - begin:.0f} s "
                  f"({dict(Counter(claims.mapped('state')))})", flush=True)
            sandbox.state.set_faults(latency_ms=LATENCY_MS)
            server = Server(database, addons_path, max(CAPACITIES) + RENDERING, log)
            counter = EnqueueCounter(registry)
            for index, capacity in enumerate(CAPACITIES):
                batch = claims[index * per_run:(index + 1) * per_run]
                results.append(run_capacity(env, sandbox, server, counter, capacity, batch[:CLAIMS],
                                            batch[CLAIMS:]))
                print(f"capacity {capacity}: done", flush=True)
    finally:
        if counter:
            counter.stop()
        if server:
            server.stop()
        sandbox.stop()

    failed = []
    print(f"\n{CLAIMS} claims paid at once, {LATENCY_MS} ms per call to the organisms; then {PACED} paid one every "
          f"{PACE} s. Server log: {log}")
    for r in results:
        print(f"\nchannel root.qualirepar, capacity {r['capacity']}: {dict(r['states'])}")
        print(f"{'calls to the organisms':<38}{r['calls']:>9}  ({r['calls'] / CLAIMS:.1f} per claim)")
        print(f"{'bound (s)':<38}{r['bound']:>9.1f}  (calls × latency ÷ capacity)")
        print(f"{'wall time (s)':<38}{r['wall']:>9.1f}  ({r['ratio']:.2f}× the bound; target ≤ {TARGET_RATIO}×)")
        print(f"{'SQL statements per claim':<38}{r['per_claim']:>9.1f}  (job {r['job_sql']:.1f} + rendering jobs "
              f"{r['helper_sql']:.1f} + other requests {r['other_sql']:.1f} + queuing {r['enqueue_sql']:.1f}; "
              f"target ≤ {TARGET_SQL})")
        cpu, cores = r["cpu"], os.cpu_count()
        total = sum(cpu.values())
        print(f"{'CPU time (s)':<38}{total:>9.1f}  (Odoo {cpu['odoo']:.1f} + PostgreSQL {cpu['postgres']:.1f} + the "
              f"sandbox and this process {cpu['bench']:.1f}, from the payments' commit to the last claim sent: "
              f"{total / CLAIMS * 1000:.0f} ms a claim, {total / r['wall']:.2f} of the {cores} cores busy)")
        print(f"{'least wall time these cores allow (s)':<38}{total / cores:>9.1f}  (CPU time ÷ {cores} cores; "
              f"{TARGET_RATIO}× the bound is {TARGET_RATIO * r['bound']:.1f} s)")
        print(f"{'a job (its request)':<38}{r['job_seconds']:>9.2f}  s on average, {r['jobs']} jobs "
              f"(and {r['helpers']} rendering the paid invoices)")
        print(f"{'payment → submitted, one at a time':<38}  median {statistics.median(r['paced']):.2f} s, "
              f"p95 {percentile(r['paced'], 0.95):.2f} s")
        print(f"{'payment → submitted, all at once':<38}  median {statistics.median(r['burst']):.1f} s, "
              f"p95 {percentile(r['burst'], 0.95):.1f} s")
        failed += [f"{name} (capacity {r['capacity']})" for name, ok in (
            ("wall time", r["ratio"] <= TARGET_RATIO), ("queries", r["per_claim"] <= TARGET_SQL),
            ("all sent", r["states"] == {"sent": CLAIMS + PACED} and not r["failed"])) if not ok]
    print(f"\nFAIL: {', '.join(failed)}" if failed else "\nOK: both targets met, every claim sent")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
