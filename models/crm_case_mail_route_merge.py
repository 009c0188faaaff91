"""The mail of a merged case goes to the case it was merged into."""

from odoo import api, models


class CrmCaseMailIntake(models.AbstractModel):
    _inherit = "crm.case.mail.intake"

    @api.model
    def _get_route_case_id(self, case_id):
        case_id = super()._get_route_case_id(case_id)
        # sudo: the gateway user may not read every case.
        case = self.env["crm.case"].sudo().browse(case_id).exists()
        return case._get_merge_target().id if case else case_id
