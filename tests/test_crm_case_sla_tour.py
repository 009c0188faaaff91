from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "crm_case", "crm_case_sla")
class TestCrmCaseSlaTour(ScreenshotTourMixin, HttpCase):
    """A manager defines a policy in the web client; its cases show at risk,
    then breached and escalated by a rule; the portal shows the promise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.case.sla"].search([]).active = False
        cls.env["crm.case.rule"].search([]).active = False
        cls.manager = mail_new_test_user(
            cls.env,
            login="sla_manager",
            name="SLA Manager",
            email="sla.manager@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_manager",
        )
        cls.agent = mail_new_test_user(
            cls.env,
            login="sla_agent",
            name="SLA Agent",
            email="sla.agent@example.com",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        Section = cls.env["crm.case.section"]
        # No working hours: around the clock, whatever the hour of the run.
        cls.level2 = Section.create({"name": "Tour SLA Level 2", "code": "tsl2"})
        cls.level1 = Section.create(
            {"name": "Tour SLA Level 1", "code": "tsl1", "parent_id": cls.level2.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour.customer@example.com"}
        )
        cls.rule = cls.env["crm.case.rule"].create(
            {
                "name": "Escalate breached cases",
                "trg_date_type": "sla",
                "trg_sla_event": "breached",
                "trg_section_id": cls.level1.id,
                "trg_section_child": False,
                "act_section_id": cls.level2.id,
            }
        )

    def _patch_create_dates(self, cases, hours):
        # The database clock stamps create_date: move it back by hand.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_case SET create_date = now() at time zone 'UTC' - "
            "%s * interval '1 hour' WHERE id IN %s",
            (hours, tuple(cases.ids)),
        )
        cases.invalidate_recordset(["create_date"])

    def test_policy_at_risk_then_breached_and_escalated(self):
        late = self.env["crm.case"].create(
            {"name": "Tour printer on fire", "section_id": self.level1.id}
        )
        fresh = self.env["crm.case"].create(
            {"name": "Tour fresh question", "section_id": self.level1.id}
        )
        self._patch_create_dates(late, 9)
        self._patch_create_dates(fresh, 1)
        self.start_tour("/odoo", "crm_case_sla_policy_tour", login="sla_manager")
        policy = self.env["crm.case.sla"].search(
            [("name", "=", "Tour answer within 10 hours")]
        )
        self.assertEqual(policy.target_hours, 10)
        self.assertEqual(late.sla_state, "at_risk")
        self.assertEqual(fresh.sla_state, "ongoing")

        # Two hours later the rule cron runs: the late case is breached.
        with freeze_time(fields.Datetime.now() + timedelta(hours=2)):
            self.env["crm.case.rule"]._cron_check()
        self.assertEqual(late.section_id, self.level2)
        self.assertEqual(late.rule_log_ids.rule_id, self.rule)
        self.assertEqual(fresh.section_id, self.level1)
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_sla_breach_tour", login="sla_manager")
        self._check_screenshots(shots, ["sla_policy"])

    def test_portal_shows_the_answer_expected_and_a_user_answers(self):
        self.env["crm.case.sla"].create(
            {
                "name": "Answer within 4 hours",
                "section_id": self.level1.id,
                "target_hours": 4,
            }
        )
        portal_user = mail_new_test_user(
            self.env,
            login="sla_portal",
            name="Tour Customer",
            email=self.customer.email,
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        case = self.env["crm.case"].create(
            {
                "name": "Tour scanner",
                "section_id": self.level1.id,
                "partner_id": portal_user.partner_id.id,
            }
        )
        deadline = case.sla_status_ids.deadline
        self.authenticate("sla_portal", "sla_portal")
        page = self.url_open(f"/my/cases/{case.id}").text
        self.assertIn("Answer expected by", page)
        self.assertIn(str(deadline.year), page.split("Answer expected by")[1][:200])

        # A user answers from the portal page's chatter: the first response.
        self.authenticate("sla_agent", "sla_agent")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "crm.case",
                "thread_id": case.id,
                "post_data": {
                    "body": "We send a technician tomorrow.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        case.invalidate_recordset()
        self.assertTrue(case.date_first_response)
        self.assertEqual(case.sla_status_ids.state, "met")
        self.authenticate("sla_portal", "sla_portal")
        self.assertNotIn(
            "Answer expected by", self.url_open(f"/my/cases/{case.id}").text
        )
