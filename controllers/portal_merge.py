from odoo import http
from odoo.http import request

from .portal import CrmCaseCustomerPortal


class CrmCaseMergePortal(CrmCaseCustomerPortal):
    @http.route()
    def portal_my_crm_case(self, case_id, access_token=None, **kwargs):
        """A merged case's page opens the case it was merged into, when the
        visitor may read that one; otherwise the merged case shows as is."""
        # sudo: whether the case is merged says nothing of its content.
        case = request.env["crm.case"].sudo().browse(case_id).exists()
        if case.merged_into_id:
            target = case._get_merge_target().with_user(request.env.user)
            if target.has_access("read"):
                return request.redirect(target.access_url)
        return super().portal_my_crm_case(case_id, access_token=access_token, **kwargs)
