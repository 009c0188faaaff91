import threading
import time

from odoo import api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

RAW = b"""From: Carla <carla@concurrent.example.org>
To: nobody@elsewhere.example.org
Subject: Delivered twice at once
Message-ID: <crm-case-concurrent-twice@concurrent.example.org>

Two fetches read this mail at the same time.
"""


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayConcurrency(TransactionCase):
    """Two processes store the same mail at the same time: recorded once.

    Both run in their own committed transactions, as two fetch processes do;
    the test removes what they committed."""

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {})

    def _cleanup(self, section_id, server_id):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cases = (
                env["crm.case"]
                .with_context(active_test=False)
                .search([("section_id", "=", section_id)])
            )
            env["crm.case.mail.failure"].search(
                [("server_id", "=", server_id)]
            ).unlink()
            cases.unlink()
            env["fetchmail.server"].browse(server_id).unlink()
            env["crm.case.section"].browse(section_id).unlink()

    def _wait_until_blocked(self, cr, pid):
        """Wait until the backend ``pid`` waits for a lock (at most 30 s)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # pg_stat_activity is a snapshot per transaction: take a new one.
            cr.rollback()
            cr.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
            )
            row = cr.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.05)
        return False

    @mute_logger("odoo.sql_db", "odoo.addons.crm_case.models.fetchmail_server")
    def test_same_mail_by_two_processes_at_once(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            section = env["crm.case.section"].create({"name": "Concurrent"})
            server = env["fetchmail.server"].create(
                {
                    "name": "Concurrent",
                    "server_type": "imap",
                    "server": "localhost",
                    "object_id": env["ir.model"]._get_id("crm.case"),
                    "crm_case_section_id": section.id,
                }
            )
            section_id, server_id = section.id, server.id
        self.addCleanup(self._cleanup, section_id, server_id)
        first_cr = self.registry.cursor()
        second_cr = self.registry.cursor()
        watch_cr = self.registry.cursor()
        self.addCleanup(first_cr.close)
        self.addCleanup(second_cr.close)
        self.addCleanup(watch_cr.close)
        # The first process stores the mail but has not committed yet.
        first_server = self._env(first_cr)["fetchmail.server"].browse(server_id)
        self.assertTrue(first_server._crm_case_process_mail(RAW))
        # The second one reads the same mail meanwhile: it must wait.
        second_cr.execute("SELECT pg_backend_pid()")
        second_pid = second_cr.fetchone()[0]
        result = {}
        # Built here: a new environment needs the registry lock, which the
        # test runner holds.
        second_server = self._env(second_cr)["fetchmail.server"].browse(server_id)

        def second_fetch():
            server = second_server
            result["stored"] = server._crm_case_process_mail(RAW)
            second_cr.commit()

        thread = threading.Thread(target=second_fetch)
        thread.start()
        blocked = self._wait_until_blocked(watch_cr, second_pid)
        first_cr.commit()
        thread.join(timeout=60)
        self.assertTrue(blocked, "the second process waited for the first one")
        self.assertFalse(thread.is_alive())
        self.assertTrue(result["stored"], "a duplicate is no failure")
        watch_cr.rollback()
        watch_env = self._env(watch_cr)
        cases = watch_env["crm.case"].search([("section_id", "=", section_id)])
        self.assertEqual(len(cases), 1)
        self.assertEqual(
            watch_env["mail.message"].search_count(
                [
                    (
                        "message_id",
                        "=",
                        "<crm-case-concurrent-twice@concurrent.example.org>",
                    )
                ]
            ),
            1,
        )
        self.assertFalse(
            watch_env["crm.case.mail.failure"].search([("server_id", "=", server_id)])
        )
