from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .working_time_common import WorkingTimeCommon, make_calendar, utc

# Friday 6 March 2026, 15:00 in Brussels (UTC+1).
FRIDAY_15H = utc(2026, 3, 6, 14, 0)


@tagged("post_install", "-at_install", "crm_case_sla")
class TestCrmCaseRuleWorkingTime(WorkingTimeCommon):
    """Time rules whose delay counts the working time of the case's section.

    The sections' calendars work 9:00-17:00 on weekdays, 8 h a day.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm.case.rule"]
        # Rules of other tests or demo data must not interfere.
        cls.Rule.search([]).active = False
        cls.section_level1.calendar_id = cls.brussels

    def _rule(self, delay, range_type, **values):
        """A time rule on the case date that sets the highest priority."""
        return self.Rule.create(
            {
                "name": f"{delay} {range_type}",
                "trg_date_type": "date",
                "trg_date_range": delay,
                "trg_date_range_type": range_type,
                "act_priority": "1",
                **values,
            }
        )

    def _case(self, date, section=None):
        case = self._create_case(
            date=date, section_id=(section or self.section_level1).id
        )
        case.action_open()
        return case

    def _check(self, rule, when):
        """Run the rule as the cron does at ``when``; the ids of its firings."""
        with freeze_time(when):
            rule._check_time_rules()
        return self.env["crm.case.rule.log"].search([("rule_id", "=", rule.id)])

    def test_working_days_skip_the_weekend(self):
        rule = self._rule(2, "working_day")
        calendar_rule = self._rule(2, "day", act_priority="2")
        case = self._case(FRIDAY_15H)
        # 2 h on Friday, 8 h on Monday, 6 h on Tuesday: Tuesday 15:00.
        self.assertFalse(self._check(rule, utc(2026, 3, 8, 14, 0)))
        self.assertEqual(
            self._check(calendar_rule, utc(2026, 3, 8, 14, 0)).case_id, case
        )
        self.assertFalse(self._check(rule, utc(2026, 3, 10, 13, 59)))
        logs = self._check(rule, utc(2026, 3, 10, 14, 0))
        self.assertEqual(logs.case_id, case)
        self.assertEqual(logs.trigger_date, FRIDAY_15H, "claimed on the case date")
        self.assertEqual(case.priority, "1")

    def test_public_holiday_pushes_the_delay(self):
        rule = self._rule(2, "working_day")
        case = self._case(FRIDAY_15H)
        self.add_public_holiday(utc(2026, 3, 8, 23, 0), utc(2026, 3, 9, 23, 0))
        self.assertFalse(self._check(rule, utc(2026, 3, 10, 14, 0)))
        self.assertEqual(self._check(rule, utc(2026, 3, 11, 14, 0)).case_id, case)

    def test_pending_over_a_night_delays_the_rule(self):
        rule = self._rule(10, "working_hour")
        monday_9h = utc(2026, 3, 9, 8, 0)
        case = self._case(monday_9h)
        waiting = self._case(monday_9h)
        with freeze_time(utc(2026, 3, 9, 15, 0)):
            waiting.action_pending()
        with freeze_time(utc(2026, 3, 10, 10, 0)):
            waiting.action_open()
        # Without the pause: Tuesday 11:00 local; 3 working hours later with it.
        self.assertEqual(self._check(rule, utc(2026, 3, 10, 10, 0)).case_id, case)
        self.assertEqual(self._check(rule, utc(2026, 3, 10, 12, 59)).case_id, case)
        self.assertEqual(
            self._check(rule, utc(2026, 3, 10, 13, 0)).case_id, case | waiting
        )

    def test_still_pending_never_comes_due(self):
        rule = self._rule(4, "working_hour", trg_state_to="pending")
        case = self._case(utc(2026, 3, 9, 8, 0))
        with freeze_time(utc(2026, 3, 9, 9, 0)):
            case.action_pending()
        self.assertFalse(self._check(rule, utc(2026, 3, 20, 8, 0)))

    def test_daylight_saving_change(self):
        rule = self._rule(2, "working_hour")
        # Friday 27 March 16:00 CET; Monday 30 March is in CEST (UTC+2).
        case = self._case(utc(2026, 3, 27, 15, 0))
        self.assertFalse(self._check(rule, utc(2026, 3, 30, 7, 59)))
        self.assertEqual(self._check(rule, utc(2026, 3, 30, 8, 0)).case_id, case)

    def test_time_zones_of_the_calendars_not_the_user(self):
        tokyo = self.env["crm.case.section"].create(
            {"name": "Tokyo", "calendar_id": self.tokyo.id}
        )
        new_york = self.env["crm.case.section"].create(
            {"name": "New York", "calendar_id": self.new_york.id}
        )
        rule = self._rule(1, "working_hour")
        # Wednesday 4 March 00:00 UTC: 9:00 in Tokyo, 19:00 the day before in
        # New York.
        in_tokyo = self._case(utc(2026, 3, 4), tokyo)
        in_new_york = self._case(utc(2026, 3, 4), new_york)
        self.case_manager.tz = "Pacific/Auckland"
        manager_rule = rule.with_user(self.case_manager)
        with freeze_time(utc(2026, 3, 4, 1, 0)):
            manager_rule.action_run_now()
        self.assertEqual(rule.log_ids.case_id, in_tokyo)
        with freeze_time(utc(2026, 3, 4, 14, 59)):
            manager_rule.action_run_now()
        self.assertEqual(rule.log_ids.case_id, in_tokyo)
        with freeze_time(utc(2026, 3, 4, 15, 0)):
            manager_rule.action_run_now()
        self.assertEqual(rule.log_ids.case_id, in_tokyo | in_new_york)

    def test_fires_once_whatever_moves_the_deadline(self):
        rule = self._rule(16, "working_hour")
        case = self._case(FRIDAY_15H)
        self.assertEqual(len(self._check(rule, utc(2026, 3, 10, 14, 0))), 1)
        # Pending after the firing, and shorter working hours: the delay now
        # ends on Thursday 13:00 local; it already fired for this case date.
        with freeze_time(utc(2026, 3, 10, 15, 0)):
            case.action_pending()
        with freeze_time(utc(2026, 3, 11, 9, 0)):
            case.action_open()
        self.section_level1.calendar_id = make_calendar(
            self.env, "Mornings", "Europe/Brussels", hour_from=9, hour_to=13
        )
        self.assertEqual(len(self._check(rule, utc(2026, 3, 12, 12, 0))), 1)
        self.assertEqual(len(self._check(rule, utc(2026, 3, 20, 12, 0))), 1)
        # A new case date is a new trigger: 16 morning hours after Monday
        # 23 March 9:00 local end on Thursday 26 March 13:00 local.
        case.date = utc(2026, 3, 23, 8, 0)
        self.assertEqual(len(self._check(rule, utc(2026, 3, 26, 11, 59))), 1)
        logs = self._check(rule, utc(2026, 3, 26, 12, 0))
        self.assertEqual(len(logs), 2)
        self.assertEqual(
            set(logs.mapped("trigger_date")), {FRIDAY_15H, utc(2026, 3, 23, 8, 0)}
        )

    def test_escalation_follows_the_new_section_calendar(self):
        self.section_level2.calendar_id = self.tokyo
        rule = self._rule(4, "working_hour")
        # Friday 23:00 in Tokyo: 4 h on Monday from 9:00 Tokyo, 00:00 UTC.
        escalated = self._case(FRIDAY_15H)
        stayed = self._case(FRIDAY_15H)
        escalated.action_escalate()
        self.assertEqual(escalated.section_id, self.section_level2)
        self.assertEqual(self._check(rule, utc(2026, 3, 9, 4, 0)).case_id, escalated)
        self.assertEqual(
            self._check(rule, utc(2026, 3, 9, 10, 0)).case_id, escalated | stayed
        )

    def test_only_cases_due_after_activation(self):
        # Due on Tuesday 15:00 local, before the rule is switched on.
        case = self._case(FRIDAY_15H)
        with freeze_time(utc(2026, 3, 10, 15, 0)):
            rule = self._rule(2, "working_day", only_new_cases=True)
        # Due on Tuesday 17:00 local, after.
        later = self._case(utc(2026, 3, 9, 8, 0))
        self.assertEqual(self._check(rule, utc(2026, 3, 11, 8, 0)).case_id, later)
        self.assertNotIn(case, rule.log_ids.case_id)

    def test_preview_lists_the_due_cases(self):
        rule = self._rule(2, "working_day")
        case = self._case(FRIDAY_15H)
        self._case(utc(2026, 3, 9, 8, 0))
        with freeze_time(utc(2026, 3, 10, 14, 0)):
            action = rule.action_preview()
        self.assertEqual(action["domain"], [("id", "in", case.ids)])

    def test_manager_picks_working_ranges_on_the_form(self):
        with Form(self.Rule.with_user(self.case_manager)) as form:
            form.name = "Remind after two working days"
            form.trg_date_type = "action_last"
            form.trg_date_range = 2
            form.trg_date_range_type = "working_day"
            form.act_remind_user = True
        rule = form.save()
        self.assertEqual(rule.trg_date_range_type, "working_day")
        labels = dict(
            self.Rule._fields["trg_date_range_type"]._description_selection(self.env)
        )
        self.assertEqual(labels["working_hour"], "Working Hours")
        self.assertEqual(labels["day"], "Days")

    def test_user_cannot_write_rules(self):
        rule = self._rule(2, "working_day")
        with self.assertRaises(AccessError):
            rule.with_user(self.case_user).trg_date_range_type = "working_hour"
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.case_user).create(
                {
                    "name": "Sneaky",
                    "trg_date_type": "date",
                    "trg_date_range": 1,
                    "trg_date_range_type": "working_hour",
                }
            )

    def test_negative_working_delay_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot act before"):
            self._rule(-1, "working_day")
