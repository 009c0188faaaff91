from datetime import timedelta

from odoo.tests import tagged

from ..utils.working_time import (
    add_working_days,
    add_working_days_batch,
    add_working_hours,
    add_working_hours_batch,
    working_hours_between,
    working_hours_between_batch,
)
from .working_time_common import WorkingTimeCommon, make_calendar, utc


@tagged("post_install", "-at_install", "crm_case_sla")
class TestCrmCaseWorkingTime(WorkingTimeCommon):
    """Working time through Odoo's resource engine; all datetimes naive UTC.

    Brussels is UTC+1 in winter and UTC+2 in summer: 9:00-17:00 local is
    8:00-16:00 UTC before the last Sunday of March 2026 (the 29th) and
    7:00-15:00 UTC after it, until the last Sunday of October (the 25th).
    """

    def test_weekend_is_skipped(self):
        friday_15h = utc(2026, 3, 6, 14, 0)
        # 2 h on Friday until 17:00, 2 h on Monday from 9:00.
        self.assertEqual(
            add_working_hours(self.brussels, friday_15h, 4), utc(2026, 3, 9, 10, 0)
        )
        self.assertAlmostEqual(
            working_hours_between(self.brussels, friday_15h, utc(2026, 3, 9, 10, 0)),
            4.0,
        )
        # A start on Saturday counts from Monday 9:00.
        self.assertEqual(
            add_working_hours(self.brussels, utc(2026, 3, 7, 12, 0), 1),
            utc(2026, 3, 9, 9, 0),
        )

    def test_deadline_at_end_of_day_stays_on_that_day(self):
        monday_9h = utc(2026, 3, 9, 8, 0)
        self.assertEqual(
            add_working_hours(self.brussels, monday_9h, 8), utc(2026, 3, 9, 16, 0)
        )
        self.assertEqual(add_working_hours(self.brussels, monday_9h, 0), monday_9h)

    def test_public_holiday_is_skipped(self):
        friday_15h = utc(2026, 3, 6, 14, 0)
        # Monday 9 March is a holiday for everybody, whatever the calendar.
        self.add_public_holiday(utc(2026, 3, 8, 23, 0), utc(2026, 3, 9, 23, 0))
        self.assertEqual(
            add_working_hours(self.brussels, friday_15h, 4), utc(2026, 3, 10, 10, 0)
        )
        self.assertAlmostEqual(
            working_hours_between(self.brussels, friday_15h, utc(2026, 3, 10, 10, 0)),
            4.0,
        )

    def test_leave_of_another_calendar_does_not_count(self):
        self.add_public_holiday(
            utc(2026, 3, 8, 23, 0), utc(2026, 3, 9, 23, 0), calendar=self.tokyo
        )
        self.assertEqual(
            add_working_hours(self.brussels, utc(2026, 3, 6, 14, 0), 4),
            utc(2026, 3, 9, 10, 0),
        )

    def test_daylight_saving_change_in_march(self):
        # Friday 27 March 16:00 CET; Monday 30 March is in CEST (UTC+2).
        deadline = add_working_hours(self.brussels, utc(2026, 3, 27, 15, 0), 2)
        self.assertEqual(deadline, utc(2026, 3, 30, 8, 0))
        self.assertAlmostEqual(
            working_hours_between(self.brussels, utc(2026, 3, 27, 15, 0), deadline),
            2.0,
        )

    def test_daylight_saving_change_in_october(self):
        # Friday 23 October 16:00 CEST; Monday 26 October is in CET (UTC+1).
        deadline = add_working_hours(self.brussels, utc(2026, 10, 23, 14, 0), 2)
        self.assertEqual(deadline, utc(2026, 10, 26, 9, 0))
        self.assertAlmostEqual(
            working_hours_between(self.brussels, utc(2026, 10, 23, 14, 0), deadline),
            2.0,
        )

    def test_calendar_time_zones(self):
        # Wednesday 4 March 00:00 UTC: Tuesday 19:00 in New York (UTC-5),
        # Wednesday 9:00 in Tokyo (UTC+9).
        start = utc(2026, 3, 4, 0, 0)
        self.assertEqual(
            add_working_hours(self.new_york, start, 1), utc(2026, 3, 4, 15)
        )
        self.assertEqual(add_working_hours(self.tokyo, start, 1), utc(2026, 3, 4, 1))

    def test_calendar_time_zone_wins_over_the_user_time_zone(self):
        self.case_user.tz = "Pacific/Auckland"
        start = utc(2026, 3, 4, 0, 0)
        for env in (
            self.env(user=self.case_user),
            self.env(context=dict(self.env.context, tz="Pacific/Auckland")),
        ):
            self.assertEqual(
                add_working_hours(self.new_york.with_env(env), start, 1),
                utc(2026, 3, 4, 15),
            )
            self.assertEqual(
                add_working_hours(self.tokyo.with_env(env), start, 1),
                utc(2026, 3, 4, 1),
            )

    def test_pause_over_a_night(self):
        monday_9h = utc(2026, 3, 9, 8, 0)
        self.assertEqual(
            add_working_hours(self.brussels, monday_9h, 10), utc(2026, 3, 10, 10, 0)
        )
        # Pending from Monday 16:00 to Tuesday 11:00: 3 working hours paused.
        pause = (utc(2026, 3, 9, 15, 0), utc(2026, 3, 10, 10, 0))
        self.assertEqual(
            add_working_hours(self.brussels, monday_9h, 10, [pause]),
            utc(2026, 3, 10, 13, 0),
        )
        self.assertAlmostEqual(
            working_hours_between(
                self.brussels, monday_9h, utc(2026, 3, 10, 13, 0), [pause]
            ),
            10.0,
        )

    def test_running_pause_stops_the_clock(self):
        monday_9h = utc(2026, 3, 9, 8, 0)
        running = (utc(2026, 3, 9, 10, 0), None)
        # 2 h worked before the pause: 1 h is reached, 3 h never are.
        self.assertEqual(
            add_working_hours(self.brussels, monday_9h, 1, [running]),
            utc(2026, 3, 9, 9, 0),
        )
        self.assertIsNone(add_working_hours(self.brussels, monday_9h, 3, [running]))
        self.assertIsNone(add_working_hours(False, monday_9h, 3, [running]))
        self.assertAlmostEqual(
            working_hours_between(
                self.brussels, monday_9h, utc(2026, 3, 12, 8, 0), [running]
            ),
            2.0,
        )

    def test_no_calendar_is_around_the_clock(self):
        start = utc(2026, 3, 7, 22, 30)
        self.assertEqual(
            add_working_hours(False, start, 30), start + timedelta(hours=30)
        )
        self.assertEqual(add_working_days(None, start, 2), start + timedelta(days=2))
        self.assertAlmostEqual(
            working_hours_between(False, start, start + timedelta(hours=30)), 30.0
        )
        pause = (utc(2026, 3, 8, 0, 0), utc(2026, 3, 8, 2, 0))
        self.assertEqual(
            add_working_hours(False, start, 30, [pause]), start + timedelta(hours=32)
        )

    def test_working_days_are_days_of_calendar_hours(self):
        self.assertEqual(self.brussels.hours_per_day, 8.0)
        # Friday 15:00: 2 h on Friday, 8 h on Monday, 6 h on Tuesday.
        self.assertEqual(
            add_working_days(self.brussels, utc(2026, 3, 6, 14, 0), 2),
            utc(2026, 3, 10, 14, 0),
        )

    def test_calendar_without_working_time_never_ends(self):
        idle = make_calendar(self.env, "Never", "UTC", days=())
        self.assertIsNone(add_working_hours(idle, utc(2026, 3, 9, 8, 0), 1))
        self.assertIsNone(add_working_days(idle, utc(2026, 3, 9, 8, 0), 1))
        self.assertEqual(
            working_hours_between(idle, utc(2026, 3, 9), utc(2026, 3, 19)), 0.0
        )

    def test_batch_equals_single_item(self):
        pauses = [(utc(2026, 3, 9, 15, 0), utc(2026, 3, 10, 10, 0))]
        running = [(utc(2026, 3, 11, 9, 0), None)]
        self.add_public_holiday(utc(2026, 3, 12, 23, 0), utc(2026, 3, 13, 23, 0))
        items = [
            ("weekend", utc(2026, 3, 6, 14, 0), 4, ()),
            ("night", utc(2026, 3, 9, 8, 0), 10, pauses),
            ("running", utc(2026, 3, 9, 8, 0), 30, running),
            ("holiday", utc(2026, 3, 12, 12, 0), 6, ()),
            ("dst", utc(2026, 3, 27, 15, 0), 2, ()),
            ("long", utc(2026, 1, 2, 12, 0), 400, ()),
            ("zero", utc(2026, 3, 8, 12, 0), 0, ()),
        ]
        for calendar in (self.brussels, self.tokyo, False):
            batch = add_working_hours_batch(calendar, items)
            self.assertEqual(
                batch,
                {
                    key: add_working_hours(calendar, start, hours, item_pauses)
                    for key, start, hours, item_pauses in items
                },
            )
            self.assertEqual(
                add_working_days_batch(calendar, items),
                {
                    key: add_working_days(calendar, start, hours, item_pauses)
                    for key, start, hours, item_pauses in items
                },
            )
            spans = [
                (key, start, start + timedelta(days=hours / 3), item_pauses)
                for key, start, hours, item_pauses in items
            ]
            between = working_hours_between_batch(calendar, spans)
            for key, start, end, item_pauses in spans:
                self.assertAlmostEqual(
                    between[key],
                    working_hours_between(calendar, start, end, item_pauses),
                )
        self.assertEqual(
            add_working_hours_batch(self.brussels, items)["holiday"],
            utc(2026, 3, 16, 10, 0),
        )

    def test_batch_asks_the_calendar_once(self):
        items = [(day, utc(2026, 3, 2 + day, 10, 0), 3, ()) for day in range(20)]
        self.env.flush_all()
        with self.assertQueryCount(2):
            # One query for the attendances, one for the leaves.
            add_working_hours_batch(self.brussels, items)
