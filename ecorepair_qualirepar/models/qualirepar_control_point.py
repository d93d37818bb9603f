import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .qualirepar_control_point_template import KINDS, PHASES
from .repair_order import check_photo

VALUE_FIELD_OF_KIND = {"yes_no": "value_yes_no", "measure": "value_measure", "text": "value_text", "photo": "photo"}
VALUE_FIELDS = set(VALUE_FIELD_OF_KIND.values())
# Copied from the template: only managers may change them (a user could otherwise lift a mandatory point).
TEMPLATE_FIELDS = {"repair_id", "template_id", "name", "phase", "kind", "mandatory", "unit", "min_value", "max_value"}


class QualireparControlPoint(models.Model):
    """A control point of a repair and its answer (check-in before the repair, check-out after it)."""

    _name = "qualirepar.control.point"
    _description = "QualiRépar control point"
    _order = "repair_id, phase desc, sequence, id"

    repair_id = fields.Many2one("repair.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="repair_id.company_id", store=True, index=True)
    template_id = fields.Many2one("qualirepar.control.point.template", index=True, ondelete="set null")
    help_text = fields.Text(related="template_id.help_text", string="Instructions")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Control point", required=True, translate=True)
    phase = fields.Selection(PHASES, required=True, default="before")
    kind = fields.Selection(KINDS, required=True, default="yes_no")
    mandatory = fields.Boolean()
    unit = fields.Char()
    min_value = fields.Float(string="Minimum")
    max_value = fields.Float(string="Maximum")
    value_yes_no = fields.Selection([("yes", "Yes"), ("no", "No")], string="Yes / No")
    value_measure = fields.Float(string="Measurement")
    value_text = fields.Text(string="Text")
    photo = fields.Image(max_width=1920, max_height=1920)
    is_answered = fields.Boolean(string="Answered", compute="_compute_compliance", store=True)
    is_compliant = fields.Boolean(string="Compliant", compute="_compute_compliance", store=True)
    bounds = fields.Char(
        string="Compliant values", compute="_compute_bounds",
        help="The bounds within which a measurement is compliant, with its unit.")
    done_by_id = fields.Many2one("res.users", string="Checked by", readonly=True)
    done_date = fields.Datetime(string="Checked on", readonly=True)

    @api.depends("kind", "value_yes_no", "value_measure", "value_text", "photo", "min_value", "max_value",
                 "done_date")
    def _compute_compliance(self):
        for point in self:
            # A measurement of 0 is an answer: a measurement counts as answered once entered (done_date).
            point.is_answered = bool(point.done_date if point.kind == "measure"
                                     else point[VALUE_FIELD_OF_KIND[point.kind]])
            point.is_compliant = point.is_answered and (
                point.value_yes_no == "yes" if point.kind == "yes_no"
                else point.kind != "measure" or point._measure_within_bounds())

    @api.depends("kind", "min_value", "max_value", "unit")
    @api.depends_context("lang")
    def _compute_bounds(self):
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US") or self.env["res.lang"]._lang_get("en_US")
        for point in self:
            unit = f" {point.unit}" if point.unit else ""
            # In the reader's number format: "0,3 Ω" in French.
            low = f"{lang.format('%g', point.min_value, grouping=True)}{unit}"
            high = f"{lang.format('%g', point.max_value, grouping=True)}{unit}"
            if point.kind != "measure" or not (point.min_value or point.max_value):
                point.bounds = False
            elif point.min_value and point.max_value:
                point.bounds = self.env._("between %(low)s and %(high)s", low=low, high=high)
            elif point.min_value:
                point.bounds = self.env._("at least %s", low)
            else:
                point.bounds = self.env._("at most %s", high)

    def _measure_within_bounds(self):
        self.ensure_one()
        return ((not self.min_value or self.value_measure >= self.min_value)
                and (not self.max_value or self.value_measure <= self.max_value))

    @api.constrains("photo")
    def _check_photo(self):
        for point in self.with_context(bin_size=False).filtered("photo"):
            check_photo(self.env, base64.b64decode(point.photo),
                        self.env._("The photo of the control point “%s”", point.name))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group("ecorepair_qualirepar.group_qualirepar_manager"):
            # A point of a template (sent by the repair form, which lists them before the repair is saved) is
            # defined by its template, never by what the client sends: a user cannot lift a mandatory point.
            templates = self.env["qualirepar.control.point.template"].browse(
                {vals["template_id"] for vals in vals_list if vals.get("template_id")})
            definitions = {template.id: template._control_point_vals(self.env["repair.order"])
                           for template in templates.exists()}
            for vals in vals_list:
                definition = definitions.get(vals.get("template_id"))
                if definition:
                    vals.update({key: value for key, value in definition.items() if key != "repair_id"})
        points = super().create(vals_list)
        points.filtered("template_id")._copy_template_names()
        points.browse(
            point.id for point, vals in zip(points, vals_list) if VALUE_FIELDS & set(vals))._record_answer()
        return points

    def write(self, vals):
        if (TEMPLATE_FIELDS & set(vals) and not self.env.su
                and not self.env.user.has_group("ecorepair_qualirepar.group_qualirepar_manager")):
            raise AccessError(self.env._("Only QualiRépar managers can change the definition of a control point."))
        res = super().write(vals)
        if VALUE_FIELDS & set(vals):
            self._record_answer()
        return res

    def _copy_template_names(self):
        """A point of a template is named in every language of its template, not only in the language of whoever
        saved the repair: the technician, the report and the customer each read theirs. One statement copies the
        template's translations (the ORM writes one language at a time)."""
        if not self:
            return
        self.flush_recordset(["name", "template_id"])
        self.env.cr.execute("""
            UPDATE qualirepar_control_point point SET name = template.name
              FROM qualirepar_control_point_template template
             WHERE point.template_id = template.id AND point.id IN %s""", [tuple(self.ids)])
        self.invalidate_recordset(["name"])

    def _record_answer(self):
        """Who answered and when; cleared again when the answer is removed."""
        self.write({"done_by_id": self.env.uid, "done_date": fields.Datetime.now()})
        self.filtered(lambda p: not p.is_answered).write({"done_by_id": False, "done_date": False})

    def _display_value(self):
        """The answer as text, for messages and the report."""
        self.ensure_one()
        if not self.is_answered:
            return ""
        if self.kind == "measure":
            return f"{self.value_measure:g} {self.unit or ''}".strip()
        if self.kind == "photo":
            return self.env._("Photo")
        if self.kind == "yes_no":
            return dict(self._fields["value_yes_no"]._description_selection(self.env))[self.value_yes_no]
        return self.value_text
