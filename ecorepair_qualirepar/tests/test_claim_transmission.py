import base64
import os
import traceback
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import common as odoo_test_common
from odoo.tests import tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.jobrunner import runner as job_runner
# queue_job's test helpers register themselves in SETATTR_SOURCES, which Odoo 18.0 sources older than
# mid-2025 lack: an empty one stands in for it (it only silences a warning about patched methods).
odoo_test_common.__dict__.setdefault("SETATTR_SOURCES", {})
from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

from .common import eco_sandbox
from .common_bonus import EcologicBonusCase

PNG = base64.b64encode(
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
SIGNED = base64.b64encode(b"%PDF-1.4 attestation signee par le client")


@tagged("post_install", "-at_install")
class TestClaimTransmission(EcologicBonusCase):
    """The claims' jobs send them to the organisms' APIs (the local sandbox) and follow them; the scheduled
    actions queue them. The jobs run as queue_job's runner runs them, on a cursor of the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The jobs commit what they learn, on cursors of their own: here, cursors of the test's transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.backend.write({"base_url": cls.sandbox.ecosystem_url, "username": eco_sandbox.USERNAME,
                           "password": eco_sandbox.PASSWORD, "repairer_identifier": "2000123", "timeout": 10})
        cls.ecologic_backend.action_sync_reference_data()
        cls.leak = cls.env(su=True)["qualirepar.repair.code"].search(
            [("product_type_id", "=", cls.washer_type.id), ("code", "=", "A02")])
        cls.customer.write({"street": "3 rue des Lilas", "zip": "69003", "city": "Lyon", "phone": "0612345678",
                            "country_id": cls.env.ref("base.fr").id})
        cls.claims = cls.env["qualirepar.claim"]

    def run_jobs(self, trap=None):
        """Run the claims' jobs: those ``trap`` caught (queue_job's ``trap_jobs``: never stored), then the stored
        ones that are due (queued for real, or left to try again), each after the jobs it waits for (rendering
        the paid invoices), as queue_job's runner runs them. Returns how many of the claims' steps ran (sending,
        following, withdrawing: the rendering jobs they waited for are not counted)."""
        self.env.flush_all()  # what the test wrote, as committed before a job runs
        env = self.env(su=True)
        jobs = trap.enqueued_jobs if trap else []
        if trap:
            trap.enqueued_jobs = []
        due = env["queue.job"].search([("state", "=", "pending"), ("model_name", "=", "qualirepar.claim"),
                                       "|", ("eta", "=", False), ("eta", "<=", fields.Datetime.now())])
        jobs += [Job.load(env, uuid) for uuid in due.mapped("uuid")]
        ran = []
        while jobs:
            for job in sorted(jobs, key=lambda job: bool(job.depends_on)):  # a job after those it waits for
                self.perform(job)
                ran.append(job)
            # The jobs that waited for those, now pending (never tried yet).
            graphs = {job.graph_uuid for job in ran if job.graph_uuid}
            jobs = [Job.load(env, uuid) for uuid in env["queue.job"].search([
                ("state", "=", "pending"), ("graph_uuid", "in", list(graphs)), ("retry", "=", 0),
                ("uuid", "not in", [job.uuid for job in ran])]).mapped("uuid")] if graphs else []
        self.env.invalidate_all()
        return len([job for job in ran if job.method_name != "_qualirepar_job_render"])

    def perform(self, job):
        """Perform ``job``, doing what queue_job's test helpers cannot (their ``perform_enqueued_jobs`` raises the
        job's RetryableJobError): a job failing for now is left as queue_job's runner leaves it, stored and pending
        until its next try (its eta); a job failing otherwise is given up as the runner gives it up (failed, its
        function's on_fail_method called, controllers/main.py); a stored job that works is done."""
        stored = bool(job.db_record())
        try:
            job.perform()
        except RetryableJobError as error:
            job.postpone(result=str(error), seconds=error.seconds)
            job.set_pending(reset_retry=False)
            Job.store(job)  # a trapped job's own store() does nothing
        except Exception as error:  # noqa: BLE001 - any other error fails the job
            with job.in_temporary_env():
                values = RunJobController._get_failure_values(job, traceback.format_exc(), error)
                job.set_failed(**values)
                job.store()
                job.on_fail(values)
        else:
            if stored:
                job.set_done()
                job.store()
                self.env.flush_all()
                if job.should_check_dependents():
                    job.enqueue_waiting()  # the jobs waiting for this one can run
        self.env.invalidate_all()

    def submit(self):
        """The scheduled action queues the claims due, their jobs run."""
        with trap_jobs() as trap:
            self.claims._cron_submit_claims()
        return self.run_jobs(trap)

    def refresh(self):
        with trap_jobs() as trap:
            self.claims._cron_refresh_claims()
        return self.run_jobs(trap)

    def pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({})._create_payments()
        self.env.cr.precommit.run()  # what the payment's commit runs: its claims' jobs queued
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))
        # The payment is committed before its jobs run, each on a cursor of its own: in the database.
        self.env.flush_all()

    def checked_claim(self, repair, *lines):
        """The claim of ``repair`` quoted and invoiced with ``lines``, with its documents, checked."""
        repair.qualirepar_nameplate_photo = PNG
        order = self.quote(repair, *lines)
        order.action_qualirepar_check_bonus()  # the organism is asked on the quote; confirming makes no call
        order.action_confirm()
        claim = self.invoice(order).qualirepar_claim_ids
        claim.consumer_document = SIGNED
        claim.action_check()
        self.assertEqual(claim.state, "to_send", claim.check_issues)
        return claim

    def sent_claim(self, repair, *lines):
        """The same, its invoice paid: ready to send."""
        claim = self.checked_claim(repair, *lines)
        self.pay(claim.invoice_id)
        return claim

    def laptop_claim(self):
        return self.sent_claim(self.repair(), (self.labour, 100), (self.screen, 50))

    def washer_claim(self):
        return self.sent_claim(self.washer_repair(qualirepar_iris_code_id=self.leak.id), (self.labour, 100))

    def remote(self, organism):
        return self.sandbox.state.claims(organism)

    def due_now(self, claim):
        """The claim's job waiting to try again is due."""
        jobs = claim._qualirepar_jobs_of("send", ("pending",)) | claim._qualirepar_jobs_of("refresh", ("pending",)) \
            | claim._qualirepar_jobs_of("withdraw", ("pending",))
        self.assertTrue(jobs, "a job waits to try again")
        jobs.sudo().eta = fields.Datetime.now() - timedelta(seconds=1)

    def remittance(self, claims, amount):
        wizard = self.env["qualirepar.remittance.wizard"].with_context(
            active_model="qualirepar.claim", active_ids=claims.ids).create({"amount": amount})
        wizard.line_ids.amount_paid = amount
        wizard.action_confirm()

    def test_ecosystem_claim_sent_approved_and_paid_short(self):
        """No API tells a payment: "Remboursement effectué" informs, books nothing, and the remittance records
        what the bank received, a short payment included."""
        claim = self.laptop_claim()
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        remote = self.sandbox.state.claim("ecosystem", claim.remote_ref)
        self.assertEqual(remote["payload"]["PurchaseOrderByCustomer"], claim.name)
        self.assertEqual(remote["payload"]["Bill"]["AmountCovered"]["amount"], 50)
        self.assertEqual(remote["payload"]["Bill"]["TotalAmountInclVAT"]["amount"], 180)
        self.assertEqual(set(remote["files"]), {"invoice", "serial_tag", "claim_request"})
        self.assertIn("Claim submitted to ecosystem", claim.message_ids[0].body)

        self.sandbox.state.approve("ecosystem", claim.remote_ref)
        self.refresh()
        self.assertEqual(claim.state, "approved")
        self.sandbox.state.pay("ecosystem", claim.remote_ref, 45)
        self.refresh()
        self.assertEqual((claim.state, claim.remote_status, claim.amount_paid), ("approved", "Remboursement effectué", 0))
        self.assertTrue(claim.remote_closed)
        self.assertEqual(claim.amount_residual, 50, "nothing booked on a status")
        self.assertIn("Record a remittance", claim.message_ids[1].body)
        calls = len(self.sandbox.state.request_log)
        self.refresh()
        self.assertEqual(len(self.sandbox.state.request_log), calls, "a settled claim is not asked again")

        self.remittance(claim, 45)
        # Short paid: the 5 € missing stay owed on the claim, which is paid only once they are matched.
        self.assertEqual((claim.state, claim.amount_paid, claim.amount_residual), ("approved", 45, 5))
        self.assertTrue(claim.has_discrepancy)
        self.assertEqual(claim.activity_ids.summary, "Reimbursement discrepancy")
        self.assertEqual(len(self.remote("ecosystem")), 1)

    def test_claim_credited_after_sending_is_followed_until_settled(self):
        """A credit note after sending leaves the claim followed: rejected by the organism before it paid
        anything, nothing is owed to it and the claim is closed, with nothing to correct; settled there, what the
        organism pays is recorded and owed back."""
        rejected, settled = self.laptop_claim(), self.washer_claim()
        self.submit()
        for claim in rejected | settled:
            self.assertEqual(claim.state, "sent", claim.last_error)
            self.refund(claim.invoice_id)
            self.assertEqual((claim.state, claim.amount_to_refund), ("to_refund", 0))
        self.sandbox.state.reject("ecosystem", rejected.remote_ref)
        self.sandbox.state.approve("ecologic", settled.remote_ref)
        self.sandbox.state.pay("ecologic", settled.remote_ref)
        self.assertEqual(self.refresh(), 2)
        self.assertEqual(rejected.state, "cancel")
        self.assertIn("nothing is to be refunded to it", "".join(rejected.message_ids.mapped("body")))
        self.assertFalse(rejected.activity_ids, "nothing to correct nor to resubmit")
        self.assertEqual((settled.state, settled.remote_closed, settled.amount_to_refund), ("to_refund", True, 0))
        calls = len(self.sandbox.state.request_log)
        self.assertEqual(self.refresh(), 0)
        self.assertEqual(len(self.sandbox.state.request_log), calls, "neither is asked again")
        self.remittance(settled, 50)
        self.assertEqual((settled.state, settled.amount_paid, settled.amount_to_refund), ("to_refund", 50, 50))

    def test_ecologic_payment_accepted_is_not_paid(self):
        """Ecologic's "Remboursement accepté" is accepted for payment; "Clôturée" settles it; the remittance
        books the money."""
        claim = self.washer_claim()
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.sandbox.state.approve("ecologic", claim.remote_ref)
        self.refresh()
        self.assertEqual((claim.state, claim.remote_status), ("approved", "Remboursement accepté"))
        self.assertFalse(claim.remote_closed)
        self.sandbox.state.pay("ecologic", claim.remote_ref)
        self.refresh()
        self.assertEqual((claim.state, claim.remote_status, claim.amount_paid), ("approved", "Clôturée", 0))
        self.assertTrue(claim.remote_closed)
        self.assertIn("50.00 EUR", claim.message_ids[0].body, "the comment's amount is shown")
        self.remittance(claim, 50)
        self.assertEqual((claim.state, claim.amount_paid, claim.has_discrepancy), ("paid", 50, False))

    def test_refused_ecologic_claim_is_sent_again_as_a_new_claim(self):
        """Nothing says a refused Ecologic claim can be changed (the strict sandbox refuses it): the corrected
        claim is a new one, the refused reference kept."""
        claim = self.washer_claim()
        self.submit()
        self.assertEqual(claim.state, "sent")
        remote = self.sandbox.state.claim("ecologic", claim.remote_ref)
        self.assertEqual(set(remote["files"]), {"INVOICE", "NAMEPLATE", "CONSUMERVALIDATION"})
        self.assertEqual(remote["body"]["Quote"]["SupportAmount"]["Amount"], 50)
        self.assertEqual(claim.remote_document_ids.mapped("kind"), ["invoice", "nameplate", "consumer_validation"])
        self.assertTrue(any("with its documents: Invoice, Nameplate photo, Customer" in message.body
                            for message in claim.message_ids))

        self.sandbox.state.reject("ecologic", claim.remote_ref, "13")
        self.refresh()
        self.assertEqual((claim.state, claim.reject_code), ("rejected", "13"))
        self.assertIn("pas une facture", claim.reject_reason)
        self.assertEqual(claim.activity_ids.summary, "Bonus claim to look at")
        refused = claim.remote_ref

        claim.action_resubmit()
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertNotEqual(claim.remote_ref, refused)
        self.assertEqual(claim.previous_remote_ref_ids.mapped("name"), [refused])
        self.assertEqual(claim.previous_remote_ref_ids.organism, "ecologic")
        # The new claim at Ecologic has each document once, and the claim says so.
        self.assertEqual({kind: len(files) for kind, files in
                          self.sandbox.state.claim("ecologic", claim.remote_ref)["files"].items()},
                         {"INVOICE": 1, "NAMEPLATE": 1, "CONSUMERVALIDATION": 1})
        self.assertEqual(sorted(claim.remote_document_ids.mapped("kind")),
                         ["consumer_validation", "invoice", "nameplate"])
        self.assertEqual(sorted(c["params"]["QuoteNumber"] for c in self.remote("ecologic")),
                         sorted([claim.name, f"{claim.name}-2"]))

    def test_refused_ecologic_claim_updated_when_the_connection_says_so(self):
        self.ecologic_backend.refused_claims_updatable = True
        self.sandbox.state.accept_refused_updates = True
        claim = self.washer_claim()
        self.submit()
        self.sandbox.state.reject("ecologic", claim.remote_ref, "13")
        self.refresh()
        claim.action_resubmit()
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual(len(self.remote("ecologic")), 1, "Ecologic's claim is updated, not created again")
        self.assertTrue(any("updateclaim" in path.lower() for _m, path, _s in self.sandbox.state.request_log))

    def test_ecologic_incomplete_after_submission(self):
        """"Dossier incomplet" after submission: the person sees which document Ecologic refused; once it is
        replaced, that document alone is attached again and the claim corrected and submitted (updateclaim)."""
        claim = self.washer_claim()
        self.submit()
        self.sandbox.state.incomplete("ecologic", claim.remote_ref, "NAMEPLATE", "Plaque signalétique illisible")
        self.refresh()
        self.assertEqual(claim.state, "to_fix")
        self.assertIn("Plaque signalétique illisible", claim.validation_errors)
        self.assertEqual(claim.refused_documents_label, "Nameplate photo")
        self.assertEqual({(document.kind, document.refused) for document in claim.remote_document_ids},
                         {("invoice", False), ("nameplate", True), ("consumer_validation", False)})
        self.assertIn("Nameplate photo", claim.activity_ids.note)
        log = len(self.sandbox.state.request_log)
        claim.repair_id.qualirepar_nameplate_photo = PNG  # a new photo
        claim.action_check()
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        calls = [path.rsplit("/", 1)[-1].lower() for _m, path, _s in self.sandbox.state.request_log[log:]]
        self.assertEqual(calls, ["attachfile", "updateclaim"])
        self.assertEqual(len(self.sandbox.state.claim("ecologic", claim.remote_ref)["files"]["NAMEPLATE"]), 2)
        self.assertFalse(claim.refused_documents_label)
        self.assertEqual({(document.kind, document.refused) for document in claim.remote_document_ids},
                         {("invoice", False), ("nameplate", False), ("consumer_validation", False)})
        self.assertEqual(len(self.remote("ecologic")), 1)

    def test_ecosystem_rejection_makes_a_new_claim_keeping_the_old_reference(self):
        claim = self.laptop_claim()
        self.submit()
        first = claim.remote_ref
        self.sandbox.state.reject("ecosystem", first, "09")
        self.refresh()
        self.assertEqual(claim.reject_code, "09")
        claim.action_resubmit()
        self.submit()
        self.assertEqual(claim.state, "sent")
        self.assertNotEqual(claim.remote_ref, first)
        self.assertEqual(claim.previous_remote_ref_ids.mapped("name"), [first])
        self.assertEqual(claim.previous_remote_ref_ids.organism, "ecosystem")
        self.assertEqual(self.sandbox.state.claim("ecosystem", claim.remote_ref)["payload"]["PurchaseOrderByCustomer"],
                         f"{claim.name}-2")

    def test_lost_answer_to_a_creation_never_makes_a_second_claim(self):
        """ecosystem answers 500 to new_claim: the next run looks the claim up before creating it."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="new_claim")
        self.submit()
        self.assertEqual((claim.state, claim.attempt_count, claim.job_state), ("to_send", 1, "pending"))
        self.assertTrue(claim.job_next_try > fields.Datetime.now())
        self.assertIn("HTTP 500", claim.last_error)
        self.assertIn("HTTP 500", claim.job_error)
        self.submit()  # not due yet
        self.assertEqual(claim.attempt_count, 1)
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent")
        self.assertEqual(len(self.remote("ecosystem")), 1)
        self.assertTrue(any(method == "GET" and path.endswith("/reimbursement-claims")
                            for method, path, _status in self.sandbox.state.request_log), "it looked first")

    def test_ecologic_lost_creation_waits_for_a_person(self):
        """Until Ecologic has been seen to tell, in a support request's status, the claim made from it, a lost
        answer to createclaim goes to a person, told what to look for on e-reparateur and where to type it."""
        claim = self.washer_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="createclaim")
        self.submit()
        self.assertTrue(claim.remote_request_ref)
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "to_fix")
        self.assertIn(claim.name, claim.last_error)
        self.assertIn("e-reparateur", claim.activity_ids.note)
        self.assertIn("Organism's reference", claim.activity_ids.note)
        self.assertFalse(self.remote("ecologic"))
        # Nothing was created there: the person sends it again.
        claim.action_check()
        self.submit()
        self.assertEqual(claim.state, "sent")
        self.assertEqual(len(self.remote("ecologic")), 1)
        self.assertTrue(self.ecologic_backend.request_lookup_trusted, "its support request told the claim")

    def test_ecologic_lost_creation_found_through_its_support_request(self):
        """The lost attempt did create the claim: its support request's status gives the ClaimId, no person."""
        claim = self.washer_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="createclaim")
        self.submit()
        # The attempt whose answer was lost.
        job = claim._qualirepar_job()
        self.ecologic_backend._get_client().create_claim(request_id=job["request_id"], **job["create"])
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual(len(self.remote("ecologic")), 1)
        self.assertEqual(claim.remote_ref, str(self.remote("ecologic")[0]["id"]))
        self.assertFalse(claim.activity_ids)

    def test_ecologic_lost_creation_made_again_once_lookups_are_trusted(self):
        first = self.washer_claim()
        self.submit()
        self.assertEqual(first.state, "sent")
        self.assertTrue(self.ecologic_backend.request_lookup_trusted)
        claim = self.sent_claim(self.washer_repair(qualirepar_iris_code_id=self.leak.id,
                                                   qualirepar_serial_number="SEB-WM-0043"), (self.labour, 100))
        self.sandbox.state.inject("5xx", count=1, path_filter="createclaim")
        self.submit()
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual(sorted(c["params"]["QuoteNumber"] for c in self.remote("ecologic")),
                         sorted(self.claims.search([("organism", "=", "ecologic")]).mapped("name")))

    def test_one_failing_claim_does_not_stop_the_others(self):
        broken, good = self.laptop_claim(), self.washer_claim()
        self.sandbox.state.inject("5xx", count=100, path_filter="/ecosystem/")
        self.submit()
        self.assertEqual(broken.state, "to_send")
        self.assertEqual(good.state, "sent")

    def test_refused_request_is_retried_without_a_look_up(self):
        """429: the organism did nothing, the creation is simply sent again."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("429", count=1, path_filter="new_claim")
        self.submit()
        self.assertFalse(claim.remote_create_started)
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent")

    def test_refused_look_up_is_looked_up_again(self):
        """The answer to a creation is lost (ecosystem made the claim), then the look-up itself is refused (429):
        the next attempt looks again instead of making a second claim."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="new_claim")
        self.submit()
        self.backend._get_client().new_claim(**claim._qualirepar_job()["create"])  # the lost creation
        self.sandbox.state.inject("429", count=4, path_filter="/reimbursement-claims")  # urllib3 tries 4 times
        self.due_now(claim)
        self.submit()
        self.assertEqual((claim.state, claim.attempt_count), ("to_send", 2))
        self.assertTrue(claim.remote_create_started, "still to be looked for")
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual([c["id"] for c in self.remote("ecosystem")], [claim.remote_ref])

    def test_interrupted_upload_remakes_the_ecosystem_draft(self):
        """The answer to an upload-file is lost after ecosystem made the slot: it cannot be filled any more, so
        the draft is deleted and the claim made anew; ecosystem ends up with one claim."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="upload-file")
        self.submit()
        self.assertEqual(claim.state, "sending")
        # The earlier attempt whose answer was lost: ecosystem made the invoice's slot, nothing was put in it.
        self.backend._get_client().request_upload_url(claim.remote_ref, "facture.pdf", "invoice", 0.01)
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        remote = self.remote("ecosystem")
        self.assertEqual(len(remote), 1)
        self.assertEqual(remote[0]["payload"]["PurchaseOrderByCustomer"], f"{claim.name}-2")

    def test_drafts_missing_a_document_again_and_again_are_tried_later(self):
        """An upload ecosystem answers 200 to without keeping the file (an unreadable answer): the draft misses it
        and is made anew, at once, three times; then the claim waits for the back-off with its job, never left
        without one."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        claim = self.laptop_claim()
        claim._qualirepar_responsible().lang = "fr_FR"
        self.sandbox.state.inject("malformed", count=9, path_filter="/_s3/")  # its 3 documents, 3 times
        self.submit()
        self.assertEqual((claim.state, claim.job_state, claim.submission_count), ("to_send", "pending", 3))
        self.assertIn("Chez ecosystem, 3 brouillons de suite étaient incomplets", claim.last_error,
                      "in the language of the person responsible (the job runs without one)")
        self.assertFalse(self.remote("ecosystem"), "each draft deleted")
        self.due_now(claim)
        self.submit()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual([c["payload"]["PurchaseOrderByCustomer"] for c in self.remote("ecosystem")],
                         [f"{claim.name}-4"])

    def test_lost_answer_to_the_confirmation(self):
        """ecosystem confirmed the claim but its answer was lost: the next attempt finds it sent."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="confirm-claim")
        self.submit()
        self.assertEqual(claim.state, "sending")
        self.backend._get_client().confirm_claim(claim.remote_ref)  # the attempt whose answer was lost
        self.due_now(claim)
        self.submit()
        self.assertEqual((claim.state, claim.remote_status), ("sent", "Envoyé, en cours vérification"))

    def draft_at_the_organism(self, claim):
        """``claim`` sent at posting, its submission interrupted: the organism holds a draft of it."""
        self.sandbox.state.inject("5xx", count=1, path_filter="confirm-claim" if claim.organism == "ecosystem"
                                  else "submitclaim")
        self.submit()
        self.assertEqual(claim.state, "sending", claim.last_error)
        self.assertTrue(claim.remote_ref)
        return claim.remote_ref

    def test_cancelled_invoice_withdraws_the_ecosystem_draft(self):
        """An invoice cancelled before its claim was sent: the claim's job deletes ecosystem's draft (tried
        again after a temporary failure), says so in the claim's history, and nothing is left to withdraw."""
        self.company.qualirepar_send_at_posting = True
        claim = self.checked_claim(self.repair(), (self.labour, 100), (self.screen, 50))
        ref = self.draft_at_the_organism(claim)
        self.assertEqual([c["id"] for c in self.remote("ecosystem")], [ref])
        claim.invoice_id.button_cancel()
        self.assertEqual((claim.state, claim.remote_cancel_pending), ("cancel", True))
        job = claim._qualirepar_jobs_of("withdraw")
        self.assertEqual((job.channel, job.identity_key, job.method_name),
                         ("root.qualirepar", f"qualirepar.claim,{claim.id},withdraw", "_qualirepar_job_withdraw"))
        self.assertEqual(self.remote("ecosystem")[0]["id"], ref, "no call to the organism while cancelling")

        self.sandbox.state.inject("5xx", count=4, path_filter=f"reimbursement-claims/{ref}")  # urllib3 tries 4 times
        self.run_jobs()
        self.assertTrue(claim.remote_cancel_pending, "tried again later")
        self.assertEqual(job.state, "pending")
        self.assertIn("failed, tried again", claim.message_ids[0].body)
        self.assertEqual(len(self.remote("ecosystem")), 1)
        self.due_now(claim)
        self.run_jobs()
        self.assertFalse(self.remote("ecosystem"))
        self.assertEqual((claim.state, claim.remote_cancel_pending, claim.job_state), ("cancel", False, "done"))
        self.assertIn(f"The draft {ref} of this cancelled claim was deleted at ecosystem", claim.message_ids[0].body)
        self.assertFalse(claim.activity_ids)

    def test_withdrawing_a_draft_already_deleted(self):
        """A credit note before sending: ecosystem's draft is gone already (404), which is what was wanted."""
        self.company.qualirepar_send_at_posting = True
        claim = self.checked_claim(self.repair(), (self.labour, 100), (self.screen, 50))
        ref = self.draft_at_the_organism(claim)
        self.backend._get_client().delete_claim(ref)  # deleted on ecosystem's site by a person
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=claim.invoice_id.ids).create(
            {"journal_id": claim.invoice_id.journal_id.id, "reason": "Erreur"})
        self.env["account.move"].browse(wizard.refund_moves()["res_id"]).action_post()
        self.assertEqual((claim.state, claim.remote_cancel_pending), ("cancel", True))
        self.run_jobs()
        self.assertEqual((claim.remote_cancel_pending, claim.job_state), (False, "done"))
        self.assertIn(f"The draft {ref} was no longer at ecosystem", claim.message_ids[0].body)

    def test_cancelled_ecologic_claim_is_left_to_a_person(self):
        """Ecologic's API documents no way to cancel a claim: a person is told which one to cancel on
        e-reparateur."""
        self.company.qualirepar_send_at_posting = True
        claim = self.checked_claim(self.washer_repair(qualirepar_iris_code_id=self.leak.id), (self.labour, 100))
        ref = self.draft_at_the_organism(claim)
        claim.invoice_id.button_cancel()
        self.assertTrue(claim.remote_cancel_pending)
        calls = len(self.sandbox.state.request_log)
        self.run_jobs()
        self.assertEqual(len(self.sandbox.state.request_log), calls, "no call: nothing to call")
        self.assertEqual((claim.state, claim.remote_cancel_pending), ("cancel", False))
        self.assertEqual(claim.activity_ids.summary, "Bonus claim to look at")
        self.assertIn(f"cancel the claim {ref}", claim.activity_ids.note)
        self.assertIn("e-reparateur", claim.activity_ids.note)

    def test_one_job_per_claim_and_step(self):
        """The payment queues the claim's sending at once; its identity keeps it from being queued twice (by the
        scheduled action, by "Send now"); the follow-up is a job of its own."""
        claim = self.checked_claim(self.repair(), (self.labour, 100), (self.screen, 50))
        send, identity = claim._qualirepar_job_send, f"qualirepar.claim,{claim.id},send"
        with trap_jobs() as trap:
            self.claims._cron_submit_claims()
            trap.assert_jobs_count(0)  # not paid yet
            self.pay(claim.invoice_id)
            trap.assert_jobs_count(1, only=send)
            trap.assert_enqueued_job(send, properties={"channel": "root.qualirepar", "identity_key": identity})
            trap.perform_enqueued_jobs()  # on a cursor of its own (its job function allows commits)
        self.env.invalidate_all()
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertFalse(claim.job_state, "trapped: not stored")
        self.assertEqual(len(self.remote("ecosystem")), 1)

        with trap_jobs() as trap:
            self.claims._cron_refresh_claims()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(claim._qualirepar_job_refresh, properties={
                "channel": "root.qualirepar", "identity_key": f"qualirepar.claim,{claim.id},refresh"})

        # Stored for real: the identity is checked against the jobs waiting or running.
        self.assertEqual(self.claims._cron_refresh_claims(), 1)
        claim.invalidate_recordset()
        self.assertEqual(claim.job_state, "pending")
        self.assertEqual(self.claims._cron_refresh_claims(), 0, "already queued")
        claim.action_refresh_status()  # "Check the status": the job waiting, not a second one
        self.assertEqual(len(claim._qualirepar_jobs_of("refresh")), 1)
        self.assertEqual(self.run_jobs(), 1)
        self.assertEqual((claim.state, claim.job_state), ("sent", "done"))

    def test_a_job_queued_twice_leaves_the_claim_to_the_first(self):
        """Two transactions queued the same step at once: the second job, finding the first running, does
        nothing."""
        claim = self.laptop_claim()
        self.claims._cron_submit_claims()
        first = claim._qualirepar_jobs_of("send")
        first.state = "started"
        second = claim.with_context(job_uuid="another")._qualirepar_job_send()
        self.assertEqual((second, claim.state), ("Sent by another job.", "to_send"))
        self.assertFalse(self.remote("ecosystem"))

    def test_sent_once_the_invoice_is_paid(self):
        """Checked at posting, sent once paid, with the paid invoice; a company may send at posting."""
        claim = self.checked_claim(self.repair(), (self.labour, 100), (self.screen, 50))
        self.assertEqual(self.submit(), 0)
        self.assertEqual(claim.state, "to_send")
        self.assertFalse(self.remote("ecosystem"))
        with trap_jobs() as trap:
            self.pay(claim.invoice_id)
            trap.assert_enqueued_job(claim._qualirepar_job_send, properties={
                "identity_key": f"qualirepar.claim,{claim.id},send"})
            trap.assert_jobs_count(1)  # paid alone: its job renders the paid invoice too
            trap.perform_enqueued_jobs()  # the payment queued it
        self.env.invalidate_all()  # the job wrote on a cursor of its own
        self.assertEqual(claim.state, "sent", claim.last_error)
        self.assertEqual(claim.invoice_pdf_id.description, "paid invoice")
        self.assertNotEqual(claim.invoice_pdf_id, claim.invoice_id.invoice_pdf_report_id)

        settings = self.env["res.config.settings"].create({"qualirepar_send_at_posting": True})
        settings.execute()
        self.assertTrue(self.env.company.qualirepar_send_at_posting)
        at_posting = self.checked_claim(self.washer_repair(qualirepar_iris_code_id=self.leak.id), (self.labour, 100))
        # Only the organism's part of the invoice is matched: the customer has not paid.
        self.assertEqual(at_posting.invoice_id.payment_state, "partial")
        self.submit()
        self.assertEqual(at_posting.state, "sent", at_posting.last_error)

    def test_paid_invoices_rendered_together(self):
        """Invoices paid in one transaction (a payment each, with its cash-basis tax entry): as it commits, one job
        is queued to render their paid invoices, the claims' jobs waiting for it, each sending its own paid
        invoice. The scheduled action's batch is queued the same way."""
        claims = self.checked_claim(self.repair(), (self.labour, 100), (self.screen, 50)) | self.checked_claim(
            self.repair(qualirepar_serial_number="R5CW99ZYXWV"), (self.labour, 120), (self.screen, 50))
        with trap_jobs() as trap:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=claims.invoice_id.ids).create(
                {"group_payment": False})._create_payments()
            self.assertEqual(set(claims.invoice_id.mapped("payment_state")), {"paid"})
            trap.assert_jobs_count(0)  # queued as the transaction commits
            self.env.cr.precommit.run()
            renders = [job for job in trap.enqueued_jobs if job.method_name == "_qualirepar_job_render"]
            self.assertEqual([job.recordset for job in renders], [claims])
            # Rendering calls no organism: it takes none of the claims sent at once (the claims' channel).
            self.assertEqual([job.channel for job in renders], ["root"])
            for claim in claims:
                trap.assert_enqueued_job(claim._qualirepar_job_send, properties={
                    "channel": "root.qualirepar", "identity_key": f"qualirepar.claim,{claim.id},send"})
            sends = [job for job in trap.enqueued_jobs if job.method_name == "_qualirepar_job_send"]
            self.assertEqual([job.depends_on for job in sends], [set(renders)] * 2, "sent once rendered")
        with trap_jobs() as trap:  # the same from the scheduled action (the jobs above were never stored)
            self.assertEqual(self.claims._cron_submit_claims(), 2)
            trap.assert_jobs_count(3)
            self.assertEqual(self.run_jobs(trap), 2)
        self.assertEqual(set(claims.mapped("state")), {"sent"})
        for claim, other in (claims, claims[::-1]):
            self.assertEqual(claim.invoice_pdf_id.description, "paid invoice")
            self.assertEqual(claim.invoice_pdf_id.name, claim.invoice_id._get_invoice_report_filename())
            content = claim.invoice_pdf_id.raw.decode()
            self.assertIn(claim.invoice_id.name, content)
            self.assertNotIn(other.invoice_id.name, content, "its own invoice only")

    def test_wrong_password_during_follow_up_stays_on_the_connection(self):
        """The organism refuses the connection: the claims keep their state and are followed again once the
        password is corrected; one activity, on the connection."""
        claims = self.laptop_claim() | self.sent_claim(
            self.repair(qualirepar_serial_number="R5CW99ZYXWV"), (self.labour, 100), (self.screen, 50))
        self.submit()
        self.assertEqual(set(claims.mapped("state")), {"sent"})
        for claim in claims:
            self.sandbox.state.approve("ecosystem", claim.remote_ref)
        self.backend.password = "wrong"
        self.refresh()
        self.assertEqual(set(claims.mapped("state")), {"sent"})
        self.assertFalse(claims.activity_ids)
        self.assertEqual(set(claims.mapped("job_state")), {"pending"}, "tried again later")
        self.assertTrue(self.backend.connection_error)
        activity = self.backend.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("ecorepair_qualirepar.mail_activity_connection_refused"))
        self.backend.password = eco_sandbox.PASSWORD  # corrected: tried again now
        self.assertEqual(self.run_jobs(), 2)
        self.assertEqual(set(claims.mapped("job_state")), {"done"})
        self.assertEqual(set(claims.mapped("state")), {"approved"})
        self.assertFalse(self.backend.connection_error)
        self.assertFalse(self.backend.activity_ids)

    def test_job_failing_unexpectedly_goes_to_a_person_and_is_not_queued_again(self):
        """A job failing on an unexpected error (not an answer of the organism) is given up by queue_job's runner:
        the person responsible for the claim is told, in French, what failed and what to do; the scheduled action
        no longer queues the claim every quarter of an hour (each time a failed job, and a notice to the job
        managers); "Send now" tries again, and sends it once the error is gone."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        claim = self.laptop_claim()  # paid: its job is queued
        claim._qualirepar_responsible().lang = "fr_FR"
        with patch.object(type(self.claims), "_qualirepar_claim_data", side_effect=ValueError("modèle inconnu")):
            self.assertEqual(self.run_jobs(), 1)
        self.assertEqual((claim.state, claim.job_state, claim.job_error), ("to_send", "failed", "modèle inconnu"))
        self.assertTrue(claim.job_failed)
        self.assertEqual(len(claim.activity_ids), 1)
        self.assertIn("a échoué sur une erreur inattendue (modèle inconnu)", claim.activity_ids.note)
        self.assertIn("cliquez sur « Envoyer maintenant »", claim.activity_ids.note)
        self.assertFalse(self.remote("ecosystem"))
        self.assertEqual(self.submit(), 0, "not queued again by the scheduled action")
        claim.action_submit()
        self.assertEqual(self.run_jobs(), 1)
        self.assertEqual((claim.state, claim.job_state, claim.job_failed), ("sent", "done", False))
        self.assertEqual(len(self.remote("ecosystem")), 1)
        self.assertEqual(self.submit(), 0)

    def test_claim_without_its_connection_waits_for_one(self):
        """The connection of a sent claim is gone (deleted, the company's connection archived): its follow-up does not
        crash, the claim keeps its state and a person is told once; with a connection again it is followed."""
        claim = self.laptop_claim()
        self.submit()
        self.sandbox.state.approve("ecosystem", claim.remote_ref)
        self.backend.active = False
        claim.sudo().backend_id = False
        self.refresh()
        self.refresh()
        self.assertEqual(claim.state, "sent")
        self.assertEqual(len(claim.activity_ids), 1, "told once")
        self.assertIn("No connection to", claim.last_error)
        self.assertEqual(claim.job_state, "done")
        self.backend.active = True
        self.refresh()
        self.assertEqual(claim.backend_id, self.backend)
        self.assertEqual(claim.state, "approved")

    def test_claims_sent_together(self):
        """A job per claim: each claim is sent once, with its documents."""
        second_laptop = self.sent_claim(self.repair(qualirepar_serial_number="R5CW99ZYXWV"), (self.labour, 100),
                                       (self.screen, 50))
        claims = self.laptop_claim() | self.washer_claim() | second_laptop
        self.assertEqual(self.submit(), 3)  # three jobs
        self.assertEqual(set(claims.mapped("state")), {"sent"})
        self.assertEqual(sorted(c["payload"]["PurchaseOrderByCustomer"] for c in self.remote("ecosystem")),
                         sorted(claims.filtered(lambda c: c.organism == "ecosystem").mapped("name")))
        self.assertEqual(len(self.remote("ecologic")), 1)
        for claim in claims:
            self.assertIn("Claim submitted to", claim.message_ids[0].body)
            self.assertIn("Claim created at", claim.message_ids[1].body)

    def test_scheduled_actions_write_in_the_responsible_persons_language(self):
        """Scheduled actions run without a language: their notes and activities are in the French of the
        person responsible for the repair."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        claim = self.washer_claim()
        claim._qualirepar_responsible().lang = "fr_FR"
        self.claims.with_context(lang=None)._cron_submit_claims()
        self.run_jobs()
        self.assertIn("Demande créée chez Ecologic", claim.message_ids[1].body)
        self.sandbox.state.reject("ecologic", claim.remote_ref, "13")
        self.claims.with_context(lang=None)._cron_refresh_claims()
        self.run_jobs()
        self.assertEqual(claim.activity_ids.summary, "Demande de remboursement à examiner")

    def test_claim_sent_on_the_shops_day(self):
        """The job runs without a time zone: a claim submitted at 00:30 in Lyon (23:30 UTC) is sent on the
        shop's day, as the person responsible for it counts the organism's 15 days."""
        claim = self.laptop_claim()
        claim._qualirepar_responsible().tz = "Europe/Paris"
        self.env.ref("base.user_root").tz = False  # the scheduled actions' user
        with freeze_time("2026-03-10 23:30:00"):
            claim.with_user(self.env.ref("base.user_root"))._qualirepar_lang()._qualirepar_confirmed(
                {"status": "Nouvelle", "refused": None, "state": "sent"})
        self.assertEqual((claim.state, claim.sent_date), ("sent", date(2026, 3, 11)))

    def test_organisms_failure_in_the_responsible_persons_language(self):
        """What the client says of a failed call is recorded in the language of the person responsible."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search([("name", "=", "ecorepair_qualirepar")])._update_translations("fr_FR")
        claim = self.laptop_claim()
        claim._qualirepar_responsible().lang = "fr_FR"
        self.sandbox.state.inject("5xx", count=1, path_filter="new_claim")
        self.submit()
        self.assertEqual(claim.state, "to_send")
        self.assertIn("ecosystem indisponible (erreur du serveur, HTTP 500)", claim.last_error)

    def test_retry_settings_are_in_the_settings(self):
        settings = self.env["res.config.settings"].create({"qualirepar_claim_retry_seconds": 300})
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("ecorepair_qualirepar.claim_retry_seconds"),
                         "300")
        claim = self.laptop_claim()
        self.sandbox.state.inject("5xx", count=1, path_filter="new_claim")
        before = fields.Datetime.now()
        self.submit()
        self.assertGreaterEqual(claim.job_next_try, before + timedelta(seconds=299))

    def test_claims_sent_at_once_is_the_capacity_of_the_channel(self):
        """Per-database channels (queue_job's max_capacity): the setting is the capacity of root.qualirepar,
        which queue_job's runner applies at once; the servers' maximum bounds it."""
        channel = self.env.ref("ecorepair_qualirepar.queue_job_channel_qualirepar").sudo()
        environ = {k: v for k, v in os.environ.items() if k != "ODOO_QUEUE_JOB_CHANNELS"}
        with patch.dict(os.environ, dict(environ, ODOO_QUEUE_JOB_MAX_CAPACITY="6"), clear=True), \
                patch.dict(job_runner.queue_job_config, {}, clear=True):
            channel.capacity = 0
            settings = self.env["res.config.settings"].create({})
            self.assertEqual((settings.qualirepar_claim_concurrency, settings.qualirepar_claim_concurrency_max,
                              settings.qualirepar_claim_concurrency_fixed), (6, 6, False))
            self.env["res.config.settings"].create({"qualirepar_claim_concurrency": 2}).execute()
            self.assertEqual((channel.capacity, channel.effective_capacity), (2, 2))
            self.assertEqual(self.env["res.config.settings"].create({}).qualirepar_claim_concurrency, 2)
            with self.assertRaisesRegex(UserError, "at most 6 jobs at once"):
                self.env["res.config.settings"].create({"qualirepar_claim_concurrency": 8})
            with self.assertRaisesRegex(UserError, "At least one claim"):
                self.env["res.config.settings"].create({"qualirepar_claim_concurrency": 0})

    def test_claims_sent_at_once_set_by_the_servers(self):
        """Server-wide channels: the capacity is read from the servers' configuration as queue_job's runner
        reads it, shown read-only, and changed only there."""
        with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": "root:6,root.qualirepar:3"}):
            settings = self.env["res.config.settings"].create({})
            self.assertEqual((settings.qualirepar_claim_concurrency, settings.qualirepar_claim_concurrency_fixed),
                             (3, True))
            with self.assertRaisesRegex(UserError, "ODOO_QUEUE_JOB_CHANNELS"):
                self.env["res.config.settings"].create({"qualirepar_claim_concurrency": 5})
        with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": "root:2"}):
            self.assertEqual(self.env["res.config.settings"].create({}).qualirepar_claim_concurrency, 2,
                             "no channel of its own: the root's capacity")

    def test_unreachable_organism_is_recorded_once_on_the_connection(self):
        """ecosystem answers no call (server errors): after 5 calls in a row and 5 minutes without an
        answer, the connection says so with one activity for the manager; the claims keep their state and are
        tried again with the back-off, without a note each; the first call that works clears it and the claims
        waiting are sent at once."""
        claims = self.laptop_claim() | self.sent_claim(
            self.repair(qualirepar_serial_number="R5CW99ZYXWV"), (self.labour, 100), (self.screen, 50))
        self.sandbox.state.set_faults(error_rate=1.0, path_filter="/ecosystem/")  # HTTP 500 on every call
        self.submit()
        self.assertEqual(self.backend.unreachable_failures, 2)
        self.assertFalse(self.backend.connection_error, "not for two failures")
        self.backend.sudo().unreachable_since -= timedelta(minutes=6)  # time goes by
        for _round in range(2):
            for claim in claims:
                self.due_now(claim)
            self.run_jobs()
        self.assertEqual(self.backend.connection_error_kind, "unreachable")
        self.assertIn("none of the last", self.backend.connection_error)
        activity = self.backend.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("ecorepair_qualirepar.mail_activity_organism_unreachable"))
        self.assertEqual(len(activity), 1)
        self.assertEqual(set(claims.mapped("state")), {"to_send"})
        self.assertEqual(set(claims.mapped("job_state")), {"pending"}, "tried again later")
        self.assertFalse(claims.activity_ids, "nothing for a person on the claims")
        notes = {claim: len(claim.message_ids) for claim in claims}
        for claim in claims:
            self.due_now(claim)
        self.run_jobs()
        self.assertEqual(self.backend.unreachable_failures, 8)
        self.assertEqual(len(self.backend.activity_ids), 1, "once")
        self.assertEqual({claim: len(claim.message_ids) for claim in claims}, notes, "the connection says it")

        self.sandbox.state.set_faults()  # ecosystem is back
        self.due_now(claims[0])
        self.run_jobs()
        self.assertEqual(claims[0].state, "sent", claims[0].last_error)
        self.assertFalse(self.backend.connection_error)
        self.assertFalse(self.backend.activity_ids)
        self.assertFalse(self.backend.unreachable_since)
        self.assertEqual(self.run_jobs(), 1, "the other claim is tried again now")
        self.assertEqual(set(claims.mapped("state")), {"sent"})
        self.assertEqual(len(self.remote("ecosystem")), 2)

    def test_refused_requests_say_the_organism_is_there(self):
        """429: the organism answers (it asks to wait): it is not recorded as unreachable."""
        claim = self.laptop_claim()
        self.sandbox.state.inject("429", count=20, path_filter="new_claim")
        self.submit()
        for _round in range(5):
            self.due_now(claim)
            self.run_jobs()
        self.assertEqual(claim.attempt_count, 6)
        self.assertFalse(self.backend.unreachable_failures)
        self.assertFalse(self.backend.connection_error)
