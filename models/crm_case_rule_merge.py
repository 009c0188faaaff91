"""Rules see a merged case no more: only the case it was merged into."""

from odoo import models


class CrmCaseRule(models.Model):
    _inherit = "crm.case.rule"

    def _get_case_domain(self):
        # A merged case is cancelled, but not dropped: its conversation goes
        # on in its target. Rules on cancelled cases (a reminder, a mail to
        # the customer) must not act on it.
        return super()._get_case_domain() + [("merged_into_id", "=", False)]
