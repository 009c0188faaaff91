import math
import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon, read_groups_by_key

# The measures of the pivot, with the aggregate the web client asks for each.
SLA_MEASURES = {
    "hours_taken": "avg",
    "hours_taken_p90": "p90",
    "within_target": "avg",
    "breached": "sum",
}
SLA_GROUPINGS = [
    ["date:month"],
    ["section_id"],
    ["user_id"],
    ["priority"],
    ["sla_id"],
    ["target_type"],
    ["date:month", "target_type"],
    ["section_id", "user_id", "priority", "sla_id"],
]


def percentile_cont(values, fraction):
    """PostgreSQL's percentile_cont: linear interpolation between the two
    values around the position ``fraction * (n - 1)`` of the sorted values."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def p90(values):
    """The 90th percentile, or None without values; checked against the
    standard library's inclusive quantiles, the same definition."""
    if not values:
        return None
    found = percentile_cont(values, 0.9)
    if len(values) > 1:
        reference = statistics.quantiles(values, n=10, method="inclusive")[8]
        assert math.isclose(found, reference), (values, found, reference)
    return found


class CrmCaseSlaReportCommon(CrmCaseCommon):
    """Cases under three policies with SLA status lines of known outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        Sla = cls.env["crm.case.sla"]
        cls.sla_first_l1 = Sla.create(
            {
                "name": "Level 1 answer",
                "section_id": cls.section_level1.id,
                "target_type": "first_response",
                "target_hours": 4,
            }
        )
        cls.sla_resolve_l1 = Sla.create(
            {
                "name": "Level 1 fix",
                "section_id": cls.section_level1.id,
                "target_type": "resolution",
                "target_hours": 16,
            }
        )
        cls.sla_first_sales = Sla.create(
            {
                "name": "Sales answer",
                "section_id": cls.section_sales.id,
                "target_type": "first_response",
                "target_hours": 8,
            }
        )
        first_l1, resolve_l1, first_sales = (
            cls.sla_first_l1,
            cls.sla_resolve_l1,
            cls.sla_first_sales,
        )
        l1, sales = cls.section_level1, cls.section_sales
        user, senior, nobody = cls.case_user, cls.senior_user, cls.env["res.users"]
        # name, section, user, priority, date, [(policy, state, working hours)]
        specs = [
            ("A", l1, user, "1", datetime(2024, 1, 5, 10), [
                (first_l1, "met", 1.5), (resolve_l1, "met", 10.0)]),
            ("B", l1, user, "3", datetime(2024, 1, 9, 8), [
                (first_l1, "breached", 6.0), (resolve_l1, "ongoing", None)]),
            ("C", l1, senior, "3", datetime(2024, 1, 20, 14), [
                (first_l1, "met", 0.25), (resolve_l1, "breached", None)]),
            ("D", sales, senior, "1", datetime(2024, 1, 25, 9), [
                (first_sales, "met", 3.0)]),
            ("E", sales, user, "3", datetime(2024, 2, 2, 11), [
                (first_sales, "breached", 12.0)]),
            ("F", l1, user, "1", datetime(2024, 2, 14, 15), [
                (first_l1, "met", 2.0), (resolve_l1, "met", 14.5)]),
            ("G", l1, nobody, "3", datetime(2024, 2, 20, 9), [
                (first_l1, "at_risk", None)]),
            ("H", sales, senior, "3", datetime(2024, 3, 3, 10), [
                (first_sales, "met", 7.75)]),
            ("I", l1, senior, "1", datetime(2024, 3, 11, 12), [
                (first_l1, "met", 3.5), (resolve_l1, "breached", 30.0)]),
            ("J", sales, user, "1", datetime(2024, 3, 28, 16), [
                (first_sales, "met", 0.5)]),
        ]  # fmt: skip
        Case = cls.env["crm.case"]
        cls.cases = Case
        cls.outcomes = []
        for name, section, owner, priority, date, outcomes in specs:
            case = Case.create(
                {
                    "name": name,
                    "section_id": section.id,
                    "user_id": owner.id,
                    "priority": priority,
                    "date": date,
                }
            )
            cls.cases |= case
            cls.outcomes += [(case, *outcome) for outcome in outcomes]
        # The figures are the subject here, not how the lines are kept up to
        # date: replace the lines the policies gave (those of demo data too)
        # by the known outcomes.
        Status = cls.env["crm.case.sla.status"]
        Status.search([]).unlink()
        for case, sla, state, hours in cls.outcomes:
            cls._create_status(case, sla, state, hours)
        cls.env.flush_all()

    @classmethod
    def _create_status(cls, case, sla, state, hours):
        deadline = case.date + timedelta(hours=sla.target_hours)
        reached = hours is not None
        return cls.env["crm.case.sla.status"].create(
            {
                "case_id": case.id,
                "sla_id": sla.id,
                "deadline": deadline,
                "state": state,
                "reached_date": reached and case.date + timedelta(hours=hours),
                "hours_taken": hours or 0.0,
            }
        )

    # ------------------------------------------------------------
    # Expected figures, computed in Python from the known outcomes
    # ------------------------------------------------------------

    def _outcome_key(self, case, sla, groupby):
        if groupby == "date:month":
            return case.date.strftime("%Y-%m-01")
        if groupby == "sla_id":
            return sla.id
        if groupby == "target_type":
            return sla.target_type
        value = case[groupby]
        return value.id if hasattr(value, "id") else value

    def _expected(self, groupbys, cases=None):
        groups = defaultdict(list)
        for case, sla, state, hours in self.outcomes:
            if cases is None or case in cases:
                key = tuple(self._outcome_key(case, sla, spec) for spec in groupbys)
                groups[key].append((state, hours))
        expected = {}
        for key, lines in groups.items():
            hours = [hours for __, hours in lines if hours is not None]
            decided = [state for state, __ in lines if state in ("met", "breached")]
            expected[key] = {
                "__count": len(lines),
                "hours_taken": sum(hours) / len(hours) if hours else None,
                "hours_taken_p90": p90(hours),
                "within_target": (
                    100 * decided.count("met") / len(decided) if decided else None
                ),
                "breached": sum(state == "breached" for state, __ in lines),
            }
        return expected

    # ------------------------------------------------------------
    # Figures the web client gets
    # ------------------------------------------------------------

    def _read_report(self, groupbys, user=None, measures=None):
        Report = self.env["crm.case.sla.report"]
        if user:
            Report = Report.with_user(user)
        return read_groups_by_key(
            Report,
            [("case_id", "in", self.cases.ids)],
            measures
            or [f"{name}:{aggregate}" for name, aggregate in SLA_MEASURES.items()],
            groupbys,
        )

    def _assert_figures(self, found, expected):
        self.assertEqual(set(found), set(expected))
        for key, values in expected.items():
            self.assertEqual(found[key]["__count"], values["__count"], key)
            for measure in SLA_MEASURES:
                if values[measure] is None:
                    self.assertIs(found[key][measure], False, (key, measure))
                else:
                    self.assertAlmostEqual(
                        found[key][measure],
                        values[measure],
                        places=6,
                        msg=(key, measure),
                    )


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseSlaReport(CrmCaseSlaReportCommon):
    def test_figures_per_grouping(self):
        """Every figure of every grouping of the menus, as a case user."""
        for groupbys in SLA_GROUPINGS:
            with self.subTest(groupbys=groupbys):
                self._assert_figures(
                    self._read_report(groupbys, user=self.case_user),
                    self._expected(groupbys),
                )

    def test_totals(self):
        """The pivot's total row: no grouping."""
        self._assert_figures(self._read_report([]), self._expected([]))

    def test_known_figures(self):
        """Figures worked out by hand, so that a mistake shared by the view
        and the helpers of this test is caught too."""
        first_l1 = self._read_report(["sla_id"])[(self.sla_first_l1.id,)]
        # Reached in 1.5, 6, 0.25, 2 and 3.5 working hours; G still runs.
        self.assertEqual(first_l1["__count"], 6)
        self.assertAlmostEqual(first_l1["hours_taken"], 13.25 / 5)
        # Sorted 0.25 1.5 2 3.5 6: position 0.9 * 4 = 3.6, from 3.5 towards 6.
        self.assertAlmostEqual(first_l1["hours_taken_p90"], 3.5 + 0.6 * 2.5)
        self.assertAlmostEqual(first_l1["within_target"], 80)
        self.assertEqual(first_l1["breached"], 1)
        # One line only: its own value. C's breach is not reached: no time.
        resolve = self._read_report(["sla_id", "user_id"])
        senior = resolve[(self.sla_resolve_l1.id, self.senior_user.id)]
        self.assertEqual(senior["__count"], 2)
        self.assertAlmostEqual(senior["hours_taken_p90"], 30.0)
        self.assertEqual(senior["within_target"], 0)
        self.assertEqual(senior["breached"], 2)

    def test_pivot_measures(self):
        """The pivot asks for "<field>:<its aggregator>": the measures carry
        the aggregators, and the default aggregates give the same figures."""
        Report = self.env["crm.case.sla.report"].with_user(self.case_user)
        described = Report.fields_get(list(SLA_MEASURES), ["aggregator"])
        self.assertEqual(
            {name: field["aggregator"] for name, field in described.items()},
            SLA_MEASURES,
        )
        self._assert_figures(
            self._read_report(["priority"], measures=list(SLA_MEASURES)),
            self._expected(["priority"]),
        )
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list")])
        self.assertIn("hours_taken_p90", views["views"]["pivot"]["arch"])

    def test_unknown_aggregate_refused(self):
        Report = self.env["crm.case.sla.report"]
        with self.assertRaises(ValueError):
            Report.read_group([], ["hours_taken:p95"], ["sla_id"])
        with self.assertRaises(ValueError):
            Report.read_group([], ["nothing:p90"], ["sla_id"])

    def test_lines_follow_the_cases(self):
        """A line shows its case as it is now; archived cases drop out."""
        case_a = self.cases[0]
        case_a.write({"priority": "4", "user_id": self.senior_user.id})
        self.env.flush_all()
        Report = self.env["crm.case.sla.report"]
        rows = Report.search([("case_id", "=", case_a.id)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(set(rows.mapped("priority")), {"4"})
        self.assertEqual(rows.user_id, self.senior_user)
        self.assertEqual(rows.sla_id, self.sla_first_l1 | self.sla_resolve_l1)
        case_a.action_archive()
        self.env.flush_all()
        self.assertFalse(Report.search([("case_id", "=", case_a.id)]))
        self.assertEqual(
            len(
                Report.with_context(active_test=False).search(
                    [("case_id", "=", case_a.id)]
                )
            ),
            2,
        )

    def test_drill_down_to_the_cases(self):
        """A pivot cell's domain lists its lines; each opens its case."""
        Report = self.env["crm.case.sla.report"].with_user(self.case_user)
        groups = Report.read_group(
            [("case_id", "in", self.cases.ids)],
            ["breached:sum"],
            ["sla_id", "state"],
            lazy=False,
        )
        cell = next(
            group
            for group in groups
            if group["sla_id"][0] == self.sla_first_l1.id and group["state"] == "met"
        )
        rows = Report.search(cell["__domain"])
        self.assertEqual(rows.mapped("case_id.name"), ["I", "F", "C", "A"])
        action = rows[0].action_open_case()
        self.assertEqual(action["res_model"], "crm.case")
        self.assertEqual(action["res_id"], rows[0].case_id.id)
        self.assertEqual(action["views"], [(False, "form")])
        with self.assertRaises(AccessError):
            rows[0].with_user(self.internal_user).action_open_case()


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseSlaReportAccess(CrmCaseSlaReportCommon):
    def test_figures_of_the_readable_cases_only(self):
        """Under a record rule restricting case users to their own cases, a
        case user's figures are those of his cases alone, p90 included."""
        group_user = self.env.ref("crm_case.group_crm_case_user")
        self.env["ir.rule"].create(
            {
                "name": "Own cases only",
                "model_id": self.env["ir.model"]._get_id("crm.case"),
                "groups": [Command.link(group_user.id)],
                "domain_force": "[('user_id', '=', user.id)]",
            }
        )
        own = self.cases.filtered(lambda case: case.user_id == self.case_user)
        self.assertEqual(own.mapped("name"), ["A", "B", "E", "F", "J"])
        Report = self.env["crm.case.sla.report"].with_user(self.case_user)
        self.assertEqual(Report.search([]).case_id, own)
        for groupbys in (["sla_id"], ["date:month", "target_type"], []):
            with self.subTest(groupbys=groupbys):
                self._assert_figures(
                    self._read_report(groupbys, user=self.case_user),
                    self._expected(groupbys, cases=own),
                )
        # The senior user's cases, read as him.
        senior_rows = self.env["crm.case.sla.report"].with_user(self.senior_user)
        self.assertEqual(
            senior_rows.search([]).case_id,
            self.cases.filtered(lambda case: case.user_id == self.senior_user),
        )

    def test_other_company_hidden(self):
        company_b = self.env["res.company"].create({"name": "SLA Company B"})
        section_b = self.env["crm.case.section"].create(
            {"name": "Section B", "company_id": company_b.id}
        )
        case_b = self.env["crm.case"].create(
            {"name": "Case of B", "section_id": section_b.id, "user_id": False}
        )
        self.env["crm.case.sla.status"].search([("case_id", "=", case_b.id)]).unlink()
        self._create_status(case_b, self.sla_first_sales, "breached", 50.0)
        self.env.flush_all()
        Report = self.env["crm.case.sla.report"]
        self.assertEqual(len(Report.search([("case_id", "=", case_b.id)])), 1)
        rows = Report.with_user(self.case_user).search([])
        self.assertNotIn(case_b, rows.case_id)
        self.assertEqual(rows.case_id, self.cases)
        totals = Report.with_user(self.case_user).read_group(
            [], ["breached:sum", "hours_taken_p90:p90"], [], lazy=False
        )
        self.assertEqual(totals[0]["breached"], self._expected([])[()]["breached"])

    def test_portal_and_internal_users_refused(self):
        portal_user = mail_new_test_user(
            self.env,
            login="sla_report_portal",
            name="SLA Portal",
            email="sla.portal@example.com",
            groups="base.group_portal",
        )
        for user in (portal_user, self.internal_user):
            Report = self.env["crm.case.sla.report"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Report.search([])
                with self.assertRaises(AccessError):
                    Report.read_group([], ["hours_taken_p90:p90"], ["sla_id"])
