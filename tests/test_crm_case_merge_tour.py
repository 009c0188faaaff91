from datetime import datetime

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "crm_case", "case_merge")
class TestCrmCaseMergeTour(ScreenshotTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = mail_new_test_user(
            cls.env,
            login="merge_agent",
            name="Merge Agent",
            email="merge.agent@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        section = cls.env["crm.case.section"].create({"name": "Merge Tour Support"})
        partner = cls.env["res.partner"].create(
            {"name": "Merge Tour Customer", "email": "customer@merge.example.com"}
        )
        Case = cls.env["crm.case"].with_user(cls.agent)
        cls.older = Case.create(
            {
                "name": "Merge tour: printer broken",
                "section_id": section.id,
                "partner_id": partner.id,
                "date": datetime(2026, 11, 2, 9, 0),
            }
        )
        cls.older.message_post(body="Printer hums", message_type="comment")
        cls.newer = Case.create(
            {
                "name": "Merge tour: blank pages",
                "section_id": section.id,
                "partner_id": partner.id,
                "description": "<p>Blank pages again</p>",
                "date": datetime(2026, 11, 3, 9, 0),
            }
        )

    def test_merge_two_cases_from_the_list(self):
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_merge_tour", login="merge_agent")
        self._check_screenshots(shots, ["case_merge"])
        self.assertEqual(self.newer.merged_into_id, self.older)
        self.assertEqual(self.newer.state, "cancel")
        self.assertEqual(self.older.merge_log_ids.user_id, self.agent)
