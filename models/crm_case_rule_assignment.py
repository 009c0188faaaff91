"""The rule action that assigns the cases by their section's method."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    act_assign = fields.Boolean(
        string="Assign by the Section's Method",
        help="Give the case to the member its section chooses (round robin or "
        "balanced, skipping members on leave or at their maximum of open "
        "cases). Sections in manual assignment leave the responsible as is.",
    )

    @api.constrains("act_assign", "act_user_id")
    def _check_act_assign(self):
        for rule in self:
            if rule.act_assign and rule.act_user_id:
                raise ValidationError(
                    _(
                        "The rule %(rule)s cannot both set the responsible and "
                        "assign by the section's method.",
                        rule=rule.name,
                    )
                )

    def _apply_actions(self, cases):
        # After the other actions: a section set by the rule chooses.
        result = super()._apply_actions(cases)
        if self.act_assign:
            cases._assign_by_section_method()
        return result
