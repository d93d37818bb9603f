import logging
import re
import unicodedata
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from ..clients import ApiError, TemporaryError

_logger = logging.getLogger(__name__)

# Back-off of a claim whose organism could not be reached: the first wait (system parameter, seconds), doubled
# at each failed attempt, never more than 12 hours.
RETRY_PARAMETER = "ecorepair_qualirepar.claim_retry_seconds"
RETRY_FIRST, RETRY_MAX = 120, 12 * 3600
# The claim's documents as each organism names them.
FILE_TYPES = {
    "ecosystem": {"invoice": "invoice", "nameplate": "serial_tag", "device_picture": "device_picture",
                  "consumer_validation": "claim_request"},
    "ecologic": {"invoice": "INVOICE", "nameplate": "NAMEPLATE", "device_picture": "PRODUCTPICTURE",
                 "consumer_validation": "CONSUMERVALIDATION"},
}
# The organisms' statuses (lower case, by their beginning), onto the claim's states.
REMOTE_STATES = [
    ("en cours de création", "sending"), ("dossier incomplet", "sending"), ("a finaliser", "sending"),
    ("envoyé", "sent"), ("en attente", "sent"), ("waiting", "sent"), ("arbitration", "sent"),
    ("approuvé", "approved"), ("accepté", "approved"), ("accepted", "approved"), ("valid", "approved"),
    ("remboursement effectué", "paid"), ("remboursement accepté", "paid"), ("clôturée", "paid"),
    ("closedaccepted", "paid"),
    ("rejeté", "rejected"), ("refusé", "rejected"), ("refused", "rejected"), ("notvalid", "rejected"),
    ("notconform", "rejected"), ("non conforme", "rejected"),
    ("annulé", "cancel"), ("cancelled", "cancel"),
]
REJECT_REASON = re.compile(r"(\d{2})\s*:\s*([^)]+)")
# Ecologic's reminder, right after createclaim, that the documents are still to come: not a problem.
ATTACHMENTS_PENDING = "pièces jointes"
# ecosystem refuses a second upload of a document type, and confirms no claim with a document missing: a draft
# whose upload was interrupted can only be deleted and made anew.
ALREADY_UPLOADED = "TYPE_DE_FICHIER_EXISTANT"
DOCUMENT_MISSING = "PIECE_JOINTE_MANQUANTE"


def remote_state(status):
    """The claim state of an organism's status label, or None when unknown."""
    status = unicodedata.normalize("NFC", (status or "").strip().casefold())
    return next((state for prefix, state in REMOTE_STATES if status.startswith(prefix)), None)


class QualireparClaim(models.Model):
    """Transmission of the claims to the eco-organisms by scheduled actions, and their follow-up.

    Each step is one short transaction that holds the claim's row lock (FOR NO KEY UPDATE SKIP LOCKED) while
    it makes ONE call to the organism and records its result: two workers never run a step of the same claim,
    and a crash between two steps resumes at the next one."""

    _inherit = "qualirepar.claim"

    remote_ref = fields.Char(string="Organism's reference", copy=False, index="btree_not_null",
                             tracking=True, help="ecosystem's ReimbursementClaimID, Ecologic's ClaimId.")
    remote_status = fields.Char(string="Organism's status", readonly=True, copy=False)
    remote_create_started = fields.Datetime(
        readonly=True, copy=False,
        help="Set before asking the organism to create the claim: if its answer is lost, the next attempt "
        "looks for the claim instead of creating a second one.")
    remote_documents = fields.Char(readonly=True, copy=False, help="The documents the organism has received.")
    submission_count = fields.Integer(
        readonly=True, copy=False, default=0,
        help="Remote claims abandoned before this one (rejected, or a draft that could not be completed).")
    previous_remote_refs = fields.Char(string="Earlier references", readonly=True, copy=False)
    reject_code = fields.Char(string="Rejection code", readonly=True, copy=False)
    reject_reason = fields.Char(string="Rejection reason", readonly=True, copy=False, tracking=True)
    validation_errors = fields.Text(string="Errors found by the organism", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    attempt_count = fields.Integer(string="Failed attempts", readonly=True, copy=False)
    next_attempt_date = fields.Datetime(string="Next attempt", readonly=True, copy=False, index=True)

    # ------------------------------------------------------------------ user actions
    def action_submit(self):
        """Send now: the claim goes first in the queue of the scheduled action, started at once (no call to the
        organism in the user's transaction)."""
        self.filtered(lambda c: c.state in ("to_send", "sending")).write({"next_attempt_date": False})
        self.env.ref("ecorepair_qualirepar.ir_cron_qualirepar_submit_claims")._trigger()
        return True

    def action_check(self):
        """Checked again by a person: a creation whose answer was lost has been looked for on the organism's
        site; without a reference entered, it is sent again."""
        self.filtered(lambda c: not c.remote_ref and c.state == "to_fix").remote_create_started = False
        return super().action_check()

    def action_refresh_status(self):
        self.env.ref("ecorepair_qualirepar.ir_cron_qualirepar_refresh_claims")._trigger()
        return True

    def action_resubmit(self):
        """A rejected claim, corrected, goes again: Ecologic updates it, ecosystem gets a new one (its documents
        cannot be uploaded twice), the rejected reference kept."""
        for claim in self.filtered(lambda c: c.state == "rejected"):
            values = {"state": "to_send", "reject_code": False, "reject_reason": False, "validation_errors": False,
                      "last_error": False, "attempt_count": 0, "next_attempt_date": False}
            if claim.organism == "ecosystem":
                values.update(remote_ref=False, remote_status=False, remote_documents=False,
                              remote_create_started=False, submission_count=claim.submission_count + 1,
                              previous_remote_refs=", ".join(filter(None, [claim.previous_remote_refs,
                                                                            claim.remote_ref])))
            claim.write(values)
            claim.action_check()
        return True

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_submit_claims(self, limit=None):
        """Send the claims that are ready, one step at a time, each in its own transaction."""
        return self._qualirepar_run("_qualirepar_transmit", ("to_send", "sending"), limit)

    @api.model
    def _cron_refresh_claims(self, limit=None):
        """Ask the organisms where the sent claims stand."""
        return self._qualirepar_run("_qualirepar_refresh", ("sent", "approved"), limit)

    @api.model
    def _qualirepar_run(self, method, states, limit):
        clients, done, seen = {}, 0, set()
        while limit is None or done < limit:
            claim = self._qualirepar_lock_next(states, seen)
            if not claim:
                break
            seen.add(claim.id)
            getattr(claim, method)(clients)
            self._qualirepar_commit()
            done += 1
        for client in clients.values():
            client.close()
        return done

    @api.model
    def _qualirepar_lock_next(self, states, seen):
        """The next due claim nobody else is working on, its row locked until the transaction ends."""
        self.flush_model(["state", "next_attempt_date"])
        for _attempt in range(10):
            row = self._qualirepar_lock("""
                SELECT id FROM qualirepar_claim
                 WHERE state IN %s AND (next_attempt_date IS NULL OR next_attempt_date <= %s)
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

    def _qualirepar_guarded(self, step):
        """Run one step (a callable) of this claim: what it did is undone and the failure recorded on the
        claim if it fails, so that one claim never stops the batch. Returns what the step returns, or False."""
        try:
            with self.env.cr.savepoint():
                return step()
        except Exception as error:  # noqa: BLE001 - recorded on the claim, for a person or a retry
            _logger.info("QualiRépar claim %s: %s", self.name, error)
            self._qualirepar_failed(error)
            return False

    def _qualirepar_commit(self):
        """Commit what a step learnt (not inside the tests' transaction)."""
        if not modules.module.current_test:
            self.env.cr.commit()

    def _qualirepar_client(self, clients):
        backend = self.backend_id
        if not backend:
            raise UserError(self.env._("No connection to %s is set for this claim.", self.partner_id.name))
        if backend not in clients:
            clients[backend] = backend._get_client()
        return clients[backend]

    # ------------------------------------------------------------------ transmission
    def _qualirepar_transmit(self, clients):
        """Run the steps of this claim's transmission until it is sent, fails or waits for a person. Each
        step commits, so a remote reference is kept the moment it is known."""
        self.ensure_one()
        marked_now = False
        while self.state in ("to_send", "sending"):
            if not self.remote_ref and not self.remote_create_started:
                self.remote_create_started = fields.Datetime.now()  # committed before the organism is asked
                marked_now = more = True
            else:
                look_up = not marked_now
                more = self._qualirepar_guarded(lambda: self._qualirepar_step(clients, look_up))
            self._qualirepar_commit()
            if not more or not self._qualirepar_relock():
                break

    def _qualirepar_relock(self):
        """Lock the claim again after a commit; False when another worker has taken it meanwhile."""
        self.env.flush_all()
        locked = self._qualirepar_lock("SELECT id FROM qualirepar_claim WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                                       (self.id,))
        self.invalidate_recordset()  # another worker may have moved it on meanwhile
        return bool(locked)

    def _qualirepar_step(self, clients, look_up):
        """Do the next step; False when there is nothing more to do now. ``look_up``: an earlier attempt may
        have created the claim at the organism without our knowing."""
        client = self._qualirepar_client(clients)
        if not self.remote_ref:
            return self._qualirepar_create_remote(client, look_up)
        sent = set(filter(None, (self.remote_documents or "").split(",")))
        documents = [d for d in self._qualirepar_documents() if d["kind"] not in sent]
        try:
            if documents:
                self._qualirepar_upload(client, documents[0])
                self.remote_documents = ",".join(sorted(sent | {documents[0]["kind"]}))
                return True
            self._qualirepar_confirm(client)
        except ApiError as error:
            # The draft cannot be completed (or is gone: deleted by an attempt whose answer was lost).
            if self.organism != "ecosystem" or (
                    error.code not in (ALREADY_UPLOADED, DOCUMENT_MISSING) and error.status_code != 404):
                raise
            self._qualirepar_restart_draft(client)
            return True
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

    def _qualirepar_create_remote(self, client, look_up):
        if self.organism == "ecologic" and look_up:
            raise UserError(self.env._(
                "An earlier attempt to create this claim at Ecologic got no answer, and Ecologic cannot be searched. "
                "Look on e-reparateur for a claim with the quote number %(ref)s: if there is one, enter its ClaimId "
                "as the organism's reference; if not, click “Check” to send it again.",
                ref=self._qualirepar_reference()))
        if self.organism == "ecosystem":
            found = look_up and next((c for c in client.list_claims()
                                      if c.get("PurchaseOrderByCustomer") == self._qualirepar_reference()), None)
            if found:
                self._qualirepar_set_remote(found["ReimbursementClaimID"], found.get("RequestStatus"))
                self._qualirepar_log(self.env._("ecosystem already had this claim (%s): it is taken up again.",
                                                self.remote_ref))
                return True
            answer = client.new_claim(self._qualirepar_ecosystem_payload())
            self._qualirepar_set_remote(answer["ReimbursementClaimID"], answer.get("RequestStatus"))
        else:
            answer = client.create_claim(self._qualirepar_ecologic_body(), **self._qualirepar_ecologic_params())
            self._qualirepar_set_remote(answer["ClaimId"], answer.get("LastStatus"))
            self._qualirepar_store_validation_errors(answer)
        self._qualirepar_log(self.env._("Claim created at %(organism)s: %(ref)s.", organism=self.partner_id.name,
                                        ref=self.remote_ref))
        return True

    def _qualirepar_set_remote(self, reference, status):
        self.write({"remote_ref": str(reference), "remote_status": status, "state": "sending"})

    def _qualirepar_upload(self, client, document):
        file_type = FILE_TYPES[self.organism][document["kind"]]
        if self.organism == "ecologic":
            client.attach_file(int(self.remote_ref), document["name"], document["extension"], file_type,
                               document["content"])
            return
        client.upload_file(self.remote_ref, document["name"], file_type, document["content"],
                           document.get("mimetype") or "application/octet-stream")

    def _qualirepar_submit(self, client):
        """Ask the organism to check the claim: (its answer, the status)."""
        if self.organism == "ecosystem":
            answer = client.confirm_claim(self.remote_ref)
            return answer, answer.get("RequestStatus")
        if remote_state(self.remote_status) == "rejected":  # corrected after a rejection
            answer = client.update_claim(int(self.remote_ref), self._qualirepar_ecologic_body(), submit=True,
                                         **self._qualirepar_ecologic_params())
        else:
            answer = client.submit_claim(int(self.remote_ref))
        return answer, answer.get("LastStatus")

    def _qualirepar_confirm(self, client):
        try:
            answer, status = self._qualirepar_submit(client)
        except ApiError as error:
            if isinstance(error, TemporaryError):
                raise
            # Refused because an attempt whose answer was lost has submitted it already?
            status = self._qualirepar_remote_status(client)["status"]
            if remote_state(status) not in ("sent", "approved", "paid"):
                raise
            answer = {}
        if self.organism == "ecologic":
            if not answer.get("IsValid", True):
                self._qualirepar_store_validation_errors(answer)
                self.write({"remote_status": status, "state": "to_fix"})
                self._qualirepar_ask_person(self.env._("Ecologic refused to submit the claim:\n%s",
                                                       self.validation_errors))
                return
        self.write({"remote_status": status, "state": remote_state(status) or "sent", "last_error": False,
                    "remote_create_started": False,
                    "attempt_count": 0, "next_attempt_date": False})
        self._qualirepar_log(self.env._(
            "Claim submitted to %(organism)s (%(status)s) with its documents: %(documents)s.",
            organism=self.partner_id.name, status=status or "-",
            documents=(self.remote_documents or "-").replace(",", ", ")))

    def _qualirepar_store_validation_errors(self, answer):
        errors = [e for e in answer.get("ValidationErrors") or []
                  if ATTACHMENTS_PENDING not in (e.get("ErrorMessage") or "")]
        self.validation_errors = "\n".join(
            f"• {e.get('Field') or '-'}: {e.get('ErrorMessage')}" for e in errors) or False

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
        values = {"attempt_count": attempt, "last_error": message,
                  "next_attempt_date": fields.Datetime.now() + timedelta(seconds=delay)}
        if error.unprocessed and not self.remote_ref:
            values["remote_create_started"] = False  # nothing was created: no need to look for it
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
        self._message_log(body=Markup("<p>%s</p>") % message)

    # ------------------------------------------------------------------ follow-up
    def _qualirepar_refresh(self, clients):
        self.ensure_one()
        self._qualirepar_guarded(lambda: self._qualirepar_refresh_step(clients))

    def _qualirepar_remote_status(self, client):
        """{"status", "reason", "paid_amount", "paid_date"} of the claim at its organism."""
        if self.organism == "ecosystem":
            details = client.get_claim(self.remote_ref)
            return {"status": details.get("RequestStatus"),
                    "reason": details.get("RejectReason") or details.get("RequestStatus"),
                    "paid_amount": (details.get("PaidAmount") or {}).get("amount"),
                    "paid_date": details.get("PaymentDate")}
        details = client.get_claim_status(int(self.remote_ref))
        return {"status": details.get("LastStatus"), "reason": details.get("Comment"),
                "paid_amount": details.get("PaidAmount"), "paid_date": details.get("PaymentDate")}

    def _qualirepar_refresh_step(self, clients):
        remote = self._qualirepar_remote_status(self._qualirepar_client(clients))
        status, reason = remote["status"], remote["reason"]
        paid_amount, paid_date = remote["paid_amount"], remote["paid_date"]
        state = remote_state(status)
        if status == self.remote_status or not state:
            self.remote_status = status
            return
        self.remote_status = status
        if state == "rejected":
            match = REJECT_REASON.search(reason or "")
            self.write({"state": "rejected", "reject_code": match and match.group(1),
                        "reject_reason": match.group(2).strip() if match else reason})
            self._qualirepar_ask_person(self.env._(
                "%(organism)s rejected the claim: %(reason)s. Correct it, then click “Correct and resubmit”.",
                organism=self.partner_id.name, reason=reason or status))
        elif state == "paid":
            self._record_payment(float(paid_amount if paid_amount is not None else self.amount),
                                 fields.Date.to_date(paid_date) or fields.Date.context_today(self),
                                 self.remote_ref, self.env["account.move"])
        else:
            self.state = state
        self._qualirepar_log(self.env._("%(organism)s: %(status)s.", organism=self.partner_id.name, status=status))
