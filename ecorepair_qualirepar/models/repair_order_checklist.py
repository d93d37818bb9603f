from odoo import api, fields, models
from odoo.exceptions import UserError

from .qualirepar_access import FRONT_OFFICE, check_role


class RepairOrder(models.Model):
    """Check-in / check-out control points of the repair's fiche métier (F7, F20) and refused quotes (F21)."""

    _inherit = "repair.order"

    qualirepar_control_point_ids = fields.One2many(
        "qualirepar.control.point", "repair_id", string="Control points")
    qualirepar_checkin_point_ids = fields.One2many(
        "qualirepar.control.point", "repair_id", string="Check-in points", domain=[("phase", "=", "before")])
    qualirepar_checkout_point_ids = fields.One2many(
        "qualirepar.control.point", "repair_id", string="Check-out points", domain=[("phase", "=", "after")])
    qualirepar_checkin_progress = fields.Char(
        string="Check-in", compute="_compute_qualirepar_checklist_progress",
        help="Answered check-in points out of all of them, and how many answers are not compliant.")
    qualirepar_checkout_progress = fields.Char(
        string="Check-out", compute="_compute_qualirepar_checklist_progress",
        help="Answered check-out points out of all of them, and how many answers are not compliant.")
    qualirepar_checkin_noncompliant = fields.Integer(
        string="Non-compliant check-in points", compute="_compute_qualirepar_checklist_progress")
    qualirepar_checkout_noncompliant = fields.Integer(
        string="Non-compliant check-out points", compute="_compute_qualirepar_checklist_progress")
    qualirepar_checklist_notice = fields.Char(
        string="Why no control point", compute="_compute_qualirepar_checklist_notice",
        help="Why the repair has no check-in / check-out point yet.")
    qualirepar_refusal_notice = fields.Html(
        string="Risk notice", compute="_compute_qualirepar_refusal_notice",
        help="Sent to the customer who refuses the quote: the product category's notice, else the fiche's.")

    @api.depends("qualirepar_control_point_ids.is_answered", "qualirepar_control_point_ids.is_compliant",
                 "qualirepar_control_point_ids.phase")
    @api.depends_context("lang")
    def _compute_qualirepar_checklist_progress(self):
        for repair in self:
            for phase, field in (("before", "qualirepar_checkin"), ("after", "qualirepar_checkout")):
                points = repair.qualirepar_control_point_ids.filtered(lambda p, phase=phase: p.phase == phase)
                answered = points.filtered("is_answered")
                # An answer out of its bounds, or a "No", is answered but not compliant: said on the badge.
                noncompliant = len(answered.filtered(lambda p: not p.is_compliant))
                progress = f"{len(answered)}/{len(points)}"
                if noncompliant:
                    progress = self.env._("%(progress)s · %(count)s not compliant",
                                          progress=progress, count=noncompliant)
                repair[f"{field}_progress"] = progress
                repair[f"{field}_noncompliant"] = noncompliant

    @api.depends("product_id", "qualirepar_fiche_metier_id", "qualirepar_control_point_ids")
    @api.depends_context("lang")
    def _compute_qualirepar_checklist_notice(self):
        templates = self._qualirepar_applicable_templates()
        for repair in self:
            _ = self.env._
            fiche = repair.qualirepar_fiche_metier_id
            if repair.qualirepar_control_point_ids:
                notice = False
            elif not repair.product_id:
                notice = _("Choose the device: its check-in and check-out points come from its fiche métier.")
            elif not fiche:
                notice = _("The fiche métier of this device is not known (its product is not mapped to a product "
                           "type that gives it): choose it on the QualiRépar page to get its control points.")
            elif not templates.get(repair):
                notice = _("The fiche métier “%s” has no control point for this device: a QualiRépar manager "
                           "defines them in QualiRépar > Configuration > Control points.", fiche.display_name)
            elif not repair._origin and repair.state not in ("done", "cancel"):
                notice = _("Save the repair: the %(count)s check-in and check-out points of the fiche métier "
                           "“%(fiche)s” are then listed here.", count=len(templates[repair]),
                           fiche=fiche.display_name)
            else:
                notice = False
            repair.qualirepar_checklist_notice = notice

    @api.depends("product_id.categ_id", "qualirepar_fiche_metier_id")
    def _compute_qualirepar_refusal_notice(self):
        for repair in self:
            notices = repair.product_id.categ_id._qualirepar_lineage().filtered("qualirepar_risk_notice")
            repair.qualirepar_refusal_notice = (
                notices[:1].qualirepar_risk_notice or repair.qualirepar_fiche_metier_id.refusal_risk_notice)

    # Control points follow the fiche métier and the product (synchronised by create and write)
    def _qualirepar_checklist_key(self):
        return self.qualirepar_fiche_metier_id, self.product_id.categ_id, self.company_id

    def _qualirepar_applicable_templates(self):
        """{repair: the control point templates of its fiche métier, company and product category}."""
        Template = self.env["qualirepar.control.point.template"]
        templates = Template.search([
            ("fiche_metier_id", "in", self.qualirepar_fiche_metier_id.ids),
            ("company_id", "in", [False, *self.company_id.ids]),
        ]) if self.qualirepar_fiche_metier_id else Template
        result = {}
        for repair in self:
            lineage = repair.product_id.categ_id._qualirepar_lineage()
            result[repair] = templates.filtered(lambda t: t.fiche_metier_id == repair.qualirepar_fiche_metier_id
                                                and (not t.company_id or t.company_id == repair.company_id)
                                                and (not t.product_categ_id or t.product_categ_id in lineage))
        return result

    def _qualirepar_sync_control_points(self):
        """Add the points of the current templates, drop the unanswered points of templates that no longer apply."""
        repairs = self.filtered(lambda r: r.state not in ("done", "cancel"))
        templates = repairs._qualirepar_applicable_templates()
        for repair in repairs:
            applicable = templates[repair]
            points = repair.qualirepar_control_point_ids
            obsolete = points.filtered(lambda p: p.template_id and p.template_id not in applicable and not p.is_answered)
            missing = applicable - points.template_id
            obsolete.sudo().unlink()
            self.env["qualirepar.control.point"].create([template._control_point_vals(repair) for template in missing])

    # Blocking the repair's steps (checked by action_repair_start and action_repair_end)
    def _qualirepar_check_points(self, phase):
        """Refuse to start (``before``) or end (``after``) the repairs whose mandatory points of ``phase`` are
        unanswered or, after the repair, not compliant, naming these points."""
        for repair in self:
            failing = repair.qualirepar_control_point_ids.filtered(
                lambda p: p.mandatory and p.phase == phase
                and not (p.is_compliant if phase == "after" else p.is_answered))
            if not failing:
                continue
            if phase == "before":
                message = self.env._(
                    "The repair %(repair)s cannot start: these mandatory check-in points are not answered:",
                    repair=repair.name)
            else:
                message = self.env._(
                    "The repair %(repair)s cannot end: these mandatory check-out points are not answered "
                    "or not compliant:", repair=repair.name)
            raise UserError("\n".join([message, *(
                f"- {point.name}: {point._display_value()}" if point.is_answered else f"- {point.name}"
                for point in failing)]))

    # Refused quote (F21)
    def action_qualirepar_quote_refused(self):
        """Send the customer the risk notice of the device's family, cancel the quote and the repair."""
        check_role(self.env, FRONT_OFFICE)
        self.check_access("write")
        template = self.env.ref("ecorepair_qualirepar.mail_template_qualirepar_quote_refused")
        for repair in self:
            if not repair.sale_order_id:  # (cancelled already when the customer refuses it on the portal)
                raise UserError(self.env._(
                    "The repair %s has no quote to refuse: create the quote first, or cancel the repair.",
                    repair.name))
            if not repair.partner_id:
                raise UserError(self.env._("Set the customer of the repair %s to send the risk notice.", repair.name))
            repair.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.sale_order_id.filtered(lambda o: o.state != "cancel").with_context(
            disable_cancel_warning=True).action_cancel()
        self.filtered(lambda r: r.state != "cancel").action_repair_cancel()
        return True
