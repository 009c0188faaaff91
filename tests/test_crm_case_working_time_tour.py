from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin
from .working_time_common import make_calendar


@tagged("post_install", "-at_install", "crm_case_sla")
class TestCrmCaseWorkingTimeTour(ScreenshotTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        mail_new_test_user(
            cls.env,
            login="hours_manager",
            name="Hours Manager",
            email="hours.manager@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_manager",
        )
        cls.calendar = make_calendar(cls.env, "Support Brussels", "Europe/Brussels")
        Section = cls.env["crm.case.section"]
        cls.support = Section.create({"name": "Tour Support"})
        cls.level1 = Section.create(
            {"name": "Tour Support Level 1", "parent_id": cls.support.id}
        )

    def test_manager_sets_working_hours(self):
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour(
                f"/odoo/action-crm_case.crm_case_section_action/{self.support.id}",
                "crm_case_working_time_tour",
                login="hours_manager",
            )
        self.assertEqual(self.support.calendar_id, self.calendar)
        self.assertEqual(self.level1.effective_calendar_id, self.calendar)
        self._check_screenshots(shots, ["section_working_hours"])
