from odoo.tests import tagged

from .concurrency_common import CommittedTransactionCase


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseReportCellConcurrency(CommittedTransactionCase):
    """Transactions changing cases of one statistics group never wait for each
    other, nor for the folding, and the sums stay exact.

    Each transaction commits, as requests do; the test removes what they
    committed. A wait longer than two seconds fails instead of hanging."""

    env_context = {"lang": "en_US", "tz": "UTC"}

    def _cursor(self):
        cr = super()._cursor()
        cr.execute("SET LOCAL lock_timeout = '2s'")
        return cr

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            self.section_id = (
                self._env(cr)["crm.case.section"]
                .create({"name": "Concurrent writers", "code": "cw"})
                .id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["crm.case"].with_context(active_test=False).search(
                [("section_id", "=", self.section_id)]
            ).unlink()
            env["crm.case.section"].browse(self.section_id).unlink()
            env["crm.case.report.cell"]._fold()

    def _create_case(self, cr, name, revenue):
        return self._env(cr)["crm.case"].create(
            {"name": name, "section_id": self.section_id, "planned_revenue": revenue}
        )

    def _statistics(self, cr, **context):
        report = self._env(cr)["crm.case.report"].with_context(**context)
        return report._read_group(
            [("section_id", "=", self.section_id)],
            ["section_id", "user_id", "state"],
            ["__count", "planned_revenue:sum"],
        )

    def test_writers_of_one_group_do_not_wait(self):
        first, second, folder = self._cursor(), self._cursor(), self._cursor()
        first_case = self._create_case(first, "First", 100)
        # Same section, user, state and month: the same groups as the first.
        self._create_case(second, "Second", 10)
        second.commit()
        # Folds what is committed; the first's rows are not, and stay.
        self._env(folder)["crm.case.report.cell"]._fold()
        folder.commit()
        first_case.write({"planned_revenue": 150})
        first.commit()
        with self.registry.cursor() as cr:
            fast = self._statistics(cr)
            self.assertEqual([row[2:] for row in fast], [("draft", 2, 160.0)])
            self.assertEqual(fast, self._statistics(cr, crm_case_report_cells=False))
            self._env(cr)["crm.case.report.cell"]._fold()
            self.assertEqual(self._statistics(cr), fast)
