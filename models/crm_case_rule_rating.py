"""The "rated" trigger of the event rules: a customer rated the case, at
most so well."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

RATED_EVENT = "rated"


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    trg_state_to = fields.Selection(
        selection_add=[(RATED_EVENT, "Rated by the Customer")],
        ondelete={RATED_EVENT: "set null"},
    )
    trg_rating_max = fields.Integer(
        string="Maximum Rating",
        help="With the Rated trigger: fire only when the customer's rating is at "
        "most this score (1 dissatisfied, 3 okay, 5 satisfied); 0 for any rating.",
    )

    @api.constrains("trg_state_to", "trg_rating_max", "trg_date_type")
    def _check_trg_rating_max(self):
        for rule in self:
            if not 0 <= rule.trg_rating_max <= 5:
                raise ValidationError(
                    _(
                        "The maximum rating of the rule %(rule)s must be between 0 "
                        "and 5.",
                        rule=rule.name,
                    )
                )
            if rule.trg_state_to == RATED_EVENT and rule.trg_date_type != "none":
                raise ValidationError(
                    _(
                        "The rule %(rule)s fires when a customer rates a case: it "
                        "cannot also wait for a trigger date.",
                        rule=rule.name,
                    )
                )

    def _matches_state(self, case, event, previous_state):
        """A rating is no change of state: it fires only the rules made for it,
        and those only up to their maximum rating."""
        if (event == RATED_EVENT) != (self.trg_state_to == RATED_EVENT):
            return False
        if event == RATED_EVENT and self.trg_rating_max:
            # sudo: the rating fields are for employees; the rule reads the
            # score whoever triggered it (the customer on the rating page).
            if case.sudo().rating_last_value > self.trg_rating_max:
                return False
        return super()._matches_state(case, event, previous_state)
