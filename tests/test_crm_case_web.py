from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "crm_case", "crm_case_menu")
class TestCrmCaseWebClient(ScreenshotTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = mail_new_test_user(
            cls.env,
            login="web_manager",
            name="Web Manager",
            email="web.manager@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_manager",
        )
        cls.agent = mail_new_test_user(
            cls.env,
            login="web_agent",
            name="Web Agent",
            email="web.agent@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        Section = cls.env["crm.case.section"]
        cls.field_service = Section.create({"name": "Tour Field Service"})
        cls.views_section = Section.create({"name": "Views Section"})
        cls.meetings = Section.create({"name": "Views Meetings"})

    def test_menu_wizard_tour(self):
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_menu_wizard_tour", login="web_manager")
        lines = self.field_service.generated_menu_ids
        self.assertEqual(len(lines), 13)
        self.assertEqual(
            set(lines.action_id.mapped("view_mode")), {"list,form,calendar,kanban"}
        )
        case = self.env["crm.case"].search([("name", "=", "Tour visit")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.section_id, self.field_service)
        self.assertEqual(case.user_id, self.manager)
        self.assertNotEqual(case.date.date(), case.create_date.date())
        self._check_screenshots(shots, ["business_opportunities_menu"])

    def test_all_views_tour(self):
        partner = self.env["res.partner"].create({"name": "Views Customer"})
        now = fields.Datetime.now()
        printer = self.env["crm.case"].create(
            {
                "name": "Views printer",
                "section_id": self.views_section.id,
                "partner_id": partner.id,
                "user_id": self.manager.id,
                "priority": "2",
                "date_deadline": now - timedelta(days=3),
                "planned_revenue": 1200,
            }
        )
        printer.action_open()
        printer.activity_schedule(
            "mail.mail_activity_data_call",
            summary="Call the customer back",
            user_id=self.manager.id,
        )
        today = now.date()
        meetings = self.env["crm.case"].create(
            [
                {
                    "name": name,
                    "section_id": self.meetings.id,
                    "user_id": user.id,
                    "date": datetime.combine(today + timedelta(days=delta), time(hour)),
                    "duration": 1.5,
                }
                for name, user, delta, hour in (
                    ("Views meeting", self.manager, 0, 9),
                    ("Views standup", self.agent, 0, 14),
                    ("Views review", self.agent, 1, 10),
                    ("Views planning", self.manager, 2, 11),
                )
            ]
        )
        wizard = (
            self.env["crm.case.section.menu.create"]
            .with_user(self.manager)
            .create(
                {
                    "section_id": self.meetings.id,
                    "base_name": "Meetings",
                    "parent_menu_id": self.env.ref("crm_case.crm_case_menu_root").id,
                    "first_view": "calendar",
                }
            )
        )
        wizard.action_create_menus()
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_all_views_tour", login="web_manager")
        self._check_screenshots(shots, ["meeting_calendar"])
        # The meeting stretched in the week view lasts longer.
        meetings.invalidate_recordset()
        self.assertGreater(meetings[0].duration, 1.5)
