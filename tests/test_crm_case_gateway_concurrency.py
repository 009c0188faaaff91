from psycopg2.errors import SerializationFailure

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..utils.mail_source import MailBusy
from .concurrency_common import CommittedTransactionCase

RAW = b"""From: Carla <carla@concurrent.example.org>
To: nobody@elsewhere.example.org
Subject: Delivered twice at once
Message-ID: <crm-case-concurrent-twice@concurrent.example.org>

Two fetches read this mail at the same time.
"""


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayConcurrency(CommittedTransactionCase):
    """Two processes store the same mail at the same time: recorded once.

    Both run in their own committed transactions, as two fetch processes do;
    the test removes what they committed."""

    env_context = {}

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

    @mute_logger("odoo.addons.crm_case.models.fetchmail_server")
    def test_pipe_defers_a_mail_another_process_is_storing(self):
        """The MTA is told to try again (not that the mail is stored) while a
        fetch holds the same mail; its next try finds it recorded."""
        section_id, server_id = self._setup_server()
        fetch_cr, pipe_cr = self._cursor(), self._cursor()
        fetch_server = self._env(fetch_cr)["fetchmail.server"].browse(server_id)
        self.assertTrue(fetch_server._crm_case_process_mail(RAW))
        intake = self._env(pipe_cr)["crm.case.mail.intake"]
        with self.assertRaises(MailBusy):
            intake.process_mail(RAW, section_id=section_id)
        pipe_cr.rollback()
        fetch_cr.commit()
        again = intake.process_mail(RAW, section_id=section_id)
        self.assertEqual(again["outcome"], "duplicate")
        pipe_cr.commit()
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

    def _committed_case(self, section_id, **values):
        with self.registry.cursor() as cr:
            case = self._env(cr)["crm.case"].create(
                dict(values, name="Conflicting case", section_id=section_id)
            )
            return case.id

    def _change_elsewhere(self, case_id):
        """Another transaction changes the case and commits."""
        with self.registry.cursor() as cr:
            self._env(cr)["crm.case"].browse(case_id).priority = "1"

    @mute_logger("odoo.sql_db", "odoo.addons.crm_case.models.fetchmail_server")
    def test_conflict_while_storing_a_reply_leaves_it_for_later(self):
        section_id, server_id = self._setup_server()
        case_id = self._committed_case(
            section_id, email_from="carla@concurrent.example.org"
        )
        reply = (
            b"From: Carla <carla@concurrent.example.org>\n"
            b"Subject: Re: [%d] Conflicting case\n"
            b"Message-ID: <crm-case-conflict-reply@concurrent.example.org>\n\n"
            b"Any news?\n" % case_id
        )
        fetch_cr = self._cursor()
        fetch_cr.execute("SELECT 1")  # the fetch's snapshot
        self._change_elsewhere(case_id)
        server = self._env(fetch_cr)["fetchmail.server"].browse(server_id)
        self.assertIsNone(server._crm_case_process_mail(reply), "left unseen")
        fetch_cr.rollback()
        env = self._env(fetch_cr)
        self.assertFalse(
            env["crm.case.mail.failure"]
            .search([])
            .filtered(lambda failure: failure.server_id.id == server_id)
        )
        # The next fetch stores it.
        self.assertTrue(server._crm_case_process_mail(reply))
        fetch_cr.commit()
        case = env["crm.case"].browse(case_id)
        self.assertEqual(case.state, "open", "the partner's reply opened the case")
        self.assertIn(
            "<crm-case-conflict-reply@concurrent.example.org>",
            case.message_ids.mapped("message_id"),
        )

    @mute_logger("odoo.sql_db")
    def test_rule_firing_does_not_swallow_a_conflict(self):
        """The change that fires a rule conflicts with another transaction:
        the conflict reaches the caller, which retries the transaction (a
        request, a cron), instead of a failed firing on an aborted one."""
        section_id, __ = self._setup_server()
        with self.registry.cursor() as cr:
            rule_id = (
                self._env(cr)["crm.case.rule"]
                .create(
                    {
                        "name": "Conflict rule",
                        "trg_state_to": "open",
                        "trg_section_id": section_id,
                        "act_section_id": section_id,
                    }
                )
                .id
            )
        self.addCleanup(self._unlink_rule, rule_id)
        case_id = self._committed_case(section_id)
        user_cr = self._cursor()
        user_cr.execute("SELECT 1")  # the request's snapshot
        self._change_elsewhere(case_id)
        case = self._env(user_cr)["crm.case"].browse(case_id)
        with self.assertRaises(SerializationFailure):
            case.action_open()
        user_cr.rollback()
        self.assertEqual(case.state, "draft")
        # Retried, as Odoo retries the request: the rule fires once.
        case.action_open()
        user_cr.commit()
        self.assertEqual(case.state, "open")
        self.assertEqual(
            case.rule_log_ids.filtered(lambda log: log.rule_id.id == rule_id).mapped(
                "state"
            ),
            ["done"],
        )

    def _unlink_rule(self, rule_id):
        with self.registry.cursor() as cr:
            self._env(cr)["crm.case.rule"].browse(rule_id).unlink()
