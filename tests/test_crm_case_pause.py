from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .working_time_common import WorkingTimeCommon, utc


@tagged("post_install", "-at_install", "crm_case_sla")
class TestCrmCasePause(WorkingTimeCommon):
    """A case's clock pauses while it is Pending, whatever moves it there."""

    def _open_case(self, when):
        with freeze_time(when):
            case = self._create_case()
            case.action_open()
        return case

    def test_pending_opens_and_leaving_closes_a_pause(self):
        case = self._open_case(utc(2026, 3, 9, 8, 0))
        self.assertFalse(case.pause_ids)
        with freeze_time(utc(2026, 3, 9, 15, 0)):
            case.action_pending()
        self.assertEqual(len(case.pause_ids), 1)
        self.assertEqual(case.pause_ids.date_start, utc(2026, 3, 9, 15, 0))
        self.assertFalse(case.pause_ids.date_end)
        with freeze_time(utc(2026, 3, 10, 10, 0)):
            self.assertAlmostEqual(case.paused_hours, 19.0)
            case.action_open()
        self.assertEqual(case.pause_ids.date_end, utc(2026, 3, 10, 10, 0))
        with freeze_time(utc(2026, 3, 12, 10, 0)):
            case.invalidate_recordset(["paused_hours"])
            self.assertAlmostEqual(case.paused_hours, 19.0)
            case.action_pending()
        with freeze_time(utc(2026, 3, 12, 12, 0)):
            case.action_close()
        self.assertEqual(
            case._get_pause_intervals(),
            {
                case.id: [
                    (utc(2026, 3, 9, 15, 0), utc(2026, 3, 10, 10, 0)),
                    (utc(2026, 3, 12, 10, 0), utc(2026, 3, 12, 12, 0)),
                ]
            },
        )
        case.invalidate_recordset(["paused_hours"])
        self.assertAlmostEqual(case.paused_hours, 21.0)

    def test_direct_state_writes_are_paused_too(self):
        cases = self._create_case() | self._create_case() | self._create_case()
        cases.sudo().write({"state": "pending"})
        self.assertEqual(len(cases.pause_ids), 3)
        # Writing Pending again does not open a second pause.
        cases[0].sudo().write({"state": "pending"})
        self.assertEqual(len(cases[0].pause_ids), 1)
        cases[:2].sudo().write({"state": "cancel"})
        self.assertTrue(all(cases[:2].pause_ids.mapped("date_end")))
        self.assertFalse(cases[2].pause_ids.date_end)
        created_pending = self.env["crm.case"].create(
            {
                "name": "Waiting",
                "section_id": self.section_level1.id,
                "state": "pending",
            }
        )
        self.assertEqual(len(created_pending.pause_ids), 1)

    def test_rule_setting_pending_pauses_the_case(self):
        self.env["crm.case.rule"].search([]).active = False
        self.env["crm.case.rule"].create(
            {
                "name": "Wait for the partner",
                "trg_state_to": "open",
                "act_state": "pending",
            }
        )
        case = self._create_case()
        case.action_open()
        self.assertEqual(case.state, "pending")
        self.assertEqual(len(case.pause_ids), 1)
        self.assertFalse(case.pause_ids.date_end)

    def test_rule_on_creation_setting_pending_opens_one_pause(self):
        self.env["crm.case.rule"].search([]).active = False
        self.env["crm.case.rule"].create(
            {"name": "Park new cases", "trg_state_to": "draft", "act_state": "pending"}
        )
        cases = self._create_case() | self.env["crm.case"].create(
            {
                "name": "Waiting",
                "section_id": self.section_level1.id,
                "state": "pending",
            }
        )
        self.assertEqual(cases.mapped("state"), ["pending", "pending"])
        self.assertEqual(len(cases.pause_ids), 2)
        self.assertEqual(cases.pause_ids.case_id, cases)

    def test_pause_intervals_of_many_cases_in_one_query(self):
        cases = self._create_case() | self._create_case() | self._create_case()
        with freeze_time(utc(2026, 3, 9, 8, 0)):
            cases[:2].action_open()
            cases[:2].action_pending()
        self.env.flush_all()
        with self.assertQueryCount(1):
            intervals = cases._get_pause_intervals()
        self.assertEqual(
            intervals,
            {case.id: [(utc(2026, 3, 9, 8, 0), None)] for case in cases[:2]},
        )

    def test_pauses_are_read_only_for_users(self):
        case = self._create_case()
        case.action_open()
        case.action_pending()
        pause = case.pause_ids.with_user(self.case_user)
        self.assertEqual(pause.date_start, case.pause_ids.date_start)
        with self.assertRaises(AccessError):
            pause.write({"date_end": utc(2026, 1, 1)})
        with self.assertRaises(AccessError):
            self.env["crm.case.pause"].with_user(self.internal_user).search([])

    def test_other_company_sees_no_pause(self):
        case = self._create_case()
        case.action_open()
        case.action_pending()
        company_b = self.env["res.company"].create({"name": "Pause Company B"})
        manager_b = mail_new_test_user(
            self.env,
            login="pause_manager_b",
            groups="base.group_user,crm_case.group_crm_case_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        self.assertEqual(case.pause_ids.company_id, self.company)
        Pause = self.env["crm.case.pause"]
        self.assertFalse(
            Pause.with_user(manager_b).search([("id", "=", case.pause_ids.id)])
        )
        with self.assertRaises(AccessError):
            case.pause_ids.with_user(manager_b).write({"date_end": utc(2026, 1, 1)})
        self.assertEqual(
            Pause.with_user(self.case_manager).search([("case_id", "=", case.id)]),
            case.pause_ids,
        )

    def test_paused_time_on_the_case_form(self):
        case = self._open_case(utc(2026, 3, 9, 8, 0))
        with freeze_time(utc(2026, 3, 9, 9, 0)):
            case.action_pending()
        with freeze_time(utc(2026, 3, 9, 11, 30)):
            form = Form(case.with_user(self.case_user))
            self.assertAlmostEqual(form.paused_hours, 2.5)


@tagged("post_install", "-at_install", "crm_case_sla")
class TestCrmCaseSectionCalendar(WorkingTimeCommon):
    """Working hours set on a section apply down its tree."""

    def test_effective_calendar_follows_the_tree(self):
        child = self.section_level1  # its parent is section_level2
        self.assertFalse(child.effective_calendar_id, "around the clock")
        self.section_level2.calendar_id = self.brussels
        self.assertEqual(child.effective_calendar_id, self.brussels)
        grandchild = self.env["crm.case.section"].create(
            {"name": "Level 0", "parent_id": child.id}
        )
        self.assertEqual(grandchild.effective_calendar_id, self.brussels)
        child.calendar_id = self.tokyo
        self.assertEqual(grandchild.effective_calendar_id, self.tokyo)
        self.assertEqual(self.section_level2.effective_calendar_id, self.brussels)
        grandchild.parent_id = self.section_sales
        self.assertFalse(grandchild.effective_calendar_id)
        self.section_level2.calendar_id = False
        self.assertFalse(self.section_level2.effective_calendar_id)
        self.assertEqual(child.effective_calendar_id, self.tokyo)

    def test_manager_sets_working_hours_on_the_form(self):
        with Form(self.section_level1.with_user(self.case_manager)) as form:
            form.calendar_id = self.new_york
        self.assertEqual(self.section_level1.effective_calendar_id, self.new_york)

    def test_user_cannot_set_working_hours(self):
        with self.assertRaises(AccessError):
            self.section_level1.with_user(self.case_user).calendar_id = self.tokyo
