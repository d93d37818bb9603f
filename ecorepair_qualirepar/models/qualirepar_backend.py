import logging
from contextlib import contextmanager
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.exceptions import UserError

from ..clients import CLIENTS, ApiError, EcologicClient, EcosystemClient
from .qualirepar_access import MANAGER, check_role

_logger = logging.getLogger(__name__)

ORGANISMS = [(organism, client.organism) for organism, client in CLIENTS.items()]
# The type of the activity asking the manager to correct a connection.
CONNECTION_ACTIVITY = "ecorepair_qualirepar.mail_activity_connection_refused"
# The organism itself cannot be reached: recorded on the connection once this many calls in a row (whatever the
# claims) got no answer from it — server errors (5xx), timeouts, no connection, unreadable answers; a 429 is an
# answer — and none has worked for this long. The first call that works again clears it.
UNREACHABLE_ACTIVITY = "ecorepair_qualirepar.mail_activity_organism_unreachable"
UNREACHABLE_FAILURES, UNREACHABLE_WINDOW = 5, timedelta(minutes=5)
ACTIVITIES = {"refused": CONNECTION_ACTIVITY, "unreachable": UNREACHABLE_ACTIVITY}


class QualireparBackend(models.Model):
    """A connection to one eco-organism's repairer API, for one company."""

    _name = "qualirepar.backend"
    _description = "QualiRépar eco-organism connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, organism"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    organism = fields.Selection(ORGANISMS, required=True)
    environment = fields.Selection(
        [("sandbox", "Sandbox"), ("preprod", "Pre-production"), ("prod", "Production")],
        required=True,
        default="preprod",
    )
    base_url = fields.Char(
        string="API URL",
        compute="_compute_base_url",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Computed from the environment; change it only to reach another server (a local test sandbox).",
    )
    username = fields.Char(groups="base.group_system", help="ecosystem 'User API' account.")
    password = fields.Char(groups="base.group_system")
    api_key = fields.Char(string="API key", groups="base.group_system", help="Ecologic (e-reparateur) key of the environment.")
    repairer_identifier = fields.Char(
        string="Repairer ID",
        help="Identifier of the shop at the eco-organism (ecosystem RepairerID, 7 digits). "
        "Filled in by the synchronisation when empty.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Eco-organism partner", compute="_compute_partner_id", store=True, readonly=False,
        required=True, precompute=True,
        help="The partner that owes the bonuses of this organism in the books.")
    timeout = fields.Integer(string="Timeout (s)", default=30, required=True)
    last_sync_date = fields.Datetime(string="Last synchronisation", readonly=True)
    last_sync_error = fields.Text(string="Last synchronisation error", readonly=True)
    connection_error = fields.Text(
        string="Connection failure", readonly=True, copy=False,
        help="The organism refused this connection's credentials while sending or following the claims: the "
        "claims keep their state and are tried again once it works.")
    connection_error_date = fields.Datetime(string="Connection failing since", readonly=True, copy=False)
    connection_error_kind = fields.Selection(
        [("refused", "Connection refused"), ("unreachable", "Organism unreachable")], string="Kind of failure",
        readonly=True, copy=False)
    unreachable_since = fields.Datetime(
        string="No answer since", readonly=True, copy=False,
        help="The first of the calls to the organism that got no answer in a row (server errors, timeouts).")
    unreachable_failures = fields.Integer(
        string="Calls without an answer", readonly=True, copy=False,
        help="Calls to the organism that got no answer in a row, since the last one that worked.")
    product_type_count = fields.Integer(compute="_compute_counts")
    brand_count = fields.Integer(compute="_compute_counts")
    site_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("organism_company_uniq", "unique(organism, company_id, environment)",
         "This company already has a connection to this eco-organism in this environment."),
    ]

    @api.depends("organism", "environment")
    def _compute_base_url(self):
        for backend in self:
            if backend.organism and backend.environment:
                backend.base_url = CLIENTS[backend.organism].environment_urls[backend.environment]

    @api.depends("organism")
    def _compute_partner_id(self):
        for backend in self:
            if backend.organism and not backend.partner_id:
                backend.partner_id = self.env.ref(f"ecorepair_qualirepar.partner_{backend.organism}")

    def _compute_counts(self):
        for field, model in (("product_type_count", "qualirepar.product.type"),
                             ("brand_count", "qualirepar.brand"),
                             ("site_count", "qualirepar.repair.site")):
            counts = dict(self.env[model]._read_group([("backend_id", "in", self.ids)], ["backend_id"], ["__count"]))
            for backend in self:
                backend[field] = counts.get(backend, 0)

    def _get_client(self):
        """The API client of this connection, with its credentials (read as superuser), writing its messages in
        the language of the environment."""
        self.ensure_one()
        backend = self.sudo()
        options = {"timeout": backend.timeout, "translate": self.env._}
        if backend.organism == "ecosystem":
            if not (backend.username and backend.password):
                raise UserError(_("Enter the ecosystem API user name and password of the connection “%s”.", self.name))
            return EcosystemClient(backend.base_url, backend.username, backend.password, **options)
        if not backend.api_key:
            raise UserError(_("Enter the Ecologic API key of the connection “%s”.", self.name))
        return EcologicClient(backend.base_url, backend.api_key, **options)

    @contextmanager
    def _qualirepar_bookkeeping(self):
        """What the claims' jobs note on their connection, in a savepoint: two jobs noting it at the same moment
        conflict (serialization failure); the second one's note is then left out, never the claim's own data."""
        try:
            with self.env.cr.savepoint():
                yield
        except OperationalError as error:
            if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.info("%s: a concurrent job noted the connection at the same moment", self.display_name)

    def _qualirepar_connection_failed(self, message, kind="refused"):
        """The organism refused the connection itself (credentials; ``kind`` "refused"), or cannot be reached
        ("unreachable"): recorded here, with one activity for the QualiRépar manager, instead of on every claim."""
        backend = self.sudo()
        with self._qualirepar_bookkeeping():
            if backend.connection_error != message or backend.connection_error_kind != kind:
                backend.write({"connection_error": message, "connection_error_kind": kind,
                               "connection_error_date": backend.connection_error_date or fields.Datetime.now()})
            activity_type = self.env.ref(ACTIVITIES[kind])
            if not backend.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
                company = backend.company_id
                manager = self.env.ref(MANAGER).users.filtered(
                    lambda u: company in u.company_ids and not u.share)[:1] or self.env.ref("base.user_admin")
                backend = backend.with_context(lang=manager.lang or company.partner_id.lang)
                _ = backend.env._
                if kind == "refused":
                    summary = _("Connection refused by %s", backend.name)
                    note = _("%(message)s\nCorrect the connection: the claims waiting for it are sent and "
                             "followed again as soon as it works.", message=message)
                else:
                    summary = _("%s cannot be reached", backend.name)
                    note = _("%(message)s\nNothing to correct in Odoo if the organism has announced an outage: the "
                             "claims keep their state and are tried again with the back-off; this activity is "
                             "marked done by itself as soon as a call works again.", message=message)
                backend.activity_schedule(ACTIVITIES[kind], summary=summary, user_id=manager.id, note=note)

    def _qualirepar_call_unanswered(self):
        """A call of a claim's job got no answer from the organism (5xx, timeout, no connection, unreadable): once
        too many in a row and for too long, the organism is recorded as unreachable."""
        backend = self.sudo()
        now = fields.Datetime.now()
        with self._qualirepar_bookkeeping():
            since = backend.unreachable_since or now
            failures = backend.unreachable_failures + 1
            backend.write({"unreachable_since": since, "unreachable_failures": failures})
        if (failures >= UNREACHABLE_FAILURES and now - since >= UNREACHABLE_WINDOW
                and backend.connection_error_kind != "refused"):
            backend = backend.with_context(lang=backend.company_id.partner_id.lang)
            backend._qualirepar_connection_failed(backend.env._(
                "%(organism)s has answered none of the last %(count)s calls since %(since)s (server errors, "
                "timeouts).", organism=backend.name, count=failures,
                since=fields.Datetime.context_timestamp(backend, since).strftime("%d/%m/%Y %H:%M")),
                kind="unreachable")

    def _qualirepar_connection_works(self):
        """A call went through: a failure recorded on the connection is over; after an outage, the claims
        waiting for the organism are tried again now."""
        backend = self.sudo()
        if not (backend.connection_error or backend.unreachable_since):
            return
        with self._qualirepar_bookkeeping():
            kind = backend.connection_error_kind
            backend.write({"connection_error": False, "connection_error_date": False, "connection_error_kind": False,
                           "unreachable_since": False, "unreachable_failures": 0})
            activity_types = self.env.ref(CONNECTION_ACTIVITY) | self.env.ref(UNREACHABLE_ACTIVITY)
            backend.activity_ids.filtered(lambda a: a.activity_type_id in activity_types).action_feedback()
            if kind == "unreachable":
                backend._qualirepar_retry_now()

    def _qualirepar_retry_now(self):
        """The claims' jobs waiting to try the connection again run now."""
        claims = self.env["qualirepar.claim"].sudo().search([("backend_id", "in", self.ids)])
        (claims._qualirepar_jobs_of("send", ("pending",)) | claims._qualirepar_jobs_of("refresh", ("pending",))
         ).write({"eta": False})

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & {"username", "password", "api_key", "base_url"}:
            self._qualirepar_retry_now()  # corrected: the claims waiting for the connection are tried again now
        return result

    @api.model
    def _error_message(self, error):
        """A French sentence for a failed API call, with the API's own field errors."""
        message = _("%(organism)s answered: %(message)s", organism=dict(ORGANISMS).get(self.organism, ""),
                    message=error.message)
        details = "\n".join(f"- {e['field']}: {e['message']}" for e in error.field_errors or [])
        return f"{message}\n{details}" if details else message

    def action_test_connection(self):
        check_role(self.env, MANAGER)
        self.check_access("read")
        self.ensure_one()
        client = self._get_client()
        try:
            detail = client.check_connection()
        except ApiError as error:
            raise UserError(_("Connection to %(name)s failed.\n%(error)s",
                              name=self.name, error=self._error_message(error))) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Connection successful"),
                "message": _("%(name)s answered. %(detail)s", name=self.name, detail=detail),
                "sticky": False,
            },
        }

    def action_sync_reference_data(self):
        # Reference data is read-only for people: once the user may act on the connection,
        # the synchronisation writes it as superuser.
        check_role(self.env, MANAGER)
        self.check_access("write")
        for backend in self.sudo():
            try:
                backend._sync_reference_data()
            except ApiError as error:
                raise UserError(_("Synchronisation of %(name)s failed.\n%(error)s",
                                  name=backend.name, error=backend._error_message(error))) from error
        warnings = "\n".join(filter(None, self.sudo().mapped("last_sync_warning")))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if warnings else "success",
                "title": _("Reference data synchronised"),
                "message": warnings or _("Product types, brands, codes and sites are up to date."),
                "sticky": bool(warnings),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_sync_reference_data(self):
        """Daily: synchronise every active connection; one failing organism does not stop the others."""
        for backend in self.search([]):
            try:
                with self.env.cr.savepoint():
                    backend._sync_reference_data()
                if backend.last_sync_error:
                    backend.last_sync_error = False
            except (ApiError, UserError) as error:
                message = backend._error_message(error) if isinstance(error, ApiError) else str(error)
                _logger.warning("QualiRépar reference sync of %s failed: %s", backend.name, message)
                backend.last_sync_error = message

    def action_view_product_types(self):
        return self._action_view("qualirepar.product.type", _("Product types"))

    def action_view_brands(self):
        return self._action_view("qualirepar.brand", _("Brands"))

    def action_view_sites(self):
        return self._action_view("qualirepar.repair.site", _("Repair sites"))

    def _action_view(self, model, name):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("backend_id", "=", self.id)],
            "context": {"default_backend_id": self.id},
        }
