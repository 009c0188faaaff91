"""Service level policies: the targets a desk promises, in working hours."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_case import CASE_PRIORITIES

SLA_TARGET_TYPES = [
    ("first_response", "First Response"),
    ("resolution", "Resolution"),
]
# The fields of a policy that change which cases it applies to or their
# deadlines: writing one of them recomputes the statuses.
SLA_MATCHING_FIELDS = {
    "active",
    "company_id",
    "section_id",
    "include_subsections",
    "categ_ids",
    "priority_from",
    "priority_to",
    "partner_category_ids",
    "target_type",
    "target_hours",
    "at_risk_percent",
}


class CrmCaseSla(models.Model):
    _name = "crm.case.sla"
    _description = "Service Level Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    section_id = fields.Many2one(
        "crm.case.section",
        string="Section",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    include_subsections = fields.Boolean(
        string="Include Sub-Sections",
        help="The policy also applies to the cases of the sections below this one.",
    )
    categ_ids = fields.Many2many(
        "crm.case.categ",
        string="Categories",
        check_company=True,
        help="The policy applies to the cases of these categories; empty for any.",
    )
    # The same representation as the rules' criteria: a range of the ordered
    # priorities ("1" Highest ... "5" Lowest), each bound optional.
    priority_from = fields.Selection(
        CASE_PRIORITIES,
        string="Minimum Priority",
        help="The least urgent priority the policy applies to; empty for any.",
    )
    priority_to = fields.Selection(
        CASE_PRIORITIES,
        string="Maximum Priority",
        help="The most urgent priority the policy applies to; empty for any.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Partner Categories",
        help="The policy applies to the cases whose partner has one of these "
        "tags or one of their sub-tags; empty for any partner.",
    )
    target_type = fields.Selection(
        SLA_TARGET_TYPES,
        string="Target",
        required=True,
        default="first_response",
        help="First Response: the first message a user sends to the partner "
        "(Send Partner and Historize, a reply in the chatter or on the portal). "
        "Resolution: the case is closed.",
    )
    target_hours = fields.Float(
        string="Target (Working Hours)",
        required=True,
        default=8.0,
        help="Working hours of the section's calendar counted from the creation "
        "of the case, time spent Pending excluded.",
    )
    at_risk_percent = fields.Integer(
        string="At Risk From (%)",
        default=80,
        required=True,
        help="The case is shown at risk once this share of the target is used.",
    )
    status_ids = fields.One2many("crm.case.sla.status", "sla_id", string="Statuses")

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("target_hours", "at_risk_percent", "priority_from", "priority_to")
    def _check_targets(self):
        for sla in self:
            if sla.target_hours <= 0:
                raise ValidationError(
                    _(
                        "The target of the policy %(name)s must be more than "
                        "zero working hours.",
                        name=sla.name,
                    )
                )
            if not 1 <= sla.at_risk_percent <= 99:
                raise ValidationError(
                    _(
                        "The at-risk share of the policy %(name)s must be "
                        "between 1 and 99 percent.",
                        name=sla.name,
                    )
                )
            # A lower key is more urgent: the minimum is the larger key.
            if (
                sla.priority_from
                and sla.priority_to
                and (sla.priority_to > sla.priority_from)
            ):
                raise ValidationError(
                    _(
                        "The minimum priority of the policy %(name)s is more "
                        "urgent than its maximum priority.",
                        name=sla.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        slas = super().create(vals_list)
        slas._schedule_status_recompute()
        return slas

    def write(self, vals):
        matching = SLA_MATCHING_FIELDS & set(vals)
        if matching:
            # The cases the policy applied to before the change, too.
            self._schedule_status_recompute()
        result = super().write(vals)
        if matching:
            self._schedule_status_recompute()
        return result

    def unlink(self):
        cases = self.status_ids.case_id
        result = super().unlink()
        cases._sla_refresh_state()
        return result

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    def _get_section_ids(self):
        """The ids of the sections the policy covers."""
        self.ensure_one()
        if not self.include_subsections:
            return set(self.section_id.ids)
        return set(
            self.env["crm.case.section"]
            .with_context(active_test=False)
            ._search([("id", "child_of", self.section_id.id)])
        )

    def _get_partner_category_ids(self):
        """The partner tags the policy accepts: its own and their sub-tags."""
        self.ensure_one()
        if not self.partner_category_ids:
            return set()
        return set(
            self.env["res.partner.category"]
            .with_context(active_test=False)
            ._search([("id", "child_of", self.partner_category_ids.ids)])
        )

    def _schedule_status_recompute(self):
        """Recompute the statuses of the open cases of the policies' sections:
        at once when they are few, else by the rule cron in batches."""
        section_ids = set()
        for sla in self.sudo().with_context(active_test=False):
            section_ids |= sla._get_section_ids()
        if section_ids:
            self.env["crm.case"]._sla_schedule_sections(list(section_ids))
