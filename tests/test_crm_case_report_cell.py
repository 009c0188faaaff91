import itertools
from datetime import datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.models import BaseModel
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon

# Every aggregate the partial sums answer.
AGGREGATES = [
    "__count",
    "delay_close:avg",
    "delay_close:sum",
    "delay_close:count",
    "planned_revenue:sum",
    "planned_revenue:avg",
    "planned_cost:sum",
    "weighted_revenue:sum",
    "probability:avg",
    "escalation_count:sum",
    "escalation_count:avg",
]
# The groupings of the menus, the graph, the pivot and the benchmark.
GROUPINGS = [
    [],
    ["date:month"],
    ["date:quarter"],
    ["date:year", "user_id"],
    ["user_id", "section_id"],
    ["user_id", "section_id", "state"],
    ["categ_id", "section_id", "state"],
    ["section_id", "date:month"],
    ["date:month", "section_id", "user_id"],
    ["company_id", "active"],
]
# Time zones on both sides of UTC, a half and a quarter hour off.
TIME_ZONES = [
    "UTC",
    "Europe/Brussels",
    "America/New_York",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
]


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseReportCells(CrmCaseCommon):
    """The statistics read from the partial sums equal those of the view."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Cells Other Co"})
        cls.other_section = cls.env["crm.case.section"].create(
            {"name": "Other Co Support", "company_id": cls.other_company.id}
        )
        cls.other_company_user = mail_new_test_user(
            cls.env,
            login="cells_other_company",
            groups="base.group_user,crm_case.group_crm_case_user",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        Case = cls.env["crm.case"]
        specs = [
            # date (UTC), section, user, state, days to close, revenue, probability
            # Near month starts: another month in some time zones.
            (
                datetime(2025, 2, 28, 23, 30),
                cls.section_level1,
                cls.case_user,
                "open",
                None,
                1000,
                50,
            ),
            (
                datetime(2025, 3, 1, 3, 0),
                cls.section_level1,
                cls.case_user,
                "done",
                2.5,
                500,
                20,
            ),
            (
                datetime(2025, 3, 31, 14, 0),
                cls.section_sales,
                cls.senior_user,
                "done",
                0.25,
                3000,
                90,
            ),
            (
                datetime(2025, 12, 31, 20, 0),
                cls.section_sales,
                False,
                "pending",
                None,
                0,
                0,
            ),
            (
                datetime(2026, 1, 1, 6, 0),
                cls.section_level2,
                cls.senior_user,
                "cancel",
                None,
                250.5,
                10,
            ),
            # In the middle of a month: the same month everywhere.
            (
                datetime(2025, 3, 15, 12, 0),
                cls.section_level1,
                cls.case_user,
                "done",
                10,
                700,
                100,
            ),
            (
                datetime(2025, 3, 16, 8, 0),
                cls.section_level1,
                cls.case_user,
                "draft",
                None,
                80.25,
                30,
            ),
            (
                datetime(2025, 6, 10, 9, 0),
                cls.section_sales,
                cls.case_user,
                "open",
                None,
                12.75,
                75,
            ),
            (
                datetime(2025, 6, 11, 9, 0),
                cls.section_sales,
                cls.case_user,
                "done",
                1,
                12.75,
                75,
            ),
            (datetime(1890, 5, 31, 23, 0), cls.section_level2, False, "done", 4, 1, 1),
        ]
        cls.cases = Case
        for date, section, user, state, days, revenue, probability in specs:
            case = Case.create(
                {
                    "name": f"Cells {date}",
                    "section_id": section.id,
                    "categ_id": cls.categ_fault.id
                    if section == cls.section_level1
                    else False,
                    "user_id": user.id if user else False,
                    "date": date,
                    "planned_revenue": revenue,
                    "planned_cost": revenue / 4,
                    "probability": probability,
                }
            )
            case.write(
                {
                    "state": state,
                    "date_closed": date + timedelta(days=days) if days else False,
                }
            )
            cls.cases |= case
        cls.archived = cls.cases[7]
        cls.archived.active = False
        cls.other_case = Case.create(
            {
                "name": "Cells other company",
                "section_id": cls.other_section.id,
                "date": datetime(2025, 3, 10),
                "planned_revenue": 99,
            }
        )
        cls.Report = cls.env["crm.case.report"].with_user(cls.case_user)
        cls.in_test_sections = [
            ("section_id", "in", (cls.cases | cls.other_case).section_id.ids)
        ]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def assertSameGroups(self, report, domain, groupby, aggregates=tuple(AGGREGATES)):
        """The partial sums answer, and as the view does."""
        self.assertTrue(
            report._read_group_rollup(domain, groupby, aggregates, (), 0, None, None),
            f"the partial sums should answer {groupby}",
        )
        order = ",".join(groupby) or None
        fast = report._read_group(domain, groupby, aggregates, order=order)
        slow = report.with_context(crm_case_report_cells=False)._read_group(
            domain, groupby, aggregates, order=order
        )
        message = f"{groupby} in {report.env.context.get('tz')}"
        self.assertEqual(len(fast), len(slow), message)
        for fast_row, slow_row in zip(fast, slow, strict=True):
            self.assertEqual(
                fast_row[: len(groupby)], slow_row[: len(groupby)], message
            )
            for spec, fast_value, slow_value in zip(
                aggregates,
                fast_row[len(groupby) :],
                slow_row[len(groupby) :],
                strict=True,
            ):
                if not isinstance(slow_value, float) or not isinstance(
                    fast_value, float
                ):
                    self.assertEqual(fast_value, slow_value, f"{message}: {spec}")
                else:
                    self.assertAlmostEqual(
                        fast_value, slow_value, 6, f"{message}: {spec}"
                    )
        return fast

    def _cells(self):
        return self.env["crm.case.report.cell"].sudo().search([])

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_every_grouping_in_every_time_zone(self):
        self.assertGreater(
            len(self.cases.filtered(lambda case: case.state == "done")), 3
        )
        for tz, groupby in itertools.product(TIME_ZONES, GROUPINGS):
            report = self.Report.with_context(tz=tz)
            self.assertSameGroups(report, [], groupby)
        # The month of a case near a month start depends on the time zone.
        months = {
            tz: self.Report.with_context(tz=tz)._read_group(
                [("section_id", "=", self.section_level1.id)],
                ["date:month"],
                ["__count"],
            )
            for tz in ("UTC", "Europe/Brussels", "America/New_York")
        }
        self.assertEqual(
            [(month.month, count) for month, count in months["UTC"]], [(2, 1), (3, 3)]
        )
        self.assertEqual(
            [(month.month, count) for month, count in months["Europe/Brussels"]],
            [(3, 4)],
        )
        self.assertEqual(
            [(month.month, count) for month, count in months["America/New_York"]],
            [(2, 2), (3, 2)],
        )

    def test_month_quarter_and_year_filters(self):
        """The search view's date filters, made in the user's time zone."""
        periods = [
            ((2025, 3), (2025, 3)),
            ((2025, 1), (2025, 3)),
            ((2025, 1), (2025, 12)),
        ]
        for tz, (first, last) in itertools.product(TIME_ZONES, periods):
            zone = pytz.timezone(tz)

            def utc(moment, zone=zone):
                return zone.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)

            start = utc(datetime(*first, 1))
            end = utc(datetime(*last, 1) + relativedelta(months=1)) - timedelta(
                seconds=1
            )
            domain = [
                "&",
                ("date", ">=", fields.Datetime.to_string(start)),
                ("date", "<=", fields.Datetime.to_string(end)),
            ]
            for groupby in (
                ["date:month", "section_id", "user_id"],
                ["section_id"],
                [],
            ):
                self.assertSameGroups(
                    self.Report.with_context(tz=tz),
                    domain + self.in_test_sections,
                    groupby,
                )
        # Level 1's March 2025: a case of February 28 (UTC) is in it in
        # Brussels; one of March 1 is not in New York.
        march = {
            tz: self.Report.with_context(tz=tz)._read_group(
                [
                    ("section_id", "=", self.section_level1.id),
                    ("date", ">=", start),
                    ("date", "<=", end),
                ],
                [],
                ["__count"],
            )
            for tz, start, end in [
                ("Europe/Brussels", "2025-02-28 23:00:00", "2025-03-31 21:59:59"),
                ("America/New_York", "2025-03-01 05:00:00", "2025-04-01 03:59:59"),
            ]
        }
        self.assertEqual(march, {"Europe/Brussels": [(4,)], "America/New_York": [(2,)]})

    def test_filters_on_the_dimensions(self):
        domains = [
            [("section_id", "=", self.section_level1.id)],
            [("section_id", "child_of", self.section_level2.id)],
            [("user_id", "=", False)],
            [("state", "in", ["done", "cancel"]), ("categ_id", "!=", False)],
            [
                "|",
                ("user_id", "=", self.case_user.id),
                ("section_id.name", "ilike", "sales"),
            ],
            [("active", "in", [True, False])],
        ]
        for domain in domains:
            for groupby in (["user_id", "section_id", "state"], ["state"]):
                self.assertSameGroups(
                    self.Report.with_context(tz="Europe/Brussels"), domain, groupby
                )
        archived = self.Report.with_context(active_test=False)._read_group(
            [("active", "=", False)] + self.in_test_sections, [], ["__count"]
        )
        self.assertEqual(archived, [(1,)])

    def test_other_company_sees_its_own_cases(self):
        report = self.env["crm.case.report"].with_user(self.other_company_user)
        groups = self.assertSameGroups(
            report, [], ["section_id"], ["__count", "planned_revenue:sum"]
        )
        self.assertEqual(groups, [(self.other_section, 1, 99.0)])
        mine = self.assertSameGroups(
            self.Report, self.in_test_sections, [], ["__count"]
        )
        self.assertEqual(mine, [(len(self.cases) - 1,)])  # one is archived

    def test_follows_every_change_then_folds(self):
        report = self.Report.with_context(tz="America/New_York")
        groupings = [
            ["date:month", "section_id", "user_id"],
            ["user_id", "section_id", "state"],
        ]
        first, second = self.cases[0], self.cases[6]
        changes = [
            lambda: first.action_escalate(),
            lambda: first.write(
                {
                    "section_id": self.section_sales.id,
                    "categ_id": False,
                    "user_id": self.senior_user.id,
                }
            ),
            lambda: second.action_open(),
            lambda: second.action_close(),
            lambda: second.write({"planned_revenue": 12345.67, "probability": 33}),
            lambda: first.write({"date": datetime(2025, 3, 20, 10)}),
            lambda: second.write({"date": datetime(2025, 4, 30, 23, 59)}),
            lambda: self.cases[5].write({"active": False}),
            lambda: self.cases[2].unlink(),
            lambda: self.env["crm.case"].create(
                [
                    {
                        "name": f"New {n}",
                        "section_id": self.section_level1.id,
                        "user_id": self.case_user.id,
                        "planned_revenue": n,
                    }
                    for n in range(5)
                ]
            ),
        ]
        for change in changes:
            change()
            for groupby in groupings:
                self.assertSameGroups(report, [], groupby)
        unfolded = self._cells().filtered(lambda cell: not cell.folded)
        self.assertTrue(unfolded)
        rows_before = len(self._cells())
        self.env["crm.case.report.cell"]._fold()
        self.assertFalse(self._cells().filtered(lambda cell: not cell.folded))
        self.assertLess(len(self._cells()), rows_before)
        for groupby in groupings:
            self.assertSameGroups(report, [], groupby)
        folded = self._cells().read([])
        self.env["crm.case.report.cell"]._fold()
        self.assertEqual(
            self._cells().read([]), folded, "folding twice changes nothing"
        )

    def test_answers_come_from_the_partial_sums(self):
        """A wrong partial sum shows in the pivot and the graph: they use it."""
        expected = self.Report.read_group([], ["__count"], ["section_id"], lazy=False)
        self.env.cr.execute(
            """INSERT INTO crm_case_report_cell
                   (rollup, folded, section_id, user_id, state, company_id, active,
                    case_count, planned_revenue)
               VALUES ('state', false, %s, NULL, 'open', %s, true, 40, 0)""",
            [self.section_sales.id, self.company.id],
        )
        self.env.invalidate_all()
        pivot = self.Report.read_group([], ["__count"], ["section_id"], lazy=False)
        sales = [
            group for group in pivot if group["section_id"][0] == self.section_sales.id
        ]
        before = [
            group
            for group in expected
            if group["section_id"][0] == self.section_sales.id
        ]
        self.assertEqual(sales[0]["__count"], before[0]["__count"] + 40)
        graph = self.Report.web_read_group(
            [], ["__count"], ["user_id", "section_id"], lazy=False
        )
        self.assertEqual(
            sum(group["__count"] for group in graph["groups"]),
            sum(group["__count"] for group in expected) + 40,
        )
        # The rebuild at each update recomputes them from the cases.
        self.env["crm.case.report.cell"]._rebuild()
        self.assertEqual(
            self.Report.read_group([], ["__count"], ["section_id"], lazy=False),
            expected,
        )

    def test_what_the_partial_sums_cannot_answer_goes_to_the_view(self):
        Report = self.Report
        unanswered = [
            ([("date", ">=", "2025-03-10")], ["section_id"], ["__count"]),
            ([("date", ">=", "2025-03-01")], ["state"], ["__count"]),
            ([("date.month_number", "=", 3)], ["section_id"], ["__count"]),
            ([("date", "in", ["2025-03-01"])], ["section_id"], ["__count"]),
            ([], ["partner_id"], ["__count"]),
            ([], ["date:day"], ["__count"]),
            ([], ["section_id"], ["rule_log_count:sum"]),
            ([], ["section_id"], ["planned_revenue:max"]),
            ([("name", "ilike", "Cells")], ["section_id"], ["__count"]),
            ([], ["state", "date:month"], ["__count"]),
        ]
        for domain, groupby, aggregates in unanswered:
            self.assertFalse(
                Report._read_group_rollup(
                    domain, groupby, aggregates, (), 0, None, None
                ),
                f"{domain} {groupby} {aggregates}",
            )
        self.assertFalse(
            Report._read_group_rollup([], ["state"], ["__count"], (), 0, 1, None)
        )
        self.assertFalse(
            Report._read_group_rollup(
                [], ["state"], ["__count"], (), 0, None, "__count desc"
            )
        )
        # And the view answers them.
        counts = dict(
            Report._read_group(
                [("date", ">=", "2025-03-01")] + self.in_test_sections,
                ["state"],
                ["__count"],
            )
        )
        self.assertEqual(sum(counts.values()), 7)

    def test_wrong_user_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["crm.case.report"].with_user(self.internal_user)._read_group(
                [], ["section_id"], ["__count"]
            )
        with self.assertRaises(AccessError):
            self.env["crm.case.report.cell"].with_user(self.case_user).search([])

    def test_formatting_is_the_standard_one(self):
        """The groups are labelled and given domains as Odoo's own code does."""
        report = self.Report.with_context(tz="Europe/Brussels")
        domain = self.in_test_sections
        for groupby in (
            ["date:month", "section_id", "user_id"],
            ["section_id", "state"],
            [],
        ):
            rows = report._read_group(
                domain, groupby, ["__count"], order=",".join(groupby) or None
            )
            ours = [
                dict(zip([*groupby, "__count"], row, strict=True), __domain=domain)
                for row in rows
            ]
            standard = [dict(group) for group in ours]
            report._read_group_format_result(ours, groupby)
            BaseModel._read_group_format_result(report, standard, groupby)
            self.assertEqual(ours, standard, groupby)
            self.assertTrue(ours)

    def test_explicit_orders(self):
        """Orders the web client may ask for, both ways, as the view sorts."""
        report = self.Report.with_context(tz="Europe/Brussels")
        groupby = ["user_id", "section_id", "state"]
        for order in (
            "user_id desc,section_id asc,state desc",
            "state desc",
            "section_id desc,user_id desc,state desc",
        ):
            fast = report._read_group(
                self.in_test_sections, groupby, ["__count"], order=order
            )
            slow = report.with_context(crm_case_report_cells=False)._read_group(
                self.in_test_sections, groupby, ["__count"], order=order
            )
            self.assertEqual(fast, slow, order)
