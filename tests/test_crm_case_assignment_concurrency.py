import threading

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import mute_logger

from .concurrency_common import CommittedTransactionCase


@tagged("post_install", "-at_install", "case_assignment")
class TestCrmCaseAssignmentConcurrency(CommittedTransactionCase):
    """Two cases created at the same time in a section whose cap leaves room
    for one: only one gets the member.

    Each creation runs in its own committed transaction, as two requests or
    two mails do; the test removes what they committed."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self.member_id = env.ref("base.user_admin").id
            self.section_ids = (
                env["crm.case.section"]
                .create(
                    [
                        {
                            "name": "Concurrent desk",
                            "code": "concurrent_desk",
                            "assign_method": "balanced",
                            "assign_max_open": 1,
                            "member_ids": [(6, 0, [self.member_id])],
                        },
                        {
                            "name": "Concurrent manual desk",
                            "code": "concurrent_manual",
                            "member_ids": [(6, 0, [self.member_id])],
                        },
                    ]
                )
                .ids
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["crm.case"].with_context(active_test=False).search(
                [("section_id", "in", self.section_ids)]
            ).unlink()
            env["crm.case.section"].browse(self.section_ids).unlink()

    def _create(self, env, name, section_id=None):
        """What every creation path does: a case without a responsible."""
        return (
            env["crm.case"]
            .create(
                {
                    "name": name,
                    "section_id": section_id or self.section_ids[0],
                    "user_id": False,
                }
            )
            .id
        )

    def _create_in_thread(self, cr, name, section_id=None):
        """Create as a request does: once more after a serialization failure,
        on a new transaction (Odoo's ``retrying``; not called here because it
        reloads the registry, which the thread running the tests holds).

        :return: the thread, its outcome (case id or error) and its failures
        """
        outcome, failures = [], []
        # Made here: making an environment may wait for the registry.
        env = self._env(cr)

        def create():
            try:
                try:
                    outcome.append(self._create(env, name, section_id))
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                    failures.append(error)
                    cr.rollback()
                    env.transaction.clear()
                    outcome.append(self._create(env, name, section_id))
            except Exception as error:  # noqa: BLE001 - reported by the test
                outcome.append(error)

        thread = threading.Thread(target=create)
        thread.start()
        self.addCleanup(thread.join, 10)
        return thread, outcome, failures

    def _committed_responsibles(self):
        with self.registry.cursor() as cr:
            cases = self._env(cr)["crm.case"].search(
                [("section_id", "=", self.section_ids[0])], order="id"
            )
            return [(case.name, case.user_id.id) for case in cases]

    # The second creation fails to serialize once, and is retried.
    @mute_logger("odoo.sql_db")
    def test_second_creation_waits_and_finds_the_member_full(self):
        first_cr, second_cr = self._cursor(), self._cursor()
        # The second request already read the database when it creates its
        # case: its snapshot predates the first's commit.
        second_pid = self._backend_pid(second_cr)
        first_id = self._create(self._env(first_cr), "First")
        self.assertEqual(
            self._env(first_cr)["crm.case"].browse(first_id).user_id.id,
            self.member_id,
        )
        thread, outcome, failures = self._create_in_thread(second_cr, "Second")
        self.assertTrue(self._waits_for_lock(second_pid, thread), outcome)
        self.assertFalse(outcome, "the second creation waits for the first")
        first_cr.commit()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], int, outcome)
        # Its snapshot missed the first case: it could not go on with it.
        self.assertEqual(len(failures), 1)
        second_cr.commit()
        self.assertEqual(
            self._committed_responsibles(),
            [("First", self.member_id), ("Second", False)],
        )

    def test_manual_sections_do_not_wait(self):
        first_cr, second_cr = self._cursor(), self._cursor()
        second_cr.execute("SET LOCAL lock_timeout = '2s'")
        self._create(self._env(first_cr), "First")
        thread, outcome, failures = self._create_in_thread(
            second_cr, "Manual", section_id=self.section_ids[1]
        )
        thread.join(10)
        self.assertFalse(thread.is_alive(), "not held up by the first one")
        self.assertIsInstance(outcome[0], int, outcome)
        self.assertFalse(failures)
        second_cr.commit()
        first_cr.commit()
