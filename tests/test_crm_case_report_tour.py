from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install", "crm_case", "crm_case_report")
class TestCrmCaseReportTour(HttpCase):
    def test_statistics_drill_down(self):
        agent = mail_new_test_user(
            self.env,
            login="report_agent",
            name="Report Agent",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        section = self.env["crm.case.section"].create({"name": "Report Tour"})
        self.env["crm.case"].create(
            {
                "name": "Report tour case",
                "section_id": section.id,
                "user_id": agent.id,
                "planned_revenue": 900,
                "probability": 50,
            }
        )
        self.start_tour("/odoo", "crm_case_report_tour", login="report_agent")
