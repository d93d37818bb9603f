import logging

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.jobrunner import runner as job_runner
from odoo.addons.queue_job.jobrunner.channels import ChannelManager

from ..clients import CLIENTS, ApiError, AuthenticationError, TemporaryError
from ..clients import claims as claims_api
from .qualirepar_access import ACCOUNTANT, check_role
from .qualirepar_backend import ORGANISMS
from .qualirepar_claim_documents import PAID_STATES

_logger = logging.getLogger(__name__)

# Back-off of a claim whose organism could not be reached: the first wait (system parameter, seconds), doubled
# at each failed attempt, never more than 12 hours.
RETRY_PARAMETER = "ecorepair_qualirepar.claim_retry_seconds"
RETRY_FIRST, RETRY_MAX = 120, 12 * 3600
# The queue_job channel of the claims' jobs: its capacity is how many claims are sent at once. queue_job's runner
# reads it from the channel's record (per-database channels, the QualiRépar setting "Claims sent at once"), unless
# the Odoo servers' configuration sets every channel (``[queue_job] channels = root:N,root.qualirepar:N``).
CHANNEL = "root.qualirepar"
# The jobs rendering paid invoices call no organism: they run beside the claims' channel, within the most jobs the
# servers run at once for the database (its root), not in the claims' room.
RENDER_CHANNEL = "root"
CHANNEL_XMLID = "ecorepair_qualirepar.queue_job_channel_qualirepar"
# The jobs of a claim: one per step, never two of a step queued (their identity). "withdraw" deletes at the
# organism the draft of a claim cancelled with its invoice before it was sent.
JOB_METHODS = {"send": "_qualirepar_job_send", "refresh": "_qualirepar_job_refresh",
               "withdraw": "_qualirepar_job_withdraw"}
ACTIVE_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
JOB_STATES = ACTIVE_JOB_STATES + ("failed", "done", "cancelled")
# How many times a job makes an ecosystem draft anew (a document missing) before it waits for the back-off.
DRAFTS_PER_JOB = 3
# How many paid invoices one job renders together (one wkhtmltopdf run) before their claims' jobs send them.
RENDER_BATCH = 20
# The claims a transaction made due to send (their invoices paid), queued as it commits.
PRECOMMIT_KEY = "qualirepar.claim.send"
# How many claims a scheduled action queues at a time (the next run queues the rest).
BATCH = 500
# The claims followed at their organism: sent, and credited after sending (the organism may still pay, or reject).
FOLLOWED_STATES = ("sent", "approved", "to_refund")
# What records each kind of report of the calls (clients/claims.py).
REPORTS = {"request": "_qualirepar_request_made", "created": "_qualirepar_created", "done": "_qualirepar_done"}


def _organism_answered(error):
    """The organism answered the call that failed (a refusal, a 429), credentials accepted: it is there."""
    return bool(getattr(error, "status_code", None)) and not isinstance(error, AuthenticationError) and not (
        isinstance(error, TemporaryError) and error.status_code != 429)


class QualireparClaim(models.Model):
    """Transmission of the claims to the eco-organisms and their follow-up, as queue_job jobs: one job per claim
    and step (send, follow), in the ``qualirepar`` channel; the scheduled actions and the payment of an invoice
    only queue them. What a job learns is committed the moment it is known (a remote reference first of all), so
    that a crash resumes where it stopped."""

    _inherit = "qualirepar.claim"

    remote_ref = fields.Char(string="Organism's reference", copy=False, index="btree_not_null",
                             tracking=True, help="ecosystem's ReimbursementClaimID, Ecologic's ClaimId.")
    remote_status = fields.Char(string="Organism's status", readonly=True, copy=False)
    remote_create_started = fields.Datetime(
        readonly=True, copy=False,
        help="Set before asking the organism to create the claim: if its answer is lost, the next attempt "
        "looks for the claim instead of creating a second one.")
    remote_document_ids = fields.One2many(
        "qualirepar.claim.remote.document", "claim_id", string="Documents at the organism", readonly=True,
        copy=False, help="The documents the organism has received for its claim (none is uploaded twice), and those "
        "its errors name (refused: they are sent again).")
    remote_request_ref = fields.Char(
        string="Support request", readonly=True, copy=False,
        help="Ecologic's RequestId of the support request the claim is made from: a creation whose answer was lost "
        "is looked up through it.")
    submission_count = fields.Integer(
        readonly=True, copy=False, default=0,
        help="Remote claims abandoned before this one (rejected, or a draft that could not be completed).")
    previous_remote_ref_ids = fields.One2many(
        "qualirepar.claim.previous.ref", "claim_id", string="Earlier references", readonly=True, copy=False,
        help="The organism's references of the claims this one replaced (rejected, sent again as new claims).")
    reject_code = fields.Char(string="Rejection code", readonly=True, copy=False)
    reject_reason = fields.Char(string="Rejection reason", readonly=True, copy=False, tracking=True)
    validation_errors = fields.Text(string="Errors found by the organism", readonly=True, copy=False)
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
    job_failed = fields.Boolean(
        string="Job failed", readonly=True, copy=False,
        help="The claim's last job failed on an unexpected error (details in Job Queue > Queue > Jobs): the "
        "scheduled actions no longer queue it until a job of the claim runs again (“Send now”, “Refresh status”, "
        "or Requeue on the job).")
    job_state = fields.Selection(
        [("wait_dependencies", "Waiting"), ("pending", "Pending"), ("enqueued", "Enqueued"),
         ("started", "Running"), ("done", "Done"), ("cancelled", "Cancelled"), ("failed", "Failed")],
        string="Background job", compute="_compute_job_info",
        help="The last job sending or following the claim.")
    job_error = fields.Text(string="Job's last error", compute="_compute_job_info")
    job_next_try = fields.Datetime(string="Next try", compute="_compute_job_info")

    @api.depends("remote_document_ids.refused")
    def _compute_refused_documents_label(self):
        labels = self._qualirepar_document_labels()
        for claim in self:
            refused = set(claim.remote_document_ids.filtered("refused").mapped("kind"))
            claim.refused_documents_label = ", ".join(
                label for kind, label in labels.items() if kind in refused) or False

    def _qualirepar_document_labels(self):
        _ = self.env._
        return {"invoice": _("Invoice"), "nameplate": _("Nameplate photo"), "device_picture": _("Photo of the device"),
                "consumer_validation": _("Customer's signed document")}

    def _qualirepar_lang(self):
        """The claim in the language and time zone of its responsible person (else of its company): the
        scheduled actions and jobs run without them (the day a claim is sent is the shop's day)."""
        self.ensure_one()
        claim = self.sudo()  # only to read a language
        person, company = claim._qualirepar_responsible().partner_id, claim.company_id.partner_id
        return self.with_context(lang=person.lang or company.lang, tz=person.tz or company.tz)

    # ------------------------------------------------------------------ user actions
    def action_submit(self):
        """Send now: the claim's job is queued, or the one waiting to try again runs at once (no call to the
        organism in the user's transaction)."""
        self._qualirepar_check_accountant()
        claims = self.sudo().filtered(lambda c: c.state in ("to_send", "sending"))
        claims._qualirepar_jobs_of("send", ("pending",)).write({"eta": False})
        claims._qualirepar_enqueue("send")
        return True

    def _qualirepar_forget_lost_creation(self):
        """Checked again by a person, a claim whose creation's answer was lost and which has no reference entered
        is created again at the organism."""
        self.filtered(lambda c: not c.remote_ref and c.state == "to_fix").remote_create_started = False

    def action_refresh_status(self):
        self._qualirepar_check_accountant()
        self.sudo().filtered(lambda c: c.state in FOLLOWED_STATES and not c.remote_closed)._qualirepar_enqueue(
            "refresh")
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
                      "last_error": False, "attempt_count": 0}
            if CLIENTS[claim.organism].corrects_claims and claim.backend_id.refused_claims_updatable:
                values["remote_correction"] = True
            else:
                values.update(remote_ref=False, remote_status=False, remote_document_ids=[Command.clear()],
                              remote_correction=False,
                              remote_request_ref=False, remote_closed=False,
                              remote_create_started=False, submission_count=claim.submission_count + 1,
                              previous_remote_ref_ids=[Command.create({"name": claim.remote_ref,
                                                                       "organism": claim.organism})]
                              if claim.remote_ref else [])
            claim.write(values)
            claim.action_check()
        return True

    # ------------------------------------------------------------------ the channel's capacity
    @api.model
    def _qualirepar_channel_capacity(self):
        """(capacity, fixed, most) of the claims' channel as queue_job's runner applies it: from the servers'
        configuration when it sets the channels (``fixed``), else from the channel's record, within the most
        jobs the servers run at once for this database (``most``)."""
        spec = job_runner._channels()
        if spec:
            manager = ChannelManager()
            manager.simple_configure(spec)
            channel = manager.get_channel_by_name(CHANNEL, parent_fallback=True)
            capacities = []
            while channel:  # a job runs when its channel and every parent have room
                if channel.capacity:
                    capacities.append(channel.capacity)
                channel = channel.parent
            return min(capacities, default=0), True, min(capacities[-1:], default=0)
        channel = self.env.ref(CHANNEL_XMLID).sudo()
        return channel.effective_capacity, False, channel.parent_id.effective_capacity

    @api.model
    def _qualirepar_set_channel_capacity(self, capacity):
        """The setting "Claims sent at once" is the capacity of the channel's record: queue_job's runner applies
        it at once (it is told of the change)."""
        current, fixed, most = self._qualirepar_channel_capacity()
        if capacity == current:
            return
        _ = self.env._
        if fixed:
            raise UserError(_(
                "The Odoo servers' configuration sets how many claims are sent at once (%(capacity)s): change it "
                "there, in odoo.conf ([queue_job] channels = root:N,root.qualirepar:N) or in the variable "
                "ODOO_QUEUE_JOB_CHANNELS, then restart the servers.", capacity=current))
        if capacity < 1:
            raise UserError(_("At least one claim must be sent at a time."))
        if capacity > most:
            raise UserError(_(
                "The Odoo servers run at most %(most)s jobs at once for this database: raise it first in odoo.conf "
                "([queue_job] max_capacity) or in the variable ODOO_QUEUE_JOB_MAX_CAPACITY, and give the servers "
                "as many HTTP workers.", most=most))
        self.env.ref(CHANNEL_XMLID).sudo().capacity = capacity

    # ------------------------------------------------------------------ jobs
    def _qualirepar_identity(self, step):
        """The identity of the job of ``step`` ("send", "refresh") of this claim: never queued twice."""
        return f"qualirepar.claim,{self.id},{step}"

    def _qualirepar_jobs_of(self, step, states=ACTIVE_JOB_STATES):
        return self.env["queue.job"].sudo().search(
            [("identity_key", "in", [claim._qualirepar_identity(step) for claim in self]), ("state", "in", states)])

    def _qualirepar_enqueue(self, step):
        """Queue the job of ``step`` for each claim that has none waiting or running; returns the claims queued.
        Claims sent together with a paid invoice not rendered yet wait for a job rendering their paid invoices
        together (RENDER_BATCH at a time, one wkhtmltopdf run), queued with them; a claim sent alone renders its
        own (one job, not two)."""
        busy = set(self._qualirepar_jobs_of(step).mapped("identity_key"))
        claims = self.filtered(lambda c: c._qualirepar_identity(step) not in busy)
        label = {"send": self.env._("Send"), "refresh": self.env._("Follow"),
                 "withdraw": self.env._("Withdraw at the organism")}[step]

        def delayable(claim):
            return getattr(claim.sudo().delayable(
                channel=CHANNEL, identity_key=claim._qualirepar_identity(step), max_retries=0,
                description=self.env._("%(step)s the bonus claim %(claim)s", claim=claim.name, step=label)),
                JOB_METHODS[step])()

        to_render = claims._qualirepar_paid_invoice_missing() if step == "send" else self.browse()
        if len(to_render) < 2:
            to_render = self.browse()
        for claim in claims - to_render:
            delayable(claim).delay()
        for batch in split_every(RENDER_BATCH, to_render.ids, self.browse):
            render = batch.sudo().delayable(
                channel=RENDER_CHANNEL, max_retries=0,
                description=self.env._("Render the paid invoices of %(count)s bonus claims",
                                       count=len(batch)))._qualirepar_job_render()
            render.on_done(*(delayable(claim) for claim in batch)).delay()
        return claims

    def _qualirepar_enqueue_at_commit(self):
        """Queue the sending of these claims when the transaction commits, with the others it made due: the
        invoices paid together (a payment each, reconciled one by one) have their paid invoices rendered together."""
        due = self.env.cr.precommit.data.setdefault(PRECOMMIT_KEY, set())
        if not due:
            self.env.cr.precommit.add(self.env["qualirepar.claim"].sudo()._qualirepar_enqueue_due)
        due.update(self.ids)

    @api.model
    def _qualirepar_enqueue_due(self):
        claims = self.browse(sorted(self.env.cr.precommit.data.pop(PRECOMMIT_KEY, ())))
        claims.exists()._qualirepar_sending_due()._qualirepar_enqueue("send")
        self.env.flush_all()  # after the transaction's own flush

    def _qualirepar_sending_due(self):
        """Sent once its invoice is paid (the organism pays on the paid invoice), or at posting when the company
        says so."""
        return self.filtered(lambda c: c.state in ("to_send", "sending") and (
            c.company_id.qualirepar_send_at_posting or c.invoice_id.payment_state in PAID_STATES))

    @api.model
    def _cron_submit_claims(self, limit=BATCH):
        """Queue the sending of the claims that are due and have no job waiting or running, nor one that failed
        (at most ``limit``). Returns how many were queued."""
        return len(self._qualirepar_due("send", ("to_send", "sending"), limit)._qualirepar_enqueue("send"))

    @api.model
    def _cron_refresh_claims(self, limit=BATCH):
        """Queue the follow-up of the sent claims (at most ``limit``, the least recently asked first), not of
        those whose last job failed."""
        return len(self._qualirepar_due("refresh", FOLLOWED_STATES, limit)._qualirepar_enqueue("refresh"))

    @api.model
    def _qualirepar_due(self, step, states, limit):
        self.env.flush_all()
        paid = "" if step == "refresh" else """
            AND (company.qualirepar_send_at_posting OR move.payment_state IN %(paid)s)"""
        self.env.cr.execute(f"""
            SELECT claim.id FROM qualirepar_claim claim
              JOIN account_move move ON move.id = claim.invoice_id
              JOIN res_company company ON company.id = claim.company_id
             WHERE claim.state IN %(states)s AND claim.remote_closed IS NOT TRUE {paid}
               AND claim.job_failed IS NOT TRUE
               AND NOT EXISTS (SELECT 1 FROM queue_job job WHERE job.state IN %(active)s
                               AND job.identity_key = 'qualirepar.claim,' || claim.id || ',' || %(step)s)
             ORDER BY claim.write_date, claim.id
             LIMIT %(limit)s
        """, {"states": tuple(states), "paid": PAID_STATES, "active": ACTIVE_JOB_STATES, "step": step,
              "limit": limit})
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _qualirepar_job_starts(self, step):
        """Whether this job of ``step`` does the work: not when another job of this step of the claim is running
        (queued twice by two transactions at once). A claim whose last job failed is no longer marked so."""
        if self.env["queue.job"].search_count([
                ("identity_key", "=", self._qualirepar_identity(step)), ("state", "=", "started"),
                ("uuid", "!=", self.env.context.get("job_uuid"))], limit=1):
            return False
        if self.job_failed:
            self.job_failed = False
        return True

    def _qualirepar_job_failed(self, exc_info=None, exc_name=None, exc_message=None):
        """queue_job's runner gave a job of the claim up (an unexpected error, not an answer of the organism; its
        job managers are told of it): the claim's responsible person is asked to have it looked at, and the
        scheduled actions no longer queue the claim, which would fail every quarter of an hour."""
        claim = self._qualirepar_lang()
        _ = claim.env._
        if claim.state == "cancel":
            again = _("then delete the draft %s at the organism, or requeue the job.", claim.remote_ref)
        elif claim.state in FOLLOWED_STATES:
            again = _("then click “Refresh status”.")
        else:
            again = _("then click “Send now”.")
        claim.job_failed = True
        claim._qualirepar_ask_person(_(
            "The background job of this claim failed on an unexpected error (%(error)s): it is not tried again on "
            "its own. Have the error corrected (your administrator sees it in Job Queue > Queue > Jobs), "
            "%(again)s", error=exc_message or exc_name or "-", again=again))

    def _qualirepar_job_render(self):
        """The job that renders the paid invoices of claims paid together in one go (their send jobs wait for it).
        Whatever goes wrong, the claims' jobs then run: each renders its paid invoice alone."""
        try:
            with self.env.cr.savepoint():
                rendered = self._qualirepar_render_paid_invoices()
        except Exception as error:  # noqa: BLE001 - never blocks the send jobs waiting for it
            _logger.warning("The paid invoices of the claims %s were not rendered together: %s", self.ids, error)
            return f"Not rendered together ({error}): each claim's job renders its own."
        return f"{len(rendered)} paid invoices rendered."

    def _qualirepar_job_send(self):
        """The job that sends the claim: resumable, each step committed the moment it is known (the job function
        allows commits), so that a crash resumes where it stopped."""
        self.ensure_one()
        if not self._qualirepar_job_starts("send"):
            return "Sent by another job."
        author = self.env.ref("base.partner_root")
        claim = self._qualirepar_lang().with_context(
            mail_notrack=True, qualirepar_log_author=(author.id, author.email_formatted))
        if not claim._qualirepar_sending_due():
            return "Nothing to send."
        if not claim.remote_ref:
            claim._qualirepar_refresh_bonus()  # a changed bonus goes to a person before anything is sent
            if not claim._qualirepar_sending_due():
                return "Not sent: the bonus changed."
        for _attempt in range(DRAFTS_PER_JOB):  # a draft made anew is sent again at once
            if not claim._qualirepar_send_once():
                return claim.state
        # Each draft missed a document: tried again after the back-off, never left waiting without a job.
        claim.attempt_count += 1
        delay = claim._qualirepar_retry_delay(claim.attempt_count)
        message = claim.env._("%(count)s drafts in a row at %(organism)s missed a document: the claim is sent again "
                              "in %(delay)s s.", count=DRAFTS_PER_JOB, organism=claim.partner_id.name, delay=delay)
        claim.last_error = message
        claim._qualirepar_log(message)
        self.env.cr.commit()
        raise RetryableJobError(message, seconds=delay)

    def _qualirepar_send_once(self):
        """The calls of one transmission. True when the claim was made anew and is to be sent again."""
        try:
            job = self._qualirepar_job()
            client = self.backend_id._get_client()
        except UserError as error:
            self._qualirepar_failed(error)
            return False
        if not self.remote_ref and not self.remote_create_started:
            self.remote_create_started = fields.Datetime.now()
        self.env.cr.commit()
        # Looking up a creation an earlier attempt may have made: a request of this attempt that the organism did
        # not process says nothing of that one.
        claim = self.with_context(qualirepar_look_up=job["look_up"])
        result = []

        def report(kind, _claim_id, data):
            result.append(getattr(claim, REPORTS[kind])(data))
            self.env.cr.commit()

        try:
            claims_api.send(job, client, report)
        except ApiError as error:  # raised while recording (an ecosystem draft not deleted yet)
            claim._qualirepar_failed(error)
        finally:
            client.close()
        return bool(result and result[-1])

    def _qualirepar_job_refresh(self):
        """The job that asks the organism where the claim stands."""
        self.ensure_one()
        if not self._qualirepar_job_starts("refresh"):
            return "Followed by another job."
        claim = self._qualirepar_lang()
        if claim.state not in FOLLOWED_STATES or claim.remote_closed:
            return "Nothing to follow."
        if not claim._qualirepar_has_connection():
            return "No connection."
        client = claim._qualirepar_job_client()
        try:
            claim._qualirepar_refresh_step(client)
        except ApiError as error:
            claim._qualirepar_failed(error)
        finally:
            client.close()
        return claim.state

    def _qualirepar_enqueue_withdrawals(self):
        """The draft the organism holds of a claim cancelled here is withdrawn there by a job (no call to the
        organism in the user's transaction)."""
        self.filtered("remote_cancel_pending")._qualirepar_enqueue("withdraw")

    def _qualirepar_job_withdraw(self):
        """The job that deletes at ecosystem the draft of a claim cancelled before it was sent (a draft no longer
        there is deleted already); Ecologic's API documents no way to cancel a claim: a person is asked to."""
        self.ensure_one()
        if not self._qualirepar_job_starts("withdraw"):
            return "Withdrawn by another job."
        author = self.env.ref("base.partner_root")
        claim = self._qualirepar_lang().with_context(
            mail_notrack=True, qualirepar_log_author=(author.id, author.email_formatted))
        if claim.state != "cancel" or not claim.remote_cancel_pending:
            return "Nothing to withdraw."
        _ = claim.env._
        if not CLIENTS[claim.organism].withdraws_drafts:
            claim._qualirepar_ask_person(_(
                "This claim was cancelled with its invoice before it was submitted, but Ecologic already has it "
                "(ClaimId %(ref)s) and its API offers no way to cancel a claim. On e-reparateur, cancel the claim "
                "%(ref)s (quote number %(quote)s, invoice %(invoice)s), or ask Ecologic to, so that it is never "
                "submitted or paid.", ref=claim.remote_ref, quote=claim._qualirepar_reference(),
                invoice=claim.invoice_id.name))
            claim.remote_cancel_pending = False
            return "Left to a person."
        if not claim._qualirepar_has_connection():
            return "No connection."
        client = claim._qualirepar_job_client()
        try:
            gone = claim._qualirepar_delete_draft(client)
        except ApiError as error:
            claim._qualirepar_withdraw_failed(error)
            return "Left to a person."
        finally:
            client.close()
        claim.backend_id._qualirepar_connection_works()
        claim.write({"remote_cancel_pending": False, "last_error": False})
        claim._qualirepar_log(
            _("The draft %s was no longer at ecosystem: nothing left to withdraw.", claim.remote_ref) if gone
            else _("The draft %s of this cancelled claim was deleted at ecosystem.", claim.remote_ref))
        return "Withdrawn."

    def _qualirepar_withdraw_failed(self, error):
        """A temporary failure (or a refused connection) is tried again with the back-off; a refusal goes to a
        person, who deletes the draft on ecosystem's site."""
        if isinstance(error, (TemporaryError, AuthenticationError)):
            self._qualirepar_failed(error)  # raises RetryableJobError
        self.write({"remote_cancel_pending": False, "last_error": self.backend_id._error_message(error)})
        self._qualirepar_ask_person(self.env._(
            "ecosystem refused to delete the draft %(ref)s of this cancelled claim (%(error)s). On ecosystem's "
            "site, delete the draft %(ref)s (our reference %(reference)s), or ask ecosystem to.",
            ref=self.remote_ref, error=self.last_error, reference=self._qualirepar_reference()))

    def _qualirepar_has_connection(self):
        """Whether the claim has its organism's connection; a claim whose connection was deleted gets the
        company's connection to the organism when there is one again, else a person is told, once (the claim keeps
        its state and is followed again once it has one)."""
        self._qualirepar_find_backend()
        if self.backend_id:
            return True
        message = self.env._(
            "No connection to %s is set for this claim (its connection was deleted): it is neither followed nor "
            "withdrawn until the company has a connection to this organism again (QualiRépar > Configuration > "
            "Connections).", self.partner_id.name)
        if self.last_error != message:
            self.last_error = message
            self._qualirepar_ask_person(message)
        return False

    def _qualirepar_job_client(self):
        """The organism's client for a job; a connection that cannot be made is recorded on the connection and the
        job tried again with the back-off."""
        try:
            return self.backend_id._get_client()
        except UserError as error:
            self.backend_id._qualirepar_connection_failed(error.args[0])
            raise RetryableJobError(error.args[0], seconds=self._qualirepar_retry_delay()) from error

    def _compute_job_info(self):
        jobs = self.env["queue.job"].browse()
        for step in JOB_METHODS:
            jobs |= self._qualirepar_jobs_of(step, JOB_STATES)
        jobs = jobs.sorted(lambda job: (job.date_created, job.id), reverse=True)
        for claim in self:
            keys = {claim._qualirepar_identity(step) for step in JOB_METHODS}
            job = jobs.filtered(lambda j: j.identity_key in keys)[:1]
            claim.job_state = job.state or False
            claim.job_error = job and (job.exc_message or (job.state in ("pending", "failed") and job.result)) or False
            claim.job_next_try = job.eta if job.state == "pending" else False

    def _qualirepar_sent_documents(self):
        """The kinds of the documents the organism has received (and not refused)."""
        return set(self.remote_document_ids.filtered(lambda document: not document.refused).mapped("kind"))

    def _qualirepar_sent_documents_label(self):
        sent = self._qualirepar_sent_documents()
        return ", ".join(label for kind, label in self._qualirepar_document_labels().items() if kind in sent)

    def _qualirepar_documents_received(self, kinds):
        """The organism has received the documents of kinds ``kinds`` (each once; a refused one anew)."""
        documents = self.sudo().remote_document_ids
        known = set(documents.mapped("kind"))
        documents.filtered(lambda document: document.refused and document.kind in kinds).write(
            {"refused": False, "uploaded_on": fields.Datetime.now()})
        self.sudo().remote_document_ids = [Command.create({"kind": kind})
                                           for kind in dict.fromkeys(kinds) if kind not in known]

    # ------------------------------------------------------------------ transmission
    def _qualirepar_job(self):
        """What the calls of a transmission are to do (see clients/claims.py)."""
        if not self.backend_id:
            raise UserError(self.env._("No connection to %s is set for this claim.", self.partner_id.name))
        look_up = not self.remote_ref and bool(self.remote_create_started)
        sent = self._qualirepar_sent_documents()
        return {
            "id": self.id, "ref": self.remote_ref or None, "look_up": look_up,
            "reference": self._qualirepar_reference(),
            "create": None if self.remote_ref else self._qualirepar_claim_data(),
            "documents": [d for d in self._qualirepar_documents() if d["kind"] not in sent],
            "update": self._qualirepar_claim_data() if self.remote_ref and self.remote_correction else None,
            "request_id": self.remote_request_ref and int(self.remote_request_ref),
            "use_requests": self.backend_id.claim_lookup_by_request,
            "lookup_trusted": self.backend_id.request_lookup_trusted,
        }

    def _qualirepar_created(self, data):
        """The organism has made the claim: its reference is kept at once."""
        self.write({"remote_ref": data["ref"], "remote_status": data["status"], "state": "sending"})
        if data.get("trusted") and not self.backend_id.request_lookup_trusted:
            with self.backend_id._qualirepar_bookkeeping():  # the first claims' jobs all learn it at once
                self.backend_id.sudo().request_lookup_trusted = True
        if data["found"]:
            self._qualirepar_log(self.env._("%(organism)s already had this claim (%(ref)s): it is taken up again.",
                                            organism=dict(ORGANISMS)[self.organism], ref=self.remote_ref))
            return
        self.validation_errors = self._qualirepar_errors_text(data["errors"])
        self._qualirepar_log(self.env._("Claim created at %(organism)s: %(ref)s.",
                                        organism=dict(ORGANISMS)[self.organism], ref=self.remote_ref))

    def _qualirepar_request_made(self, data):
        """Ecologic has made the support request the claim is made from: kept at once, to look the claim up."""
        self.remote_request_ref = str(data["request_id"])

    def _qualirepar_lost_creation(self):
        return UserError(self.env._(
            "Ecologic did not answer when this claim was created, and cannot say whether it was. On e-reparateur "
            "(Demandes de remboursement), look for a claim with the quote number %(quote)s (invoice %(invoice)s): "
            "if there is one, type its number (ClaimId) in “Organism's reference” on this claim, then click "
            "“Check”; if there is none, click “Check”: the claim is sent again.",
            quote=self._qualirepar_reference(), invoice=self.invoice_id.name))

    def _qualirepar_done(self, data):
        """What the calls report at their end. True when the claim was made anew."""
        if data["uploaded"]:
            self._qualirepar_documents_received(data["uploaded"])
        error = data["error"]
        if error is None or _organism_answered(error):
            self.backend_id._qualirepar_connection_works()
        if isinstance(error, claims_api.CreationUnknown):
            error = self._qualirepar_lost_creation()
        if error is None:
            self._qualirepar_confirmed(data)
        elif data["remake"]:
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

    def _qualirepar_delete_draft(self, client):
        """Delete the claim's draft at ecosystem and make sure it is gone. True when it was gone already (404:
        deleted by an attempt whose answer was lost)."""
        try:
            client.delete_claim(self.remote_ref)
        except ApiError as error:
            if error.status_code != 404:
                raise
            return True
        try:
            still_there = client.get_claim(self.remote_ref)  # an unreadable answer may hide a failure
        except ApiError as error:
            if error.status_code != 404:
                raise
            still_there = False
        if still_there:
            raise TemporaryError(self.env._("ecosystem has not deleted the draft %s yet.", self.remote_ref))
        return False

    def _qualirepar_restart_draft(self, client):
        """An upload to ecosystem was interrupted after its slot was made: the draft claim cannot be completed,
        so it is deleted and the claim made anew (under a new reference)."""
        self._qualirepar_delete_draft(client)
        self._qualirepar_log(self.env._("The draft %s at ecosystem missed a document: deleted, made anew.",
                                        self.remote_ref))
        self.write({"remote_ref": False, "remote_status": False, "remote_document_ids": [Command.clear()],
                    "remote_create_started": False, "state": "to_send",
                    "submission_count": self.submission_count + 1})

    def _qualirepar_reference(self):
        """Our reference of the claim at the organism, new for each submission."""
        return self.name if not self.submission_count else f"{self.name}-{self.submission_count + 1}"

    def _qualirepar_confirmed(self, data):
        """The organism has the claim with its documents and has been asked to check it (``data``: the "done"
        report of clients/claims.py)."""
        status = data["status"]
        if data["refused"] is not None:
            self._qualirepar_to_correct(data["refused"], status)
            self._qualirepar_ask_person(self._qualirepar_correction_note(
                self.env._("Ecologic refused to submit the claim:")))
            return
        self.write({"remote_status": status, "state": data["state"] or "sent", "last_error": False,
                    "remote_create_started": False, "attempt_count": 0,
                    "remote_correction": False,
                    "remote_document_ids": [Command.delete(document.id) for document in self.remote_document_ids
                                            if document.refused]})
        self._qualirepar_log(self.env._(
            "Claim submitted to %(organism)s (%(status)s) with its documents: %(documents)s.",
            organism=dict(ORGANISMS)[self.organism], status=status or "-",
            documents=self._qualirepar_sent_documents_label() or "-"))

    @api.model
    def _qualirepar_errors_text(self, errors):
        """The organism's errors ([{"field", "message"}]) as lines for a person."""
        return "\n".join(f"• {e['field'] or '-'}: {e['message']}" for e in errors or []) or False

    def _qualirepar_to_correct(self, found, status):
        """Ecologic found errors in the claim it has (``found``: {"errors", "documents"} that they name, see the
        clients' ``read_claim``): it waits for a person, who corrects it; the documents named are then attached
        again and the claim corrected and submitted (updateclaim)."""
        errors, refused = found["errors"], found["documents"]
        self.write({
            "remote_status": status, "state": "to_fix", "remote_correction": True,
            "validation_errors": self._qualirepar_errors_text(errors),
            "remote_document_ids": [  # the refused ones are sent again (those refused before too)
                Command.update(document.id, {"refused": document.refused or document.kind in refused})
                for document in self.remote_document_ids
            ] + [Command.create({"kind": kind, "refused": True, "uploaded_on": False})
                 for kind in refused if kind not in self.remote_document_ids.mapped("kind")],
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
        """Record a failed step: a failure of the connection itself (credentials refused) is recorded on the
        connection and the claim tried again, as after a temporary failure (with back-off, the job raising
        RetryableJobError); anything else waits for a person."""
        self.ensure_one()
        message = self.backend_id._error_message(error) if isinstance(error, ApiError) else str(error)
        if isinstance(error, UserError):
            message = error.args[0]
        if isinstance(error, AuthenticationError):
            self.backend_id._qualirepar_connection_failed(message)
            self.env.cr.commit()
            raise RetryableJobError(message, seconds=self._qualirepar_retry_delay()) from error
        if not isinstance(error, TemporaryError):
            self.write({"state": "to_fix", "last_error": message})
            self._qualirepar_ask_person(message)
            return
        if not _organism_answered(error):
            self.backend_id._qualirepar_call_unanswered()
        attempt = self.attempt_count + 1
        delay = error.retry_after or self._qualirepar_retry_delay(attempt)
        values = {"attempt_count": attempt, "last_error": message}
        if error.unprocessed and not self.remote_ref and not self.env.context.get("qualirepar_look_up"):
            values["remote_create_started"] = False  # nothing was created: no need to look for it
        elif not self.remote_ref and self.remote_create_started:
            # The organism may still be making the claim after we stopped waiting: it is looked for once the
            # organism must have answered.
            delay = max(delay, 2 * (self.backend_id.timeout or 30))
        self.write(values)
        if self.backend_id.connection_error_kind != "unreachable":  # else the connection says it, once
            self._qualirepar_log(self.env._("Attempt %(attempt)s failed, tried again in %(delay)s s: %(error)s",
                                            attempt=attempt, delay=int(delay), error=message))
        self.env.cr.commit()
        raise RetryableJobError(message, seconds=max(1, int(delay))) from error

    def _qualirepar_retry_delay(self, attempt=1):
        """The back-off: the first wait of the settings, doubled at each failed attempt, 12 hours at most."""
        first = int(self.env["ir.config_parameter"].sudo().get_param(RETRY_PARAMETER, RETRY_FIRST))
        return max(1, min(first * 2 ** (attempt - 1), RETRY_MAX))  # 0 would be queue_job's 10 minutes

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
    def _qualirepar_refund_followed(self, state, status, reason):
        """A claim whose bonus a credit note took back after it was sent: rejected by the organism before it
        paid anything, nothing is owed to it and the claim is closed; settled there, its payment is recorded by
        the remittance and owed back. It is never corrected nor resubmitted."""
        if state == "rejected" and self.currency_id.is_zero(self.amount_paid):
            self.state = "cancel"
            self._qualirepar_log(self.env._(
                "%(organism)s rejected the claim whose bonus the credit note took back (%(reason)s): it paid "
                "nothing for it, nothing is to be refunded to it. The claim is closed.",
                organism=self.partner_id.name, reason=reason or status))
        elif state == "closed":
            self.remote_closed = True
            self._qualirepar_log(self.env._(
                "%(organism)s says the claim is settled (%(status)s). What it pays for it is recorded when the "
                "remittance is entered from the bank statement, then refunded to it.",
                organism=self.partner_id.name, status=status))

    def _qualirepar_refresh_step(self, client):
        remote = client.read_claim(self.remote_ref)
        self.backend_id._qualirepar_connection_works()
        status, reason = remote["status"], remote["reason"]
        state = client.remote_state(status)
        if status == self.remote_status or not state:
            if status != self.remote_status:
                self.remote_status = status
            return
        self.remote_status = status
        if self.state == "to_refund":
            self._qualirepar_refund_followed(state, status, reason)
        elif state == "rejected":
            match = claims_api.REJECT_REASON.search(reason or "")
            self.write({"state": "rejected", "reject_code": match and match.group(1),
                        "reject_reason": match.group(2).strip() if match else reason})
            self._qualirepar_ask_person(self.env._(
                "%(organism)s rejected the claim: %(reason)s. Correct it, then click “Correct and resubmit”.",
                organism=self.partner_id.name, reason=reason or status))
        elif state == "sending" and client.corrects_claims:
            # Found incomplete after it was submitted (Ecologic's "Dossier incomplet"): a person corrects it.
            self._qualirepar_to_correct(remote, status)
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
