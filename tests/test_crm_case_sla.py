from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .sla_common import T0, CrmCaseSlaCommon


@tagged("crm_case", "crm_case_sla")
class TestCrmCaseSla(CrmCaseSlaCommon):
    """Which policies a case gets, their deadlines and the cron's transitions."""

    def test_policy_matching_combinations(self):
        gold_parent = self.env["res.partner.category"].create({"name": "Contract"})
        gold = self.env["res.partner.category"].create(
            {"name": "Gold", "parent_id": gold_parent.id}
        )
        gold_partner = self.env["res.partner"].create(
            {"name": "Gold Customer", "category_id": [(6, 0, gold.ids)]}
        )
        other_company = self.env["res.company"].create({"name": "Other Company"})
        policies = {
            "level1": self._create_sla(name="level1"),
            "level2 tree": self._create_sla(
                name="level2 tree",
                section_id=self.section_level2.id,
                include_subsections=True,
            ),
            "level2 only": self._create_sla(
                name="level2 only", section_id=self.section_level2.id
            ),
            "fault": self._create_sla(
                name="fault", categ_ids=[(6, 0, self.categ_fault.ids)]
            ),
            "high or more": self._create_sla(name="high or more", priority_from="2"),
            "normal to high": self._create_sla(
                name="normal to high", priority_from="3", priority_to="2"
            ),
            "gold": self._create_sla(
                name="gold", partner_category_ids=[(6, 0, gold_parent.ids)]
            ),
            "sales": self._create_sla(name="sales", section_id=self.section_sales.id),
        }

        def names(case):
            return set(case.sla_status_ids.sla_id.mapped("name"))

        other_section = self.env["crm.case.section"].create(
            {"name": "Other desk", "code": "od", "company_id": other_company.id}
        )
        other_sla = self.Sla.create(
            {
                "name": "other company",
                "section_id": other_section.id,
                "target_hours": 4,
                "company_id": other_company.id,
            }
        )
        other_case = self.env["crm.case"].create(
            {"name": "Elsewhere", "section_id": other_section.id}
        )
        self.assertEqual(names(other_case), {"other company"})
        self.assertFalse(
            self.Sla.with_user(self.case_user).search([("id", "=", other_sla.id)]),
            "another company's policy is not seen",
        )
        common = {"level1", "level2 tree"}
        plain = self._create_case(priority="4")
        self.assertEqual(names(plain), common)
        self.assertEqual(
            names(self._create_case(categ_id=self.categ_fault.id, priority="4")),
            common | {"fault"},
        )
        self.assertEqual(
            names(self._create_case(priority="1")), common | {"high or more"}
        )
        self.assertEqual(
            names(self._create_case(priority="2")),
            common | {"high or more", "normal to high"},
        )
        self.assertEqual(
            names(self._create_case(priority="3")), common | {"normal to high"}
        )
        self.assertEqual(
            names(self._create_case(partner_id=gold_partner.id, priority="5")),
            common | {"gold"},
            "a sub-tag of the policy's partner tag",
        )
        level2 = self._create_case(section_id=self.section_level2.id, priority="4")
        self.assertEqual(names(level2), {"level2 tree", "level2 only"})
        self.assertEqual(
            names(self._create_case(section_id=self.section_sales.id, priority="4")),
            {"sales"},
        )

        # Changing the case re-matches its policies.
        plain.write({"priority": "1", "partner_id": gold_partner.id})
        self.assertEqual(names(plain), common | {"high or more", "gold"})
        # Changing a policy re-matches the cases.
        policies["level1"].with_user(self.case_manager).active = False
        self.assertEqual(names(plain), {"level2 tree", "high or more", "gold"})
        policies["fault"].with_user(self.case_manager).categ_ids = [(5, 0, 0)]
        self.assertIn("fault", names(plain))

    def test_deadline_in_working_hours_across_a_weekend(self):
        sla = self._create_sla(target_hours=4, at_risk_percent=75)
        # Friday 15:00: two working hours on Friday, two on Monday.
        case = self._case_at(datetime(2026, 5, 8, 15, 0))
        status = self._status(case, sla)
        self.assertEqual(status.deadline, datetime(2026, 5, 11, 10, 0))
        self.assertEqual(status.at_risk_date, datetime(2026, 5, 11, 9, 0))
        self.assertEqual(status.state, "ongoing")
        self.assertEqual(case.sla_state, "ongoing")
        self.assertEqual(status.target_type, "first_response")

    def test_cron_moves_statuses_on_time_at_risk_breached(self):
        sla = self._create_sla(target_hours=4)
        case = self._case_at(T0)
        status = self._status(case, sla)
        # 80 % of 4 h: 3 h 12 min, lunch excluded.
        self.assertEqual(status.at_risk_date, datetime(2026, 5, 4, 13, 12))
        self.assertEqual(status.deadline, datetime(2026, 5, 4, 14, 0))
        self._cron_at(datetime(2026, 5, 4, 13, 11))
        self.assertEqual(status.state, "ongoing")
        self._cron_at(datetime(2026, 5, 4, 13, 12))
        self.assertEqual(status.state, "at_risk")
        self.assertEqual(case.sla_state, "at_risk")
        self.assertEqual(
            self.env["crm.case"].search([("sla_state", "=", "at_risk")]), case
        )
        self._cron_at(datetime(2026, 5, 4, 14, 0))
        self.assertEqual(status.state, "breached")
        self.assertEqual(case.sla_state, "breached")
        # Answered late: breached for good, with the time it took.
        self._at(datetime(2026, 5, 4, 15, 0), self._reply, case)
        self.assertEqual(status.state, "breached")
        self.assertEqual(status.reached_date, datetime(2026, 5, 4, 15, 0))
        self.assertAlmostEqual(status.hours_taken, 5.0)

    def _reply(self, case):
        case.with_user(self.case_user).message_post(
            body="We are on it.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def test_resolution_met_reopened_and_closed_late(self):
        sla = self._create_sla(target_type="resolution", target_hours=8)
        case = self._case_at(T0)
        status = self._status(case, sla)
        self.assertEqual(status.deadline, datetime(2026, 5, 5, 9, 0))
        self._at(T0, case.action_open)
        self._at(datetime(2026, 5, 4, 16, 0), case.action_close)
        self.assertEqual(status.state, "met")
        self.assertAlmostEqual(status.hours_taken, 6.0)
        self.assertEqual(case.sla_state, "met")
        # Reopened: the clock goes on, the deadline stays.
        self._at(datetime(2026, 5, 5, 8, 30), case.action_draft)
        self.assertEqual(status.state, "at_risk")
        self.assertFalse(status.reached_date)
        self.assertEqual(status.deadline, datetime(2026, 5, 5, 9, 0))
        self._at(datetime(2026, 5, 5, 8, 30), case.action_open)
        self._at(datetime(2026, 5, 5, 10, 0), case.action_close)
        self.assertEqual(status.state, "breached")
        self.assertAlmostEqual(status.hours_taken, 9.0)

    def test_cancelled_case_leaves_its_running_policies(self):
        sla = self._create_sla()
        case = self._case_at(T0)
        self._at(T0, case.action_cancel)
        self.assertFalse(self._status(case, sla))
        self.assertFalse(case.sla_state)
        self._at(T0, case.action_draft)
        self.assertEqual(self._status(case, sla).state, "ongoing")

    def test_pending_pause_spanning_a_night(self):
        sla = self._create_sla(target_hours=4)
        # Monday 16:00: one hour on Monday, then Tuesday 8:00 to 11:00.
        case = self._case_at(datetime(2026, 5, 4, 16, 0))
        status = self._status(case, sla)
        self.assertEqual(status.deadline, datetime(2026, 5, 5, 11, 0))
        self._at(datetime(2026, 5, 4, 16, 0), case.action_open)
        self._at(datetime(2026, 5, 4, 16, 30), case.action_pending)
        self.assertFalse(status.deadline, "the clock waits for the partner")
        self._cron_at(datetime(2026, 5, 5, 12, 0))
        self.assertEqual(status.state, "ongoing", "frozen while pending")
        # Back on Tuesday 10:00: 30 minutes used, 3 h 30 left.
        self._at(datetime(2026, 5, 5, 10, 0), case.action_open)
        self.assertEqual(status.deadline, datetime(2026, 5, 5, 14, 30))
        self.assertEqual(status.state, "ongoing")

    def test_escalation_to_a_section_with_another_calendar(self):
        self.section_level2.calendar_id = self._create_calendar(
            "Expert desk (UTC)", "UTC", [(6, 22)]
        )
        sla = self._create_sla(
            section_id=self.section_level2.id, include_subsections=True
        )
        case = self._case_at(datetime(2026, 5, 4, 16, 0))
        self.assertEqual(self._status(case, sla).deadline, datetime(2026, 5, 5, 11, 0))
        self._at(datetime(2026, 5, 4, 16, 0), case.action_open)
        self._at(datetime(2026, 5, 4, 16, 30), case.action_escalate)
        self.assertEqual(case.section_id, self.section_level2)
        # The same start, counted in the expert desk's hours: 16:00 to 20:00.
        self.assertEqual(self._status(case, sla).deadline, datetime(2026, 5, 4, 20, 0))

    def test_calendar_change_recomputes_through_the_batch_path(self):
        self.env["ir.config_parameter"].set_param("crm_case.sla_batch_size", "1")
        sla = self._create_sla(target_hours=4)
        cases = self._case_at(T0) | self._case_at(T0, name="second")
        statuses = cases.sla_status_ids
        self.assertEqual(statuses.mapped("deadline"), [datetime(2026, 5, 4, 14, 0)] * 2)
        # A public holiday on Monday, after the deadlines were set.
        with self.mock_datetime_and_now(T0):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Public holiday",
                    "calendar_id": self.office.id,
                    "date_from": datetime(2026, 5, 4, 0, 0),
                    "date_to": datetime(2026, 5, 4, 23, 59),
                }
            )
        self.assertEqual(cases.mapped("sla_dirty"), [True, True], "left to the cron")
        self.assertEqual(statuses.mapped("deadline"), [datetime(2026, 5, 4, 14, 0)] * 2)
        cron = self.env.ref("crm_case.ir_cron_check_case_rules")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the cron is asked to run soon",
        )
        self._cron_at(T0)
        self.assertEqual(cases.mapped("sla_dirty"), [False, False])
        self.assertEqual(
            cases.sla_status_ids.filtered(lambda s: s.sla_id == sla).mapped("deadline"),
            [datetime(2026, 5, 5, 12, 0)] * 2,
        )
        # The section gets other working hours: recomputed at once for few cases.
        self.env["ir.config_parameter"].set_param("crm_case.sla_batch_size", "500")
        with self.mock_datetime_and_now(T0):
            self.section_level1.calendar_id = False
        self.assertEqual(
            cases.sla_status_ids.mapped("deadline"), [datetime(2026, 5, 4, 13, 0)] * 2
        )

    # ------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------

    @mute_logger("odoo.sql_db")
    def test_invalid_policies_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "more than zero"):
            self._create_sla(target_hours=0)
        with self.assertRaisesRegex(ValidationError, "between 1 and 99"):
            self._create_sla(at_risk_percent=100)
        with self.assertRaisesRegex(ValidationError, "minimum priority"):
            self._create_sla(priority_from="2", priority_to="4")

    def test_users_read_policies_managers_write(self):
        sla = self._create_sla()
        self.assertEqual(sla.with_user(self.case_user).name, "Answer within 4 hours")
        with self.assertRaises(AccessError):
            self.Sla.with_user(self.case_user).create(
                {
                    "name": "Mine",
                    "section_id": self.section_level1.id,
                    "target_hours": 1,
                }
            )
        with self.assertRaises(AccessError):
            sla.with_user(self.case_user).target_hours = 100
        status = self._create_case().sla_status_ids
        self.assertEqual(status.with_user(self.case_user).state, "ongoing")
        with self.assertRaises(AccessError):
            status.with_user(self.case_user).write({"state": "met"})

    def test_policy_form(self):
        form = Form(self.Sla.with_user(self.case_manager))
        form.name = "Resolve within two days"
        form.section_id = self.section_level2
        form.include_subsections = True
        form.target_type = "resolution"
        form.target_hours = 16
        sla = form.save()
        self.assertEqual(sla.at_risk_percent, 80)
        case = self._case_at(T0)
        self.assertEqual(self._status(case, sla).deadline, datetime(2026, 5, 6, 9, 0))
