from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "crm_case", "crm_case_report")
class TestCrmCaseSlaReportTour(ScreenshotTourMixin, HttpCase):
    def test_sla_figures_drill_down(self):
        agent = mail_new_test_user(
            self.env,
            login="sla_report_agent",
            name="SLA Report Agent",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        section = self.env["crm.case.section"].create({"name": "SLA Tour Desk"})
        answer, fix = self.env["crm.case.sla"].create(
            [
                {
                    "name": "Answer in 4 h",
                    "section_id": section.id,
                    "target_type": "first_response",
                    "target_hours": 4,
                },
                {
                    "name": "Fix in 16 h",
                    "section_id": section.id,
                    "target_type": "resolution",
                    "target_hours": 16,
                },
            ]
        )
        # name, date, first response hours, resolution hours (None: running)
        specs = [
            ("SLA tour quick answer", datetime(2024, 1, 8, 9), 0.5, 6.0),
            ("SLA tour slow fix", datetime(2024, 1, 16, 10), 2.0, 22.0),
            ("SLA tour on time", datetime(2024, 1, 24, 14), 3.0, None),
            ("SLA tour late answer", datetime(2024, 2, 5, 9), 6.0, 12.0),
            ("SLA tour prompt", datetime(2024, 2, 12, 11), 1.0, 15.5),
            ("SLA tour waiting", datetime(2024, 2, 19, 16), None, None),
            ("SLA tour March", datetime(2024, 3, 4, 10), 1.5, 9.0),
            ("SLA tour March late", datetime(2024, 3, 11, 13), 4.5, None),
        ]
        Status = self.env["crm.case.sla.status"]
        for name, date, *hours_per_policy in specs:
            case = self.env["crm.case"].create(
                {
                    "name": name,
                    "section_id": section.id,
                    "user_id": agent.id,
                    "date": date,
                }
            )
            # The outcomes are set, not lived through: the figures are tested.
            case.sla_status_ids.unlink()
            for sla, hours in zip((answer, fix), hours_per_policy, strict=True):
                reached = hours is not None
                state = "ongoing"
                if reached:
                    state = "breached" if hours > sla.target_hours else "met"
                Status.create(
                    {
                        "case_id": case.id,
                        "sla_id": sla.id,
                        "deadline": date + timedelta(hours=sla.target_hours),
                        "state": state,
                        "reached_date": reached and date + timedelta(hours=hours),
                        "hours_taken": hours or 0.0,
                    }
                )
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_sla_report_tour", login=agent.login)
        self._check_screenshots(shots, ["sla_report_pivot"])
