import email
import email.policy
import os
import re

from odoo.tests import tagged
from odoo.tools import mute_logger

from .gateway_common import CrmCaseDovecotCommon, CrmCaseGatewayCommon

CORPUS_DIR = os.path.join(os.path.dirname(__file__), "data", "mail_corpus")
# The corpus writes to this domain; the tests put their alias domain instead.
CORPUS_DOMAIN = b"crm-case-corpus.example.com"
# Odd but readable mails: each must become a case message. The others (bounces,
# broken MIME, an unknown charset, NUL bytes, mails beyond the intake's bounds)
# may end as a case message or as a failed mail, but as exactly one of the two.
READABLE_MAILS = {
    "09_mbox_prefixed_plain",
    "12_mbox_escaped_from_lines",
    "13_autoreply_auto_submitted",
    "14_autoreply_x_autoreply_junk",
    "15_precedence_bulk_newsletter",
    "16_precedence_list_delivered_to",
    "17_digest_three_mails",
    "18_nested_rfc822_four_levels",
    "19_forward_as_attachment",
    "23_raw_latin1_headers",
    "24_raw_utf8_headers",
    "25_malformed_encoded_words",
    "26_unknown_charset",
    "27_wrong_declared_charset",
    "28_no_to_header",
    "29_several_to_headers",
    "30_very_long_header_lines",
    "31_header_folding_oddities",
    "32_empty_body",
    "33_no_body_at_all",
    "34_body_only_an_attachment",
    "35_html_only_broken",
    "36_tnef_winmail_dat",
    "37_calendar_invite",
    "38_huge_subject",
    "39_subject_only_a_tag",
    "40_subject_tags_of_missing_cases",
    "41_line_endings_mixed",
    "43_no_message_id",
    "44_odd_message_id",
    "45_duplicate_message_id_lines",
    "46_invalid_date",
    "47_base64_with_garbage",
    "48_quoted_printable_broken",
    "49_x_uuencode_attachment",
    "50_smime_signed",
    "51_pgp_encrypted",
}
# A Message-Id the fetch test can look up as it is.
PLAIN_MESSAGE_ID = re.compile(r"<[^<>\s\"]+>")
# The loggers of the expected gateway noise (failed mails, odd parts).
GATEWAY_LOGGERS = (
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.crm_case.models.fetchmail_server",
    "odoo.addons.crm_case.models.crm_case_mail_failure",
    "odoo.addons.crm_case.models.crm_case_mail_intake",
)


def read_corpus():
    """The corpus mails, in file order: [(file name, raw bytes)]."""
    names = sorted(name for name in os.listdir(CORPUS_DIR) if name.endswith(".eml"))
    mails = []
    for name in names:
        with open(os.path.join(CORPUS_DIR, name), "rb") as handle:
            mails.append((name, handle.read()))
    return mails


class CrmCaseMailCorpusCommon(CrmCaseGatewayCommon):
    """The corpus addressed to the support section, and what the gateway
    stored: case messages received by mail, and failed mails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.alias_domain.encode()
        cls.corpus = [
            (name, raw.replace(CORPUS_DOMAIN, domain)) for name, raw in read_corpus()
        ]

    def _stored(self):
        """The case messages received by mail, and the attempts of each failed
        mail (a failure is new or counted again when a mail fails)."""
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_count([("model", "=", "crm.case"), ("message_type", "=", "email")])
        )
        failures = (
            self.env["crm.case.mail.failure"].sudo().search([("state", "=", "failed")])
        )
        return messages, {failure.id: failure.attempts for failure in failures}

    def _stored_since(self, before):
        """(case messages, failed mails) stored since ``before``."""
        messages_before, failures_before = before
        messages, failures = self._stored()
        failed = [
            failure_id
            for failure_id, attempts in failures.items()
            if attempts > failures_before.get(failure_id, 0)
        ]
        return messages - messages_before, len(failed)

    @staticmethod
    def _problems_of(name, stored):
        """What is wrong with what the gateway stored for one mail."""
        messages, failures = stored
        if messages + failures != 1:
            return [
                f"{name}: {messages} case message(s) and {failures} failed "
                "mail(s), instead of exactly one of the two"
            ]
        if name[:-4] in READABLE_MAILS and not messages:
            return [f"{name}: a failed mail, but it is readable: a case message"]
        return []

    def _failure_error(self, message_id):
        failure = (
            self.env["crm.case.mail.failure"]
            .sudo()
            .search([("message_id", "=", message_id)], limit=1)
        )
        return failure.error or "neither a case message nor a failed mail"

    @staticmethod
    def _message_id(raw):
        """The Message-Id of a mail, when it is a plain one."""
        message = email.message_from_bytes(raw, policy=email.policy.SMTP)
        message_id = (message.get("Message-Id") or "").strip()
        return message_id if PLAIN_MESSAGE_ID.fullmatch(message_id) else ""


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseMailCorpusPipe(CrmCaseMailCorpusCommon):
    """The corpus through the MTA pipe, as a low-rights gateway user: the
    intake the mailgate calls, and Odoo's message_process over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway_user = cls._new_gateway_user(
            "corpus_gateway",
            name="Corpus Gateway",
            email="corpus.gateway@example.com",
        )

    def _run_each(self, deliver, check_result=None):
        """Deliver each corpus mail by ``deliver(raw)`` in its own savepoint,
        as each pipe call is its own transaction, and check what it stored;
        ``check_result(name, result, stored)`` lists what is wrong with what
        the call answered. All the corpus is run, then every problem shown."""
        problems = []
        for name, raw in self.corpus:
            before = self._stored()
            try:
                with self.env.cr.savepoint(), mute_logger(*GATEWAY_LOGGERS):
                    result = deliver(raw)
            except Exception as error:
                problems.append(f"{name}: raised to the caller: {error!r}")
                continue
            stored = self._stored_since(before)
            problems += self._problems_of(name, stored)
            if check_result:
                problems += check_result(name, result, stored)
        if problems:
            self.fail("\n".join(["mails not stored as exactly one result:", *problems]))

    def test_intake_process_mail(self):
        self.assertIn(
            "crm.case.mail.intake",
            self.env.registry,
            "the MTA pipe's intake (crm.case.mail.intake) is missing",
        )
        Intake = self.env["crm.case.mail.intake"].with_user(self.gateway_user)
        section = self.section_level1
        outcomes = {"created": (1, 0), "updated": (1, 0), "failed": (0, 1)}

        def check_result(name, result, stored):
            if outcomes.get(result.get("outcome")) != stored or not result.get(
                "summary"
            ):
                return [f"{name}: answered {result}, stored {stored}"]
            return []

        self._run_each(
            lambda raw: Intake.process_mail(raw, section_id=section.id), check_result
        )

    def test_message_process(self):
        Thread = self.env["mail.thread"].with_user(self.gateway_user)
        custom_values = {"section_id": self.section_level1.id}
        self._run_each(
            lambda raw: Thread.message_process(
                "crm.case", raw, custom_values=custom_values
            )
        )


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseMailCorpusFetch(CrmCaseMailCorpusCommon, CrmCaseDovecotCommon):
    """The corpus dropped as it is into real Dovecot mailboxes, fetched in one
    go over IMAP and over POP3 on loopback."""

    server_name = "Corpus"
    mailboxes = ("corpusimap", "corpuspop")

    @classmethod
    def _server_values(cls):
        # Mails that reach no section address (no To, a list's To): support.
        values = super()._server_values()
        return dict(values, crm_case_section_id=cls.section_level1.id)

    def _drop_in_maildir(self, login):
        """Put the corpus mails into the INBOX byte for byte: an IMAP APPEND
        would refuse NUL bytes and normalise line ends."""
        self.dovecot.count(login)  # the first login creates the Maildir
        new = os.path.join(self.dovecot.base, "mail", login, "Maildir", "new")
        for index, (__, raw) in enumerate(self.corpus):
            path = os.path.join(new, f"1767225600.M{index}P1.corpus")
            with open(path, "wb") as handle:
                handle.write(raw)
            if os.geteuid() == 0:
                os.chown(path, self.dovecot.uid, self.dovecot.gid)
        self.assertEqual(self.dovecot.count(login), len(self.corpus))

    def _fetch_all(self, server):
        """Fetch the whole mailbox once; check one result per mail."""
        before = self._stored()
        with mute_logger(*GATEWAY_LOGGERS):
            server.fetch_mail()
        messages, failures = self._stored_since(before)
        self.assertEqual(
            messages + failures,
            len(self.corpus),
            f"{messages} case messages and {failures} failed mails for "
            f"{len(self.corpus)} mails",
        )
        self._assert_readable_on_cases()

    def _assert_readable_on_cases(self):
        recorded = set(
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "crm.case"), ("message_type", "=", "email")])
            .mapped("message_id")
        )
        problems = [
            f"{name}: {self._failure_error(message_id)}"
            for name, message_id in (
                (name, self._message_id(raw)) for name, raw in self.corpus
            )
            if name[:-4] in READABLE_MAILS and message_id and message_id not in recorded
        ]
        if problems:
            self.fail("\n".join(["readable mails not on a case:", *problems]))

    def test_imap_fetch_corpus(self):
        self._drop_in_maildir("corpusimap")
        self._fetch_all(self.imap_server)
        flags = self.dovecot.flags("corpusimap")
        self.assertEqual(len(flags), len(self.corpus))
        self.assertTrue(all("\\Seen" in value for value in flags), flags)

    def test_pop_fetch_corpus(self):
        self._drop_in_maildir("corpuspop")
        self._fetch_all(self.pop_server)
        self.assertEqual(self.dovecot.count("corpuspop"), 0, "stored, then deleted")
