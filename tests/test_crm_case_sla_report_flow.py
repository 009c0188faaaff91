from datetime import timedelta

from odoo.tests import tagged

from .sla_common import T0, CrmCaseSlaCommon
from .test_crm_case_sla_report import p90


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseSlaReportFlow(CrmCaseSlaCommon):
    """The figures of cases lived through: created, paused, closed and left
    late at known instants on the office calendar (8-12 and 13-17 UTC on
    weekdays), the clock read by the policies themselves."""

    def test_figures_of_lived_cases(self):
        first = self._create_sla(
            name="Answer in 2 h", target_type="first_response", target_hours=2
        )
        fix = self._create_sla(
            name="Fix in 4 h", target_type="resolution", target_hours=4
        )
        monday, tuesday = T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=1)
        cases = {}

        def open_case(when, name):
            case = self._case_at(when, name=name)
            self._at(when, case.action_open)
            return case

        # Closed at noon: 3 working hours (a case closed without an answer
        # counts its first response at the closing).
        cases["noon"] = open_case(monday.replace(hour=9), "Noon")
        self._at(monday.replace(hour=12), cases["noon"].action_close)
        # Opened after lunch, closed the next morning: 4 + 2 working hours.
        cases["overnight"] = open_case(monday.replace(hour=13), "Overnight")
        self._at(tuesday.replace(hour=10), cases["overnight"].action_close)
        # Never closed: past both deadlines when the cron runs.
        cases["forgotten"] = open_case(monday.replace(hour=16), "Forgotten")
        # Closed in an hour and a half.
        cases["quick"] = open_case(tuesday.replace(hour=9), "Quick")
        self._at(tuesday.replace(hour=10, minute=30), cases["quick"].action_close)
        # Pending from 10:00 to 15:00, waiting for the partner: 1 + 1 hours.
        cases["paused"] = open_case(tuesday.replace(hour=9), "Paused")
        self._at(tuesday.replace(hour=10), cases["paused"].action_pending)
        self._at(tuesday.replace(hour=15), cases["paused"].action_open)
        self._at(tuesday.replace(hour=16), cases["paused"].action_close)
        self._cron_at(tuesday.replace(hour=16, minute=30))
        self.env.flush_all()

        taken = [3.0, 6.0, 1.5, 2.0]
        expected = {
            # Met within 2 hours: quick and paused; breached: the others.
            "first_response": (len(cases), taken, 40.0, 3),
            # Met within 4 hours: noon, quick and paused.
            "resolution": (len(cases), taken, 60.0, 2),
        }
        Report = self.env["crm.case.sla.report"].with_user(self.case_user)
        groups = Report.read_group(
            [("case_id", "in", [case.id for case in cases.values()])],
            [
                "hours_taken:avg",
                "hours_taken_p90:p90",
                "within_target:avg",
                "breached:sum",
            ],
            ["target_type", "sla_id", "date:month"],
            lazy=False,
        )
        self.assertEqual(len(groups), 2)
        for group in groups:
            count, hours, within, breached = expected[group["target_type"]]
            with self.subTest(target=group["target_type"]):
                self.assertEqual(
                    group["sla_id"][0],
                    (first if group["target_type"] == "first_response" else fix).id,
                )
                self.assertEqual(group["date:month"], "May 2026")
                self.assertEqual(group["__count"], count)
                self.assertAlmostEqual(group["hours_taken"], sum(hours) / len(hours))
                # Sorted 1.5 2 3 6: position 2.7, from 3 towards 6.
                self.assertAlmostEqual(group["hours_taken_p90"], 3 + 0.7 * 3)
                self.assertAlmostEqual(group["hours_taken_p90"], p90(hours))
                self.assertAlmostEqual(group["within_target"], within)
                self.assertEqual(group["breached"], breached)
        # Breached and still running: counted, with no time taken yet.
        forgotten = Report.read_group(
            [("case_id", "=", cases["forgotten"].id)],
            ["hours_taken:avg", "hours_taken_p90:p90", "breached:sum"],
            [],
            lazy=False,
        )[0]
        self.assertEqual(forgotten["__count"], 2)
        self.assertEqual(forgotten["breached"], 2)
        self.assertIs(forgotten["hours_taken"], False)
        self.assertIs(forgotten["hours_taken_p90"], False)
