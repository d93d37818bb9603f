from math import asin, cos, radians, sin, sqrt

from odoo import api, fields, models
from odoo.exceptions import UserError

EARTH_RADIUS_KM = 6371.0
COORDINATES = ("partner_id.partner_latitude", "partner_id.partner_longitude",
               "company_id.partner_id.partner_latitude", "company_id.partner_id.partner_longitude")


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in kilometres between two points given in decimal degrees."""
    lat1, lon1, lat2, lon2 = map(radians, (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def _has_coordinates(partner):
    return bool(partner.partner_latitude or partner.partner_longitude)


class RepairOrder(models.Model):
    """Workshop or on-site repair; on site, the distance to the customer against the declared zone (F17)."""

    _inherit = "repair.order"

    qualirepar_intervention_type = fields.Selection(
        [("workshop", "Workshop"), ("onsite", "On site")], string="Intervention", required=True,
        default="workshop", tracking=True)
    qualirepar_distance_km = fields.Float(
        string="Distance (km)", digits=(16, 1), compute="_compute_qualirepar_distance_km", store=True,
        readonly=False, tracking=True,
        help="Great-circle distance between the company and the customer, from their coordinates; "
        "enter it by hand when either has no coordinates.")
    qualirepar_distance_manual = fields.Boolean(
        string="Distance entered by hand", compute="_compute_qualirepar_distance_manual",
        help="The company or the customer has no coordinates: the distance cannot be computed.")
    qualirepar_max_distance_km = fields.Float(related="company_id.qualirepar_max_distance_km")
    qualirepar_beyond_zone = fields.Boolean(
        string="Beyond the declared zone", compute="_compute_qualirepar_beyond_zone", store=True)
    qualirepar_distance_reason = fields.Text(
        string="Reason for the distance", tracking=True, copy=False,
        help="Required to confirm an on-site repair beyond the zone declared at labelling.")

    @api.depends(*COORDINATES)
    def _compute_qualirepar_distance_manual(self):
        for repair in self:
            repair.qualirepar_distance_manual = not (
                _has_coordinates(repair.partner_id) and _has_coordinates(repair.company_id.partner_id))

    @api.depends(*COORDINATES)
    def _compute_qualirepar_distance_km(self):
        # With coordinates missing, the distance is left as entered by hand.
        for repair in self.filtered(lambda r: not r.qualirepar_distance_manual):
            shop, customer = repair.company_id.partner_id, repair.partner_id
            repair.qualirepar_distance_km = great_circle_km(
                shop.partner_latitude, shop.partner_longitude, customer.partner_latitude, customer.partner_longitude)

    @api.depends("qualirepar_intervention_type", "qualirepar_distance_km", "company_id.qualirepar_max_distance_km")
    def _compute_qualirepar_beyond_zone(self):
        for repair in self:
            repair.qualirepar_beyond_zone = (
                repair.qualirepar_intervention_type == "onsite"
                and repair.qualirepar_distance_km > repair.company_id.qualirepar_max_distance_km)

    def _qualirepar_check_distance(self):
        """Refuses to confirm an on-site repair beyond the declared zone without a reason (checked by
        action_validate and _action_repair_confirm)."""
        for repair in self.filtered(lambda r: r.state == "draft" and r.qualirepar_beyond_zone):
            if not (repair.qualirepar_distance_reason or "").strip():
                raise UserError(self.env._(
                    "%(repair)s: the customer is %(distance).1f km away, beyond the declared zone of "
                    "%(max).1f km. Give a reason for the distance before confirming this on-site repair.",
                    repair=repair.display_name, distance=repair.qualirepar_distance_km,
                    max=repair.company_id.qualirepar_max_distance_km))
