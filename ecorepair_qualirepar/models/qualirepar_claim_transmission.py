import logging
import queue
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from ..clients import ApiError, TemporaryError
from ..clients import claims as claims_api
from .qualirepar_access import ACCOUNTANT, check_role
from .qualirepar_backend import ORGANISMS

_logger = logging.getLogger(__name__)

# Back-off of a claim whose organism could not be reached: the first wait (system parameter, seconds), doubled
# at each failed attempt, never more than 12 hours.
RETRY_PARAMETER = "ecorepair_qualirepar.claim_retry_seconds"
RETRY_FIRST, RETRY_MAX = 120, 12 * 3600
# How many claims' calls to the organisms run at once (system parameter).
CONCURRENCY_PARAMETER, CONCURRENCY = "ecorepair_qualirepar.claim_concurrency", 4
# How long the reports of the worker threads are gathered to be recorded together.
GATHER_SECONDS = 0.2
# The key space of the advisory locks by which a worker holds the claims it sends ("QR").
LOCK_SPACE = 0x5152
# Ecologic's reminder, right after createclaim, that the documents are still to come: not a problem.
ATTACHMENTS_PENDING = "pièces jointes"
# ecosystem refuses a second upload of a document type, and confirms no claim with a document missing: a draft
# whose upload was interrupted can only be deleted and made anew.
ALREADY_UPLOADED = "TYPE_DE_FICHIER_EXISTANT"
DOCUMENT_MISSING = "PIECE_JOINTE_MANQUANTE"
# What records each kind of report of the worker threads (clients/claims.py).
REPORTS = {"request": "_qualirepar_request_made", "created": "_qualirepar_created", "done": "_qualirepar_done"}
# How the organism's validation errors may name a document (its DocumentType, or a French word): the ones named are
# attached again when the claim is corrected. The API does not document how a refused document is named.
DOCUMENT_WORDS = {
    "invoice": ("invoice", "facture"),
    "nameplate": ("nameplate", "plaque", "signalétique"),
    "device_picture": ("productpicture", "photo du produit", "photo de l'appareil"),
    "consumer_validation": ("consumervalidation", "validation du consommateur", "validation manuscrite",
                            "consentement"),
}


class QualireparClaim(models.Model):
    """Transmission of the claims to the eco-organisms by scheduled actions, and their follow-up.

    Sending: a worker holds the claims it sends (advisory locks, taken with SKIP semantics: two workers never
    send the same claim); the organisms' calls run in worker threads, and what they learn is committed the
    moment it is known (a remote reference first of all), so that a crash resumes where it stopped.
    Follow-up: one claim per short transaction, its row locked (FOR NO KEY UPDATE SKIP LOCKED)."""

    _inherit = "qualirepar.claim"

    remote_ref = fields.Char(string="Organism's reference", copy=False, index="btree_not_null",
                             tracking=True, help="ecosystem's ReimbursementClaimID, Ecologic's ClaimId.")
    remote_status = fields.Char(string="Organism's status", readonly=True, copy=False)
    remote_create_started = fields.Datetime(
        readonly=True, copy=False,
        help="Set before asking the organism to create the claim: if its answer is lost, the next attempt "
        "looks for the claim instead of creating a second one.")
    remote_documents = fields.Char(readonly=True, copy=False, help="The documents the organism has received.")
    remote_request_id = fields.Char(
        string="Support request", readonly=True, copy=False,
        help="Ecologic's RequestId of the support request the claim is made from: a creation whose answer was lost "
        "is looked up through it.")
    submission_count = fields.Integer(
        readonly=True, copy=False, default=0,
        help="Remote claims abandoned before this one (rejected, or a draft that could not be completed).")
    previous_remote_refs = fields.Char(string="Earlier references", readonly=True, copy=False)
    reject_code = fields.Char(string="Rejection code", readonly=True, copy=False)
    reject_reason = fields.Char(string="Rejection reason", readonly=True, copy=False, tracking=True)
    validation_errors = fields.Text(string="Errors found by the organism", readonly=True, copy=False)
    refused_documents = fields.Char(
        readonly=True, copy=False, help="The documents the organism's errors name: they are sent again.")
    refused_documents_label = fields.Char(string="Documents refused", compute="_compute_refused_documents_label")
    remote_correction = fields.Boolean(
        readonly=True, copy=False,
        help="The organism has found errors in the claim it has: the next sending corrects it (Ecologic's "
        "updateclaim, which also submits it).")
    remote_closed = fields.Boolean(
        readonly=True, copy=False,
        help="The organism says it has settled the claim: it is not asked again. The money itself is recorded "
        "with the remittance.")
    last_error = fields.Text(readonly=True, copy=False)
    attempt_count = fields.Integer(string="Failed attempts", readonly=True, copy=False)
    next_attempt_date = fields.Datetime(string="Next attempt", readonly=True, copy=False, index=True)

    def _compute_refused_documents_label(self):
        labels = self._qualirepar_document_labels()
        for claim in self:
            claim.refused_documents_label = ", ".join(
                labels[kind] for kind in (claim.refused_documents or "").split(",") if kind in labels) or False

    def _qualirepar_document_labels(self):
        _ = self.env._
        return {"invoice": _("Invoice"), "nameplate": _("Nameplate photo"), "device_picture": _("Photo of the device"),
                "consumer_validation": _("Customer's signed document")}

    def _qualirepar_lang(self):
        """The claim in the language of its responsible person (else of its company): the scheduled actions
        run without one."""
        self.ensure_one()
        claim = self.sudo()  # only to read a language
        return self.with_context(lang=claim._qualirepar_responsible().lang or claim.company_id.partner_id.lang)

    # ------------------------------------------------------------------ user actions
    def action_submit(self):
        """Send now: the claim goes first in the queue of the scheduled action, started at once (no call to the
        organism in the user's transaction)."""
        self._qualirepar_check_accountant()
        self.sudo().filtered(lambda c: c.state in ("to_send", "sending")).write({"next_attempt_date": False})
        self.env.ref("ecorepair_qualirepar.ir_cron_qualirepar_submit_claims").sudo()._trigger()
        return True

    def action_check(self):
        """Checked again by a person: a creation whose answer was lost has been looked for on the organism's
        site; without a reference entered, it is sent again."""
        self._qualirepar_check_accountant()
        claims = self.sudo()
        claims.filtered(lambda c: not c.remote_ref and c.state == "to_fix").remote_create_started = False
        return super(QualireparClaim, claims).action_check()

    def action_refresh_status(self):
        self._qualirepar_check_accountant()
        self.env.ref("ecorepair_qualirepar.ir_cron_qualirepar_refresh_claims").sudo()._trigger()
        return True

    def _qualirepar_check_accountant(self):
        """The claims' buttons are the accountant's (and the manager's), on claims of their companies."""
        check_role(self.env, ACCOUNTANT)
        self.check_access("write")

    def action_resubmit(self):
        """A rejected claim, corrected, goes again as a new claim (ecosystem's documents cannot be uploaded twice,
        and nothing says a refused claim can be changed), the rejected reference kept; Ecologic corrects the
        claim it has when its connection says refused claims can be corrected."""
        self._qualirepar_check_accountant()
        for claim in self.sudo().filtered(lambda c: c.state == "rejected"):
            values = {"state": "to_send", "reject_code": False, "reject_reason": False, "validation_errors": False,
                      "last_error": False, "attempt_count": 0, "next_attempt_date": False}
            if claim.organism == "ecologic" and claim.backend_id.refused_claims_updatable:
                values["remote_correction"] = True
            else:
                values.update(remote_ref=False, remote_status=False, remote_documents=False, remote_correction=False,
                              remote_request_id=False,
                              refused_documents=False, remote_closed=False,
                              remote_create_started=False, submission_count=claim.submission_count + 1,
                              previous_remote_refs=", ".join(filter(None, [claim.previous_remote_refs,
                                                                            claim.remote_ref])))
            claim.write(values)
            claim.action_check()
        return True

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_submit_claims(self, limit=None):
        """Send the claims that are ready. The calls to the organisms of several claims run at once in worker
        threads (system parameter ``ecorepair_qualirepar.claim_concurrency``); everything else is done here, in
        the scheduled action's thread, and committed as soon as it is known. Returns the number of claims
        handled. The log notes of the chatter say what changed (no field tracking on top)."""
        author = self.env.ref("base.partner_root")
        self = self.with_context(mail_notrack=True, qualirepar_log_author=(author.id, author.email_formatted))
        concurrency = max(1, int(self.env["ir.config_parameter"].sudo().get_param(CONCURRENCY_PARAMETER,
                                                                                   CONCURRENCY)))
        clients, events, busy, seen, done, more = {}, queue.Queue(), {}, set(), 0, True
        restarts = Counter()
        try:
            with ThreadPoolExecutor(concurrency, thread_name_prefix="qualirepar-claims") as executor:
                while True:
                    # Claims wait in the executor's queue, so that the threads never wait for this one.
                    wanted = 3 * concurrency - len(busy) if limit is None else min(
                        3 * concurrency - len(busy), limit - done - len(busy))
                    if more and len(busy) <= 2 * concurrency and wanted > 0:
                        claims = self._qualirepar_take(wanted, seen)
                        more = bool(claims)
                        seen.update(claims.ids)
                        for claim, job in claims._qualirepar_jobs(clients, concurrency):
                            if not job:
                                done += 1
                                continue
                            busy[claim.id] = claim
                            executor.submit(claims_api.send_from, clients[claim.backend_id], job,
                                            lambda *event: events.put(event))
                    if not busy:
                        break
                    reported = self._qualirepar_gather(events)
                    claims = [busy[claim_id] for _kind, claim_id, _data in reported]
                    results = self._qualirepar_steps([
                        (claim, partial(getattr(claim, REPORTS[kind]), data))
                        for claim, (kind, _id, data) in zip(claims, reported)])
                    for claim, (kind, _id, _data), made_anew in zip(claims, reported, results):
                        if kind != "done":
                            continue
                        del busy[claim.id]
                        done += 1
                        if made_anew and restarts[claim.id] < 2:  # a draft made anew is sent again at once
                            restarts[claim.id] += 1
                            seen.discard(claim.id)
                            more = True
        except Exception:
            if not modules.module.current_test:
                self.env.cr.rollback()  # what is not committed is lost, the locks must not be
            raise
        finally:
            claims_api.close(clients)
            # The claims held are let go (the database session outlives the scheduled action).
            self.env.cr.execute("SELECT pg_advisory_unlock_all()")
        return done

    @api.model
    def _cron_refresh_claims(self, limit=None):
        """Ask the organisms where the sent claims stand, one claim per transaction."""
        clients, done, seen = {}, 0, set()
        while limit is None or done < limit:
            claim = self._qualirepar_lock_next(("sent", "approved"), seen)
            if not claim:
                break
            seen.add(claim.id)
            claim = claim._qualirepar_lang()
            claim._qualirepar_guarded(lambda: claim._qualirepar_refresh_step(clients))
            self._qualirepar_commit()
            done += 1
        claims_api.close(clients)
        return done

    @api.model
    def _qualirepar_lock_next(self, states, seen):
        """The next due claim nobody else is working on, its row locked until the transaction ends."""
        self.flush_model(["state", "next_attempt_date", "remote_closed"])
        for _attempt in range(10):
            row = self._qualirepar_lock("""
                SELECT id FROM qualirepar_claim
                 WHERE state IN %s AND (next_attempt_date IS NULL OR next_attempt_date <= %s)
                   AND remote_closed IS NOT TRUE
                   AND NOT id = ANY(%s)
                 ORDER BY next_attempt_date NULLS FIRST, id
                 LIMIT 1
                   FOR NO KEY UPDATE SKIP LOCKED
            """, (tuple(states), fields.Datetime.now(), list(seen)))
            if row is not False:
                return self.browse(row[0]) if row else self.browse()
        return self.browse()

    def _qualirepar_lock(self, query, params):
        """The row of a locking query; False when another worker changed it since this transaction began (the
        transaction, which has nothing to keep, is rolled back so that the next try sees the change)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, params)
                return self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            if modules.module.current_test:
                raise
            self.env.cr.rollback()
            return False

    @api.model
    def _qualirepar_take(self, count, seen):
        """Up to ``count`` claims due for sending that no other worker holds, each held by this worker (an
        advisory lock of the database session, kept across commits until the scheduled action ends)."""
        self.env.flush_all()
        due = """state IN ('to_send', 'sending') AND (next_attempt_date IS NULL OR next_attempt_date <= %s)"""
        self.env.cr.execute(f"""
            WITH due AS MATERIALIZED (
                SELECT id FROM qualirepar_claim WHERE {due} AND NOT id = ANY(%s)
                 ORDER BY next_attempt_date NULLS FIRST, id)
            SELECT id FROM due WHERE pg_try_advisory_lock(%s, id) LIMIT %s
        """, (fields.Datetime.now(), list(seen), LOCK_SPACE, count))
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return self.browse()
        # Another worker commits, then lets go of a claim: a transaction begun before that would see it as it
        # was. A new one sees what it became.
        self._qualirepar_commit()
        self.env.cr.execute(f"SELECT id FROM qualirepar_claim WHERE id = ANY(%s) AND {due} ORDER BY id",
                            (ids, fields.Datetime.now()))
        claims = self.browse(row[0] for row in self.env.cr.fetchall())
        claims.invalidate_recordset()
        if gone := set(ids) - set(claims.ids):
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, id) FROM unnest(%s) AS id", (LOCK_SPACE, list(gone)))
        return claims

    @api.model
    def _qualirepar_gather(self, events):
        """The reports of the worker threads: the next one, and those that come within GATHER_SECONDS (one
        transaction records them all)."""
        reported = [events.get()]
        deadline = time.monotonic() + GATHER_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                reported.append(events.get(timeout=left))
            except queue.Empty:
                break
        return reported

    @api.model
    def _qualirepar_steps(self, steps):
        """Run ``steps`` [(claim, callable)] and commit: [what each returned]. All in one transaction; should one
        fail, that is undone and each step run again on its own (``_qualirepar_settle``), as in the tests."""
        if not modules.module.current_test:
            try:
                results = [step() for _claim, step in steps]
                self._qualirepar_commit()
                return results
            except Exception:  # noqa: BLE001 - each step again, on its own
                _logger.info("QualiRépar: claims recorded one by one", exc_info=True)
                self.env.cr.rollback()
        return [claim._qualirepar_settle(step) for claim, step in steps]

    def _qualirepar_settle(self, step):
        """Run ``step`` (Odoo's side of one claim) and commit it; a failure is recorded on the claim. A change
        of the claim committed meanwhile by someone else (a user) is read again and the step run again."""
        for _attempt in range(3):
            try:
                result = self._qualirepar_guarded(step)
                self._qualirepar_commit()
                return result
            except psycopg2.errors.SerializationFailure:
                if modules.module.current_test:
                    raise
                self.env.cr.rollback()
        return False

    def _qualirepar_guarded(self, step):
        """Run one step (a callable) of this claim: what it did is undone and the failure recorded on the
        claim if it fails, so that one claim never stops the batch. Returns what the step returns, or False."""
        try:
            with self.env.cr.savepoint():
                return step()
        except psycopg2.errors.SerializationFailure:
            raise
        except Exception as error:  # noqa: BLE001 - recorded on the claim, for a person or a retry
            _logger.info("QualiRépar claim %s: %s", self.name, error)
            self._qualirepar_failed(error)
            return False

    def _qualirepar_commit(self):
        """Commit what a step learnt (not inside the tests' transaction)."""
        if not modules.module.current_test:
            self.env.cr.commit()

    def _qualirepar_clients(self, clients, size=1):
        """The API clients of this claim's connection: a queue of ``size``, made once per scheduled action and
        kept in ``clients`` by connection."""
        backend = self.backend_id
        if not backend:
            raise UserError(self.env._("No connection to %s is set for this claim.", self.partner_id.name))
        if backend not in clients:
            clients[backend] = queue.SimpleQueue()
            for _index in range(size):
                clients[backend].put(backend._get_client())
        return clients[backend]

    def _qualirepar_sent_documents(self):
        """The kinds of the documents the organism has received."""
        return set(filter(None, (self.remote_documents or "").split(",")))

    # ------------------------------------------------------------------ transmission
    def _qualirepar_jobs(self, clients, concurrency):
        """[(claim, job or None)]: what the worker threads are to do for each claim (see clients/claims.py), None
        when a claim cannot be sent now (the reason recorded on it). A claim never made at its organism is
        marked, and that committed, before it is asked to make it."""
        claims = [claim._qualirepar_lang() for claim in self]
        jobs = self._qualirepar_steps([(claim, partial(claim._qualirepar_job, clients, concurrency)) for claim in claims])
        self.filtered(lambda c: not c.remote_ref and not c.remote_create_started
                      and c.state in ("to_send", "sending")).remote_create_started = fields.Datetime.now()
        self._qualirepar_commit()
        return [(claim, job or None) for claim, job in zip(claims, jobs)]

    def _qualirepar_job(self, clients, concurrency):
        self._qualirepar_clients(clients, concurrency)
        ecologic = self.organism == "ecologic"
        look_up = not self.remote_ref and bool(self.remote_create_started)
        ecologic_claim = ecologic and (not self.remote_ref or self.remote_correction)
        if ecologic_claim:
            ecologic_claim = dict(self._qualirepar_ecologic_params(), body=self._qualirepar_ecologic_body())
        sent = self._qualirepar_sent_documents()
        return {
            "id": self.id, "organism": self.organism, "ref": self.remote_ref or None, "look_up": look_up,
            "reference": self._qualirepar_reference(),
            "create": None if self.remote_ref else (
                ecologic_claim if ecologic else {"payload": self._qualirepar_ecosystem_payload()}),
            "documents": [d for d in self._qualirepar_documents() if d["kind"] not in sent],
            "update": ecologic_claim if ecologic and self.remote_ref else None,
            "request_id": self.remote_request_id and int(self.remote_request_id),
            "use_requests": self.backend_id.claim_lookup_by_request,
            "lookup_trusted": self.backend_id.request_lookup_trusted,
        }

    def _qualirepar_created(self, data):
        """The organism has made the claim: its reference is kept at once."""
        self.write({"remote_ref": data["ref"], "remote_status": data["status"], "state": "sending"})
        if data.get("trusted") and not self.backend_id.request_lookup_trusted:
            self.backend_id.sudo().request_lookup_trusted = True
        if data["found"]:
            self._qualirepar_log(self.env._("%(organism)s already had this claim (%(ref)s): it is taken up again.",
                                            organism=dict(ORGANISMS)[self.organism], ref=self.remote_ref))
            return
        if self.organism == "ecologic":
            self._qualirepar_store_validation_errors(data["answer"])
        self._qualirepar_log(self.env._("Claim created at %(organism)s: %(ref)s.",
                                        organism=dict(ORGANISMS)[self.organism], ref=self.remote_ref))

    def _qualirepar_request_made(self, data):
        """Ecologic has made the support request the claim is made from: kept at once, to look the claim up."""
        self.remote_request_id = str(data["request_id"])

    def _qualirepar_lost_creation(self):
        return UserError(self.env._(
            "Ecologic did not answer when this claim was created, and cannot say whether it was. On e-reparateur "
            "(Demandes de remboursement), look for a claim with the quote number %(quote)s (invoice %(invoice)s): "
            "if there is one, type its number (ClaimId) in “Organism's reference” on this claim, then click "
            "“Check”; if there is none, click “Check”: the claim is sent again.",
            quote=self._qualirepar_reference(), invoice=self.invoice_id.name))

    def _qualirepar_done(self, data):
        """What the worker thread reports at the end of the claim's calls. True when the claim was made anew."""
        if data["uploaded"]:
            self.remote_documents = ",".join(sorted(self._qualirepar_sent_documents() | set(data["uploaded"])))
        error = data["error"]
        if isinstance(error, claims_api.CreationUnknown):
            error = self._qualirepar_lost_creation()
        if error is None:
            self._qualirepar_confirmed(data["answer"], data["status"])
        elif self.organism == "ecosystem" and self.remote_ref and isinstance(error, ApiError) and (
                error.code in (ALREADY_UPLOADED, DOCUMENT_MISSING) or error.status_code == 404):
            # The draft cannot be completed (or is gone: deleted by an attempt whose answer was lost).
            client = self.backend_id._get_client()
            try:
                self._qualirepar_restart_draft(client)
            finally:
                client.close()
            return True
        else:
            self._qualirepar_failed(error)
        return False

    def _qualirepar_restart_draft(self, client):
        """An upload to ecosystem was interrupted after its slot was made: the draft claim cannot be completed,
        so it is deleted and the claim made anew (under a new reference)."""
        try:
            client.delete_claim(self.remote_ref)
            still_there = client.get_claim(self.remote_ref)  # an unreadable answer may hide a failure
        except ApiError as error:
            if error.status_code != 404:  # 404: deleted by an attempt whose answer was lost
                raise
            still_there = False
        if still_there:
            raise TemporaryError(self.env._("ecosystem has not deleted the draft %s yet.", self.remote_ref))
        self._qualirepar_log(self.env._("The draft %s at ecosystem missed a document: deleted, made anew.",
                                        self.remote_ref))
        self.write({"remote_ref": False, "remote_status": False, "remote_documents": False,
                    "remote_create_started": False, "state": "to_send",
                    "submission_count": self.submission_count + 1})

    def _qualirepar_reference(self):
        """Our reference of the claim at the organism, new for each submission."""
        return self.name if not self.submission_count else f"{self.name}-{self.submission_count + 1}"

    def _qualirepar_confirmed(self, answer, status):
        """The organism has the claim with its documents and has been asked to check it."""
        if self.organism == "ecologic" and not answer.get("IsValid", True):
            self._qualirepar_to_correct(answer.get("ValidationErrors"), status)
            self._qualirepar_ask_person(self._qualirepar_correction_note(
                self.env._("Ecologic refused to submit the claim:")))
            return
        self.write({"remote_status": status, "state": claims_api.remote_state(status) or "sent", "last_error": False,
                    "remote_create_started": False, "attempt_count": 0, "next_attempt_date": False,
                    "remote_correction": False, "refused_documents": False})
        self._qualirepar_log(self.env._(
            "Claim submitted to %(organism)s (%(status)s) with its documents: %(documents)s.",
            organism=dict(ORGANISMS)[self.organism], status=status or "-",
            documents=(self.remote_documents or "-").replace(",", ", ")))

    def _qualirepar_store_validation_errors(self, answer):
        self.validation_errors = self._qualirepar_errors_text(answer.get("ValidationErrors"))

    @api.model
    def _qualirepar_errors_text(self, errors):
        errors = [e for e in errors or [] if ATTACHMENTS_PENDING not in (e.get("ErrorMessage") or "")
                  and (e.get("MessageType") or "E").upper() == "E"]
        return "\n".join(f"• {e.get('Field') or '-'}: {e.get('ErrorMessage')}" for e in errors) or False

    def _qualirepar_to_correct(self, errors, status):
        """Ecologic found ``errors`` in the claim it has: it waits for a person, who corrects it; the documents
        the errors name are then attached again and the claim corrected and submitted (updateclaim)."""
        text = " ".join(f"{e.get('Field') or ''} {e.get('ErrorMessage') or ''}" for e in errors or []).casefold()
        refused = [kind for kind, words in DOCUMENT_WORDS.items() if any(word in text for word in words)]
        self.write({
            "remote_status": status, "state": "to_fix", "remote_correction": True,
            "validation_errors": self._qualirepar_errors_text(errors),
            "refused_documents": ",".join(refused) or False,
            "remote_documents": ",".join(sorted(self._qualirepar_sent_documents() - set(refused))) or False,
        })

    def _qualirepar_correction_note(self, intro):
        _ = self.env._
        lines = [intro, self.validation_errors or "-"]
        if self.refused_documents_label:
            lines.append(_("Documents refused: %s. Replace them on the claim or the repair: they are sent again.",
                           self.refused_documents_label))
        lines.append(_("Once corrected, click “Check”: the claim is corrected at Ecologic and submitted again."))
        return "\n".join(lines)

    # ------------------------------------------------------------------ failures
    def _qualirepar_failed(self, error):
        """Record a failed step: a temporary failure is retried with back-off, anything else waits for a
        person."""
        self.ensure_one()
        message = self.backend_id._error_message(error) if isinstance(error, ApiError) else str(error)
        if isinstance(error, UserError):
            message = error.args[0]
        if not isinstance(error, TemporaryError):
            self.write({"state": "to_fix", "last_error": message, "next_attempt_date": False})
            self._qualirepar_ask_person(message)
            return
        attempt = self.attempt_count + 1
        first = int(self.env["ir.config_parameter"].sudo().get_param(RETRY_PARAMETER, RETRY_FIRST))
        delay = error.retry_after or min(first * 2 ** (attempt - 1), RETRY_MAX)
        values = {"attempt_count": attempt, "last_error": message}
        if error.unprocessed and not self.remote_ref:
            values["remote_create_started"] = False  # nothing was created: no need to look for it
        elif not self.remote_ref:
            # The organism may still be making the claim after we stopped waiting: it is looked for once the
            # organism must have answered.
            delay = max(delay, 2 * (self.backend_id.timeout or 30))
        values["next_attempt_date"] = fields.Datetime.now() + timedelta(seconds=delay)
        self.write(values)
        self._qualirepar_log(self.env._("Attempt %(attempt)s failed, next one at %(when)s: %(error)s",
                                        attempt=attempt, when=self.next_attempt_date, error=message))

    def _qualirepar_ask_person(self, message):
        self.activity_schedule("mail.mail_activity_data_todo", summary=self.env._("Bonus claim to look at"),
                               note=message, user_id=self._qualirepar_responsible().id)
        self._qualirepar_log(message)

    def _qualirepar_responsible(self):
        return self.repair_id.user_id or self.invoice_id.invoice_user_id or self.env.ref("base.user_admin")

    def _qualirepar_log(self, message):
        """The exchange in the claim's chatter (a log note: nobody is notified)."""
        author_id, email_from = self.env.context.get("qualirepar_log_author") or (None, None)
        self._message_log(body=Markup("<p>%s</p>") % message, author_id=author_id, email_from=email_from)

    # ------------------------------------------------------------------ follow-up
    def _qualirepar_refresh_step(self, clients):
        pool = self._qualirepar_clients(clients)
        client = pool.get()
        try:
            remote = claims_api.remote_status(client, self.organism, self.remote_ref)
        finally:
            pool.put(client)
        status, reason = remote["status"], remote["reason"]
        state = claims_api.remote_state(status)
        if status == self.remote_status or not state:
            if status != self.remote_status:
                self.remote_status = status
            return
        self.remote_status = status
        if state == "rejected":
            match = claims_api.REJECT_REASON.search(reason or "")
            self.write({"state": "rejected", "reject_code": match and match.group(1),
                        "reject_reason": match.group(2).strip() if match else reason})
            self._qualirepar_ask_person(self.env._(
                "%(organism)s rejected the claim: %(reason)s. Correct it, then click “Correct and resubmit”.",
                organism=self.partner_id.name, reason=reason or status))
        elif state == "sending" and self.organism == "ecologic":
            # Found incomplete after it was submitted ("Dossier incomplet"): a person corrects it.
            self._qualirepar_to_correct(remote["errors"], status)
            self._qualirepar_ask_person(self._qualirepar_correction_note(
                self.env._("Ecologic finds the claim incomplete:")))
        elif state == "closed":
            # No API tells a payment (spec §4): the status informs, the remittance books the money.
            self.write({"state": "approved", "remote_closed": True})
            self._qualirepar_log(self.env._(
                "%(organism)s says the claim is settled (%(status)s). The money is recorded when the remittance "
                "is entered from the bank statement (Record a remittance).",
                organism=self.partner_id.name, status=status))
        else:
            self.state = state
        comment = reason if reason and reason != status else ""
        self._qualirepar_log(self.env._("%(organism)s: %(status)s.", organism=self.partner_id.name,
                                        status=" – ".join(filter(None, [status, comment]))))
