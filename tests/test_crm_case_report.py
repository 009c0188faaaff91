from collections import defaultdict
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon, read_groups_by_key

# The aggregates the reporting views ask for, per measure.
MEASURES = {
    "delay_close": "avg",
    "planned_revenue": "sum",
    "planned_cost": "sum",
    "weighted_revenue": "sum",
    "escalation_count": "sum",
    "rule_log_count": "sum",
}
# The groupings of the menus, the graph and the pivot.
GROUPINGS = [
    ["date:month"],
    ["user_id"],
    ["section_id"],
    ["categ_id"],
    ["state"],
    ["user_id", "section_id"],
    ["categ_id", "section_id"],
    ["date:month", "section_id", "user_id"],
]


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseReport(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        # Inactive: the firings below are the only ones, written by hand.
        cls.rule = cls.env["crm.case.rule"].create(
            {"name": "Report rule", "active": False}
        )
        specs = [
            # name, section, category, user, date, state, closed, revenue, cost, prob
            (
                "Jan open",
                cls.section_level1,
                cls.categ_fault,
                cls.case_user,
                datetime(2024, 1, 10, 9),
                "open",
                None,
                1000,
                200,
                50,
            ),
            (
                "Jan done",
                cls.section_level1,
                cls.categ_fault,
                cls.case_user,
                datetime(2024, 1, 15, 8),
                "done",
                datetime(2024, 1, 18, 20),
                500,
                100,
                20,
            ),
            (
                "Jan sales",
                cls.section_sales,
                cls.categ_sales,
                cls.senior_user,
                datetime(2024, 1, 20, 12),
                "done",
                datetime(2024, 1, 21, 0),
                3000,
                1000,
                90,
            ),
            (
                "Feb draft",
                cls.section_sales,
                False,
                cls.senior_user,
                datetime(2024, 2, 14, 10),
                "draft",
                None,
                0,
                0,
                0,
            ),
            (
                "Feb cancel",
                cls.section_level1,
                cls.categ_fault,
                cls.case_user,
                datetime(2024, 2, 15, 10),
                "cancel",
                None,
                700,
                50,
                10,
            ),
            (
                "Mar pending",
                cls.section_level2,
                False,
                False,
                datetime(2024, 3, 16, 11),
                "pending",
                None,
                1200.5,
                300.25,
                33,
            ),
            (
                "Mar done",
                cls.section_sales,
                cls.categ_sales,
                cls.case_user,
                datetime(2024, 3, 12, 6),
                "done",
                datetime(2024, 4, 2, 18),
                250,
                75,
                100,
            ),
        ]
        cls.cases = cls.env["crm.case"]
        for name, section, categ, user, date, state, closed, rev, cost, prob in specs:
            cls.cases |= cls.env["crm.case"].create(
                {
                    "name": name,
                    "section_id": section.id,
                    "categ_id": categ and categ.id,
                    "user_id": user and user.id,
                    "date": date,
                    "planned_revenue": rev,
                    "planned_cost": cost,
                    "probability": prob,
                }
            )
            cls.cases[-1].write({"state": state, "date_closed": closed})
        # Escalated from level 1 to level 2, managed by the senior user.
        cls.escalated = cls.env["crm.case"].create(
            {
                "name": "Feb escalated",
                "section_id": cls.section_level1.id,
                "user_id": cls.case_user.id,
                "date": datetime(2024, 2, 20, 10),
                "planned_revenue": 400,
                "probability": 25,
            }
        )
        cls.escalated.action_escalate()
        cls.cases |= cls.escalated
        for case in cls.cases[:2] + cls.cases[:1] + cls.escalated:
            cls.env["crm.case.rule.log"].create(
                {
                    "rule_id": cls.rule.id,
                    "case_id": case.id,
                    "trigger_date": case.date,
                    "state": "done",
                }
            )
        cls.env.flush_all()

    # ------------------------------------------------------------
    # Expected values, computed in Python from the cases
    # ------------------------------------------------------------

    def _case_measures(self, case):
        closed = case.state == "done" and case.date_closed
        return {
            "delay_close": (
                (case.date_closed - case.date).total_seconds() / 86400
                if closed
                else None
            ),
            "planned_revenue": case.planned_revenue,
            "planned_cost": case.planned_cost,
            "weighted_revenue": case.planned_revenue * case.probability / 100,
            "escalation_count": case.escalation_count,
            "rule_log_count": len(case.rule_log_ids),
        }

    def _case_key(self, case, groupby):
        if groupby == "date:month":
            return case.date.strftime("%Y-%m-01")
        value = case[groupby]
        return value.id if hasattr(value, "id") else value

    def _expected(self, groupbys):
        groups = defaultdict(list)
        for case in self.cases:
            key = tuple(self._case_key(case, groupby) for groupby in groupbys)
            groups[key].append(self._case_measures(case))
        expected = {}
        for key, rows in groups.items():
            values = {"__count": len(rows)}
            for measure, aggregate in MEASURES.items():
                numbers = [row[measure] for row in rows if row[measure] is not None]
                if aggregate == "avg":
                    values[measure] = sum(numbers) / len(numbers) if numbers else None
                else:
                    values[measure] = sum(numbers)
            expected[key] = values
        return expected

    # ------------------------------------------------------------
    # Values the web client gets
    # ------------------------------------------------------------

    def _read_report(self, groupbys, user=None):
        Report = self.env["crm.case.report"]
        if user:
            Report = Report.with_user(user)
        return read_groups_by_key(
            Report,
            [("case_id", "in", self.cases.ids)],
            [f"{measure}:{aggregate}" for measure, aggregate in MEASURES.items()],
            groupbys,
        )

    def test_month_groups_match_the_stock_formatting(self):
        """The report formats each month, section and user once; labels,
        ranges and drill-down domains stay those Odoo gives crm.case for the
        same grouping, in a time zone that moves month boundaries."""
        groupbys = ["date:month", "section_id", "user_id"]
        env = self.env(context=dict(self.env.context, tz="Europe/Brussels"))
        Report = env["crm.case.report"].with_user(self.case_user)
        Case = env["crm.case"].with_user(self.case_user)
        domain = [("id", "in", self.cases.ids)]
        report_groups = Report.read_group(domain, [], groupbys, lazy=False)
        case_groups = Case.read_group(domain, [], groupbys, lazy=False)
        self.assertTrue(report_groups)
        keys = ["date:month", "section_id", "user_id", "__range", "__count"]
        self.assertEqual(
            [[group[key] for key in keys] for group in report_groups],
            [[group[key] for key in keys] for group in case_groups],
        )
        for group in report_groups:
            self.assertEqual(Report.search_count(group["__domain"]), group["__count"])

    def test_measures_per_grouping(self):
        for groupbys in GROUPINGS:
            expected = self._expected(groupbys)
            found = self._read_report(groupbys, user=self.case_user)
            with self.subTest(groupbys=groupbys):
                self.assertEqual(set(found), set(expected))
                for key, values in expected.items():
                    self.assertEqual(found[key]["__count"], values["__count"])
                    for measure in MEASURES:
                        if values[measure] is None:
                            self.assertFalse(found[key][measure], (key, measure))
                        else:
                            self.assertAlmostEqual(
                                found[key][measure],
                                values[measure],
                                places=4,
                                msg=(key, measure),
                            )

    def test_known_figures(self):
        """A few figures computed by hand, so that a shared mistake between the
        view and the Python helper above is caught too."""
        by_section = self._read_report(["section_id"])
        sales = by_section[(self.section_sales.id,)]
        self.assertEqual(sales["__count"], 3)
        self.assertAlmostEqual(sales["planned_revenue"], 3250)
        self.assertAlmostEqual(sales["weighted_revenue"], 2700 + 250)
        # 12 hours and 21 days 12 hours.
        self.assertAlmostEqual(sales["delay_close"], (0.5 + 21.5) / 2)
        level2 = by_section[(self.section_level2.id,)]
        self.assertEqual(level2["__count"], 2)
        self.assertEqual(level2["escalation_count"], 1)
        self.assertEqual(level2["rule_log_count"], 1)
        by_month = self._read_report(["date:month"])
        self.assertEqual(by_month[("2024-01-01",)]["rule_log_count"], 3)
        self.assertEqual(by_month[("2024-02-01",)]["__count"], 3)

    def test_summary_lines(self):
        rows = (
            self.env["crm.case.report"].with_user(self.case_user).browse(self.cases.ids)
        )
        lines = rows._get_summary_lines()
        total = lines[-1]
        self.assertFalse(total["user"] or total["section"])
        self.assertEqual(total["__count"], len(self.cases))
        self.assertAlmostEqual(
            total["planned_revenue"], sum(self.cases.mapped("planned_revenue"))
        )
        by_key = {(line["user"], line["section"]): line for line in lines[:-1]}
        self.assertEqual(len(by_key), len(lines) - 1)
        # "Jan sales" closed in half a day, "Feb draft" is not closed.
        senior_sales = by_key[self.senior_user, self.section_sales]
        self.assertEqual(senior_sales["__count"], 2)
        self.assertAlmostEqual(senior_sales["delay_close"], 0.5)
        unassigned = by_key[self.env["res.users"], self.section_level2]
        self.assertEqual(unassigned["__count"], 1)
        self.assertIsNone(unassigned["delay_close"])

    def test_escalation_counter(self):
        case = self._create_case(name="Escalate me")
        self.assertEqual(case.escalation_count, 0)
        case.action_escalate()
        self.assertEqual(case.escalation_count, 1)
        self.assertEqual(case.section_id, self.section_level2)
        self.assertEqual(case.copy().escalation_count, 0)

    def test_reopened_and_archived_cases(self):
        case = self.cases.filtered(lambda case: case.name == "Jan done")
        case.action_draft()
        case.flush_recordset()
        row = self.env["crm.case.report"].search([("case_id", "=", case.id)])
        self.assertEqual(row.state, "draft")
        self.assertFalse(row.delay_close)
        case.action_archive()
        case.flush_recordset()
        Report = self.env["crm.case.report"]
        self.assertFalse(Report.search([("case_id", "=", case.id)]))
        self.assertTrue(
            Report.with_context(active_test=False).search([("case_id", "=", case.id)])
        )

    def test_open_case_from_a_row(self):
        row = (
            self.env["crm.case.report"]
            .with_user(self.case_user)
            .browse(self.escalated.id)
        )
        action = row.action_open_case()
        self.assertEqual(action["res_model"], "crm.case")
        self.assertEqual(action["res_id"], self.escalated.id)
        self.assertEqual(action["views"], [(False, "form")])

    def test_section_and_user_statistics_buttons(self):
        action = self.section_level2.with_user(self.case_user).action_view_case_report()
        self.assertEqual(action["res_model"], "crm.case.report")
        rows = self.env["crm.case.report"].search(action["domain"])
        # The section's own cases and its sub-section's.
        self.assertEqual(
            rows.case_id,
            self.cases.filtered(
                lambda case: case.section_id
                in (self.section_level1, self.section_level2)
            ),
        )
        action = self.senior_user.with_user(self.case_user).action_view_case_report()
        rows = self.env["crm.case.report"].search(action["domain"])
        self.assertEqual(
            rows.case_id,
            self.cases.filtered(lambda case: case.user_id == self.senior_user),
        )
        # Two of their own and the escalated case they manage now.
        self.assertEqual(len(rows), 3)

    def test_internal_user_refused(self):
        Report = self.env["crm.case.report"].with_user(self.internal_user)
        with self.assertRaises(AccessError):
            Report.search([])
        with self.assertRaises(AccessError):
            Report.read_group([], ["planned_revenue:sum"], ["user_id"])
        with self.assertRaises(AccessError):
            self.section_level1.with_user(self.internal_user).action_view_case_report()
        with self.assertRaises(AccessError):
            self.senior_user.with_user(self.internal_user).action_view_case_report()

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        section_b = self.env["crm.case.section"].create(
            {"name": "Section B", "company_id": company_b.id}
        )
        case_b = self.env["crm.case"].create(
            {"name": "Case of B", "section_id": section_b.id, "user_id": False}
        )
        self.assertEqual(case_b.company_id, company_b)
        self.env.flush_all()
        Report = self.env["crm.case.report"]
        rows = Report.with_user(self.case_user).search([])
        self.assertIn(self.cases[0].id, rows.ids)
        self.assertNotIn(case_b.id, rows.ids)
        groups = Report.with_user(self.case_user).read_group(
            [], ["planned_revenue:sum"], ["section_id"], lazy=False
        )
        self.assertNotIn(
            section_b.id, [g["section_id"][0] for g in groups if g["section_id"]]
        )
        both = mail_new_test_user(
            self.env,
            login="report_both_companies",
            groups="base.group_user,crm_case.group_crm_case_user",
            company_id=self.company.id,
            company_ids=[Command.set([self.company.id, company_b.id])],
        )
        rows = (
            Report.with_user(both)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .search([])
        )
        self.assertIn(case_b.id, rows.ids)
        self.assertIn(self.cases[0].id, rows.ids)
