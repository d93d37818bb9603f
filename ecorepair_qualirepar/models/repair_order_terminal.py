import re
from datetime import datetime, time, timedelta
from urllib.parse import quote_plus

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import float_compare, format_date, formatLang


def _quantity(env, value):
    """A quantity as the user reads it: "2", "1,5" in French."""
    return formatLang(env, value, digits=0) if value == int(value) else formatLang(env, value)


class RepairOrder(models.Model):
    """The field terminal (F22): the technician's on-site repairs of the day, on a phone. What the visit needs
    that the repair does not say in one glance: where to go (a map link), whom to call (a tel: link), what to
    bring (the repair's parts and whether the stock has them). The rest of the visit is the repair's own: its
    check-in / check-out points, photos, parts, the customer's signature, started and ended by Odoo's buttons."""

    _inherit = "repair.order"

    qualirepar_visit_today = fields.Boolean(
        string="Today", compute="_compute_qualirepar_visit_today", search="_search_qualirepar_visit_today",
        help="Scheduled today, in the user's time zone.")
    qualirepar_visit_time = fields.Char(string="Time", compute="_compute_qualirepar_visit_time")
    qualirepar_visit_address = fields.Char(string="Address", compute="_compute_qualirepar_visit_links")
    qualirepar_map_url = fields.Char(
        string="Map", compute="_compute_qualirepar_visit_links",
        help="The customer's place on OpenStreetMap: their coordinates, else their address.")
    qualirepar_visit_phone = fields.Char(string="Customer's phone", compute="_compute_qualirepar_visit_links")
    qualirepar_phone_url = fields.Char(string="Call", compute="_compute_qualirepar_visit_links")
    qualirepar_parts_to_bring = fields.Html(
        string="To bring", compute="_compute_qualirepar_parts_to_bring", sanitize=False,
        help="The repair's parts, each with what the stock has for it: reserved, in stock, or missing.")

    # The day
    def _qualirepar_day_bounds(self):
        """(start, end) of today in the user's time zone, as naive UTC datetimes."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        today = fields.Date.context_today(self)
        start = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.UTC).replace(tzinfo=None)
        end = tz.localize(datetime.combine(today + timedelta(days=1), time.min)).astimezone(pytz.UTC)
        return start, end.replace(tzinfo=None)

    @api.depends("schedule_date")
    @api.depends_context("tz", "uid")
    def _compute_qualirepar_visit_today(self):
        start, end = self._qualirepar_day_bounds()
        for repair in self:
            repair.qualirepar_visit_today = bool(repair.schedule_date) and start <= repair.schedule_date < end

    def _search_qualirepar_visit_today(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(f"Today: operator {operator} not supported")
        start, end = self._qualirepar_day_bounds()
        domain = ["&", ("schedule_date", ">=", start), ("schedule_date", "<", end)]
        return domain if (operator == "=") == bool(value) else ["!", *domain]

    @api.depends("schedule_date")
    @api.depends_context("tz", "uid", "lang")
    def _compute_qualirepar_visit_time(self):
        """The time of the visit; its day too when it is not today (the filter "Today" taken off)."""
        today = fields.Date.context_today(self)
        for repair in self:
            if not repair.schedule_date:
                repair.qualirepar_visit_time = False
                continue
            local = fields.Datetime.context_timestamp(repair, repair.schedule_date)
            hour = local.strftime("%H:%M")
            repair.qualirepar_visit_time = hour if local.date() == today else "%s %s" % (
                format_date(self.env, local.date(), date_format="EEE d MMM"), hour)

    # Where, and whom to call
    @api.depends("partner_id.street", "partner_id.street2", "partner_id.zip", "partner_id.city",
                 "partner_id.country_id", "partner_id.partner_latitude", "partner_id.partner_longitude",
                 "partner_id.phone", "partner_id.mobile")
    def _compute_qualirepar_visit_links(self):
        for repair in self:
            partner = repair.partner_id
            address = ", ".join(filter(None, (
                partner.street, partner.street2, " ".join(filter(None, (partner.zip, partner.city))),
                partner.country_id.name)))
            if partner.partner_latitude or partner.partner_longitude:
                lat, lon = partner.partner_latitude, partner.partner_longitude
                map_url = f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=18/{lat:.6f}/{lon:.6f}"
            else:
                map_url = address and f"https://www.openstreetmap.org/search?query={quote_plus(address)}"
            phone = partner.mobile or partner.phone
            repair.qualirepar_visit_address = address or False
            repair.qualirepar_map_url = map_url or False
            repair.qualirepar_visit_phone = phone or False
            repair.qualirepar_phone_url = phone and "tel:" + re.sub(r"[^\d+]", "", phone)

    # What to bring
    def _qualirepar_part_availability(self, move, free_qty):
        """(label, bootstrap colour) of what the stock has for the part ``move``, ``free_qty`` being its
        quantity free at the repair's location."""
        _ = self.env._
        rounding = move.product_uom.rounding
        if move.state == "done":
            return _("Fitted"), "secondary"
        if move.state == "assigned" or float_compare(move.quantity, move.product_uom_qty,
                                                     precision_rounding=rounding) >= 0:
            return _("Reserved"), "success"
        if not move.product_id.is_storable:
            return _("Not tracked in stock"), "secondary"
        missing = move.product_uom_qty - move.quantity
        free = move.product_id.uom_id._compute_quantity(free_qty, move.product_uom)
        if float_compare(free, missing, precision_rounding=rounding) >= 0:
            return _("In stock, free: %s", _quantity(self.env, free)), "info"
        if move.quantity:
            return _("Partly reserved: %(reserved)s of %(demand)s", reserved=_quantity(self.env, move.quantity),
                     demand=_quantity(self.env, move.product_uom_qty)), "warning"
        return _("Missing"), "danger"

    @api.depends("move_ids.state", "move_ids.quantity", "move_ids.product_uom_qty", "move_ids.repair_line_type",
                 "location_id")
    @api.depends_context("lang")
    def _compute_qualirepar_parts_to_bring(self):
        for repair in self:
            moves = repair.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state != "cancel")
            if not moves:
                repair.qualirepar_parts_to_bring = False
                continue
            # the free quantity of each part at the repair's location, read at once
            products = moves.product_id.sudo().with_context(location=repair.location_id.id)
            free = {product.id: product.free_qty for product in products}
            lines = Markup()
            for move in moves:
                label, colour = repair._qualirepar_part_availability(move, free.get(move.product_id.id, 0.0))
                lines += Markup(
                    '<li class="d-flex justify-content-between gap-2"><span>%s × %s</span>'
                    '<span class="badge text-bg-%s flex-shrink-0 align-self-start">%s</span></li>') % (
                    _quantity(self.env, move.product_uom_qty), move.product_id.display_name, colour, label)
            repair.qualirepar_parts_to_bring = Markup('<ul class="list-unstyled mb-0">%s</ul>') % lines
