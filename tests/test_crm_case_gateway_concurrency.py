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

    def _setup_server(self):
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
        return section_id, server_id

    def _cursor(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return cr

    def _assert_recorded_once(self, section_id, server_id):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cases = env["crm.case"].search([("section_id", "=", section_id)])
            self.assertEqual(len(cases), 1)
            self.assertEqual(
                env["mail.message"].search_count(
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
                env["crm.case.mail.failure"].search([("server_id", "=", server_id)])
            )

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_same_mail_by_two_processes_at_once(self):
        section_id, server_id = self._setup_server()
        first_cr, second_cr = self._cursor(), self._cursor()
        # The first process stores the mail but has not committed yet.
        first_server = self._env(first_cr)["fetchmail.server"].browse(server_id)
        self.assertTrue(first_server._crm_case_process_mail(RAW))
        # The second one reads the same mail meanwhile: it leaves it to the
        # first one at once (None: not stored, not to be marked seen).
        second_server = self._env(second_cr)["fetchmail.server"].browse(server_id)
        self.assertIsNone(second_server._crm_case_process_mail(RAW))
        second_cr.commit()
        first_cr.commit()
        # Fetched again later (the first one died before marking it seen).
        self.assertTrue(second_server._crm_case_process_mail(RAW))
        second_cr.commit()
        self._assert_recorded_once(section_id, server_id)

    @mute_logger("odoo.sql_db", "odoo.addons.crm_case.models.fetchmail_server")
    def test_database_catches_the_last_race(self):
        """The second transaction's snapshot predates the first one's commit,
        and its lock comes after that commit: the unique index refuses the
        second copy, which counts as already recorded."""
        section_id, server_id = self._setup_server()
        first_cr, second_cr = self._cursor(), self._cursor()
        first_server = self._env(first_cr)["fetchmail.server"].browse(server_id)
        second_server = self._env(second_cr)["fetchmail.server"].browse(server_id)
        second_cr.execute("SELECT 1")  # takes the snapshot
        self.assertTrue(first_server._crm_case_process_mail(RAW))
        first_cr.commit()
        self.assertTrue(second_server._crm_case_process_mail(RAW))
        second_cr.commit()
        self._assert_recorded_once(section_id, server_id)
