from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import internal_user
from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "case_assignment")
class TestCrmCaseAssignmentTour(ScreenshotTourMixin, HttpCase):
    def test_manager_sets_the_assignment(self):
        internal_user(
            self.env, "desk_manager", "crm_case.group_crm_case_manager", tz="UTC"
        )
        members = internal_user(
            self.env, "desk_member_one", "crm_case.group_crm_case_user"
        ) | internal_user(self.env, "desk_member_two", "crm_case.group_crm_case_user")
        section = self.env["crm.case.section"].create(
            {
                "name": "Assign Desk",
                "code": "assign_desk",
                "member_ids": [fields.Command.set(members.ids)],
            }
        )
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour(
                "/odoo/action-crm_case.crm_case_section_action",
                "crm_case_assignment_tour",
                login="desk_manager",
            )
        self._check_screenshots(shots, ["section_assignment"])
        self.assertEqual(section.assign_method, "balanced")
        self.assertEqual(section.assign_max_open, 5)
        case = self.env["crm.case"].create(
            {"name": "After the tour", "section_id": section.id, "user_id": False}
        )
        self.assertIn(case.user_id, members)
