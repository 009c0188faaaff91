from odoo import _, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_view_case_report(self):
        """Open the statistics of the cases this user is responsible for."""
        self.ensure_one()
        # Any internal user may call this over RPC on a user it can read:
        # refuse those who may not read the statistics, as the form hides it.
        self.env["crm.case.report"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_case.crm_case_report_action"
        )
        action.update(
            name=_("Cases of %(user)s", user=self.name),
            domain=[("user_id", "=", self.id)],
            context={"pivot_row_groupby": ["section_id"]},
        )
        return action
