from odoo import _, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_view_case_report(self):
        """Open the statistics of the cases this user is responsible for."""
        self.ensure_one()
        # Any internal user may call this over RPC on a user it can read: the
        # statistics action refuses those who may not read the statistics.
        return self.env["crm.case.report"]._get_statistics_action(
            _("Cases of %(user)s", user=self.name),
            [("user_id", "=", self.id)],
            ["section_id"],
        )
