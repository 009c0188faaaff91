import threading

from odoo.exceptions import UserError
from odoo.tests import tagged

from .concurrency_common import CommittedTransactionCase

EMAIL = "rush@concurrent.example.org"


@tagged("post_install", "-at_install", "case_portal")
class TestCrmCasePublicFormConcurrency(CommittedTransactionCase):
    """Submissions of the public form at the same time keep to the limit.

    Each one runs in its own committed transaction, as two requests do; the
    test removes what they committed."""

    def _cleanup(self):
        with self.registry.cursor() as cr:
            self._env(cr)["crm.case.web.request"].search(
                [("email", "in", [EMAIL, f"other.{EMAIL}"])]
            ).unlink()

    def _fill_up_to_the_limit(self):
        """Commit the submissions of the hour but one; return the limit."""
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            WebRequest = self._env(cr)["crm.case.web.request"]
            limit = WebRequest._get_hourly_limit()
            WebRequest.create(
                [{"email": EMAIL, "ip_address": "192.0.2.9"}] * (limit - 1)
            )
        return limit

    def _submit(self, env, email, ip_address):
        """What the public form does: check the limit, then record."""
        WebRequest = env["crm.case.web.request"]
        WebRequest._check_flood(email, ip_address)
        WebRequest.create({"email": email, "ip_address": ip_address})

    def _submit_in_thread(self, cr, email, ip_address):
        """Submit from another thread; return it and its outcome."""
        outcome = []
        # Made here: making an environment may wait for the registry, which
        # the thread running the tests holds.
        env = self._env(cr)

        def submit():
            try:
                self._submit(env, email, ip_address)
                outcome.append("recorded")
            except UserError as error:
                outcome.append(error)

        thread = threading.Thread(target=submit)
        thread.start()
        self.addCleanup(thread.join, 10)
        return thread, outcome

    def _count_committed(self, email):
        with self.registry.cursor() as cr:
            return self._env(cr)["crm.case.web.request"].search_count(
                [("email", "=", email)]
            )

    def test_second_submission_waits_then_is_refused(self):
        limit = self._fill_up_to_the_limit()
        first_cr, second_cr = self._cursor(), self._cursor()
        # The second request already read the database (session, website...)
        # when it reaches the form: its snapshot predates the first's commit.
        second_pid = self._backend_pid(second_cr)
        self._submit(self._env(first_cr), EMAIL, "192.0.2.1")
        thread, outcome = self._submit_in_thread(second_cr, EMAIL, "192.0.2.2")
        self.assertTrue(self._waits_for_lock(second_pid, thread, "advisory"), outcome)
        self.assertFalse(outcome, "the second submission waits for the first")
        first_cr.commit()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], UserError)
        self.assertIn("Too many requests", outcome[0].args[0])
        second_cr.rollback()
        self.assertEqual(self._count_committed(EMAIL), limit)

    def test_same_ip_waits_then_is_refused(self):
        self._fill_up_to_the_limit()
        first_cr, second_cr = self._cursor(), self._cursor()
        second_pid = self._backend_pid(second_cr)
        self._submit(self._env(first_cr), EMAIL, "192.0.2.9")
        other = f"other.{EMAIL}"
        thread, outcome = self._submit_in_thread(second_cr, other, "192.0.2.9")
        self.assertTrue(self._waits_for_lock(second_pid, thread, "advisory"), outcome)
        first_cr.commit()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertIsInstance(outcome[0], UserError)
        second_cr.rollback()
        self.assertEqual(self._count_committed(other), 0)

    def test_other_senders_do_not_wait(self):
        self._fill_up_to_the_limit()
        first_cr, second_cr = self._cursor(), self._cursor()
        self._submit(self._env(first_cr), EMAIL, "192.0.2.1")
        other = f"other.{EMAIL}"
        thread, outcome = self._submit_in_thread(second_cr, other, "192.0.2.2")
        thread.join(10)
        self.assertFalse(thread.is_alive(), "not held up by the first one")
        self.assertEqual(outcome, ["recorded"])
        second_cr.commit()
        first_cr.commit()
        self.assertEqual(self._count_committed(other), 1)
